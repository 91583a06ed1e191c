package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEnv(t *testing.T) {
	tests := []struct {
		env    []string
		traced bool
		want   []string
	}{
		{[]string{"A=1"}, false, []string{"A=1"}},
		{[]string{"A=1"}, true, []string{"A=1", "GODEBUG=inittrace=1"}},
		{[]string{"GODEBUG=madvdontneed=1", "B=2"}, true, []string{"GODEBUG=madvdontneed=1,inittrace=1", "B=2"}},
		{[]string{"GODEBUG="}, true, []string{"GODEBUG=inittrace=1"}},
		{[]string{"GODEBUG=gctrace=1"}, false, []string{"GODEBUG=gctrace=1"}},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.env)
		got := Env(tt.env, tt.traced)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Env(%q, %v) = %q, want %q", tt.env, tt.traced, got, tt.want)
		}
		if !slices.Equal(in, tt.env) {
			t.Errorf("Env modified its input: %q", tt.env)
		}
	}
}

// logger is a Go program that appends its name and whether it was traced
// to the file $LOG, so the order of runs can be checked.
const logger = `package main

import (
	"os"
	"strings"
)

func main() {
	f, err := os.OpenFile(os.Getenv("LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		panic(err)
	}
	kind := "u"
	if strings.Contains(os.Getenv("GODEBUG"), "inittrace=1") {
		kind = "t"
	}
	f.WriteString(os.Getenv("NAME") + kind + " ")
	f.Close()
}
`

func buildLogger(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(logger), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module logger\n\ngo 1.26\n"), 0o644)
	cmd := exec.Command("go", "build", "-o", "logger", ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building: %v: %s", err, out)
	}
	return filepath.Join(dir, "logger")
}

// TestSessionOrder checks the ABBA interleaving of two targets and of the
// two kinds of run, and that warmups are not counted.
func TestSessionOrder(t *testing.T) {
	bin := buildLogger(t)
	log := filepath.Join(t.TempDir(), "log")
	cfg := func(name string) Config {
		return Config{Name: name, Binary: bin, Env: append(os.Environ(), "LOG="+log, "NAME="+name), Runs: 2, Warmup: 1, Timeout: 10 * time.Second}
	}
	s, err := NewSession([]Config{cfg("A"), cfg("B")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Warmup(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Pair(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(log)
	want := "At Au Bt Bu Bu Bt Au At At Au Bt Bu "
	if string(data) != want {
		t.Errorf("run order %q, want %q", data, want)
	}
	runs := s.Runs()
	if len(runs[0]) != 4 || len(runs[1]) != 4 {
		t.Fatalf("counted %d and %d runs, want 4 each", len(runs[0]), len(runs[1]))
	}
	for _, r := range runs[0] {
		if r.Traced != (len(r.Inits) > 0) {
			t.Errorf("run %d: traced %v with %d inits", r.Index, r.Traced, len(r.Inits))
		}
		if r.Wall <= 0 || r.MaxRSS <= 0 {
			t.Errorf("run %d: wall %v, max RSS %d", r.Index, r.Wall, r.MaxRSS)
		}
	}
}

func TestExecuteCancelled(t *testing.T) {
	bin := buildLogger(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Execute(ctx, Config{Name: "x", Binary: bin, Env: []string{"LOG=" + filepath.Join(t.TempDir(), "l")}, Runs: 1, Timeout: time.Second})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestExecuteMissingBinary(t *testing.T) {
	_, err := Execute(context.Background(), Config{Name: "nope", Binary: "/no/such/binary", Runs: 1, Timeout: time.Second})
	var e *Error
	if !errors.As(err, &e) || e.Run != 1 || !strings.Contains(err.Error(), "starting") {
		t.Errorf("err = %v", err)
	}
}
