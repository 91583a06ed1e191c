package trend

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/history/historytest"
	"github.com/coldstart-dev/coldstart/harness/result"
)

func generate(t *testing.T, cfg historytest.Config) []*result.Result {
	t.Helper()
	rs, err := historytest.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func series(rep *Report, name string) *Series {
	for _, s := range rep.All() {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// aes is the heaviest package of the synthetic program (0.15 ms of its
// 0.8 ms total init in the recorded trace).
const aes = "crypto/internal/fips140/aes"

// hpack allocates the most bytes during init: 7344 of 34248.
const hpack = "vendor/golang.org/x/net/http2/hpack"

// TestShiftAtKnownNight makes the whole program 25% slower at a known
// night, a different one for each seed, and checks that init and wall
// time shift there (±1 night), with the right commit range and size, and
// that nothing is called a creep. (With these nightly medians varying by
// 6-10%, a 20% step is found and placed within a night in 19-20 of 20
// histories, a 15% step in 15-17.)
func TestShiftAtKnownNight(t *testing.T) {
	creeps := 0
	for seed := uint64(1); seed <= 12; seed++ {
		night := 7 + int(seed) // 8 .. 19 of 30
		rs := generate(t, historytest.Config{Seed: seed, Nights: 30,
			Changes: []historytest.Change{{Night: night, Factor: 1.25}}})
		rep := Analyze(rs, Options{})
		if rep.Nights != 30 || len(rep.Notes) != 0 {
			t.Errorf("seed %d: %d nights, notes %q", seed, rep.Nights, rep.Notes)
		}
		for _, name := range []string{"init", "wall"} {
			s := series(rep, name)
			sh := s.Shift
			if s.Verdict != Shifted {
				t.Errorf("seed %d %s: verdict %s (shift at %d, p=%.4g, %+.1f%%, line %v), want a shift at night %d",
					seed, name, s.Verdict, sh.Index, sh.P, 100*sh.Rel, sh.Line, night)
				continue
			}
			if d := sh.Index - night; d < -1 || d > 1 {
				t.Errorf("seed %d %s: shift at night %d, want %d±1", seed, name, sh.Index, night)
			}
			if sh.Revision != historytest.Revision(seed, sh.Index) || sh.FromRevision != historytest.Revision(seed, sh.Index-1) {
				t.Errorf("seed %d %s: commit range %s..%s is not that of nights %d..%d", seed, name, sh.FromRevision, sh.Revision, sh.Index-1, sh.Index)
			}
			if !sh.Date.Equal(rs[sh.Index].Date) {
				t.Errorf("seed %d %s: shift dated %v, night %d is %v", seed, name, sh.Date, sh.Index, rs[sh.Index].Date)
			}
			// Both grow by 25% (init a little less, its printed times
			// being truncated), measured with the noise of 8-22 nights.
			if sh.Rel < 0.12 || sh.Rel > 0.4 || sh.Low > sh.Change || sh.High < sh.Change {
				t.Errorf("seed %d %s: shift %+.1f%%, change %v in [%v, %v]", seed, name, 100*sh.Rel, sh.Change, sh.Low, sh.High)
			}
			if s.Creep.Found {
				t.Logf("seed %d %s: a creep of %+.1f%%/week (p=%.2g) besides the shift", seed, name, 100*s.Creep.PerWeek, s.Creep.P)
				creeps++
			}
		}
		if s := series(rep, "bytes"); s.Verdict != Steady {
			t.Errorf("seed %d: bytes %s", seed, s.Verdict)
		}
	}
	// The nights since each shift are flat: a creep found there is a
	// false alarm of the creep test, at most 1% each, so 2 or more of 24
	// would happen by chance only 2.5% of the time.
	if creeps > 1 {
		t.Errorf("%d creeps after shifts of flat series, want at most 1", creeps)
	}
}

// TestShiftOfOnePackage makes one package 60% slower (about a tenth of
// the total init) and checks that it, and no other package, shifts.
func TestShiftOfOnePackage(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		rs := generate(t, historytest.Config{Seed: 100 + seed, Nights: 24,
			Changes: []historytest.Change{{Package: aes, Night: 16, Factor: 1.6}, {Package: hpack, Night: 16, Bytes: 2}}})
		rep := Analyze(rs, Options{})
		for _, s := range rep.Packages {
			if s.Name == aes {
				if s.Verdict != Shifted || s.Shift.Index < 15 || s.Shift.Index > 17 {
					t.Errorf("seed %d: %s %s at night %d (p=%.4g), want a shift at 16±1", seed, aes, s.Verdict, s.Shift.Index, s.Shift.P)
				}
				if s.Level != series(rep, "init").Level {
					t.Errorf("seed %d: package level %v is not the total init's", seed, s.Level)
				}
			} else if s.Verdict != Steady {
				t.Errorf("seed %d: %s %s", seed, s.Name, s.Verdict)
			}
		}
		// Another package's bytes double: a shift of the total bytes
		// (by a fifth) that repeats exactly from run to run.
		if b := series(rep, "bytes"); b.Verdict != Shifted || b.Shift.Index != 16 {
			t.Errorf("seed %d: bytes %s at %d, want a shift at 16", seed, b.Verdict, b.Shift.Index)
		}
	}
}

// TestCreep makes the program 1.5% slower every night, compounding (11% a
// week), and one package 3% a night, and checks that both are found as
// creeps, not shifts, of about the right slope. (At 1% a night, with
// these nightly medians varying by 7-8%, 15 of 20 seeds find a creep, 3
// call it a shift and 2 find nothing.)
func TestCreep(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		rs := generate(t, historytest.Config{Seed: 200 + seed, Nights: 30,
			Changes: []historytest.Change{{PerNight: 0.015}}})
		rep := Analyze(rs, Options{})
		s := series(rep, "init")
		if s.Verdict != Creeping {
			t.Errorf("seed %d: init %s (creep %+.1f%%/week p=%.3g; shift p=%.3g line %v), want creep", seed, s.Verdict, 100*s.Creep.PerWeek, s.Creep.P, s.Shift.P, s.Shift.Line)
		} else if s.Creep.PerWeek < 0.06 || s.Creep.PerWeek > 0.16 || s.Creep.Nights != DefaultCreepNights {
			t.Errorf("seed %d: init creeps %+.1f%%/week over %d nights, want about +11%% over %d", seed, 100*s.Creep.PerWeek, s.Creep.Nights, DefaultCreepNights)
		}

		rs = generate(t, historytest.Config{Seed: 300 + seed, Nights: 30,
			Changes: []historytest.Change{{Package: aes, PerNight: 0.03}}})
		rep = Analyze(rs, Options{})
		if p := series(rep, aes); p == nil || p.Verdict != Creeping {
			t.Errorf("seed %d: %s does not creep: %+v", seed, aes, p)
		}
		for _, p := range rep.Packages {
			if p.Name != aes && p.Verdict != Steady {
				t.Errorf("seed %d: %s %s", seed, p.Name, p.Verdict)
			}
		}
	}
}

// noise returns n nights of pure noise: lognormal values of mean 1 ms and
// coefficient of variation cv.
func noise(rng *rand.Rand, n int, cv float64) []Point {
	s2 := math.Log(1 + cv*cv)
	start := historytest.DefaultStart()
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = Point{Date: start.Add(time.Duration(i) * 24 * time.Hour), Value: 1e6 * math.Exp(-s2/2+math.Sqrt(s2)*rng.NormFloat64())}
	}
	return pts
}

