package importgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/traverse"
)

// listFields are the go list fields Load reads; naming them keeps the
// output small.
const listFields = "ImportPath,Name,Standard,DepOnly,Module,Imports,Deps"

// listed is one package as printed by go list -json.
type listed struct {
	ImportPath string
	Name       string
	Standard   bool
	DepOnly    bool
	Module     *listedModule
	Imports    []string
	Deps       []string
}

// listedModule is a module as printed by go list -json.
type listedModule struct {
	Path    string
	Version string
	Main    bool
	Replace *listedModule
}

// Load runs `go list -deps -json [buildFlags] pattern` in dir with env and
// builds the import graph of the main package that pattern names. Env nil
// means os.Environ(); GOOS, GOARCH and the like in env, and -tags and other
// build flags in buildFlags, select the files go list reads, as they would
// for go build. Pattern must match exactly one main package; other,
// non-main packages it matches are ignored, and so are their dependencies
// that the main package does not have.
//
// Packages the go command links without an import, such as runtime (added
// to every main package) or runtime/cgo (added to packages that use cgo),
// get an edge from the packages that need them: those that have them among
// their dependencies (go list's Deps) while none of their imports does.
func Load(ctx context.Context, dir, pattern string, buildFlags, env []string) (*Graph, error) {
	fail := func(err error) (*Graph, error) {
		return nil, fmt.Errorf("listing imports of %s: %w", pattern, err)
	}
	if pattern == "" || strings.HasPrefix(pattern, "-") {
		return fail(fmt.Errorf("invalid package pattern %q", pattern))
	}
	pkgs, err := goList(ctx, dir, pattern, buildFlags, env)
	if err != nil {
		return fail(err)
	}
	byPath := make(map[string]*listed, len(pkgs))
	var mains, roots []string
	for _, p := range pkgs {
		byPath[p.ImportPath] = p
		if p.DepOnly {
			continue
		}
		roots = append(roots, p.ImportPath)
		if p.Name == "main" {
			mains = append(mains, p.ImportPath)
		}
	}
	switch {
	case len(roots) == 0:
		return fail(errors.New("pattern matches no packages"))
	case len(mains) == 0:
		return fail(fmt.Errorf("no main package among %s", strings.Join(roots, ", ")))
	case len(mains) > 1:
		return fail(fmt.Errorf("pattern matches %d main packages (%s), want one", len(mains), strings.Join(mains, ", ")))
	}
	main := byPath[mains[0]]

	var out []Package
	for _, path := range append(slices.Clone(main.Deps), main.ImportPath) {
		p, ok := byPath[path]
		if !ok {
			return fail(fmt.Errorf("go list printed no package %s, a dependency of %s", path, main.ImportPath))
		}
		pkg := Package{Path: p.ImportPath, Standard: p.Standard, Imports: p.Imports}
		if m := p.Module; m != nil && !p.Standard {
			pkg.Module = m.Path
			if !m.Main {
				pkg.Version = m.Version
			}
			if m.Replace != nil {
				pkg.Replace = m.Replace.Path
			}
		}
		out = append(out, pkg)
	}
	mainModule := ""
	if main.Module != nil {
		mainModule = main.Module.Path
	}
	return newGraph(main.ImportPath, mainModule, out, true, implicitImports(main.ImportPath, out, byPath)), nil
}

// LoadModule builds the import graph of the main package of a remote
// module version, spec "pkg@version" as `go install pkg@version` takes it,
// with `go list -deps` in a throwaway module that requires only that
// version. Minimal version selection then picks the versions the module's
// own go.mod picks, so the graph is the installed binary's. The throwaway
// module is removed before LoadModule returns. The module's packages count
// as the main module's: chains and direct dependencies read as they would
// in the module's own repository, except that the module's packages have
// its version.
func LoadModule(ctx context.Context, spec string, buildFlags, env []string) (*Graph, error) {
	pkg, version, ok := strings.Cut(spec, "@")
	if !ok || pkg == "" || version == "" {
		return nil, fmt.Errorf("listing imports of %s: want package@version", spec)
	}
	dir, err := os.MkdirTemp("", "coldstart-graph-")
	if err != nil {
		return nil, fmt.Errorf("listing imports of %s: %w", spec, err)
	}
	defer os.RemoveAll(dir)
	const gomod = "// A throwaway module of coldstart, to list a module version's imports.\nmodule coldstart.invalid/graph\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return nil, fmt.Errorf("listing imports of %s: %w", spec, err)
	}
	if env == nil {
		env = os.Environ()
	}
	// The go command must use this go.mod, whatever workspace the user
	// has, and may update it; the user's other GOFLAGS stay.
	flags := "-mod=mod"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok && v != "" {
			flags = v + " -mod=mod" // the last -mod wins
		}
	}
	env = append(slices.Clone(env), "GOWORK=off", "GOFLAGS="+flags)
	get := exec.CommandContext(ctx, "go", "get", spec)
	get.Dir, get.Env = dir, env
	if out, err := get.CombinedOutput(); err != nil {
		if msg := lastLines(string(out), 10); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return nil, fmt.Errorf("listing imports of %s: go get: %w", spec, err)
	}
	// Load takes the main package's module for the main module, not the
	// throwaway one.
	return Load(ctx, dir, pkg, buildFlags, env)
}

