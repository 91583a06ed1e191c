package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/coldstart-dev/coldstart/harness/result"
)

// dateLayout writes dates as fixed-width UTC text, so that they sort as text.
const dateLayout = "2006-01-02T15:04:05.000000000Z"

// Waiting for a busy store: SQLite's own busy handler waits up to
// busyTimeoutMs for the lock; a transaction that still fails with
// SQLITE_BUSY is retried with pauses from retryFirst, doubling up to
// retryMax, for at most retryFor in all.
const (
	busyTimeoutMs = 10000
	retryFirst    = 10 * time.Millisecond
	retryMax      = time.Second
	retryFor      = time.Minute
)

// Store is a history store in one SQLite file. Its methods may be called
// from several goroutines at once; several Stores, in one process or many,
// may use the same file at once.
type Store struct {
	db   *sql.DB
	path string

	// beforeCommit, when set (by tests), runs inside Add's transaction
	// just before COMMIT, with everything of the record written.
	beforeCommit func()
}

// Record is one stored result.
type Record struct {
	ID        int64
	Scenario  string
	Date      time.Time // when the result was measured (Result.Date), UTC
	Added     time.Time // when it was stored, UTC
	Revision  string    // the target's revision (Result.Target.Revision)
	GoVersion string    // the target's Go version
	Machine   string    // Result.Machine.Fingerprint()
	Result    *result.Result
}

// Scenario is one scenario of a store.
type Scenario struct {
	Name    string
	Records int
	Last    time.Time // date of its newest record
}

// Open opens the history store named by dsn, a file path or "sqlite:PATH",
// creating the file and its directory if they do not exist, and brings its
// schema up to date.
func Open(dsn string) (*Store, error) {
	path, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("opening history store %s: %w", path, err)
	}
	return open(path, migrations(), busyTimeoutMs)
}

// OpenExisting is Open for a store that must exist already: if its file is
// missing, the error wraps fs.ErrNotExist and nothing is created.
func OpenExisting(dsn string) (*Store, error) {
	path, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("opening history store %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("opening history store %s: is a directory", path)
	}
	return open(path, migrations(), busyTimeoutMs)
}

// DefaultPath is the store used when none is named:
// $XDG_STATE_HOME/coldstart/history.db, or, when XDG_STATE_HOME is unset or
// not an absolute path, ~/.local/state/coldstart/history.db (the XDG base
// directory specification's place for state that persists across runs).
func DefaultPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "coldstart", "history.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the default history store: %w", err)
	}
	return filepath.Join(home, ".local", "state", "coldstart", "history.db"), nil
}

// parseDSN returns the file path named by dsn.
func parseDSN(dsn string) (string, error) {
	path := dsn
	if rest, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		path = strings.TrimPrefix(rest, "//")
	} else if scheme, _, ok := strings.Cut(dsn, "://"); ok {
		return "", fmt.Errorf("history store %q: unsupported scheme %q (want a file path or sqlite:PATH)", dsn, scheme)
	} else if strings.HasPrefix(dsn, "postgres:") || strings.HasPrefix(dsn, "postgresql:") {
		return "", fmt.Errorf("history store %q: PostgreSQL is not supported (want a file path or sqlite:PATH)", dsn)
	}
	switch {
	case path == "":
		return "", fmt.Errorf("history store %q: no file path", dsn)
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return "", fmt.Errorf("history store %q: want a file path", dsn)
	case strings.ContainsAny(path, "?#\x00"):
		// The driver reads what follows '?' as connection parameters.
		return "", fmt.Errorf("history store %q: a file path may not contain '?', '#' or NUL", dsn)
	}
	return filepath.Clean(path), nil
}

// open opens the file at path and applies steps as its migrations. SQLite
// waits up to busyMs milliseconds for a lock before failing with
// SQLITE_BUSY.
func open(path string, steps []string, busyMs int) (*Store, error) {
	// The driver applies these to every new connection: busy_timeout
	// first, so that switching a new file to WAL waits for a concurrent
	// creator instead of failing; BEGIN IMMEDIATE for every transaction.
	dsn := path + "?_busy_timeout=" + fmt.Sprint(busyMs) +
		"&_journal_mode=WAL&_foreign_keys=1&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening history store %s: %w", path, err)
	}
	// One connection per Store: the goroutines of one process take turns
	// at it instead of contending for the file's lock.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path}
	if err := s.migrate(context.Background(), steps); err != nil {
		db.Close()
		if hasCode(err, sqlite3.SQLITE_NOTADB) {
			return nil, fmt.Errorf("opening history store %s: not an SQLite database, so not a coldstart history store", path)
		}
		return nil, fmt.Errorf("opening history store %s: %w", path, err)
	}
	// Without WAL (some network file systems cannot share its index in
	// memory) SQLite silently keeps a rollback journal, under which a
	// commit can fail for a reader's lock: refuse rather than promise
	// what the store cannot keep.
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening history store %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("opening history store %s: journal mode %q, not WAL (is it on a network file system?)", path, mode)
	}
	return s, nil
}

