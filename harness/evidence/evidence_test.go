package evidence

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

const slow = "example.com/targets/heavy/internal/slow"

// strict is a budgets file over which the slow package fails.
const strict = `total:
  init: 1s
package_default: 1ms
package_bytes: 512KiB
`

// heavy returns the real result in testdata and its program's import
// graph.
func heavy(t *testing.T) (*result.Result, *importgraph.Graph) {
	t.Helper()
	f, err := os.Open("testdata/heavy.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := result.Read(f, "heavy.json")
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off", "GOFLAGS=-mod=mod")
	g, err := importgraph.Load(context.Background(), "testdata/targets", "./heavy", nil, env)
	if err != nil {
		t.Fatal(err)
	}
	return r, g
}

// golden compares got with testdata/name (see internal/golden).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func f64(v float64) *float64 { return &v }

var today = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func TestAssembleHeavy(t *testing.T) {
	r, g := heavy(t)
	b, err := budget.Parse([]byte(strict), "budgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Assemble(Input{
		Package:  slow,
		Result:   r,
		Graph:    g,
		Budgets:  b,
		Demand:   Demand{ColdStarts: f64(10000), Usage: f64(0.25)},
		Document: "docs/evidence/slow.md",
		Chart:    "slow.svg",
		Today:    today,
		Command:  []string{"coldstart", "evidence", "-package", slow, "-result", "heavy.json"},
	})
	if err != nil {
		t.Fatal(err)
	}

	// The package's own figures are the result's, unchanged.
	p, _ := r.Package(slow)
	if !reflect.DeepEqual(e.Init.ClockNs, p.ClockNs) || !reflect.DeepEqual(e.Init.Bytes, p.Bytes) || e.Init.Share != p.Share {
		t.Errorf("init figures differ from the result's")
	}
	if !reflect.DeepEqual(e.Total, r.Total.InitNs) {
		t.Errorf("total init differs from the result's")
	}

	// The slow package imports nothing that others do not: it retains
	// itself alone, and its retained cost is its own, run by run.
	if e.Retained == nil || !slices.Equal(e.Retained.Packages, []string{slow}) || !e.Retained.PerRun {
		t.Fatalf("retained %+v", e.Retained)
	}
	if !slices.Equal(e.Retained.ClockNs.Values, p.ClockNs.Values) {
		t.Errorf("retained clock per run %v, want the package's %v", e.Retained.ClockNs.Values, p.ClockNs.Values)
	}
	if want := [][]string{{"example.com/targets/heavy", slow}}; !reflect.DeepEqual(e.Imports.Chains, want) || e.Imports.MoreChains {
		t.Errorf("chains %v, want %v", e.Imports.Chains, want)
	}

	// 10000 cold starts a day at 4.45ms each, a quarter of which use it.
	cb := e.CostBenefit
	if cb.Decision != DecideLazy || *cb.Eager != 10000*p.ClockNs.Median || *cb.Lazy != 2500*p.ClockNs.Median || *cb.Ratio != 4 {
		t.Errorf("cost-benefit %+v", cb)
	}
	if e.Budget == nil || e.Budget.Status != NeedsException {
		t.Fatalf("verdict %+v, want %s", e.Budget, NeedsException)
	}

	// The entry, pasted into the budgets file, parses and settles the
	// package's clock and bytes findings.
	x := e.Exception
	if x == nil || !x.Needed || x.MaxBytes == "" {
		t.Fatalf("exception %+v", x)
	}
	b2, err := budget.Parse([]byte(strict+"exceptions:\n"+x.YAML), "budgets.yaml")
	if err != nil {
		t.Fatalf("the entry does not parse: %v\n%s", err, x.YAML)
	}
	got := b2.Exception(slow)
	if got == nil || got.Usage != 0.25 || got.Evidence != "docs/evidence/slow.md" || got.ReviewBy.Format(time.DateOnly) != "2027-02-26" {
		t.Errorf("parsed exception %+v", got)
	}
	if got.Max.Value < p.ClockNs.P95*Headroom || got.MaxBytes.Value < p.Bytes.P95*Headroom {
		t.Errorf("max %v, max_bytes %v below the p95s x %v", got.Max.Value, got.MaxBytes.Value, Headroom)
	}
	rep := b2.Check(r, g, today, budget.Options{})
	if rep.Failed() || len(rep.Findings) > 0 {
		t.Errorf("check with the entry: %+v", rep.Findings)
	}

	var md, js bytes.Buffer
	if err := e.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	golden(t, "heavy.md", md.Bytes())
	if err := e.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "heavy.evidence.json", js.Bytes())
	var back Evidence
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Schema != Schema || back.Exception.YAML != x.YAML {
		t.Errorf("JSON does not read back: %v", err)
	}
}

