package main

import (
	"bufio"
	"bytes"
	"context"
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

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/history"
	"github.com/coldstart-dev/coldstart/harness/history/historytest"
	"github.com/coldstart-dev/coldstart/harness/htmlreport"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// asCommand, set to 1 in the environment, makes TestMain run the test
// binary as the coldstart command itself (as x/tools' stringer tests do), so
// that a test can run the real command as a child process and kill it.
const asCommand = "COLDSTART_TEST_AS_COMMAND"

// writeFile writes a test file, creating its directory.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// suite writes a scenario directory: the heavy target with budgets it
// passes until its exception's review date (2026-12-31), and the server
// measured to readiness without budgets. Runs are few: the test is about
// the job, not the numbers.
func suite(t *testing.T, dir string) {
	t.Helper()
	targets, err := filepath.Abs(targets)
	if err != nil {
		t.Fatal(err)
	}
	port := 19000 + os.Getpid()%1000
	writeFile(t, filepath.Join(dir, "heavy.yaml"), fmt.Sprintf(`name: heavy
target: ./heavy
dir: %s
runs: 3
warmup: 0
budgets: heavy.budgets.yaml
`, targets))
	writeFile(t, filepath.Join(dir, "heavy.budgets.yaml"), `total:
  init: 2s
package_default: 1s
exceptions:
  - package: example.com/targets/heavy/internal/slow
    max: 1500ms
    usage: 1
    justification: the test needs an exception that expires
    evidence: testdata/targets/heavy/internal/slow/slow.go
    approved_by: coldstart tests
    approved_on: 2026-11-01
    review_by: 2026-12-31
`)
	writeFile(t, filepath.Join(dir, "server.yaml"), fmt.Sprintf(`name: server
target: ./server
dir: %s
env: {ADDR: "127.0.0.1:%d"}
ready: {port: "127.0.0.1:%d", grace: 1s}
runs: 3
warmup: 0
timeout: 10s
`, targets, port, port))
}

// readNightly reads the report's JSON.
func readNightly(t *testing.T, dir string) *htmlreport.Nightly {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, nightlyJSON))
	if err != nil {
		t.Fatal(err)
	}
	var n htmlreport.Nightly
	if err := json.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	if n.Schema != htmlreport.Schema {
		t.Errorf("schema %q, want %q", n.Schema, htmlreport.Schema)
	}
	return &n
}

func storeRecords(t *testing.T, dsn string, scenarios ...string) map[string]int {
	t.Helper()
	st, err := history.OpenExisting(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Errorf("store after the nightly: %v", err)
	}
	counts := map[string]int{}
	for _, s := range scenarios {
		recs, err := st.Records(ctx, s, 0)
		if err != nil {
			t.Fatal(err)
		}
		counts[s] = len(recs)
	}
	return counts
}