// Path is the file of the store.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing history store %s: %w", s.path, err)
	}
	return nil
}

// migrations are the steps that build the schema, in order: the schema's
// version is the number of them applied. Steps are only ever appended.
func migrations() []string {
	return []string{
		// 1: records with their whole result, normalized totals and packages.
		`CREATE TABLE records (
			id         INTEGER PRIMARY KEY,
			scenario   TEXT NOT NULL,
			date       TEXT NOT NULL,
			added      TEXT NOT NULL,
			revision   TEXT NOT NULL,
			go_version TEXT NOT NULL,
			machine    TEXT NOT NULL,
			target     TEXT NOT NULL,
			runs       INTEGER NOT NULL,
			settings   TEXT NOT NULL,
			result     TEXT NOT NULL
		);
		CREATE INDEX records_by_scenario ON records (scenario, date, id);
		CREATE TABLE totals (
			record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
			metric    TEXT NOT NULL,
			n         INTEGER NOT NULL,
			median    REAL NOT NULL,
			ci_low    REAL NOT NULL,
			ci_high   REAL NOT NULL,
			p95       REAL NOT NULL,
			mean      REAL NOT NULL,
			stddev    REAL NOT NULL,
			cv        REAL NOT NULL,
			vals      TEXT NOT NULL,
			PRIMARY KEY (record_id, metric)
		) WITHOUT ROWID;
		CREATE TABLE packages (
			record_id     INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
			path          TEXT NOT NULL,
			runs          INTEGER NOT NULL,
			init_order    INTEGER NOT NULL,
			clock_median  REAL NOT NULL,
			clock_ci_low  REAL NOT NULL,
			clock_ci_high REAL NOT NULL,
			clock_p95     REAL NOT NULL,
			bytes_median  REAL NOT NULL,
			allocs_median REAL NOT NULL,
			share         REAL NOT NULL,
			PRIMARY KEY (record_id, path)
		) WITHOUT ROWID;`,
		// 2: one package's history across records.
		`CREATE INDEX packages_by_path ON packages (path, record_id);`,
	}
}

// migrate brings the schema up to the version len(steps), in one
// transaction.
func (s *Store) migrate(ctx context.Context, steps []string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("creating schema_version: %w", err)
		}
		var version int
		var rows int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(version), 0) FROM schema_version`).Scan(&rows, &version); err != nil {
			return fmt.Errorf("reading the schema version: %w", err)
		}
		if rows == 0 {
			// A new store, or another program's database.
			var other int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name <> 'schema_version' AND name NOT LIKE 'sqlite_%'`).Scan(&other); err != nil {
				return fmt.Errorf("reading the schema: %w", err)
			}
			if other > 0 {
				return errors.New("not a coldstart history store: it has tables but no schema_version")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
				return fmt.Errorf("setting the schema version: %w", err)
			}
		}
		if version > len(steps) {
			return fmt.Errorf("schema version %d is newer than this coldstart knows (%d): use a newer coldstart", version, len(steps))
		}
		for v := version + 1; v <= len(steps); v++ {
			if _, err := tx.ExecContext(ctx, steps[v-1]); err != nil {
				return fmt.Errorf("migrating the schema to version %d: %w", v, err)
			}
		}
		if version < len(steps) {
			if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, len(steps)); err != nil {
				return fmt.Errorf("setting the schema version: %w", err)
			}
		}
		return nil
	})
}

// Version returns the store's schema version.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("reading the schema version of %s: %w", s.path, err)
	}
	return v, nil
}

// write runs f in a write transaction (BEGIN IMMEDIATE) and commits it,
// retrying the whole transaction while the store is busy.
func (s *Store) write(ctx context.Context, f func(*sql.Tx) error) error {
	pause := retryFirst
	deadline := time.Now().Add(retryFor)
	for {
		err := s.writeOnce(ctx, f)
		if err == nil || !busy(err) || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up waiting: %w)", err, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, retryMax)
	}
}

