package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/history"
	"github.com/coldstart-dev/coldstart/harness/htmlreport"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/scenario"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// trendRecords is how many of a scenario's newest records the trend check
// reads: enough for trend's window of comparable nights even when records
// from other machines or Go versions are among them.
const trendRecords = 4 * trend.DefaultWindow

// The files nightly writes into its -report directory.
const (
	nightlyHTML     = "index.html"
	nightlyMarkdown = "summary.md"
	nightlyJSON     = "nightly.json"
)

// nightlyFlags are the flags of nightly.
type nightlyFlags struct {
	scenarios     string
	store         string
	report        string
	today         string
	failUncertain bool
	cache         string
}

func (nf *nightlyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&nf.scenarios, "scenarios", "scenarios", "run every scenario file in `dir`")
	fs.StringVar(&nf.store, "store", "", "history store `dsn`: a file path or sqlite:PATH (default: $XDG_STATE_HOME/coldstart/history.db)")
	fs.StringVar(&nf.report, "report", "coldstart-report", "write index.html, summary.md and nightly.json into `dir`")
	fs.StringVar(&nf.today, "today", "", "date of the exception audits, YYYY-MM-DD (default: today)")
	fs.BoolVar(&nf.failUncertain, "fail-uncertain", false, "fail when a confidence interval straddles a budget limit (default: warn)")
	fs.StringVar(&nf.cache, "cache", "", "cache `dir` for remote module builds")
}

// candidate is one scenario file of the suite, parsed or not.
type candidate struct {
	file string
	s    *scenario.Scenario
	err  error
}

func cmdNightly(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	var nf nightlyFlags
	fs := newFlagSet("nightly", stderr, &nf)
	pos, targetArgs, perr := parseArgs(fs, args)
	if perr != nil {
		return perr
	}
	if len(pos) > 0 || targetArgs != nil {
		return usageErr("nightly takes no target: it runs every scenario in -scenarios DIR (have %s)", strings.Join(append(pos, targetArgs...), " "))
	}
	today := time.Now()
	if nf.today != "" {
		if today, err = time.Parse(time.DateOnly, nf.today); err != nil {
			return usageErr("-today %q: want YYYY-MM-DD", nf.today)
		}
	}
	suite, err := scenarioFiles(nf.scenarios)
	if err != nil {
		return &codeError{exitUsage, err}
	}
	if nf.store == "" {
		if nf.store, err = history.DefaultPath(); err != nil {
			return &codeError{exitUsage, err}
		}
	}
	if err := os.MkdirAll(nf.report, 0o755); err != nil {
		return usageErr("-report: %v", err)
	}
	st, err := history.Open(nf.store)
	if err != nil {
		return &codeError{exitUsage, err}
	}
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the history store: %w", cerr)
		}
	}()

	n := &htmlreport.Nightly{
		Date:  time.Now().UTC(),
		Today: today.Format(time.DateOnly),
		Dir:   nf.scenarios,
		Store: st.Path(),
	}
	command := append([]string{"coldstart", "nightly"}, args...)
	names := map[string]string{}
	for _, c := range suite {
		sc := nf.scenario(ctx, st, c, names, today, stderr, command)
		if ctx.Err() != nil {
			return fmt.Errorf("nightly stopped during %s: %w", c.file, ctx.Err())
		}
		n.Scenarios = append(n.Scenarios, sc)
		fmt.Fprintf(stdout, "%s: %s\n", sc.Name, sc.Summary())
	}
	n.ExitCode = nightlyExit(n)

	if err := writeNightly(nf.report, n); err != nil {
		return err
	}
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendFile(path, htmlreport.WriteMarkdown, n); err != nil {
			return fmt.Errorf("adding the summary to $GITHUB_STEP_SUMMARY: %w", err)
		}
	}
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(nf.report, nightlyHTML))
	if n.ExitCode == exitOK {
		return nil
	}
	pass, fail, errs := n.Counts()
	return &codeError{n.ExitCode, fmt.Errorf("nightly: %d of %d scenarios failed a check, %d not measured, %d passed; see %s",
		fail, len(n.Scenarios), errs, pass, filepath.Join(nf.report, nightlyHTML))}
}

// scenario measures, records and checks one scenario of the suite. Its
// failures are its own: they are reported in its outcome, and the suite
// goes on.
func (nf *nightlyFlags) scenario(ctx context.Context, st *history.Store, c candidate, names map[string]string, today time.Time, stderr io.Writer, command []string) htmlreport.Scenario {
	out := htmlreport.Scenario{Name: strings.TrimSuffix(strings.TrimSuffix(filepath.Base(c.file), ".yaml"), ".yml"), File: c.file}
	fail := func(err error) htmlreport.Scenario {
		out.Status = htmlreport.Error
		out.ExitCode = exitTarget
		var ce *codeError
		if errors.As(err, &ce) {
			out.ExitCode = ce.code
		}
		out.Error = oneLine(err.Error())
		return out
	}
	if c.err != nil {
		return fail(&codeError{exitUsage, c.err})
	}
	s := c.s
	out.Name = s.Name
	if other, ok := names[s.Name]; ok {
		return fail(usageErr("%s: scenario name %q is taken by %s; the history keeps records by name", c.file, s.Name, other))
	}
	names[s.Name] = c.file
	var b *budget.Budgets
	if s.Budgets != "" {
		var err error
		if b, err = budget.Load(s.Budgets); err != nil {
			return fail(&codeError{exitUsage, err})
		}
	}
	m := measureFlags{runs: defaultRuns, warmup: defaultWarmup, timeout: defaultTimeout, grace: defaultGrace, cache: nf.cache}
	p, err := m.planFor(s, nil, nil, nil)
	if err != nil {
		return fail(err)
	}
	r, exe, err := measure(ctx, p, stderr, command)
	if err != nil {
		return fail(err)
	}
	defer exe.Close()
	id, err := st.Add(ctx, s.Name, r)
	if err != nil {
		return fail(targetErr(err))
	}
	out.SetResult(r)

	g, gerr := graphOf(ctx, p, exe)
	if gerr == nil {
		out.Graph = g
	}
	if b != nil {
		out.Budgets = b.Check(r, g, today, budget.Options{FailUncertain: nf.failUncertain})
		if gerr != nil {
			out.Budgets.Notes = append(out.Budgets.Notes, "import graph: "+oneLine(gerr.Error()))
		}
	}
	if recs, err := st.Records(ctx, s.Name, trendRecords); err != nil {
		out.Trend = &htmlreport.Trend{Notes: []string{"trend not checked: " + oneLine(err.Error())}}
	} else {
		out.Trend = trendCheck(recs, id)
	}
	out.Status, out.ExitCode = htmlreport.Pass, exitOK
	if out.Budgets != nil && out.Budgets.Failed() || out.Trend.Failed() {
		out.Status, out.ExitCode = htmlreport.Fail, exitFailed
	}
	return out
}

