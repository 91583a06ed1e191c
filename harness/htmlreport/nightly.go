// Package htmlreport writes the report of a nightly run of coldstart over a
// suite of scenarios: one self-contained HTML page for people (charts
// inlined as SVG, styles inline, no script, nothing fetched from anywhere),
// a Markdown summary for CI job summaries, and JSON for machines (schema
// coldstart/nightly/v1). It sits at the end of the pipeline, beside report:
//
//	result + budget + trend -> htmlreport (charts from chart, budget tables from report)
//
// The caller measures, checks and records; this package only renders what
// it is given in a Nightly.
package htmlreport

import (
	"encoding/json"
	"io"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// Schema names the JSON layout written by WriteJSON. It changes only when a
// field changes meaning or disappears; added fields keep the version.
const Schema = "coldstart/nightly/v1"

// The status of a scenario in a nightly run.
const (
	Pass  = "pass"  // measured and recorded; no check failed
	Fail  = "fail"  // measured and recorded; a budget, audit or trend check failed
	Error = "error" // not measured or not recorded: see Scenario.Error
)

// Nightly is one nightly run over a directory of scenarios.
type Nightly struct {
	Schema string    `json:"schema"`
	Date   time.Time `json:"date"`  // when the run started
	Today  string    `json:"today"` // the date of the exception audits, YYYY-MM-DD
	Dir    string    `json:"scenarios_dir"`
	Store  string    `json:"store"` // the history store the runs were recorded in
	// ExitCode is the command's exit code: 1 if a check failed, else 2 if
	// a scenario or budgets file was bad, else 3 if a target failed to
	// build or run or a result could not be recorded, else 0.
	ExitCode  int        `json:"exit_code"`
	Scenarios []Scenario `json:"scenarios"` // in file-name order
}

// Scenario is the outcome of one scenario of a nightly run.
type Scenario struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	Status string `json:"status"` // Pass, Fail or Error
	// ExitCode is what `coldstart check` would have exited with for this
	// scenario alone: 0, 1, or for an Error 2 (bad scenario or budgets
	// file) or 3 (the target failed, or the result was not recorded).
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"` // one line: why there is no result
	// Target, Machine, Runs, TotalInit and Wall summarise Result.
	Target    *result.Target     `json:"target,omitempty"`
	Machine   string             `json:"machine,omitempty"` // result.Machine.Fingerprint()
	Runs      int                `json:"runs,omitempty"`
	TotalInit *stats.Summary     `json:"total_init_ns,omitempty"`
	Wall      *stats.Summary     `json:"wall_ns,omitempty"`
	Budgets   *budget.Report     `json:"budgets,omitempty"` // nil: the scenario names no budgets file
	Trend     *Trend             `json:"trend,omitempty"`
	Warnings  []string           `json:"warnings,omitempty"`
	Result    *result.Result     `json:"-"` // the full measurement, for the charts
	Graph     *importgraph.Graph `json:"-"` // the target's import graph, for module colours; may be nil
}

// SetResult sets the scenario's result and the summary of it that the JSON
// carries.
func (s *Scenario) SetResult(r *result.Result) {
	s.Result = r
	s.Target = &r.Target
	s.Machine = r.Machine.Fingerprint()
	s.Runs = r.Runs
	s.TotalInit = &r.Total.InitNs.Summary
	s.Wall = &r.Total.WallNs.Summary
	s.Warnings = r.Warnings
}

// Trend is the trend check of a scenario: the analysis of its history
// (package trend: the records comparable with today's, same machine
// fingerprint and Go version) and the nightly's verdicts on it.
type Trend struct {
	Analysis *trend.Report `json:"analysis,omitempty"` // nil when the history could not be read
	// Findings are the verdicts: a slowdown found today for the first
	// time fails; one found before, and speedups, inform.
	Findings []Finding `json:"findings,omitempty"`
	// Notes say what was not compared or not checked, and why: the
	// analysis's notes and those of its series.
	Notes []string `json:"notes,omitempty"`
	// InitCI holds the 95% confidence interval of the median total init of
	// each night of the analysis's init series, in the same order.
	InitCI []Interval `json:"init_ci,omitempty"`
}

// Interval is a confidence interval.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Finding is one verdict of a trend check.
type Finding struct {
	Severity string `json:"severity"` // budget.Fail, budget.Warn or Info
	Kind     string `json:"kind"`     // trend.Shifted or trend.Creeping
	Series   string `json:"series"`   // "init", "wall", "bytes" or a package path
	Msg      string `json:"msg"`
}

// Info is the severity of a trend finding that needs no action: a
// speedup, or a slowdown already reported on an earlier night.
const Info = "info"

// Failed reports whether the trend check failed.
func (t *Trend) Failed() bool {
	if t == nil {
		return false
	}
	for _, f := range t.Findings {
		if f.Severity == budget.Fail {
			return true
		}
	}
	return false
}

// init returns the analysis's total init series, or nil.
func (t *Trend) init() *trend.Series {
	if t == nil || t.Analysis == nil {
		return nil
	}
	for i := range t.Analysis.Totals {
		if t.Analysis.Totals[i].Name == "init" {
			return &t.Analysis.Totals[i]
		}
	}
	return nil
}

// Counts returns how many scenarios passed, failed a check, and could not
// be measured.
func (n *Nightly) Counts() (pass, fail, errs int) {
	for _, s := range n.Scenarios {
		switch s.Status {
		case Pass:
			pass++
		case Fail:
			fail++
		default:
			errs++
		}
	}
	return pass, fail, errs
}

// WriteJSON writes n as indented JSON, schema coldstart/nightly/v1.
func WriteJSON(w io.Writer, n *Nightly) error {
	out := *n
	out.Schema = Schema
	if out.Scenarios == nil {
		out.Scenarios = []Scenario{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
