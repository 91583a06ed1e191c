package stats_test

import (
	"fmt"

	"github.com/coldstart-dev/coldstart/harness/stats"
)

func ExampleSummarize() {
	// Wall time of 12 cold starts, in milliseconds for readability (the
	// pipeline passes nanoseconds).
	wall := []float64{41, 38, 45, 39, 52, 40, 43, 37, 44, 61, 42, 40}
	s := stats.Summarize(wall)
	fmt.Printf("n=%d median=%.1f [%.0f, %.0f] p95=%.0f cv=%.2f\n", s.N, s.Median, s.CILow, s.CIHigh, s.P95, s.CV)
	// Output:
	// n=12 median=41.5 [39, 45] p95=61 cv=0.16
}

func ExampleCheck() {
	// A package's init clock in microseconds: fast in most runs, and 60-90x
	// slower when a garbage collection lands in it.
	initClock := []float64{
		1100, 950, 1000, 66000, 1200, 1100, 900, 1300, 1100, 77000,
		1000, 1200, 970, 1100, 89000, 1100, 1200, 63000, 990, 1100,
	}
	for _, w := range stats.Check(initClock) {
		fmt.Printf("%s: %s\n", w.Kind, w.Msg)
	}
	// Output:
	// wide-spread: CV 193% is above 50%: the runs vary more than cold starts on a noisy machine usually do; look for background load during some runs or a second mode
	// bimodal: two modes: 16 runs at 900-1300 (median 1100) and 4 runs (20%) at 63000-89000 (median 71500); the gap between them is 24.7x the spread within them
}

func ExampleMannWhitney() {
	// Init clock of one package before and after a change, in microseconds.
	before := []float64{410, 395, 430, 388, 402, 415, 398, 420, 405, 391}
	after := []float64{362, 371, 355, 380, 366, 359, 374, 369, 352, 377}
	u, p := stats.MannWhitney(before, after)
	shift, lo, hi := stats.HodgesLehmann(before, after, stats.Confidence)
	fmt.Printf("U=%.0f p=%.6f\n", u, p)
	fmt.Printf("shift %.1fµs, 95%% CI [%.0f, %.0f]\n", shift, lo, hi)
	// Output:
	// U=100 p=0.000011
	// shift -38.5µs, 95% CI [-50, -26]
}

func ExampleHolm() {
	// Raw p-values of four packages compared in one diff.
	p := []float64{0.01, 0.04, 0.03, 0.005}
	fmt.Printf("%.2f\n", stats.Holm(p))
	fmt.Printf("%.2f\n", stats.BenjaminiHochberg(p))
	// Output:
	// [0.03 0.06 0.06 0.02]
	// [0.02 0.04 0.04 0.02]
}

func ExampleRunsToSettle() {
	// 20 runs whose median, 10.5ms, has the 95% interval [6ms, 15ms].
	var wall []float64
	for i := 1; i <= 20; i++ {
		wall = append(wall, float64(i))
	}
	fmt.Println(stats.RunsToSettle(wall, 20)) // clearly under budget
	fmt.Println(stats.RunsToSettle(wall, 12)) // 1.5ms from the median
	fmt.Println(stats.RunsToSettle(wall, 10.4))
	// Output:
	// 0
	// 181
	// -1
}

func ExampleSlope() {
	// Median init time of a package over seven nights, creeping up.
	nights := []float64{1, 2, 3, 4, 5, 6, 7}
	median := []float64{1.00, 1.02, 1.01, 1.05, 1.06, 1.08, 1.09}
	slope, _, p := stats.Slope(nights, median)
	fmt.Printf("%+.3f ms/night, p=%.4f\n", slope, p)
	// Output:
	// +0.016 ms/night, p=0.0003
}
