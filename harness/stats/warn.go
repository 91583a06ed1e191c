package stats

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
)

// Warning is a soft problem with a sample that the user should see.
type Warning struct {
	Kind string `json:"kind"` // "few-runs", "wide-spread", "bimodal"
	Msg  string `json:"msg"`  // full sentence fragment, e.g. "CV 62% is above 50%: ..."
}

// The kinds of Warning.
const (
	KindFewRuns    = "few-runs"
	KindWideSpread = "wide-spread"
	KindBimodal    = "bimodal"
)

// MinRuns is the smallest sample size Check accepts without a few-runs
// warning.
//
// Ten is the first round number at which the numbers this package reports
// mean something on a noisy machine:
//   - From 9 runs on, the 95% confidence interval of the median leaves out
//     the fastest and the slowest run, the two most likely to have been
//     disturbed; below 6 runs there is no 95% interval at all (MedianCI).
//   - The smallest two-sided Mann-Whitney p-value of 10 runs against 10 is
//     1.1e-5, which survives a Holm correction over more than 4000 packages
//     (large programs init hundreds); with 8 against 8 it is 1.6e-4,
//     enough for only about 300.
//   - Bimodal needs at least 3 runs in each mode. A GC-induced slow mode
//     seen in 18-33% of runs shows up at least once in 10 runs with
//     probability 86-98%, but three times only with 26-69%; 20 or more runs
//     are needed to detect such a mode reliably (72-98% at 20 runs).
const MinRuns = 10

// MaxCV is the coefficient of variation (stddev/mean) above which Check
// warns that a sample is wide-spread.
//
// On the machines coldstart runs on, run-to-run noise alone gives a
// wall-time CV of 14-34% and a per-package init clock CV of 20-50%. A
// threshold inside that range, such as 30%, would warn on a large share of
// perfectly normal samples, and a warning that is always there is ignored.
// So the threshold sits at the top of the normal range: a CV above 50%
// means something beyond the usual noise, typically background load during
// some runs or a second mode. Bytes and allocs, which repeat almost exactly,
// stay far below it.
//
// The sample CV scatters around the true one. In a seeded simulation
// (TestMaxCV) lognormal samples with a true CV of 30% get the warning in
// about 1% of 10-run samples and almost never at 30 runs; with 40% in
// 6-12%; with 50%, the noisiest normal package, in about 35-39%. MaxCV =
// 0.30 would warn on 40-44% of all samples with a true CV of 30%.
const MaxCV = 0.5

// Check returns all warnings for the sample xs, in the order few-runs,
// wide-spread, bimodal; nil if there are none.
//
// A sample with fewer than MinRuns runs gets few-runs. A sample whose CV is
// above MaxCV gets wide-spread, unless its standard deviation is no larger
// than the sample's resolution (the smallest difference between two
// distinct values): inittrace prints clock times below 10µs with one
// significant digit, so a package whose init takes 1-3µs has a huge CV that
// is rounding, not noise. A sample for which Bimodal reports two modes gets
// bimodal; such a sample usually gets wide-spread too.
func Check(xs []float64) []Warning { return CheckIn(xs, number) }

