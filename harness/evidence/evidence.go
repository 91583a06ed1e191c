// Package evidence assembles the evidence that a request for a budget
// exception needs, and writes it as a Markdown document or as JSON. It sits
// at the end of coldstart's pipeline, beside report:
//
//	result + importgraph + budget -> evidence -> Markdown, JSON (and a chart)
//
// Whoever wants a heavy package on the startup path brings what a reviewer
// asks for: how the cost was measured and how to measure it again; the
// package's init distribution and its share of the total; what removing it
// would save (its retained cost); the import chains that bring it in; a
// cost-benefit analysis of eager against lazy initialisation from the
// requester's usage data; the verdict of the current budgets file; and an
// exception entry ready to paste into that file.
//
// # Figures
//
// The package's own figures are its result.Package metrics exactly as
// `coldstart run -format json` wrote them; a linked package with no init
// line has zero cost. Its share is its median clock over the median total
// init, as in `coldstart run`.
//
// The retained cost is the init cost of the packages that would leave the
// program with the package (importgraph.Graph.Dominated: the package and
// every package it dominates in the import graph). It is computed per
// traced run: in run i, the retained clock is the sum over those packages
// of their clock in run i (a package's values are in traced-run order, one
// per run; a package with no init line adds 0). The per-run sums are then
// summarised like any metric (median with its distribution-free confidence
// interval, p95, min, max), so the retained cost has a real distribution
// rather than a sum of medians; bytes and allocs likewise. If some retained
// package misses some runs (a run that stopped early), per-run sums cannot
// be formed and only the sum of medians is given (Retained.PerRun false).
// A graph read from a binary has no edges, hence no retained cost and no
// chains.
//
// # Cost-benefit
//
// A package initialised eagerly costs its init in every cold start; one
// initialised lazily (on first use, behind a sync.Once) costs it once in
// each process that uses it. With C cold starts a day and a cost T (the
// median init clock), eager costs T×C a day; with U first uses a day, lazy
// costs T×U. U is usage×C with -usage (the share of cold starts, that is of
// processes, that use the package), or the -uses figure capped at C (a
// process pays at most once). The decision is the cheaper of the two, and
// the ratio eager/lazy (1/usage) says by how much. Inputs that are missing
// are named in Needed; no figure is invented.
//
// # The exception entry
//
// max is the measured p95 init clock times Headroom (1.25), rounded up to
// two significant digits (4.37ms -> 5.47ms -> 5.5ms): above the median's
// confidence interval, which `coldstart check` compares with it, with room
// for a slower machine day, and short enough to read. max_bytes and
// max_allocs are added, by the same rule from the larger of median and p95,
// only where the budgets file sets package_bytes or package_allocs and the
// package's median is over it. review_by is ReviewDays (90) days after the
// document's date; approved_on is that date and approved_by a placeholder
// for the approver. usage is the requester's figure; when it is unknown the
// entry says so, and the budgets file will not load until it is filled in.
package evidence

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Schema names the JSON layout written by WriteJSON.
const Schema = "coldstart/evidence/v1"

// MaxChains is the number of import chains an evidence document lists,
// shortest first; it says when there are more.
const MaxChains = 10

// Headroom multiplies the measured p95 to give an exception's max.
const Headroom = 1.25

// ReviewDays is the time from the document's date to the review_by date of
// the exception entry it proposes.
const ReviewDays = 90

// traceMain is the name inittrace gives the main package.
const traceMain = "main"

// Input is what an evidence document is made from.
type Input struct {
	Package string         // import path, as in the import graph
	Result  *result.Result // the measurement
	// ResultFile is the file Result was read from; "" when it was measured
	// for this document.
	ResultFile string
	// Graph is the measured program's import graph; nil when unknown.
	Graph *importgraph.Graph
	// Budgets is the budgets file to judge against; nil for none.
	Budgets *budget.Budgets
	Demand  Demand
	// Justification is the requester's reason; "" leaves a placeholder.
	Justification string
	// Document is where the document will be written, the exception's
	// evidence; "" (standard output) leaves a placeholder.
	Document string
	// Chart is the chart's path as the document refers to it; "" for none.
	Chart   string
	Today   time.Time
	Command []string // the command line that writes the document
}

