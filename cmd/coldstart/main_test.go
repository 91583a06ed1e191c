package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/result"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

// targets is the module of small real programs the tests measure.
const targets = "testdata/targets"

// coldstart runs the command in-process and returns its exit code and
// output.
func coldstart(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// commandJSON runs coldstart with args, which must succeed, and decodes
// the JSON it writes to stdout.
func commandJSON[T any](t *testing.T, args ...string) *T {
	t.Helper()
	code, out, stderr := coldstart(t, args...)
	if code != exitOK {
		t.Fatalf("coldstart %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	v := new(T)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("coldstart %s: decoding its JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v
}

// oneLineError checks that a command failed the way coldstart fails: with
// exit code want, nothing on stdout and one "coldstart: " line on stderr.
func oneLineError(t *testing.T, code, want int, out, stderr string) {
	t.Helper()
	if code != want {
		t.Errorf("exit %d, want %d; stderr: %s", code, want, stderr)
	}
	if out != "" {
		t.Errorf("wrote to stdout: %q", out)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "coldstart: ") {
		t.Errorf("stderr is not one coldstart: line: %q", stderr)
	}
}

// golden compares got with testdata/name (see internal/golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), []byte(got))
}

// maskNumbers hides the figures a noisy machine changes from run to run,
// and the spacing that depends on their width, so layout can be golden.
func maskNumbers(s string) string {
	num := regexp.MustCompile(`[-+]?[0-9]+(\.[0-9]+)?( ?(ns|µs|ms|s|B|KiB|MiB|GiB)\b)?`)
	s = num.ReplaceAllString(s, "N")
	// Warning marks come and go with the noise.
	s = strings.ReplaceAll(s, " *", "")
	space := regexp.MustCompile(`[ ─]+`)
	s = space.ReplaceAllString(s, " ")
	// Markdown rules are as wide as their columns.
	return regexp.MustCompile(`-{2,}`).ReplaceAllString(s, "--")
}

func TestRunHeavyJSONAgreesWithRawTraces(t *testing.T) {
	traces := t.TempDir()
	code, out, stderr := coldstart(t, "run", "-n", "8", "-warmup", "1", "-format", "json",
		"-keep-traces", traces, "-dir", targets, "./heavy")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r, err := result.Read(strings.NewReader(out), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	if r.Runs != 8 || r.Total.WallNs.N != 8 || r.Total.InitNs.N != 8 {
		t.Errorf("runs: %d traced, wall n=%d init n=%d, want 8 each", r.Runs, r.Total.WallNs.N, r.Total.InitNs.N)
	}
	if top := r.Packages[0].Path; top != "example.com/targets/heavy/internal/slow" {
		t.Errorf("heaviest package is %s, want the slow one", top)
	}
	slow, _ := r.Package("example.com/targets/heavy/internal/slow")
	if slow.Bytes.Median < 1<<20 {
		t.Errorf("slow package allocates %v bytes, want over 1 MiB", slow.Bytes.Median)
	}

	// Re-parse the kept raw lines with a deliberately naive parser and
	// check every package's medians against the result.
	files, _ := filepath.Glob(filepath.Join(traces, "run-*.stderr"))
	if len(files) != 8 {
		t.Fatalf("kept %d traces, want 8", len(files))
	}
	clocks := map[string][]float64{}
	bytesBy := map[string][]float64{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			fs := strings.Fields(line)
			if len(fs) != 11 || fs[0] != "init" {
				continue
			}
			ms, _ := strconv.ParseFloat(fs[4], 64)
			b, _ := strconv.ParseFloat(fs[7], 64)
			clocks[fs[1]] = append(clocks[fs[1]], ms*1e6)
			bytesBy[fs[1]] = append(bytesBy[fs[1]], b)
		}
	}
	if len(clocks) != len(r.Packages) {
		t.Errorf("raw traces have %d packages, result has %d", len(clocks), len(r.Packages))
	}
	for _, p := range r.Packages {
		if got, want := p.ClockNs.Median, median(clocks[p.Path]); abs(got-want) > 1 {
			t.Errorf("%s: median clock %v ns, raw lines say %v", p.Path, got, want)
		}
		if got, want := p.Bytes.Median, median(bytesBy[p.Path]); got != want {
			t.Errorf("%s: median bytes %v, raw lines say %v", p.Path, got, want)
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return -1
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func TestRunTableLayout(t *testing.T) {
	code, out, stderr := coldstart(t, "run", "-n", "3", "-warmup", "0", "-top", "1", "-dir", targets, "./heavy")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Warnings depend on the noise of the moment; the layout above them does not.
	out, _, _ = strings.Cut(out, "\nwarning:")
	out = regexp.MustCompile(`rev [0-9a-f]+(-dirty)?`).ReplaceAllString(out, "rev REV")
	golden(t, "heavy.table", maskNumbers(out))
}

// TestRunErrors checks each failure's exit code and its one-line message.
func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"crash", []string{"-dir", targets, "./crash"}, exitTarget},
		{"hang", []string{"-timeout", "2s", "-dir", targets, "./hang"}, exitTarget},
		{"exit2", []string{"-dir", targets, "./exit2"}, exitTarget},
		{"not-go", []string{"/bin/true"}, exitTarget},
		{"missing", []string{"./no/such/target"}, exitUsage},
		{"build-fails", []string{"-dir", targets, "./broken"}, exitTarget},
		{"no-target", nil, exitUsage},
		{"bad-flag", []string{"-n", "zero", "./x"}, exitUsage},
		{"bad-scenario", []string{"-scenario", "testdata/bad.yaml"}, exitUsage},
		{"two-targets", []string{"./a", "./b"}, exitUsage},
		{"not-ready", []string{"-timeout", "2s", "-ready-port", "1", "-dir", targets, "./server"}, exitTarget},
		{"bad-ready-port", []string{"-ready-port", "99999", "-dir", targets, "./server"}, exitUsage},
		{"pattern", []string{"-dir", targets, "./..."}, exitUsage},
		{"not-main", []string{"-dir", targets, "./heavy/internal/slow"}, exitTarget},
		{"no-output-dir", []string{"-o", "testdata/no/such/dir/result.json", "-dir", targets, "./heavy"}, exitUsage},
		{"negative-grace", []string{"-grace", "-1s", "-dir", targets, "./heavy"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "-n", "2", "-warmup", "0"}, tt.args...)
			code, out, stderr := coldstart(t, args...)
			if tt.name == "bad-flag" {
				// flag's own usage text precedes the one-line error.
				stderr = stderr[strings.LastIndex(stderr, "coldstart: "):]
			}
			oneLineError(t, code, tt.code, out, stderr)
			golden(t, "errors/"+tt.name+".stderr", stderr)
		})
	}
}

