package profiles_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/runner"
	"github.com/coldstart-dev/coldstart/profiles"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

// diamondDir is the diamond target program, the one the command's tests
// measure; its imports are drawn in its main.go.
const diamondDir = "../cmd/coldstart/testdata/targets/diamond"

// Packages of the diamond program.
const (
	pMain  = "example.com/diamond"
	pA     = "example.com/diamond/a"
	pB     = "example.com/diamond/b"
	pC     = "example.com/diamond/c"
	pD     = "example.com/diamond/d"
	pHeavy = "example.com/diamond/heavy"
	pX     = "example.com/ext/x"
	pZ     = "example.com/deep/z"
)

// fixture returns the result assembled from the three real traces in
// testdata and the import graph of the diamond program from go list.
func fixture(t *testing.T) (*result.Result, *importgraph.Graph) {
	t.Helper()
	var runs []runner.Run
	for i := 1; i <= 3; i++ {
		name := filepath.Join("testdata", fmt.Sprintf("diamond-%d.stderr", i))
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inits, warnings := inittrace.Parse(data, name)
		if len(warnings) > 0 || len(inits) == 0 {
			t.Fatalf("%s: %d inits, warnings %v", name, len(inits), warnings)
		}
		runs = append(runs, runner.Run{Index: 2 * i, Traced: true, Inits: inits}, runner.Run{Index: 2*i + 1})
	}
	r, err := result.Assemble(runs)
	if err != nil {
		t.Fatal(err)
	}
	r.Target = result.Target{Spec: "./diamond", Kind: "package", MainPackage: pMain, GoVersion: "go1.26.8"}
	g, err := importgraph.Load(context.Background(), diamondDir, ".", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, g
}

// golden compares got with testdata/name (see internal/golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), []byte(got))
}

// stacks returns each sample's stack as package names, leaf first, by leaf.
func stacks(p *profile.Profile) map[string][]string {
	out := map[string][]string{}
	for _, s := range p.Sample {
		var names []string
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				names = append(names, ln.Function.Name)
			}
		}
		out[names[0]] = names
	}
	return out
}

func TestInitRoundTrip(t *testing.T) {
	r, g := fixture(t)
	p, err := profiles.Init(r, g)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckValid(); err != nil {
		t.Fatal(err)
	}
	golden(t, "diamond.string", p.String())

	// Write, parse again: the same profile.
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	q, err := profile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.CheckValid(); err != nil {
		t.Fatal(err)
	}
	if got, want := q.String(), p.String(); got != want {
		t.Errorf("after Write and Parse:\n%s\nwant:\n%s", got, want)
	}

	// One sample per traced package, with its medians; stacks are the
	// shortest chains, leaf first; the main package is its import path.
	if len(q.Sample) != len(r.Packages) {
		t.Errorf("%d samples for %d packages", len(q.Sample), len(r.Packages))
	}
	st := stacks(q)
	want := map[string][]string{
		pHeavy: {pHeavy, pC, pA, pMain},
		pC:     {pC, pA, pMain},
		pD:     {pD, pB, pMain},
		pZ:     {pZ, pX, pMain},
		pMain:  {pMain},
	}
	for leaf, w := range want {
		if !slices.Equal(st[leaf], w) {
			t.Errorf("stack of %s = %q, want %q", leaf, st[leaf], w)
		}
	}
	for leaf, s := range st {
		chain := g.Chain(leaf)
		slices.Reverse(chain)
		if !slices.Equal(s, chain) {
			t.Errorf("stack of %s = %q, want the reversed chain %q", leaf, s, chain)
		}
	}
	for _, s := range q.Sample {
		leaf := s.Location[0].Line[0].Function.Name
		path := leaf
		if path == pMain {
			path = "main"
		}
		pkg, ok := r.Package(path)
		if !ok {
			t.Errorf("sample for %s, which the result does not have", leaf)
			continue
		}
		if s.Value[0] != int64(pkg.ClockNs.Median+0.5) || s.Value[1] != int64(pkg.Bytes.Median) || s.Value[2] != int64(pkg.Allocs.Median) {
			t.Errorf("%s: values %v, medians %v %v %v", leaf, s.Value, pkg.ClockNs.Median, pkg.Bytes.Median, pkg.Allocs.Median)
		}
	}
	// Labels name the module and the direct dependency.
	for _, s := range q.Sample {
		if s.Location[0].Line[0].Function.Name == pZ {
			if got := fmt.Sprint(s.Label["module"], s.Label["direct_dep"]); got != "[example.com/deep] [example.com/ext]" {
				t.Errorf("labels of %s: %s", pZ, got)
			}
		}
	}
	// One Function and one Location per package.
	seen := map[string]bool{}
	for _, f := range q.Function {
		if seen[f.Name] {
			t.Errorf("two functions named %s", f.Name)
		}
		seen[f.Name] = true
	}
	if len(q.Location) != len(q.Function) {
		t.Errorf("%d locations, %d functions", len(q.Location), len(q.Function))
	}
}

