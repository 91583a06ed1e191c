package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/compare"
)

// Two real saved results of the planted target (see
// harness/compare/testdata/README): head does 20% more init work in
// package knob and inits registry instead of tables.
const (
	baseJSON = "../../harness/compare/testdata/base.json"
	headJSON = "../../harness/compare/testdata/head.json"
	knobPkg  = "example.com/planted/internal/knob"
)

func readDiff(t *testing.T, out string) *compare.Diff {
	t.Helper()
	d, err := compare.Read(strings.NewReader(out), "stdout")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return d
}

// TestDiffFiles compares two saved results: the layout of every format is
// golden, since saved results give the same figures every time.
func TestDiffFiles(t *testing.T) {
	for _, f := range []string{"table", "markdown"} {
		code, out, stderr := coldstart(t, "diff", "-format", f, baseJSON, headJSON)
		if code != exitFailed {
			t.Errorf("%s: exit %d, want %d (a regression); stderr: %s", f, code, exitFailed, stderr)
		}
		if stderr != "" {
			t.Errorf("%s: stderr %q", f, stderr)
		}
		golden(t, "diff/files."+f, out)
	}
	code, out, _ := coldstart(t, "diff", "-format", "json", "-all", baseJSON, headJSON)
	if code != exitFailed {
		t.Errorf("json: exit %d", code)
	}
	d := readDiff(t, out)
	if got := d.Regressions(); len(got) != 1 || got[0] != knobPkg {
		t.Errorf("regressions %v, want the knob", got)
	}
	if d.Settings.Interleaved || d.Base.Source != "file" || d.Base.Name != baseJSON {
		t.Errorf("saved results: settings %+v, base %+v", d.Settings, d.Base)
	}

	// The same result on both sides changes nothing.
	code, out, _ = coldstart(t, "diff", baseJSON, baseJSON)
	if code != exitOK || !strings.Contains(out, "no regression beyond 2% of base") {
		t.Errorf("A/A: exit %d:\n%s", code, out)
	}
	// A threshold above the knob's +1.2 ms: significant, not a regression.
	code, out, _ = coldstart(t, "diff", "-threshold", "5ms", baseJSON, headJSON)
	if code != exitOK || !strings.Contains(out, "slower") {
		t.Errorf("-threshold 5ms: exit %d:\n%s", code, out)
	}
	// -all lists the unchanged packages too.
	_, all, _ := coldstart(t, "diff", "-all", baseJSON, headJSON)
	_, some, _ := coldstart(t, "diff", baseJSON, headJSON)
	if !strings.Contains(all, "example.com/planted/internal/alpha") || strings.Contains(some, "example.com/planted/internal/alpha") {
		t.Errorf("-all does not list the unchanged alpha, or the default does")
	}
}

// TestDiffBench checks the Go benchmark format line by line, and that the
// real benchstat reads it.
func TestDiffBench(t *testing.T) {
	dir := t.TempDir()
	base, head, both := filepath.Join(dir, "base.txt"), filepath.Join(dir, "head.txt"), filepath.Join(dir, "both.txt")
	if code, _, stderr := coldstart(t, "diff", "-format", "bench", "-o", base+","+head, baseJSON, headJSON); code != exitFailed {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := coldstart(t, "diff", "-format", "bench", "-o", both, baseJSON, headJSON); code != exitFailed {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	line := regexp.MustCompile(`^Benchmark(Init/pkg=[^/\s]+|Wall)-2 1 [0-9.e+-]+ sec/op( [0-9]+ B/op [0-9]+ allocs/op)?$`)
	for _, f := range []string{base, head} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var inits, walls, knob int
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if !strings.HasPrefix(l, "Benchmark") {
				if strings.HasPrefix(l, "side:") {
					t.Errorf("%s: a side: line in a one-side file", f)
				}
				continue
			}
			if !line.MatchString(l) {
				t.Errorf("%s: bad line %q", f, l)
			}
			switch {
			case strings.HasPrefix(l, "BenchmarkWall"):
				walls++
			case strings.HasPrefix(l, "BenchmarkInit/pkg=example.com∕planted∕internal∕knob-2 "):
				knob++
				inits++
			default:
				inits++
			}
		}
		// 12 traced runs of 21 packages plus their total; 12 untraced.
		if inits != 12*22 || walls != 12 || knob != 12 {
			t.Errorf("%s: %d init lines (%d of the knob), %d wall lines; want %d, 12, 12", f, inits, knob, walls, 12*22)
		}
	}

	benchstat, err := exec.LookPath("benchstat")
	if err != nil {
		gopath, _ := exec.Command("go", "env", "GOPATH").Output()
		benchstat = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "benchstat")
		if _, err := os.Stat(benchstat); err != nil {
			t.Skip("benchstat not installed (go install golang.org/x/perf/cmd/benchstat@latest); the format was checked without it")
		}
	}
	for _, args := range [][]string{{base, head}, {"-col", "side", both}} {
		out, err := exec.Command(benchstat, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("benchstat %v: %v\n%s", args, err, out)
		}
		s := string(out)
		if !strings.Contains(s, "Init/pkg=example.com∕planted∕internal∕knob") || !strings.Contains(s, "vs base") {
			t.Errorf("benchstat %v does not compare the knob package:\n%s", args, s)
		}
		knobLine := ""
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "internal∕knob") && strings.Contains(l, "p=") && knobLine == "" {
				knobLine = l
			}
		}
		if !strings.Contains(knobLine, "+2") {
			t.Errorf("benchstat %v: knob line %q, want a change of about +20%%", args, knobLine)
		}
	}
}

