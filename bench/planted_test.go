package bench

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/compare"
	"github.com/coldstart-dev/coldstart/harness/result"
)

var (
	trials = flag.Int("trials", 0, "trials per condition; 0 runs the smoke test (20 gives the figures in README.md)")
	auto   = flag.Bool("auto", true, "with -trials: also measure -n auto")
)

// The planted target and its knob: the package whose init work is set at
// build time, and its default amount.
const (
	planted      = "testdata/planted"
	knob         = "example.com/planted/internal/knob"
	knobVar      = knob + ".Units"
	defaultUnits = 2_800_000
)

// condition is one kind of comparison: base is always the default build,
// head has the knob raised by extra nanoseconds of init work.
type condition struct {
	name    string
	extraNs func(totalInit float64) float64
	args    []string // extra diff flags
	// want is what the goals require of the full benchmark: "regression"
	// in at least 19 of 20 trials, "none" in at most 1 of 20, "" nothing.
	want string
}

// outcome is one diff's verdict.
type outcome struct {
	exit      int
	regressed bool
	knob      compare.Verdict // the knob package's clock verdict
	anySig    bool            // any total or package time changed significantly
	initDelta float64         // total init shift, fraction of base
	elapsed   time.Duration
	pairs     int
	stop      string
}

// TestPlanted measures coldstart diff against regressions of known size
// planted in one package of a ~30 ms program, and against two builds of
// the same source (A/A). See README.md for the figures and how to
// reproduce them.
func TestPlanted(t *testing.T) {
	if testing.Short() {
		t.Skip("measures real programs for a while")
	}
	tmp := t.TempDir()
	cs := filepath.Join(tmp, "coldstart")
	goBuild(t, "..", "-o", cs, "./cmd/coldstart")
	builds := map[int]string{}
	binary := func(units int) string {
		if b, ok := builds[units]; ok {
			return b
		}
		b := filepath.Join(tmp, fmt.Sprintf("planted-%d", units))
		goBuild(t, planted, "-o", b, "-ldflags", fmt.Sprintf("-X %s=%d", knobVar, units), ".")
		builds[units] = b
		return b
	}
	base := binary(defaultUnits)
	// A/A compares two builds of the same source, not one file with
	// itself, so that anything that differs between two files (paths,
	// page cache) is part of the test.
	same := filepath.Join(tmp, "planted-same")
	goBuild(t, planted, "-o", same, "-ldflags", fmt.Sprintf("-X %s=%d", knobVar, defaultUnits), ".")

	// Calibrate: the knob's measured init time per unit of work, and the
	// base's total init, so that regressions are planted in nanoseconds.
	out, code := runCmd(t, cs, "run", "-n", "20", "-warmup", "2", "-format", "json", base)
	if code != 0 {
		t.Fatalf("calibration run: exit %d", code)
	}
	r, err := result.Read(bytes.NewReader(out), "calibration")
	if err != nil {
		t.Fatal(err)
	}
	kp, ok := r.Package(knob)
	if !ok {
		t.Fatalf("calibration: no %s in the trace", knob)
	}
	nsPerUnit := kp.ClockNs.Median / defaultUnits
	totalInit := r.Total.InitNs.Median
	t.Logf("calibration: total init %.2f ms, knob %.2f ms (%.3f ns per unit), wall %.2f ms",
		totalInit/1e6, kp.ClockNs.Median/1e6, nsPerUnit, r.Total.WallNs.Median/1e6)

	share := func(f float64) func(float64) float64 { return func(total float64) float64 { return f * total } }
	fixed := func(ns float64) func(float64) float64 { return func(float64) float64 { return ns } }
	var conds []condition
	n := *trials
	if n == 0 {
		// Smoke test: a gross regression must be found, and an A/A diff
		// must work; one trial proves nothing about rates.
		n = 1
		conds = []condition{
			{name: "A/A", extraNs: fixed(0)},
			{name: "+30% total init", extraNs: share(0.30), want: "regression"},
		}
	} else {
		conds = []condition{
			{name: "A/A", extraNs: fixed(0), want: "none"},
			{name: "+2% total init", extraNs: share(0.02)},
			{name: "+5% total init", extraNs: share(0.05), want: "regression"},
			{name: "+200µs in knob", extraNs: fixed(200e3)},
			{name: "+200µs in knob, -threshold 100us", extraNs: fixed(200e3), args: []string{"-threshold", "100us"}},
		}
		if *auto {
			conds = append(conds,
				condition{name: "A/A, -n auto", extraNs: fixed(0), args: []string{"-n", "auto"}, want: "none"},
				condition{name: "+5% total init, -n auto", extraNs: share(0.05), args: []string{"-n", "auto"}, want: "regression"},
			)
		}
	}
	heads := make([]string, len(conds))
	for i, c := range conds {
		extra := c.extraNs(totalInit)
		if extra == 0 {
			heads[i] = same
			continue
		}
		heads[i] = binary(defaultUnits + int(math.Round(extra/nsPerUnit)))
	}

	// Trials run round-robin over the conditions, so that a slow spell of
	// the machine hits them all.
	got := make([][]outcome, len(conds))
	for trial := range n {
		for i, c := range conds {
			args := append([]string{"diff", "-format", "json", "-base-binary", base, "-head-binary", heads[i]}, c.args...)
			start := time.Now()
			out, code := runCmd(t, cs, args...)
			elapsed := time.Since(start)
			if code != 0 && code != 1 {
				t.Fatalf("%s, trial %d: exit %d", c.name, trial+1, code)
			}
			d, err := compare.Read(bytes.NewReader(out), "diff")
			if err != nil {
				t.Fatalf("%s, trial %d: %v", c.name, trial+1, err)
			}
			o := outcome{exit: code, regressed: d.Regressed(), elapsed: elapsed, pairs: d.Head.Runs, knob: compare.Unchanged}
			if d.Totals.Init.Relative != nil {
				o.initDelta = d.Totals.Init.Relative.Value
			}
			if a := d.Settings.Adaptive; a != nil {
				o.stop = a.Stop
			}
			var sig []string
			for _, x := range []struct {
				name string
				t    compare.Time
			}{{"total init", d.Totals.Init}, {"wall", d.Totals.Wall}} {
				if x.t.Significant {
					sig = append(sig, fmt.Sprintf("%s %+.0fµs (p %.2g)", x.name, x.t.Delta/1e3, x.t.PAdjusted))
				}
			}
			for _, p := range d.Packages {
				if p.Path == knob {
					o.knob = p.Clock.Verdict
				}
				if p.Clock.Significant {
					sig = append(sig, fmt.Sprintf("%s %+.0fµs (p %.2g)", p.Path, p.Clock.Delta/1e3, p.Clock.PAdjusted))
				}
			}
			o.anySig = len(sig) > 0
			if c.extraNs(totalInit) == 0 && o.anySig {
				t.Logf("%s, trial %d: significant: %s", c.name, trial+1, strings.Join(sig, ", "))
			}
			if o.regressed != (code == 1) {
				t.Errorf("%s, trial %d: exit %d but regressed=%v", c.name, trial+1, code, o.regressed)
			}
			got[i] = append(got[i], o)
		}
	}

	// The table README.md records.
	var b strings.Builder
	fmt.Fprintf(&b, "%-34s %6s %7s %8s %8s %11s %9s %9s %6s %s\n", "condition", "trials", "exit 1", "knob sig", "any sig", "init delta", "time med", "time max", "pairs", "stops")
	for i, c := range conds {
		runs := got[i]
		var regs, flagged, anySig int
		var deltas, secs []float64
		var pairs []int
		stops := map[string]int{}
		for _, o := range runs {
			if o.regressed {
				regs++
			}
			if o.knob != compare.Unchanged {
				flagged++
			}
			if o.anySig {
				anySig++
			}
			deltas = append(deltas, o.initDelta)
			secs = append(secs, o.elapsed.Seconds())
			pairs = append(pairs, o.pairs)
			if o.stop != "" {
				stops[o.stop]++
			}
		}
		frac := func(k int) string { return fmt.Sprintf("%d/%d", k, len(runs)) }
		fmt.Fprintf(&b, "%-34s %6d %7s %8s %8s %+10.1f%% %8.1fs %8.1fs %6d %s\n", c.name, len(runs),
			frac(regs), frac(flagged), frac(anySig), 100*median(deltas), median(secs), slices.Max(secs), slices.Max(pairs), stopsText(stops))

		switch {
		case c.want == "regression" && *trials >= 20 && regs*20 < 19*len(runs):
			t.Errorf("%s: regression found in %d of %d trials, want at least 19 in 20", c.name, regs, len(runs))
		case c.want == "regression" && *trials == 0 && regs < len(runs):
			t.Errorf("%s: regression not found", c.name)
		case c.want == "none" && *trials >= 20 && regs*20 > len(runs):
			t.Errorf("%s: flagged as a regression in %d of %d trials, want at most 1 in 20", c.name, regs, len(runs))
		}
		if *trials >= 20 && slices.Max(secs) > 60 {
			t.Errorf("%s: a verdict took %.1fs, want under 60s", c.name, slices.Max(secs))
		}
	}
	t.Logf("planted-regression benchmark, %d trials per condition, default settings unless stated\n"+
		"(exit 1: regression found; knob sig: the knob package changed significantly; any sig: any total or package did;\n"+
		"init delta: median total init shift; time: wall time of the diff command; pairs: most pairs run):\n%s", n, b.String())
}

func stopsText(stops map[string]int) string {
	var parts []string
	for _, k := range []string{compare.StopSettled, compare.StopMaxRuns, compare.StopMaxTime} {
		if stops[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, stops[k]))
		}
	}
	return strings.Join(parts, ", ")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// goBuild runs go build in dir.
func goBuild(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// runCmd runs a command and returns its stdout and exit code; it fails the
// test if the command could not run at all.
func runCmd(t *testing.T, name string, args ...string) ([]byte, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if c := ee.ExitCode(); c != 0 && c != 1 {
			t.Logf("%s %s: %s", filepath.Base(name), strings.Join(args, " "), stderr.String())
		}
		return stdout.Bytes(), ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return stdout.Bytes(), 0
}