// TestNightly runs the nightly twice over two real scenarios into a fresh
// store: the first night passes; on the second the exception is past its
// review date, so the check fails. Then the report is rendered in Chromium.
func TestNightly(t *testing.T) {
	dir := t.TempDir()
	scen, rep := filepath.Join(dir, "scenarios"), filepath.Join(dir, "report")
	dsn := "sqlite:" + filepath.Join(dir, "state", "history.db")
	suite(t, scen)
	jobSummary := filepath.Join(dir, "step-summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", jobSummary)

	code, out, stderr := coldstart(t, "nightly", "-scenarios", scen, "-store", dsn, "-report", rep, "-today", "2026-11-28")
	if code != exitOK {
		t.Fatalf("first night: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if stderr != "" {
		t.Errorf("first night wrote to stderr: %q", stderr)
	}
	for _, want := range []string{"heavy: pass", "server: pass", "report: " + filepath.Join(rep, "index.html")} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	n := readNightly(t, rep)
	if n.ExitCode != exitOK || len(n.Scenarios) != 2 || n.Scenarios[0].Name != "heavy" || n.Scenarios[1].Name != "server" {
		t.Fatalf("first night's JSON: exit %d, scenarios %+v", n.ExitCode, n.Scenarios)
	}
	if n.Scenarios[0].Budgets == nil || n.Scenarios[1].Budgets != nil {
		t.Errorf("budgets checked for heavy and not for server, want exactly that: %v, %v", n.Scenarios[0].Budgets, n.Scenarios[1].Budgets)
	}

	code, out, stderr = coldstart(t, "nightly", "-scenarios", scen, "-store", dsn, "-report", rep, "-today", "2027-01-15")
	if code != exitFailed {
		t.Fatalf("second night: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if !strings.HasPrefix(stderr, "coldstart: nightly: 1 of 2 scenarios failed a check") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr: %q", stderr)
	}
	n = readNightly(t, rep)
	heavy := n.Scenarios[0]
	if n.ExitCode != exitFailed || heavy.Status != htmlreport.Fail || n.Scenarios[1].Status != htmlreport.Pass {
		t.Errorf("second night: exit %d, heavy %s, server %s", n.ExitCode, heavy.Status, n.Scenarios[1].Status)
	}
	if f := heavy.Budgets.Findings; len(f) == 0 || f[0].Kind != "exception-expired" || f[0].DaysOverdue != 15 {
		t.Errorf("heavy's findings: %+v, want the exception 15 days overdue first", f)
	}
	for _, s := range n.Scenarios {
		if s.Trend == nil || s.Trend.Analysis == nil || s.Trend.Analysis.Nights != 2 || len(s.Trend.InitCI) != 2 {
			t.Errorf("%s: trend %+v, want 2 comparable nights", s.Name, s.Trend)
		}
	}

	if got := storeRecords(t, dsn, "heavy", "server"); got["heavy"] != 2 || got["server"] != 2 {
		t.Errorf("records in the store: %v, want 2 per scenario", got)
	}
	for _, f := range []string{nightlyHTML, nightlyMarkdown, nightlyJSON} {
		if st, err := os.Stat(filepath.Join(rep, f)); err != nil || st.Size() == 0 {
			t.Errorf("report file %s: %v", f, err)
		}
	}
	if ents, _ := os.ReadDir(rep); len(ents) != 3 {
		t.Errorf("report directory holds %d files, want 3 (no temporary files left)", len(ents))
	}
	summary, _ := os.ReadFile(jobSummary)
	if c := strings.Count(string(summary), "coldstart nightly"); c != 2 {
		t.Errorf("$GITHUB_STEP_SUMMARY has %d nightly summaries, want one per night", c)
	}
	md, _ := os.ReadFile(filepath.Join(rep, nightlyMarkdown))
	if !bytes.HasSuffix(summary, md) {
		t.Errorf("$GITHUB_STEP_SUMMARY does not end with summary.md")
	}

	t.Run("chromium", func(t *testing.T) { renderInChromium(t, filepath.Join(rep, nightlyHTML), []string{"heavy", "server"}) })
}

// TestNightlyScenarioFailures checks that a scenario that cannot be
// measured is reported and does not stop the others, and the exit codes:
// 3 for a target that does not build, 2 for a bad scenario file.
func TestNightlyScenarioFailures(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "") // not into a real CI job's summary
	dir := t.TempDir()
	scen, rep := filepath.Join(dir, "scenarios"), filepath.Join(dir, "report")
	dsn := filepath.Join(dir, "history.db")
	suite(t, scen)
	os.Remove(filepath.Join(scen, "server.yaml"))
	targets, _ := filepath.Abs(targets)
	writeFile(t, filepath.Join(scen, "broken.yaml"), "target: ./broken\ndir: "+targets+"\nruns: 2\n")

	code, out, stderr := coldstart(t, "nightly", "-scenarios", scen, "-store", dsn, "-report", rep, "-today", "2026-11-28")
	if code != exitTarget {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	n := readNightly(t, rep)
	if len(n.Scenarios) != 2 || n.Scenarios[0].Name != "broken" || n.Scenarios[0].Status != htmlreport.Error ||
		n.Scenarios[0].ExitCode != exitTarget || !strings.Contains(n.Scenarios[0].Error, "building ./broken") {
		t.Fatalf("broken scenario: %+v", n.Scenarios)
	}
	if n.Scenarios[1].Status != htmlreport.Pass {
		t.Errorf("heavy after broken: %s, want pass", n.Scenarios[1].Status)
	}
	html, _ := os.ReadFile(filepath.Join(rep, nightlyHTML))
	if !bytes.Contains(html, []byte(`<section class="scenario error" id="scenario-broken">`)) {
		t.Error("the HTML report has no error section for broken")
	}

	// A bad scenario file is an input error: exit 2, even with a target failure.
	writeFile(t, filepath.Join(scen, "bad.yaml"), "name: bad\ntarget: ./heavy\nrunz: 3\n")
	code, _, stderr = coldstart(t, "nightly", "-scenarios", scen, "-store", dsn, "-report", rep, "-today", "2026-11-28")
	if code != exitUsage {
		t.Fatalf("with a bad scenario file: exit %d, want 2: %s", code, stderr)
	}
	n = readNightly(t, rep)
	if s := n.Scenarios[0]; s.Name != "bad" || s.ExitCode != exitUsage || !strings.Contains(s.Error, "bad.yaml:3: unknown key \"runz\"") {
		t.Errorf("bad scenario: %+v", s)
	}
	// And a check that fails outranks both.
	code, _, _ = coldstart(t, "nightly", "-scenarios", scen, "-store", dsn, "-report", rep, "-today", "2027-01-15")
	if code != exitFailed {
		t.Errorf("with a failed check: exit %d, want 1", code)
	}
	if got := storeRecords(t, dsn, "heavy", "broken", "bad"); got["heavy"] != 3 || got["broken"] != 0 || got["bad"] != 0 {
		t.Errorf("records: %v, want 3 of heavy only", got)
	}
}

func TestNightlyUsage(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no-dir", []string{"-scenarios", filepath.Join(dir, "none")}, "reading the scenarios"},
		{"empty-dir", []string{"-scenarios", dir}, "no scenario files (*.yaml) in " + dir},
		{"target", []string{"-scenarios", dir, "./heavy"}, "nightly takes no target"},
		{"today", []string{"-today", "28/11/2026"}, `-today "28/11/2026": want YYYY-MM-DD`},
		{"store", []string{"-scenarios", "../../scenarios", "-store", "mysql://db/x"}, `unsupported scheme "mysql"`},
	} {
		code, out, stderr := coldstart(t, append([]string{"nightly", "-report", filepath.Join(dir, "rep")}, tt.args...)...)
		if code != exitUsage || out != "" || !strings.HasPrefix(stderr, "coldstart: ") || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tt.name, code, out, stderr, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "rep", nightlyHTML)); err == nil {
		t.Error("a usage error wrote a report")
	}
}

