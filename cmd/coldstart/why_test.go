package main

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coldstart-dev/coldstart/harness/report"
)

// diamond is the target module whose import graph is drawn in its main.go:
// chains and retained sets are known by construction, and heavy's init is
// by far the largest.
const diamond = "testdata/targets/diamond"

// Packages of the diamond target.
const (
	dMain  = "example.com/diamond"
	dA     = "example.com/diamond/a"
	dB     = "example.com/diamond/b"
	dC     = "example.com/diamond/c"
	dD     = "example.com/diamond/d"
	dHeavy = "example.com/diamond/heavy"
	dX     = "example.com/ext/x"
	dZ     = "example.com/deep/z"
)

// why runs coldstart why with JSON output and decodes it.
func why(t *testing.T, args ...string) *report.Attribution {
	t.Helper()
	a := commandJSON[report.Attribution](t, append([]string{"why", "-n", "3", "-warmup", "0", "-format", "json"}, args...)...)
	if a.Schema != report.WhySchema {
		t.Errorf("schema %q", a.Schema)
	}
	return a
}

// TestWhyDiamond checks chains, modules, direct dependencies and retained
// sets against the diamond's construction, and retained costs against the
// per-package medians of the same result.
func TestWhyDiamond(t *testing.T) {
	tests := []struct {
		pkg       string
		path      string // what pkg resolves to
		module    string
		directDep string
		chains    [][]string
		retained  []string
	}{
		{dC, dC, dMain, "", [][]string{{dMain, dA, dC}, {dMain, dB, dC}}, []string{dC, dHeavy}},
		{dHeavy, dHeavy, dMain, "", [][]string{{dMain, dA, dC, dHeavy}, {dMain, dB, dC, dHeavy}}, []string{dHeavy}},
		{dA, dA, dMain, "", [][]string{{dMain, dA}}, []string{dA}},
		{dB, dB, dMain, "", [][]string{{dMain, dB}}, []string{dB, dD}},
		{dZ, dZ, "example.com/deep", "example.com/ext", [][]string{{dMain, dX, dZ}}, []string{dZ}},
		{dX, dX, "example.com/ext", "example.com/ext", [][]string{{dMain, dX}}, []string{dZ, dX}},
		{"main", dMain, dMain, "", [][]string{{dMain}}, nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.pkg), func(t *testing.T) {
			a := why(t, "-dir", diamond, ".", tt.pkg)
			e := a.Package
			if e == nil || e.Path != tt.path {
				t.Fatalf("package %+v, want %s", e, tt.path)
			}
			if !a.Edges || e.Module != tt.module || e.DirectDep != tt.directDep {
				t.Errorf("edges %v, module %q, direct dependency %q; want true, %q, %q", a.Edges, e.Module, e.DirectDep, tt.module, tt.directDep)
			}
			if !equalChains(e.Chains, tt.chains) {
				t.Errorf("chains %q, want %q", e.Chains, tt.chains)
			}
			if e.Init == nil || e.Own.Traced != 1 {
				t.Fatalf("no init of %s in the result: %+v", tt.path, e.Own)
			}
			if e.Own.ClockNs != e.Init.ClockNs.Median {
				t.Errorf("own clock %v, median %v", e.Own.ClockNs, e.Init.ClockNs.Median)
			}
			if e.Retained == nil {
				t.Fatal("no retained cost")
			}
			if tt.retained != nil && !slices.Equal(e.Retained.Members, tt.retained) {
				t.Errorf("retained %q, want %q", e.Retained.Members, tt.retained)
			}
			// Every package retained has init work, so the retained cost
			// is the sum of their medians, listed heaviest first.
			var clock, bytes float64
			var paths []string
			for _, p := range e.RetainedInits {
				clock += p.ClockNs
				bytes += p.Bytes
				paths = append(paths, p.Path)
			}
			slices.Sort(paths)
			if e.Retained.Traced != len(e.RetainedInits) || e.Retained.ClockNs != clock || e.Retained.Bytes != bytes {
				t.Errorf("retained %+v, sum of its inits: %v ns, %v bytes over %d", e.Retained.Cost, clock, bytes, len(e.RetainedInits))
			}
			if tt.retained != nil && !slices.Equal(paths, tt.retained) {
				t.Errorf("retained inits %q, want %q", paths, tt.retained)
			}
			if slices.Contains(tt.retained, dHeavy) && e.RetainedInits[0].Path != dHeavy {
				t.Errorf("heaviest retained init is %s, want %s", e.RetainedInits[0].Path, dHeavy)
			}
			if tt.path == dMain && (e.Retained.Share != e.Retained.ClockNs/a.Total.ClockNs || e.Retained.Traced != a.Total.Traced) {
				t.Errorf("main retains %+v of %+v, want everything", e.Retained.Cost, a.Total)
			}
		})
	}
}

