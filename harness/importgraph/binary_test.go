package importgraph

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// buildDiamond builds the diamond fixture's main package with the extra
// go build flags and returns the binary's path.
func buildDiamond(t *testing.T, dir string, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "diamond")
	args := append(append([]string{"build", "-o", bin}, flags...), ".")
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

func TestFromBinary(t *testing.T) {
	loaded, dir := loadDiamond(t, nil)
	bins := map[string]string{
		"plain":    buildDiamond(t, dir),
		"stripped": buildDiamond(t, dir, "-ldflags=-s -w"),
	}
	var plain []string
	for _, name := range []string{"plain", "stripped"} {
		g, err := FromBinary(bins[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if g.Main() != pMain || g.MainModule() != mMain || g.HasEdges() {
			t.Errorf("%s: Main, MainModule, HasEdges = %q, %q, %v", name, g.Main(), g.MainModule(), g.HasEdges())
		}
		// d has no init work and is found all the same.
		for _, p := range diamondPkgs {
			if !g.Has(p) {
				t.Errorf("%s: Has(%s) = false", name, p)
			}
		}
		want := map[string]Package{
			pMain:     {Path: pMain, Module: mMain},
			pD:        {Path: pD, Module: mMain},
			pYAML:     {Path: pYAML, Module: mExt, Version: "v0.0.0", Replace: "./ext"},
			pZ:        {Path: pZ, Module: mDeep, Version: "v0.0.0", Replace: "./deep"},
			"runtime": {Path: "runtime", Standard: true},
		}
		for path, w := range want {
			if got, ok := g.Package(path); !ok || !equalPackage(got, w) {
				t.Errorf("%s: Package(%s) = %+v, %v; want %+v", name, path, got, ok, w)
			}
		}
		var paths []string
		for _, p := range g.Packages() {
			paths = append(paths, p.Path)
			if lp, ok := loaded.Package(p.Path); ok && (lp.Standard != p.Standard || lp.Module != p.Module) {
				t.Errorf("%s: %s is Standard=%v Module=%q, go list says %v %q", name, p.Path, p.Standard, p.Module, lp.Standard, lp.Module)
			}
			if p.Imports != nil {
				t.Errorf("%s: %s has imports %q", name, p.Path, p.Imports)
			}
		}
		if name == "plain" {
			plain = paths
		} else if !slices.Equal(paths, plain) {
			t.Errorf("stripped binary has packages %q, unstripped %q", paths, plain)
		}
		// No edges: chains and dominators are unknown, direct dependencies
		// fall back to modules.
		if c, d, r := g.Chain(pD), g.Dominated(pMain), g.Rollup(nil); c != nil || d != nil || r != nil {
			t.Errorf("%s: Chain, Dominated, Rollup = %q, %q, %v; want nil", name, c, d, r)
		}
		if got := g.DirectDep(pZ); got != mDeep {
			t.Errorf("%s: DirectDep(z) = %q, want %q", name, got, mDeep)
		}
		checkGroups(t, name+": ByDirectDep", g.ByDirectDep(nil), g.ByModule(nil))
	}
}

func TestFromBinaryErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not a binary\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{text, empty, filepath.Join(dir, "missing"), dir} {
		g, err := FromBinary(path)
		if err == nil {
			t.Errorf("FromBinary(%s) = %v, want error", path, g.Main())
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("FromBinary(%s) error = %q, want it to name the file", path, err)
		}
	}
}

func TestPackageOf(t *testing.T) {
	tests := []struct{ name, want string }{
		{"net/http.(*Client).Do", "net/http"},
		{"net/http.(*Client).Do.func1", "net/http"},
		{"gopkg.in/yaml%2ev3.(*decoder).unmarshal", "gopkg.in/yaml.v3"},
		{"example.com/ext/yaml%2ev3.Y", "example.com/ext/yaml.v3"},
		{"example.com/a.Map[go.shape.int,go.shape.string]", "example.com/a"},
		{"example.com/a.(*T[go.shape.struct { F net/http.Header }]).M", "example.com/a"},
		{"example.com/a.F[...].func1", "example.com/a"},
		{"vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", "vendor/golang.org/x/net/http2/hpack"},
		{"sync/atomic.(*Int64).Add", "sync/atomic"},
		{"runtime.gcBgMarkWorker.gowrap1", "runtime"},
		{"main.main", "main"},
		{"main.init.0", "main"},
		{"type:.eq.net/url.URL", "net/url"},
		{"type:.hash.example.com/a.T", "example.com/a"},
		{"type:.eq.[2]interface {}", ""},
		{"type:.eq.struct { a int; b string }", ""},
		{"type:.eq.*example.com/a.T", ""},
		{"type:.namedata.x", ""},
		{"go:buildid", ""},
		{"go:main.inittasks", ""},
		{"cmpbody", ""},
		{"_cgo_topofstack", ""},
		{"", ""},
		{".", ""},
		{"/.x", ""},
		{"a%zz.F", ""},
		{"a%2.F", ""},
		{"a%00b.F", ""},
	}
	for _, tt := range tests {
		if got := packageOf(tt.name); got != tt.want {
			t.Errorf("packageOf(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzPackageOf checks that symbol names from binaries never make
// packageOf panic and that what it returns looks like an import path.
func FuzzPackageOf(f *testing.F) {
	f.Add("gopkg.in/yaml%2ev3.(*decoder).unmarshal")
	f.Add("example.com/a.(*T[go.shape.struct { F net/http.Header }]).M")
	f.Add("type:.eq.net/url.URL")
	f.Add("a%zz.F")
	f.Fuzz(func(t *testing.T, name string) {
		p := packageOf(name)
		if p != "" && (strings.ContainsAny(p, " ()[]*") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/")) {
			t.Errorf("packageOf(%q) = %q", name, p)
		}
	})
}
