// Package historytest makes synthetic but realistic nightly results, for
// tests of the history store and of what reads it (trend detection, the
// history and nightly commands). It is imported only by tests.
//
// Every night is built the way coldstart builds a real one: runs whose
// inittrace lines are printed exactly as the Go runtime prints them (times
// truncated to its precision by inittrace.Format), parsed by
// inittrace.Parse, and assembled by result.Assemble. The programme is the
// real capture testdata/nethttp.stderr (77 packages; see testdata/README):
// each run scales every package's recorded init clock by lognormal noise,
// and the whole start by the wall figures measured for the same program on
// the same kind of machine. Known changes (a level shift from a given
// night, a creep of a given rate per night) are applied on top, so that
// detectors can be checked against the truth.
package historytest

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/runner"
)

//go:embed testdata/nethttp.stderr
var fixture []byte

// The whole-process figures of the nethttp program (medians over 30
// untraced runs, coldstart run -n 30, 2026-11-28, on the machine of
// Machine): time outside init, user time, max RSS, minor faults, and the
// extra wall time of a traced run.
const (
	outsideNs   = 2.16e6
	userShare   = 0.87 // user time over wall time
	maxRSS      = 12845056
	minorFaults = 356
	traceCost   = 0.19 // traced wall over untraced wall, minus 1
)

// Defaults of Config. DefaultNightCV is a guess between two measurements
// of the nethttp program on the 2-core VM: medians of ten 20-pair sessions
// a minute apart varied by 9.5% (init) and 20% (wall) while other jobs
// kept the machine busy (load 3), and by about 3% on a quiet machine.
const (
	DefaultRuns    = 20
	DefaultCV      = 0.25
	DefaultNightCV = 0.05
	DefaultRunCV   = 0.15
	DefaultGo      = "go1.26.8"
)

// DefaultStart is the date of the first night when Config.Start is zero:
// 2026-11-01 02:00 UTC.
func DefaultStart() time.Time { return time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC) }

// Machine is the machine the fixture and the figures were recorded on.
func Machine() result.Machine {
	return result.Machine{OS: "linux", Arch: "amd64", CPU: "Intel(R) Xeon(R) Processor", Cores: 2, Kernel: "6.18.44-fc-v669"}
}

// Config describes a synthetic history of one scenario.
type Config struct {
	Seed   uint64
	Nights int
	Start  time.Time // date of the first night; one night every 24 h (default DefaultStart)
	Runs   int       // counted pairs of runs per night (default DefaultRuns)
	// CV is the run-to-run coefficient of variation of every time: each
	// package's clock, the gaps between inits, the time outside init
	// (default DefaultCV). The real program's per-package CVs are 30-60%,
	// its wall time's 16%.
	CV float64
	// NightCV is the night-to-night coefficient of variation of the
	// machine's speed, which scales every time of a night alike (default
	// DefaultNightCV). With the defaults, a night's median total init
	// varies by about 5% from night to night, its wall time by 6%, a
	// 0.15 ms package's init by 10%.
	NightCV float64
	// RunCV is the run-to-run coefficient of variation of the machine's
	// speed, which scales every time of one run alike, on top of CV
	// (default DefaultRunCV): a run that is slow is slow throughout.
	RunCV     float64
	Machine   result.Machine // default Machine()
	GoVersion string         // default DefaultGo
	Changes   []Change
}

// Change is a known change of the program from a given night on.
type Change struct {
	// Package is the import path of the package that changes; "" changes
	// the whole program: every package's init, the time between inits and
	// the time outside init.
	Package string
	Night   int // first night it affects, counting from 0
	// Factor multiplies the times from Night on: a level shift. 0 or 1
	// is none.
	Factor float64
	// PerNight is a creep: the times grow by this fraction per night,
	// compounding, from Night on (night Night itself is unchanged).
	PerNight float64
	// Bytes multiplies the heap bytes and allocations from Night on. 0
	// or 1 is none.
	Bytes float64
}

// line is one init line of the fixture.
type line struct {
	name          string  // as printed (escaped)
	path          string  // unescaped
	gap           float64 // from the end of the previous init to the start of this one
	clock         float64
	bytes, allocs int64
}

