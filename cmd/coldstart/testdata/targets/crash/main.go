// Command crash panics in main after a normal init.
package main

import "os"

func main() {
	os.Stderr.WriteString("about to fail\n")
	panic("deliberate crash")
}
