package report

import (
	"time"

	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Duration formats nanoseconds: 812µs, 1.23ms. See unit.Duration.
func Duration(ns float64) string { return unit.Duration(ns) }

// Bytes formats a byte count in binary units. See unit.Bytes.
func Bytes(b float64) string { return unit.Bytes(b) }

// Count formats a count, rounded to a whole number.
func Count(c float64) string { return unit.Count(c) }

// Percent formats a fraction as a percentage.
func Percent(f float64) string { return unit.Percent(f) }

// Dur formats a time.Duration like Duration.
func Dur(d time.Duration) string { return unit.Dur(d) }
