package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// normalP is the two-sided p-value of z from the standard normal,
// computed without gonum.
func normalP(z float64) float64 { return math.Erfc(z / math.Sqrt2) }

func TestMannWhitney(t *testing.T) {
	tests := []struct {
		name string
		a, b []float64
		u, p float64
	}{
		{
			// SciPy's mannwhitneyu documentation: ages of male and female
			// employees, U = 17, exact p = 0.1111111111111111. Of the
			// C(9,4) = 126 arrangements, 7 have U <= 3 (and 7 U >= 17):
			// p = 2·7/126 = 1/9.
			"scipy males females", []float64{19, 22, 16, 29, 24}, []float64{20, 11, 17, 12},
			17, 1.0 / 9,
		},
		{
			// Complete separation: U = 0, and 1 of the C(6,3) = 20
			// arrangements is as extreme on each side: p = 2/20.
			"separated 3+3", []float64{1, 2, 3}, []float64{4, 5, 6}, 0, 0.1,
		},
		{
			// Complete separation of 10 against 10: p = 2/C(20,10), the
			// smallest p of MinRuns against MinRuns.
			"separated 10+10",
			[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
			[]float64{11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
			0, 2.0 / 184756,
		},
		{
			// Ties: the normal approximation. Ranks of the combined sample
			// 1 2 2 2 3 3 4 5 are 1, 3, 3, 3, 5.5, 5.5, 7, 8, so
			// R_a = 1+3+3+5.5 = 12.5 and U = 12.5 - 10 = 2.5. Tie groups
			// of 3 and 2 give Σ(t³-t) = 30; var = 16/12·(9 - 30/56) =
			// 11.2857; z = (|2.5-8| - 0.5)/sqrt(var).
			"ties", []float64{1, 2, 2, 3}, []float64{2, 3, 4, 5},
			2.5, normalP(5 / math.Sqrt(16.0/12*(9-30.0/56))),
		},
		{
			// 30+30 runs, no ties: beyond ExactMaxRuns. a[i] = i and
			// b[j] = j+0.5, so a[i] > b[j] for the 30·29/2 = 435 pairs with
			// i > j; mean 450, var = 900·61/12.
			"normal 30+30", seqStep(30, 0), seqStep(30, 0.5),
			435, normalP(14.5 / math.Sqrt(900.0*61/12)),
		},
		{"all equal", []float64{4096, 4096, 4096}, []float64{4096, 4096}, 3, 1},
		{"empty", nil, []float64{1, 2}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, p := MannWhitney(tt.a, tt.b)
			if u != tt.u || !approxTol(p, tt.p, 1e-9) {
				t.Errorf("MannWhitney = %v, %v; want %v, %v", u, p, tt.u, tt.p)
			}
			// Swapping the samples mirrors U and keeps p.
			if len(tt.a) > 0 && len(tt.b) > 0 {
				u2, p2 := MannWhitney(tt.b, tt.a)
				if u2 != float64(len(tt.a)*len(tt.b))-u || !approxTol(p2, p, 1e-12) {
					t.Errorf("MannWhitney(b, a) = %v, %v; want %v, %v", u2, p2, float64(len(tt.a)*len(tt.b))-u, p)
				}
			}
		})
	}
}

// TestMannWhitneyNormalPath checks the normal approximation against the
// value SciPy's documentation gives for method="asymptotic" on its example:
// 0.11134688653314041.
func TestMannWhitneyNormalPath(t *testing.T) {
	p := mannWhitneyNormalP(17, 5, 4, 0)
	if !approxTol(p, 0.11134688653314041, 1e-9) {
		t.Errorf("normal approximation p = %v, want 0.11134688653314041", p)
	}
}

func seqStep(n int, off float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i) + off
	}
	return xs
}

