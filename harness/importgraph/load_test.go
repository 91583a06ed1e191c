package importgraph

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Paths of the diamond fixture's packages.
const (
	pMain  = "example.com/diamond"
	pA     = "example.com/diamond/a"
	pB     = "example.com/diamond/b"
	pC     = "example.com/diamond/c"
	pD     = "example.com/diamond/d"
	pE     = "example.com/diamond/e"
	pX     = "example.com/ext/x"
	pYAML  = "example.com/ext/yaml.v3"
	pZ     = "example.com/deep/z"
	mMain  = "example.com/diamond"
	mExt   = "example.com/ext"
	mDeep  = "example.com/deep"
	pSpec  = "example.com/diamond/special"
	pWin   = "example.com/diamond/win"
	pTests = "example.com/diamond/testonly"
)

// diamondPkgs are the non-standard packages of the diamond program.
var diamondPkgs = []string{pZ, pMain, pA, pB, pC, pD, pE, pX, pYAML}

// needGo skips the test if the go command is not available.
func needGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("go command not available: %v", err)
	}
}

// goEnv is the environment for the go command in tests: no workspace, no
// toolchain switch, no network.
func goEnv(extra ...string) []string {
	return append(os.Environ(), append([]string{"GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off"}, extra...)...)
}

// loadDiamond writes the diamond fixture and loads its main package.
func loadDiamond(t *testing.T, buildFlags []string, env ...string) (*Graph, string) {
	t.Helper()
	needGo(t)
	dir := writeFixture(t, "diamond.txtar")
	g, err := Load(context.Background(), dir, ".", buildFlags, goEnv(env...))
	if err != nil {
		t.Fatal(err)
	}
	return g, dir
}

