package evidence

import (
	"math"
	"strconv"

	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Duration formats nanoseconds the way every coldstart report does.
func Duration(ns float64) string { return unit.Duration(ns) }

// Bytes formats a byte count like every coldstart report.
func Bytes(b float64) string { return unit.Bytes(b) }

// Count formats a count like every coldstart report.
func Count(c float64) string { return unit.Count(c) }

// Percent formats a share as a percentage.
func Percent(f float64) string { return unit.Percent(f) }

// DayDuration formats a time spent over a day: unit.Duration up to a
// minute, then minutes and hours with three significant digits (45.6s,
// 12.3min, 4.56h).
func DayDuration(ns float64) string {
	switch {
	case ns >= 3600e9:
		return sig3(ns/3600e9) + "h"
	case ns >= 60e9:
		return sig3(ns/60e9) + "min"
	}
	return unit.Duration(ns)
}

// sig3 formats v >= 1 with three significant digits, and whole numbers
// from 100 up.
func sig3(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// rate formats a per-day figure: whole numbers as such, fractions with up
// to three significant digits.
func rate(v float64) string {
	if v == math.Trunc(v) && v < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// share formats a usage share as a plain number for a budgets file:
// at most three significant digits, no exponent (0.25, 0.123, 0.00012).
func share(v float64) string {
	if v == 0 || v == 1 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	e := math.Floor(math.Log10(v))
	scale := math.Pow(10, 2-e)
	return strconv.FormatFloat(math.Round(v*scale)/scale, 'f', -1, 64)
}
