package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// A relative executable spec must still name that file when the target is
// started: "./tool" joined with an empty Dir is "tool", which exec looks up
// in $PATH instead.
func TestBuildBinaryRelativePath(t *testing.T) {
	dir := t.TempDir()
	tool := filepath.Join(dir, "tool")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, c := range []struct{ spec, dir string }{
		{"./tool", ""},
		{"tool", ""},
		{"./tool", dir},
		{tool, "/nonexistent"},
	} {
		tg, err := Resolve(c.spec, c.dir, nil)
		if err != nil {
			t.Fatalf("Resolve(%q, %q): %v", c.spec, c.dir, err)
		}
		if tg.Kind != Binary {
			t.Fatalf("Resolve(%q, %q): kind %s, want %s", c.spec, c.dir, tg.Kind, Binary)
		}
		e, err := Build(context.Background(), tg, t.TempDir())
		if err != nil {
			t.Fatalf("Build(%q, %q): %v", c.spec, c.dir, err)
		}
		if e.Path != tool {
			t.Errorf("Build(%q, %q).Path = %q, want %q", c.spec, c.dir, e.Path, tool)
		}
		if err := exec.Command(e.Path).Run(); err != nil {
			t.Errorf("running Build(%q, %q).Path: %v", c.spec, c.dir, err)
		}
	}
}

// A local package directory is built in its own module, wherever coldstart
// runs: from a directory outside any module, by absolute and relative path.
func TestBuildPackageOutsideModule(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not installed")
	}
	root := t.TempDir()
	mod := filepath.Join(root, "mod")
	pkg := filepath.Join(mod, "cmd", "hello")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(mod, "go.mod"):  "module example.com/mod\n\ngo 1.26\n",
		filepath.Join(pkg, "main.go"): "package main\n\nfunc main() { println(\"hello\") }\n",
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	elsewhere := filepath.Join(root, "elsewhere")
	if err := os.Mkdir(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(elsewhere)
	for _, c := range []struct{ spec, dir string }{
		{pkg, ""},
		{"../mod/cmd/hello", ""},
		{"./cmd/hello", mod},
	} {
		tg, err := Resolve(c.spec, c.dir, nil)
		if err != nil {
			t.Fatalf("Resolve(%q, %q): %v", c.spec, c.dir, err)
		}
		e, err := Build(context.Background(), tg, t.TempDir())
		if err != nil {
			t.Fatalf("Build(%q, %q): %v", c.spec, c.dir, err)
		}
		if e.MainPackage != "example.com/mod/cmd/hello" {
			t.Errorf("Build(%q, %q): main package %q, want example.com/mod/cmd/hello", c.spec, c.dir, e.MainPackage)
		}
		e.Close()
	}
}