func TestLoadDiamond(t *testing.T) {
	g, _ := loadDiamond(t, nil)
	if g.Main() != pMain || g.MainModule() != mMain || !g.HasEdges() {
		t.Errorf("Main, MainModule, HasEdges = %q, %q, %v", g.Main(), g.MainModule(), g.HasEdges())
	}
	for _, p := range diamondPkgs {
		if !g.Has(p) {
			t.Errorf("Has(%s) = false", p)
		}
	}
	for _, p := range []string{pSpec, pWin, pTests} {
		if g.Has(p) {
			t.Errorf("Has(%s) = true; build-tag, GOOS and test-only imports must be left out", p)
		}
	}

	pkgs := g.Packages()
	if !slices.IsSortedFunc(pkgs, func(a, b Package) int { return strings.Compare(a.Path, b.Path) }) {
		t.Error("Packages not sorted by path")
	}
	wantPkgs := map[string]Package{
		pMain:     {Path: pMain, Module: mMain, Imports: []string{pA, pB}},
		pA:        {Path: pA, Module: mMain, Imports: []string{pC, pE}},
		pD:        {Path: pD, Module: mMain},
		pX:        {Path: pX, Module: mExt, Version: "v0.0.0", Replace: "./ext", Imports: []string{pZ, pYAML}},
		pZ:        {Path: pZ, Module: mDeep, Version: "v0.0.0", Replace: "./deep"},
		"runtime": {Path: "runtime", Standard: true},
	}
	for path, want := range wantPkgs {
		got, ok := g.Package(path)
		if want.Path == "runtime" {
			got.Imports = nil // the runtime's imports change with Go versions
		}
		if !ok || !equalPackage(got, want) {
			t.Errorf("Package(%s) = %+v, %v; want %+v", path, got, ok, want)
		}
	}
	if _, ok := g.Package("example.com/nope"); ok {
		t.Error("Package(example.com/nope) found")
	}

	chains := []struct {
		path string
		want []string
	}{
		{pMain, []string{pMain}},
		{pC, []string{pMain, pA, pC}}, // a before b
		{pD, []string{pMain, pA, pC, pD}},
		{pE, []string{pMain, pA, pE}},
		{pYAML, []string{pMain, pB, pX, pYAML}},
		{pZ, []string{pMain, pB, pX, pZ}},
		{"runtime", []string{pMain, "runtime"}}, // linked without an import
		{"example.com/nope", nil},
	}
	for _, c := range chains {
		if got := g.Chain(c.path); !slices.Equal(got, c.want) {
			t.Errorf("Chain(%s) = %q, want %q", c.path, got, c.want)
		}
	}

	if got, want := g.Chains(pD, 5), [][]string{{pMain, pA, pC, pD}, {pMain, pB, pC, pD}}; !equalChains(got, want) {
		t.Errorf("Chains(d, 5) = %q, want %q", got, want)
	}
	if got, want := g.Chains(pD, 1), [][]string{{pMain, pA, pC, pD}}; !equalChains(got, want) {
		t.Errorf("Chains(d, 1) = %q, want %q", got, want)
	}
	if got := g.Chains(pD, 0); got != nil {
		t.Errorf("Chains(d, 0) = %q, want nil", got)
	}
	if got, want := g.Chains(pE, 3), [][]string{{pMain, pA, pE}}; !equalChains(got, want) {
		t.Errorf("Chains(e, 3) = %q, want %q", got, want)
	}

	dominated := []struct {
		path string
		want []string
	}{
		{pA, []string{pA, pE}},
		{pB, []string{pZ, pX, pYAML, pB}},
		{pC, []string{pC, pD}},
		{pD, []string{pD}},
		{pE, []string{pE}},
		{pX, []string{pZ, pX, pYAML}},
		{"example.com/nope", nil},
	}
	for _, c := range dominated {
		want := slices.Sorted(slices.Values(c.want))
		if got := g.Dominated(c.path); !slices.Equal(got, want) {
			t.Errorf("Dominated(%s) = %q, want %q", c.path, got, want)
		}
	}
	all := g.Dominated(pMain)
	if len(all) != len(pkgs) {
		t.Errorf("Dominated(main) has %d packages, want all %d", len(all), len(pkgs))
	}
	// c is reached through a and through b, so only main dominates it.
	for _, p := range all {
		if p != pMain && p != pC && p != pD && slices.Contains(g.Dominated(p), pC) {
			t.Errorf("Dominated(%s) holds c", p)
		}
	}

	directDeps := map[string]string{pMain: "", pA: "", pD: "", "runtime": "", pX: mExt, pYAML: mExt, pZ: mExt, "example.com/nope": ""}
	for path, want := range directDeps {
		if got := g.DirectDep(path); got != want {
			t.Errorf("DirectDep(%s) = %q, want %q", path, got, want)
		}
	}
}

func TestLoadRollup(t *testing.T) {
	g, _ := loadDiamond(t, nil)
	// One unit per package of ours, a thousandth per standard-library
	// package, so that the order of the groups does not depend on how
	// many packages the runtime has.
	cost := func(p string) float64 {
		if slices.Contains(diamondPkgs, p) {
			return 1
		}
		return 0.001
	}
	nstd := 0
	for _, p := range g.Packages() {
		if p.Standard {
			nstd++
		}
	}
	if nstd == 0 {
		t.Fatal("no standard-library packages")
	}
	std := float64(nstd) * 0.001

	byModule := g.ByModule(cost)
	wantModule := []Group{
		{Name: mMain, Packages: 6, Cost: 6},
		{Name: mExt, Packages: 2, Cost: 2},
		{Name: mDeep, Packages: 1, Cost: 1},
		{Name: StdGroup, Packages: nstd, Cost: std},
	}
	checkGroups(t, "ByModule", byModule, wantModule)
	if got := byModule[1].Members; !slices.Equal(got, []string{pX, pYAML}) {
		t.Errorf("ByModule: ext members = %q", got)
	}

	byDep := g.ByDirectDep(cost)
	wantDep := []Group{
		{Name: mMain, Packages: 6, Cost: 6},
		{Name: mExt, Packages: 3, Cost: 3}, // deep arrives through ext
		{Name: StdGroup, Packages: nstd, Cost: std},
	}
	checkGroups(t, "ByDirectDep", byDep, wantDep)

	rollup := g.Rollup(cost)
	if len(rollup) != len(g.Packages()) {
		t.Errorf("Rollup has %d groups, want one per package (%d)", len(rollup), len(g.Packages()))
	}
	if rollup[0].Name != pMain || rollup[0].Packages != len(g.Packages()) {
		t.Errorf("Rollup[0] = %s with %d packages, want main with all", rollup[0].Name, rollup[0].Packages)
	}
	for _, r := range rollup {
		if r.Name == pB && (r.Packages != 4 || !near(r.Cost, 4)) {
			t.Errorf("Rollup: b retains %d packages costing %v, want 4 and 4", r.Packages, r.Cost)
		}
	}
	if got := g.Retained(pA, cost); !near(got, 2) {
		t.Errorf("Retained(a) = %v, want 2", got)
	}
	if got := g.ByModule(nil); got[0].Cost != 0 || got[0].Packages == 0 {
		t.Errorf("ByModule(nil)[0] = %+v, want counts without cost", got[0])
	}
}

