// Package spin does Units iterations of work at init (default 100000,
// about 0.2 ms; set with -ldflags -X).
package spin

import "strconv"

// Units is the number of iterations done at init.
var Units = "100000"

// Sum is computed at init.
var Sum = run()

func run() uint64 {
	n, err := strconv.Atoi(Units)
	if err != nil {
		panic("spin: bad Units " + strconv.Quote(Units))
	}
	x := uint64(88172645463325252)
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
