package htmlreport

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/chart"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/stats"
	"github.com/coldstart-dev/coldstart/harness/trend"
	"github.com/coldstart-dev/coldstart/harness/unit"
)

//go:embed page.html
var pageTemplate string

// waterfallRows is how many packages the waterfall shows: the longest
// inits, enough to see where the time goes, few enough to read the rows.
const waterfallRows = 40

// page is what the template renders: every text is plain and escaped by
// html/template, every chart an SVG document drawn by package chart.
type page struct {
	Title     string
	Day       string
	Verdict   string
	Class     string // pass, fail or error: the verdict's colour
	Dir       string
	Store     string
	Today     string
	ExitCode  int
	Scenarios []scenarioView
}

type scenarioView struct {
	Anchor, Name, File, Status string
	ExitCode                   int
	Error                      string
	Target, Machine            string
	Runs                       int
	TotalInit, Wall            string
	Warnings                   []string

	HasBudgets    bool
	BudgetFile    string
	BudgetVerdict string
	Findings      []findingView
	BudgetNotes   []string

	Waterfall, Distribution, Trend template.HTML
	ModulesFrom                    string
	ChartErrors                    []string

	HasTrend      bool
	TrendShort    string
	TrendSummary  string
	TrendFindings []Finding
	TrendNotes    []string
}

type findingView struct {
	Severity, Class, What, Measured, Limit, Source, Msg string
}

// WriteHTML writes n as one self-contained HTML page: per scenario the
// budget verdicts, an init waterfall of the representative run, the
// distribution of total init and wall time, and the history of total init
// with its change points; the error of every scenario that was not
// measured. Charts are inline SVG, styles are inline, there is no script,
// and a Content-Security-Policy forbids loading anything, so the page reads
// the same offline, from a CI artifact or a mail attachment. A chart that
// cannot be drawn is replaced by its error; the page is still written.
func WriteHTML(w io.Writer, n *Nightly) error {
	tmpl, err := template.New("page").Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("parsing the report template: %w", err)
	}
	pass, fail, errs := n.Counts()
	pg := page{
		Day:      n.Date.Format("2006-01-02 15:04 MST"),
		Dir:      n.Dir,
		Store:    n.Store,
		Today:    n.Today,
		ExitCode: n.ExitCode,
	}
	pg.Verdict, pg.Class = verdict(pass, fail, errs)
	pg.Title = fmt.Sprintf("coldstart nightly %s: %s", n.Date.Format("2006-01-02"), pg.Verdict)
	anchors := map[string]bool{}
	for _, s := range n.Scenarios {
		pg.Scenarios = append(pg.Scenarios, view(s, anchors))
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, pg); err != nil {
		return fmt.Errorf("rendering the report: %w", err)
	}
	_, err = buf.WriteTo(w)
	return err
}

// verdict is the one-line outcome of the whole run and its colour.
func verdict(pass, fail, errs int) (string, string) {
	total := pass + fail + errs
	switch {
	case total == 0:
		return "no scenarios", Error
	case fail > 0 && errs > 0:
		return fmt.Sprintf("FAIL: %d of %d scenarios failed a check, %d not measured", fail, total, errs), Fail
	case fail > 0:
		return fmt.Sprintf("FAIL: %d of %d scenarios failed a check", fail, total), Fail
	case errs == total:
		return fmt.Sprintf("ERROR: %s, none measured", plural(total, "scenario")), Error
	case errs > 0:
		return fmt.Sprintf("ERROR: %d of %d scenarios not measured; the other %d passed", errs, total, pass), Error
	}
	return fmt.Sprintf("PASS: all %d scenarios passed", total), Pass
}

