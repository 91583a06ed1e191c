package inittrace_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
)

func Example() {
	// Lines from testdata/interleave.stderr and testdata/yamlinit.stderr:
	// the program's own output, an init line glued to it, a program line
	// that looks like an init line.
	stderr := `init runtime @0.026 ms, 0.087 ms clock, 0 bytes, 0 allocs
interleave: loaded 3 entries
interleave: warming 3 entries...init main @0.63 ms, 0.11 ms clock, 1000 bytes, 11 allocs
init gopkg.in/yaml%2ev3 @0.66 ms, 0.13 ms clock, 25720 bytes, 276 allocs
init complete: 3 workers
`
	r := inittrace.NewReader(strings.NewReader(stderr), "stderr")
	for r.Scan() {
		in := r.Init()
		fmt.Printf("line %d: %s at %v took %v (to %v), %d bytes in %d allocs\n",
			in.Line, in.Package, in.Start, in.Clock, inittrace.Resolution(in.Clock), in.Bytes, in.Allocs)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	for _, w := range r.Warnings() {
		fmt.Println("warning:", w)
	}
	fmt.Printf("%d lines, %d of program output\n", r.Lines(), r.Other())
	// Output:
	// line 1: runtime at 26µs took 87µs (to 1µs), 0 bytes in 0 allocs
	// line 3: main at 630µs took 110µs (to 10µs), 1000 bytes in 11 allocs
	// line 4: gopkg.in/yaml.v3 at 660µs took 130µs (to 10µs), 25720 bytes in 276 allocs
	// warning: stderr:5: expected " @" after package path, found " 3 workers"
	// 5 lines, 1 of program output
}

func ExampleFormat() {
	for _, ns := range []int64{800, 5_300, 310_000, 9_990_000, 25_700_000} {
		d := time.Duration(ns)
		fmt.Printf("%v prints as %q ms, to %v\n", d, inittrace.Format(d), inittrace.Resolution(d))
	}
	// Output:
	// 800ns prints as "0" ms, to 1µs
	// 5.3µs prints as "0.005" ms, to 1µs
	// 310µs prints as "0.31" ms, to 10µs
	// 9.99ms prints as "9.9" ms, to 100µs
	// 25.7ms prints as "25" ms, to 1ms
}
