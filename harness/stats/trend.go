package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Slope fits the least-squares line y = intercept + slope·x, for example
// a package's nightly median init time against the night number, and
// returns p, the two-sided p-value of the t test of slope != 0 with
// len(x)-2 degrees of freedom.
//
// The t test assumes independent, roughly normal residuals of equal
// spread. Nightly medians satisfy that well enough, single runs (skewed,
// sometimes bimodal) do not: fit medians, not raw runs.
//
// x and y must have the same length. With fewer than 3 points, or when all
// x are equal, there is no residual to test against: p is 1 (and with all
// x equal, slope is 0 and intercept is the mean of y). A perfect fit with
// a non-zero slope has p = 0.
func Slope(x, y []float64) (slope, intercept, p float64) {
	if len(x) != len(y) {
		panic("stats: Slope of slices of different lengths")
	}
	n := len(x)
	if n == 0 {
		return 0, 0, 1
	}
	if n == 1 || stat.Variance(x, nil) == 0 {
		return 0, stat.Mean(y, nil), 1
	}
	intercept, slope = stat.LinearRegression(x, y, nil, false)
	if n < 3 {
		return slope, intercept, 1
	}
	xMean := stat.Mean(x, nil)
	var ssr, sxx float64
	for i := range x {
		r := y[i] - (intercept + slope*x[i])
		ssr += r * r
		sxx += (x[i] - xMean) * (x[i] - xMean)
	}
	df := float64(n - 2)
	se := math.Sqrt(ssr / df / sxx)
	if se == 0 {
		if slope == 0 {
			return slope, intercept, 1
		}
		return slope, intercept, 0
	}
	t := math.Abs(slope / se)
	p = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(t)
	return slope, intercept, min(1, p)
}
