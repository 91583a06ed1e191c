package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coldstart-dev/coldstart/harness/history"
	"github.com/coldstart-dev/coldstart/harness/history/historytest"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// seedHistory writes a synthetic history to a new store at path: 30
// nights of scenario example, the whole program 25% slower from night 20,
// its heaviest package creeping 3% a night from night 0, and nights 4 and
// 25 measured on another machine; and 3 nights of scenario server.
func seedHistory(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rs, err := historytest.Generate(historytest.Config{Seed: 11, Nights: 30, Changes: []historytest.Change{
		{Night: 20, Factor: 1.25},
		{Package: "crypto/internal/fips140/aes", PerNight: 0.03},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{4, 25} {
		rs[i].Machine.CPU = "AMD EPYC 7B13"
	}
	for _, r := range rs {
		if _, err := st.Add(ctx, "example", r); err != nil {
			t.Fatal(err)
		}
	}
	rs, err = historytest.Generate(historytest.Config{Seed: 12, Nights: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if _, err := st.Add(ctx, "server", r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestHistoryOutputs(t *testing.T) {
	store := filepath.Join(t.TempDir(), "history.db")
	seedHistory(t, store)
	for _, tt := range []struct{ format, golden string }{{"table", "history.table"}, {"markdown", "history.md"}} {
		code, out, stderr := coldstart(t, "history", "-store", "sqlite:"+store, "-format", tt.format, "example")
		if code != exitOK || stderr != "" {
			t.Fatalf("%s: exit %d: %s", tt.format, code, stderr)
		}
		golden(t, tt.golden, out)
	}

	code, out, stderr := coldstart(t, "history", "-store", store, "-n", "5", "-top", "3", "-format", "json", "example")
	if code != exitOK {
		t.Fatalf("json: exit %d: %s", code, stderr)
	}
	var h struct {
		Schema   string
		Scenario string
		Nights   []struct {
			Revision       string
			Comparable     bool
			PackageClockNs map[string]float64 `json:"package_clock_ns"`
		}
		Trend trend.Report
	}
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	if h.Schema != report.HistorySchema || h.Scenario != "example" || len(h.Nights) != 5 || h.Nights[0].Revision != historytest.Revision(11, 29) {
		t.Errorf("json: schema %q scenario %q, %d nights", h.Schema, h.Scenario, len(h.Nights))
	}
	if len(h.Nights) > 0 && (!h.Nights[0].Comparable || len(h.Nights[0].PackageClockNs) != 3) {
		t.Errorf("json: newest night %+v", h.Nights[0])
	}
	tr := h.Trend
	if tr.Nights != 28 || len(tr.Packages) != 3 || len(tr.Notes) != 1 {
		t.Errorf("json: trend over %d nights, %d packages, notes %q", tr.Nights, len(tr.Packages), tr.Notes)
	}
	if len(tr.Totals) == 3 {
		near := map[string]bool{}
		for night := 19; night <= 21; night++ {
			near[historytest.Revision(11, night)] = true
		}
		if init := tr.Totals[0]; init.Verdict != trend.Shifted || !near[init.Shift.Revision] {
			t.Errorf("json: init %s at %s, want a shift at the revision of night 20±1", init.Verdict, init.Shift.Revision)
		}
	}

	// -o writes the same report, atomically.
	file := filepath.Join(t.TempDir(), "h.txt")
	if code, out, stderr := coldstart(t, "history", "-store", store, "-o", file, "example"); code != exitOK || out != "" {
		t.Fatalf("-o: exit %d, stdout %q: %s", code, out, stderr)
	}
	data, _ := os.ReadFile(file)
	golden(t, "history.table", string(data))
}

// TestHistoryDefaultStore finds the store in $XDG_STATE_HOME.
func TestHistoryDefaultStore(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	seedHistory(t, filepath.Join(state, "coldstart", "history.db"))
	code, out, stderr := coldstart(t, "history", "-n", "2", "server")
	if code != exitOK || !strings.Contains(out, "server: the last 2 nights") || !strings.Contains(out, "only 3 comparable nights (need 8)") {
		t.Errorf("exit %d: %s%s", code, out, stderr)
	}
}

func TestHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "history.db")
	seedHistory(t, store)
	empty := filepath.Join(dir, "empty.db")
	st, err := history.Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	tests := []struct {
		name string
		args []string
	}{
		{"history-no-store", []string{"-store", filepath.Join(dir, "nope.db"), "example"}},
		{"history-unknown", []string{"-store", store, "exmaple"}},
		{"history-empty", []string{"-store", empty, "example"}},
		{"history-no-scenario", []string{"-store", store}},
		{"history-two", []string{"-store", store, "example", "server"}},
		{"history-bad-n", []string{"-store", store, "-n", "0", "example"}},
		{"history-bad-format", []string{"-store", store, "-format", "html", "example"}},
		{"history-bad-dsn", []string{"-store", "postgres://db/coldstart", "example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := coldstart(t, append([]string{"history"}, tt.args...)...)
			oneLineError(t, code, exitUsage, out, stderr)
			golden(t, "errors/"+tt.name+".stderr", strings.ReplaceAll(stderr, dir, "$DIR"))
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); err == nil {
		t.Error("history created a missing store")
	}
}
