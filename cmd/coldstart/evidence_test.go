package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/evidence"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/result"
)

const slowPkg = "example.com/targets/heavy/internal/slow"

// saveRun measures a target with coldstart run -format json into dir and
// returns the file and the result.
func saveRun(t *testing.T, dir string, args ...string) (string, *result.Result) {
	t.Helper()
	path := filepath.Join(dir, "run.json")
	args = append([]string{"run", "-format", "json", "-o", path}, args...)
	if code, _, stderr := coldstart(t, args...); code != exitOK {
		t.Fatalf("coldstart %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := result.Read(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return path, r
}

// evidenceJSON runs coldstart evidence -format json and decodes it.
func evidenceJSON(t *testing.T, args ...string) *evidence.Evidence {
	t.Helper()
	e := commandJSON[evidence.Evidence](t, append([]string{"evidence", "-format", "json"}, args...)...)
	if e.Schema != evidence.Schema {
		t.Errorf("schema %q", e.Schema)
	}
	return e
}

// svgTextsOf checks that an SVG file is well-formed XML with an <svg> root
// and returns the contents of its text elements.
func svgTextsOf(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var texts []string
	root, inText := "", false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, strings.TrimSpace(string(tok)))
			}
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element <%s>, want <svg>", path, root)
	}
	return texts
}

