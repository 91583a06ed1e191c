// Command tunable does an amount of init work set at build time, so that
// tests can build a base and a head whose difference is known:
//
//	go build -ldflags "-X example.com/targets/tunable/internal/spin.Units=3000000" ./tunable
package main

import (
	"fmt"

	"example.com/targets/tunable/internal/spin"
)

func main() { fmt.Println(spin.Sum) }
