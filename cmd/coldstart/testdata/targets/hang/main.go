// Command hang never finishes the init of package stuck.
package main

import (
	"fmt"

	"example.com/targets/hang/internal/first"
	"example.com/targets/hang/internal/stuck"
)

func main() { fmt.Println(first.V, stuck.V) }