func approxTol(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

// TestUCounts compares the exact distribution of U with a brute-force
// enumeration of all arrangements of two small samples.
func TestUCounts(t *testing.T) {
	for m := 1; m <= 6; m++ {
		for n := 1; n <= 7; n++ {
			want := make([]float64, m*n+1)
			// Each arrangement is a bit mask of which of the m+n ranked
			// positions belong to the first sample.
			for mask := 0; mask < 1<<(m+n); mask++ {
				if popcount(mask) != m {
					continue
				}
				u, others := 0, 0
				for pos := range m + n {
					if mask&(1<<pos) != 0 {
						u += others // this value beats every value of the other sample below it
					} else {
						others++
					}
				}
				want[u]++
			}
			if got := uCounts(m, n); !slices.Equal(got, want) {
				t.Errorf("uCounts(%d, %d) = %v, want %v", m, n, got, want)
			}
		}
	}
	// At the largest exact size the counts must still be exact integers
	// summing to C(50, 25).
	var sum float64
	for _, c := range uCounts(25, 25) {
		if c != math.Trunc(c) || c < 0 {
			t.Fatalf("uCounts(25, 25) has non-integer count %v", c)
		}
		sum += c
	}
	if sum != 126410606437752 {
		t.Errorf("uCounts(25, 25) sums to %v, want C(50,25) = 126410606437752", sum)
	}
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// TestMannWhitneyExactVsNormal checks how the two paths compare where they
// meet, at ExactMaxRuns: close from p = 0.02 up, and the normal path
// conservative (larger p) in the tail, as ExactMaxRuns documents.
func TestMannWhitneyExactVsNormal(t *testing.T) {
	for u := 100.0; u <= 312; u += 10 {
		exact := mannWhitneyExactP(u, 25, 25)
		normal := mannWhitneyNormalP(u, 25, 25, 0)
		if exact >= 0.02 && !approxTol(exact, normal, 0.04) {
			t.Errorf("U=%v, 25+25: exact p %v and normal p %v differ by more than 4%%", u, exact, normal)
		}
		if exact < 0.02 && !(exact <= normal && normal < 3*exact) {
			t.Errorf("U=%v, 25+25: exact p %v, normal p %v; want normal a little larger", u, exact, normal)
		}
	}
}

// TestMannWhitneyNull checks in a seeded simulation that, when both
// samples come from the same distribution, p < 0.05 about 5% of the time
// or less, on the exact path, the normal path and with heavy ties.
func TestMannWhitneyNull(t *testing.T) {
	const trials = 4000
	for _, tt := range []struct {
		name string
		n    int
		gen  func(*rand.Rand) float64
	}{
		{"exact, lognormal 10+10", 10, lognormalGen(1e6, 0.3)},
		{"normal, lognormal 30+30", 30, lognormalGen(1e6, 0.3)},
		{"normal, allocs 41-43 20+20", 20, func(r *rand.Rand) float64 { return float64(41 + r.IntN(3)) }},
	} {
		r := rand.New(rand.NewPCG(7, uint64(tt.n)))
		rejected := 0
		for range trials {
			if _, p := MannWhitney(sample(r, tt.n, tt.gen), sample(r, tt.n, tt.gen)); p < 0.05 {
				rejected++
			}
		}
		rate := float64(rejected) / trials
		t.Logf("%s: p < 0.05 in %.2f%%", tt.name, 100*rate)
		if rate > 0.05+4*math.Sqrt(0.05*0.95/trials) {
			t.Errorf("%s: p < 0.05 in %.2f%% of null samples, want about 5%% or less", tt.name, 100*rate)
		}
	}
}

func TestHodgesLehmann(t *testing.T) {
	tests := []struct {
		name          string
		a, b          []float64
		conf          float64
		shift, lo, hi float64
	}{
		{
			// b = a + 5. The differences b[j]-a[i] = 5 + (j-i) take the value
			// 5+t (t = -9..9) 10-|t| times. The 5% two-sided critical value
			// of U for 10+10 is 23 (P(U <= 23) <= 0.025 < P(U <= 24)), so
			// the interval is [D(24), D(77)]: the cumulative counts 1, 3, 6,
			// 10, 15, 21, 28 for t = -9..-3 put D(24) at t = -3.
			"shift 5, 10+10", seqStep(10, 0), seqStep(10, 5), 0.95, 5, 2, 8,
		},
		{
			// 3+3 cannot reach 95% (the most extreme arrangement alone has
			// probability 1/20 > 0.025): the full range of differences.
			"too small", []float64{1, 2, 3}, []float64{4, 5, 6}, 0.95, 3, 1, 5,
		},
		{"identical", []float64{7, 7, 7, 7, 7, 7, 7, 7}, []float64{7, 7, 7, 7, 7, 7, 7, 7}, 0.95, 0, 0, 0},
		{"empty", nil, []float64{1}, 0.95, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shift, lo, hi := HodgesLehmann(tt.a, tt.b, tt.conf)
			if shift != tt.shift || lo != tt.lo || hi != tt.hi {
				t.Errorf("HodgesLehmann = %v, %v, %v; want %v, %v, %v", shift, lo, hi, tt.shift, tt.lo, tt.hi)
			}
		})
	}
}

// TestHodgesLehmannCoverage checks in a seeded simulation that the
// interval covers a known shift at least about 95% of the time, on the
// exact path (10+10, 20+20) and the normal path (30+30).
func TestHodgesLehmannCoverage(t *testing.T) {
	const trials = 2000
	const shift = 2e5
	gen := lognormalGen(1e6, 0.3)
	for _, n := range []int{10, 20, 30} {
		r := rand.New(rand.NewPCG(8, uint64(n)))
		covered := 0
		for range trials {
			a := sample(r, n, gen)
			b := sample(r, n, gen)
			for i := range b {
				b[i] += shift
			}
			if _, lo, hi := HodgesLehmann(a, b, Confidence); lo <= shift && shift <= hi {
				covered++
			}
		}
		rate := float64(covered) / trials
		t.Logf("%d+%d: coverage %.4f", n, n, rate)
		if rate < Confidence-4*math.Sqrt(Confidence*(1-Confidence)/trials) {
			t.Errorf("%d+%d: coverage %.4f, want about %v or more", n, n, rate, Confidence)
		}
	}
}

// TestShiftCIRankPaths checks that the exact and the normal computation of
// the interval's rank agree where they meet.
func TestShiftCIRankPaths(t *testing.T) {
	for _, conf := range []float64{0.8, 0.9, 0.95, 0.99} {
		exact, normal := shiftCIRank(25, 25, conf), shiftCIRankNormal(25, 25, conf)
		if d := exact - normal; d < -2 || d > 2 {
			t.Errorf("rank at 25+25, %v: exact %d, normal %d", conf, exact, normal)
		}
	}
}

func TestHolm(t *testing.T) {
	tests := []struct{ p, want []float64 }{
		{
			// Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06,
			// 0.04·1 = 0.04 -> 0.06 (running maximum).
			[]float64{0.01, 0.04, 0.03, 0.005},
			[]float64{0.03, 0.06, 0.06, 0.02},
		},
		{
			// Benjamini & Hochberg (1995)'s 15 p-values: (16-i)·p(i) with
			// a running maximum; Holm rejects 3 at 0.05, like Bonferroni.
			bh1995,
			[]float64{0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1},
		},
		{[]float64{0.5, math.NaN(), 0.01}, []float64{0.5, math.NaN(), 0.02}},
		{[]float64{}, []float64{}},
	}
	for _, tt := range tests {
		if got := Holm(tt.p); !pvaluesEqual(got, tt.want) {
			t.Errorf("Holm(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

// bh1995 are the 15 p-values of the example in Benjamini & Hochberg
// (1995), "Controlling the false discovery rate", JRSS B 57(1), section 4.
var bh1995 = []float64{
	0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
	0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000,
}

func TestBenjaminiHochberg(t *testing.T) {
	tests := []struct{ p, want []float64 }{
		{
			// Sorted: 0.005·4/1 = 0.02, 0.01·4/2 = 0.02, 0.03·4/3 = 0.04,
			// 0.04·4/4 = 0.04.
			[]float64{0.01, 0.04, 0.03, 0.005},
			[]float64{0.02, 0.04, 0.04, 0.02},
		},
		{
			// 15/i·p(i) with a running minimum from the top; the paper
			// rejects 4 at q = 0.05.
			bh1995,
			[]float64{0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571428571, 0.0638571428571, 0.0645,
				0.0765, 0.486, 0.581181818182, 0.714875, 0.753230769231, 0.813214285714, 1},
		},
		{[]float64{0.5, math.NaN(), 0.01}, []float64{0.5, math.NaN(), 0.02}},
		{[]float64{}, []float64{}},
	}
	for _, tt := range tests {
		if got := BenjaminiHochberg(tt.p); !pvaluesEqual(got, tt.want) {
			t.Errorf("BenjaminiHochberg(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	rejected := 0
	for _, p := range BenjaminiHochberg(bh1995) {
		if p <= 0.05 {
			rejected++
		}
	}
	if rejected != 4 {
		t.Errorf("BenjaminiHochberg rejects %d of the 1995 example at 0.05, the paper 4", rejected)
	}
}

func pvaluesEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return (math.IsNaN(x) && math.IsNaN(y)) || math.Abs(x-y) <= 1e-9
	})
}

// TestAdjustProperties checks on random p-values that adjusted values are
// in [p, 1], keep the order of the raw ones, and that BH never adjusts
// more than Holm.
func TestAdjustProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 500 {
		p := make([]float64, 1+r.IntN(40))
		for i := range p {
			p[i] = math.Pow(r.Float64(), 3)
			if r.IntN(10) == 0 && i > 0 {
				p[i] = p[i-1] // ties
			}
		}
		holm, bh := Holm(p), BenjaminiHochberg(p)
		for i := range p {
			if holm[i] < p[i] || holm[i] > 1 || bh[i] < p[i] || bh[i] > 1 || bh[i] > holm[i]+1e-15 {
				t.Fatalf("p=%v: holm %v, bh %v", p[i], holm[i], bh[i])
			}
			for j := range p {
				if p[i] < p[j] && (holm[i] > holm[j] || bh[i] > bh[j]) {
					t.Fatalf("adjusting reorders %v and %v", p[i], p[j])
				}
			}
		}
	}
}
