package stats

import (
	"math"
	"slices"
)

// MaxSettleRuns is the largest sample size RunsToSettle suggests. A cold
// start of a large program takes on the order of a second with its
// teardown, so 1000 runs is already most of an hour on one machine; and
// the estimate extrapolates the current interval by 1/sqrt(n), which is
// not worth trusting over much more than a hundredfold increase in runs.
// A median that needs more than this is, for any practical purpose, at
// the limit.
const MaxSettleRuns = 1000

// RunsToSettle estimates the total number of runs at which the median
// confidence interval (MedianCI at Confidence) of a sample like xs would
// no longer straddle limit, so that a budget check could say for sure
// whether the median is under or over it.
//
// It returns 0 if the interval of xs already lies entirely above or below
// limit. Otherwise it assumes that more runs would have the same median
// and spread, so that the half of the interval facing limit, h, shrinks
// like 1/sqrt(n), and returns the smallest n (always more than len(xs))
// for which h·sqrt(len(xs)/n) is less than the distance d between the
// median and limit: floor(len(xs)·(h/d)²) + 1. It returns -1 when the
// median equals limit, when that n would exceed MaxSettleRuns, and for an
// empty sample: no reasonable number of runs settles the question.
func RunsToSettle(xs []float64, limit float64) int {
	n := len(xs)
	if n == 0 {
		return -1
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	lo, hi := MedianCI(sorted, Confidence)
	if limit < lo || limit > hi {
		return 0
	}
	med := median(sorted)
	d := math.Abs(med - limit)
	if d == 0 {
		return -1
	}
	h := hi - med
	if limit < med {
		h = med - lo
	}
	need := float64(n) * (h / d) * (h / d)
	if need >= MaxSettleRuns {
		return -1
	}
	return int(need) + 1
}
