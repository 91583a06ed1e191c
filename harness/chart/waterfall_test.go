package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/result"
)

var keep = flag.String("keep", "", "write the charts the tests draw into `dir`, to look at")

// spansOf reads a real inittrace capture (see ../inittrace/testdata/README)
// as the spans of one run.
func spansOf(t *testing.T, name string) []result.Span {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "inittrace", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	inits, _ := inittrace.Parse(data, name)
	spans := make([]result.Span, len(inits))
	for i, in := range inits {
		spans[i] = result.Span{Path: in.Package, StartNs: int64(in.Start), ClockNs: int64(in.Clock), Bytes: in.Bytes, Allocs: in.Allocs}
	}
	return spans
}

// svgTexts checks that svg is well-formed XML with an <svg> root and
// returns its text elements' contents, in document order.
func svgTexts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var texts []string
	var inText, root bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if !root && tok.Name.Local != "svg" {
				t.Fatalf("root element <%s>, want <svg>", tok.Name.Local)
			}
			root = true
			inText = tok.Name.Local == "text"
			if inText {
				texts = append(texts, "")
			}
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(tok)
			}
		case xml.EndElement:
			inText = false
		}
	}
	if !root {
		t.Fatal("no <svg> element")
	}
	return texts
}

func save(t *testing.T, name string, data []byte) {
	if *keep == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(*keep, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWaterfallGopls(t *testing.T) {
	spans := spansOf(t, "gopls.stderr")
	var buf bytes.Buffer
	if err := Waterfall(&buf, "gopls version", spans, WaterfallOptions{Max: 30}); err != nil {
		t.Fatal(err)
	}
	save(t, "waterfall-gopls.svg", buf.Bytes())
	texts := svgTexts(t, buf.Bytes())

	// The 30 longest inits are the rows, in init order from the top: SVG
	// y grows downwards, and gonum writes the tick labels bottom up.
	heavy := slices.Clone(spans)
	slices.SortStableFunc(heavy, func(a, b result.Span) int { return int(b.ClockNs - a.ClockNs) })
	want := map[string]bool{}
	for _, s := range heavy[:30] {
		want[s.Path] = true
	}
	var rows []string
	for _, s := range texts {
		if want[s] {
			rows = append(rows, s)
		}
	}
	if len(rows) != 30 {
		t.Fatalf("found %d of the 30 longest inits as labels: %v", len(rows), rows)
	}
	var inOrder []string
	for _, s := range spans {
		if want[s.Path] {
			inOrder = append(inOrder, s.Path)
		}
	}
	slices.Reverse(inOrder)
	if !slices.Equal(rows, inOrder) {
		t.Errorf("rows are not in init order:\n got %v\nwant %v", rows, inOrder)
	}
	for _, legend := range []string{"golang.org/x/tools", StdModule, "gopls version (the 30 longest of"} {
		if !slices.ContainsFunc(texts, func(s string) bool { return strings.HasPrefix(s, legend) }) {
			t.Errorf("no text %q in the chart: %q", legend, texts)
		}
	}
}

func TestWaterfallModuleColors(t *testing.T) {
	spans := []result.Span{
		{Path: "runtime", StartNs: 0, ClockNs: 50_000},
		{Path: "example.com/a/x", StartNs: 60_000, ClockNs: 900_000},
		{Path: "example.com/a/y", StartNs: 970_000, ClockNs: 10_000},
		{Path: "example.com/b", StartNs: 990_000, ClockNs: 0},
	}
	module := func(p string) string {
		if strings.HasPrefix(p, "example.com/a") {
			return "example.com/a"
		}
		return ""
	}
	var buf bytes.Buffer
	if err := Waterfall(&buf, "t", spans, WaterfallOptions{Module: module}); err != nil {
		t.Fatal(err)
	}
	save(t, "waterfall-small.svg", buf.Bytes())
	texts := svgTexts(t, buf.Bytes())
	for _, s := range []string{"example.com/a", "example.com/b", StdModule} {
		if !slices.Contains(texts, s) {
			t.Errorf("legend lacks %q: %q", s, texts)
		}
	}
	colors, order := moduleColors(spans, func(p string) string {
		if m := module(p); m != "" {
			return m
		}
		return ModuleOf(p)
	})
	if want := []string{"example.com/a", "example.com/b", StdModule}; !slices.Equal(order, want) {
		t.Errorf("legend order %v, want %v (by clock, std last)", order, want)
	}
	if colors["example.com/a"] == colors["example.com/b"] || colors["example.com/a"] == colors[StdModule] {
		t.Errorf("modules share colours: %v", colors)
	}
}

func TestWaterfallManyModules(t *testing.T) {
	var spans []result.Span
	for i, m := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"} {
		spans = append(spans, result.Span{Path: "example.com/" + m + "/p", StartNs: int64(i) * 1000, ClockNs: int64(10-i) * 1000})
	}
	colors, order := moduleColors(spans, ModuleOf)
	if len(order) != waterfallColors+1 || order[waterfallColors] != OtherModules {
		t.Fatalf("legend %v, want %d modules then %q", order, waterfallColors, OtherModules)
	}
	if g := colorGroup("example.com/i", colors); g != OtherModules {
		t.Errorf("the lightest module is drawn as %q, want %q", g, OtherModules)
	}
}

func TestWaterfallEscapes(t *testing.T) {
	var buf bytes.Buffer
	spans := []result.Span{{Path: "example.com/<b>&x", StartNs: 0, ClockNs: 1000}}
	if err := Waterfall(&buf, `</svg><script>alert("x")</script>`, spans, WaterfallOptions{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("<script>")) || bytes.Contains(buf.Bytes(), []byte("<b>")) {
		t.Errorf("markup in a title or package path reached the SVG unescaped")
	}
	texts := svgTexts(t, buf.Bytes())
	if !slices.Contains(texts, "example.com/<b>&x") {
		t.Errorf("package path not in the chart's text: %q", texts)
	}
}

func TestWaterfallNoSpans(t *testing.T) {
	if err := Waterfall(io.Discard, "t", nil, WaterfallOptions{}); err == nil {
		t.Error("no error for a run without packages")
	}
}

func TestModuleOf(t *testing.T) {
	for _, tt := range []struct{ pkg, want string }{
		{"runtime", StdModule},
		{"net/http/internal", StdModule},
		{"main", "main"},
		{"github.com/olekukonko/tablewriter/renderer", "github.com/olekukonko/tablewriter"},
		{"github.com/google/pprof", "github.com/google/pprof"},
		{"golang.org/x/tools/gopls/internal/cache", "golang.org/x/tools"},
		{"gonum.org/v1/plot/vg", "gonum.org/v1/plot"},
		{"go.yaml.in/yaml/v3", "go.yaml.in/yaml/v3"},
		{"gopkg.in/yaml.v3", "gopkg.in/yaml.v3"},
		{"modernc.org/sqlite/lib", "modernc.org/sqlite"},
		{"example.com/targets/heavy/internal/slow", "example.com/targets"},
		{"github.com/jackc/pgx/v5/pgconn", "github.com/jackc/pgx/v5"},
	} {
		if got := ModuleOf(tt.pkg); got != tt.want {
			t.Errorf("ModuleOf(%q) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
}

func ExampleModuleOf() {
	for _, pkg := range []string{"net/http", "golang.org/x/tools/gopls/internal/cache", "github.com/jackc/pgx/v5/pgconn", "go.yaml.in/yaml/v3"} {
		fmt.Println(ModuleOf(pkg))
	}
	// Output:
	// std
	// golang.org/x/tools
	// github.com/jackc/pgx/v5
	// go.yaml.in/yaml/v3
}
