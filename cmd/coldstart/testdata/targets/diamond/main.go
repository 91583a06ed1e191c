// Command diamond has a diamond-shaped import graph with one clearly heavy
// leaf, so that its chains and retained costs are known by construction:
//
//	example.com/diamond -> a, b, example.com/ext/x
//	a -> c        b -> c, d        c -> heavy
//	example.com/ext/x -> example.com/deep/z
//
// heavy is reached only through c, and c through both a and b: cutting c
// removes c and heavy, cutting a removes a alone, cutting b removes b and
// d, cutting example.com/ext/x removes it and example.com/deep/z. The
// module example.com/deep arrives only through the direct dependency
// example.com/ext. Every package does init work; heavy does by far the most
// (milliseconds and about 1 MiB), the others a few small allocations. The
// main package's init appears in the trace as "main".
package main

import (
	"fmt"

	"example.com/diamond/a"
	"example.com/diamond/b"
	"example.com/ext/x"
)

// m is built at init.
var m = names()

//go:noinline
func names() map[string]int { return map[string]int{"main": 0} }

func main() { fmt.Println(a.A + b.B + x.X + m["main"]) }
