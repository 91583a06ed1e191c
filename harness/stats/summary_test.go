package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestSummarize(t *testing.T) {
	seq := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(n - i) // reversed, to check the sorting
		}
		return xs
	}
	tests := []struct {
		name string
		xs   []float64
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", []float64{7}, Summary{N: 1, Min: 7, Median: 7, Mean: 7, P95: 7, Max: 7, CILow: 7, CIHigh: 7}},
		{
			// Variance (4+1+0+1+4)/4 = 2.5; 5 runs are too few for a 95%
			// interval, so it is [min, max].
			"five", []float64{5, 1, 4, 2, 3},
			Summary{N: 5, Min: 1, Median: 3, Mean: 3, Stddev: math.Sqrt(2.5), P95: 5, Max: 5,
				CILow: 1, CIHigh: 5, CV: math.Sqrt(2.5) / 3},
		},
		{
			// Even n: the median is the mean of the two middle values.
			"four", []float64{10, 40, 20, 30},
			Summary{N: 4, Min: 10, Median: 25, Mean: 25, Stddev: math.Sqrt(500.0 / 3), P95: 40, Max: 40,
				CILow: 10, CIHigh: 40, CV: math.Sqrt(500.0/3) / 25},
		},
		{
			// 1..20: variance n(n+1)/12 = 35. P95 is the 19th value
			// (19 of 20 runs are <= it). P(Binomial(20, 1/2) <= 5) =
			// 0.0207, so [x(6), x(15)] covers the median with 95.9%;
			// x(7), x(14) only with 88.5%.
			"twenty", seq(20),
			Summary{N: 20, Min: 1, Median: 10.5, Mean: 10.5, Stddev: math.Sqrt(35), P95: 19, Max: 20,
				CILow: 6, CIHigh: 15, CV: math.Sqrt(35) / 10.5},
		},
		{
			// Bytes repeat exactly: no spread at all.
			"ties", []float64{4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096},
			Summary{N: 10, Min: 4096, Median: 4096, Mean: 4096, P95: 4096, Max: 4096, CILow: 4096, CIHigh: 4096},
		},
		{"zeros", []float64{0, 0, 0}, Summary{N: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := slices.Clone(tt.xs)
			got := Summarize(tt.xs)
			if !summaryClose(got, tt.want) {
				t.Errorf("Summarize(%v) =\n%+v, want\n%+v", tt.xs, got, tt.want)
			}
			if !slices.Equal(tt.xs, orig) {
				t.Errorf("Summarize modified its input: %v, was %v", tt.xs, orig)
			}
		})
	}
}

func summaryClose(a, b Summary) bool {
	return a.N == b.N && approx(a.Min, b.Min) && approx(a.Median, b.Median) && approx(a.Mean, b.Mean) &&
		approx(a.Stddev, b.Stddev) && approx(a.P95, b.P95) && approx(a.Max, b.Max) &&
		approx(a.CILow, b.CILow) && approx(a.CIHigh, b.CIHigh) && approx(a.CV, b.CV)
}

