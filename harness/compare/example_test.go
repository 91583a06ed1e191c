package compare_test

import (
	"fmt"
	"os"

	"github.com/coldstart-dev/coldstart/harness/compare"
	"github.com/coldstart-dev/coldstart/harness/result"
)

func ExampleParseThreshold() {
	for _, s := range []string{"2%", "200us"} {
		th, err := compare.ParseThreshold(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		// The limit for a program whose base total init is 30 ms.
		fmt.Printf("%s: a regression is a slowdown of at least %.0fµs\n", th, th.Limit(30e6)/1e3)
	}
	// Output:
	// 2%: a regression is a slowdown of at least 600µs
	// 200µs: a regression is a slowdown of at least 200µs
}

func ExampleCompare() {
	read := func(name string) *result.Result {
		f, err := os.Open(name)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		r, err := result.Read(f, name)
		if err != nil {
			panic(err)
		}
		return r
	}
	// Two saved results of `coldstart run -format json`: head does 20% more
	// work in one package and inits another package instead of tables.
	base, head := read("testdata/base.json"), read("testdata/head.json")
	d := compare.Compare(base, head, compare.Options{Threshold: compare.Threshold{Relative: 0.02}})
	for _, p := range d.Packages {
		if p.Clock.Verdict == compare.Regression {
			fmt.Printf("%s: +%.1fms [%.1fms, %.1fms], %s\n", p.Path, p.Clock.Delta/1e6, p.Clock.DeltaLow/1e6, p.Clock.DeltaHigh/1e6, p.Clock.Verdict)
		}
	}
	for _, p := range d.Added {
		fmt.Println("added:", p.Path)
	}
	for _, p := range d.Removed {
		fmt.Println("removed:", p.Path)
	}
	fmt.Println("regressed:", d.Regressed())
	// Output:
	// example.com/planted/internal/knob: +1.2ms [1.1ms, 1.6ms], regression
	// added: example.com/planted/internal/registry
	// removed: example.com/planted/internal/tables
	// regressed: true
}
