// Package bench holds coldstart's benchmarks that are kept in the
// repository, with their figures in README.md. They measure coldstart
// itself, not a target: how often `coldstart diff` finds a regression of a
// known size planted in a test program, how often it flags two identical
// builds, and how long a verdict takes.
//
//	go test ./bench -run TestPlanted -v -trials 20 -timeout 60m   # or: make bench-diff
//
// Without -trials the test is a smoke test of a few diffs, part of make
// test.
package bench
