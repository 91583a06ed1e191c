package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// checkJSON is the part of check's JSON output the tests look at.
type checkOut struct {
	Schema   string `json:"schema"`
	Failed   bool   `json:"failed"`
	Findings []struct {
		Severity    string   `json:"severity"`
		Kind        string   `json:"kind"`
		Package     string   `json:"package"`
		Source      string   `json:"source"`
		Chain       []string `json:"chain"`
		DaysOverdue int      `json:"days_overdue"`
	} `json:"findings"`
}

// TestCheckVerdicts measures real targets against budgets that each make
// one verdict, and checks exactly the findings and the exit code.
func TestCheckVerdicts(t *testing.T) {
	type finding struct{ severity, kind, pkg string }
	const slow = "example.com/targets/heavy/internal/slow"
	tests := []struct {
		name, budgets, target string
		code                  int
		want                  []finding
	}{
		{"over-default", "strict.yaml", "./heavy", exitFailed, []finding{{"fail", "package", slow}}},
		{"excepted", "excepted.yaml", "./heavy", exitOK, nil},
		{"expired", "expired.yaml", "./heavy", exitFailed, []finding{{"fail", "exception-expired", slow}}},
		{"stale", "stale.yaml", "./heavy", exitOK, []finding{{"warn", "exception-stale", "example.com/targets/heavy/internal/light"}}},
		{"forbidden", "forbid.yaml", "./forbid", exitFailed, []finding{{"fail", "forbidden", "example.com/targets/forbid/internal/legacy"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := coldstart(t, "check", "-n", "10", "-warmup", "1", "-today", "2026-11-28",
				"-budgets", "testdata/budgets/"+tt.budgets, "-format", "json", "-dir", targets, tt.target)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s\n%s", code, tt.code, stderr, out)
			}
			var got checkOut
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if got.Schema != "coldstart/check/v1" || got.Failed != (tt.code == exitFailed) {
				t.Errorf("schema %q failed %v", got.Schema, got.Failed)
			}
			var fs []finding
			for _, f := range got.Findings {
				fs = append(fs, finding{f.Severity, f.Kind, f.Package})
				if f.Source == "" || !strings.HasPrefix(f.Source, "testdata/budgets/"+tt.budgets+":") {
					t.Errorf("finding %s has no budgets line: %q", f.Kind, f.Source)
				}
				if f.Kind == "exception-expired" && f.DaysOverdue != 20 {
					t.Errorf("days overdue %d, want 20", f.DaysOverdue)
				}
				if f.Kind == "forbidden" && strings.Join(f.Chain, " -> ") != "example.com/targets/forbid -> example.com/targets/forbid/internal/legacy" {
					t.Errorf("chain %v", f.Chain)
				}
			}
			if len(fs) != len(tt.want) {
				t.Fatalf("findings %v, want %v", fs, tt.want)
			}
			for i := range fs {
				if fs[i] != tt.want[i] {
					t.Errorf("finding %d: %v, want %v", i, fs[i], tt.want[i])
				}
			}
		})
	}
}

func TestCheckTableAndMarkdown(t *testing.T) {
	for _, format := range []string{"table", "markdown"} {
		code, out, stderr := coldstart(t, "check", "-n", "10", "-warmup", "0", "-today", "2026-11-28",
			"-budgets", "testdata/budgets/expired.yaml", "-format", format, "-dir", targets, "./heavy")
		if code != exitFailed {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		golden(t, "check-expired."+format, maskNumbers(out))
	}
}

func TestCheckBadBudgets(t *testing.T) {
	code, out, stderr := coldstart(t, "check", "-budgets", "testdata/budgets/bad.yaml", "-dir", targets, "./heavy")
	if code != exitUsage || out != "" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	golden(t, "errors/bad-budgets.stderr", stderr)
	code, _, stderr = coldstart(t, "check", "-dir", targets, "./heavy")
	if code != exitUsage || !strings.Contains(stderr, "no budgets") {
		t.Errorf("no budgets: exit %d: %s", code, stderr)
	}
}