// TestQuietOnNoise analyses 200 seeded series of pure noise, nightly CV
// 15-30% lognormal, far noisier than nightly medians are, and 200 series
// of nightly medians of 20 runs of such noise with a 3% night-to-night
// drift. Both tests are built to report a change in noise with probability
// at most Alpha (1%) each; the minimum sizes make it rarer still. The
// assertion allows 3% (6 of 200) for each test and kind of series; a
// detector that ignored the correction for trying every split would report
// a shift in about 10% of such series.
func TestQuietOnNoise(t *testing.T) {
	const series = 200
	const bound = 6
	rng := rand.New(rand.NewPCG(42, 42))
	kinds := []struct {
		name string
		gen  func() []Point
	}{
		{"nightly CV 15-30%", func() []Point { return noise(rng, 30, 0.15+0.15*rng.Float64()) }},
		{"medians of 20 runs", func() []Point {
			cv := 0.15 + 0.15*rng.Float64()
			pts := noise(rng, 30, 0.03)
			for i := range pts {
				runs := noise(rng, 20, cv)
				vals := make([]float64, len(runs))
				for j, r := range runs {
					vals[j] = r.Value * pts[i].Value / 1e6
				}
				pts[i].Value = medianOf(vals)
			}
			return pts
		}},
	}
	for _, k := range kinds {
		var shifts, creeps, naive int
		for range series {
			s := AnalyzeSeries("init", Duration, k.gen(), Options{})
			if s.Shift.Found {
				shifts++
			}
			if s.Creep.Found {
				creeps++
			}
			if s.Shift.PSplit < DefaultAlpha {
				naive++
			}
		}
		t.Logf("%s: %d shifts, %d creeps in %d series; %d with an uncorrected p < %v at the best split",
			k.name, shifts, creeps, series, naive, DefaultAlpha)
		if shifts > bound || creeps > bound {
			t.Errorf("%s: %d shifts and %d creeps found in %d series of noise, want at most %d each", k.name, shifts, creeps, series, bound)
		}
	}
}