func (s *Store) writeOnce(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("starting a transaction: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// busy reports whether err is SQLite's "database is locked" (SQLITE_BUSY or
// one of its extended codes), after which the transaction can be retried.
func busy(err error) bool { return hasCode(err, sqlite3.SQLITE_BUSY) }

// hasCode reports whether err is an SQLite error with the primary result
// code (SQLITE_BUSY, SQLITE_NOTADB, ...), extended codes included.
func hasCode(err error, code int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == code
}

// totalMetrics are the metrics of result.Total stored as rows of totals,
// by their JSON names.
func totalMetrics(t *result.Total) []struct {
	name string
	m    *result.Metric
} {
	return []struct {
		name string
		m    *result.Metric
	}{
		{"init_ns", &t.InitNs},
		{"init_end_ns", &t.InitEndNs},
		{"wall_ns", &t.WallNs},
		{"outside_init_ns", &t.OutsideInitNs},
		{"traced_wall_ns", &t.TracedWallNs},
		{"user_ns", &t.UserNs},
		{"sys_ns", &t.SysNs},
		{"max_rss_bytes", &t.MaxRSSBytes},
		{"minor_faults", &t.MinorFaults},
		{"major_faults", &t.MajorFaults},
		{"bytes", &t.Bytes},
		{"allocs", &t.Allocs},
	}
}

// Add stores r as a record of scenario and returns its id. The record is
// written in one transaction: it is stored whole or not at all.
func (s *Store) Add(ctx context.Context, scenario string, r *result.Result) (int64, error) {
	if err := checkAdd(scenario, r); err != nil {
		return 0, fmt.Errorf("adding to history store %s: %w", s.path, err)
	}
	doc, err := json.Marshal(r)
	if err != nil {
		return 0, fmt.Errorf("adding to history store %s: encoding the result: %w", s.path, err)
	}
	settings, err := json.Marshal(r.Settings)
	if err != nil {
		return 0, fmt.Errorf("adding to history store %s: encoding the settings: %w", s.path, err)
	}
	var id int64
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO records
			(scenario, date, added, revision, go_version, machine, target, runs, settings, result)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			scenario, r.Date.UTC().Format(dateLayout), time.Now().UTC().Format(dateLayout),
			r.Target.Revision, r.Target.GoVersion, r.Machine.Fingerprint(), r.Target.Spec,
			r.Runs, string(settings), string(doc))
		if err != nil {
			return fmt.Errorf("inserting the record: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("inserting the record: %w", err)
		}
		if err := insertTotals(ctx, tx, id, &r.Total); err != nil {
			return err
		}
		if err := insertPackages(ctx, tx, id, r.Packages); err != nil {
			return err
		}
		if s.beforeCommit != nil {
			s.beforeCommit()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("adding to history store %s: %w", s.path, err)
	}
	return id, nil
}

func checkAdd(scenario string, r *result.Result) error {
	switch {
	case strings.TrimSpace(scenario) == "":
		return errors.New("no scenario name")
	case strings.ContainsAny(scenario, "\n\r\x00"):
		return fmt.Errorf("scenario name %q has a line break or NUL", scenario)
	case r == nil:
		return errors.New("no result")
	case r.Schema != result.Schema:
		return fmt.Errorf("result schema %q, want %q", r.Schema, result.Schema)
	case r.Date.IsZero():
		return errors.New("result has no date")
	}
	return nil
}

func insertTotals(ctx context.Context, tx *sql.Tx, id int64, t *result.Total) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO totals
		(record_id, metric, n, median, ci_low, ci_high, p95, mean, stddev, cv, vals)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("inserting totals: %w", err)
	}
	defer stmt.Close()
	for _, tm := range totalMetrics(t) {
		m := tm.m
		vals := m.Values
		if vals == nil {
			vals = []float64{}
		}
		js, err := json.Marshal(vals)
		if err != nil {
			return fmt.Errorf("inserting total %s: %w", tm.name, err)
		}
		if _, err := stmt.ExecContext(ctx, id, tm.name, m.N, m.Median, m.CILow, m.CIHigh, m.P95, m.Mean, m.Stddev, m.CV, string(js)); err != nil {
			return fmt.Errorf("inserting total %s: %w", tm.name, err)
		}
	}
	return nil
}

func insertPackages(ctx context.Context, tx *sql.Tx, id int64, pkgs []result.Package) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO packages
		(record_id, path, runs, init_order, clock_median, clock_ci_low, clock_ci_high, clock_p95, bytes_median, allocs_median, share)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("inserting packages: %w", err)
	}
	defer stmt.Close()
	for _, p := range pkgs {
		c := p.ClockNs
		if _, err := stmt.ExecContext(ctx, id, p.Path, p.Runs, p.Order, c.Median, c.CILow, c.CIHigh, c.P95, p.Bytes.Median, p.Allocs.Median, p.Share); err != nil {
			return fmt.Errorf("inserting package %s: %w", p.Path, err)
		}
	}
	return nil
}