// CheckIn is Check with the values in messages formatted by format, so
// that a warning about nanoseconds can say "1.2ms".
func CheckIn(xs []float64, format func(float64) string) []Warning {
	var ws []Warning
	n := len(xs)
	if n < MinRuns {
		var msg string
		if n == 0 || medianCIRank(n, Confidence) == 0 {
			msg = fmt.Sprintf("%d runs is below %d: too few for a %s confidence interval of the median, which is shown as the full range of the runs",
				n, MinRuns, percent(Confidence))
		} else {
			msg = fmt.Sprintf("%d runs is below %d: the confidence interval of the median is wide, and a second mode seen in a fraction of the runs may not show yet",
				n, MinRuns)
		}
		ws = append(ws, Warning{Kind: KindFewRuns, Msg: msg})
	}
	if n == 0 {
		return ws
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	s := Summarize(sorted)
	if s.CV > MaxCV && s.Stddev > resolution(sorted) {
		ws = append(ws, Warning{Kind: KindWideSpread, Msg: fmt.Sprintf(
			"CV %s is above %s: the runs vary more than cold starts on a noisy machine usually do; look for background load during some runs or a second mode",
			percent(s.CV), percent(MaxCV))})
	}
	if sp := bimodalSplit(sorted); sp.at > 0 {
		ws = append(ws, Warning{Kind: KindBimodal, Msg: sp.describe(sorted, format)})
	}
	return ws
}

// percent formats a fraction as a whole percentage.
func percent(f float64) string {
	return strconv.FormatFloat(100*f, 'f', 0, 64) + "%"
}

// The parameters of Bimodal. See its doc comment for the reasons.
const (
	bimodalMinGroup    = 3    // runs in the smaller mode, at least
	bimodalMinFraction = 0.10 // share of the runs in the smaller mode, at least
	bimodalMinRatio    = 4.0  // gap / within-mode spread on the log scale, at least
	bimodalMinStep     = 1.25 // upper mode's start / lower mode's end, at least
)

// Bimodal reports whether the sample xs of a non-negative measurement falls
// into two well separated groups of runs, and if so describes them, for
// example "two modes: 22 runs at 900000-1300000 (median 1100000) and 8 runs
// (27%) at 63000000-89000000 (median 75500000); the gap between them is
// 32.2x the spread within them" (values in the sample's own unit, here
// nanoseconds; the spread is measured on the log scale, see below).
//
// This is the shape a garbage collection during init gives: gopls v0.23.0's
// internal/cache init takes about 1ms in most runs and 63-89ms in the
// 18-33% of runs in which a GC cycle lands in it. The median then describes
// only the fast runs, the mean describes none, and a comparison of two such
// samples depends on how many slow runs each happened to get.
//
// The test looks for an empty stretch in the sorted sample that is much
// wider than the groups on either side of it. It works on the logarithms of
// the values, because run-to-run noise is multiplicative (a mode at 70ms
// spreads over milliseconds, one at 1ms over tens of microseconds), so that
// on the log scale the two modes have comparable spreads and a skewed,
// long-tailed but unimodal sample becomes roughly symmetric. The values are
// shifted by the sample's resolution r (the smallest difference between two
// distinct values; see below) before taking logarithms, so that zeros, which
// inittrace prints for inits under 1µs and which allocs often are, stay
// finite. For every split of the sorted sample into a lower and an upper
// group, with log(x+r) for each value x, it computes
//
//	gap    = log(upper's min + r) - log(lower's max + r)
//	spread = the larger of the two groups' standard deviations of log(x+r),
//	         and at least log(1 + r/(lower's max + r)), the size on this
//	         scale of one resolution step at the gap
//
// and reports two modes when, for some split, all of these hold:
//   - there are at least MinRuns runs, and each group has at least 3 runs
//     and at least 10% of them, so that one or two disturbed runs are
//     outliers, not a mode;
//   - gap >= 4 x spread. Using the larger group's spread keeps the sparse
//     tail of a skewed sample, where consecutive values drift apart, from
//     looking like a group of its own;
//   - the upper group starts at least 25% above where the lower one ends,
//     so that discrete values a few percent apart (bytes, allocs, or
//     inittrace's two significant digits) are not modes. Noise on these
//     machines is 14-50% CV anyway, so closer modes could not be told apart.
//
// The resolution floor matters for values that repeat exactly: a sample of
// 4096s and 4160s bytes, or of 1µs and 2µs init times, has two groups with
// no spread at all; it is discrete, not bimodal, and the floor makes its
// ratio 1. A sample with negative values is never reported as bimodal.
//
// Moment-based tests such as Sarle's bimodality coefficient were rejected:
// a single outlier or a skewed unimodal sample drives them over their
// threshold. Gaps measured on the linear scale against the groups' median
// absolute deviations were tried too and fired on 4-10% of uniform,
// lognormal and exponential samples of 10 runs.
//
// In this package's seeded simulation (TestBimodalFalsePositives: 17
// unimodal distributions - normal, uniform, lognormal with CV 30-80%,
// exponential, lognormals rounded as inittrace prints them from 2µs to
// 12ms, and heavily tied bytes and allocs counts - at 10, 15, 20, 30, 50
// and 100 runs, 500 samples each) the test fired on 42 of 51,000 samples
// (0.08%), 40 of them with fewer than 20 runs; the worst case is a uniform
// sample of 10 runs (2.4%), the worst at 20 runs or more 0.4%. It found
// the gopls-shaped slow mode in 98-100% of the samples that had at least
// 3 slow runs and 10% of the runs (TestBimodalDetects), which for a mode
// in 18% of runs means 75% of 20-run samples and 94% of 30-run samples.
func Bimodal(xs []float64) (ok bool, detail string) {
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	sp := bimodalSplit(sorted)
	if sp.at == 0 {
		return false, ""
	}
	return true, sp.describe(sorted, number)
}

// split is a division of a sorted sample into sorted[:at] and sorted[at:].
type split struct {
	at    int     // 0 when the sample is not bimodal
	ratio float64 // gap / spread
}

// bimodalSplit returns the split of sorted that shows two modes, or the
// zero split.
func bimodalSplit(sorted []float64) split {
	if sp := bestSplit(sorted); sp.ratio >= bimodalMinRatio {
		return sp
	}
	return split{}
}

// bestSplit returns the split of sorted with the largest gap-to-spread ratio
// among those with large enough groups and relative gap, or the zero split
// if there is none.
func bestSplit(sorted []float64) split {
	n := len(sorted)
	if n < MinRuns || sorted[0] < 0 {
		return split{}
	}
	res := resolution(sorted)
	if res == 0 {
		return split{} // all values are equal
	}
	logs := make([]float64, n)
	for i, x := range sorted {
		logs[i] = math.Log(x + res)
	}
	minGroup := max(bimodalMinGroup, int(math.Ceil(bimodalMinFraction*float64(n))))
	var best split
	for i := minGroup; i <= n-minGroup; i++ {
		lo, hi := sorted[i-1], sorted[i]
		if hi < bimodalMinStep*lo || hi == lo {
			continue
		}
		gap := logs[i] - logs[i-1]
		step := math.Log1p(res / (lo + res))
		spread := max(stat.StdDev(logs[:i], nil), stat.StdDev(logs[i:], nil), step)
		if r := gap / spread; r > best.ratio {
			best = split{at: i, ratio: r}
		}
	}
	return best
}

// describe says what the two groups of the split are, giving the share of
// the runs for the smaller one.
func (sp split) describe(sorted []float64, number func(float64) string) string {
	lower, upper := sorted[:sp.at], sorted[sp.at:]
	n := len(sorted)
	group := func(g []float64, share bool) string {
		s := ""
		if share {
			s = " (" + percent(float64(len(g))/float64(n)) + ")"
		}
		return fmt.Sprintf("%d runs%s at %s-%s (median %s)",
			len(g), s, number(g[0]), number(g[len(g)-1]), number(median(g)))
	}
	upperSmaller := len(upper) <= len(lower)
	return fmt.Sprintf("two modes: %s and %s; the gap between them is %sx the spread within them",
		group(lower, !upperSmaller), group(upper, upperSmaller), strconv.FormatFloat(sp.ratio, 'f', 1, 64))
}

// resolution returns the smallest positive difference between consecutive
// values of sorted: the finest step the measurement shows, such as inittrace's
// rounding. It is 0 when all values are equal.
func resolution(sorted []float64) float64 {
	res := math.Inf(1)
	for i := 1; i < len(sorted); i++ {
		if d := sorted[i] - sorted[i-1]; d > 0 && d < res {
			res = d
		}
	}
	if math.IsInf(res, 1) {
		return 0
	}
	return res
}

// number formats v with three significant digits and no exponent, which
// reads well for nanoseconds and bytes alike.
func number(v float64) string {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	e := int(math.Floor(math.Log10(math.Abs(v))))
	scale := math.Pow(10, float64(e-2))
	s := strconv.FormatFloat(math.Round(v/scale)*scale, 'f', max(0, 2-e), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
