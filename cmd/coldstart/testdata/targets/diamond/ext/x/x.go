// Package x is the main module's direct dependency in another module; it
// brings in example.com/deep/z.
package x

import "example.com/deep/z"

// X is computed at init.
var X = len(names()) + z.Z

//go:noinline
func names() map[string]int { return map[string]int{"x": 5} }