func TestScenarioFiles(t *testing.T) {
	// The bundled suite: its budgets files are not scenarios.
	got, err := scenarioFiles("../../scenarios")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range got {
		if c.err != nil {
			t.Errorf("%s: %v", c.file, c.err)
		}
		names = append(names, filepath.Base(c.file))
	}
	if want := "coldstart.yaml example.yaml server.yaml"; strings.Join(names, " ") != want {
		t.Errorf("scenario files %v, want %s", names, want)
	}
	// A budgets file that a scenario names is no scenario, whatever its name.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.yaml"), "target: ./a\nbudgets: limits.yaml\n")
	writeFile(t, filepath.Join(dir, "limits.yaml"), "total: {init: 1s}\npackage_default: 1ms\n")
	writeFile(t, filepath.Join(dir, "notes.txt"), "not yaml")
	got, err = scenarioFiles(dir)
	if err != nil || len(got) != 1 || filepath.Base(got[0].file) != "a.yaml" {
		t.Errorf("got %v, %v; want a.yaml alone", got, err)
	}
}

// renderInChromium loads the report in headless Chromium: it must render
// (the DOM holds every scenario's section and charts as <svg> elements)
// with no console message at all (the page has no script, so any message
// is an error: a blocked load, a parse problem). The screenshot is kept as
// a CI artifact. Chromium's whole process group is killed afterwards.
func renderInChromium(t *testing.T, page string, scenarios []string) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium is not installed (apt-get install chromium; .ci/run installs it): the HTML report was not rendered")
	}
	url := "file://" + page
	dom, log := chromium(t, bin, "--dump-dom", url)
	for _, s := range scenarios {
		if !strings.Contains(dom, `id="scenario-`+s+`"`) {
			t.Errorf("rendered DOM has no section for %s", s)
		}
	}
	svgs := regexp.MustCompile(`<figure class="chart [a-z]+"><svg `).FindAllString(dom, -1)
	if len(svgs) != 3*len(scenarios) {
		t.Errorf("rendered DOM has %d charts as <svg>, want %d (waterfall, distribution and trend per scenario)", len(svgs), 3*len(scenarios))
	}
	if msgs := consoleMessages(log); len(msgs) > 0 {
		t.Errorf("the page logged to the console:\n%s", strings.Join(msgs, "\n"))
	}
	png := artifact(t, "nightly-report.png")
	chromium(t, bin, "--screenshot="+png, "--window-size=1280,2400", "--hide-scrollbars", url)
	if st, err := os.Stat(png); err != nil || st.Size() < 10_000 {
		t.Errorf("screenshot %s: %v", png, err)
	}
	t.Logf("screenshot of the report: %s", png)

	// The check above can fail: a page that loads something is caught.
	bad := filepath.Join(t.TempDir(), "bad.html")
	writeFile(t, bad, `<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><img src="http://127.0.0.1:9/x.png">`)
	if _, log := chromium(t, bin, "--dump-dom", "file://"+bad); len(consoleMessages(log)) == 0 {
		t.Error("a page that breaks its Content-Security-Policy logged nothing: the console check is blind")
	}
}

