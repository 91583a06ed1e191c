// Package a imports c, one side of the diamond.
package a

import "example.com/diamond/c"

// A is computed at init.
var A = len(names()) + c.C

//go:noinline
func names() map[string]int { return map[string]int{"a": 1} }
