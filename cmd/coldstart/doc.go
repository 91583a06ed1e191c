/*
coldstart measures the cold start of Go programs: the init of every package
they link, and the whole start to exit or readiness.

Usage:

	coldstart run [flags] TARGET [-- ARGS...]
	coldstart run -scenario FILE [flags]
	coldstart check -budgets FILE [run flags] TARGET [-- ARGS...]
	coldstart why [run flags] TARGET PKG [-- ARGS...]
	coldstart why -modules [run flags] TARGET [-- ARGS...]
	coldstart profile -o FILE [-timeline FILE] [run flags] TARGET [-- ARGS...]

TARGET is a Go package in a local module (./cmd/api), a remote module
version (golang.org/x/tools/gopls@v0.23.0, built through the module proxy
and cached), or an executable file. ARGS after -- go to the target.

coldstart runs the target in pairs: one run with GODEBUG=inittrace=1 for
per-package init statistics, one without for wall time, CPU and memory,
interleaved so that drift on the machine hits both alike.

Flags of run:

	-scenario FILE      read target, args, env, readiness and run counts from a scenario file;
	                    flags given on the command line override it
	-n N                counted pairs of runs (default 30)
	-warmup N           uncounted pairs first (default 3)
	-timeout D          limit per run (default 30s)
	-env K=V            add to the target's environment (repeatable)
	-dir DIR            build and run in DIR
	-accept-exit LIST   exit codes of a normal run, e.g. 0,2 (default 0)
	-ready-log RE       a server is ready at the first stdout/stderr line matching RE
	-ready-port ADDR    a server is ready when ADDR (host:port or port) accepts TCP
	-grace D            time between SIGTERM and SIGKILL for a ready server (default 2s)
	-tags, -ldflags, -gcflags, -trimpath
	                    passed to go build / go install
	-build-flag F       any other build flag (repeatable)
	-telemetry-off      run with Go telemetry off (temporary XDG_CONFIG_HOME), as gopls needs
	-keep-traces DIR    keep each counted traced run's stderr (the raw inittrace lines) in DIR
	-cache DIR          cache of remote module builds (default: user cache dir/coldstart)
	-format F           table, json or markdown (default table)
	-top N              packages shown in table and markdown (default 25, 0 for all)
	-o FILE             write the report to FILE (atomically) instead of stdout

Flags of check (besides those of run):

	-budgets FILE       budgets file (default: the scenario's budgets:)
	-statistic S        median (default) or p95: which statistic is compared with time limits
	-fail-uncertain     a confidence interval straddling a limit fails the check (default: it warns)
	-today DATE         date of the exception audits, YYYY-MM-DD (default: today)

check measures, then reports every budget violation with the measured value,
its confidence interval, the limit and the budgets-file line that set it;
forbidden packages found in the import graph (with or without init work)
with the import chain that pulls them in; and the exception audits
(expired, exceeded, stale). It exits 1 on any failure.

Flags of why (besides those of run):

	-chains N           import chains shown for PKG, shortest first (default 3)
	-modules            no PKG: the whole target's init cost by module, by the main
	                    module's direct dependency, and retained by each package

why measures, then explains the init cost of PKG (an import path; "main" is
the main package): the import chains from the main package that bring it
in, its module and the main module's direct dependency it arrives through,
its own init, and its retained cost: the init of every package that would
leave the program with it (the packages it dominates in the import graph).
Costs are sums of per-package medians; shares are of the median total init.
A PKG the program does not link is an input error that lists the closest
package names. A prebuilt executable holds no import edges: why then knows
packages and modules, but no chains, direct dependencies or retained costs.

Flags of profile (besides -n, -warmup and the other measuring flags of run):

	-o FILE             write a pprof profile (gzipped protobuf) to FILE
	-timeline FILE      write a trace-event timeline (JSON) of one run to FILE

profile measures, then writes a profile for go tool pprof: sample types
clock (nanoseconds, the default), bytes and allocs, one sample per package
with init work, valued at its medians over the traced runs, whose stack is
the shortest import chain main -> ... -> package (for a prebuilt executable:
main -> module -> package). go tool pprof -top shows each package's own init
as flat and, as cum, that of the packages whose shortest chain passes
through it; -tree and the flame graph (-http) show who imports what; -files
rolls the flat cost up by module. The timeline holds the inits of the traced
run whose total init is closest to the median, one complete event per
package with ts and dur in microseconds, for Perfetto or chrome://tracing.
Both files are written atomically, and only when the measurement succeeded.

Exit codes:

	0  success
	1  a check failed (budgets, audits, regressions, trends)
	2  usage or input error: bad flag, missing target, bad scenario or budgets file (file:line)
	3  the target failed: build failed, crashed, timed out, printed no inittrace lines

Errors are one line on stderr, starting "coldstart: ".
*/
package main