func TestAssembleVerdicts(t *testing.T) {
	r, g := heavy(t)
	entry := func(pkg, max, review string) string {
		return "exceptions:\n  - package: " + pkg + "\n    max: " + max + "\n    usage: 0.5\n    justification: j\n    evidence: e\n    approved_by: a\n    approved_on: 2026-01-01\n    review_by: " + review + "\n"
	}
	const light = "example.com/targets/heavy/internal/light"
	tests := []struct {
		name, pkg, budgets, status string
		entry                      bool
	}{
		{"within", light, "total:\n  init: 1s\npackage_default: 1s\n", WithinDefault, false},
		{"needs", slow, strict, NeedsException, true},
		{"covered", slow, strict + entry(slow, "1s", "2027-01-01"), Covered, true},
		{"exceeded", slow, strict + entry(slow, "1us", "2027-01-01"), ExceptionExceeded, true},
		{"expired", slow, strict + entry(slow, "1s", "2026-11-01"), ExceptionExpired, true},
		{"stale", light, "total:\n  init: 1s\npackage_default: 1s\n" + entry(light, "2s", "2027-01-01"), ExceptionStale, false},
		{"forbidden", slow, strict + "forbid:\n  - pattern: example.com/targets/heavy/internal/...\n    reason: no\n", Forbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := budget.Parse([]byte(tt.budgets), "b.yaml")
			if err != nil {
				t.Fatal(err)
			}
			e, err := Assemble(Input{Package: tt.pkg, Result: r, Graph: g, Budgets: b, Today: today})
			if err != nil {
				t.Fatal(err)
			}
			if e.Budget.Status != tt.status {
				t.Errorf("status %s, want %s: %s", e.Budget.Status, tt.status, e.Budget.Text)
			}
			if (e.Exception != nil) != tt.entry {
				t.Errorf("exception entry %v, want one: %v", e.Exception != nil, tt.entry)
			}
			if e.Exception != nil && tt.status == Covered && (e.Exception.Needed || e.Exception.Replaces != "b.yaml:6") {
				t.Errorf("renewal entry: needed %v, replaces %q", e.Exception.Needed, e.Exception.Replaces)
			}
			if e.Exception != nil && e.Exception.Usage != nil {
				t.Errorf("usage %v without usage data", *e.Exception.Usage)
			}
			var md bytes.Buffer
			if err := e.WriteMarkdown(&md); err != nil {
				t.Fatal(err)
			}
			if tt.status != WithinDefault && !strings.Contains(md.String(), e.Budget.Text) {
				t.Errorf("the document does not give the verdict %q", e.Budget.Text)
			}
		})
	}
}

