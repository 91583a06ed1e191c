package history

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/history/historytest"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// nights returns n synthetic results made with seed, oldest first.
func nights(t testing.TB, seed uint64, n int) []*result.Result {
	t.Helper()
	rs, err := historytest.Generate(historytest.Config{Seed: seed, Nights: n, Runs: 5})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "history.db")
	s, err := Open("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAddAndRead(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if s.Path() != path {
		t.Errorf("Path() = %s, want %s", s.Path(), path)
	}
	rs := nights(t, 1, 4)
	// Add out of date order: Records sorts by date.
	var ids []int64
	for _, i := range []int{2, 0, 3, 1} {
		id, err := s.Add(ctx, "example", rs[i])
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := s.Add(ctx, "server", rs[0]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Records(ctx, "example", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d records, want 4", len(got))
	}
	for i, rec := range got {
		want := rs[3-i] // newest first
		if !rec.Date.Equal(want.Date) || rec.Revision != want.Target.Revision || rec.Scenario != "example" {
			t.Errorf("record %d: %s %s %s, want %s %s", i, rec.Scenario, rec.Date, rec.Revision, want.Date, want.Target.Revision)
		}
		if rec.Machine != want.Machine.Fingerprint() || rec.GoVersion != want.Target.GoVersion {
			t.Errorf("record %d: machine %q go %q", i, rec.Machine, rec.GoVersion)
		}
		if g, w := mustJSON(t, rec.Result), mustJSON(t, want); g != w {
			t.Errorf("record %d: result does not round-trip", i)
		}
		if rec.Added.IsZero() || time.Since(rec.Added) > time.Hour {
			t.Errorf("record %d: added %v", i, rec.Added)
		}
	}
	if got[0].ID != ids[2] {
		t.Errorf("newest record has id %d, want %d", got[0].ID, ids[2])
	}
	two, err := s.Records(ctx, "example", 2)
	if err != nil || len(two) != 2 || two[1].ID != got[1].ID {
		t.Errorf("Records(limit 2) = %d records, %v", len(two), err)
	}
	if none, err := s.Records(ctx, "nope", 0); err != nil || len(none) != 0 {
		t.Errorf("Records of an unknown scenario: %d, %v", len(none), err)
	}
	scs, err := s.Scenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) != 2 || scs[0].Name != "example" || scs[0].Records != 4 || !scs[0].Last.Equal(rs[3].Date) || scs[1].Name != "server" {
		t.Errorf("Scenarios() = %+v", scs)
	}

	// The normalized rows agree with the results.
	r := rs[3]
	var wall, ciLow float64
	var vals string
	if err := s.db.QueryRow(`SELECT t.median, t.ci_low, t.vals FROM totals t JOIN records r ON r.id = t.record_id
		WHERE r.id = ? AND t.metric = 'wall_ns'`, ids[2]).Scan(&wall, &ciLow, &vals); err != nil {
		t.Fatal(err)
	}
	if wall != r.Total.WallNs.Median || ciLow != r.Total.WallNs.CILow || vals != mustJSON(t, r.Total.WallNs.Values) {
		t.Errorf("wall row %v %v %s, want %v %v %v", wall, ciLow, vals, r.Total.WallNs.Median, r.Total.WallNs.CILow, r.Total.WallNs.Values)
	}
	if n := count(t, s, `SELECT count(*) FROM totals WHERE record_id = ?`, ids[2]); n != len(totalMetrics(&r.Total)) {
		t.Errorf("%d total rows, want %d", n, len(totalMetrics(&r.Total)))
	}
	if n := count(t, s, `SELECT count(*) FROM packages WHERE record_id = ?`, ids[2]); n != len(r.Packages) {
		t.Errorf("%d package rows, want %d", n, len(r.Packages))
	}
	p := r.Packages[0]
	var clock float64
	if err := s.db.QueryRow(`SELECT clock_median FROM packages WHERE record_id = ? AND path = ?`, ids[2], p.Path).Scan(&clock); err != nil || clock != p.ClockNs.Median {
		t.Errorf("clock of %s: %v, %v; want %v", p.Path, clock, err, p.ClockNs.Median)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestAddRejects(t *testing.T) {
	s, _ := openTemp(t)
	good := nights(t, 2, 1)[0]
	noDate := *good
	noDate.Date = time.Time{}
	oldSchema := *good
	oldSchema.Schema = "coldstart/run/v0"
	tests := []struct {
		name     string
		scenario string
		r        *result.Result
		want     string
	}{
		{"no scenario", " ", good, "no scenario name"},
		{"newline", "a\nb", good, "line break"},
		{"nil", "x", nil, "no result"},
		{"schema", "x", &oldSchema, `result schema "coldstart/run/v0"`},
		{"no date", "x", &noDate, "no date"},
	}
	for _, tt := range tests {
		_, err := s.Add(context.Background(), tt.scenario, tt.r)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM records`); n != 0 {
		t.Errorf("%d records after rejected adds", n)
	}
}

func TestParseDSN(t *testing.T) {
	tests := []struct {
		dsn, path, err string
	}{
		{"history.db", "history.db", ""},
		{"/var/lib/cs/history.db", "/var/lib/cs/history.db", ""},
		{"sqlite:/var/lib/cs/h.db", "/var/lib/cs/h.db", ""},
		{"sqlite:///var/lib/cs/h.db", "/var/lib/cs/h.db", ""},
		{"sqlite:rel/./h.db", "rel/h.db", ""},
		{"", "", "no file path"},
		{"sqlite:", "", "no file path"},
		{"postgres://db/cs", "", `unsupported scheme "postgres"`},
		{"postgresql:dbname=cs", "", "PostgreSQL is not supported"},
		{"sqlite::memory:", "", "want a file path"},
		{"file:h.db?mode=ro", "", "want a file path"},
		{"h.db?_journal_mode=OFF", "", "may not contain"},
	}
	for _, tt := range tests {
		path, err := parseDSN(tt.dsn)
		switch {
		case tt.err == "" && (err != nil || path != tt.path):
			t.Errorf("parseDSN(%q) = %q, %v; want %q", tt.dsn, path, err, tt.path)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseDSN(%q) error %v, want %q", tt.dsn, err, tt.err)
		}
	}
}

func TestOpenExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history.db")
	_, err := OpenExisting(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenExisting of a missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("OpenExisting created %s", path)
	}
	if _, err := OpenExisting(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("OpenExisting of a directory: %v", err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/st")
	if p, err := DefaultPath(); err != nil || p != "/st/coldstart/history.db" {
		t.Errorf("with XDG_STATE_HOME: %s, %v", p, err)
	}
	t.Setenv("XDG_STATE_HOME", "relative") // not absolute: ignored, as the spec says
	t.Setenv("HOME", "/home/u")
	if p, err := DefaultPath(); err != nil || p != "/home/u/.local/state/coldstart/history.db" {
		t.Errorf("without XDG_STATE_HOME: %s, %v", p, err)
	}
}

// schema lists the store's tables and indexes.
func schema(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.db.Query(`SELECT type || ' ' || name FROM sqlite_schema ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// TestMigrations upgrades a store made by an older coldstart (one knowing
// only the first migration), checks that reopening is idempotent, and that
// a store from a newer coldstart is refused.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	old, err := open(path, migrations()[:1], busyTimeoutMs)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := old.Version(ctx); v != 1 {
		t.Fatalf("old store at version %d, want 1", v)
	}
	r := nights(t, 3, 1)[0]
	if _, err := old.Add(ctx, "example", r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(schema(t, old), "packages_by_path") {
		t.Fatal("version 1 already has the index of version 2")
	}
	old.Close()

	var first string
	for i := range 3 {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := s.Version(ctx); v != len(migrations()) {
			t.Errorf("open %d: version %d, want %d", i, v, len(migrations()))
		}
		if n := count(t, s, `SELECT count(*) FROM schema_version`); n != 1 {
			t.Errorf("open %d: %d rows in schema_version", i, n)
		}
		sc := schema(t, s)
		if !strings.Contains(sc, "index packages_by_path") {
			t.Errorf("open %d: no packages_by_path index: %s", i, sc)
		}
		if first == "" {
			first = sc
		} else if sc != first {
			t.Errorf("reopening changed the schema:\n%s\n%s", first, sc)
		}
		recs, err := s.Records(ctx, "example", 0)
		if err != nil || len(recs) != 1 {
			t.Errorf("open %d: %d records, %v", i, len(recs), err)
		}
		if err := s.IntegrityCheck(ctx); err != nil {
			t.Error(err)
		}
		if i == 2 {
			if _, err := s.db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
				t.Fatal(err)
			}
		}
		s.Close()
	}
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99 is newer") {
		t.Errorf("opening a newer store: %v", err)
	}
}

func TestNotAStore(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(other); err == nil || !strings.Contains(err.Error(), "not a coldstart history store") {
		t.Errorf("opening another program's database: %v", err)
	}
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte(strings.Repeat("not a database\n", 100)), 0o644)
	if _, err := Open(text); err == nil || !strings.Contains(err.Error(), text) || !strings.Contains(err.Error(), "not an SQLite database") {
		t.Errorf("opening a text file: %v", err)
	} else {
		t.Logf("text file: %v", err)
	}
}