// trendCheck analyses a scenario's history (trend.Analyze compares only
// the nights measured on today's machine fingerprint with today's Go
// version) and judges it. A slowdown (a level shift or creep upwards in
// total init, wall time, init bytes or a heavy package's init) fails the
// check on the night it is first found in its series: when the history
// without today's record (the record with ID today) showed no slowdown in
// that series. On later nights it is reported for information, as are
// speedups, so that a regression turns one night red for each series it
// shows in, not every night of trend's window. (A step is often seen first
// as a creep, then as a shift: both are a slowdown of the series.)
func trendCheck(recs []history.Record, today int64) *htmlreport.Trend {
	var all, before []*result.Result
	for _, rec := range recs {
		all = append(all, rec.Result)
		if rec.ID != today {
			before = append(before, rec.Result)
		}
	}
	now := trend.Analyze(all, trend.Options{})
	t := &htmlreport.Trend{Analysis: now, Notes: slices.Clone(now.Notes)}
	for _, s := range now.All() {
		if s.Note != "" {
			t.Notes = append(t.Notes, trend.SeriesName(s.Name)+": "+s.Note)
		}
	}
	for _, c := range trend.Changes(now, trend.Analyze(before, trend.Options{})) {
		f := htmlreport.Finding{Severity: htmlreport.Info, Kind: string(c.Verdict), Series: c.Series, Msg: c.Msg}
		switch {
		case c.Up && c.New:
			f.Severity = budget.Fail
		case c.Up:
			f.Msg += "; found on an earlier night already"
		}
		t.Findings = append(t.Findings, f)
	}
	// The chart shows each night's confidence interval beside its median.
	byDate := map[time.Time]result.Metric{}
	for _, r := range all {
		byDate[r.Date] = r.Total.InitNs
	}
	if len(now.Totals) > 0 {
		for _, p := range now.Totals[0].Points {
			m := byDate[p.Date]
			t.InitCI = append(t.InitCI, htmlreport.Interval{Low: m.CILow, High: m.CIHigh})
		}
	}
	return t
}

// nightlyExit is the exit code of a nightly run: 1 if a check failed;
// otherwise 2 if a scenario or budgets file was bad; otherwise 3 if a
// target failed to build or run or a result could not be recorded;
// otherwise 0.
func nightlyExit(n *htmlreport.Nightly) int {
	code := exitOK
	for _, s := range n.Scenarios {
		switch {
		case s.Status == htmlreport.Fail:
			return exitFailed
		case s.Status == htmlreport.Error && s.ExitCode == exitUsage:
			code = exitUsage
		case s.Status == htmlreport.Error && code == exitOK:
			code = exitTarget
		}
	}
	return code
}

// scenarioFiles lists the scenario files of dir in name order: every
// *.yaml and *.yml file except budgets files, which are those named
// *.budgets.yaml (or .yml) and those a scenario names as its budgets. Each
// is parsed; a file that does not parse is kept with its error.
func scenarioFiles(dir string) ([]candidate, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the scenarios: %w", err)
	}
	var all []candidate
	budgets := map[string]bool{}
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) ||
			strings.HasSuffix(name, ".budgets.yaml") || strings.HasSuffix(name, ".budgets.yml") {
			continue
		}
		c := candidate{file: filepath.Join(dir, name)}
		c.s, c.err = scenario.Load(c.file)
		if c.s != nil && c.s.Budgets != "" {
			budgets[absPath(c.s.Budgets)] = true
		}
		all = append(all, c)
	}
	all = slices.DeleteFunc(all, func(c candidate) bool { return budgets[absPath(c.file)] })
	if len(all) == 0 {
		return nil, fmt.Errorf("no scenario files (*.yaml) in %s", dir)
	}
	return all, nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// writeNightly writes the report's three files into dir, each atomically.
func writeNightly(dir string, n *htmlreport.Nightly) error {
	for _, f := range []struct {
		name  string
		write func(io.Writer, *htmlreport.Nightly) error
	}{
		{nightlyJSON, htmlreport.WriteJSON},
		{nightlyMarkdown, htmlreport.WriteMarkdown},
		{nightlyHTML, htmlreport.WriteHTML},
	} {
		if err := report.WriteFile(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, n) }); err != nil {
			return err
		}
	}
	return nil
}

// appendFile appends what write writes to the file at path, as CI job
// summaries are built: each step adds its part.
func appendFile(path string, write func(io.Writer, *htmlreport.Nightly) error, n *htmlreport.Nightly) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := write(f, n); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