// TestQuietOnNoisyHistories analyses whole synthetic histories without any
// change: 3 totals and 10 packages, two tests each. Each total's test and
// each family of package tests errs with probability at most 1%, so of 8
// histories at most 1 may report anything.
func TestQuietOnNoisyHistories(t *testing.T) {
	noisy := 0
	for seed := uint64(1); seed <= 8; seed++ {
		rep := Analyze(generate(t, historytest.Config{Seed: 400 + seed, Nights: 30}), Options{})
		if len(rep.Packages) != DefaultPackages {
			t.Errorf("seed %d: %d packages analysed", seed, len(rep.Packages))
		}
		for _, s := range rep.All() {
			if s.Verdict != Steady {
				t.Logf("seed %d: %s %s (shift p=%.3g, creep p=%.3g)", seed, s.Name, s.Verdict, s.Shift.P, s.Creep.P)
			}
		}
		if rep.Changed() {
			noisy++
		}
	}
	if noisy > 1 {
		t.Errorf("%d of 8 histories of noise report a change", noisy)
	}
}

func TestComparability(t *testing.T) {
	rs := generate(t, historytest.Config{Seed: 500, Nights: 20})
	other := historytest.Machine()
	other.CPU = "AMD EPYC 7B13"
	// Nights 3, 6, 9, 12, 15, 18 ran elsewhere; the newest night did not.
	for i := 3; i < 20; i += 3 {
		rs[i].Machine = other
	}
	// Shuffle: Analyze sorts by date.
	slices.Reverse(rs)
	rep := Analyze(rs, Options{})
	fp := historytest.Machine().Fingerprint()
	want := "records from 2 machines: comparing the 14 from " + fp
	if len(rep.Notes) != 1 || rep.Notes[0] != want {
		t.Errorf("notes %q, want %q", rep.Notes, want)
	}
	if rep.Nights != 14 || rep.Records != 20 || rep.Machine != fp || rep.GoVersion != historytest.DefaultGo {
		t.Errorf("nights %d of %d on %q with %q", rep.Nights, rep.Records, rep.Machine, rep.GoVersion)
	}
	for _, s := range rep.All() {
		if len(s.Points) != 14 || s.Verdict == Untested {
			t.Errorf("%s: %d points, %s", s.Name, len(s.Points), s.Verdict)
		}
		for i := 1; i < len(s.Points); i++ {
			if !s.Points[i].Date.After(s.Points[i-1].Date) {
				t.Errorf("%s: points out of order at %d", s.Name, i)
			}
		}
	}

	// Go versions: the newest 3 nights have a new Go.
	rs = generate(t, historytest.Config{Seed: 501, Nights: 12})
	for _, r := range rs[9:] {
		r.Target.GoVersion = "go1.27rc1"
	}
	rep = Analyze(rs, Options{})
	want = "records from 2 Go versions: comparing the 3 from go1.27rc1"
	if len(rep.Notes) != 2 || rep.Notes[0] != want || rep.Notes[1] != "only 3 comparable nights (need 8)" {
		t.Errorf("notes %q", rep.Notes)
	}
	for _, s := range rep.All() {
		if s.Verdict != Untested || s.Shift.Tested || s.Creep.Tested {
			t.Errorf("%s: %s with 3 nights", s.Name, s.Verdict)
		}
	}
	if rep.Changed() {
		t.Error("Changed() with nothing tested")
	}

	rep = Analyze(nil, Options{})
	if len(rep.Notes) != 1 || rep.Notes[0] != "no nights recorded" || len(rep.All()) != 0 {
		t.Errorf("empty history: %+v", rep)
	}
}

