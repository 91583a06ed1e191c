package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// ExactMaxRuns is the largest combined size of two samples for which
// MannWhitney and HodgesLehmann use the exact null distribution of the U
// statistic; above it they use the normal approximation.
//
// The exact distribution is cheap (quadratic in the sample sizes) and up
// to 25+25 runs its counts, at most C(50,25) ≈ 1.3e14, are exact integers
// in a float64. At that size the normal approximation with continuity
// correction is within 4% of the exact p-value from p = 0.02 up; below,
// because the exact distribution has lighter tails, it overstates p (1.3x
// at p = 0.0013, 2.6x at 1.5e-5), erring on the side of "no change". For
// smaller samples, and especially when one of them is small, it is not
// good enough.
const ExactMaxRuns = 50

// MannWhitney performs the two-sided Mann-Whitney U (Wilcoxon rank-sum)
// test of whether the samples a and b come from the same distribution,
// against the alternative that one tends to give larger values.
//
// u is the U statistic of a: the number of pairs (a[i], b[j]) with
// a[i] > b[j], ties counting one half (as in SciPy's mannwhitneyu). It
// ranges from 0 to len(a)·len(b), with len(a)·len(b)/2 expected when the
// distributions are the same.
//
// p is exact when there are no ties and len(a)+len(b) <= ExactMaxRuns: it
// is then twice the smaller tail probability of u under the null
// hypothesis, computed from the exact distribution of U, capped at 1. With
// ties, or with more runs, p comes from the normal approximation with the
// tie correction of the variance and a continuity correction of 1/2.
// Bytes and allocs, which repeat almost exactly, always take the second
// path; if all values of both samples are equal p is 1.
//
// If a or b is empty, MannWhitney returns u = 0 and p = 1: no evidence of a
// difference.
func MannWhitney(a, b []float64) (u, p float64) {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return 0, 1
	}
	u, tieSum := rankSumU(a, b)
	if tieSum == 0 && n1+n2 <= ExactMaxRuns {
		return u, mannWhitneyExactP(u, n1, n2)
	}
	return u, mannWhitneyNormalP(u, n1, n2, tieSum)
}

// rankSumU returns the U statistic of a against b, and the sum of t³-t
// over the groups of t tied values in the combined sample.
func rankSumU(a, b []float64) (u, tieSum float64) {
	type obs struct {
		v     float64
		fromA bool
	}
	all := make([]obs, 0, len(a)+len(b))
	for _, v := range a {
		all = append(all, obs{v, true})
	}
	for _, v := range b {
		all = append(all, obs{v, false})
	}
	slices.SortFunc(all, func(x, y obs) int { return cmp.Compare(x.v, y.v) })
	var rankSumA float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		// Values all[i:j] are tied; each gets the mean of ranks i+1..j.
		rank := float64(i+1+j) / 2
		for _, o := range all[i:j] {
			if o.fromA {
				rankSumA += rank
			}
		}
		if t := float64(j - i); t > 1 {
			tieSum += t*t*t - t
		}
		i = j
	}
	n1 := float64(len(a))
	return rankSumA - n1*(n1+1)/2, tieSum
}

// mannWhitneyExactP returns the exact two-sided p-value of the U statistic
// u of two untied samples of sizes n1 and n2.
func mannWhitneyExactP(u float64, n1, n2 int) float64 {
	counts := uCounts(n1, n2)
	var total, below, above float64
	for k, c := range counts {
		total += c
		if float64(k) <= u {
			below += c
		}
		if float64(k) >= u {
			above += c
		}
	}
	return min(1, 2*min(below, above)/total)
}

// mannWhitneyNormalP returns the two-sided p-value of u from the normal
// approximation, with tie and continuity corrections.
func mannWhitneyNormalP(u float64, n1, n2 int, tieSum float64) float64 {
	m, n := float64(n1), float64(n2)
	N := m + n
	mean := m * n / 2
	variance := m * n / 12 * ((N + 1) - tieSum/(N*(N-1)))
	if variance <= 0 {
		return 1 // every value of both samples is the same
	}
	z := max(0, (math.Abs(u-mean)-0.5)/math.Sqrt(variance))
	return min(1, 2*distuv.UnitNormal.Survival(z))
}

// uCounts returns, for k = 0..n1·n2, the number of the C(n1+n2, n1)
// equally likely arrangements of two untied samples that give U = k. These
// are the coefficients of the Gaussian binomial coefficient [n1+n2, n1]_q,
// built up as the product over i = 1..m of (1-q^(n+i)) / (1-q^i), with
// m = min(n1, n2) and n = max(n1, n2). Every intermediate value is an
// integer, so the counts are exact while they stay below 2^53.
func uCounts(n1, n2 int) []float64 {
	m, n := min(n1, n2), max(n1, n2)
	c := make([]float64, m*n+m+1) // room for the degree before each division
	c[0] = 1
	for i := 1; i <= m; i++ {
		// Multiply the polynomial of degree (i-1)·n by 1 - q^(n+i) ...
		top := (i-1)*n + n + i
		for k := top; k >= n+i; k-- {
			c[k] -= c[k-(n+i)]
		}
		// ... and divide it exactly by 1 - q^i.
		for k := i; k <= top; k++ {
			c[k] += c[k-i]
		}
	}
	return c[:m*n+1]
}

