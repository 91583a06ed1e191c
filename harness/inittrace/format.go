package inittrace

import "time"

// Format returns d as the runtime prints it in an init line, without the
// " ms" unit: the runtime's fmtNSAsMS applied to d in nanoseconds. From
// 10 ms up, d is printed in whole milliseconds; below, in milliseconds with
// two significant digits and at most three decimals ("9.9", "0.31",
// "0.012", "0.005"); under 1 µs, as "0". Digits are truncated, never
// rounded up, so the printed value is at most d and less than Resolution(d)
// below it.
//
// Like the runtime, which formats a uint64, Format treats a negative d as
// uint64(d).
func Format(d time.Duration) string {
	var buf [24]byte
	return string(fmtNSAsMS(buf[:], uint64(d)))
}

// Resolution returns the quantum of the printed form of d (see Format),
// the value of one unit in its last printed digit: 1 ms from 10 ms up,
// 100 µs from 1 ms, 10 µs from 100 µs, and 1 µs below, including "0",
// which means under 1 µs. The printed form of d is truncated, so it stands
// for the interval [printed, printed+Resolution(d)), which holds d. The
// printed value has the same resolution as d, so Resolution of a parsed time
// is also the resolution of the true time it was printed from.
func Resolution(d time.Duration) time.Duration {
	ns := uint64(d)
	switch {
	case ns >= 10e6:
		return time.Millisecond
	case ns >= 1e6:
		return 100 * time.Microsecond
	case ns >= 100e3:
		return 10 * time.Microsecond
	}
	return time.Microsecond
}

// fmtNSAsMS and itoaDiv are copied from the runtime (runtime/mgc.go,
// go1.26.8), which prints inittrace times with them.

// itoaDiv formats val/(10**dec) into buf.
func itoaDiv(buf []byte, val uint64, dec int) []byte {
	i := len(buf) - 1
	idec := i - dec
	for val >= 10 || i >= idec {
		buf[i] = byte(val%10 + '0')
		i--
		if i == idec {
			buf[i] = '.'
			i--
		}
		val /= 10
	}
	buf[i] = byte(val + '0')
	return buf[i:]
}

// fmtNSAsMS nicely formats ns nanoseconds as milliseconds.
func fmtNSAsMS(buf []byte, ns uint64) []byte {
	if ns >= 10e6 {
		// Format as whole milliseconds.
		return itoaDiv(buf, ns/1e6, 0)
	}
	// Format two digits of precision, with at most three decimal places.
	x := ns / 1e3
	if x == 0 {
		buf[0] = '0'
		return buf[:1]
	}
	dec := 3
	for x >= 100 {
		x /= 10
		dec--
	}
	return itoaDiv(buf, x, dec)
}
