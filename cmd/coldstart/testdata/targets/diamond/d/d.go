// Package d is imported by b only.
package d

// D is computed at init.
var D = len(names())

//go:noinline
func names() map[string]int { return map[string]int{"d": 4} }