// chromiumPath finds Chromium, or returns "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// chromium runs headless Chromium once with a fresh profile, in a process
// group of its own that is killed when it returns, and returns its stdout
// and stderr.
func chromium(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	profile := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Start()
	if err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	err = cmd.Wait()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	if left := waitGone(profile); len(left) > 0 {
		t.Errorf("chromium processes left running: %v", left)
	}
	return out.String(), errb.String()
}

// waitGone waits a little for the processes whose command line mentions s
// to go, and returns those still there.
func waitGone(s string) []string {
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := processesWith(s)
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// consoleMessages picks what the page said on the console out of
// Chromium's log: "INFO:CONSOLE" lines and uncaught exceptions.
func consoleMessages(log string) []string {
	var msgs []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			msgs = append(msgs, line)
		}
	}
	return msgs
}

// artifact is the path of a file the test keeps for people to look at:
// in $COLDSTART_ARTIFACTS if set, else in coldstart-artifacts in the
// system's temporary directory.
func artifact(t *testing.T, name string) string {
	dir := os.Getenv("COLDSTART_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "coldstart-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// TestNightlyKilled kills the real nightly command (this test binary run
// as coldstart, see asCommand) with SIGKILL while it is measuring, and
// checks that the store it was writing is consistent and holds exactly the
// records finished before, and that no report file was half written.
func TestNightlyKilled(t *testing.T) {
	dir := t.TempDir()
	scen, rep := filepath.Join(dir, "scenarios"), filepath.Join(dir, "report")
	dsn := filepath.Join(dir, "history.db")
	targets, _ := filepath.Abs(targets)
	writeFile(t, filepath.Join(scen, "a-first.yaml"), "target: ./heavy\ndir: "+targets+"\nruns: 2\nwarmup: 0\n")
	// Long enough to be caught measuring: thousands of runs of ~10 ms.
	writeFile(t, filepath.Join(scen, "b-long.yaml"), "target: ./heavy\ndir: "+targets+"\nruns: 5000\nwarmup: 0\n")

	cmd := exec.Command(os.Args[0], "nightly", "-scenarios", scen, "-store", dsn, "-report", rep)
	// Its own TMPDIR: a killed coldstart leaves its stderr files behind.
	cmd.Env = append(os.Environ(), asCommand+"=1", "GITHUB_STEP_SUMMARY=", "TMPDIR="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	killed := false
	defer func() {
		if !killed {
			syscall.Kill(-pid, syscall.SIGKILL)
			cmd.Wait()
		}
	}()

	// The first scenario is done when its line is printed; then wait for
	// the second one's target to be running under the nightly.
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, "a-first: pass") {
			t.Fatalf("first line %q, want a-first: pass; stderr: %s", line, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("a-first not done in 2 minutes; stderr: %s", stderr.String())
	}
	var exe string
	if !waitFor(30*time.Second, func() bool {
		for _, p := range childrenNamed(pid, "heavy") {
			if exe, err = os.Readlink(fmt.Sprintf("/proc/%d/exe", p)); err == nil {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("the nightly never ran b-long's target; stderr: %s", stderr.String())
	}
	// The killed nightly cannot remove its build directory.
	defer os.RemoveAll(filepath.Dir(exe))
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("nightly ended with %v, want killed by SIGKILL", err)
	}
	// The target in its own process group was not killed with the
	// nightly; it exits by itself within milliseconds.
	if !waitFor(10*time.Second, func() bool { return len(running(exe)) == 0 }) {
		t.Errorf("target processes left running after the nightly was killed: %v", running(exe))
	}

	if got := storeRecords(t, dsn, "a-first", "b-long"); got["a-first"] != 1 || got["b-long"] != 0 {
		t.Errorf("records after the kill: %v, want a-first's only", got)
	}
	if ents, _ := os.ReadDir(rep); len(ents) != 0 {
		t.Errorf("the killed nightly left files in its report directory: %v", ents)
	}
}

// waitFor polls cond every 5 ms until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cond()
}

// childrenNamed lists the pids of the children of ppid whose command name
// is comm.
func childrenNamed(ppid int, comm string) []int {
	var pids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(data)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open || s[open+1:end] != comm {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) < 2 {
			continue
		}
		if p, _ := strconv.Atoi(fields[1]); p == ppid {
			pid, _ := strconv.Atoi(filepath.Base(d))
			pids = append(pids, pid)
		}
	}
	return pids
}

// running lists the pids of the processes running the executable at path.
func running(path string) []string {
	var pids []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		if exe, err := os.Readlink(filepath.Join(d, "exe")); err == nil && exe == path {
			pids = append(pids, filepath.Base(d))
		}
	}
	return pids
}

// records makes history records of nights (oldest first), newest first as
// the store returns them, with IDs counting from 1.
func records(nights []*result.Result) []history.Record {
	var recs []history.Record
	for i, r := range nights {
		recs = append([]history.Record{{ID: int64(i + 1), Scenario: "s", Date: r.Date, Revision: r.Target.Revision,
			GoVersion: r.Target.GoVersion, Machine: r.Machine.Fingerprint(), Result: r}}, recs...)
	}
	return recs
}

// TestTrendCheck checks the trend verdicts on synthetic but realistic
// histories (historytest): a slowdown fails the night it is first found
// and informs afterwards; a speedup and plain noise never fail.
func TestTrendCheck(t *testing.T) {
	gen := func(seed uint64, factor float64) []*result.Result {
		t.Helper()
		nights, err := historytest.Generate(historytest.Config{Seed: seed, Nights: 24,
			Changes: []historytest.Change{{Night: 12, Factor: factor}}})
		if err != nil {
			t.Fatal(err)
		}
		return nights
	}
	slower := gen(5, 1.15)
	failed := map[string][]int{} // series -> nights it failed
	for k := 3; k <= len(slower); k++ {
		tc := trendCheck(records(slower[:k]), int64(k))
		for _, f := range tc.Findings {
			if f.Severity == budget.Fail {
				failed[f.Series] = append(failed[f.Series], k)
				if !strings.Contains(f.Msg, "rose") && !strings.Contains(f.Msg, "creeps up") {
					t.Errorf("night %d: failing finding %q is not a slowdown", k, f.Msg)
				}
			} else if k < 13 {
				t.Errorf("night %d, before the change: finding %+v", k, f)
			}
		}
	}
	// The slowdown shows from night 12 on; it takes trend's 4 nights at the
	// new level to be sure, a few more for a step to tell from a creep.
	if n := failed["init"]; len(n) != 1 || n[0] < 13 || n[0] > 18 {
		t.Errorf("total init failed on nights %v, want once, on a night from 13 to 18", n)
	}
	for series, nights := range failed {
		if len(nights) != 1 || nights[0] < 13 {
			t.Errorf("%s failed on nights %v, want at most once, after the change", series, nights)
		}
	}
	if shifts := trendCheck(records(slower[:20]), 20); len(shifts.Findings) == 0 || shifts.Failed() ||
		!strings.Contains(shifts.Findings[0].Msg, "between revisions "+trend.ShortRevision(historytest.Revision(5, 11))) ||
		!strings.HasSuffix(strings.Split(shifts.Findings[0].Msg, " (permutation")[0], "and "+trend.ShortRevision(historytest.Revision(5, 12))) ||
		!strings.Contains(shifts.Findings[0].Msg, "found on an earlier night already") {
		t.Errorf("night 20: findings %+v, want the known shift of total init at night 12's revision, for information", shifts.Findings)
	}
	last := trendCheck(records(slower), int64(len(slower)))
	if len(last.InitCI) != len(slower) || last.InitCI[3].High != slower[3].Total.InitNs.CIHigh {
		t.Errorf("confidence intervals for the chart: %v", last.InitCI)
	}

	faster := trendCheck(records(gen(6, 0.85)), 24)
	if faster.Failed() || len(faster.Findings) == 0 || !strings.Contains(faster.Findings[0].Msg, "fell") {
		t.Errorf("a speedup: failed %v, findings %+v; want it reported, not failed", faster.Failed(), faster.Findings)
	}
	// Noise alone: trend tests each series at 1%, so a chance finding is
	// possible (this history has a 5% "speedup" of wall time); a chance
	// slowdown fails, and this history has none.
	if quiet := trendCheck(records(gen(7, 1)), 24); quiet.Failed() {
		t.Errorf("noise alone failed: %+v", quiet.Findings)
	}
	if few := trendCheck(records(slower[:3]), 3); few.Failed() || !slices.ContainsFunc(few.Notes, func(n string) bool { return strings.Contains(n, "need 8") }) {
		t.Errorf("3 nights: notes %q, want the analysis's note that it needs 8", few.Notes)
	}
}