// TestDiffGit is the end-to-end test on a real git repository: the second
// commit makes one package heavier; diff against the first exits 1 and
// names it; the same commit against itself exits 0; uncommitted changes
// are measured; a base that fails to build exits 3; no worktree is left.
func TestDiffGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	cache := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	work := func(iterations string) string {
		return `// Package work spins at init.
package work

// Sum is computed at init.
var Sum = spin()

func spin() uint64 {
	x := uint64(88172645463325252)
	for range ` + iterations + ` {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}
`
	}
	const pkg = "example.com/app/internal/work"
	git("init", "-q")
	write("go.mod", "module example.com/app\n\ngo 1.26\n")
	write("main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/app/internal/work\"\n)\n\nfunc main() { fmt.Println(work.Sum) }\n")
	write("internal/work/work.go", "package work\n\nvar Sum = \n") // does not compile
	git("add", ".")
	git("commit", "-q", "-m", "broken")
	write("internal/work/work.go", work("100_000"))
	git("commit", "-q", "-am", "light")
	write("internal/work/work.go", work("3_000_000"))
	git("commit", "-q", "-am", "heavy")

	diff := func(args ...string) (int, string, string) {
		t.Helper()
		args = append([]string{"diff", "-n", "10", "-warmup", "1", "-cache", cache, "-dir", repo}, args...)
		return coldstart(t, append(args, ".")...)
	}
	checkClean := func(when string) {
		t.Helper()
		out, err := exec.Command("git", "-C", repo, "worktree", "list").Output()
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(strings.TrimSpace(string(out)), "\n") + 1; n != 1 {
			t.Errorf("%s: git worktree list shows %d worktrees:\n%s", when, n, out)
		}
		if left, _ := filepath.Glob(filepath.Join(tmp, "coldstart-worktree-*")); len(left) > 0 {
			t.Errorf("%s: left behind: %v", when, left)
		}
	}

	// The heavy commit (the clean working tree) against the light one.
	code, out, stderr := diff("-base", "HEAD~1")
	if code != exitFailed {
		t.Errorf("heavy vs light: exit %d, want %d; stderr: %s\n%s", code, exitFailed, stderr, out)
	}
	if !strings.Contains(out, "REGRESSION beyond 2% of base: ") || !strings.Contains(out, pkg+" +") {
		t.Errorf("heavy vs light does not name %s as a regression:\n%s", pkg, out)
	}
	checkClean("heavy vs light")

	// A/A: the same commit on both sides. The threshold is wide because
	// this checks the wiring; the rate of false alarms at the default is
	// measured by bench/ (TestPlanted).
	code, out, stderr = diff("-base", "HEAD", "-head", "HEAD", "-threshold", "10%", "-format", "json")
	if code != exitOK {
		t.Errorf("A/A: exit %d, want 0; stderr: %s\n%s", code, stderr, out)
	}
	if d := readDiff(t, out); d.Base.Target.Revision != d.Head.Target.Revision || d.Base.Source != "revision" || d.Base.Target.Binary != d.Head.Target.Binary {
		t.Errorf("A/A: base %+v, head %+v: want one cached build of one revision", d.Base, d.Head)
	}
	checkClean("A/A")

	// Uncommitted changes: the working tree goes back to light.
	write("internal/work/work.go", work("100_000"))
	code, out, stderr = diff("-base", "HEAD", "-format", "json")
	if code != exitOK {
		t.Errorf("light working tree vs heavy HEAD: exit %d; stderr: %s", code, stderr)
	}
	d := readDiff(t, out)
	if !strings.HasSuffix(d.Head.Target.Revision, "-dirty") || d.Head.Source != "working tree" {
		t.Errorf("head %+v: want the dirty working tree", d.Head)
	}
	improved := false
	for _, p := range d.Packages {
		if p.Path == pkg && p.Clock.Verdict == compare.Improvement {
			improved = true
		}
	}
	if !improved {
		t.Errorf("%s not an improvement in the working tree", pkg)
	}
	checkClean("working tree")

	// A base that does not build, and one that does not exist.
	code, _, stderr = diff("-base", "HEAD~2")
	if code != exitTarget || !strings.Contains(stderr, "base: building . at HEAD~2") {
		t.Errorf("broken base: exit %d, stderr %q", code, stderr)
	}
	checkClean("broken base")
	code, _, stderr = diff("-base", "no-such-branch")
	if code != exitUsage || !strings.Contains(stderr, `no commit "no-such-branch"`) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unknown base: exit %d, stderr %q", code, stderr)
	}
	checkClean("unknown base")
	if cached, _ := filepath.Glob(filepath.Join(cache, "revisions", "*", "*")); len(cached) != 2 {
		t.Errorf("cache holds %v, want the builds of the light and heavy commits", cached)
	}

	// Ctrl-C while the base builds in its worktree: the real command (this
	// test binary run as coldstart, see asCommand) gets SIGINT in its
	// process group, as from a terminal, and must remove the worktree, leave
	// no process and no cache entry, and exit 130 with one line.
	fresh := t.TempDir()
	cmd := exec.Command(os.Args[0], "diff", "-n", "10", "-warmup", "1", "-cache", fresh, "-dir", repo, "-base", "HEAD~1", ".")
	cmd.Env = append(os.Environ(), asCommand+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer syscall.Kill(-pid, syscall.SIGKILL)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if wts, _ := filepath.Glob(filepath.Join(tmp, "coldstart-worktree-*", "*")); len(wts) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no worktree appeared in %s within 30s; stderr: %s", tmp, errb.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	syscall.Kill(-pid, syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("interrupted diff: %v, want exit %d; stderr: %s", err, exitInterrupted, errb.String())
	}
	if msg := errb.String(); !strings.HasPrefix(msg, "coldstart: interrupted: ") || strings.Count(msg, "\n") != 1 {
		t.Errorf("interrupted diff: stderr %q, want one line starting \"coldstart: interrupted: \"", msg)
	}
	checkClean("interrupted")
	if left := append(waitGone(fresh), waitGone(tmp)...); len(left) > 0 {
		t.Errorf("interrupted diff left processes running: %v", left)
	}
	if cached, _ := filepath.Glob(filepath.Join(fresh, "revisions", "*", "*")); len(cached) != 0 {
		t.Errorf("interrupted diff left cache entries: %v", cached)
	}
}