// Evidence is the assembled document.
type Evidence struct {
	Schema   string   `json:"schema"`
	Date     string   `json:"date"` // of the document, YYYY-MM-DD
	Command  []string `json:"command,omitempty"`
	Package  string   `json:"package"`
	Measured Measured `json:"measured"`
	Init     Cost     `json:"init"`
	// Total is the total init clock per traced run, as in the result.
	Total       result.Metric `json:"total_init_ns"`
	Retained    *Retained     `json:"retained,omitempty"`
	Imports     Imports       `json:"imports"`
	CostBenefit CostBenefit   `json:"cost_benefit"`
	Budget      *Verdict      `json:"budget,omitempty"`
	Exception   *Entry        `json:"exception,omitempty"`
	Chart       string        `json:"chart,omitempty"`
	Notes       []string      `json:"notes,omitempty"`
}

// Measured says what was measured, where and how, and how to do it again.
type Measured struct {
	Target   result.Target   `json:"target"`
	Machine  result.Machine  `json:"machine"`
	Settings result.Settings `json:"settings"`
	Runs     int             `json:"runs"`
	Date     time.Time       `json:"date"`
	Command  []string        `json:"command,omitempty"` // the command that measured
	Result   string          `json:"result,omitempty"`  // the result file read, if any
	Packages int             `json:"packages"`          // packages with init work
}

// Cost is the init cost of a package, or of a set of packages summed per
// run.
type Cost struct {
	// InitWork is false for a package with no init line: its metrics are
	// then zeros.
	InitWork bool          `json:"init_work"`
	ClockNs  result.Metric `json:"clock_ns"`
	Bytes    result.Metric `json:"bytes"`
	Allocs   result.Metric `json:"allocs"`
	Share    float64       `json:"share"` // median clock over median total init
}

// Retained is the cost that would leave the program with the package.
type Retained struct {
	Cost
	Packages []string `json:"packages"`  // the package and those it dominates, by path
	WithInit []string `json:"with_init"` // those of Packages with init work
	// PerRun is true when the metrics are per-run sums; false when only
	// medians, summed, are known (ClockNs.Median and so on).
	PerRun bool `json:"per_run"`
}

// Imports says why the package is in the program.
type Imports struct {
	Edges      bool   `json:"edges"` // false: the graph has no edges, nothing below is known
	Module     string `json:"module,omitempty"`
	Version    string `json:"version,omitempty"`
	Standard   bool   `json:"standard,omitempty"`
	MainModule bool   `json:"main_module,omitempty"`
	// DirectDep is the main module's direct dependency that brings the
	// package in; "" for the standard library and the main module.
	DirectDep  string     `json:"direct_dep,omitempty"`
	Chains     [][]string `json:"chains,omitempty"`      // shortest first, at most MaxChains
	MoreChains bool       `json:"more_chains,omitempty"` // there are more than MaxChains
}

// Assemble builds the evidence for in.Package. The package must be in
// in.Graph when there is one, or have init work in in.Result when not.
func Assemble(in Input) (*Evidence, error) {
	r := in.Result
	if r == nil {
		return nil, fmt.Errorf("evidence for %s: no result", in.Package)
	}
	if err := in.Demand.Validate(); err != nil {
		return nil, fmt.Errorf("evidence for %s: %w", in.Package, err)
	}
	g := in.Graph
	tracePath := in.Package
	if g != nil {
		if !g.Has(in.Package) {
			return nil, fmt.Errorf("evidence for %s: the package is not linked into %s", in.Package, g.Main())
		}
		if in.Package == g.Main() {
			tracePath = traceMain
		}
	} else if _, ok := r.Package(in.Package); !ok {
		return nil, fmt.Errorf("evidence for %s: the package has no init work in the result, and there is no import graph to tell whether it is linked", in.Package)
	}
	today := in.Today
	e := &Evidence{
		Schema:  Schema,
		Date:    today.Format(time.DateOnly),
		Command: in.Command,
		Package: in.Package,
		Measured: Measured{
			Target:   r.Target,
			Machine:  r.Machine,
			Settings: r.Settings,
			Runs:     r.Runs,
			Date:     r.Date,
			Command:  r.Command,
			Result:   in.ResultFile,
			Packages: len(r.Packages),
		},
		Total: r.Total.InitNs,
		Chart: in.Chart,
	}
	if p, ok := r.Package(tracePath); ok {
		e.Init = Cost{InitWork: true, ClockNs: p.ClockNs, Bytes: p.Bytes, Allocs: p.Allocs, Share: p.Share}
	} else {
		zeros := make([]float64, r.Runs)
		e.Init = Cost{ClockNs: metric(zeros, unit.Duration), Bytes: metric(zeros, unit.Bytes), Allocs: metric(zeros, unit.Count)}
	}
	if g != nil {
		e.Imports = imports(g, in.Package)
		e.Retained = retained(r, g, in.Package)
	}
	if g == nil || !g.HasEdges() {
		e.Notes = append(e.Notes, "the import graph has no edges (it was read from a binary, or is unknown): the import chains, the direct dependency and the retained cost are unknown")
	}
	for _, w := range r.Warnings {
		e.Notes = append(e.Notes, "measurement: "+w)
	}
	if r.Settings.Runs > 0 && r.Runs < r.Settings.Runs {
		e.Notes = append(e.Notes, fmt.Sprintf("only %d of %d traced runs were counted", r.Runs, r.Settings.Runs))
	}
	e.CostBenefit = costBenefit(e.Init.ClockNs.Median, in.Demand)
	if in.Budgets != nil {
		e.Budget = verdict(in.Budgets, r, g, in.Package, tracePath, today)
	}
	e.Exception = entry(e, in)
	return e, nil
}

