// Package b imports c, the other side of the diamond, and d, which only b
// imports.
package b

import (
	"example.com/diamond/c"
	"example.com/diamond/d"
)

// B is computed at init.
var B = len(names()) + c.C + d.D

//go:noinline
func names() map[string]int { return map[string]int{"b": 2} }
