// Package build turns a target spec into an executable to measure. It is the
// first stage after the scenario in the pipeline: scenario -> build -> runner.
//
// A spec is one of three kinds:
//
//   - a Go package in a local module ("./cmd/api", "example.com/app/cmd/api"),
//     built with `go build` in the module's directory into a temporary
//     directory, with the user's build flags passed through;
//   - a remote module version ("golang.org/x/tools/gopls@v0.23.0"), built
//     with `go install` through the module proxy into a cache directory
//     keyed by the spec, the build flags, the Go version and GOOS/GOARCH, so
//     a second run does not build again;
//   - an existing executable file ("./bin/api", "/usr/local/bin/gopls").
package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/semver"
)

// Kind is the kind of a target.
type Kind string

// The kinds of targets.
const (
	Package Kind = "package"
	Module  Kind = "module"
	Binary  Kind = "binary"
)

// Target is a resolved spec.
type Target struct {
	Spec       string
	Kind       Kind
	Dir        string   // where `go build` runs (package kind) or specs are resolved
	BuildFlags []string // passed to go build / go install
	Env        []string // build environment; nil means os.Environ()
}

// Resolve decides the kind of spec. dir is the directory relative paths are
// resolved against ("" for the current one).
func Resolve(spec, dir string, buildFlags []string) (Target, error) {
	t := Target{Spec: spec, Dir: dir, BuildFlags: buildFlags}
	if spec == "" {
		return t, errors.New("no target given")
	}
	if strings.Contains(spec, "@") {
		p, v, _ := strings.Cut(spec, "@")
		if p == "" || v == "" {
			return t, fmt.Errorf("target %s: want module/path@version", spec)
		}
		t.Kind = Module
		return t, nil
	}
	local := filepath.Join(dir, spec)
	if filepath.IsAbs(spec) {
		local = spec
	}
	if fi, err := os.Stat(local); err == nil {
		switch {
		case fi.IsDir():
			t.Kind = Package
			return t, nil
		case fi.Mode().IsRegular() && fi.Mode()&0o111 != 0:
			t.Kind = Binary
			return t, nil
		case fi.Mode().IsRegular():
			return t, fmt.Errorf("target %s: a file that is not executable", spec)
		}
	}
	if strings.Contains(spec, "...") {
		return t, fmt.Errorf("target %s: a package pattern; give one main package", spec)
	}
	if isLocalPath(spec) {
		return t, fmt.Errorf("target %s: no such file or directory", spec)
	}
	// An import path: let go build find it in the module at dir.
	t.Kind = Package
	return t, nil
}

// Where says where to run the go command for a package target, and the
// package to name there. A local directory is named relative to the root
// of its own module (the nearest directory above it with a go.mod), and the
// go command runs there, so that the package builds wherever coldstart runs:
// from a directory outside that module, `go build /abs/path` fails with
// "go.mod file not found". Compiler messages then name files relative to
// the module root. Other specs, and directories in no module, are named as
// given, from Dir.
func (t Target) Where() (dir, pkg string) {
	if t.Kind != Package || !isLocalPath(t.Spec) {
		return t.Dir, t.Spec
	}
	local := t.Spec
	if !filepath.IsAbs(local) {
		local = filepath.Join(t.Dir, local)
	}
	local, err := filepath.Abs(local)
	if err != nil {
		return t.Dir, t.Spec
	}
	for root := local; ; {
		if fi, err := os.Stat(filepath.Join(root, "go.mod")); err == nil && fi.Mode().IsRegular() {
			rel, err := filepath.Rel(root, local)
			switch {
			case err != nil:
				return t.Dir, t.Spec
			case rel == ".":
				return root, "."
			}
			return root, "./" + filepath.ToSlash(rel)
		}
		up := filepath.Dir(root)
		if up == root {
			return t.Dir, t.Spec
		}
		root = up
	}
}

func isLocalPath(s string) bool {
	return s == "." || s == ".." || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || filepath.IsAbs(s)
}

// Executable is a binary ready to run, with what its build info says.
type Executable struct {
	Path        string
	Kind        Kind
	GoVersion   string
	MainPackage string
	Module      string
	Version     string
	Revision    string
	// Warnings are soft problems, such as an executable without Go build
	// information.
	Warnings []string
	tmp      string
}

// Close removes a temporary build.
func (e *Executable) Close() error {
	if e.tmp == "" {
		return nil
	}
	return os.RemoveAll(e.tmp)
}

// Build produces the executable of t. cacheDir holds remote module builds.
func Build(ctx context.Context, t Target, cacheDir string) (*Executable, error) {
	var e *Executable
	var err error
	switch t.Kind {
	case Binary:
		// An absolute path: "./x" joined with an empty Dir is "x",
		// which exec would look up in $PATH.
		p, aerr := filepath.Abs(filepath.Join(t.Dir, t.Spec))
		if filepath.IsAbs(t.Spec) {
			p, aerr = t.Spec, nil
		}
		if aerr != nil {
			return nil, fmt.Errorf("target %s: %w", t.Spec, aerr)
		}
		e = &Executable{Path: p}
	case Package:
		e, err = buildPackage(ctx, t)
	case Module:
		e, err = installModule(ctx, t, cacheDir)
	default:
		err = fmt.Errorf("target %s: unknown kind %q", t.Spec, t.Kind)
	}
	if err != nil {
		return nil, err
	}
	e.Kind = t.Kind
	e.describe()
	if t.Kind == Package && e.Revision == "" {
		dir, _ := t.Where()
		e.Revision = gitRevision(ctx, dir)
	}
	return e, nil
}

