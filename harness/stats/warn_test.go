package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// ms converts milliseconds, as inittrace prints them, to nanoseconds.
func ms(vs ...float64) []float64 {
	xs := make([]float64, len(vs))
	for i, v := range vs {
		xs[i] = math.Round(v * 1e6)
	}
	return xs
}

// goplsCache is shaped like the init clock of gopls v0.23.0's
// internal/cache over 30 runs, written as inittrace prints it (two
// significant digits, whole milliseconds from 10ms): about 1ms in 22 runs,
// 63-89ms in the 8 runs in which a GC cycle landed in the init.
var goplsCache = ms(
	1.1, 0.95, 1.0, 66, 1.2, 1.1, 0.90, 1.3, 1.1, 77,
	1.0, 1.2, 0.97, 1.1, 89, 1.1, 1.2, 63, 0.99, 1.1,
	1.3, 71, 1.1, 1.2, 85, 0.93, 1.0, 74, 1.1, 81,
)

func TestBimodal(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want bool
	}{
		{"gopls internal/cache", goplsCache, true},
		// The slow mode in 3 of 10 runs, the fewest that count as a mode.
		{"three of ten", ms(1.1, 1.0, 66, 1.2, 0.95, 71, 1.1, 1.3, 89, 1.0), true},
		// Slow runs in the minority or the majority are both modes.
		{"slow majority", ms(66, 70, 71, 1.1, 74, 77, 80, 81, 1.0, 85, 89, 1.2), true},
		{"empty", nil, false},
		{"tiny", ms(1.0, 1.1, 70, 80, 90), false},
		{"two outliers", ms(1.1, 0.95, 1.0, 66, 1.2, 1.1, 0.90, 1.3, 1.1, 77, 1.0, 1.2, 0.97, 1.1, 1.1, 1.0, 1.2, 0.99, 1.1, 1.2), false},
		{"all equal bytes", []float64{4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096}, false},
		{"two byte counts", []float64{4096, 4096, 4160, 4096, 4096, 4160, 4096, 4160, 4096, 4096, 4160, 4096}, false},
		// Far apart, but a second value of a discrete count is not a mode:
		// both groups have no spread at all.
		{"two alloc counts", []float64{0, 0, 0, 5, 0, 0, 5, 5, 0, 0, 5, 0}, false},
		// 1-3µs inits: inittrace prints 0.001, 0.002, 0.003 ms.
		{"microseconds", ms(0.001, 0.002, 0.001, 0.001, 0.003, 0.001, 0.002, 0.001, 0.001, 0.001, 0.002, 0.001, 0, 0.001), false},
		// Evenly spread values have no gap at all.
		{"uniform", []float64{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, false},
		{"negative", []float64{-70, -71, -72, -73, 1, 2, 3, 4, 5, 6, 7}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := slices.Clone(tt.xs)
			ok, detail := Bimodal(tt.xs)
			if ok != tt.want {
				t.Errorf("Bimodal = %v, %q; want %v", ok, detail, tt.want)
			}
			if ok != (detail != "") {
				t.Errorf("Bimodal = %v with detail %q", ok, detail)
			}
			if !slices.Equal(tt.xs, orig) {
				t.Errorf("Bimodal modified its input")
			}
		})
	}
}

func TestBimodalDetail(t *testing.T) {
	_, detail := Bimodal(goplsCache)
	const want = "two modes: 22 runs at 900000-1300000 (median 1100000) and 8 runs (27%) at 63000000-89000000 (median 75500000); the gap between them is "
	if !strings.HasPrefix(detail, want) || !strings.HasSuffix(detail, "x the spread within them") {
		t.Errorf("Bimodal(goplsCache) detail\n%s\nwant it to start with\n%s", detail, want)
	}
}

// unimodal are the distributions Bimodal must not call bimodal: the shapes
// of noisy cold-start timings, and the exact repeats of bytes and allocs.
var unimodal = []struct {
	name string
	gen  func(*rand.Rand) float64
}{
	{"normal CV 15%", func(r *rand.Rand) float64 { return 100 + 15*r.NormFloat64() }},
	{"normal CV 30%", func(r *rand.Rand) float64 { return 100 + 30*r.NormFloat64() }},
	{"uniform", func(r *rand.Rand) float64 { return 50 + 100*r.Float64() }},
	{"lognormal CV 30%", lognormalGen(1e6, 0.3)},
	{"lognormal CV 50%", lognormalGen(1e6, 0.5)},
	{"lognormal CV 80%", lognormalGen(1e6, 0.8)},
	{"exponential", func(r *rand.Rand) float64 { return 1e6 * r.ExpFloat64() }},
	{"inittrace 2µs CV 50%", rounded(lognormalGen(2e3, 0.5))},
	{"inittrace 5µs CV 30%", rounded(lognormalGen(5e3, 0.3))},
	{"inittrace 30µs CV 50%", rounded(lognormalGen(30e3, 0.5))},
	{"inittrace 1ms CV 30%", rounded(lognormalGen(1e6, 0.3))},
	{"inittrace 1ms CV 50%", rounded(lognormalGen(1e6, 0.5))},
	{"inittrace 9ms CV 30%", rounded(lognormalGen(9e6, 0.3))},
	{"inittrace 12ms CV 50%", rounded(lognormalGen(12e6, 0.5))},
	{"bytes, 2 values", func(r *rand.Rand) float64 { return []float64{4096, 4160}[r.IntN(3)/2] }},
	{"bytes, 4 values", func(r *rand.Rand) float64 { return []float64{4096, 4100, 4160, 4164}[r.IntN(4)] }},
	{"allocs 0-2", func(r *rand.Rand) float64 { return float64(r.IntN(3)) }},
}