// TestEvidenceAgreesWithRun measures the heavy target once with coldstart
// run, then checks that the evidence written from that saved result has
// the same figures and chains, that its chart and document are written
// together, and that its exception entry, pasted into a strict budgets
// file, makes coldstart check pass on a new measurement.
func TestEvidenceAgreesWithRun(t *testing.T) {
	dir := t.TempDir()
	runFile, r := saveRun(t, dir, "-n", "10", "-warmup", "1", "-dir", targets, "./heavy")
	slow, ok := r.Package(slowPkg)
	if !ok {
		t.Fatalf("no %s in the result", slowPkg)
	}
	common := []string{"-result", runFile, "-package", slowPkg, "-budgets", "testdata/budgets/strict.yaml",
		"-cold-starts", "10000/day", "-usage", "0.25", "-today", "2026-11-28"}

	e := evidenceJSON(t, common...)
	if !reflect.DeepEqual(e.Init.ClockNs, slow.ClockNs) || !reflect.DeepEqual(e.Init.Bytes, slow.Bytes) ||
		!reflect.DeepEqual(e.Init.Allocs, slow.Allocs) || e.Init.Share != slow.Share {
		t.Errorf("the package's figures differ from coldstart run's:\n%+v\n%+v", e.Init.ClockNs.Summary, slow.ClockNs.Summary)
	}
	if !reflect.DeepEqual(e.Total, r.Total.InitNs) {
		t.Errorf("total init differs from coldstart run's")
	}
	if !slices.Equal(e.Measured.Command, r.Command) || e.Measured.Target.Revision != r.Target.Revision || e.Measured.Runs != r.Runs || e.Measured.Result != runFile {
		t.Errorf("measured %+v", e.Measured)
	}
	// The slow package retains itself alone: its retained cost per run is
	// its own clock per run.
	if e.Retained == nil || !slices.Equal(e.Retained.Packages, []string{slowPkg}) || !slices.Equal(e.Retained.ClockNs.Values, slow.ClockNs.Values) {
		t.Errorf("retained %+v", e.Retained)
	}
	g, err := importgraph.Load(context.Background(), targets, "./heavy", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := g.Chains(slowPkg, evidence.MaxChains); !equalChains(e.Imports.Chains, want) {
		t.Errorf("chains %q, want %q", e.Imports.Chains, want)
	}
	cb := e.CostBenefit
	if cb.Decision != evidence.DecideLazy || *cb.Eager != 10000*slow.ClockNs.Median || *cb.Lazy != 2500*slow.ClockNs.Median || *cb.Ratio != 4 {
		t.Errorf("cost-benefit %+v", cb)
	}
	if e.Budget == nil || e.Budget.Status != evidence.NeedsException || e.Exception == nil || !e.Exception.Needed {
		t.Fatalf("verdict %+v, exception %+v", e.Budget, e.Exception)
	}

	// The Markdown document and its chart, side by side.
	out := filepath.Join(dir, "slow.md")
	if code, stdout, stderr := coldstart(t, append([]string{"evidence", "-o", out}, common...)...); code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, want := range []string{
		"| init clock | " + report.Duration(slow.ClockNs.Median) + " | " + report.Duration(slow.ClockNs.CILow) + "–" + report.Duration(slow.ClockNs.CIHigh) + " | " + report.Duration(slow.ClockNs.P95) + " |",
		"| init bytes | " + report.Bytes(slow.Bytes.Median) + " |",
		"| total init clock | " + report.Duration(r.Total.InitNs.Median) + " |",
		"1. `example.com/targets/heavy → " + slowPkg + "`",
		"](slow.svg)",
		"evidence: " + out,
		"    max: " + evidence.CeilDuration(slow.ClockNs.P95*evidence.Headroom) + " ",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	texts := svgTextsOf(t, filepath.Join(dir, "slow.svg"))
	for _, want := range []string{slowPkg, "total init"} {
		if !slices.Contains(texts, want) {
			t.Errorf("chart lacks the series %q: %q", want, texts)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("files in %s: %v, want run.json, slow.md, slow.svg", dir, ents)
	}

	// The entry, pasted under exceptions:, makes the check pass.
	_, block, _ := strings.Cut(doc, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	strict, err := os.ReadFile("testdata/budgets/strict.yaml")
	if err != nil {
		t.Fatal(err)
	}
	budgets := filepath.Join(dir, "budgets.yaml")
	if err := os.WriteFile(budgets, []byte(string(strict)+"exceptions:\n"+block), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := coldstart(t, "check", "-n", "10", "-warmup", "1", "-today", "2026-11-28", "-budgets", budgets, "-dir", targets, "./heavy")
	if code != exitOK {
		t.Errorf("check with the pasted exception: exit %d: %s%s\n%s", code, stdout, stderr, block)
	}
	// And the same evidence against that file finds it covered.
	e = evidenceJSON(t, "-result", runFile, "-package", slowPkg, "-budgets", budgets, "-today", "2026-11-28")
	if e.Budget.Status != evidence.Covered || e.Exception == nil || e.Exception.Needed || e.Exception.Replaces != budgets+":6" {
		t.Errorf("with the exception: verdict %+v, entry %+v", e.Budget, e.Exception)
	}

	// A linked package with no init work costs nothing; "main" is the
	// main package, which retains everything.
	e = evidenceJSON(t, "-result", runFile, "-package", "unicode/utf8")
	if e.Init.InitWork || e.Init.ClockNs.Median != 0 || e.Exception != nil || e.CostBenefit.Decision != evidence.DecideNone {
		t.Errorf("unicode/utf8: %+v", e.Init)
	}
	e = evidenceJSON(t, "-result", runFile, "-package", "main")
	if e.Package != "example.com/targets/heavy" || len(e.Retained.WithInit) != len(r.Packages) || !slices.Equal(e.Retained.ClockNs.Values, r.Total.InitNs.Values) {
		t.Errorf("main: package %s retains %d of %d inits", e.Package, len(e.Retained.WithInit), len(r.Packages))
	}
}

// TestEvidenceRetainedDiamond checks per-run retained costs, chains and
// direct dependencies on the diamond, whose graph is known by
// construction.
func TestEvidenceRetainedDiamond(t *testing.T) {
	runFile, r := saveRun(t, t.TempDir(), "-n", "5", "-warmup", "0", "-dir", diamond, ".")
	e := evidenceJSON(t, "-result", runFile, "-package", dC)
	if want := [][]string{{dMain, dA, dC}, {dMain, dB, dC}}; !equalChains(e.Imports.Chains, want) || e.Imports.MoreChains {
		t.Errorf("chains %q, want %q", e.Imports.Chains, want)
	}
	if !slices.Equal(e.Retained.Packages, []string{dC, dHeavy}) || !e.Retained.PerRun {
		t.Fatalf("retained %+v", e.Retained)
	}
	c, _ := r.Package(dC)
	heavy, _ := r.Package(dHeavy)
	for i, v := range e.Retained.ClockNs.Values {
		if want := c.ClockNs.Values[i] + heavy.ClockNs.Values[i]; v != want {
			t.Errorf("run %d: retained clock %v, want %v + %v", i, v, c.ClockNs.Values[i], heavy.ClockNs.Values[i])
		}
		if want := c.Bytes.Values[i] + heavy.Bytes.Values[i]; e.Retained.Bytes.Values[i] != want {
			t.Errorf("run %d: retained bytes %v, want %v", i, e.Retained.Bytes.Values[i], want)
		}
	}
	if e.Retained.Share != e.Retained.ClockNs.Median/r.Total.InitNs.Median {
		t.Errorf("retained share %v", e.Retained.Share)
	}
	e = evidenceJSON(t, "-result", runFile, "-package", dZ)
	if e.Imports.DirectDep != "example.com/ext" || e.Imports.Module != "example.com/deep" {
		t.Errorf("%s: module %q, direct dependency %q", dZ, e.Imports.Module, e.Imports.DirectDep)
	}
}

// TestEvidenceMeasures measures, rather than reading a result: the
// document names the evidence command as the one that measured.
func TestEvidenceMeasures(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "light.markdown")
	code, _, stderr := coldstart(t, "evidence", "-n", "3", "-warmup", "0", "-package", "example.com/targets/heavy/internal/light",
		"-uses", "20000/day", "-cold-starts", "1000", "-o", out, "-dir", targets, "./heavy")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, want := range []string{"3 traced", "Measured with:\n\n```sh\ncoldstart evidence -n 3", "capped at them", "Eager: every process uses the package", "](light.svg)"} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	svgTextsOf(t, filepath.Join(dir, "light.svg"))
}

// TestEvidenceMarkdownLayout is a golden test of the document's layout on
// a real result of the heavy target, its machine and dates made fixed and
// its figures masked.
func TestEvidenceMarkdownLayout(t *testing.T) {
	dir := t.TempDir()
	_, r := saveRun(t, dir, "-n", "5", "-warmup", "0", "-dir", targets, "./heavy")
	r.Machine = result.Machine{OS: "linux", Arch: "amd64", CPU: "CPU", Cores: 2, Kernel: "KERNEL"}
	r.Date = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	r.Target.Revision = "REV"
	r.Target.Binary = "BIN"
	r.Command = []string{"coldstart", "run", "-n", "5", "-format", "json", "-dir", targets, "./heavy"}
	fixed := filepath.Join(dir, "fixed.json")
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixed, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := coldstart(t, "evidence", "-result", fixed, "-package", slowPkg, "-budgets", "testdata/budgets/strict.yaml",
		"-usage", "0.25", "-cold-starts", "10000/day", "-justification", "every request renders a page with it", "-today", "2026-11-28")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out = strings.ReplaceAll(out, dir, "TMP")
	// Warnings come and go with the noise; the layout does not.
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.Contains(l, "⚠") {
			lines = append(lines, l)
		}
	}
	out = regexp.MustCompile(`\n{3,}`).ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	// Costs per day may cross into minutes or hours on a slow day.
	out = regexp.MustCompile(`N(min|h)\b`).ReplaceAllString(maskNumbers(out), "N")
	golden(t, "evidence-heavy.md", out)
}

// TestEvidenceErrors checks that bad input is a one-line input error
// before anything is built or run.
func TestEvidenceErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
	}{
		{"no-package", []string{"-dir", targets, "./heavy"}},
		{"unknown-package", []string{"-package", "example.com/targets/heavy/internal/slw", "-dir", targets, "./heavy"}},
		{"usage-range", []string{"-package", "x", "-usage", "1.5", "./heavy"}},
		{"negative-cold-starts", []string{"-package", "x", "-cold-starts", "-10/day", "./heavy"}},
		{"usage-and-uses", []string{"-package", "x", "-usage", "0.5", "-uses", "100", "./heavy"}},
		{"bad-format", []string{"-package", "x", "-format", "table", "./heavy"}},
		{"bad-today", []string{"-package", "x", "-today", "28/11/2026", "./heavy"}},
		{"chart-clash", []string{"-package", "x", "-o", filepath.Join(dir, "doc.svg"), "./heavy"}},
		{"result-and-n", []string{"-package", "x", "-result", "r.json", "-n", "5"}},
		{"result-missing", []string{"-package", "x", "-result", filepath.Join(dir, "none.json")}},
		{"result-not-json", []string{"-package", "x", "-result", "testdata/budgets/strict.yaml"}},
		// A real result of the heavy target, measured from another directory.
		{"result-target-gone", []string{"-package", "main", "-result", "../../harness/evidence/testdata/heavy.json"}},
		{"result-other-target", []string{"-package", "main", "-result", "../../harness/evidence/testdata/heavy.json", "-dir", targets, "./crash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			traces := filepath.Join(dir, tt.name)
			args := append([]string{"evidence", "-n", "2", "-warmup", "0"}, tt.args...)
			if !slices.Contains(tt.args, "-result") {
				args = append(args[:len(args)-1], "-keep-traces", traces, args[len(args)-1])
			} else {
				args = append([]string{"evidence"}, tt.args...)
			}
			code, out, stderr := coldstart(t, args...)
			oneLineError(t, code, exitUsage, out, stderr)
			if runs, _ := filepath.Glob(filepath.Join(traces, "*")); len(runs) > 0 {
				t.Errorf("the target ran: %v", runs)
			}
			golden(t, "errors/evidence-"+tt.name+".stderr", strings.ReplaceAll(stderr, dir, "TMP"))
		})
	}
	if ents, _ := os.ReadDir(dir); slices.ContainsFunc(ents, func(e os.DirEntry) bool { return !e.IsDir() }) {
		t.Errorf("files left in %s: %v", dir, ents)
	}
}