func buildPackage(ctx context.Context, t Target) (*Executable, error) {
	tmp, err := os.MkdirTemp("", "coldstart-build-")
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", t.Spec, err)
	}
	out := filepath.Join(tmp, binName(t.Spec))
	args := append([]string{"build", "-o", out}, t.BuildFlags...)
	dir, pkg := t.Where()
	args = append(args, pkg)
	if err := goCmd(ctx, dir, t.Env, args...); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("building %s: %w", t.Spec, err)
	}
	// go build -o writes an archive for a package that is not main.
	if _, err := buildinfo.ReadFile(out); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("building %s: not a main package: go build made no program", t.Spec)
	}
	return &Executable{Path: out, tmp: tmp}, nil
}

func installModule(ctx context.Context, t Target, cacheDir string) (*Executable, error) {
	pkgPath, version, _ := strings.Cut(t.Spec, "@")
	name := execName(pkgPath)
	// A query (latest, a branch, v1.2) names a different build tomorrow:
	// it is built afresh into a temporary directory, never cached.
	fixed := fixedVersion(version)
	var dir, bin string
	if fixed {
		goVersion, err := goEnv(ctx, t.Env, "GOVERSION", "GOOS", "GOARCH")
		if err != nil {
			return nil, fmt.Errorf("building %s: %w", t.Spec, err)
		}
		key := sha256.Sum256([]byte(strings.Join(append([]string{t.Spec, goVersion}, t.BuildFlags...), "\x00")))
		dir = filepath.Join(cacheDir, "modules", hex.EncodeToString(key[:8]))
		bin = filepath.Join(dir, name)
		if _, err := os.Stat(bin); err == nil {
			return &Executable{Path: bin}, nil
		}
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("building %s: %w", t.Spec, err)
		}
	}
	// Install into a fresh directory, then rename it into place, so a
	// build killed midway never leaves a half-written cache entry.
	parent := cacheDir
	if !fixed {
		parent = ""
	}
	tmp, err := os.MkdirTemp(parent, "install-")
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", t.Spec, err)
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(tmp)
		}
	}()
	env := t.Env
	if env == nil {
		env = os.Environ()
	}
	env = append(env, "GOBIN="+tmp, "GOWORK=off")
	args := append([]string{"install"}, t.BuildFlags...)
	args = append(args, t.Spec)
	// Run outside any module so the user's go.mod plays no part.
	if err := goCmd(ctx, tmp, env, args...); err != nil {
		return nil, fmt.Errorf("building %s: %w", t.Spec, err)
	}
	if _, err := os.Stat(filepath.Join(tmp, name)); err != nil {
		return nil, fmt.Errorf("building %s: go install made no %s (is it a main package?)", t.Spec, name)
	}
	if !fixed {
		keep = true
		return &Executable{Path: filepath.Join(tmp, name), tmp: tmp}, nil
	}
	os.MkdirAll(filepath.Dir(dir), 0o755)
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
		if _, statErr := os.Stat(bin); statErr != nil {
			return nil, fmt.Errorf("building %s: %w", t.Spec, err)
		}
	}
	return &Executable{Path: bin}, nil
}

// fixedVersion reports whether version names one build for good: a
// canonical semantic version (v1.2.3, a pseudo-version, +incompatible).
// Queries such as latest, upgrade, a branch, a commit hash or v1.2 do not.
func fixedVersion(version string) bool {
	v := strings.TrimSuffix(version, "+incompatible")
	return semver.IsValid(v) && semver.Canonical(v) == v
}

// describe fills e from the binary's Go build information.
func (e *Executable) describe() {
	bi, err := buildinfo.ReadFile(e.Path)
	if err != nil {
		e.Warnings = append(e.Warnings, fmt.Sprintf("%s has no Go build information (%v): is it a Go binary?", e.Path, err))
		return
	}
	e.GoVersion = bi.GoVersion
	e.MainPackage = bi.Path
	e.Module = bi.Main.Path
	e.Version = bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			e.Revision = s.Value
		}
	}
}

// gitRevision is the commit of the working tree at dir, with "-dirty" when
// it has uncommitted changes; "" outside a git repository.
func gitRevision(ctx context.Context, dir string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", dirOrDot(dir), "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	rev := strings.TrimSpace(string(out))
	st, err := exec.CommandContext(ctx, "git", "-C", dirOrDot(dir), "status", "--porcelain", "--untracked-files=no").Output()
	if err == nil && len(bytes.TrimSpace(st)) > 0 {
		rev += "-dirty"
	}
	return rev
}

func dirOrDot(d string) string {
	if d == "" {
		return "."
	}
	return d
}

// execName is the name go install gives the executable of the package at
// importPath: its last element, or the one before a major version suffix
// (github.com/mikefarah/yq/v4 installs as yq), as cmd/go's DefaultExecName.
func execName(importPath string) string {
	elem := path.Base(importPath)
	if dir := path.Dir(importPath); dir != "." && len(elem) >= 2 && elem[0] == 'v' && strings.Trim(elem[1:], "0123456789") == "" && elem[1] != '0' && elem != "v1" {
		return path.Base(dir)
	}
	return elem
}

func binName(spec string) string {
	b := path.Base(filepath.ToSlash(filepath.Clean(spec)))
	if b == "." || b == "/" || b == ".." || b == "" {
		return "target"
	}
	return b
}

func goCmd(ctx context.Context, dir string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		msg := lastLines(stderr.String(), 5)
		if msg == "" {
			return fmt.Errorf("go %s: %w", args[0], err)
		}
		return fmt.Errorf("go %s: %w: %s", args[0], err, msg)
	}
	return nil
}

func goEnv(ctx context.Context, env []string, vars ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"env"}, vars...)...)
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	return strings.Join(strings.Fields(string(out)), " "), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
