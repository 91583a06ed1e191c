// Package harness is the root of coldstart's measurement pipeline. It holds
// no code of its own; each stage is a package below it, and data flows one
// way, down the list:
//
//	scenario   -> what to measure: a scenario file (target, args, env, readiness, runs)
//	build      -> a binary from a local package, a remote module@version, or an existing file
//	runner     -> interleaved traced/untraced runs of the binary, wall clock and rusage per run
//	inittrace  -> the GODEBUG=inittrace=1 lines of a run, parsed into per-package records
//	stats      -> numeric summaries (median and its confidence interval, p95, warnings, tests)
//	result     -> the measured cold start: per-package and total statistics, the JSON schema
//	importgraph-> the target's import graph: chains, module rollup, retained (dominated) cost
//	budget     -> budgets, forbidden packages and exception audits checked against a result
//	compare    -> two results compared package by package with multiple-comparison control
//	evidence   -> the evidence for an exception request: distribution, chains, eager vs lazy
//	history    -> results of nightly runs kept in SQLite
//	trend      -> level shifts and creeps in a scenario's history
//	report     -> tables, Markdown and JSON for people and machines
//	chart      -> SVG charts (gonum/plot) for reports: distributions, waterfalls, trends
//	htmlreport -> the nightly job's HTML page, Markdown summary and JSON
//
// unit is shared by the stages: how durations, bytes and counts read.
// profiles/ (outside harness, the only importer of pprof) turns a result and
// an import graph into pprof profiles and trace-event timelines.
package harness
