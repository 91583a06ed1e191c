package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// WhySchema names the JSON layout of `coldstart why`.
const WhySchema = "coldstart/why/v1"

// traceMain is the name the init trace gives the main package.
const traceMain = "main"

// Attribution explains a measured init cost by the target's import graph:
// for one package, the chains that bring it in and the cost it retains
// (Explain); for the whole target, the cost by module, by the main module's
// direct dependency, and retained by each package (Rollup).
//
// Costs are sums of per-package medians over the traced runs, and shares
// are over the median total init, as in `coldstart run`: medians do not add
// up exactly, so the shares of a partition of the packages add up to about,
// not exactly, 100%.
type Attribution struct {
	Schema string        `json:"schema"`
	Target result.Target `json:"target"`
	Runs   int           `json:"runs"`
	// Edges is false when the import graph has no edges (a prebuilt binary
	// was measured): chains, direct dependencies and retained costs are then
	// unknown.
	Edges bool `json:"edges"`
	// Total is every package of the program: Packages linked, Traced with
	// init work, and the medians of the run totals.
	Total Cost `json:"total"`
	// Package is set by Explain.
	Package *Explanation `json:"package,omitempty"`
	// Modules, DirectDeps and Retained are set by Rollup. Retained lists
	// every package but main that retains some init cost.
	Modules    []Group  `json:"modules,omitempty"`
	DirectDeps []Group  `json:"direct_deps,omitempty"`
	Retained   []Group  `json:"retained,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Cost is the init cost of a set of packages.
type Cost struct {
	Packages int     `json:"packages"` // packages in the set
	Traced   int     `json:"traced"`   // of which did init work in the traced runs
	ClockNs  float64 `json:"clock_ns"`
	Share    float64 `json:"share"` // ClockNs over the median total init
	Bytes    float64 `json:"bytes"`
	Allocs   float64 `json:"allocs"`
}

// Group is a named set of packages and its cost.
type Group struct {
	Name string `json:"name"` // module path, "std", "(none)" or a package path
	Cost
	Members []string `json:"members"` // sorted by path
}

// Explanation is why one package is in the program and what it costs.
type Explanation struct {
	Path     string `json:"path"`
	Module   string `json:"module"` // module path, "std" or "(none)"
	Version  string `json:"version,omitempty"`
	Replace  string `json:"replace,omitempty"`
	Standard bool   `json:"standard,omitempty"`
	// DirectDep is the main module's direct dependency through which the
	// package arrives: "" for packages of the standard library and the main
	// module, and when the graph has no edges.
	DirectDep string `json:"direct_dep,omitempty"`
	// Init is the package's own init over the traced runs; nil if it does
	// no init work.
	Init *result.Package `json:"init,omitempty"`
	// Own is the package's own cost, zero without init work.
	Own Cost `json:"own"`
	// Retained is the package and every package that would leave the
	// program with it (the packages it dominates in the import graph), with
	// their summed cost; nil when the graph has no edges.
	Retained *Group `json:"retained,omitempty"`
	// RetainedInits are the retained packages that do init work, heaviest
	// first.
	RetainedInits []PackageCost `json:"retained_inits,omitempty"`
	// Chains are import chains from the main package to the package,
	// shortest first; nil when the graph has no edges.
	Chains [][]string `json:"chains,omitempty"`
}

// PackageCost is one package's own init cost: its medians.
type PackageCost struct {
	Path    string  `json:"path"`
	ClockNs float64 `json:"clock_ns"`
	Share   float64 `json:"share"` // ClockNs over the median total init
	Bytes   float64 `json:"bytes"`
	Allocs  float64 `json:"allocs"`
}

// costs joins a result to a graph: the traced init of each package, by its
// path in the graph.
type costs struct {
	r *result.Result
	g *importgraph.Graph
}

// of returns the traced init of the graph's package path, nil if it did no
// init work.
func (c costs) of(path string) *result.Package {
	if p, ok := c.r.Package(path); ok {
		return p
	}
	if path == c.g.Main() {
		if p, ok := c.r.Package(traceMain); ok {
			return p
		}
	}
	return nil
}

// sum is the cost of the packages.
func (c costs) sum(pkgs []string) Cost {
	s := Cost{Packages: len(pkgs)}
	for _, path := range pkgs {
		p := c.of(path)
		if p == nil {
			continue
		}
		s.Traced++
		s.ClockNs += p.ClockNs.Median
		s.Bytes += p.Bytes.Median
		s.Allocs += p.Allocs.Median
	}
	if t := c.r.Total.InitNs.Median; t > 0 {
		s.Share = s.ClockNs / t
	}
	return s
}

// group is the named group of the packages with their cost.
func (c costs) group(name string, members []string) Group {
	return Group{Name: name, Cost: c.sum(members), Members: members}
}

// newAttribution is the part of an attribution that Explain and Rollup share.
func newAttribution(r *result.Result, g *importgraph.Graph) (*Attribution, costs) {
	c := costs{r: r, g: g}
	a := &Attribution{
		Schema: WhySchema,
		Target: r.Target,
		Runs:   r.Runs,
		Edges:  g.HasEdges(),
		Total: Cost{
			Packages: len(g.Packages()),
			Traced:   len(r.Packages),
			ClockNs:  r.Total.InitNs.Median,
			Share:    1,
			Bytes:    r.Total.Bytes.Median,
			Allocs:   r.Total.Allocs.Median,
		},
	}
	var missing []string
	for _, p := range r.Packages {
		if !g.Has(p.Path) && !(p.Path == traceMain && !g.Has(traceMain)) {
			missing = append(missing, p.Path)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		a.Warnings = append(a.Warnings, fmt.Sprintf("%d traced packages are not in the import graph, so no chain or module explains them: %s",
			len(missing), strings.Join(missing, ", ")))
	}
	return a, c
}

// Explain attributes the init cost of r to the package path of g: its
// module, direct dependency, own cost, retained cost and up to chains import
// chains. The caller checks that g has path.
func Explain(r *result.Result, g *importgraph.Graph, path string, chains int) *Attribution {
	a, c := newAttribution(r, g)
	p, _ := g.Package(path)
	e := &Explanation{
		Path:     path,
		Module:   moduleName(p),
		Version:  p.Version,
		Replace:  p.Replace,
		Standard: p.Standard,
		Init:     c.of(path),
		Own:      c.sum([]string{path}),
	}
	if g.HasEdges() {
		e.DirectDep = g.DirectDep(path)
		if members := g.Dominated(path); members != nil {
			rg := c.group(path, members)
			e.Retained = &rg
			for _, m := range members {
				if p := c.of(m); p != nil {
					e.RetainedInits = append(e.RetainedInits, PackageCost{
						Path: m, ClockNs: p.ClockNs.Median, Share: share(p.ClockNs.Median, r.Total.InitNs.Median),
						Bytes: p.Bytes.Median, Allocs: p.Allocs.Median,
					})
				}
			}
			slices.SortStableFunc(e.RetainedInits, func(x, y PackageCost) int {
				if c := cmp.Compare(y.ClockNs, x.ClockNs); c != 0 {
					return c
				}
				return cmp.Compare(x.Path, y.Path)
			})
		}
		e.Chains = g.Chains(path, chains)
	}
	a.Package = e
	return a
}

// Rollup attributes the init cost of r to the modules of g, to the main
// module's direct dependencies and, when g has edges, to the packages that
// retain it.
func Rollup(r *result.Result, g *importgraph.Graph) *Attribution {
	a, c := newAttribution(r, g)
	groups := func(gs []importgraph.Group) []Group {
		out := make([]Group, len(gs))
		for i, gr := range gs {
			out[i] = c.group(gr.Name, gr.Members)
		}
		sortGroups(out)
		return out
	}
	a.Modules = groups(g.ByModule(nil))
	if g.HasEdges() {
		a.DirectDeps = groups(g.ByDirectDep(nil))
		for _, gr := range g.Rollup(nil) {
			if gr.Name == g.Main() {
				continue // it retains everything
			}
			if rg := c.group(gr.Name, gr.Members); rg.Traced > 0 {
				a.Retained = append(a.Retained, rg)
			}
		}
		sortGroups(a.Retained)
	}
	return a
}

// sortGroups orders groups by clock, heaviest first, then by name.
func sortGroups(gs []Group) {
	slices.SortStableFunc(gs, func(a, b Group) int {
		if c := cmp.Compare(b.ClockNs, a.ClockNs); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// moduleName is the module of p as attributions show it.
func moduleName(p importgraph.Package) string {
	switch {
	case p.Standard:
		return importgraph.StdGroup
	case p.Module == "":
		return importgraph.NoModuleGroup
	}
	return p.Module
}

// AttributionOptions tune the rendering of an attribution.
type AttributionOptions struct {
	Format Format
	// Top is the number of rows in each table of table and Markdown output;
	// 0 shows all. JSON always has every row.
	Top int
}

// WriteAttribution renders an attribution.
func WriteAttribution(w io.Writer, a *Attribution, opt AttributionOptions) error {
	if opt.Format == JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	md := opt.Format == Markdown
	f := Text
	if md {
		f = Markdown
	}
	esc := func(s string) string { return s }
	if md {
		esc = escapeMarkdown
	}
	if md {
		title := "why"
		if a.Package != nil {
			title += " " + a.Package.Path
		}
		fmt.Fprintf(w, "### coldstart %s: %s\n\n", esc(title), esc(a.Target.Spec))
	}
	lines := attributionLines(a)
	for _, l := range lines {
		if md {
			fmt.Fprintf(w, "- **%s** %s\n", l[0], esc(l[1]))
		} else {
			fmt.Fprintf(w, "%-9s %s\n", l[0], l[1])
		}
	}
	if e := a.Package; e != nil {
		if len(e.Chains) > 0 {
			fmt.Fprintln(w)
			if md {
				fmt.Fprintf(w, "Import chains, shortest first:\n\n")
			} else {
				fmt.Fprintf(w, "import chains, shortest first:\n")
			}
			for i, chain := range e.Chains {
				if md {
					fmt.Fprintf(w, "%d. %s\n", i+1, esc(strings.Join(chain, " → ")))
				} else {
					fmt.Fprintf(w, "  %d. %s\n", i+1, strings.Join(chain, " -> "))
				}
			}
		}
		if e.Retained != nil && e.Retained.Traced > 0 {
			fmt.Fprintln(w)
			if err := retainedTable(w, f, esc, e, a.Total, opt.Top); err != nil {
				return err
			}
		}
	}
	// The retained sets of different packages nest and overlap, so the rows
	// left out of that table are counted, not summed.
	tables := []struct {
		head    string
		groups  []Group
		sumRest bool
	}{
		{"module", a.Modules, true},
		{"direct dependency", a.DirectDeps, true},
		{"retained by", a.Retained, false},
	}
	for _, t := range tables {
		if len(t.groups) == 0 {
			continue
		}
		fmt.Fprintln(w)
		if err := groupTable(w, f, esc, t.head, t.groups, a.Total, opt.Top, t.sumRest); err != nil {
			return err
		}
	}
	writeWarnings(w, md, esc, a.Warnings)
	return nil
}

// attributionLines are the labelled lines above the tables.
func attributionLines(a *Attribution) [][2]string {
	tg := a.Target
	desc := []string{tg.Kind}
	if tg.GoVersion != "" {
		desc = append(desc, tg.GoVersion)
	}
	args := ""
	if len(tg.Args) > 0 {
		args = " -- " + strings.Join(tg.Args, " ")
	}
	t := a.Total
	lines := [][2]string{
		{"target", fmt.Sprintf("%s%s (%s)", tg.Spec, args, strings.Join(desc, ", "))},
		{"runs", fmt.Sprintf("%d traced; costs are sums of per-package medians, shares are of the median total init", a.Runs)},
		{"init", fmt.Sprintf("%s total, %s in %s allocs; %d packages linked, %d with init work", Duration(t.ClockNs), Bytes(t.Bytes), Count(t.Allocs), t.Packages, t.Traced)},
	}
	noEdges := "unknown: a prebuilt binary holds no import edges"
	e := a.Package
	if e == nil {
		if !a.Edges {
			lines = append(lines, [2]string{"graph", "by module only; direct dependencies and retained costs are " + noEdges})
		}
		return lines
	}
	mod := e.Module
	switch {
	case e.Standard:
		mod = "standard library"
	case e.Module == a.Target.Module && e.Module != "" && e.Version == "":
		mod += " (main module)"
	case e.Version != "":
		mod += " " + e.Version
	}
	if e.Replace != "" {
		mod += " => " + e.Replace
	}
	lines = append(lines, [2]string{"package", e.Path}, [2]string{"module", mod})
	switch {
	case !a.Edges:
		lines = append(lines, [2]string{"via", "direct dependency " + noEdges})
	case e.DirectDep != "":
		lines = append(lines, [2]string{"via", "direct dependency " + e.DirectDep})
	case e.Standard:
		lines = append(lines, [2]string{"via", "the standard library (no dependency to cut)"})
	default:
		lines = append(lines, [2]string{"via", "the main module (no dependency to cut)"})
	}
	if in := e.Init; in != nil {
		lines = append(lines, [2]string{"own", fmt.Sprintf("%s (%s of init), %s in %s allocs; in %d of %d traced runs",
			ci(in.ClockNs, Duration), Percent(e.Own.Share), Bytes(e.Own.Bytes), Count(e.Own.Allocs), in.Runs, a.Runs)})
	} else {
		lines = append(lines, [2]string{"own", "no init work (not in the trace)"})
	}
	switch r := e.Retained; {
	case !a.Edges:
		lines = append(lines, [2]string{"retained", noEdges})
	case r == nil:
		lines = append(lines, [2]string{"retained", "none: not reachable from the main package through imports"})
	default:
		lines = append(lines, [2]string{"retained", fmt.Sprintf("%s (%s of init), %s in %s allocs: %d packages, %d with init work, would leave the program with it",
			Duration(r.ClockNs), Percent(r.Share), Bytes(r.Bytes), Count(r.Allocs), r.Packages, r.Traced)})
	}
	if a.Edges && len(e.Chains) == 0 {
		lines = append(lines, [2]string{"chains", "none: not reachable from the main package through imports"})
	}
	return lines
}

// retainedTable lists the packages with init work that the explained
// package retains, heaviest first.
func retainedTable(w io.Writer, f Format, esc func(string) string, e *Explanation, total Cost, top int) error {
	tab := newTable(w, f, 1, []string{"retained package", "clock", "share", "bytes", "allocs"})
	rows := e.RetainedInits
	shown := rows
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	for _, r := range shown {
		if err := tab.row(esc(r.Path), Duration(r.ClockNs), Percent(r.Share), Bytes(r.Bytes), Count(r.Allocs)); err != nil {
			return err
		}
	}
	if rest := rows[len(shown):]; len(rest) > 0 {
		var clock, bytes, allocs float64
		for _, r := range rest {
			clock += r.ClockNs
			bytes += r.Bytes
			allocs += r.Allocs
		}
		if err := tab.row(fmt.Sprintf("(%d more)", len(rest)), Duration(clock), Percent(share(clock, total.ClockNs)), Bytes(bytes), Count(allocs)); err != nil {
			return err
		}
	}
	r := e.Retained
	if err := tab.row("TOTAL", Duration(r.ClockNs), Percent(r.Share), Bytes(r.Bytes), Count(r.Allocs)); err != nil {
		return err
	}
	return tab.render()
}

// groupTable lists groups as they come. The groups beyond top share a last
// row, with their summed cost if sumRest.
func groupTable(w io.Writer, f Format, esc func(string) string, head string, groups []Group, total Cost, top int, sumRest bool) error {
	tab := newTable(w, f, 1, []string{head, "packages", "with init", "clock", "share", "bytes", "allocs"})
	shown := groups
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	for _, g := range shown {
		if err := tab.row(esc(g.Name), Count(float64(g.Packages)), Count(float64(g.Traced)), Duration(g.ClockNs), Percent(g.Share),
			Bytes(g.Bytes), Count(g.Allocs)); err != nil {
			return err
		}
	}
	if rest := groups[len(shown):]; len(rest) > 0 && !sumRest {
		if err := tab.row(fmt.Sprintf("(%d more)", len(rest)), "", "", "", "", "", ""); err != nil {
			return err
		}
	} else if len(rest) > 0 {
		var s Cost
		for _, g := range rest {
			s.Packages += g.Packages
			s.Traced += g.Traced
			s.ClockNs += g.ClockNs
			s.Bytes += g.Bytes
			s.Allocs += g.Allocs
		}
		if err := tab.row(fmt.Sprintf("(%d more)", len(rest)), Count(float64(s.Packages)), Count(float64(s.Traced)), Duration(s.ClockNs),
			Percent(share(s.ClockNs, total.ClockNs)), Bytes(s.Bytes), Count(s.Allocs)); err != nil {
			return err
		}
	}
	return tab.render()
}

// share is part over whole, 0 when whole is not positive.
func share(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return part / whole
}
