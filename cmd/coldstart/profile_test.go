package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileDiamond measures the diamond target into a pprof profile and
// a timeline, and runs the real go tool pprof on the profile: the heavy
// package is at the top.
func TestProfileDiamond(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "init.pb.gz")
	trace := filepath.Join(dir, "trace.json")
	code, out, stderr := coldstart(t, "profile", "-n", "3", "-warmup", "0", "-o", prof, "-timeline", trace, "-dir", diamond, ".")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "wrote "+prof+": ") || !strings.Contains(out, "wrote "+trace+": ") {
		t.Errorf("stdout does not say what was written: %q", out)
	}

	cmd := exec.Command("go", "tool", "pprof", "-top", prof)
	cmd.Env = append(os.Environ(), "PPROF_TMPDIR="+dir)
	top, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -top: %v\n%s", err, top)
	}
	_, table, ok := strings.Cut(string(top), "cum%\n")
	first, _, _ := strings.Cut(table, "\n")
	if fields := strings.Fields(first); !ok || len(fields) != 6 || fields[5] != dHeavy {
		t.Errorf("first row of go tool pprof -top is %q, want %s:\n%s", first, dHeavy, top)
	}
	for _, want := range []string{"Type: clock", "coldstart init profile of .", "runs: 3 traced", "command: coldstart profile"} {
		if !strings.Contains(string(top), want) {
			t.Errorf("go tool pprof -top does not show %q:\n%s", want, top)
		}
	}

	// The timeline's schema is checked in package profiles; here, that the
	// command wrote one for this target.
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	var tf struct {
		TraceEvents []struct {
			Name string         `json:"name"`
			Ph   string         `json:"ph"`
			Args map[string]any `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &tf); err != nil {
		t.Fatalf("timeline: %v", err)
	}
	found := false
	for _, e := range tf.TraceEvents {
		if e.Ph == "X" && e.Name == dHeavy {
			found = e.Args["module"] == dMain && e.Args["bytes"].(float64) >= 1<<20
		}
	}
	if !found {
		t.Errorf("timeline has no event for %s with its module and bytes:\n%s", dHeavy, data)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("files in %s: %v, want the two written", dir, ents)
	}
}

// TestProfileFailureWritesNothing checks that a failed measurement leaves
// no file, not even a temporary one.
func TestProfileFailureWritesNothing(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "init.pb.gz")
	trace := filepath.Join(dir, "trace.json")
	code, out, stderr := coldstart(t, "profile", "-n", "2", "-warmup", "0", "-o", prof, "-timeline", trace, "-dir", targets, "./crash")
	if code != exitTarget {
		t.Errorf("exit %d for a crashing target, want %d: %s", code, exitTarget, stderr)
	}
	if out != "" {
		t.Errorf("wrote to stdout: %q", out)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left in %s: %v", dir, ents)
	}
}

func TestProfileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
	}{
		{"profile-no-output", []string{"-dir", diamond, "."}},
		{"profile-same-file", []string{"-o", "x.out", "-timeline", "./x.out", "-dir", diamond, "."}},
		{"profile-no-dir", []string{"-o", "/no/such/dir/init.pb.gz", "-dir", diamond, "."}},
		{"profile-no-target", []string{"-o", filepath.Join(dir, "init.pb.gz")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := coldstart(t, append([]string{"profile", "-n", "2", "-warmup", "0"}, tt.args...)...)
			oneLineError(t, code, exitUsage, out, stderr)
			golden(t, "errors/"+tt.name+".stderr", stderr)
		})
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left in %s: %v", dir, ents)
	}
}