// Generate makes cfg.Nights results, oldest first.
func Generate(cfg Config) ([]*result.Result, error) {
	if cfg.Nights < 0 {
		return nil, fmt.Errorf("historytest: %d nights", cfg.Nights)
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart()
	}
	if cfg.Runs <= 0 {
		cfg.Runs = DefaultRuns
	}
	if cfg.CV == 0 {
		cfg.CV = DefaultCV
	}
	if cfg.NightCV == 0 {
		cfg.NightCV = DefaultNightCV
	}
	if cfg.RunCV == 0 {
		cfg.RunCV = DefaultRunCV
	}
	if cfg.Machine == (result.Machine{}) {
		cfg.Machine = Machine()
	}
	if cfg.GoVersion == "" {
		cfg.GoVersion = DefaultGo
	}
	lines, err := fixtureLines()
	if err != nil {
		return nil, err
	}
	known := map[string]bool{"": true}
	for _, l := range lines {
		known[l.path] = true
	}
	for _, c := range cfg.Changes {
		if !known[c.Package] {
			return nil, fmt.Errorf("historytest: change of %q: not a package of the fixture", c.Package)
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x68697374))
	var out []*result.Result
	for night := range cfg.Nights {
		r, err := genNight(rng, cfg, lines, night)
		if err != nil {
			return nil, fmt.Errorf("historytest: night %d: %w", night, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Packages lists the import paths of the fixture's packages, in init order.
func Packages() []string {
	lines, _ := fixtureLines()
	var out []string
	for _, l := range lines {
		out = append(out, l.path)
	}
	return out
}

func fixtureLines() ([]line, error) {
	inits, warns := inittrace.Parse(fixture, "nethttp.stderr")
	if len(warns) > 0 {
		return nil, fmt.Errorf("historytest: fixture: %v", warns[0])
	}
	var out []line
	var end float64
	for _, text := range strings.Split(string(fixture), "\n") {
		f := strings.Fields(text)
		if len(f) < 2 || f[0] != "init" {
			continue
		}
		in := inits[len(out)]
		out = append(out, line{
			name:   f[1],
			path:   in.Package,
			gap:    max(0, float64(in.Start)-end),
			clock:  float64(in.Clock),
			bytes:  in.Bytes,
			allocs: in.Allocs,
		})
		end = float64(in.End())
	}
	if len(out) != len(inits) {
		return nil, fmt.Errorf("historytest: fixture has %d init lines, parsed %d", len(out), len(inits))
	}
	return out, nil
}

// lognormal returns a lognormal variate of mean 1 and coefficient of
// variation cv.
func lognormal(rng *rand.Rand, cv float64) float64 {
	s2 := math.Log(1 + cv*cv)
	return math.Exp(-s2/2 + math.Sqrt(s2)*rng.NormFloat64())
}

// factors returns the multipliers of pkg's times and bytes on night.
func factors(changes []Change, pkg string, night int) (times, bytes float64) {
	times, bytes = 1, 1
	for _, c := range changes {
		if (c.Package != "" && c.Package != pkg) || night < c.Night {
			continue
		}
		if c.Factor > 0 {
			times *= c.Factor
		}
		times *= math.Pow(1+c.PerNight, float64(night-c.Night))
		if c.Bytes > 0 {
			bytes *= c.Bytes
		}
	}
	return times, bytes
}

func genNight(rng *rand.Rand, cfg Config, lines []line, night int) (*result.Result, error) {
	speed := lognormal(rng, cfg.NightCV) // this night's machine
	outsideF, _ := factors(cfg.Changes, "", night)
	type pkgF struct{ t, b float64 }
	pf := make([]pkgF, len(lines))
	for i, l := range lines {
		pf[i].t, pf[i].b = factors(cfg.Changes, l.path, night)
	}
	// sequence returns the init lines of one run, and where the last init
	// ends.
	sequence := func(speed float64) (string, float64) {
		var sb strings.Builder
		var at float64
		for i, l := range lines {
			start := at + l.gap*outsideF*speed*lognormal(rng, cfg.CV)
			clock := l.clock * pf[i].t * speed * lognormal(rng, cfg.CV)
			at = start + clock
			fmt.Fprintf(&sb, "init %s @%s ms, %s ms clock, %d bytes, %d allocs\n",
				l.name, inittrace.Format(time.Duration(start)), inittrace.Format(time.Duration(clock)),
				int64(math.Round(float64(l.bytes)*pf[i].b)), int64(math.Round(float64(l.allocs)*pf[i].b)))
		}
		return sb.String(), at
	}
	var runs []runner.Run
	for i := range cfg.Runs {
		text, end := sequence(speed * lognormal(rng, cfg.RunCV))
		inits, warns := inittrace.Parse([]byte(text), "synthetic")
		if len(warns) > 0 {
			return nil, warns[0]
		}
		run := speed * lognormal(rng, cfg.RunCV)
		_, plainEnd := sequence(run)
		outside := outsideNs * outsideF * run * lognormal(rng, cfg.CV)
		wall := outside + plainEnd
		runs = append(runs,
			runner.Run{Index: 2 * i, Traced: true, Wall: time.Duration((outside + end) * (1 + traceCost)), Inits: inits},
			runner.Run{
				Index:       2*i + 1,
				Wall:        time.Duration(wall),
				User:        time.Duration(wall * userShare * lognormal(rng, cfg.CV)),
				MaxRSS:      int64(maxRSS * lognormal(rng, 0.03)),
				MinorFaults: int64(math.Round(minorFaults * lognormal(rng, 0.04))),
			})
	}
	r, err := result.Assemble(runs)
	if err != nil {
		return nil, err
	}
	r.Date = cfg.Start.Add(time.Duration(night) * 24 * time.Hour)
	r.Command = []string{"coldstart", "nightly"}
	r.Target = result.Target{
		Spec:        "./cmd/nethttp",
		Kind:        "package",
		Binary:      "nethttp",
		MainPackage: "example.com/nethttp",
		GoVersion:   cfg.GoVersion,
		Revision:    revision(cfg.Seed, night),
	}
	r.Machine = cfg.Machine
	r.Settings = result.Settings{Runs: cfg.Runs, Warmup: 3, TimeoutNs: int64(30 * time.Second), Ready: "exit"}
	return r, nil
}

// revision is a commit-hash-like revision for night: 40 hex digits.
func revision(seed uint64, night int) string {
	h := rand.New(rand.NewPCG(seed, uint64(night)+1))
	return fmt.Sprintf("%016x%016x%08x", h.Uint64(), h.Uint64(), h.Uint32())
}

// Revision returns the revision Generate gives night of a history made
// with seed.
func Revision(seed uint64, night int) string { return revision(seed, night) }