func approx(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

func TestP95(t *testing.T) {
	// P95 is the smallest value with at least 95% of the runs at or below
	// it: the maximum up to 19 runs, then the second largest up to 39,
	// and so on. It is never interpolated.
	for _, tt := range []struct{ n, rank int }{
		{1, 1}, {10, 10}, {19, 19}, {20, 19}, {21, 20}, {39, 38}, {40, 38}, {100, 95}, {101, 96},
	} {
		xs := make([]float64, tt.n)
		for i := range xs {
			xs[i] = float64(i + 1)
		}
		if got := Summarize(xs).P95; got != float64(tt.rank) {
			t.Errorf("P95 of 1..%d = %v, want %d", tt.n, got, tt.rank)
		}
	}
}

func TestMedianCI(t *testing.T) {
	// The ranks k of [x(k), x(n+1-k)], from the coverage
	// 1 - 2·P(Binomial(n, 1/2) <= k-1) >= 0.95:
	//   n=5:  even k=1 gives 1 - 2/32 = 0.9375, so [min, max] as documented
	//   n=6:  k=1 gives 1 - 2/64 = 0.969
	//   n=8:  k=2 gives 1 - 2·9/256 = 0.930, so k=1
	//   n=9:  k=2 gives 1 - 2·10/512 = 0.961
	//   n=10: k=2 gives 0.979, k=3 gives 1 - 2·56/1024 = 0.891
	//   n=30: P(B <= 9) = 0.0214, P(B <= 10) = 0.0494, so k=10
	for _, tt := range []struct{ n, k int }{
		{1, 1}, {2, 1}, {5, 1}, {6, 1}, {8, 1}, {9, 2}, {10, 2}, {20, 6}, {30, 10},
	} {
		xs := make([]float64, tt.n)
		for i := range xs {
			xs[i] = float64(i + 1)
		}
		lo, hi := MedianCI(xs, 0.95)
		if lo != float64(tt.k) || hi != float64(tt.n+1-tt.k) {
			t.Errorf("MedianCI(1..%d, 0.95) = %v, %v, want %d, %d", tt.n, lo, hi, tt.k, tt.n+1-tt.k)
		}
	}
	if lo, hi := MedianCI(nil, 0.95); lo != 0 || hi != 0 {
		t.Errorf("MedianCI(nil) = %v, %v, want 0, 0", lo, hi)
	}
	// A lower level gives a narrower interval: at 50%, 10 runs give k=4
	// (P(B <= 3) = 0.172, 1 - 2·0.172 = 0.656; P(B <= 4) = 0.377).
	xs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if lo, hi := MedianCI(xs, 0.5); lo != 4 || hi != 7 {
		t.Errorf("MedianCI(1..10, 0.5) = %v, %v, want 4, 7", lo, hi)
	}
}

func TestMedianCIPanics(t *testing.T) {
	for _, conf := range []float64{0, 1, -0.5, 95, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MedianCI(xs, %v) did not panic", conf)
				}
			}()
			MedianCI([]float64{1, 2, 3}, conf)
		}()
	}
}

// TestMedianCIContainsMedian checks, over many random samples with many
// ties, that the interval is ordered and contains the sample median.
func TestMedianCIContainsMedian(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for trial := range 5000 {
		n := 1 + r.IntN(60)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(r.IntN(1 + trial%20)) // from all-equal to mostly distinct
		}
		s := Summarize(xs)
		if !(s.Min <= s.CILow && s.CILow <= s.Median && s.Median <= s.CIHigh && s.CIHigh <= s.Max) {
			t.Fatalf("Summarize(%v): want min <= ci_low <= median <= ci_high <= max, got %+v", xs, s)
		}
		if s.Min > s.P95 || s.P95 > s.Max {
			t.Fatalf("Summarize(%v): P95 %v outside [min, max]", xs, s.P95)
		}
	}
}

// TestMedianCICoverage checks in a seeded simulation that the interval
// covers the true median of a skewed distribution as often as its exact
// binomial coverage says, which is at least 95%.
func TestMedianCICoverage(t *testing.T) {
	const trials = 4000
	lognormal := lognormalGen(1e6, 0.3) // true median 1e6
	for _, n := range []int{6, 10, 20, 30, 50} {
		r := rand.New(rand.NewPCG(4, uint64(n)))
		covered := 0
		for range trials {
			xs := sample(r, n, lognormal)
			slices.Sort(xs)
			if lo, hi := MedianCI(xs, Confidence); lo <= 1e6 && 1e6 <= hi {
				covered++
			}
		}
		want := medianCICoverage(distuv.Binomial{N: float64(n), P: 0.5}, medianCIRank(n, Confidence))
		got := float64(covered) / trials
		se := math.Sqrt(want * (1 - want) / trials)
		t.Logf("n=%d: coverage %.4f, exact %.4f", n, got, want)
		if want < Confidence || math.Abs(got-want) > 4*se {
			t.Errorf("n=%d: coverage %.4f, want %.4f ± %.4f (and >= %v)", n, got, want, 4*se, Confidence)
		}
	}
}

// sample draws n values from gen.
func sample(r *rand.Rand, n int, gen func(*rand.Rand) float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = gen(r)
	}
	return xs
}

// lognormalGen returns a generator of lognormal values with the given
// median and coefficient of variation.
func lognormalGen(median, cv float64) func(*rand.Rand) float64 {
	sigma := math.Sqrt(math.Log(1 + cv*cv))
	return func(r *rand.Rand) float64 { return median * math.Exp(sigma*r.NormFloat64()) }
}
