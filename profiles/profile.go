package profiles

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/google/pprof/profile"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// traceMain is the name the init trace gives the main package, whatever
// its import path.
const traceMain = "main"

// The sample types of the profile, in the order of Sample.Value: init
// clock, heap bytes allocated and heap allocations.
const (
	ClockType  = "clock"  // in nanoseconds; the default sample type
	BytesType  = "bytes"  // in bytes
	AllocsType = "allocs" // a count
)

// Init returns the init cost of r as a pprof profile whose stacks are the
// import chains of g (see the package comment). g may be nil: every stack is
// then its package alone. Init returns an error if r has no packages or the
// profile it built is not valid.
func Init(r *result.Result, g *importgraph.Graph) (*profile.Profile, error) {
	if r == nil || len(r.Packages) == 0 {
		return nil, fmt.Errorf("building init profile: no packages in the result")
	}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: ClockType, Unit: "nanoseconds"},
			{Type: BytesType, Unit: "bytes"},
			{Type: AllocsType, Unit: "count"},
		},
		DefaultSampleType: ClockType,
		PeriodType:        &profile.ValueType{Type: ClockType, Unit: "nanoseconds"},
		Period:            1,
		DurationNanos:     int64(math.Round(r.Total.InitNs.Median)),
		Comments:          comments(r, g),
	}
	if !r.Date.IsZero() {
		p.TimeNanos = r.Date.UnixNano()
	}

	// Stacks first, then one Function and Location per frame, numbered in
	// frame-name order so that the profile is the same for the same input.
	pkgs := slices.Clone(r.Packages)
	slices.SortFunc(pkgs, func(a, b result.Package) int { return strings.Compare(a.Path, b.Path) })
	stacks := make([][]frame, len(pkgs))
	byName := map[string]frame{}
	for i, pkg := range pkgs {
		stacks[i] = stack(g, pkg.Path)
		for _, f := range stacks[i] {
			byName[f.name] = f
		}
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	slices.Sort(names)
	// One mapping, the program, which has its function names already:
	// without it pprof looks for a binary to symbolize against and says it
	// found none.
	m := &profile.Mapping{ID: 1, File: mappingFile(r, g), HasFunctions: true, HasFilenames: true}
	p.Mapping = []*profile.Mapping{m}
	locs := make(map[string]*profile.Location, len(names))
	for i, name := range names {
		f := byName[name]
		fn := &profile.Function{ID: uint64(i + 1), Name: f.name, SystemName: f.name, Filename: f.file}
		loc := &profile.Location{ID: uint64(i + 1), Mapping: m, Line: []profile.Line{{Function: fn}}}
		p.Function = append(p.Function, fn)
		p.Location = append(p.Location, loc)
		locs[name] = loc
	}
	for i, pkg := range pkgs {
		s := &profile.Sample{Value: []int64{
			int64(math.Round(pkg.ClockNs.Median)),
			int64(math.Round(pkg.Bytes.Median)),
			int64(math.Round(pkg.Allocs.Median)),
		}}
		for _, f := range stacks[i] {
			s.Location = append(s.Location, locs[f.name])
		}
		if labels := sampleLabels(g, pkg.Path); labels != nil {
			s.Label = labels
		}
		p.Sample = append(p.Sample, s)
	}
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("building init profile: %w", err)
	}
	return p, nil
}

// mappingFile names the program in the profile's mapping: its main package,
// or the target as given.
func mappingFile(r *result.Result, g *importgraph.Graph) string {
	switch {
	case g != nil:
		return g.Main()
	case r.Target.MainPackage != "":
		return r.Target.MainPackage
	}
	return r.Target.Spec
}

// frame is one frame of a stack: a package, or a module in stacks of graphs
// without edges.
type frame struct {
	name string // the Function's name
	file string // the Function's file name: the module path or "std"
}

// stack returns the stack of the traced package path, leaf first.
func stack(g *importgraph.Graph, path string) []frame {
	path = graphPath(g, path)
	if g == nil || !g.Has(path) {
		return []frame{{name: path}}
	}
	if g.HasEdges() {
		if chain := g.Chain(path); chain != nil {
			out := make([]frame, len(chain))
			for i, p := range chain {
				out[len(chain)-1-i] = packageFrame(g, p)
			}
			return out
		}
		// Linked but not reachable from main through imports: the graph
		// and the trace disagree, so no chain is claimed.
		return []frame{packageFrame(g, path)}
	}
	if path == g.Main() {
		return []frame{packageFrame(g, path)}
	}
	mod := moduleName(g, path)
	return []frame{packageFrame(g, path), {name: "module " + mod, file: mod}, packageFrame(g, g.Main())}
}

// packageFrame is the frame of a package of g.
func packageFrame(g *importgraph.Graph, path string) frame {
	return frame{name: path, file: moduleName(g, path)}
}

// moduleName is the module of a package of g as Function file names and
// labels show it: the module path, importgraph.StdGroup for the standard
// library, importgraph.NoModuleGroup for neither.
func moduleName(g *importgraph.Graph, path string) string {
	p, ok := g.Package(path)
	switch {
	case !ok:
		return ""
	case p.Standard:
		return importgraph.StdGroup
	case p.Module == "":
		return importgraph.NoModuleGroup
	}
	return p.Module
}

// sampleLabels are the string labels of the sample of the traced package
// path: its module and, if the graph has edges, its direct dependency (the
// module's own name for standard-library and main-module packages).
func sampleLabels(g *importgraph.Graph, path string) map[string][]string {
	path = graphPath(g, path)
	if g == nil || !g.Has(path) {
		return nil
	}
	mod := moduleName(g, path)
	labels := map[string][]string{"module": {mod}}
	if g.HasEdges() {
		dep := g.DirectDep(path)
		if dep == "" {
			dep = mod
		}
		labels["direct_dep"] = []string{dep}
	}
	return labels
}

// graphPath maps a package path of the trace to its path in g: the trace
// calls the main package "main".
func graphPath(g *importgraph.Graph, path string) string {
	if g != nil && path == traceMain && !g.Has(traceMain) {
		return g.Main()
	}
	return path
}

// comments are the profile's comments: what was measured and how.
func comments(r *result.Result, g *importgraph.Graph) []string {
	t := r.Target
	c := []string{"coldstart init profile of " + t.Spec}
	if len(t.Args) > 0 {
		c[0] += " -- " + strings.Join(t.Args, " ")
	}
	if t.GoVersion != "" {
		c = append(c, "go version: "+t.GoVersion)
	}
	if t.MainPackage != "" {
		c = append(c, "main package: "+t.MainPackage)
	}
	c = append(c, fmt.Sprintf("runs: %d traced (GODEBUG=inittrace=1); values are per-package medians over them", r.Runs))
	switch {
	case g == nil:
		c = append(c, "stacks: each package alone (no import graph)")
	case g.HasEdges():
		c = append(c, "stacks: the shortest import chain from "+g.Main()+" to each package, leaf first")
	default:
		c = append(c, "stacks: package, its module, main package (a binary holds no import edges)")
	}
	if len(r.Command) > 0 {
		c = append(c, "command: "+strings.Join(r.Command, " "))
	}
	return c
}
