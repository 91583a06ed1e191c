// Package work is the unit of init work of the planted target: a loop whose
// cost is proportional to its iteration count and nothing else (no memory
// traffic, no allocation, no system calls), so that adding k iterations to
// one package's init adds k times the cost of one iteration.
package work

// Spin runs n iterations of a xorshift generator and returns its state, so
// the compiler cannot drop the loop.
func Spin(n int) uint64 {
	x := uint64(88172645463325252)
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