// metric summarises values like result does, warnings in format's units.
func metric(values []float64, format func(float64) string) result.Metric {
	return result.Metric{Summary: stats.Summarize(values), Values: values, Warnings: stats.CheckIn(values, format)}
}

// imports describes where pkg comes from.
func imports(g *importgraph.Graph, pkg string) Imports {
	p, _ := g.Package(pkg)
	im := Imports{
		Edges:      g.HasEdges(),
		Module:     p.Module,
		Version:    p.Version,
		Standard:   p.Standard,
		MainModule: pkg == g.Main() || (p.Module != "" && p.Module == g.MainModule()),
	}
	if !im.Edges {
		return im
	}
	im.DirectDep = g.DirectDep(pkg)
	chains := g.Chains(pkg, MaxChains+1)
	if len(chains) > MaxChains {
		chains, im.MoreChains = chains[:MaxChains], true
	}
	im.Chains = chains
	return im
}

// retained sums, run by run, the cost of the packages that would leave the
// program with pkg. It returns nil when the graph has no edges.
func retained(r *result.Result, g *importgraph.Graph, pkg string) *Retained {
	members := g.Dominated(pkg)
	if members == nil {
		return nil
	}
	ret := &Retained{Packages: members, PerRun: true}
	var inits []*result.Package
	for _, m := range members {
		path := m
		if m == g.Main() {
			path = traceMain
		}
		if p, ok := r.Package(path); ok {
			inits = append(inits, p)
			ret.WithInit = append(ret.WithInit, m)
			if len(p.ClockNs.Values) != r.Runs || len(p.Bytes.Values) != r.Runs || len(p.Allocs.Values) != r.Runs {
				ret.PerRun = false
			}
		}
	}
	if ret.WithInit == nil {
		ret.WithInit = []string{}
	}
	ret.InitWork = len(inits) > 0
	if !ret.PerRun {
		for _, p := range inits {
			ret.ClockNs.Median += p.ClockNs.Median
			ret.Bytes.Median += p.Bytes.Median
			ret.Allocs.Median += p.Allocs.Median
		}
	} else {
		clock := make([]float64, r.Runs)
		bytes := make([]float64, r.Runs)
		allocs := make([]float64, r.Runs)
		for _, p := range inits {
			for i := range r.Runs {
				clock[i] += p.ClockNs.Values[i]
				bytes[i] += p.Bytes.Values[i]
				allocs[i] += p.Allocs.Values[i]
			}
		}
		ret.ClockNs = metric(clock, unit.Duration)
		ret.Bytes = metric(bytes, unit.Bytes)
		ret.Allocs = metric(allocs, unit.Count)
	}
	if t := r.Total.InitNs.Median; t > 0 {
		ret.Share = ret.ClockNs.Median / t
	}
	return ret
}

// WriteJSON writes e as indented JSON, schema coldstart/evidence/v1.
func (e *Evidence) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}

// ShellQuote joins a command line so that a POSIX shell reads back the
// same arguments: arguments of safe characters stay as they are, others
// are single-quoted.
func ShellQuote(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = quoteArg(a)
	}
	return strings.Join(out, " ")
}

func quoteArg(a string) string {
	if a == "" {
		return "''"
	}
	safe := true
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_@%+=:,./-", c)) {
			safe = false
			break
		}
	}
	if safe {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// finite reports whether x is a usable number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
