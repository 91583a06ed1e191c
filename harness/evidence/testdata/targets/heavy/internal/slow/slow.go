// Package slow spends a few milliseconds and about 1 MB at init.
package slow

// N is computed at init.
var N = spin()

func spin() int {
	bufs := make([][]byte, 0, 256)
	for i := range 256 {
		bufs = append(bufs, make([]byte, 4096))
		bufs[i][0] = byte(i)
	}
	x := 0
	for i := range 3_000_000 {
		x += i % 7
	}
	return x + len(bufs)
}
