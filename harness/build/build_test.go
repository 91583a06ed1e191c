package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
