package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/build"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/report"
)

// defaultChains is the number of import chains why shows: the shortest and
// a couple of alternatives are enough to see where to cut.
const defaultChains = 3

// closestShown is the number of package names suggested for an unknown PKG.
const closestShown = 3

// whyFlags are the flags of why beyond the measuring and output ones.
type whyFlags struct {
	chains  int
	modules bool
}

func (f *whyFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.chains, "chains", defaultChains, "import chains shown for PKG")
	fs.BoolVar(&f.modules, "modules", false, "the whole target by module, direct dependency and retained cost, instead of one PKG")
}

func cmdWhy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m measureFlags
	var o outputFlags
	var wf whyFlags
	fs := newFlagSet("why", stderr, &m, &o, &wf)
	pos, targetArgs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	format, err := o.reportFormat()
	if err != nil {
		return err
	}
	if wf.chains < 1 {
		return usageErr("-chains %d: need at least 1", wf.chains)
	}
	// PKG is the last positional argument; what comes before it is the
	// target, which a scenario may give instead.
	var pkg string
	if !wf.modules {
		if len(pos) == 0 || (len(pos) == 1 && m.scenario == "") {
			return usageErr("why: want TARGET PKG, or -modules TARGET for the whole target")
		}
		pkg, pos = pos[len(pos)-1], pos[:len(pos)-1]
	}
	p, err := m.makePlan(fs, pos, targetArgs)
	if err != nil {
		return err
	}

	// The graph comes from go list (a local package or a module version)
	// or from the executable, before anything runs, so that a misspelled
	// PKG costs no measurement.
	var exe *build.Executable // go list needs no build
	if p.target.Kind == build.Binary {
		// Nothing is built: the executable is the file itself.
		if exe, err = build.Build(ctx, p.target, ""); err != nil {
			return targetErr(err)
		}
	}
	g, err := graphOf(ctx, p, exe)
	if err != nil {
		return fmt.Errorf("finding the packages of %s: %w", p.name, err)
	}
	if pkg, err = linkedPackage(g, "why", pkg, p.name); err != nil {
		return err
	}
	r, exe, err := measure(ctx, p, stderr, append([]string{"coldstart", "why"}, args...))
	if err != nil {
		return err
	}
	defer exe.Close()
	var a *report.Attribution
	if wf.modules {
		a = report.Rollup(r, g)
	} else {
		a = report.Explain(r, g, pkg, wf.chains)
	}
	return o.write(stdout, func(w io.Writer) error {
		return report.WriteAttribution(w, a, report.AttributionOptions{Format: format, Top: o.top})
	})
}

// linkedPackage returns the path in g of the package the user named: the
// path itself, or g's main package for "main". An empty name stays empty.
// A package the program does not link is an input error of cmd naming the
// closest packages it does.
func linkedPackage(g *importgraph.Graph, cmd, name, target string) (string, error) {
	switch {
	case name == "":
		return "", nil
	case g.Has(name):
		return name, nil
	case name == "main":
		return g.Main(), nil
	}
	var paths []string
	for _, p := range g.Packages() {
		paths = append(paths, p.Path)
	}
	near := closest(name, paths, closestShown)
	if len(near) == 0 {
		return "", usageErr("%s: package %q is not linked into %s", cmd, name, target)
	}
	return "", usageErr("%s: package %q is not linked into %s; closest: %s", cmd, name, target, strings.Join(near, ", "))
}

// closest returns up to n of paths nearest to name: first those that end in
// name as whole path elements, shortest first, then those within a few
// edits of name, fewest first. The edits are counted between name and the
// path, or its last elements (as many as name has), whichever is fewer:
// at most half of name's length, and at most a third of the length of
// name's last element in that element, so that a typo in the package's own
// name is forgiven but its sibling packages are not suggested. A leading
// "./" and slashes around name are ignored.
func closest(name string, paths []string, n int) []string {
	// A directory relative to the module ("./internal/x") is a suffix too.
	name = strings.Trim(strings.TrimPrefix(name, "./"), "/")
	if name == "" {
		return nil
	}
	type cand struct {
		path   string
		suffix bool
		dist   int
	}
	elems := strings.Split(name, "/")
	last := elems[len(elems)-1]
	limit := len([]rune(name)) / 2
	lastLimit := max(1, len([]rune(last))/3)
	var cands []cand
	for _, p := range paths {
		if strings.HasSuffix(p, "/"+name) {
			cands = append(cands, cand{path: p, suffix: true})
			continue
		}
		parts := strings.Split(p, "/")
		if editDistance(last, parts[len(parts)-1]) > lastLimit {
			continue
		}
		d := editDistance(name, p)
		if len(parts) > len(elems) {
			d = min(d, editDistance(name, strings.Join(parts[len(parts)-len(elems):], "/")))
		}
		if d <= limit {
			cands = append(cands, cand{path: p, dist: d})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		switch {
		case a.suffix && !b.suffix:
			return -1
		case b.suffix && !a.suffix:
			return 1
		case a.suffix:
			if c := cmp.Compare(len(a.path), len(b.path)); c != 0 {
				return c
			}
		default:
			if c := cmp.Compare(a.dist, b.dist); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.path, b.path)
	})
	var out []string
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.path)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
