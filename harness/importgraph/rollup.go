package importgraph

import (
	"cmp"
	"slices"
)

// StdGroup is the group name of standard-library packages in ByModule and
// ByDirectDep.
const StdGroup = "std"

// NoModuleGroup is the group name of packages with no known module that are
// not in the standard library, such as the main package of a program built
// outside module mode.
const NoModuleGroup = "(none)"

// Group is a set of packages and their summed cost.
type Group struct {
	Name     string   // module path, StdGroup, NoModuleGroup, or a package path for Rollup
	Packages int      // number of packages in the group
	Cost     float64  // summed cost of the packages
	Members  []string // the packages, sorted by path
}

// Rollup returns, for every package reachable from the main package, the
// group of packages it retains: Name is the package, Members is
// Dominated(Name) and Cost their summed cost, the init cost that would leave
// the program with it. The main package's group holds every package. Groups
// are sorted by cost, largest first, then by name. Rollup returns nil for
// graphs without edges. A nil cost counts packages only.
func (g *Graph) Rollup(cost func(pkg string) float64) []Group {
	if !g.edges {
		return nil
	}
	var groups []Group
	for _, p := range g.pkgs {
		members := g.Dominated(p.Path)
		if members == nil {
			continue
		}
		groups = append(groups, Group{Name: p.Path, Packages: len(members), Cost: sum(members, cost), Members: members})
	}
	sortGroups(groups)
	return groups
}

// ByModule groups the packages by module: the module path, StdGroup for the
// standard library, NoModuleGroup for packages without a module. Groups are
// sorted by cost, largest first, then by name. A nil cost counts packages
// only.
func (g *Graph) ByModule(cost func(pkg string) float64) []Group {
	return g.groupBy(func(p Package) string {
		switch {
		case p.Standard:
			return StdGroup
		case p.Module == "":
			return NoModuleGroup
		}
		return p.Module
	}, cost)
}

// ByDirectDep groups the packages by the main module's direct dependency
// that brings them in (see DirectDep): standard-library packages form the
// StdGroup group and main-module packages the group named after the main
// module, whichever dependency imports them. Groups are sorted by cost,
// largest first, then by name. A nil cost counts packages only. For graphs
// without edges it equals ByModule.
func (g *Graph) ByDirectDep(cost func(pkg string) float64) []Group {
	return g.groupBy(func(p Package) string {
		switch {
		case p.Standard:
			return StdGroup
		case g.own(p):
			if g.mainModule == "" {
				return NoModuleGroup
			}
			return g.mainModule
		}
		if d := g.DirectDep(p.Path); d != "" {
			return d
		}
		return NoModuleGroup
	}, cost)
}

// groupBy groups the packages by key.
func (g *Graph) groupBy(key func(Package) string, cost func(pkg string) float64) []Group {
	index := make(map[string]int)
	var groups []Group
	for _, p := range g.pkgs { // in path order, so Members come out sorted
		k := key(p)
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			groups = append(groups, Group{Name: k})
		}
		groups[i].Members = append(groups[i].Members, p.Path)
	}
	for i := range groups {
		groups[i].Packages = len(groups[i].Members)
		groups[i].Cost = sum(groups[i].Members, cost)
	}
	sortGroups(groups)
	return groups
}

// sum adds up the cost of pkgs in their order, so that the floating-point
// result does not depend on map order.
func sum(pkgs []string, cost func(pkg string) float64) float64 {
	if cost == nil {
		return 0
	}
	var s float64
	for _, p := range pkgs {
		s += cost(p)
	}
	return s
}

// sortGroups sorts groups by cost, largest first, then by name.
func sortGroups(groups []Group) {
	slices.SortFunc(groups, func(a, b Group) int {
		if c := cmp.Compare(b.Cost, a.Cost); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}