// fileProxy writes a module proxy in a directory (GOPROXY=file://DIR)
// serving example.com/tool at the given versions, each a main package
// that prints its version, and returns the directory.
func fileProxy(t *testing.T, dir string, versions ...string) string {
	t.Helper()
	base := filepath.Join(dir, "example.com", "tool", "@v")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	const gomod = "module example.com/tool\n\ngo 1.26\n"
	for _, v := range versions {
		src := t.TempDir()
		files := map[string]string{
			"go.mod":  gomod,
			"main.go": "package main\n\nfunc main() { println(\"" + v + "\") }\n",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		zf, err := os.Create(filepath.Join(base, v+".zip"))
		if err != nil {
			t.Fatal(err)
		}
		if err := modzip.CreateFromDir(zf, module.Version{Path: "example.com/tool", Version: v}, src); err != nil {
			t.Fatal(err)
		}
		zf.Close()
		writeFiles := map[string]string{
			v + ".mod":  gomod,
			v + ".info": `{"Version":"` + v + `","Time":"2026-11-01T00:00:00Z"}`,
		}
		for name, text := range writeFiles {
			if err := os.WriteFile(filepath.Join(base, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(base, "list"), []byte(strings.Join(versions, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A fixed version is built once and cached; a query such as latest is
// built afresh every time, so a new release is measured the day it is
// out, and its temporary build is removed by Close.
func TestBuildModuleQueryNotCached(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not installed")
	}
	proxy := t.TempDir()
	env := append(os.Environ(), "GOPROXY=file://"+proxy, "GOSUMDB=off", "GOFLAGS=-mod=mod -modcacherw",
		"GOMODCACHE="+t.TempDir(), "GOTOOLCHAIN=local")
	build := func(spec, cache string) *Executable {
		t.Helper()
		tg, err := Resolve(spec, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		tg.Env = env
		e, err := Build(context.Background(), tg, cache)
		if err != nil {
			t.Fatalf("Build(%s): %v", spec, err)
		}
		return e
	}
	cache := t.TempDir()

	fileProxy(t, proxy, "v1.0.0")
	fixed1, fixed2 := build("example.com/tool@v1.0.0", cache), build("example.com/tool@v1.0.0", cache)
	if fixed1.Path != fixed2.Path || !strings.HasPrefix(fixed1.Path, cache) {
		t.Errorf("v1.0.0 built to %s and %s: want one cached build under %s", fixed1.Path, fixed2.Path, cache)
	}
	latest := build("example.com/tool@latest", cache)
	if latest.Version != "v1.0.0" || strings.HasPrefix(latest.Path, cache) {
		t.Errorf("latest: version %s at %s, want v1.0.0 outside the cache", latest.Version, latest.Path)
	}
	if err := latest.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(latest.Path); !os.IsNotExist(err) {
		t.Errorf("after Close, %s: %v, want it removed", latest.Path, err)
	}

	fileProxy(t, proxy, "v1.0.0", "v1.1.0")
	if latest := build("example.com/tool@latest", cache); latest.Version != "v1.1.0" {
		t.Errorf("latest after v1.1.0 is out: %s, want v1.1.0", latest.Version)
	} else {
		latest.Close()
	}
}

func TestFixedVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"v1.2.3":                             true,
		"v0.23.0":                            true,
		"v0.0.0-20260908200009-22c9c6c9d4da": true,
		"v2.0.0+incompatible":                true,
		"v1.2.3-rc.1":                        true,
		"latest":                             false,
		"upgrade":                            false,
		"master":                             false,
		"v1.2":                               false,
		"v1":                                 false,
		"22c9c6c9d4da":                       false,
		"":                                   false,
	} {
		if got := fixedVersion(v); got != want {
			t.Errorf("fixedVersion(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestExecName(t *testing.T) {
	for pkg, want := range map[string]string{
		"golang.org/x/tools/gopls":           "gopls",
		"github.com/mikefarah/yq/v4":         "yq",
		"example.com/tool/v10":               "tool",
		"example.com/tool/v1":                "v1",
		"example.com/tool/v0":                "v0",
		"example.com/tool/v2x":               "v2x",
		"example.com/tool/cmd/v2":            "cmd",
		"v2":                                 "v2",
		"golang.org/x/perf/cmd/benchstat":    "benchstat",
		"honnef.co/go/tools/cmd/staticcheck": "staticcheck",
	} {
		if got := execName(pkg); got != want {
			t.Errorf("execName(%q) = %q, want %q", pkg, got, want)
		}
	}
}

// A spec that names no single program is refused with the reason, before
// or after go build.
func TestBuildNotAProgram(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not installed")
	}
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		filepath.Join(dir, "go.mod"): "module example.com/m\n\ngo 1.26\n",
		filepath.Join(lib, "lib.go"): "package lib\n\nvar X = 1\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Resolve("./...", dir, nil); err == nil || !strings.Contains(err.Error(), "a package pattern") {
		t.Errorf("Resolve(./...) error = %v, want one saying it is a pattern", err)
	}
	tg, err := Resolve("./lib", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "coldstart-build-*"))
	if _, err := Build(context.Background(), tg, t.TempDir()); err == nil || !strings.Contains(err.Error(), "building ./lib: not a main package") {
		t.Errorf("Build(./lib) error = %v, want one saying it is not a main package", err)
	}
	if after, _ := filepath.Glob(filepath.Join(os.TempDir(), "coldstart-build-*")); len(after) > len(before) {
		t.Errorf("a failed build left %v", after)
	}
}