// TestWindow checks that only the newest Window nights are analysed, and
// that a package missing from some nights says so.
func TestWindow(t *testing.T) {
	rs := generate(t, historytest.Config{Seed: 600, Nights: 40})
	for _, r := range rs[30:33] {
		r.Packages = slices.DeleteFunc(r.Packages, func(p result.Package) bool { return p.Path == aes })
	}
	rep := Analyze(rs, Options{Window: 25, Packages: 3})
	if rep.Nights != 25 || !series(rep, "init").Points[0].Date.Equal(rs[15].Date) {
		t.Errorf("analysed %d nights from %v", rep.Nights, series(rep, "init").Points[0].Date)
	}
	if len(rep.Packages) != 3 {
		t.Errorf("%d packages, want 3", len(rep.Packages))
	}
	s := series(rep, aes)
	if s == nil || len(s.Points) != 22 || s.Note != "not linked in 3 of the 25 nights" {
		t.Errorf("%s: %+v", aes, s)
	}
}

// TestFindShiftExact checks the permutation test where its answer is
// known: 4 low nights, then 4 high ones, with MinSegment 4 leave one
// split, at which a two-sided rank test is as extreme as it can be in 2
// of the C(8,4) = 70 orders.
func TestFindShiftExact(t *testing.T) {
	var pts []Point
	for i, v := range []float64{10, 12, 11, 13, 20, 22, 21, 23} {
		pts = append(pts, Point{Date: historytest.DefaultStart().AddDate(0, 0, i), Revision: string(rune('a' + i)), Value: v})
	}
	sh := FindShift(pts, Options{})
	if !sh.Tested || sh.Index != 4 || sh.FromRevision != "d" || sh.Revision != "e" {
		t.Fatalf("shift %+v", sh)
	}
	if want := 2.0 / 70; math.Abs(sh.PSplit-want) > 1e-12 {
		t.Errorf("p at the split %v, want exactly %v", sh.PSplit, want)
	}
	// 9999 permutations estimate 2/70 with a standard error of 0.0017.
	if sh.P < 0.022 || sh.P > 0.035 {
		t.Errorf("permutation p %v, want about %v", sh.P, 2.0/70)
	}
	if sh.Before != 11.5 || sh.After != 21.5 || sh.Change != 10 || math.Abs(sh.Rel-10/11.5) > 1e-12 {
		t.Errorf("levels %v -> %v, change %v (%v)", sh.Before, sh.After, sh.Change, sh.Rel)
	}
	// The same seed gives the same answer.
	if again := FindShift(pts, Options{}); again != sh {
		t.Errorf("not reproducible: %+v, then %+v", sh, again)
	}
	if other := FindShift(pts, Options{Seed: 7}); other.P == sh.P {
		t.Logf("seeds 1 and 7 agree exactly (possible, unlikely): %v", other.P)
	}
	// Too few nights, or nothing but ties, test nothing.
	if sh := FindShift(pts[:7], Options{}); sh.Tested {
		t.Errorf("7 nights tested: %+v", sh)
	}
	flat := slices.Clone(pts)
	for i := range flat {
		flat[i].Value = 5
	}
	if sh := FindShift(flat, Options{}); sh.Tested {
		t.Errorf("constant series tested: %+v", sh)
	}
}

