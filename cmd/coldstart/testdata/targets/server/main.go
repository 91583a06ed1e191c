// Command server starts a child process in its own process group (a
// sidecar, as real servers do), prints a readiness line and listens on
// $ADDR until it is stopped.
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
)

func main() {
	if marker := os.Getenv("SIDECAR"); marker != "" {
		exec.Command("sleep", marker).Start()
	}
	ln, err := net.Listen("tcp", os.Getenv("ADDR"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("server ready on", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}
