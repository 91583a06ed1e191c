package htmlreport

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/history/historytest"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/trend"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

// nightly is a run over three scenarios: the real heavy result checked
// against budgets it breaks, with a history; a target that did not build;
// and a scenario whose name and error carry markup.
func nightly(t *testing.T) *Nightly {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "heavy.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := result.Read(f, "heavy.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := budget.Load(filepath.Join("testdata", "heavy.budgets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	rep := b.Check(r, nil, today, budget.Options{})

	// The history: 20 synthetic but realistic nights (historytest, built
	// from a real capture) in which the program got 15% slower at night 12.
	nights, err := historytest.Generate(historytest.Config{Seed: 3, Nights: 20,
		Changes: []historytest.Change{{Night: 12, Factor: 1.15}}})
	if err != nil {
		t.Fatal(err)
	}
	analysis := trend.Analyze(nights, trend.Options{})
	tr := &Trend{Analysis: analysis, Notes: []string{"records from 2 machines: comparing the 20 from " + analysis.Machine},
		Findings: []Finding{{Severity: budget.Fail, Kind: string(trend.Shifted), Series: "init", Msg: "total init rose 15%"}}}
	for _, r := range nights {
		tr.InitCI = append(tr.InitCI, Interval{Low: r.Total.InitNs.CILow, High: r.Total.InitNs.CIHigh})
	}
	if !analysis.Totals[0].Shift.Found {
		t.Fatalf("the synthetic history has no shift to draw: %+v", analysis.Totals[0].Shift)
	}

	heavy := Scenario{Name: "heavy", File: "scenarios/heavy.yaml", Status: Fail, ExitCode: 1, Budgets: rep, Trend: tr}
	heavy.SetResult(r)
	return &Nightly{
		Date: time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC), Today: "2026-11-28", Dir: "scenarios", Store: "history.db", ExitCode: 1,
		Scenarios: []Scenario{
			heavy,
			{Name: "broken", File: "scenarios/broken.yaml", Status: Error, ExitCode: 3,
				Error: "building ./broken: exit status 1: broken/main.go:5:2: undefined: nope"},
			{Name: `<script>alert("x")</script>`, File: "scenarios/x.yaml", Status: Error, ExitCode: 2,
				Error: `scenarios/x.yaml:3: unknown key "<img src=x onerror=alert(1)>"`},
		},
	}
}

func TestWriteHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, nightly(t)); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if *keepHTML != "" {
		os.WriteFile(*keepHTML, buf.Bytes(), 0o644)
	}
	for _, want := range []string{
		`<section class="scenario fail" id="scenario-heavy">`,
		`<section class="scenario error" id="scenario-broken">`,
		`<figure class="chart waterfall"><svg `,
		`<figure class="chart distribution"><svg `,
		`<figure class="chart trend"><svg `,
		`FAIL: 1 of 3 scenarios failed a check, 2 not measured`,
		`example.com/targets/heavy/internal/slow clock`,
		`exception-expired`,
		`undefined: nope`,
		`total init rose 15%`,
		`note: records from 2 machines: comparing the 20 from`,
		`Content-Security-Policy`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(html, "<svg "); n != 3 {
		t.Errorf("%d charts, want 3 (waterfall, distribution, trend of heavy)", n)
	}
	if strings.Contains(html, "<?xml") {
		t.Error("an XML declaration is left inside the HTML")
	}
	// Markup in names and messages is text, never markup; nothing is
	// fetched from anywhere, and there is no script at all.
	for _, bad := range []string{`<script`, `<img`, `<link`, `<iframe`, `<[^>]*\son[a-z]+=`, `<[^>]*\ssrc=`, `href="[a-z]+:`, `@import`, `url\(`} {
		if loc := regexp.MustCompile(bad).FindStringIndex(html); loc != nil {
			t.Errorf("report contains %q: %s", bad, html[loc[0]:min(loc[1]+40, len(html))])
		}
	}
	if !strings.Contains(html, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") || !strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the name or error with markup is not escaped as text")
	}
}

var keepHTML = flag.String("keep", "", "write the test report to `file`, to look at")

func TestWriteHTMLChartError(t *testing.T) {
	n := nightly(t)
	n.Scenarios[0].Result.Timeline = nil
	var buf bytes.Buffer
	if err := WriteHTML(&buf, n); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "chart not drawn: init waterfall: waterfall chart: no packages in the run") {
		t.Error("a chart that cannot be drawn is not reported in its place")
	}
	if n := strings.Count(buf.String(), "<svg "); n != 2 {
		t.Errorf("%d charts, want the other 2", n)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, nightly(t)); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	// Outside code blocks, markup is escaped.
	for i, part := range strings.Split(got, "```") {
		if i%2 == 0 && (strings.Contains(part, "<script>") || strings.Contains(part, "<img")) {
			t.Error("markup reached the Markdown unescaped")
		}
	}
	goldenfile.Check(t, filepath.Join("testdata", "nightly.md"), []byte(got))
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	n := nightly(t)
	if err := WriteJSON(&buf, n); err != nil {
		t.Fatal(err)
	}
	var back Nightly
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Schema != Schema || back.ExitCode != 1 || len(back.Scenarios) != 3 {
		t.Fatalf("schema %q, exit %d, %d scenarios", back.Schema, back.ExitCode, len(back.Scenarios))
	}
	h := back.Scenarios[0]
	if h.Status != Fail || h.TotalInit == nil || h.TotalInit.Median != n.Scenarios[0].Result.Total.InitNs.Median ||
		h.Budgets == nil || len(h.Budgets.Findings) != len(n.Scenarios[0].Budgets.Findings) || !h.Trend.Failed() ||
		h.Trend.Analysis == nil || len(h.Trend.Analysis.Totals[0].Points) != 20 || len(h.Trend.InitCI) != 20 {
		t.Errorf("heavy did not survive the round trip: %+v", h)
	}
	if b := back.Scenarios[1]; b.Status != Error || b.ExitCode != 3 || !strings.Contains(b.Error, "undefined: nope") {
		t.Errorf("broken: %+v", b)
	}
	// The full result stays out of the summary: the history store has it.
	if regexp.MustCompile(`"values"|"timeline"|"clock_ns"`).Match(buf.Bytes()) {
		t.Error("per-run values or the timeline are in the nightly JSON")
	}
}

func TestAnchorsUnique(t *testing.T) {
	used := map[string]bool{}
	a, b, c := anchor("api server", used), anchor("api/server", used), anchor("API server", used)
	if a != "scenario-api-server" || b != "scenario-api-server-2" || c != "scenario-api-server-3" {
		t.Errorf("anchors %q %q %q", a, b, c)
	}
}

func ExampleWriteMarkdown() {
	n := &Nightly{
		Date:     time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC),
		ExitCode: 3,
		Scenarios: []Scenario{{Name: "api", File: "scenarios/api.yaml", Status: Error, ExitCode: 3,
			Error: "run 1 of ./cmd/api: exit status 2 after init of example.com/api/internal/config"}},
	}
	WriteMarkdown(os.Stdout, n)
	// Output:
	// ## ⚠️ coldstart nightly 2026-11-28
	//
	// ERROR: 1 scenario, none measured
	//
	// - ⚠️ **api**: not measured (exit 3): run 1 of ./cmd/api: exit status 2 after init of example.com/api/internal/config
	//
	// ### ⚠️ api
	//
	// Not measured (exit 3), scenario scenarios/api.yaml:
	//
	// ```
	// run 1 of ./cmd/api: exit status 2 after init of example.com/api/internal/config
	// ```
	//
	// The full report with charts is index.html beside this summary; exit code 3.
}
