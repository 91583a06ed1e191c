// Command planted is the target of the planted-regression benchmark: about
// 30 ms of init spread over five packages, one of which (knob) does an
// amount of work set at build time with -ldflags -X. Built with -tags swap
// it inits package registry instead of package tables.
package main

import (
	"fmt"
	"os"

	"example.com/planted/internal/alpha"
	"example.com/planted/internal/beta"
	"example.com/planted/internal/delta"
	"example.com/planted/internal/gamma"
	"example.com/planted/internal/knob"
)

func main() {
	fmt.Fprintln(os.Stdout, alpha.Sum^beta.Sum^gamma.Sum^delta.Sum^knob.Sum, names())
}