// TestDiffAuto checks -n auto: settled when the change is large, stopped
// by a cap (and saying so) otherwise.
func TestDiffAuto(t *testing.T) {
	dir := t.TempDir()
	bin := func(name, units string) string {
		p := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", p, "-ldflags", "-X example.com/targets/tunable/internal/spin.Units="+units, "./tunable")
		cmd.Dir = targets
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		return p
	}
	light, heavy := bin("light", "100000"), bin("heavy", "5000000")

	code, out, stderr := coldstart(t, "diff", "-n", "auto", "-warmup", "1", "-format", "json", "-base-binary", light, "-head-binary", heavy)
	if code != exitFailed {
		t.Errorf("light vs heavy: exit %d; stderr %s", code, stderr)
	}
	d := readDiff(t, out)
	if a := d.Settings.Adaptive; a == nil || a.Stop != compare.StopSettled || d.Head.Runs < 10 || d.Head.Runs >= a.MaxRuns {
		t.Errorf("light vs heavy: adaptive %+v after %d pairs, want settled", a, d.Head.Runs)
	}

	code, out, _ = coldstart(t, "diff", "-n", "auto", "-max-time", "1ns", "-warmup", "0", "-base-binary", light, "-head-binary", light)
	if code != exitOK {
		t.Errorf("capped: exit %d", code)
	}
	if !strings.Contains(out, "NOT settled, stopped at -max-time 1ns after 1 pairs") || !strings.Contains(out, "warning: not settled at -max-time 1ns") {
		t.Errorf("capped diff does not say it stopped at the cap:\n%s", out)
	}
}

