// Package c is the bottom of the diamond: a and b import it, and it alone
// imports heavy.
package c

import "example.com/diamond/heavy"

// C is computed at init.
var C = len(names()) + heavy.H

//go:noinline
func names() map[string]int { return map[string]int{"c": 3} }
