// Command exit2 exits 2 after a normal init, like benchstat with no arguments.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "usage: exit2 files...")
	os.Exit(2)
}
