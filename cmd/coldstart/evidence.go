package main

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/build"
	"github.com/coldstart-dev/coldstart/harness/evidence"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// evidenceFlags are the flags of evidence beyond the measuring ones.
type evidenceFlags struct {
	pkg           string
	coldStarts    string
	usage         string
	uses          string
	budgets       string
	today         string
	justification string
	result        string
	format        string
	out           string
}

func (f *evidenceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.pkg, "package", "", "the package to bring evidence for (import path, or main)")
	fs.StringVar(&f.coldStarts, "cold-starts", "", "cold starts per day, `N/day`")
	fs.StringVar(&f.usage, "usage", "", "share of processes that use the package, `FRACTION` from 0 to 1")
	fs.StringVar(&f.uses, "uses", "", "processes per day that use the package, `N/day`")
	fs.StringVar(&f.budgets, "budgets", "", "budgets `file` to judge against (default: the scenario's)")
	fs.StringVar(&f.today, "today", "", "date of the document and the exception audits, YYYY-MM-DD (default: today)")
	fs.StringVar(&f.justification, "justification", "", "the exception entry's justification `text`")
	fs.StringVar(&f.result, "result", "", "read a `file` written by coldstart run -format json instead of measuring")
	fs.StringVar(&f.format, "format", "markdown", "output `format`: markdown or json")
	fs.StringVar(&f.out, "o", "", "write the document to `file` (and its chart beside it) instead of stdout")
}

// evidenceInput is what the flags say, checked before anything is built or
// run.
type evidenceInput struct {
	format report.Format
	demand evidence.Demand
	today  time.Time
	chart  string // the chart file written beside -o, "" for none
}

// check validates every flag that needs no file or program.
func (f *evidenceFlags) check(set map[string]bool) (*evidenceInput, error) {
	in := &evidenceInput{}
	if f.pkg == "" {
		return nil, usageErr("evidence: -package PKG is required")
	}
	switch f.format {
	case "markdown", "md":
		in.format = report.Markdown
	case "json":
		in.format = report.JSON
	default:
		return nil, usageErr("-format %q: want markdown or json", f.format)
	}
	var err error
	if set["cold-starts"] {
		v, err := evidence.ParseRate(f.coldStarts)
		if err != nil {
			return nil, usageErr("-cold-starts %v", err)
		}
		in.demand.ColdStarts = &v
	}
	if set["usage"] && set["uses"] {
		return nil, usageErr("-usage and -uses: give one (a share of processes, or their number per day)")
	}
	if set["usage"] {
		v, err := evidence.ParseUsage(f.usage)
		if err != nil {
			return nil, usageErr("-usage %v", err)
		}
		in.demand.Usage = &v
	}
	if set["uses"] {
		v, err := evidence.ParseRate(f.uses)
		if err != nil {
			return nil, usageErr("-uses %v", err)
		}
		in.demand.Uses = &v
	}
	in.today = time.Now()
	if f.today != "" {
		if in.today, err = time.Parse(time.DateOnly, f.today); err != nil {
			return nil, usageErr("-today %q: want YYYY-MM-DD", f.today)
		}
	}
	if f.out != "" {
		if err := outputDir("-o", f.out); err != nil {
			return nil, err
		}
		if in.format == report.Markdown {
			in.chart = strings.TrimSuffix(f.out, filepath.Ext(f.out)) + ".svg"
			if filepath.Clean(in.chart) == filepath.Clean(f.out) {
				return nil, usageErr("-o %s: the chart goes to NAME.svg beside the document; name the document NAME.md", f.out)
			}
		}
	}
	if f.result != "" {
		// These measuring flags mean nothing for a saved result; the build
		// flags and -dir still locate the target's import graph.
		for _, name := range []string{"n", "warmup", "timeout", "env", "accept-exit", "ready-log", "ready-port", "grace", "telemetry-off", "keep-traces"} {
			if set[name] {
				return nil, usageErr("-result and -%s: a saved result was measured already; -%s applies to measuring", name, name)
			}
		}
	}
	return in, nil
}

