// Package z is in a module that arrives only through example.com/ext.
package z

// Z is computed at init.
var Z = len(names())

//go:noinline
func names() map[string]int { return map[string]int{"z": 6} }
