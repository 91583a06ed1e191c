package compare

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/unit"
)

// DefaultThreshold is the threshold of `coldstart diff` when none is given:
// 2% of the base's figure. On the 2-core machines coldstart was built on, the
// 95% interval of a 30 ms program's total init shift spans about ±1.5%
// after 30 pairs, so smaller changes are rarely settled; and a 2% floor
// keeps the many tiny but real shifts of a rebuild (code layout, a few µs
// in runtime packages) from failing a build. bench/README.md has the
// detection and false-alarm rates at this default.
const DefaultThreshold = "2%"

// Threshold is the smallest slowdown that counts as a regression: a fraction
// of the base's figure, or an absolute time. The zero Threshold counts every
// significant slowdown.
//
// A relative threshold is a share of what the base program pays: for the
// total init and the wall time, of the base's median total init or wall;
// for one package, of the base's median total init too, not of the
// package's own time. "2%" thus always means "makes startup 2% slower": a
// package whose init goes from 3 µs to 6 µs doubles, but costs nothing
// that matters.
type Threshold struct {
	Relative float64 `json:"relative,omitempty"`    // fraction of the base's figure: 0.02 for 2%
	AbsNs    float64 `json:"absolute_ns,omitempty"` // nanoseconds
}

// ParseThreshold parses a percentage ("2%", "0.5%") or a Go duration
// ("200us", "200µs", "1.5ms"). "0" is the zero threshold.
func ParseThreshold(s string) (Threshold, error) {
	bad := fmt.Errorf("threshold %q: want a percentage like 2%% or a time like 200us", s)
	s = strings.TrimSpace(s)
	if s == "0" {
		return Threshold{}, nil
	}
	if strings.HasPrefix(s, "-") {
		return Threshold{}, fmt.Errorf("threshold %q: cannot be negative", s)
	}
	if num, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Threshold{}, bad
		}
		if f >= 100 {
			return Threshold{}, fmt.Errorf("threshold %q: want less than 100%%", s)
		}
		return Threshold{Relative: f / 100}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return Threshold{}, bad
	}
	return Threshold{AbsNs: float64(d)}, nil
}

// Limit is the threshold in nanoseconds for a figure whose base is base
// nanoseconds (the base's median total init or wall).
func (t Threshold) Limit(base float64) float64 {
	if t.AbsNs > 0 {
		return t.AbsNs
	}
	return t.Relative * base
}

// String formats t the way ParseThreshold reads it.
func (t Threshold) String() string {
	switch {
	case t.AbsNs > 0:
		return unit.Duration(t.AbsNs)
	case t.Relative > 0:
		return strconv.FormatFloat(100*t.Relative, 'g', -1, 64) + "%"
	}
	return "0"
}