// HodgesLehmann estimates the shift of b relative to a, the amount that
// added to every value of a would make it look like b, and returns a
// distribution-free confidence interval for it at level conf (0 < conf < 1).
//
// shift is the median of the len(a)·len(b) pairwise differences b[j]-a[i].
// The interval is [D(k), D(mn+1-k)] of the sorted differences, where k is
// the largest rank with P(U <= k-1) <= (1-conf)/2 under the null
// distribution of the Mann-Whitney U statistic: the set of shifts that a
// two-sided Mann-Whitney test at level 1-conf would not reject. Like
// MannWhitney it uses the exact distribution of U when
// len(a)+len(b) <= ExactMaxRuns and the normal approximation (with
// continuity correction) above. It assumes that b is distributed like a
// shifted a, which noisy timings satisfy only roughly; the interval is
// then still a useful measure of how well the shift is determined.
//
// When the samples are too small for any interval to reach conf (3 runs
// against 3 at 95%), lo and hi are the smallest and largest difference.
// If a or b is empty, all three results are 0.
func HodgesLehmann(a, b []float64, conf float64) (shift, lo, hi float64) {
	if !(conf > 0 && conf < 1) {
		panic(fmt.Sprintf("stats: confidence level %v is not in (0, 1)", conf))
	}
	m, n := len(a), len(b)
	if m == 0 || n == 0 {
		return 0, 0, 0
	}
	diffs := make([]float64, 0, m*n)
	for _, x := range a {
		for _, y := range b {
			diffs = append(diffs, y-x)
		}
	}
	slices.Sort(diffs)
	shift = median(diffs)
	k := shiftCIRank(m, n, conf)
	if k == 0 {
		return shift, diffs[0], diffs[len(diffs)-1]
	}
	return shift, diffs[k-1], diffs[len(diffs)-k]
}

// shiftCIRank returns the 1-based rank k of the lower end of the
// Hodges-Lehmann interval for samples of sizes m and n, or 0 if no
// interval reaches conf.
func shiftCIRank(m, n int, conf float64) int {
	alpha := (1 - conf) / 2
	mn := m * n
	maxK := (mn + 1) / 2
	if m+n <= ExactMaxRuns {
		counts := uCounts(m, n)
		var total float64
		for _, c := range counts {
			total += c
		}
		// k-1 is the largest j with P(U <= j) <= alpha.
		var cdf float64
		k := 0
		for j, c := range counts {
			cdf += c
			if cdf/total > alpha || j+1 > maxK {
				break
			}
			k = j + 1
		}
		return k
	}
	return shiftCIRankNormal(m, n, conf)
}

// shiftCIRankNormal is shiftCIRank from the normal approximation of U.
func shiftCIRankNormal(m, n int, conf float64) int {
	alpha := (1 - conf) / 2
	mn := m * n
	maxK := (mn + 1) / 2
	// P(U <= k-1) ≈ Φ((k-1+1/2 - mn/2)/σ) <= alpha.
	sigma := math.Sqrt(float64(mn) * float64(m+n+1) / 12)
	z := distuv.UnitNormal.Quantile(1 - alpha)
	k := int(math.Floor(float64(mn)/2 - z*sigma + 0.5))
	return min(max(k, 0), maxK)
}

// Holm returns the p-values p adjusted for multiple comparisons by Holm's
// step-down method, in the same order as p. An adjusted p-value below α
// rejects its hypothesis with a family-wise error rate of at most α: the
// chance of any false "changed" among all packages of a comparison.
//
// With the p-values sorted in increasing order p(1) <= ... <= p(m), the
// adjusted p(i) is max over j <= i of min(1, (m-j+1)·p(j)). NaNs are
// kept as NaN and not counted in m, like R's p.adjust.
func Holm(p []float64) []float64 {
	adj, order := adjustOrder(p, false)
	m := float64(len(order))
	var running float64
	for rank, i := range order {
		running = max(running, min(1, (m-float64(rank))*p[i]))
		adj[i] = running
	}
	return adj
}

// BenjaminiHochberg returns the p-values p adjusted by the
// Benjamini-Hochberg step-up method, in the same order as p. Rejecting the
// hypotheses whose adjusted p-value is below q keeps the expected share of
// false discoveries among them at most q (for independent or positively
// dependent tests). It rejects more than Holm, and suits a report that
// points out which packages probably changed rather than a check that
// fails a build.
//
// With the p-values sorted in increasing order p(1) <= ... <= p(m), the
// adjusted p(i) is min over j >= i of min(1, m/j·p(j)). NaNs are kept as
// NaN and not counted in m, like R's p.adjust.
func BenjaminiHochberg(p []float64) []float64 {
	adj, order := adjustOrder(p, true)
	m := float64(len(order))
	running := 1.0
	for r, i := range order { // decreasing p
		rank := m - float64(r) // 1-based rank in increasing order
		running = min(running, m/rank*p[i])
		adj[i] = running
	}
	return adj
}

// adjustOrder returns a result slice for p with NaN where p is NaN, and the
// indices of the other p-values sorted by p, increasing or decreasing.
func adjustOrder(p []float64, decreasing bool) (adj []float64, order []int) {
	adj = make([]float64, len(p))
	for i, v := range p {
		if math.IsNaN(v) {
			adj[i] = math.NaN()
			continue
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(i, j int) int {
		if decreasing {
			return cmp.Compare(p[j], p[i])
		}
		return cmp.Compare(p[i], p[j])
	})
	return adj, order
}
