// Command forbid links a package that has no init work at all, so only the
// import graph, not the trace, shows that it is in the binary.
package main

import (
	"fmt"

	"example.com/targets/forbid/internal/legacy"
)

func main() { fmt.Println(legacy.Add(1, 2)) }
