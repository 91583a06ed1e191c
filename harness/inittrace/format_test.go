package inittrace

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
		res  time.Duration
	}{
		{0, "0", time.Microsecond},
		{999, "0", time.Microsecond},
		{time.Microsecond, "0.001", time.Microsecond},
		{5*time.Microsecond + 999, "0.005", time.Microsecond},
		{12 * time.Microsecond, "0.012", time.Microsecond},
		{99*time.Microsecond + 999, "0.099", time.Microsecond},
		{100 * time.Microsecond, "0.10", 10 * time.Microsecond},
		{319 * time.Microsecond, "0.31", 10 * time.Microsecond},
		{999*time.Microsecond + 999, "0.99", 10 * time.Microsecond},
		{time.Millisecond, "1.0", 100 * time.Microsecond},
		{9999999, "9.9", 100 * time.Microsecond},
		{10 * time.Millisecond, "10", time.Millisecond},
		{25*time.Millisecond + 999999, "25", time.Millisecond},
		{3 * time.Second, "3000", time.Millisecond},
		{math.MaxInt64, "9223372036854", time.Millisecond},
		// The runtime prints a uint64; so does Format.
		{-1, "18446744073709", time.Millisecond},
	} {
		if got := Format(tt.d); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", tt.d, got, tt.want)
		}
		if got := Resolution(tt.d); got != tt.res {
			t.Errorf("Resolution(%d) = %v, want %v", tt.d, got, tt.res)
		}
	}
}

// TestRoundTrip checks that parsing what the runtime prints for d gives d
// truncated to the resolution of its printed form: d-Resolution(d) < p <= d
// with p a multiple of Resolution(d). It checks every microsecond below
// 10 ms at both ends of the microsecond, every millisecond up to 10 s, the
// boundaries, and random durations of every magnitude.
func TestRoundTrip(t *testing.T) {
	var ds []time.Duration
	for us := time.Duration(0); us < 10000; us++ {
		ds = append(ds, us*time.Microsecond, us*time.Microsecond+999)
	}
	for ms := time.Duration(0); ms <= 10000; ms++ {
		ds = append(ds, ms*time.Millisecond, ms*time.Millisecond+999999)
	}
	ds = append(ds, math.MaxInt64, math.MaxInt64-1e6, 1<<62)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		ds = append(ds, time.Duration(rng.Int64N(1<<rng.IntN(63)+1)))
	}
	for _, d := range ds {
		s := Format(d)
		line := "init p @" + s + " ms, " + s + " ms clock, 0 bytes, 0 allocs"
		inits, warnings := Parse([]byte(line), "")
		if len(inits) != 1 || len(warnings) != 0 {
			t.Fatalf("Parse(%q) = %v, %v", line, inits, warnings)
		}
		p, res := inits[0].Start, Resolution(d)
		if inits[0].Clock != p {
			t.Fatalf("Parse(%q): start %v, clock %v", line, p, inits[0].Clock)
		}
		if p > d || p <= d-res || p%res != 0 {
			t.Fatalf("d = %d prints as %q, parses as %d: want a multiple of %d in (d-%[4]d, d]", d, s, p, res)
		}
		if Resolution(p) != res || Format(p) != s {
			t.Fatalf("d = %d prints as %q, parses as %d, which prints as %q with resolution %d, want %[2]q, %d",
				d, s, p, Format(p), Resolution(p), res)
		}
	}
}