func view(s Scenario, anchors map[string]bool) scenarioView {
	v := scenarioView{
		Anchor: anchor(s.Name, anchors), Name: s.Name, File: s.File, Status: s.Status,
		ExitCode: s.ExitCode, Error: s.Error, Machine: s.Machine, Runs: s.Runs, Warnings: s.Warnings,
	}
	if s.Target != nil {
		v.Target = s.Target.Spec
		if s.Target.GoVersion != "" {
			v.Target += ", " + s.Target.GoVersion
		}
		if s.Target.Revision != "" {
			v.Target += ", rev " + s.Target.Revision
		}
	}
	v.TotalInit = summary(s.TotalInit)
	v.Wall = summary(s.Wall)
	if b := s.Budgets; b != nil {
		v.HasBudgets = true
		v.BudgetFile = b.File
		v.BudgetVerdict = budgetVerdict(b)
		v.BudgetNotes = b.Notes
		for _, f := range b.Findings {
			v.Findings = append(v.Findings, findingOf(f, b.FailUncertain))
		}
	}
	if r := s.Result; r != nil {
		v.Waterfall = v.draw("init waterfall", func(w io.Writer) error {
			return chart.Waterfall(w, s.Name+": init of the representative run", r.Timeline,
				chart.WaterfallOptions{Module: moduleFunc(s), Max: waterfallRows})
		})
		v.ModulesFrom = "modules from the import graph"
		if s.Graph == nil {
			v.ModulesFrom = "modules guessed from import paths"
		}
		v.Distribution = v.draw("distribution", func(w io.Writer) error {
			return chart.Distribution(w, fmt.Sprintf("%s: %d runs", s.Name, r.Runs), "ms",
				chart.Series{Name: "total init (traced runs)", Values: inMs(r.Total.InitNs.Values)},
				chart.Series{Name: "wall (untraced runs)", Values: inMs(r.Total.WallNs.Values)})
		})
	}
	if t := s.Trend; t != nil {
		v.HasTrend = true
		v.TrendFindings = t.Findings
		v.TrendNotes = t.Notes
		v.TrendSummary = trendSummary(t)
		v.TrendShort = trendShort(t)
		if t.Analysis != nil {
			v.Trend = v.draw("trend", func(w io.Writer) error { return trendChart(w, s.Name, t) })
		}
	}
	return v
}

// draw renders one chart as inline SVG markup, or records its error.
func (v *scenarioView) draw(what string, f func(io.Writer) error) template.HTML {
	var buf bytes.Buffer
	if err := f(&buf); err != nil {
		v.ChartErrors = append(v.ChartErrors, fmt.Sprintf("%s: %v", what, err))
		return ""
	}
	return inlineSVG(buf.String())
}

// inlineSVG turns an SVG document drawn by package chart into markup for
// an HTML page: the XML declaration goes (HTML has none), the <svg>
// element stays. The SVG is trusted markup: gonum writes every text it
// draws (titles, package paths) XML-escaped, which chart's tests check.
func inlineSVG(doc string) template.HTML {
	if i := strings.Index(doc, "<svg"); i >= 0 {
		doc = doc[i:]
	}
	return template.HTML(doc)
}

// moduleFunc names the module of each package for the waterfall's colours:
// from the import graph when there is one, chart.ModuleOf's guess otherwise.
func moduleFunc(s Scenario) func(string) string {
	if s.Graph == nil {
		return nil
	}
	return func(pkg string) string {
		p, ok := s.Graph.Package(pkg)
		switch {
		case !ok:
			return ""
		case p.Standard:
			return chart.StdModule
		}
		return p.Module
	}
}

