/*
coldstart measures the cold start of Go programs: the init of every package
they link, and the whole start to exit or readiness.

Usage:

	coldstart run [flags] TARGET [-- ARGS...]
	coldstart run -scenario FILE [flags]
	coldstart check -budgets FILE [run flags] TARGET [-- ARGS...]

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

Exit codes:

	0  success
	1  a check failed (budgets, audits, regressions, trends)
	2  usage or input error: bad flag, missing target, bad scenario or budgets file (file:line)
	3  the target failed: build failed, crashed, timed out, printed no inittrace lines

Errors are one line on stderr, starting "coldstart: ".
*/
package main