func equalChains(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// TestWhyNoInit explains a standard-library package that does no init
// work: it still retains the packages only it imports.
func TestWhyNoInit(t *testing.T) {
	a := why(t, "-dir", diamond, ".", "fmt")
	e := a.Package
	if e.Init != nil || e.Own.ClockNs != 0 || !e.Standard || e.Module != "std" || e.DirectDep != "" {
		t.Errorf("fmt: %+v", e)
	}
	if !equalChains(e.Chains, [][]string{{dMain, "fmt"}}) {
		t.Errorf("chains %q", e.Chains)
	}
	if e.Retained == nil || e.Retained.Packages < 10 || e.Retained.Traced == 0 {
		t.Errorf("fmt retains %+v, want the standard library below it", e.Retained)
	}
}

// TestWhyModules checks the rollups by module and by direct dependency.
func TestWhyModules(t *testing.T) {
	a := why(t, "-modules", "-dir", diamond, ".")
	if a.Package != nil {
		t.Errorf("-modules explained a package: %+v", a.Package)
	}
	find := func(gs []report.Group, name string) report.Group {
		for _, g := range gs {
			if g.Name == name {
				return g
			}
		}
		t.Errorf("no group %s in %+v", name, gs)
		return report.Group{}
	}
	want := []struct {
		groups  []report.Group
		name    string
		members []string
	}{
		{a.Modules, "example.com/ext", []string{dX}},
		{a.Modules, "example.com/deep", []string{dZ}},
		{a.Modules, dMain, []string{dMain, dA, dB, dC, dD, dHeavy}},
		{a.DirectDeps, "example.com/ext", []string{dZ, dX}},
		{a.DirectDeps, dMain, []string{dMain, dA, dB, dC, dD, dHeavy}},
		{a.Retained, dC, []string{dC, dHeavy}},
		{a.Retained, dB, []string{dB, dD}},
		{a.Retained, dX, []string{dZ, dX}},
	}
	for _, w := range want {
		if g := find(w.groups, w.name); !slices.Equal(g.Members, w.members) {
			t.Errorf("group %s: %q, want %q", w.name, g.Members, w.members)
		}
	}
	if a.Modules[0].Name != dMain || a.DirectDeps[0].Name != dMain {
		t.Errorf("heaviest module %s, direct dependency %s; want %s", a.Modules[0].Name, a.DirectDeps[0].Name, dMain)
	}
	if _, ok := slices.BinarySearch([]string{a.Retained[0].Name}, dC); !ok {
		t.Errorf("heaviest retained set is %s's, want %s's", a.Retained[0].Name, dC)
	}
	for _, g := range a.Retained {
		if g.Name == dMain {
			t.Errorf("main is listed among the retained sets")
		}
	}
	var modules, std float64
	for _, g := range a.Modules {
		modules += float64(g.Packages)
		if g.Name == "std" {
			std = float64(g.Packages)
		}
	}
	if int(modules) != a.Total.Packages || std == 0 {
		t.Errorf("modules hold %v packages (std %v), total %d", modules, std, a.Total.Packages)
	}
}

// TestWhyTables checks the layout of the table output, numbers masked.
func TestWhyTables(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"why-c.table", []string{"-dir", diamond, ".", dC}},
		{"why-modules.table", []string{"-modules", "-top", "1", "-dir", diamond, "."}},
		{"why-c.md", []string{"-format", "markdown", "-dir", diamond, ".", dC}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := coldstart(t, append([]string{"why", "-n", "3", "-warmup", "0"}, tt.args...)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden(t, tt.name, maskNumbers(out))
		})
	}
}

// TestWhyBinary explains packages of a prebuilt executable, whose graph
// has no edges: modules are known, chains and retained costs are not.
func TestWhyBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "diamond")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = diamond
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	a := why(t, bin, dZ)
	e := a.Package
	if a.Edges || e.Module != "example.com/deep" || e.Chains != nil || e.Retained != nil || e.DirectDep != "" || e.Init == nil {
		t.Errorf("binary: edges %v, package %+v", a.Edges, e)
	}
	m := why(t, "-modules", bin)
	if m.DirectDeps != nil || m.Retained != nil || len(m.Modules) != 4 {
		t.Errorf("binary -modules: %d modules, direct dependencies %v, retained %v", len(m.Modules), m.DirectDeps, m.Retained)
	}
	code, out, stderr := coldstart(t, "why", "-n", "1", "-warmup", "0", bin, "example.com/diamond/heavyy")
	if code != exitUsage || out != "" || !strings.Contains(stderr, "closest: "+dHeavy+"\n") {
		t.Errorf("unknown package of a binary: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// TestWhyErrors checks the exit code and one-line message of bad input.
func TestWhyErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"why-unknown", []string{"-dir", diamond, ".", "heavyy"}},
		{"why-unknown-relative", []string{"-dir", diamond, ".", "./heavy"}},
		{"why-unknown-far", []string{"-dir", diamond, ".", "example.com/nothing/like/it"}},
		{"why-no-package", []string{"-dir", diamond, "."}},
		{"why-no-target", nil},
		{"why-chains", []string{"-chains", "0", "-dir", diamond, ".", dC}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := coldstart(t, append([]string{"why", "-n", "2", "-warmup", "0"}, tt.args...)...)
			oneLineError(t, code, exitUsage, out, stderr)
			golden(t, "errors/"+tt.name+".stderr", stderr)
		})
	}
}

func TestClosest(t *testing.T) {
	paths := []string{
		"example.com/diamond", "example.com/diamond/a", "example.com/diamond/c", "example.com/diamond/heavy",
		"example.com/deep/z", "example.com/other/heavy", "fmt", "os", "net/http", "net/http/httptrace",
	}
	tests := []struct {
		name string
		want []string
	}{
		{"heavy", []string{"example.com/other/heavy", "example.com/diamond/heavy"}},
		{"diamond/heavy", []string{"example.com/diamond/heavy"}},
		{"./heavy/", []string{"example.com/other/heavy", "example.com/diamond/heavy"}},
		{"heavyy", []string{"example.com/diamond/heavy", "example.com/other/heavy"}},
		{"fmtt", []string{"fmt"}},
		{"net/htp", []string{"net/http"}},
		{"http", []string{"net/http"}},
		{"example.com/diamond/hevy", []string{"example.com/diamond/heavy", "example.com/other/heavy"}},
		{"zzzzzzzzzz", nil},
		{"./", nil},
	}
	for _, tt := range tests {
		if got := closest(tt.name, paths, 3); !slices.Equal(got, tt.want) {
			t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"fmt", "fmt", 0}, {"µs", "us", 1}, {"heavy", "heavyy", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := editDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}
