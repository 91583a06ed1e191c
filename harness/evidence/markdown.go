package evidence

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/chart"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// retainedShown is the number of retained packages the document names.
const retainedShown = 20

// WriteMarkdown writes the evidence document.
func (e *Evidence) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	md := &mdWriter{w: bw}
	e.summary(md)
	e.measured(md)
	e.cost(md)
	e.imports(md)
	e.costBenefit(md)
	e.budget(md)
	e.exception(md)
	if len(e.Notes) > 0 {
		md.p("## Notes")
		for _, n := range e.Notes {
			md.f("- %s\n", n)
		}
		md.f("\n")
	}
	return bw.Flush()
}

// mdWriter writes Markdown to a buffered writer; its Flush reports any
// write error.
type mdWriter struct{ w *bufio.Writer }

func (m *mdWriter) f(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

// p writes a paragraph.
func (m *mdWriter) p(s string) { fmt.Fprintf(m.w, "%s\n\n", s) }

// table writes a Markdown table; the first column is text, the others
// numbers, aligned right.
func (m *mdWriter) table(header []string, rows [][]string) {
	m.f("| %s |\n|", strings.Join(header, " | "))
	for i := range header {
		if i == 0 {
			m.f(" --- |")
		} else {
			m.f(" ---: |")
		}
	}
	m.f("\n")
	for _, r := range rows {
		m.f("| %s |\n", strings.Join(r, " | "))
	}
	m.f("\n")
}

// code is s as a Markdown code span.
func code(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

func (e *Evidence) summary(md *mdWriter) {
	md.p("# Init cost evidence: " + code(e.Package))
	c := e.Init.ClockNs
	var s string
	if !e.Init.InitWork {
		s = fmt.Sprintf("%s is linked into %s but does no init work: its init costs nothing (no init line in %d traced runs).",
			code(e.Package), code(e.main()), e.Measured.Runs)
	} else {
		s = fmt.Sprintf("%s takes %s to initialise at the median (95%% CI %s–%s, p95 %s) in every cold start of %s: %s of the median total init of %s.",
			code(e.Package), Duration(c.Median), Duration(c.CILow), Duration(c.CIHigh), Duration(c.P95), code(e.main()),
			Percent(e.Init.Share), Duration(e.Total.Median))
	}
	if rt := e.Retained; rt != nil && (rt.InitWork || e.Init.InitWork) {
		s += fmt.Sprintf(" Removing it from the program would save %s (its retained cost, %s).", Duration(rt.ClockNs.Median), plural(len(rt.Packages), "package"))
	}
	md.p(s)
	md.p(e.CostBenefit.Summary)
	if e.Budget != nil {
		md.p(fmt.Sprintf("Budgets (%s): %s", code(e.Budget.File), e.Budget.Text))
	}
}

// main names the measured program.
func (e *Evidence) main() string {
	t := e.Measured.Target
	if t.MainPackage != "" {
		return t.MainPackage
	}
	return t.Spec
}

func (e *Evidence) measured(md *mdWriter) {
	m := e.Measured
	t := m.Target
	md.p("## What was measured")
	desc := []string{t.Kind}
	if t.MainPackage != "" {
		desc = append(desc, code(t.MainPackage))
	}
	if t.Module != "" && t.Version != "" && t.Version != "(devel)" {
		desc = append(desc, code(t.Module+"@"+t.Version))
	}
	rev := t.Revision
	if rev == "" {
		rev = "not recorded"
	}
	spec := code(t.Spec)
	if len(t.Args) > 0 {
		spec = code(t.Spec + " -- " + ShellQuote(t.Args))
	}
	lines := [][2]string{
		{"target", fmt.Sprintf("%s (%s)", spec, strings.Join(desc, ", "))},
		{"revision", rev},
		{"Go", orUnknown(t.GoVersion)},
		{"OS/arch", fmt.Sprintf("%s/%s, kernel %s", m.Machine.OS, m.Machine.Arch, orUnknown(m.Machine.Kernel))},
		{"CPU", fmt.Sprintf("%s, %s", orUnknown(m.Machine.CPU), plural(m.Machine.Cores, "core"))},
		{"runs", fmt.Sprintf("%d traced (GODEBUG=inittrace=1) and %d untraced, interleaved, after %s; %d packages with init work",
			m.Runs, e.Total.N, plural(m.Settings.Warmup, "warmup pair"), m.Packages)},
		{"date", m.Date.UTC().Format("2006-01-02 15:04 MST")},
	}
	if m.Settings.Dir != "" {
		lines = append(lines, [2]string{"directory", code(m.Settings.Dir)})
	}
	if len(t.BuildFlags) > 0 {
		lines = append(lines, [2]string{"build flags", code(ShellQuote(t.BuildFlags))})
	}
	if len(m.Settings.Env) > 0 {
		lines = append(lines, [2]string{"environment", code(ShellQuote(m.Settings.Env))})
	}
	if m.Result != "" {
		lines = append(lines, [2]string{"result file", code(m.Result)})
	}
	for _, l := range lines {
		md.f("- **%s**: %s\n", l[0], l[1])
	}
	md.f("\n")
	if len(m.Command) > 0 {
		md.f("Measured with:\n\n```sh\n%s\n```\n\n", ShellQuote(m.Command))
	} else {
		md.p("The command that measured it was not recorded.")
	}
	if len(e.Command) > 0 && !slices.Equal(e.Command, m.Command) {
		md.f("This document was written with:\n\n```sh\n%s\n```\n\n", ShellQuote(e.Command))
	}
}

func (e *Evidence) cost(md *mdWriter) {
	md.p("## Init cost")
	row := func(name string, m result.Metric, f func(float64) string) []string {
		return []string{name, f(m.Median), f(m.CILow) + "–" + f(m.CIHigh), f(m.P95), f(m.Min), f(m.Max)}
	}
	rows := [][]string{
		row("init clock", e.Init.ClockNs, Duration),
		row("init bytes", e.Init.Bytes, Bytes),
		row("init allocs", e.Init.Allocs, Count),
	}
	rt := e.Retained
	if rt != nil && rt.PerRun {
		rows = append(rows,
			row("retained clock", rt.ClockNs, Duration),
			row("retained bytes", rt.Bytes, Bytes),
			row("retained allocs", rt.Allocs, Count))
	} else if rt != nil {
		rows = append(rows,
			[]string{"retained clock", Duration(rt.ClockNs.Median) + " (sum of medians)", "", "", "", ""},
			[]string{"retained bytes", Bytes(rt.Bytes.Median) + " (sum of medians)", "", "", "", ""},
			[]string{"retained allocs", Count(rt.Allocs.Median) + " (sum of medians)", "", "", "", ""})
	}
	rows = append(rows, row("total init clock", e.Total, Duration))
	md.table([]string{"over " + plural(e.Measured.Runs, "run"), "median", "95% CI of median", "p95", "min", "max"}, rows)

	s := fmt.Sprintf("Share of the total init (median over median): %s.", Percent(e.Init.Share))
	if rt != nil {
		s = fmt.Sprintf("Share of the total init (median over median): %s; retained, %s.", Percent(e.Init.Share), Percent(rt.Share))
	}
	md.p(s)
	if e.Chart != "" {
		md.p(fmt.Sprintf("![Init clock of %s beside the total init, per traced run](%s)", e.Package, e.Chart))
	}
	for _, w := range e.Init.ClockNs.Warnings {
		md.f("- ⚠ %s\n", warning(w))
	}
	if len(e.Init.ClockNs.Warnings) > 0 {
		md.f("\n")
	}
	if rt == nil {
		return
	}
	md.p("### Retained cost")
	if len(rt.Packages) == 1 {
		md.p(fmt.Sprintf("%s dominates no other package: whatever it imports, a chain from the main package that avoids it imports too. Removing it would remove it alone, so its retained cost is its own.", code(e.Package)))
		return
	}
	names := rt.WithInit
	if len(rt.WithInit) == 0 {
		names = rt.Packages
	}
	var shown []string
	for _, p := range names[:min(len(names), retainedShown)] {
		shown = append(shown, code(p))
	}
	more := ""
	if len(names) > retainedShown {
		more = fmt.Sprintf(" and %d more", len(names)-retainedShown)
	}
	md.p(fmt.Sprintf("Removing %s would remove %s from the program (it and those it dominates in the import graph: every import chain to them passes through it), %d with init work: %s%s.",
		code(e.Package), plural(len(rt.Packages), "package"), len(rt.WithInit), strings.Join(shown, ", "), more))
	if rt.PerRun {
		md.p("The retained figures are per-run sums: in each traced run, the clock (bytes, allocs) of every retained package with init work in that run, added up; the median, its confidence interval and the p95 are of those sums.")
	} else {
		md.p("Some retained package misses some traced runs, so per-run sums cannot be formed: the retained figures are sums of the packages' medians, with no interval.")
	}
}

// warning formats a stats warning for the document.
func warning(w stats.Warning) string { return w.Msg }

func (e *Evidence) imports(md *mdWriter) {
	md.p("## Why it is linked")
	im := e.Imports
	if !im.Edges {
		md.p("Unknown: the import graph has no edges (a prebuilt executable was measured), so the chains that bring the package in and the direct dependency responsible cannot be told.")
		return
	}
	mod := im.Module
	if im.Version != "" {
		mod += "@" + im.Version
	}
	switch {
	case im.Standard:
		md.p(code(e.Package) + " is in the standard library.")
	case im.MainModule:
		md.p(fmt.Sprintf("%s is in the main module, %s: the main module's own code brings it in.", code(e.Package), code(orUnknown(im.Module))))
	case im.DirectDep != "":
		md.p(fmt.Sprintf("%s is in module %s, which comes in through the main module's direct dependency %s.", code(e.Package), code(mod), code(im.DirectDep)))
	default:
		md.p(fmt.Sprintf("%s is in module %s.", code(e.Package), code(mod)))
	}
	if len(im.Chains) == 0 {
		md.p("It is the main package: no chain leads to it.")
		return
	}
	md.p("Import chains from the main package, shortest first:")
	for i, c := range im.Chains {
		md.f("%d. %s\n", i+1, code(strings.Join(c, " → ")))
	}
	md.f("\n")
	if im.MoreChains {
		md.p(fmt.Sprintf("More chains lead to it; these are the %d shortest. All of them have to be cut for the package to leave the program.", MaxChains))
	} else if len(im.Chains) > 1 {
		md.p("These are all the chains; every one has to be cut for the package to leave the program.")
	}
}

func (e *Evidence) costBenefit(md *mdWriter) {
	cb := e.CostBenefit
	md.p("## Eager or lazy")
	md.p("An eagerly initialised package costs its init in every cold start; a lazily initialised one (on first use, behind a `sync.Once`) costs it once in each process that uses it, when that use comes.")
	given := func(v *float64, format func(float64) string, how string) string {
		if v == nil {
			return "not given"
		}
		return format(*v) + " (" + how + ")"
	}
	usage := "not given"
	switch cb.UsageFrom {
	case "usage":
		usage = Percent(*cb.Usage) + " of processes (-usage)"
	case "uses":
		usage = Percent(*cb.Usage) + " of processes (first uses over cold starts)"
	}
	uses := given(cb.Uses, rate, "-uses")
	if cb.Capped {
		uses += ", more than the cold starts: capped at them, as a process initialises once"
	}
	first := "unknown"
	if cb.FirstUses != nil {
		first = rate(*cb.FirstUses)
	}
	md.table([]string{"input", "value"}, [][]string{
		{"init cost", Duration(cb.CostNs) + " (median init clock)"},
		{"cold starts per day", given(cb.ColdStarts, rate, "-cold-starts")},
		{"usage", usage},
		{"uses per day", uses},
		{"first uses per day", first},
	})
	perDay := func(v *float64) string {
		if v == nil {
			return "unknown"
		}
		return DayDuration(*v)
	}
	lazyStart := "unknown"
	if cb.Usage != nil {
		lazyStart = Duration(cb.CostNs**cb.Usage) + " on average"
	}
	md.table([]string{"cost", "per cold start", "per day"}, [][]string{
		{"eager: every cold start pays", Duration(cb.CostNs), perDay(cb.Eager)},
		{"lazy: each process that uses it pays once", lazyStart, perDay(cb.Lazy)},
	})
	md.p(cb.Summary)
	if len(cb.Needed) > 0 {
		md.f("To complete the analysis, give:\n\n")
		for _, n := range cb.Needed {
			md.f("- %s\n", n)
		}
		md.f("\n")
	}
}

func (e *Evidence) budget(md *mdWriter) {
	md.p("## Budgets")
	v := e.Budget
	if v == nil {
		md.p("No budgets file was given (-budgets FILE, or a scenario with budgets:), so there is no verdict.")
		return
	}
	md.p(fmt.Sprintf("Against %s (statistic %s): %s", code(v.File), v.Statistic, v.Text))
	for _, f := range v.Findings {
		md.f("- %s: %s\n", f.Severity, f.Msg)
	}
	if len(v.Findings) > 0 {
		md.f("\n")
	}
}

func (e *Evidence) exception(md *mdWriter) {
	md.p("## Exception entry")
	x := e.Exception
	if x == nil {
		switch {
		case e.Budget != nil && e.Budget.Status == Forbidden:
			md.p("None: a budgets file cannot hold an exception for a forbidden package.")
		case !e.Init.InitWork || e.Init.ClockNs.P95 <= 0:
			md.p("None is needed: the package's init does no measurable work.")
		case e.Budget != nil && e.Budget.Status == ExceptionStale:
			md.p("None: the current exception is no longer needed; remove it.")
		default:
			md.p("None is needed: the package is within the budgets file's package defaults.")
		}
		return
	}
	where := "a budgets file"
	if e.Budget != nil {
		where = code(e.Budget.File)
	}
	switch {
	case x.Replaces != "":
		md.p(fmt.Sprintf("To renew the current exception with these figures, replace the entry at %s with this one:", code(x.Replaces)))
	case e.Budget == nil:
		md.p("No budgets file was given to tell whether the package needs an exception. If it does, paste this under `exceptions:` in " + where + ":")
	default:
		md.p("Paste this under `exceptions:` in " + where + ":")
	}
	md.f("```yaml\n%s```\n\n", x.YAML)
	rules := fmt.Sprintf("max is the measured p95 times %g, rounded up to two significant digits: above the median's confidence interval that `coldstart check` compares with it, with room for a slower day. review_by is %d days after this document. The approver fills in approved_by and approved_on.", Headroom, ReviewDays)
	if x.MaxBytes != "" || x.MaxAllocs != "" {
		rules += " max_bytes and max_allocs follow the same rule from the larger of the median and the p95, where the package is over package_bytes or package_allocs."
	}
	if x.Usage == nil {
		rules += " usage is UNKNOWN: the budgets file will not load until the requester's figure (0 to 1) replaces it."
	}
	if x.Justification == placeholderJustification {
		rules += " The justification is a placeholder: say which use case cannot wait for a lazy init (-justification TEXT)."
	}
	if x.Evidence == placeholderEvidence {
		rules += " evidence is a placeholder: write this document to a file with -o and it names that file."
	}
	md.p(rules)
}

// WriteChart writes an SVG chart of the package's init clock per traced
// run beside the total init's (and its retained cost's, when that holds
// other packages' inits), in the unit that suits the largest value.
func (e *Evidence) WriteChart(w io.Writer) error {
	var series []chart.Series
	add := func(name string, values []float64) {
		series = append(series, chart.Series{Name: name, Values: values})
	}
	add(e.Package, e.Init.ClockNs.Values)
	if rt := e.Retained; rt != nil && rt.PerRun && len(rt.WithInit) > 1 {
		add("retained by it", rt.ClockNs.Values)
	}
	add("total init", e.Total.Values)
	high := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			high = max(high, v)
		}
	}
	name, scale := "ns", 1.0
	switch {
	case high >= 1e9:
		name, scale = "s", 1e9
	case high >= 1e6:
		name, scale = "ms", 1e6
	case high >= 1e3:
		name, scale = "µs", 1e3
	}
	for i := range series {
		vs := make([]float64, len(series[i].Values))
		for j, v := range series[i].Values {
			vs[j] = v / scale
		}
		series[i].Values = vs
	}
	title := fmt.Sprintf("init clock over %s", plural(e.Measured.Runs, "traced run"))
	return chart.Distribution(w, title, name, series...)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