// Records returns the newest limit records of scenario, newest first (by
// measurement date, then by the order they were added); limit <= 0 returns
// them all. An unknown scenario has no records.
func (s *Store) Records(ctx context.Context, scenario string, limit int) ([]Record, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, scenario, date, added, revision, go_version, machine, result
		FROM records WHERE scenario = ? ORDER BY date DESC, id DESC LIMIT ?`, scenario, limit)
	if err != nil {
		return nil, fmt.Errorf("reading history of %s from %s: %w", scenario, s.path, err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var rec Record
		var date, added, doc string
		if err := rows.Scan(&rec.ID, &rec.Scenario, &date, &added, &rec.Revision, &rec.GoVersion, &rec.Machine, &doc); err != nil {
			return nil, fmt.Errorf("reading history of %s from %s: %w", scenario, s.path, err)
		}
		if rec.Date, err = time.Parse(dateLayout, date); err != nil {
			return nil, fmt.Errorf("reading record %d from %s: date: %w", rec.ID, s.path, err)
		}
		if rec.Added, err = time.Parse(dateLayout, added); err != nil {
			return nil, fmt.Errorf("reading record %d from %s: added: %w", rec.ID, s.path, err)
		}
		if rec.Result, err = result.Read(strings.NewReader(doc), fmt.Sprintf("record %d", rec.ID)); err != nil {
			return nil, fmt.Errorf("reading history store %s: %w", s.path, err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading history of %s from %s: %w", scenario, s.path, err)
	}
	return out, nil
}

// Scenarios lists the scenarios with records, by name.
func (s *Store) Scenarios(ctx context.Context) ([]Scenario, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT scenario, count(*), max(date) FROM records GROUP BY scenario ORDER BY scenario`)
	if err != nil {
		return nil, fmt.Errorf("listing scenarios of %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []Scenario
	for rows.Next() {
		var sc Scenario
		var last string
		if err := rows.Scan(&sc.Name, &sc.Records, &last); err != nil {
			return nil, fmt.Errorf("listing scenarios of %s: %w", s.path, err)
		}
		if sc.Last, err = time.Parse(dateLayout, last); err != nil {
			return nil, fmt.Errorf("listing scenarios of %s: date of %s: %w", s.path, sc.Name, err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing scenarios of %s: %w", s.path, err)
	}
	return out, nil
}

// IntegrityCheck checks the store: SQLite's integrity_check of the file
// and foreign_key_check of the rows, then that every record has its
// totals and a well-formed result. It returns nil for a sound store, or an
// error listing what is wrong.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var problems []string
	collect := func(query string, scan func(*sql.Rows) (string, error)) error {
		rows, err := s.db.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scan(rows)
			if err != nil {
				return err
			}
			if p != "" {
				problems = append(problems, p)
			}
		}
		return rows.Err()
	}
	checks := []struct {
		query string
		scan  func(*sql.Rows) (string, error)
	}{
		{`PRAGMA integrity_check`, func(r *sql.Rows) (string, error) {
			var msg string
			if err := r.Scan(&msg); err != nil || msg == "ok" {
				return "", err
			}
			return msg, nil
		}},
		{`PRAGMA foreign_key_check`, func(r *sql.Rows) (string, error) {
			var table, parent string
			var rowid, fkid sql.NullInt64
			if err := r.Scan(&table, &rowid, &parent, &fkid); err != nil {
				return "", err
			}
			return fmt.Sprintf("%s row %d refers to a missing %s row", table, rowid.Int64, parent), nil
		}},
		{`SELECT id FROM records r WHERE NOT EXISTS (SELECT 1 FROM totals t WHERE t.record_id = r.id)`, func(r *sql.Rows) (string, error) {
			var id int64
			err := r.Scan(&id)
			return fmt.Sprintf("record %d has no totals", id), err
		}},
		{`SELECT id FROM records WHERE NOT json_valid(result)`, func(r *sql.Rows) (string, error) {
			var id int64
			err := r.Scan(&id)
			return fmt.Sprintf("record %d has a malformed result", id), err
		}},
	}
	for _, c := range checks {
		if err := collect(c.query, c.scan); err != nil {
			return fmt.Errorf("checking history store %s: %w", s.path, err)
		}
	}
	if len(problems) > 0 {
		const show = 5
		more := ""
		if len(problems) > show {
			more = fmt.Sprintf("; and %d more", len(problems)-show)
			problems = problems[:show]
		}
		return fmt.Errorf("history store %s is damaged: %s%s", s.path, strings.Join(problems, "; "), more)
	}
	return nil
}