// TestDiffModuleVersions compares a module version built through the proxy
// with an executable of the same version: both sides are named as given,
// the module side is built once into the cache, and identical programs
// are no regression.
func TestDiffModuleVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module from the proxy")
	}
	const spec = "golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
	cache := t.TempDir()
	code, out, stderr := coldstart(t, "diff", "-n", "10", "-warmup", "1", "-accept-exit", "2", "-threshold", "20%", "-cache", cache,
		"-format", "json", "-base-binary", spec, "-head-binary", spec)
	if code != exitOK {
		t.Fatalf("module against itself: exit %d: %s\n%s", code, stderr, out)
	}
	d := readDiff(t, out)
	if d.Base.Target.Spec != spec || d.Base.Target.Kind != "module" || d.Base.Target.Version != "v0.0.0-20260908200009-22c9c6c9d4da" {
		t.Errorf("base %+v: want the module version as given", d.Base.Target)
	}
	bins, _ := filepath.Glob(filepath.Join(cache, "modules", "*", "benchstat"))
	if len(bins) != 1 || d.Base.Target.Binary != bins[0] {
		t.Fatalf("cache holds %v, base ran %s: want one build, run by both sides", bins, d.Base.Target.Binary)
	}

	// The executable against the module version.
	code, out, stderr = coldstart(t, "diff", "-n", "10", "-warmup", "1", "-accept-exit", "2", "-threshold", "20%", "-cache", cache,
		"-format", "json", "-base-binary", bins[0], "-head-binary", spec)
	if code != exitOK {
		t.Fatalf("executable against module: exit %d: %s\n%s", code, stderr, out)
	}
	d = readDiff(t, out)
	if d.Base.Target.Kind != "binary" || d.Base.Target.Spec != bins[0] || d.Head.Target.Kind != "module" || d.Head.Target.Spec != spec {
		t.Errorf("base %+v, head %+v: want the executable and the module as given", d.Base.Target, d.Head.Target)
	}

	code, _, stderr = coldstart(t, "diff", "-base-binary", "example.invalid/none@v1.0.0", "-head-binary", spec, "-cache", cache)
	if code != exitTarget || !strings.HasPrefix(stderr, "coldstart: ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("unknown module: exit %d, stderr %q; want exit %d and one line", code, stderr, exitTarget)
	}
}

// TestDiffErrors checks each usage error's exit code and one-line message.
func TestDiffErrors(t *testing.T) {
	notResult := filepath.Join(t.TempDir(), "run.json")
	if err := os.WriteFile(notResult, []byte(`{"schema": "coldstart/check/v1"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	noGit := t.TempDir()
	if err := os.WriteFile(filepath.Join(noGit, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no base: give -base REV"},
		{[]string{"-base", "main", "-base-binary", "/bin/true", "."}, "-base and -base-binary: give one"},
		{[]string{"-base", "main", "-head", "x", "-head-binary", "/bin/true", "."}, "-head and -head-binary: give one"},
		{[]string{"-base", "main", "-threshold", "fast", "."}, `-threshold: threshold "fast": want a percentage like 2% or a time like 200us`},
		{[]string{"-base", "main", "-threshold", "-5%", "."}, "cannot be negative"},
		{[]string{"-base", "main", "-n", "many", "."}, `invalid value "many" for flag -n: want a number of pairs or auto`},
		{[]string{"-base", "main", "-format", "csv", "."}, "want table, json, markdown or bench"},
		{[]string{"-base", "main"}, "no package: diff builds the target at two revisions"},
		{[]string{"-n", "5", baseJSON, headJSON}, "-n: not used when comparing two saved results"},
		{[]string{"testdata/none.json", headJSON}, "testdata/none.json: no such file or directory"},
		{[]string{notResult, headJSON}, `schema "coldstart/check/v1", want "coldstart/run/v1"`},
		{[]string{"-base-binary", "/no/such/binary", "-head-binary", "/bin/true"}, "-base-binary: target /no/such/binary: no such file or directory"},
		{[]string{"-base-binary", "/bin/true", "-head-binary", "/bin/true", "./cmd"}, "-base-binary and -head-binary: no package to build"},
		{[]string{"-base", "HEAD", "-dir", noGit, "."}, "is not in a git repository"},
		{[]string{"-base", "HEAD", "/bin/true"}, "for executables use -base-binary and -head-binary"},
		{[]string{"-n", "auto", "-max-runs", "3", "-base", "HEAD", "."}, "-max-runs 3: -n auto needs at least 10 pairs"},
		{[]string{"-format", "bench", "-o", "a,b,c", baseJSON, headJSON}, `-o "a,b,c": with -format bench, want one file or two: BASE,HEAD`},
	}
	for _, tt := range tests {
		code, out, stderr := coldstart(t, append([]string{"diff"}, tt.args...)...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %q", tt.args, code, exitUsage, stderr)
		}
		if out != "" {
			t.Errorf("%v: wrote to stdout: %q", tt.args, out)
		}
		if i := strings.LastIndex(stderr, "coldstart: "); i > 0 && strings.Contains(stderr, "Usage of") {
			stderr = stderr[i:] // flag's own usage text precedes the error
		}
		if !strings.HasPrefix(stderr, "coldstart: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: stderr %q, want one coldstart: line with %q", tt.args, stderr, tt.want)
		}
	}
}
