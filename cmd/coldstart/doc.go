/*
coldstart measures the cold start of Go programs: the init of every package
they link, and the whole start to exit or readiness.

Usage:

	coldstart run [flags] TARGET [-- ARGS...]
	coldstart run -scenario FILE [flags]
	coldstart check -budgets FILE [run flags] TARGET [-- ARGS...]
	coldstart diff -base REV [-head REV] [run flags] [diff flags] PACKAGE [-- ARGS...]
	coldstart diff -base-binary FILE -head-binary FILE [run flags] [diff flags] [-- ARGS...]
	coldstart diff [diff flags] OLD.json NEW.json
	coldstart why [run flags] TARGET PKG [-- ARGS...]
	coldstart why -modules [run flags] TARGET [-- ARGS...]
	coldstart profile -o FILE [-timeline FILE] [run flags] TARGET [-- ARGS...]
	coldstart history [-store DSN] [-n N] [-top N] [-format F] [-o FILE] SCENARIO
	coldstart nightly [-scenarios DIR] [-store DSN] [-report DIR] [-today DATE] [-fail-uncertain]
	coldstart evidence -package PKG [-cold-starts N/day] [-usage FRACTION | -uses N/day] [-budgets FILE] [run flags] TARGET
	coldstart evidence -package PKG -result FILE [flags] [TARGET]

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

Flags of evidence (besides those of run; -format is markdown or json):

	-package PKG        the package to bring evidence for (import path; "main" is the main package)
	-cold-starts N/day  cold starts per day (a number, "/day" optional)
	-usage FRACTION     share of processes that use PKG, 0 to 1, from the requester's data
	-uses N/day         processes per day that use PKG (instead of -usage; capped at the cold starts)
	-budgets FILE       budgets file for the verdict (default: the scenario's budgets:)
	-justification TEXT the exception entry's justification (default: a placeholder)
	-today DATE         date of the document, its review_by and the audits, YYYY-MM-DD (default: today)
	-result FILE        read a coldstart run -format json result instead of measuring; TARGET
	                    (default: the result's target, build flags and directory) gives the import graph
	-o FILE             write the document to FILE (atomically), and with markdown its chart to
	                    FILE's name with .svg, referenced from the document

evidence writes what a request for a budget exception needs: what was
measured and the command to measure it again; PKG's init clock (median with
its 95% CI, p95, min, max), bytes, allocs and share of the total init, and
the same for its retained cost (summed per traced run over PKG and the
packages it dominates in the import graph); the import chains that bring it
in (the 10 shortest) and the direct dependency responsible; eager against
lazy initialisation per day (eager: init x cold starts; lazy: init x first
uses, usage x cold starts or -uses), with the decision and the ratio, or
the inputs it needs; the verdict of the budgets file; and an exception
entry to paste into it (max: the p95 x 1.25, rounded up to two significant
digits; review_by: 90 days on). PKG is checked against the import graph
before anything runs: a package not linked is an input error that lists
the closest names; a linked package without init work costs nothing.

Flags of history:

	-store DSN          the history store: a file path or sqlite:PATH (default
	                    $XDG_STATE_HOME/coldstart/history.db, or, without XDG_STATE_HOME,
	                    ~/.local/state/coldstart/history.db)
	-n N                nights shown, newest first (default 14)
	-top N              heaviest packages of the newest night analysed and shown (default 10)
	-format F           table, json or markdown (default table)
	-o FILE             write the report to FILE (atomically) instead of stdout

history shows the last nights of SCENARIO recorded in the history store by
the nightly job: per night the revision, Go version, median wall time and
total init with their 95% confidence intervals, and heap bytes; then the
trend of the total init, wall time, bytes and each package's init over the
last 30 comparable nights (same machine fingerprint and Go version as the
newest; others are left out with a note): a level shift, with the night and
the commit range where it happened (best single split, permutation test,
p < 0.01, at least 5% of the level, at least 4 nights on each side), or a
creep (least-squares slope of the last 21 nights, p < 0.01, at least 2% of
the level a week). A package's change is measured against the total init,
and the packages' p-values are Holm-adjusted. With fewer than 8 comparable
nights nothing is tested, and a note says so. A missing store or an unknown
SCENARIO is an input error. history only reports: its exit code is 0 even
when it shows a change.

Flags of nightly:

	-scenarios DIR      run every scenario file in DIR (default scenarios): each *.yaml or
	                    *.yml except budgets files (*.budgets.yaml, and any file a scenario
	                    names as its budgets:), in name order
	-store DSN          record every result in this history store (as for history)
	-report DIR         write index.html, summary.md and nightly.json into DIR, each
	                    atomically (default coldstart-report)
	-today DATE         date of the exception audits, YYYY-MM-DD (default: today)
	-fail-uncertain     a confidence interval straddling a budget limit fails (default: warns)
	-cache DIR          cache of remote module builds

nightly is the job to run every night (cron or CI) on the same machine. For
each scenario it measures the target with the scenario's settings (runs,
warmup, env, readiness), records the result in the history store, checks
the scenario's budgets file, if it names one, as check does (import graph,
exception audits), and checks the trend of the scenario's history as
history does (only nights with today's machine fingerprint and Go version
are compared). A slowdown found in a series (total init, wall, bytes, a
heavy package's init), a level shift or a creep upwards, fails the trend
check on the first night it is found; on later nights, and for speedups, it
is reported for information. A scenario that cannot be measured (bad
scenario or budgets file, build failure, crash, timeout) is reported with
its error, and the other scenarios still run. stdout gets one line per
scenario. index.html is one self-contained page (inline SVG charts: per
scenario the budget verdicts, an init waterfall of the representative run
coloured by module, the distribution of total init and wall time, the
trend of total init with its change points; no script, nothing loaded
from the network); summary.md is Markdown for a CI job summary, and is
appended to $GITHUB_STEP_SUMMARY when that is set; nightly.json is schema
coldstart/nightly/v1. nightly exits 1 if a budget, audit or trend check
failed; otherwise 2 if a scenario or budgets file was bad, 3 if a target
failed to build or run (or its result could not be recorded), and 0 if
every scenario passed. The report is written in every one of these cases;
a usage error (bad flag, missing or empty DIR, bad store) writes none.

diff compares a base and a head: a package built at two git revisions (the
base from a temporary git worktree, removed afterwards; the head from the
working tree with its uncommitted changes unless -head is given; builds of
commits cached by revision, build flags and Go version), two executables,
or two saved results of run -format json. Base and head run interleaved,
base-head-head-base, after the warmups, so that drift on the machine hits
both alike. For the totals and each package it shows both medians, the
change (the Hodges-Lehmann shift) with its 95% CI, and the Mann-Whitney
p-value, Holm-corrected over the two total times and, separately, over
all packages, so that two identical builds are flagged in at most 5% of
diffs however many packages they init. Bytes and allocs changes beside
them count when the medians differ beyond the runs' spread (their CIs do
not overlap). Packages only one side inits are listed with their cost.
A significant slowdown of at least the threshold is a regression; diff
exits 1 on any regression (total init, wall, a package, or an added
package that costs at least the threshold), 0 otherwise.

Flags of diff (besides those of run; -n may also be auto):

	-base REV           base git revision (main, HEAD~1, a tag or hash)
	-head REV           head git revision (default: the working tree, uncommitted changes included)
	-base-binary FILE   base executable instead of a revision; or a module version
	                    (golang.org/x/tools/gopls@v0.22.0), built as run builds it
	-head-binary FILE   head executable (or module version) instead of the working tree
	-threshold T        smallest slowdown that is a regression: a share of the base's total init
	                    (or wall) like 2%, also for a single package, or a time like 200us (default 2%)
	-all                list every package, not only those that changed
	-n auto             run pairs until the CI of both total times' change lies wholly above,
	                    below or inside ±threshold, or a cap is reached; the report says which
	-max-runs N         with -n auto: at most N pairs (default 300)
	-max-time D         with -n auto: stop adding pairs after D (default 5m)
	-format F           table, json (schema coldstart/diff/v1), markdown (for a pull request) or
	                    bench: one line per run per side for benchstat, with package paths as
	                    BenchmarkInit/pkg=example.com∕app∕db ('/' written as U+2215 '∕');
	                    -o BASE,HEAD writes each side to its own file (benchstat BASE HEAD),
	                    one file or stdout holds both after side: lines (benchstat -col side FILE)

Exit codes:

	0    success
	1    a check failed (budgets, audits, regressions, trends)
	2    usage or input error: bad flag, missing target, bad scenario or budgets file (file:line)
	3    the target failed: build failed, crashed, timed out, printed no inittrace lines
	130  interrupted by SIGINT or SIGTERM, after stopping targets and removing temporary files

Errors are one line on stderr, starting "coldstart: ".
*/
package main
