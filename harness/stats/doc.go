// Package stats is the statistics stage of coldstart's pipeline:
//
//	inittrace/runner -> stats -> result/budget/compare
//
// It turns the repeated measurements of one metric (a package's init clock
// time, bytes or allocs, or the whole process's wall time, CPU time or RSS)
// into a Summary, flags samples whose numbers should not be trusted as they
// stand (Check), and compares two samples (MannWhitney, HodgesLehmann, with
// Holm or BenjaminiHochberg across many packages). RunsToSettle and Slope
// help decide how many runs a budget check needs and whether a metric drifts
// over nights.
//
// Values are plain float64s in the pipeline's internal units (nanoseconds,
// bytes, counts); this package does not know which. Samples must not contain
// NaNs. Functions that take a sample never modify it.
//
// The methods are chosen for cold-start measurements on shared, noisy
// machines: run-to-run noise is large (wall-time CV 14-34%, per-package init
// clock CV 20-50%), distributions are skewed and sometimes bimodal (a
// garbage collection during init), and bytes and allocs repeat almost
// exactly, so samples are full of ties. Location is therefore summarised by
// the median with a distribution-free confidence interval, and samples are
// compared with rank-based tests rather than t tests.
//
// This is the only package of the project that imports gonum's stat and
// distuv packages.
package stats
