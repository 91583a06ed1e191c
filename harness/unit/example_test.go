package unit_test

import (
	"fmt"

	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Values read with three significant digits, in the unit that suits them.
func Example() {
	fmt.Println(unit.Duration(310_000), unit.Duration(27_400_000), unit.Duration(999))
	fmt.Println(unit.Bytes(1234), unit.Bytes(5_160_000))
	fmt.Println(unit.Count(149885), unit.Percent(0.9655))
	// Output:
	// 310µs 27.4ms 999ns
	// 1.21 KiB 4.92 MiB
	// 149885 96.5%
}
