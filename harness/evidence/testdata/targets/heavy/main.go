// Command heavy has one deliberately slow package and one light one.
package main

import (
	"fmt"

	"example.com/targets/heavy/internal/light"
	"example.com/targets/heavy/internal/slow"
)

func main() { fmt.Println(slow.N, light.Name) }