func TestMaxStatChoosesLargestSplit(t *testing.T) {
	// Ranks of 1..10 in order: the middle split is the most extreme.
	ranks := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	z, at := maxStat(ranks, 2, 11.0/12)
	if at != 5 || z >= 0 {
		t.Errorf("maxStat = %v at %d, want a negative z at 5", z, at)
	}
	// Rank sum of the first 5 is 15, expected 27.5, variance 5·5·11/12.
	if want := (15 - 27.5) / math.Sqrt(25*11.0/12); math.Abs(z-want) > 1e-12 {
		t.Errorf("z = %v, want %v", z, want)
	}
	r, ties := rank([]float64{3, 1, 3, 2, 3})
	if !slices.Equal(r, []float64{4, 1, 4, 2, 4}) || ties != 24 {
		t.Errorf("rank = %v, ties %v", r, ties)
	}
}

func TestFindCreepExact(t *testing.T) {
	var pts []Point
	for i := range 10 {
		pts = append(pts, Point{Date: historytest.DefaultStart().AddDate(0, 0, 2*i), Value: 100 + 3*float64(i)})
	}
	c := FindCreep(pts, 200)
	// 3 per night every 2 days: 1.5 a day, 10.5 a week, 5.25% of 200.
	if !c.Tested || math.Abs(c.Slope-1.5) > 1e-9 || math.Abs(c.PerWeek-0.0525) > 1e-12 || c.P != 0 || c.Nights != 10 {
		t.Errorf("creep %+v", c)
	}
	if c := FindCreep(pts[:2], 200); c.Tested {
		t.Errorf("2 points tested: %+v", c)
	}
}

func TestLineOrStep(t *testing.T) {
	var ramp, step []Point
	for i := range 20 {
		d := historytest.DefaultStart().AddDate(0, 0, i)
		ramp = append(ramp, Point{Date: d, Value: 100 + float64(i)})
		v := 100.0
		if i >= 12 {
			v = 120
		}
		// A little noise, so that neither fit is perfect.
		v += float64(i%3) - 1
		step = append(step, Point{Date: d, Value: v})
	}
	if !lineFitsAsWell(ramp, 10) {
		t.Error("a ramp is not fitted as well by a line as by a step")
	}
	if lineFitsAsWell(step, 12) {
		t.Error("a step is fitted as well by a line")
	}
	// The decision end to end.
	if s := AnalyzeSeries("x", Duration, ramp, Options{}); s.Verdict != Creeping || !s.Shift.Line {
		t.Errorf("ramp: %s (line %v)", s.Verdict, s.Shift.Line)
	}
	if s := AnalyzeSeries("x", Duration, step, Options{}); s.Verdict != Shifted || s.Shift.Index != 12 {
		t.Errorf("step: %s at %d", s.Verdict, s.Shift.Index)
	}
	s := AnalyzeSeries("x", Duration, step[:5], Options{})
	if s.Verdict != Untested || !strings.Contains(s.Note, "only 5 nights (need 8)") {
		t.Errorf("5 nights: %s, %q", s.Verdict, s.Note)
	}
}

func TestMinShift(t *testing.T) {
	// A clean 4% step is significant but under the 5% minimum.
	var pts []Point
	for i := range 20 {
		v := 1000.0 + float64(i%4)
		if i >= 10 {
			v += 40
		}
		pts = append(pts, Point{Date: historytest.DefaultStart().AddDate(0, 0, i), Value: v})
	}
	s := AnalyzeSeries("x", Duration, pts, Options{})
	if s.Shift.P >= DefaultAlpha || s.Shift.Found || s.Verdict != Steady {
		t.Errorf("4%% step: p=%v found %v verdict %s", s.Shift.P, s.Shift.Found, s.Verdict)
	}
	if s := AnalyzeSeries("x", Duration, pts, Options{MinShift: 0.03}); s.Verdict != Shifted {
		t.Errorf("4%% step with MinShift 3%%: %s", s.Verdict)
	}
}

// BenchmarkAnalyze analyses a month of nights with the default options:
// 3 totals and 10 packages, each with 9999 permutations.
func BenchmarkAnalyze(b *testing.B) {
	rs, err := historytest.Generate(historytest.Config{Seed: 1, Nights: 30})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Analyze(rs, Options{})
	}
}
