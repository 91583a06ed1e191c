package budget

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/unit"
)

// maxExact is the largest limit kept exactly in a float64; larger sizes and
// counts are rejected rather than rounded.
const maxExact = 1 << 53

// parseDuration parses a Go duration (10ms, 1.5s, 200us, 200µs, 1m30s). A
// unit is required, even for zero, and negative durations are rejected.
func parseDuration(s string) (time.Duration, error) {
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	if strings.ContainsAny(s, "0123456789") && strings.Trim(s, "+0123456789.") == "" {
		return 0, fmt.Errorf("duration %q has no unit (write 10ms, 1.5s, 200us)", s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want a number and a unit: ns, us, ms, s, m, h, like 10ms or 1.5s)", s)
	}
	return d, nil
}

// parseSize parses a byte count: a plain whole number of bytes, or a number
// (which may have a fraction) followed at once by a unit: B; KB, MB, GB
// (powers of 1000; kB too); KiB, MiB, GiB (powers of 1024). The result is
// rounded to a whole byte.
func parseSize(s string) (int64, error) {
	bad := fmt.Errorf("bad size %q (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)", s)
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("negative size %q", s)
	}
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	num, unit := s[:i], s[i:]
	if num == "" {
		return 0, bad
	}
	if unit == "" {
		v, err := strconv.ParseInt(num, 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange) || err == nil && v > maxExact:
			return 0, fmt.Errorf("size %q is too large", s)
		case err != nil && strings.Contains(num, "."):
			return 0, fmt.Errorf("size %q is not a whole number of bytes (add a unit, like %sMiB)", s, num)
		case err != nil:
			return 0, bad
		}
		return v, nil
	}
	var mult float64
	switch unit {
	case "B":
		mult = 1
	case "KB", "kB":
		mult = 1e3
	case "MB":
		mult = 1e6
	case "GB":
		mult = 1e9
	case "KiB":
		mult = 1 << 10
	case "MiB":
		mult = 1 << 20
	case "GiB":
		mult = 1 << 30
	default:
		return 0, bad
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, bad
	}
	v := math.Round(f * mult)
	if v > maxExact {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(v), nil
}

// parseCount parses a plain whole number: decimal digits only.
func parseCount(s string) (int64, error) {
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("negative count %q", s)
	}
	if strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("bad count %q (want a whole number, like 50000)", s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v > maxExact {
		return 0, fmt.Errorf("count %q is too large", s)
	}
	return v, nil
}

// parseDate parses YYYY-MM-DD into midnight UTC.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad date %q (want YYYY-MM-DD)", s)
	}
	return t, nil
}

// format formats a measured value in its unit, the way every report does:
// 812µs, 1.23ms, 12.3 MiB.
func format(v float64, u string) string {
	switch u {
	case UnitNs:
		return unit.Duration(v)
	case UnitBytes:
		return unit.Bytes(v)
	}
	return unit.Count(v)
}