func TestAssembleUnknownUsage(t *testing.T) {
	r, g := heavy(t)
	b, _ := budget.Parse([]byte(strict), "b.yaml")
	e, err := Assemble(Input{Package: slow, Result: r, Graph: g, Budgets: b, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if e.CostBenefit.Decision != DecideUnknown || len(e.CostBenefit.Needed) != 2 || e.CostBenefit.Eager != nil {
		t.Errorf("cost-benefit without inputs: %+v", e.CostBenefit)
	}
	// No usage figure is invented: the entry holds a placeholder the
	// budgets file refuses.
	if _, err := budget.Parse([]byte(strict+"exceptions:\n"+e.Exception.YAML), "b.yaml"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("an entry without usage parses: %v", err)
	}
}

func TestAssembleNoInitWork(t *testing.T) {
	r, g := heavy(t)
	e, err := Assemble(Input{Package: "unicode/utf8", Result: r, Graph: g, Demand: Demand{ColdStarts: f64(100), Usage: f64(0.5)}, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if e.Init.InitWork || e.Init.ClockNs.Median != 0 || e.Init.ClockNs.N != r.Runs || e.Exception != nil {
		t.Errorf("init %+v, exception %+v", e.Init, e.Exception)
	}
	if e.CostBenefit.Decision != DecideNone || len(e.CostBenefit.Needed) > 0 {
		t.Errorf("cost-benefit %+v", e.CostBenefit)
	}
	if len(e.Imports.Chains) != MaxChains || !e.Imports.MoreChains {
		t.Errorf("%d chains, more %v: want %d and more", len(e.Imports.Chains), e.Imports.MoreChains, MaxChains)
	}
	var md bytes.Buffer
	if err := e.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"does no init work: its init costs nothing", "these are the 10 shortest", "None is needed"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("document lacks %q", want)
		}
	}
}

func TestAssembleMainRetainsEverything(t *testing.T) {
	r, g := heavy(t)
	e, err := Assemble(Input{Package: g.Main(), Result: r, Graph: g, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	// main's retained cost is the whole program's: run by run, the total.
	if !e.Retained.PerRun || len(e.Retained.WithInit) != len(r.Packages) {
		t.Fatalf("retained %d packages with init, want %d", len(e.Retained.WithInit), len(r.Packages))
	}
	for i, v := range e.Retained.ClockNs.Values {
		if d := v - r.Total.InitNs.Values[i]; d > 1e-6 || d < -1e-6 {
			t.Errorf("run %d: retained %v, total %v", i, v, r.Total.InitNs.Values[i])
		}
	}
}

func TestAssembleErrors(t *testing.T) {
	r, g := heavy(t)
	if _, err := Assemble(Input{Package: "example.com/nope", Result: r, Graph: g}); err == nil || !strings.Contains(err.Error(), "not linked") {
		t.Errorf("unlinked package: %v", err)
	}
	if _, err := Assemble(Input{Package: "unicode/utf8", Result: r}); err == nil {
		t.Error("no graph and no init work: no error")
	}
	if _, err := Assemble(Input{Package: slow, Result: r, Graph: g, Demand: Demand{Usage: f64(0.5), Uses: f64(3)}}); err == nil {
		t.Error("usage and uses: no error")
	}
}

func TestCostBenefit(t *testing.T) {
	const ms = 1e6
	tests := []struct {
		name        string
		cost        float64
		d           Demand
		decision    string
		eager, lazy *float64
		ratio       *float64
		needed      int
		capped      bool
	}{
		{"usage", 4 * ms, Demand{ColdStarts: f64(1000), Usage: f64(0.25)}, DecideLazy, f64(4000 * ms), f64(1000 * ms), f64(4), 0, false},
		{"uses", 4 * ms, Demand{ColdStarts: f64(1000), Uses: f64(100)}, DecideLazy, f64(4000 * ms), f64(400 * ms), f64(10), 0, false},
		{"uses capped", 4 * ms, Demand{ColdStarts: f64(1000), Uses: f64(5000)}, DecideEager, f64(4000 * ms), f64(4000 * ms), f64(1), 0, true},
		{"everyone", 4 * ms, Demand{ColdStarts: f64(1000), Usage: f64(1)}, DecideEager, f64(4000 * ms), f64(4000 * ms), f64(1), 0, false},
		{"nobody", 4 * ms, Demand{ColdStarts: f64(1000), Usage: f64(0)}, DecideLazy, f64(4000 * ms), f64(0), nil, 0, false},
		{"usage only", 4 * ms, Demand{Usage: f64(0.5)}, DecideLazy, nil, nil, f64(2), 1, false},
		{"uses only", 4 * ms, Demand{Uses: f64(10)}, DecideUnknown, nil, nil, nil, 1, false},
		{"cold starts only", 4 * ms, Demand{ColdStarts: f64(1000)}, DecideUnknown, f64(4000 * ms), nil, nil, 1, false},
		{"nothing", 4 * ms, Demand{}, DecideUnknown, nil, nil, nil, 2, false},
		{"no cold starts", 4 * ms, Demand{ColdStarts: f64(0), Uses: f64(10)}, DecideNone, f64(0), f64(0), nil, 0, true},
		{"free", 0, Demand{ColdStarts: f64(1000), Usage: f64(0.5)}, DecideNone, f64(0), f64(0), f64(2), 0, false},
	}
	same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb := costBenefit(tt.cost, tt.d)
			if cb.Decision != tt.decision || !same(cb.Eager, tt.eager) || !same(cb.Lazy, tt.lazy) || !same(cb.Ratio, tt.ratio) || len(cb.Needed) != tt.needed || cb.Capped != tt.capped {
				t.Errorf("got %s eager %v lazy %v ratio %v needed %q capped %v", cb.Decision, deref(cb.Eager), deref(cb.Lazy), deref(cb.Ratio), cb.Needed, cb.Capped)
			}
			if cb.Summary == "" {
				t.Error("no summary")
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestDemandInput(t *testing.T) {
	for _, s := range []string{"10000", "10000/day", "2.5e6/day", "0"} {
		if _, err := ParseRate(s); err != nil {
			t.Errorf("ParseRate(%q): %v", s, err)
		}
	}
	for _, s := range []string{"-1", "ten", "1/h", "NaN", "Inf", ""} {
		if _, err := ParseRate(s); err == nil {
			t.Errorf("ParseRate(%q): no error", s)
		}
	}
	for _, s := range []string{"0", "0.25", "1"} {
		if _, err := ParseUsage(s); err != nil {
			t.Errorf("ParseUsage(%q): %v", s, err)
		}
	}
	for _, s := range []string{"-0.1", "1.01", "25%", "NaN", ""} {
		if _, err := ParseUsage(s); err == nil {
			t.Errorf("ParseUsage(%q): no error", s)
		}
	}
	bad := []Demand{
		{ColdStarts: f64(-1)},
		{Uses: f64(-1)},
		{Usage: f64(1.5)},
		{Usage: f64(0.5), Uses: f64(1)},
	}
	for _, d := range bad {
		if err := d.Validate(); err == nil {
			t.Errorf("%+v: no error", d)
		}
	}
}

func TestCeil(t *testing.T) {
	durations := map[float64]string{
		5462500:     "5.5ms",
		5500000:     "5.5ms",
		12345:       "13us",
		999.6e6:     "1s",
		10e6:        "10ms",
		1.01e9:      "1.1s",
		123456789e3: "130s",
		7.2:         "8ns",
		45:          "45ns",
	}
	for ns, want := range durations {
		got := CeilDuration(ns)
		if got != want {
			t.Errorf("CeilDuration(%v) = %s, want %s", ns, got, want)
		}
		d, err := time.ParseDuration(got)
		if err != nil || float64(d) < ns {
			t.Errorf("CeilDuration(%v) = %s reads back as %v, %v", ns, got, d, err)
		}
	}
	sizes := map[float64]string{1376256: "1.4MiB", 700: "700B", 1048576: "1MiB", 1536: "1.5KiB", 3: "3B"}
	for b, want := range sizes {
		if got := CeilBytes(b); got != want {
			t.Errorf("CeilBytes(%v) = %s, want %s", b, got, want)
		}
	}
	counts := map[float64]string{167.5: "170", 7.2: "8", 320: "320", 1001: "1100"}
	for c, want := range counts {
		if got := CeilCount(c); got != want {
			t.Errorf("CeilCount(%v) = %s, want %s", c, got, want)
		}
	}
}

func TestQuoting(t *testing.T) {
	got := ShellQuote([]string{"coldstart", "run", "-env", "A=b c", "it's", "", "./x"})
	if want := `coldstart run -env 'A=b c' 'it'\''s' '' ./x`; got != want {
		t.Errorf("ShellQuote = %s, want %s", got, want)
	}
	for _, s := range []string{"plain", "a: b", "#x", "- y", "it's \"q\"", "null", "0.5", "(approver's name)", "tab\there"} {
		var m map[string]string
		if err := yaml.Unmarshal([]byte("k: "+yamlString(s)), &m); err != nil {
			t.Errorf("yamlString(%q) = %s: %v", s, yamlString(s), err)
			continue
		}
		if m["k"] != s {
			t.Errorf("yamlString(%q) = %s reads back as %q", s, yamlString(s), m["k"])
		}
	}
}

func TestWriteChart(t *testing.T) {
	r, g := heavy(t)
	e, err := Assemble(Input{Package: slow, Result: r, Graph: g, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := e.WriteChart(&svg); err != nil {
		t.Fatal(err)
	}
	var texts []string
	dec := xml.NewDecoder(&svg)
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not valid XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, strings.TrimSpace(string(tok)))
			}
		}
	}
	for _, want := range []string{slow, "total init", "ms", "init clock over 20 traced runs"} {
		if !slices.Contains(texts, want) {
			t.Errorf("chart lacks the text %q: %q", want, texts)
		}
	}
}
