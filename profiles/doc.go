// Package profiles turns a measured cold start (harness/result) and the
// target's import graph (harness/importgraph) into files that other tools
// read: a pprof profile of init cost by import chain, for `go tool pprof`,
// and a trace-event timeline of one run, for Perfetto and chrome://tracing.
// It sits beside harness/report at the end of the pipeline, and it is the
// only package of coldstart that imports github.com/google/pprof.
//
// # The profile
//
// Init returns a profile with three sample types: clock (nanoseconds, the
// default), bytes and allocs (count). There is one sample per package whose
// init appears in the trace, and its values are that package's medians over
// the traced runs, rounded to integers. Medians do not add up: the sum of
// the samples is the sum of the per-package medians, close to but not equal
// to the median total init, which the profile records as its duration.
//
// A sample's stack is the import chain that brings its package into the
// program, leaf first as pprof expects: [package, importer, ..., main]. The
// chain is importgraph's Chain, the shortest one (the lexicographically
// smallest among equally short ones), so `go tool pprof -top` shows each
// package's own init as flat and, as cum, its own plus that of every package
// whose shortest chain passes through it; -tree and the flame graph show the
// same by who imports what. That cum is not the retained cost (what would
// leave the binary with the package, which `coldstart why` reports): a
// package reached by several chains is counted under the shortest one only.
//
// There is one Function and one Location per package. A Function's Name and
// SystemName are the import path, and its Filename is the package's module
// path ("std" for the standard library), so that
// `go tool pprof -top -files` rolls the flat cost up by module.
// Samples carry the string labels "module" and, when the graph has edges,
// "direct_dep" (the main module's direct dependency that brings the package
// in; for packages of the standard library and the main module, their own
// module), for -tagfocus, -tagshow and -tagroot.
//
// A graph read from a binary has no edges and so no chains. Its stacks are
// [package, "module M", main], where "module M" is a frame of its own for
// the package's module M ("module std" for the standard library), so that
// the flame graph groups by module under main. A package that the graph
// does not know at all (the trace and the graph disagree) is a stack of one
// frame. The main package, which the trace calls "main", is the graph's
// main package.
//
// # The timeline
//
// Timeline lays out the inits of the result's representative run (the
// traced run whose total init is closest to the median, result.Timeline)
// as trace-event JSON: one complete event ("ph": "X") per package on one
// thread, with ts and dur in microseconds. The runtime prints an init's
// start truncated to two significant digits (whole milliseconds from 10 ms),
// so consecutive printed spans can overlap although the inits ran one after
// another; Timeline starts each event at the later of its printed start and
// the end of the previous event, and keeps its printed clock. Each start
// then stays between the printed start and the true one.
package profiles
