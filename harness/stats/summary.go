package stats

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the level of every confidence interval this package computes.
const Confidence = 0.95

// Summary describes one sample of a metric (durations in nanoseconds, bytes,
// counts).
type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Mean   float64 `json:"mean"`
	Stddev float64 `json:"stddev"`
	P95    float64 `json:"p95"`
	Max    float64 `json:"max"`
	CILow  float64 `json:"ci_low"` // distribution-free confidence interval for the median at Confidence
	CIHigh float64 `json:"ci_high"`
	CV     float64 `json:"cv"` // stddev / mean, 0 when mean is 0
}

// Summarize describes the sample xs. It sorts a copy and leaves xs as it is.
// An empty sample gives the zero Summary.
//
// Median is the middle value, or the mean of the two middle values when N is
// even. Stddev is the sample standard deviation (divisor N-1; 0 when N is
// 1). P95 is the empirical 95th percentile (gonum's stat.Empirical): the
// smallest observed value that at least 95% of the runs do not exceed. It is
// always a value some run really produced, never an interpolation between
// two runs; for fewer than 20 runs it is the maximum. CILow and CIHigh are
// MedianCI at Confidence.
func Summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	n := len(sorted)
	s := Summary{
		N:      n,
		Min:    sorted[0],
		Median: median(sorted),
		Max:    sorted[n-1],
		P95:    stat.Quantile(0.95, stat.Empirical, sorted, nil),
	}
	if n == 1 {
		s.Mean = sorted[0]
	} else {
		s.Mean, s.Stddev = stat.MeanStdDev(sorted, nil)
	}
	if s.Mean != 0 {
		s.CV = s.Stddev / s.Mean
	}
	s.CILow, s.CIHigh = MedianCI(sorted, Confidence)
	return s
}

// median returns the median of sorted, which must not be empty.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// MedianCI returns a distribution-free confidence interval at level conf
// (0 < conf < 1) for the population median, given a sample sorted in
// increasing order.
//
// The interval is a pair of order statistics [x(k), x(n+1-k)] (1-based).
// Whatever the distribution, the number of runs below the true median is
// Binomial(n, 1/2), so the interval covers the median with probability
// 1 - 2·P(Binomial(n, 1/2) <= k-1); k is the largest rank that keeps this
// coverage at or above conf. Because k is an integer the actual coverage is
// usually a little above conf (97.9% for 10 runs at 95%). Ties make the
// interval, if anything, more conservative.
//
// When n is too small for even [min, max] to reach conf (n < 6 at 95%:
// [min, max] then covers the median only with probability 1 - 2^(1-n)),
// MedianCI returns min, max anyway; callers should warn about the sample
// size (Check does). An empty sample gives 0, 0.
func MedianCI(sorted []float64, conf float64) (lo, hi float64) {
	if !(conf > 0 && conf < 1) {
		panic(fmt.Sprintf("stats: confidence level %v is not in (0, 1)", conf))
	}
	n := len(sorted)
	if n == 0 {
		return 0, 0
	}
	k := medianCIRank(n, conf)
	if k == 0 {
		k = 1
	}
	return sorted[k-1], sorted[n-k]
}

// medianCIRank returns the largest 1-based rank k <= (n+1)/2 for which
// [x(k), x(n+1-k)] covers the median of n runs with probability at least
// conf, or 0 if not even k = 1 does.
func medianCIRank(n int, conf float64) int {
	b := distuv.Binomial{N: float64(n), P: 0.5}
	k := 0
	for k+1 <= (n+1)/2 && medianCICoverage(b, k+1) >= conf {
		k++
	}
	return k
}

// medianCICoverage is the probability that [x(k), x(n+1-k)] covers the
// median, for b = Binomial(n, 1/2).
func medianCICoverage(b distuv.Binomial, k int) float64 {
	return 1 - 2*b.CDF(float64(k-1))
}