// TestConcurrentGoroutines writes from four goroutines at once: two with a
// Store each and two sharing a third.
func TestConcurrentGoroutines(t *testing.T) {
	ctx := context.Background()
	shared, path := openTemp(t)
	rs := nights(t, 4, 10)
	stores := []*Store{shared, shared}
	for range 2 {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*len(rs))
	for g, s := range stores {
		wg.Go(func() {
			for _, r := range rs {
				if _, err := s.Add(ctx, fmt.Sprintf("g%d", g), r); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for g := range stores {
		recs, err := shared.Records(ctx, fmt.Sprintf("g%d", g), 0)
		if err != nil || len(recs) != len(rs) {
			t.Errorf("goroutine %d: %d records, %v; want %d", g, len(recs), err, len(rs))
		}
	}
	if err := shared.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// TestBusyRetried holds the write lock longer than a second store's
// busy_timeout: its transaction fails with SQLITE_BUSY, and Add retries it
// until the lock is free.
func TestBusyRetried(t *testing.T) {
	ctx := context.Background()
	holder, path := openTemp(t)
	impatient, err := open(path, migrations(), 5)
	if err != nil {
		t.Fatal(err)
	}
	defer impatient.Close()
	tx, err := holder.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	r := nights(t, 10, 1)[0]
	err = impatient.writeOnce(ctx, func(*sql.Tx) error { return nil })
	if !busy(err) {
		t.Fatalf("a transaction while another holds the lock: %v, want SQLITE_BUSY", err)
	}
	done := make(chan error)
	go func() {
		_, err := impatient.Add(ctx, "example", r)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond) // let Add fail and retry a few times
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("Add while the lock was held for a while: %v", err)
	}
	// A context that ends stops the retries.
	tx, err = holder.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := impatient.Add(short, "example", r); err == nil || !(busy(err) || errors.Is(err, context.DeadlineExceeded)) {
		t.Errorf("Add with a context that ends while the lock is held: %v", err)
	}
}

// helper starts the test binary as a helper process doing what env says.
func helper(t *testing.T, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "HISTORY_HELPER=1")
	cmd.Stderr = os.Stderr
	return cmd
}

// TestConcurrentProcesses writes from two helper processes and this one at
// once. Every transaction pauses before its commit so that the writers
// surely meet at the lock.
func TestConcurrentProcesses(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	const n = 8
	var cmds []*exec.Cmd
	for p := range 2 {
		cmd := helper(t, "HISTORY_DSN="+path, "HISTORY_SCENARIO="+fmt.Sprintf("p%d", p),
			"HISTORY_N="+strconv.Itoa(n), "HISTORY_PAUSE=20ms")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	s.beforeCommit = func() { time.Sleep(20 * time.Millisecond) }
	for _, r := range nights(t, 5, n) {
		if _, err := s.Add(ctx, "parent", r); err != nil {
			t.Error(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v", i, err)
		}
	}
	scs, err := s.Scenarios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) != 3 {
		t.Fatalf("scenarios %+v, want parent, p0, p1", scs)
	}
	for _, sc := range scs {
		if sc.Records != n {
			t.Errorf("%s: %d records, want %d", sc.Name, sc.Records, n)
		}
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// large returns a result with thousands of packages: several megabytes of
// JSON, more than SQLite's page cache, so that the transaction spills
// pages into the WAL file before its commit.
func large(t *testing.T) *result.Result {
	t.Helper()
	r := nights(t, 6, 1)[0]
	base := r.Packages
	for i := range 4000 {
		p := base[i%len(base)]
		p.Path = fmt.Sprintf("example.com/generated/p%04d/%s", i, p.Path)
		r.Packages = append(r.Packages, p)
	}
	return r
}

// TestKilledMidTransaction kills a helper process with SIGKILL while it is
// inside Add's transaction, everything written but the commit, and checks
// that the store is sound and holds no trace of that record.
func TestKilledMidTransaction(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	for _, r := range nights(t, 7, 2) {
		if _, err := s.Add(ctx, "example", r); err != nil {
			t.Fatal(err)
		}
	}
	cmd := helper(t, "HISTORY_DSN="+path, "HISTORY_SCENARIO=killed", "HISTORY_N=1", "HISTORY_LARGE=1", "HISTORY_PAUSE=1h")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "in transaction\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil {
		t.Logf("WAL holds %d bytes of the unfinished transaction", st.Size())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	killed = true
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("helper ended with %v, want killed by SIGKILL", err)
	}

	for _, st := range []*Store{s, reopen(t, path)} {
		if err := st.IntegrityCheck(ctx); err != nil {
			t.Error(err)
		}
		if recs, err := st.Records(ctx, "killed", 0); err != nil || len(recs) != 0 {
			t.Errorf("records of the killed writer: %d, %v", len(recs), err)
		}
		if n := count(t, st, `SELECT count(*) FROM records`); n != 2 {
			t.Errorf("%d records, want 2", n)
		}
		if n := count(t, st, `SELECT count(*) FROM packages WHERE path LIKE 'example.com/generated/%'`); n != 0 {
			t.Errorf("%d package rows of the killed record", n)
		}
	}
	// The lock died with the writer.
	if _, err := s.Add(ctx, "example", nights(t, 8, 1)[0]); err != nil {
		t.Errorf("adding after the kill: %v", err)
	}
}

func reopen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestHelperProcess is not a test: the tests above run the test binary as a
// helper process that adds HISTORY_N records to the store HISTORY_DSN,
// pausing HISTORY_PAUSE inside each transaction before its commit (after
// saying "in transaction" on stdout).
func TestHelperProcess(t *testing.T) {
	if os.Getenv("HISTORY_HELPER") != "1" {
		t.Skip("helper process only")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	s, err := Open(os.Getenv("HISTORY_DSN"))
	if err != nil {
		fail(err)
	}
	pause, err := time.ParseDuration(os.Getenv("HISTORY_PAUSE"))
	if err != nil {
		fail(err)
	}
	s.beforeCommit = func() {
		fmt.Println("in transaction")
		time.Sleep(pause)
	}
	n, _ := strconv.Atoi(os.Getenv("HISTORY_N"))
	rs := nights(t, 9, n)
	if os.Getenv("HISTORY_LARGE") == "1" {
		rs = []*result.Result{large(t)}
	}
	for _, r := range rs {
		if _, err := s.Add(context.Background(), os.Getenv("HISTORY_SCENARIO"), r); err != nil {
			fail(err)
		}
	}
	if err := s.Close(); err != nil {
		fail(err)
	}
	os.Exit(0)
}

// BenchmarkAdd stores a month of typical records (77 packages, 30 runs)
// and reports the file's size per record.
func BenchmarkAdd(b *testing.B) {
	rs, err := historytest.Generate(historytest.Config{Seed: 1, Nights: 30, Runs: 30})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "history.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	n := 0
	for b.Loop() {
		if _, err := s.Add(ctx, "example", rs[n%len(rs)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.StopTimer()
	if _, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size())/float64(n), "file-bytes/record")
	}
}
