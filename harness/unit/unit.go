// Package unit formats the quantities coldstart measures for people:
// durations in nanoseconds, byte counts and plain counts. Every stage that
// writes text uses it, so the same value always reads the same way.
package unit

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Duration formats nanoseconds with three significant digits in the unit
// that fits: 812µs, 1.23ms, 45.6ms, 1.20s.
func Duration(ns float64) string {
	neg := ""
	if ns < 0 {
		neg, ns = "-", -ns
	}
	switch {
	case ns == 0:
		return "0"
	case ns < 1e3:
		return neg + sig3(ns) + "ns"
	case ns < 1e6:
		return neg + sig3(ns/1e3) + "µs"
	case ns < 1e9:
		return neg + sig3(ns/1e6) + "ms"
	}
	return neg + sig3(ns/1e9) + "s"
}

// Bytes formats a byte count in binary units: 512 B, 1.5 KiB, 12.3 MiB.
func Bytes(b float64) string {
	neg := ""
	if b < 0 {
		neg, b = "-", -b
	}
	switch {
	case b < 1024:
		return neg + strconv.FormatFloat(math.Round(b), 'f', -1, 64) + " B"
	case b < 1<<20:
		return neg + sig3(b/1024) + " KiB"
	case b < 1<<30:
		return neg + sig3(b/(1<<20)) + " MiB"
	}
	return neg + sig3(b/(1<<30)) + " GiB"
}

// Count formats a count, rounded to a whole number.
func Count(c float64) string {
	return strconv.FormatFloat(math.Round(c), 'f', -1, 64)
}

// Percent formats a fraction as a percentage.
func Percent(f float64) string {
	return fmt.Sprintf("%.1f%%", 100*f)
}

// Dur formats a time.Duration like Duration.
func Dur(d time.Duration) string { return Duration(float64(d)) }

// sig3 formats v (>= 1 or so) with three significant digits.
func sig3(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
