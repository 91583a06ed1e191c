// Package legacy has no package-level state and no init function.
package legacy

// Add adds.
func Add(a, b int) int { return a + b }