// goList runs go list and decodes its stream of JSON objects.
func goList(ctx context.Context, dir, pattern string, buildFlags, env []string) ([]*listed, error) {
	args := append([]string{"list", "-deps", "-json=" + listFields}, buildFlags...)
	args = append(args, pattern)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = env
	if env == nil {
		cmd.Env = os.Environ()
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := lastLines(stderr.String(), 10); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	var pkgs []*listed
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listed)
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("decoding go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// lastLines returns the last n non-empty lines of s joined by "\n".
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// implicitImports returns the edges the go command adds without an import
// statement, importer -> imported, for the packages of pkgs not reachable
// from main through Imports. Package p gets an edge to such a package x when
// x is among p's Deps but neither is nor is among the Deps of any of p's
// imports, and is not among the Deps of another implicit import of p.
func implicitImports(main string, pkgs []Package, byPath map[string]*listed) map[string][]string {
	reached := reachable(main, pkgs)
	var missing []string
	for _, p := range pkgs {
		if !reached[p.Path] {
			missing = append(missing, p.Path)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	depSets := make(map[string]map[string]bool)
	depsOf := func(path string) map[string]bool {
		s, ok := depSets[path]
		if !ok {
			s = make(map[string]bool)
			if l := byPath[path]; l != nil {
				for _, d := range l.Deps {
					s[d] = true
				}
			}
			depSets[path] = s
		}
		return s
	}
	edges := make(map[string][]string)
	for _, p := range pkgs {
		deps := depsOf(p.Path)
		var implicit []string
		for _, x := range missing {
			if !deps[x] {
				continue
			}
			covered := false
			for _, imp := range p.Imports {
				if imp == x || depsOf(imp)[x] {
					covered = true
					break
				}
			}
			if !covered {
				implicit = append(implicit, x)
			}
		}
		var minimal []string
		for _, x := range implicit {
			under := false
			for _, y := range implicit {
				if y != x && depsOf(y)[x] {
					under = true
					break
				}
			}
			if !under {
				minimal = append(minimal, x)
			}
		}
		if minimal != nil {
			edges[p.Path] = minimal
		}
	}
	// Whatever is still out of reach (nothing, if go list's Deps are
	// consistent) hangs off main rather than floating free.
	reached = reachable(main, pkgs, edges)
	for _, p := range pkgs {
		if !reached[p.Path] {
			edges[main] = append(edges[main], p.Path)
		}
	}
	return edges
}

// reachable returns the set of packages reachable from main through Imports
// and the extra edges, walked breadth first by gonum's traverse package.
func reachable(main string, pkgs []Package, extra ...map[string][]string) map[string]bool {
	g := simple.NewDirectedGraph()
	ids := make(map[string]int64, len(pkgs))
	for i, p := range pkgs {
		ids[p.Path] = int64(i)
		g.AddNode(simple.Node(i))
	}
	link := func(from string, to []string) {
		for _, t := range to {
			if j, ok := ids[t]; ok && j != ids[from] {
				g.SetEdge(simple.Edge{F: simple.Node(ids[from]), T: simple.Node(j)})
			}
		}
	}
	for _, p := range pkgs {
		link(p.Path, p.Imports)
		for _, e := range extra {
			link(p.Path, e[p.Path])
		}
	}
	seen := make(map[string]bool, len(pkgs))
	bf := traverse.BreadthFirst{Visit: func(n graph.Node) { seen[pkgs[n.ID()].Path] = true }}
	bf.Walk(g, simple.Node(ids[main]), nil)
	return seen
}
