// Package heavy spends milliseconds and about 1 MiB at init, far more
// than any other package of the program.
package heavy

// H is computed at init.
var H = spin()

func spin() int {
	bufs := make([][]byte, 0, 256)
	for i := range 256 {
		bufs = append(bufs, make([]byte, 4096))
		bufs[i][0] = byte(i)
	}
	x := 0
	for i := range 5_000_000 {
		x += i % 7
	}
	return x%2 + len(bufs)
}
