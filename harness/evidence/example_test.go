package evidence_test

import (
	"fmt"

	"github.com/coldstart-dev/coldstart/harness/evidence"
)

// An exception's max is the measured p95 with headroom, rounded up to two
// significant digits.
func ExampleCeilDuration() {
	p95 := 4.37e6 // ns
	fmt.Println(evidence.CeilDuration(p95 * evidence.Headroom))
	fmt.Println(evidence.CeilBytes(1 << 20 * evidence.Headroom))
	fmt.Println(evidence.CeilCount(256 * evidence.Headroom))
	// Output:
	// 5.5ms
	// 1.3MiB
	// 320
}
