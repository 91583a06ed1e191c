// Package history is the store of nightly measurements: every result the
// nightly job measures, kept per scenario in one SQLite file, so that trends
// over nights can be found (package trend) and shown (coldstart history). In
// the pipeline it sits after result:
//
//	result -> history -> trend -> report
//
// # The store
//
// A store is one SQLite database file, opened with the pure-Go driver
// modernc.org/sqlite (no cgo). It is created, with its parent directory, on
// first use. Open takes a DSN: a file path, or "sqlite:PATH" (also
// "sqlite://PATH"). There is only the SQLite store; Store is a concrete type
// and becomes an interface only when a second store (PostgreSQL) exists.
//
// Each record holds one result of one scenario: the scenario name, the
// measurement's date, the target's revision and Go version, the machine's
// fingerprint (result.Machine.Fingerprint: OS, architecture, CPU model,
// cores, kernel), the settings, and the whole result as JSON (with every
// per-run value, so that later analysis can recompute anything). Beside the
// JSON, normalized rows make plain SQL queries possible:
//
//	records(id, scenario, date, added, revision, go_version, machine, target, runs, settings, result)
//	totals(record_id, metric, n, median, ci_low, ci_high, p95, mean, stddev, cv, vals)
//	packages(record_id, path, runs, init_order, clock_median, clock_ci_low, clock_ci_high,
//	         clock_p95, bytes_median, allocs_median, share)
//
// metric is a JSON name of result.Total ("init_ns", "wall_ns", "bytes", ...)
// and vals the per-run values of that metric as a JSON array in run order.
// Dates are UTC text of fixed width (2026-11-28T02:00:00.000000000Z), so
// they sort as text. For example, the nightly median wall time of a scenario:
//
//	SELECT r.date, r.revision, t.median FROM records r
//	JOIN totals t ON t.record_id = r.id AND t.metric = 'wall_ns'
//	WHERE r.scenario = 'example' ORDER BY r.date;
//
// # Schema versions
//
// The schema is versioned: the table schema_version holds the number of
// migrations applied, and Open applies the missing ones, in order, each in
// the same transaction as the update of schema_version, so a store is never
// left between two versions. Reopening an up-to-date store changes nothing.
// A store written by a newer coldstart (a version above the ones known here)
// is refused rather than misread.
//
// # Concurrency and crashes
//
// Every write is one transaction: a process killed in the middle of Add
// leaves no trace of the record (SQLite rolls the unfinished transaction
// back when the file is next opened). Several processes may write at once:
// the database is in WAL mode, so readers never wait for the writer; a write
// transaction starts with BEGIN IMMEDIATE, taking the write lock before it
// reads anything, so two writers cannot deadlock; a writer that finds the
// lock taken waits for it (busy_timeout, 10 s), and a transaction that still
// fails with SQLITE_BUSY is retried from the start with growing pauses for up
// to a minute, or until its context ends.
//
// SQLite's locks are POSIX record locks, which a process loses when it
// closes any file descriptor of the database file: do not open the store's
// file with os.Open while a Store on it is open.
package history