func TestLoadBuildTags(t *testing.T) {
	g, _ := loadDiamond(t, []string{"-tags=special"})
	if got, want := g.Chain(pSpec), []string{pMain, pSpec}; !slices.Equal(got, want) {
		t.Errorf("with -tags=special: Chain(special) = %q, want %q", got, want)
	}
	if g.Has(pWin) {
		t.Errorf("with -tags=special: has %s", pWin)
	}
}

func TestLoadGOOS(t *testing.T) {
	g, _ := loadDiamond(t, nil, "GOOS=windows", "GOARCH=amd64")
	if got, want := g.Chain(pWin), []string{pMain, pWin}; !slices.Equal(got, want) {
		t.Errorf("with GOOS=windows: Chain(win) = %q, want %q", got, want)
	}
	if g.Has(pSpec) {
		t.Errorf("with GOOS=windows: has %s", pSpec)
	}
}

func TestLoadErrors(t *testing.T) {
	needGo(t)
	dir := writeFixture(t, "diamond.txtar")
	tests := []struct {
		dir, pattern string
		want         []string // substrings of the error
	}{
		{filepath.Join(dir, "nonexistent"), ".", []string{"listing imports of .:", "nonexistent"}},
		{dir, "./c", []string{"listing imports of ./c:", "no main package among example.com/diamond/c"}},
		{dir, "example.com/diamond/nothing/...", []string{"listing imports of example.com/diamond/nothing/...:", "no packages"}},
		{dir, "./cmd/...", []string{"listing imports of ./cmd/...:", "2 main packages", "example.com/diamond/cmd/one", "example.com/diamond/cmd/two"}},
		{dir, "./broken", []string{"listing imports of ./broken:", "exit status 1", "example.com/diamond/nope"}},
		{dir, "-json", []string{"invalid package pattern"}},
	}
	for _, tt := range tests {
		g, err := Load(context.Background(), tt.dir, tt.pattern, nil, goEnv())
		if err == nil {
			t.Errorf("Load(%s, %s) = %v, want error", tt.dir, tt.pattern, g.Main())
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Load(%s, %s) error = %q, want it to contain %q", tt.dir, tt.pattern, err, w)
			}
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, dir, ".", nil, goEnv()); err == nil {
		t.Error("Load with a canceled context succeeded")
	}
}

// TestLoadSelf loads a real program with cgo and the standard library's
// vendored packages, and checks that every package is reachable from main
// and has a shortest chain.
func TestLoadSelf(t *testing.T) {
	needGo(t)
	dir := t.TempDir()
	src := "package main\n\nimport (\n\t\"net/http\"\n\t\"os/user\"\n)\n\nfunc main() { _, _ = user.Current(); _ = http.ListenAndServe(\"\", nil) }\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/web\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := Load(context.Background(), dir, ".", nil, goEnv("CGO_ENABLED=1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range g.Packages() {
		c := g.Chain(p.Path)
		if len(c) == 0 || c[0] != "example.com/web" || c[len(c)-1] != p.Path {
			t.Errorf("Chain(%s) = %q", p.Path, c)
		}
		if !p.Standard && p.Path != "example.com/web" {
			t.Errorf("%s is not standard", p.Path)
		}
	}
	if !g.Has("vendor/golang.org/x/net/http/httpguts") {
		t.Error("no vendored standard-library package")
	}
	if g.Has("runtime/cgo") {
		c := g.Chain("runtime/cgo")
		if len(c) < 3 {
			t.Errorf("Chain(runtime/cgo) = %q, want it through a cgo package", c)
		}
	}
	if got := len(g.Dominated("example.com/web")); got != len(g.Packages()) {
		t.Errorf("main dominates %d of %d packages", got, len(g.Packages()))
	}
}