// rounded returns gen with its nanoseconds rounded as inittrace prints
// milliseconds: whole milliseconds from 10ms, else two significant digits
// with at most three decimals (runtime.fmtNSAsMS).
func rounded(gen func(*rand.Rand) float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 {
		ns := uint64(gen(r))
		if ns >= 10e6 {
			return float64(ns / 1e6 * 1e6)
		}
		x, unit := ns/1e3, uint64(1e3)
		for x >= 100 {
			x /= 10
			unit *= 10
		}
		return float64(x * unit)
	}
}

var simSizes = []int{10, 15, 20, 30, 50, 100}

// TestBimodalFalsePositives measures, in a seeded simulation, how often
// Bimodal fires on unimodal samples. The rates are in Bimodal's doc
// comment; run with -v to see them.
func TestBimodalFalsePositives(t *testing.T) {
	const trials = 500
	var fired, total, firedSmall int
	for _, d := range unimodal {
		var b strings.Builder
		for _, n := range simSizes {
			r := rand.New(rand.NewPCG(5, uint64(n)))
			k := 0
			for range trials {
				if ok, _ := Bimodal(sample(r, n, d.gen)); ok {
					k++
				}
			}
			fmt.Fprintf(&b, " n=%d:%.1f%%", n, 100*float64(k)/trials)
			fired += k
			total += trials
			if n < 20 {
				firedSmall += k
			}
			// Below 20 runs, chance clusters happen (a uniform sample of 10
			// looks bimodal about 2% of the time); above, almost nothing
			// should fire. The limits leave room for a change of random
			// stream.
			limit := trials / 100
			if n < 20 {
				limit = trials / 20
			}
			if k > limit {
				t.Errorf("%s, n=%d: Bimodal fired on %d of %d unimodal samples, want at most %d", d.name, n, k, trials, limit)
			}
		}
		t.Logf("%-22s%s", d.name, b.String())
	}
	t.Logf("fired on %d of %d unimodal samples (%.2f%%), %d of them with fewer than 20 runs",
		fired, total, 100*float64(fired)/float64(total), firedSmall)
	if fired > total/500 {
		t.Errorf("fired on %d of %d unimodal samples, want at most 0.2%%", fired, total)
	}
}

// TestBimodalDetects measures, in a seeded simulation, how often Bimodal
// finds a GC-induced slow mode shaped like gopls's internal/cache.
func TestBimodalDetects(t *testing.T) {
	const trials = 500
	shapes := []struct {
		name       string
		fast, slow func(*rand.Rand) float64
	}{
		{"gopls: 0.9-1.3ms / 63-89ms", uniform(0.9e6, 1.3e6), uniform(63e6, 89e6)},
		{"noisy fast mode CV 50%", lognormalGen(1e6, 0.5), lognormalGen(76e6, 0.15)},
		{"wide slow mode CV 40%", lognormalGen(1e6, 0.3), lognormalGen(70e6, 0.4)},
	}
	for _, sh := range shapes {
		for _, frac := range []float64{0.18, 0.33} {
			var b strings.Builder
			for _, n := range simSizes {
				r := rand.New(rand.NewPCG(6, uint64(n)))
				found, eligible, foundEligible := 0, 0, 0
				minGroup := max(bimodalMinGroup, int(math.Ceil(bimodalMinFraction*float64(n))))
				for range trials {
					xs := make([]float64, n)
					slow := 0
					for i := range xs {
						if r.Float64() < frac {
							xs[i] = rounded(sh.slow)(r)
							slow++
						} else {
							xs[i] = rounded(sh.fast)(r)
						}
					}
					ok, _ := Bimodal(xs)
					if ok {
						found++
					}
					if slow >= minGroup && n-slow >= minGroup {
						eligible++
						if ok {
							foundEligible++
						}
					}
				}
				rate := float64(foundEligible) / float64(eligible)
				fmt.Fprintf(&b, " n=%d:%.0f%%(%.0f%%)", n, 100*float64(found)/trials, 100*rate)
				if rate < 0.9 {
					t.Errorf("%s, %.0f%% slow, n=%d: found the slow mode in %.1f%% of the samples that have one, want >= 90%%",
						sh.name, 100*frac, n, 100*rate)
				}
			}
			t.Logf("%-27s %.0f%% slow:%s", sh.name, 100*frac, b.String())
		}
	}
}