func cmdEvidence(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m measureFlags
	var ef evidenceFlags
	fs := newFlagSet("evidence", stderr, &m, &ef)
	pos, targetArgs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	in, err := ef.check(set)
	if err != nil {
		return err
	}

	// What to measure, or what was measured: a saved result names its
	// target, which a TARGET or scenario on the command line overrides.
	var saved *result.Result
	if ef.result != "" {
		if targetArgs != nil {
			return usageErr("-result and arguments after --: they apply to measuring, and the saved result was measured already")
		}
		if saved, err = readSavedResult(ef.result); err != nil {
			return err
		}
	}
	var p *plan
	if saved == nil || len(pos) > 0 || m.scenario != "" {
		p, err = m.makePlan(fs, pos, targetArgs)
	} else {
		p, err = planOf(saved, ef.result, m, set)
	}
	if err != nil {
		return err
	}
	var b *budget.Budgets
	if path := cmp.Or(ef.budgets, p.budgets); path != "" {
		if b, err = budget.Load(path); err != nil {
			return &codeError{exitUsage, err}
		}
	}

	// The import graph comes before any measuring, so that a misspelled
	// package costs no runs.
	g, err := evidenceGraph(ctx, p)
	if err != nil {
		return fmt.Errorf("finding the packages of %s: %w", p.name, err)
	}
	if saved != nil && saved.Target.MainPackage != "" && saved.Target.MainPackage != g.Main() {
		return usageErr("-result %s measured %s, but %s is %s: give the TARGET it measured", ef.result, saved.Target.MainPackage, p.name, g.Main())
	}
	pkg, err := linkedPackage(g, "evidence", ef.pkg, p.name)
	if err != nil {
		return err
	}

	command := append([]string{"coldstart", "evidence"}, args...)
	r := saved
	if r == nil {
		var exe *build.Executable
		if r, exe, err = measure(ctx, p, stderr, command); err != nil {
			return err
		}
		defer exe.Close()
	}
	chartRef := ""
	if in.chart != "" {
		chartRef = filepath.Base(in.chart)
	}
	ev, err := evidence.Assemble(evidence.Input{
		Package:       pkg,
		Result:        r,
		ResultFile:    ef.result,
		Graph:         g,
		Budgets:       b,
		Demand:        in.demand,
		Justification: ef.justification,
		Document:      ef.out,
		Chart:         chartRef,
		Today:         in.today,
		Command:       command,
	})
	if err != nil {
		return err
	}
	return writeEvidence(ev, in, ef.out, stdout)
}

// writeEvidence renders the document, and its chart when it has one, in
// memory first, so that a failure leaves no file behind, then writes each
// atomically: the chart first, removed again if the document fails.
func writeEvidence(ev *evidence.Evidence, in *evidenceInput, out string, stdout io.Writer) error {
	var doc, svg bytes.Buffer
	var err error
	if in.format == report.JSON {
		err = ev.WriteJSON(&doc)
	} else {
		err = ev.WriteMarkdown(&doc)
	}
	if err != nil {
		return fmt.Errorf("writing the evidence for %s: %w", ev.Package, err)
	}
	if out == "" {
		_, err := stdout.Write(doc.Bytes())
		return err
	}
	if in.chart != "" {
		if err := ev.WriteChart(&svg); err != nil {
			return fmt.Errorf("drawing the chart of %s: %w", ev.Package, err)
		}
		if err := report.WriteFile(in.chart, func(w io.Writer) error { _, err := w.Write(svg.Bytes()); return err }); err != nil {
			return err
		}
	}
	if err := report.WriteFile(out, func(w io.Writer) error { _, err := w.Write(doc.Bytes()); return err }); err != nil {
		if in.chart != "" {
			os.Remove(in.chart)
		}
		return err
	}
	return nil
}

// readSavedResult reads a saved `coldstart run -format json` result; a file
// that is missing or not such a result is an input error.
func readSavedResult(path string) (*result.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr("-result: %v", err)
	}
	defer f.Close()
	r, err := result.Read(f, path)
	if err != nil {
		return nil, &codeError{exitUsage, err}
	}
	if r.Runs == 0 {
		return nil, usageErr("-result %s: no traced runs in it", path)
	}
	return r, nil
}

// planOf is the plan that locates a saved result's target: its spec,
// build flags and directory (-dir overrides the directory), for the import
// graph only; nothing is run.
func planOf(r *result.Result, file string, m measureFlags, set map[string]bool) (*plan, error) {
	dir := r.Settings.Dir
	if set["dir"] {
		dir = m.dir
	}
	t, err := build.Resolve(r.Target.Spec, dir, r.Target.BuildFlags)
	if err != nil {
		where := "the current directory"
		if dir != "" {
			where = "directory " + dir
		}
		return nil, usageErr("-result %s: its %v in %s: give the TARGET it measured, and -dir", file, err, where)
	}
	return &plan{name: r.Target.Spec, target: t, cache: m.cache}, nil
}

// evidenceGraph is the import graph of the plan's target, found before
// anything runs: `go list` for a local package or a module version, the
// file for an executable.
func evidenceGraph(ctx context.Context, p *plan) (*importgraph.Graph, error) {
	if p.target.Kind != build.Binary {
		return graphOf(ctx, p, nil)
	}
	exe, err := build.Build(ctx, p.target, buildCache(p))
	if err != nil {
		return nil, targetErr(err)
	}
	defer exe.Close()
	return graphOf(ctx, p, exe)
}
