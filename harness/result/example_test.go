package result_test

import (
	"fmt"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/runner"
)

// Assemble turns the runs of a measurement, traced and untraced, into
// per-package and total statistics.
func ExampleAssemble() {
	traces := []string{
		"init runtime @0.031 ms, 0.060 ms clock, 0 bytes, 0 allocs\ninit example.com/app/db @0.40 ms, 2.1 ms clock, 1234 bytes, 12 allocs\n",
		"init runtime @0.030 ms, 0.055 ms clock, 0 bytes, 0 allocs\ninit example.com/app/db @0.41 ms, 2.5 ms clock, 1234 bytes, 12 allocs\n",
		"init runtime @0.029 ms, 0.070 ms clock, 0 bytes, 0 allocs\ninit example.com/app/db @0.39 ms, 1.9 ms clock, 1234 bytes, 12 allocs\n",
	}
	var runs []runner.Run
	for i, tr := range traces {
		inits, _ := inittrace.Parse([]byte(tr), fmt.Sprint("run ", i))
		runs = append(runs,
			runner.Run{Index: 2 * i, Traced: true, Wall: time.Duration(4+i) * time.Millisecond, Inits: inits},
			runner.Run{Index: 2*i + 1, Wall: time.Duration(3+i) * time.Millisecond})
	}
	r, err := result.Assemble(runs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Packages {
		fmt.Printf("%s: median %v over %d runs, %v bytes\n", p.Path, time.Duration(p.ClockNs.Median), p.Runs, p.Bytes.Median)
	}
	fmt.Printf("total init %v, wall %v\n", time.Duration(r.Total.InitNs.Median), time.Duration(r.Total.WallNs.Median))
	// Output:
	// example.com/app/db: median 2.1ms over 3 runs, 1234 bytes
	// runtime: median 60µs over 3 runs, 0 bytes
	// total init 2.16ms, wall 4ms
}
