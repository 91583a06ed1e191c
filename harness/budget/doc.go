// Package budget reads budgets files and checks a measured cold start
// against them. It is the budget stage of coldstart's pipeline:
//
//	result (+ importgraph) -> budget -> report
//
// The policy a budgets file states: packages on the startup path stay
// cheap; a package that needs more carries a documented, reviewed, expiring
// exception; some packages must not be in the binary at all.
//
// # The budgets file
//
// A budgets file is one YAML document, UTF-8:
//
//	total:
//	  init: 200ms          # required: total init clock (sum over packages)
//	  wall: 2s             # optional: cold start to exit or readiness, the harness's own clock
//	  bytes: 64MiB         # optional: heap bytes allocated by all inits
//	  allocs: 200000       # optional: heap allocations by all inits
//	package_default: 10ms  # required: any package's init clock above this needs an exception
//	package_bytes: 8MiB    # optional: the same, for each package's init bytes
//	package_allocs: 50000  # optional: the same, for each package's init allocations
//	statistic: median      # or p95: which statistic of clock and wall times is compared (default median)
//	forbid:
//	  - pattern: github.com/aws/aws-sdk-go/...   # go-style package pattern
//	    reason: use the modular v2 SDK
//	exceptions:
//	  - package: example.com/gateway
//	    max: 15ms            # replaces package_default for this package
//	    max_bytes: 16MiB     # optional: replaces package_bytes
//	    max_allocs: 100000   # optional: replaces package_allocs
//	    usage: 0.95          # share of requests that use the package, 0 to 1, from the requester's data
//	    justification: used by every request handler
//	    evidence: docs/evidence/gateway.md
//	    approved_by: J. Doe
//	    approved_on: 2026-11-08
//	    review_by: 2026-12-08
//
// Values:
//
//   - Durations are Go durations: a number and a unit, ns, us (or µs), ms, s,
//     m or h, like 10ms, 1.5s, 200us or 1m30s. The unit is required, even
//     for zero; negative durations are rejected.
//   - Sizes are a plain whole number of bytes (8388608), or a number,
//     possibly with a fraction, followed at once by a unit: B; KB, MB, GB
//     (powers of 1000; kB too); KiB, MiB, GiB (powers of 1024). So 8MiB,
//     1.5MB, 512KiB; not 8 MiB, 8mb or -1. Fractions are rounded to a whole
//     byte.
//   - Counts are plain whole numbers, digits only: 50000, not 50k or 50_000.
//   - Dates are YYYY-MM-DD.
//   - Patterns are import paths in which "..." matches any string, as in the
//     go command: github.com/aws/aws-sdk-go/... matches that package and
//     every package below it (see importgraph.Match and
//     importgraph.ValidPattern).
//   - usage is a number from 0 to 1.
//
// Every key is checked: unknown and repeated keys are errors, as are values
// of the wrong YAML type (a list where a duration belongs). forbid and
// exceptions may be empty. A forbid entry needs both pattern and reason,
// and no pattern may appear twice.
//
// An exception needs every key but max_bytes and max_allocs: package (one
// import path, not a pattern), max, usage, justification, evidence,
// approved_by, approved_on and review_by. An exception exists to be
// reviewed, and a review needs to know what was allowed, how widely the
// package is used, why, on what evidence, by whom, and until when. There is
// at most one exception per package, approved_on may not be after
// review_by, and a package a forbid pattern matches cannot have an
// exception.
//
// Parse reports every problem it finds (up to ten) as "file:line: message",
// one per line.
//
// # The check
//
// Check compares a result with the budgets and returns findings of three
// severities: fail, uncertain (can't tell yet) and warn.
//
// Time metrics (the total init clock, the wall time, each package's init
// clock) are noisy. With statistic median, each is judged by its median's
// confidence interval [CILow, CIHigh] (95%, distribution-free; see stats):
// the whole interval above the limit (CILow > limit) fails; the whole
// interval at or below it (CIHigh <= limit) passes; an interval that
// straddles the limit (CILow <= limit < CIHigh) is uncertain, whichever side
// of the limit the median is on: the runs so far cannot tell, and the finding
// says about how many runs in all would (stats.RunsToSettle). Uncertain
// findings fail the check only with Options.FailUncertain. With statistic
// p95, the p95 is compared with the limit directly (p95 > limit fails): a
// tail percentile has no interval here, and a budget on the p95 is already
// the cautious choice. Bytes and allocs repeat almost exactly from run to
// run, so their medians are compared directly whatever the statistic. A
// value equal to its limit is within it.
//
// The findings, by kind:
//
//   - total: the total init, wall, bytes or allocs over the total: limits.
//   - package: a package without an exception over package_default,
//     package_bytes or package_allocs.
//   - exception-exceeded: a package over its exception's max, max_bytes or
//     max_allocs (an exception without max_bytes leaves the package under
//     package_bytes, and likewise for allocs).
//   - forbidden (fail): a package in the binary that a forbid pattern
//     matches, whether or not it has init work, with the import chain that
//     brings it in. Without an import graph, only packages with init work
//     can be seen, and no chain is given.
//   - exception-expired (fail): today is after review_by; the finding counts
//     the days overdue. On the review_by date itself the exception still
//     holds.
//   - exception-stale (warn): the exception's package is no longer in the
//     binary (without an import graph: has no init work in the result), no
//     longer has init work, or is measured within the package defaults for
//     everything the exception relaxes: its clock passes package_default by
//     the rule above (CIHigh <= package_default for the median), and its
//     bytes and allocs are within package_bytes and package_allocs where the
//     exception sets max_bytes or max_allocs. Remove it.
//
// Findings are sorted by severity, kind, package and metric.
package budget