func equalPackage(a, b Package) bool {
	return a.Path == b.Path && a.Module == b.Module && a.Version == b.Version && a.Replace == b.Replace &&
		a.Standard == b.Standard && slices.Equal(a.Imports, b.Imports)
}

func equalChains(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

func near(a, b float64) bool {
	d := a - b
	return -1e-9 < d && d < 1e-9
}

// checkGroups compares groups by name, size and cost, in order.
func checkGroups(t *testing.T, what string, got, want []Group) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %d groups %v, want %d", what, len(got), got, len(want))
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Packages != w.Packages || !near(g.Cost, w.Cost) || len(g.Members) != g.Packages {
			t.Errorf("%s[%d] = %s %d %v (%d members), want %s %d %v", what, i, g.Name, g.Packages, g.Cost, len(g.Members), w.Name, w.Packages, w.Cost)
		}
	}
}

// TestLoadModule lists a real module version from the proxy and checks it
// against the binary `go install` makes of the same spec: every package
// of a module the binary links is in the graph, in the same module, with a
// chain from main. (Standard packages are left out: the runtime provides
// functions of runtime/debug and others by linkname, so the binary names
// them whether or not the program imports them.)
func TestLoadModule(t *testing.T) {
	needGo(t)
	if testing.Short() {
		t.Skip("fetches a module through the proxy")
	}
	const (
		pkg  = "golang.org/x/perf/cmd/benchstat"
		spec = pkg + "@v0.0.0-20260908200009-22c9c6c9d4da"
	)
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local")
	g, err := LoadModule(context.Background(), spec, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	if g.Main() != pkg || g.MainModule() != "golang.org/x/perf" || !g.HasEdges() {
		t.Fatalf("main %s in module %s (edges %v), want %s in golang.org/x/perf with edges", g.Main(), g.MainModule(), g.HasEdges(), pkg)
	}
	if got := g.DirectDep("golang.org/x/perf/benchproc"); got != "" {
		t.Errorf("direct dependency of benchproc = %q, want none: it is in the main module", got)
	}

	gobin := t.TempDir()
	install := exec.Command("go", "install", spec)
	install.Env = append(env, "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install %s: %v\n%s", spec, err, out)
	}
	bg, err := FromBinary(filepath.Join(gobin, "benchstat"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range bg.Packages() {
		if p.Standard {
			continue
		}
		lp, ok := g.Package(p.Path)
		switch {
		case !ok:
			t.Errorf("the binary links %s, the graph has no such package", p.Path)
		case g.Chain(p.Path) == nil:
			t.Errorf("%s has no chain from main", p.Path)
		case lp.Module != p.Module:
			t.Errorf("%s: module %q in the graph, %q in the binary", p.Path, lp.Module, p.Module)
		}
	}
}

func TestLoadModuleErrors(t *testing.T) {
	needGo(t)
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off", "GOFLAGS=-mod=mod")
	for spec, want := range map[string]string{
		"golang.org/x/perf/cmd/benchstat": "want package@version",
		"@v1.0.0":                         "want package@version",
		"example.invalid/nothing@v1.2.3":  "go get",
	} {
		_, err := LoadModule(context.Background(), spec, nil, env)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "listing imports of "+spec) {
			t.Errorf("LoadModule(%q) error = %v, want one naming the spec and containing %q", spec, err, want)
		}
	}
}