// TestInitpprofTop runs the real `go tool pprof` on the profile: the heavy
// package is at the top by flat clock, and by module the main module leads.
func TestInitpprofTop(t *testing.T) {
	r, g := fixture(t)
	p, err := profiles.Init(r, g)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "init.pb.gz")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := pprofTop(t, file); got != pHeavy {
		t.Errorf("pprof -top: first row is %q, want %s", got, pHeavy)
	}
	if got := pprofTop(t, file, "-files"); got != pMain {
		t.Errorf("pprof -top -files: first row is %q, want the module %s", got, pMain)
	}
}

// pprofTop runs go tool pprof -top with extra flags on file and returns the
// name in the first row of the table.
func pprofTop(t *testing.T, file string, flags ...string) string {
	t.Helper()
	args := append(append([]string{"tool", "pprof", "-top"}, flags...), file)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "PPROF_TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	// The table follows a header line ending in "cum%   cum".
	_, table, ok := strings.Cut(string(out), "cum%\n")
	if !ok {
		t.Fatalf("no table in pprof output:\n%s", out)
	}
	first, _, _ := strings.Cut(table, "\n")
	fields := strings.Fields(first)
	if len(fields) < 6 {
		t.Fatalf("first row %q of pprof output:\n%s", first, out)
	}
	return strings.Join(fields[5:], " ")
}

// TestInitBinaryGraph builds the program and reads its graph from the
// binary: no edges, so the stacks go through module frames.
func TestInitBinaryGraph(t *testing.T) {
	r, _ := fixture(t)
	bin := filepath.Join(t.TempDir(), "diamond")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = diamondDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	g, err := importgraph.FromBinary(bin)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profiles.Init(r, g)
	if err != nil {
		t.Fatal(err)
	}
	st := stacks(p)
	want := map[string][]string{
		pHeavy:    {pHeavy, "module example.com/diamond", pMain},
		pZ:        {pZ, "module example.com/deep", pMain},
		"runtime": {"runtime", "module std", pMain},
		pMain:     {pMain},
	}
	for leaf, w := range want {
		if !slices.Equal(st[leaf], w) {
			t.Errorf("stack of %s = %q, want %q", leaf, st[leaf], w)
		}
	}
	if !slices.ContainsFunc(p.Comments, func(c string) bool { return strings.Contains(c, "no import edges") }) {
		t.Errorf("comments do not say the stacks have no chains: %q", p.Comments)
	}
}

func TestInitNoGraph(t *testing.T) {
	r, _ := fixture(t)
	p, err := profiles.Init(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	for leaf, s := range stacks(p) {
		if len(s) != 1 {
			t.Errorf("stack of %s = %q, want the package alone", leaf, s)
		}
	}
}

func TestInitEmpty(t *testing.T) {
	if _, err := profiles.Init(&result.Result{}, nil); err == nil {
		t.Error("Init of an empty result: no error")
	}
	if _, err := profiles.Timeline(&result.Result{}, nil); err == nil {
		t.Error("Timeline of an empty result: no error")
	}
}