func TestRunAcceptExit(t *testing.T) {
	code, _, stderr := coldstart(t, "run", "-n", "2", "-warmup", "0", "-accept-exit", "0,2", "-dir", targets, "./exit2")
	if code != exitOK {
		t.Fatalf("exit %d with -accept-exit 0,2: %s", code, stderr)
	}
}

// TestRunServerLeavesNothing measures a server to readiness both ways and
// checks that neither the server nor the child it started survives.
func TestRunServerLeavesNothing(t *testing.T) {
	for _, ready := range [][]string{{"-ready-log", "server ready"}, {"-ready-port", "127.0.0.1:18492"}} {
		marker := fmt.Sprint(900000 + os.Getpid()%10000)
		args := append([]string{"run", "-n", "3", "-warmup", "0", "-format", "json",
			"-env", "ADDR=127.0.0.1:18492", "-env", "SIDECAR=" + marker, "-dir", targets}, ready...)
		code, out, stderr := coldstart(t, append(args, "./server")...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", ready, code, stderr)
		}
		var r result.Result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(r.Settings.Ready, strings.TrimPrefix(ready[0], "-ready-")[:3]) {
			t.Errorf("settings.ready = %q for %v", r.Settings.Ready, ready)
		}
		if left := processesWith("sleep\x00" + marker); len(left) > 0 {
			t.Errorf("%v: processes left running: %v", ready, left)
		}
	}
}

// processesWith lists the pids whose command line contains s.
func processesWith(s string) []string {
	var pids []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err == nil && bytes.Contains(cmd, []byte(s)) {
			pids = append(pids, filepath.Base(d))
		}
	}
	return pids
}

func TestRunScenarioOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "result.json")
	code, stdout, stderr := coldstart(t, "run", "-scenario", "../../scenarios/example.yaml", "-n", "3", "-warmup", "0", "-format", "json", "-o", out)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout not empty with -o: %q", stdout)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := result.Read(f, out)
	if err != nil {
		t.Fatal(err)
	}
	if r.Target.Args[0] != "sku-00042" || r.Runs != 3 {
		t.Errorf("scenario not applied: args %v, runs %d", r.Target.Args, r.Runs)
	}
	// A failing run must not leave a file behind.
	bad := filepath.Join(dir, "bad.json")
	if code, _, _ := coldstart(t, "run", "-n", "1", "-warmup", "0", "-o", bad, "/bin/true"); code != exitTarget {
		t.Errorf("exit %d for a non-Go target, want %d", code, exitTarget)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Errorf("%s written by a failed run", bad)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("leftover files in %s: %v", dir, ents)
	}
}

// TestRunRemoteModule builds a real third-party tool through the module
// proxy, checks that the cache is reused, and that its exit code 2 after a
// normal init can be accepted.
func TestRunRemoteModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module from the proxy")
	}
	cache := t.TempDir()
	spec := "golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
	for i := range 2 {
		code, out, stderr := coldstart(t, "run", "-n", "2", "-warmup", "0", "-accept-exit", "2", "-cache", cache, "-format", "json", spec)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		r, err := result.Read(strings.NewReader(out), "stdout")
		if err != nil {
			t.Fatal(err)
		}
		if r.Target.Kind != "module" || r.Target.Module != "golang.org/x/perf" {
			t.Errorf("target %+v", r.Target)
		}
		if _, ok := r.Package("golang.org/x/perf/benchfmt"); !ok && i == 0 {
			t.Logf("packages: %d", len(r.Packages))
		}
	}
	bins, _ := filepath.Glob(filepath.Join(cache, "modules", "*", "benchstat"))
	if len(bins) != 1 {
		t.Errorf("cache holds %d builds, want 1: %v", len(bins), bins)
	}
}

func TestMain(m *testing.M) {
	// Run as the command itself when a test re-executes this binary as
	// coldstart (see asCommand in nightly_test.go).
	if os.Getenv(asCommand) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	// The tests build programs in testdata/targets with the real go
	// command; make sure it is there before blaming coldstart.
	if _, err := exec.LookPath("go"); err != nil {
		fmt.Fprintln(os.Stderr, "go command not found")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestRunInterrupted sends SIGINT to the process group of the real command
// (this test binary run as coldstart, see asCommand) while it measures, as
// Ctrl-C in a terminal does: coldstart must exit 130 with one line, and
// leave no target running and nothing in its temporary directory (the
// build of the target, the traced runs' stderr files).
func TestRunInterrupted(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(t.TempDir(), "result.json")
	cmd := exec.Command(os.Args[0], "run", "-n", "100000", "-warmup", "0", "-format", "json", "-o", out, "-dir", targets, "./heavy")
	cmd.Env = append(os.Environ(), asCommand+"=1", "TMPDIR="+tmp)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer syscall.Kill(-pid, syscall.SIGKILL)
	// Measuring has begun when the runner's directory of stderr files is
	// there; let a few runs go by.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if runs, _ := filepath.Glob(filepath.Join(tmp, "coldstart-run-*")); len(runs) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no run directory in %s within 60s; stderr: %s", tmp, stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	syscall.Kill(-pid, syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("interrupted run: %v, want exit %d; stderr: %s", err, exitInterrupted, stderr.String())
	}
	if msg := stderr.String(); !strings.HasPrefix(msg, "coldstart: interrupted: ") || strings.Count(msg, "\n") != 1 {
		t.Errorf("interrupted run: stderr %q, want one line starting \"coldstart: interrupted: \"", msg)
	}
	if left := processesWith(tmp); len(left) > 0 {
		t.Errorf("interrupted run left processes running: %v", left)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("interrupted run left in its temporary directory: %v", names)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("interrupted run wrote %s: %v", out, err)
	}
}