func uniform(lo, hi float64) func(*rand.Rand) float64 {
	return func(r *rand.Rand) float64 { return lo + (hi-lo)*r.Float64() }
}

func TestCheck(t *testing.T) {
	// Quantiles of an exponential distribution: smooth, unimodal, CV 0.88.
	expo := make([]float64, 20)
	for i := range expo {
		expo[i] = math.Round(-1e6 * math.Log(1-(float64(i)+0.5)/20))
	}
	tests := []struct {
		name  string
		xs    []float64
		kinds []string
	}{
		{"empty", nil, []string{KindFewRuns}},
		{"five", ms(1.1, 1.2, 1.0, 1.3, 1.1), []string{KindFewRuns}},
		{"nine", ms(1.1, 1.2, 1.0, 1.3, 1.1, 1.2, 1.2, 1.0, 1.1), []string{KindFewRuns}},
		{"ten quiet", ms(1.1, 1.2, 1.0, 1.3, 1.1, 1.2, 1.2, 1.0, 1.1, 0.98), nil},
		{"equal bytes", []float64{4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096}, nil},
		{"exponential", expo, []string{KindWideSpread}},
		{"gopls internal/cache", goplsCache, []string{KindWideSpread, KindBimodal}},
		{"gopls, 9 runs", goplsCache[:9], []string{KindFewRuns, KindWideSpread}},
		// 0-2µs: CV 0.64, but a standard deviation (0.64µs) below the 1µs
		// resolution of the trace is rounding, not noise.
		{"rounding", ms(0, 0, 0, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.002, 0.002, 0.002), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := Check(tt.xs)
			var kinds []string
			for _, w := range ws {
				kinds = append(kinds, w.Kind)
				if w.Msg == "" {
					t.Errorf("warning %s has no message", w.Kind)
				}
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("Check kinds = %q, want %q; warnings: %+v", kinds, tt.kinds, ws)
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	for _, tt := range []struct {
		xs   []float64
		want []Warning
	}{
		{ms(1, 2, 3), []Warning{{KindFewRuns, "3 runs is below 10: too few for a 95% confidence interval of the median, which is shown as the full range of the runs"}}},
		{goplsCache[:9], []Warning{
			{KindFewRuns, "9 runs is below 10: the confidence interval of the median is wide, and a second mode seen in a fraction of the runs may not show yet"},
			{KindWideSpread, "CV 261% is above 50%: the runs vary more than cold starts on a noisy machine usually do; look for background load during some runs or a second mode"},
		}},
	} {
		if got := Check(tt.xs); !slices.Equal(got, tt.want) {
			t.Errorf("Check(%v) =\n%q\nwant\n%q", tt.xs, got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {1.234, "1.23"}, {0.012345, "0.0123"}, {999.6, "1000"},
		{1100000, "1100000"}, {75512345, "75500000"}, {-42.42, "-42.4"}, {4096, "4100"},
	} {
		if got := number(tt.v); got != tt.want {
			t.Errorf("number(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestMaxCV measures in a seeded simulation how often Check warns
// wide-spread on lognormal samples with a CV in the range of normal noise;
// the rates are in MaxCV's doc comment.
func TestMaxCV(t *testing.T) {
	const trials = 2000
	for _, tt := range []struct {
		cv       float64
		n        int
		min, max float64 // expected share of samples warned
	}{
		{0.15, 10, 0, 0.001},
		{0.30, 10, 0, 0.03},
		{0.30, 30, 0, 0.005},
		{0.40, 20, 0.03, 0.12},
		{0.50, 20, 0.25, 0.50},
	} {
		r := rand.New(rand.NewPCG(11, uint64(tt.n)))
		k := 0
		for range trials {
			for _, w := range Check(sample(r, tt.n, lognormalGen(1e6, tt.cv))) {
				if w.Kind == KindWideSpread {
					k++
				}
			}
		}
		rate := float64(k) / trials
		t.Logf("true CV %.0f%%, %d runs: wide-spread on %.2f%%", 100*tt.cv, tt.n, 100*rate)
		if rate < tt.min || rate > tt.max {
			t.Errorf("true CV %.0f%%, %d runs: wide-spread on %.2f%% of samples, want %.1f-%.1f%%",
				100*tt.cv, tt.n, 100*rate, 100*tt.min, 100*tt.max)
		}
	}
}