// trendChart draws the median total init of the analysed nights with
// their confidence intervals, and the shift in it, if one was found.
func trendChart(w io.Writer, name string, t *Trend) error {
	in := t.init()
	if in == nil || len(in.Points) == 0 {
		return errors.New("no nights analysed")
	}
	layout := dateLayout(in.Points)
	pts := make([]chart.TrendPoint, len(in.Points))
	for i, p := range in.Points {
		pts[i] = chart.TrendPoint{Label: p.Date.Format(layout), Value: p.Value / 1e6}
		if i < len(t.InitCI) {
			pts[i].Low, pts[i].High = t.InitCI[i].Low/1e6, t.InitCI[i].High/1e6
		}
	}
	var changes []chart.TrendChange
	if in.Shift.Found {
		changes = append(changes, chart.TrendChange{At: in.Shift.Index, Label: fmt.Sprintf("%+.0f%%", in.Shift.Rel*100)})
	}
	return chart.Trend(w, fmt.Sprintf("%s: median total init, %s", name, plural(len(pts), "night")), "ms", pts, changes)
}

// dateLayout is the shortest date layout that tells the points apart:
// the day for nightly records, the time too when there are several a day.
func dateLayout(pts []trend.Point) string {
	for _, layout := range []string{"2006-01-02", "01-02 15:04", "01-02 15:04:05"} {
		seen := map[string]bool{}
		for _, p := range pts {
			seen[p.Date.Format(layout)] = true
		}
		if len(seen) == len(pts) {
			return layout
		}
	}
	return "01-02 15:04:05.000"
}

// trendShort is the trend check's verdict in a few words, for the overview.
func trendShort(t *Trend) string {
	v := "pass"
	if t.Failed() {
		v = "FAIL"
	}
	if t.Analysis == nil {
		return v + ": not analysed"
	}
	s := fmt.Sprintf("%s: %s", v, plural(t.Analysis.Nights, "night"))
	if in := t.init(); in != nil && in.Verdict == trend.Untested {
		s += ", too few to test"
	}
	if n := len(t.Findings); n > 0 {
		s += ", " + plural(n, "change")
	}
	return s
}

// trendSummary says what was compared and what was found.
func trendSummary(t *Trend) string {
	a := t.Analysis
	if a == nil {
		return "the history could not be analysed"
	}
	s := fmt.Sprintf("%s of %s compared (machine %s, %s)", plural(a.Nights, "night"), plural(a.Records, "record"), a.Machine, a.GoVersion)
	switch {
	case len(t.Findings) > 0:
		return s + "; " + plural(len(t.Findings), "change") + " found"
	case t.init() != nil && t.init().Verdict == trend.Untested:
		return s + "; too few nights to test"
	}
	return s + "; no shift or creep"
}

func inMs(ns []float64) []float64 {
	out := make([]float64, len(ns))
	for i, v := range ns {
		out[i] = v / 1e6
	}
	return out
}

// summary is a median with its confidence interval: 4.21ms [4.02ms, 4.40ms].
func summary(s *stats.Summary) string {
	if s == nil || s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%s [%s, %s]", unit.Duration(s.Median), unit.Duration(s.CILow), unit.Duration(s.CIHigh))
}

func budgetVerdict(b *budget.Report) string {
	var fail, unc, warn int
	for _, f := range b.Findings {
		switch f.Severity {
		case budget.Fail:
			fail++
		case budget.Uncertain:
			unc++
		default:
			warn++
		}
	}
	v := "pass"
	if b.Failed() {
		v = "FAIL"
	}
	return fmt.Sprintf("%s: %d failed, %d uncertain, %s (%s)", v, fail, unc, plural(warn, "warning"), b.Statistic)
}

// findingOf lays out a budget finding as the check's table does.
func findingOf(x budget.Finding, failUncertain bool) findingView {
	c := report.Cells(x, failUncertain)
	return findingView{
		Severity: c.Verdict, Class: "sev-" + x.Severity, What: c.What,
		Measured: c.Measured, Limit: c.Limit, Source: c.SetAt, Msg: x.Msg,
	}
}

// anchor is a unique HTML id for a scenario's section.
func anchor(name string, used map[string]bool) string {
	var b strings.Builder
	b.WriteString("scenario-")
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	id := b.String()
	for i := 2; used[id]; i++ {
		id = fmt.Sprintf("%s-%d", b.String(), i)
	}
	used[id] = true
	return id
}
