// Package importgraph holds the import graph of a target program. It sits
// after build in coldstart's pipeline: build produces a binary from a main
// package, importgraph says which packages that binary links and why, and
// budget, attribution and profiles use the graph to explain a measured init
// cost: the import chain that brings a package in, the module and the main
// module's direct dependency it belongs to, and the cost it retains (the init
// cost of every package that would leave the binary with it).
//
// A graph comes from one of two sources. Load asks `go list -deps` about a
// main package in source form and knows every import edge; LoadModule does
// the same for a remote module version. FromBinary reads a
// prebuilt binary and knows which packages are linked and their modules, but
// no edges: its chains, dominators and retained costs are unknown.
//
// The graph algorithms are gonum's: shortest paths from graph/path and
// dominators from graph/flow, over a graph/simple.DirectedGraph whose edges
// point from importer to imported package.
package importgraph

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/flow"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Package is one package linked into the target program.
type Package struct {
	Path     string // import path
	Module   string // module path ("" for the standard library; "std" is not used)
	Version  string // module version ("" for main module / std / unknown)
	Replace  string // path or directory the module is replaced by ("" if not replaced)
	Standard bool
	// Imports are the package's direct imports as resolved import paths
	// (vendor directories and ImportMap applied), limited to packages in
	// the graph, so the cgo pseudo-package "C" is not one. Test-only imports
	// are excluded. Imports is nil for graphs read from binaries, where
	// edges are unknown.
	Imports []string
}

// Graph is the import graph of one main package. Edges point from importer
// to imported package. A Graph is immutable after construction and safe for
// concurrent use.
type Graph struct {
	g          *simple.DirectedGraph
	pkgs       []Package // sorted by path; a package's index is its node ID
	ids        map[string]int64
	main       int64
	mainModule string
	edges      bool

	// parent is the predecessor of each node on its lexicographically
	// smallest shortest chain from main, -1 for main and unreachable nodes.
	parent []int64
	dom    flow.DominatorTree
}

// newGraph builds a Graph over pkgs, which must hold mainPath and have
// unique paths. Its edges are the packages' Imports and the implicit edges,
// importer -> imported, that the go command adds without an import
// statement; edges to packages outside pkgs are dropped. If withEdges is
// false, the graph has nodes only.
func newGraph(mainPath, mainModule string, pkgs []Package, withEdges bool, implicit map[string][]string) *Graph {
	pkgs = slices.Clone(pkgs)
	slices.SortFunc(pkgs, func(a, b Package) int { return cmp.Compare(a.Path, b.Path) })
	g := &Graph{
		g:          simple.NewDirectedGraph(),
		pkgs:       pkgs,
		ids:        make(map[string]int64, len(pkgs)),
		mainModule: mainModule,
		edges:      withEdges,
	}
	// Node IDs are indexes into the sorted package list, so that they map
	// to paths the same way on every run and comparing IDs compares paths.
	for i, p := range pkgs {
		g.ids[p.Path] = int64(i)
		g.g.AddNode(simple.Node(i))
	}
	g.main = g.ids[mainPath]
	for i := range pkgs {
		p := &pkgs[i]
		if !withEdges {
			p.Imports = nil
			continue
		}
		var imports []string
		for _, imp := range p.Imports {
			if g.link(int64(i), imp) && !slices.Contains(imports, imp) {
				imports = append(imports, imp)
			}
		}
		slices.Sort(imports)
		p.Imports = imports
		for _, imp := range implicit[p.Path] {
			g.link(int64(i), imp)
		}
	}
	g.parent = make([]int64, len(pkgs))
	for i := range g.parent {
		g.parent[i] = -1
	}
	if withEdges {
		g.chooseParents()
		g.dom = flow.Dominators(simple.Node(g.main), g.g)
	}
	return g
}

// link adds the edge from the node from to the package to, if that is in the
// graph and not from itself, and reports whether it is.
func (g *Graph) link(from int64, to string) bool {
	j, ok := g.ids[to]
	if !ok || j == from {
		return false
	}
	g.g.SetEdge(simple.Edge{F: simple.Node(from), T: simple.Node(j)})
	return true
}

// chooseParents records, for every node reachable from main, its
// predecessor on the lexicographically smallest of its shortest chains.
// Distances come from gonum's Dijkstra; the choice among equally short
// chains is made layer by layer: a node's chain is its parent's chain plus
// the node, so the best parent is the one whose own chain ranks first, and
// nodes of a layer rank by (their parent's rank, their path).
func (g *Graph) chooseParents() {
	sp := path.DijkstraFrom(simple.Node(g.main), g.g)
	var layers [][]int64
	for id := range g.pkgs {
		d := sp.WeightTo(int64(id))
		if math.IsInf(d, 1) {
			continue
		}
		n := int(d)
		for len(layers) <= n {
			layers = append(layers, nil)
		}
		layers[n] = append(layers[n], int64(id))
	}
	rank := make([]int, len(g.pkgs))
	for d, layer := range layers {
		if d == 0 {
			continue // main alone, rank 0
		}
		for _, v := range layer {
			best := int64(-1)
			for _, u := range graph.NodesOf(g.g.To(v)) {
				if sp.WeightTo(u.ID()) != float64(d-1) {
					continue
				}
				if best < 0 || rank[u.ID()] < rank[best] {
					best = u.ID()
				}
			}
			g.parent[v] = best
		}
		slices.SortFunc(layer, func(a, b int64) int {
			if c := cmp.Compare(rank[g.parent[a]], rank[g.parent[b]]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		for r, v := range layer {
			rank[v] = r
		}
	}
}

// Main returns the import path of the main package.
func (g *Graph) Main() string { return g.pkgs[g.main].Path }

// MainModule returns the module path of the main package, "" if it has
// none (a program built outside module mode).
func (g *Graph) MainModule() string { return g.mainModule }

// Packages returns the packages of the graph sorted by path.
func (g *Graph) Packages() []Package {
	out := make([]Package, len(g.pkgs))
	for i, p := range g.pkgs {
		p.Imports = slices.Clone(p.Imports)
		out[i] = p
	}
	return out
}

// Package returns the package with the given path.
func (g *Graph) Package(path string) (Package, bool) {
	id, ok := g.ids[path]
	if !ok {
		return Package{}, false
	}
	p := g.pkgs[id]
	p.Imports = slices.Clone(p.Imports)
	return p, true
}

// Has reports whether the package with the given path is in the graph.
func (g *Graph) Has(path string) bool {
	_, ok := g.ids[path]
	return ok
}

// HasEdges reports whether the graph knows its import edges. It is false for
// graphs read from binaries, whose chains, dominators and retained costs are
// unknown.
func (g *Graph) HasEdges() bool { return g.edges }

// Chain returns one shortest import chain from the main package to path,
// starting with the main package and ending with path. Among chains of the
// same length it returns the lexicographically smallest, comparing the
// chains' paths element by element, so the answer is the same on every run.
// Chain returns nil if path is not in the graph or the graph has no edges.
func (g *Graph) Chain(path string) []string {
	id, ok := g.ids[path]
	if !ok || !g.edges {
		return nil
	}
	if id != g.main && g.parent[id] < 0 {
		return nil
	}
	var chain []string
	for ; id >= 0; id = g.parent[id] {
		chain = append(chain, g.pkgs[id].Path)
	}
	slices.Reverse(chain)
	return chain
}

// Chains returns up to limit distinct import chains from the main package to
// path, without repeated packages, shortest first and, among chains of the
// same length, in lexicographic order. The first is always Chain(path). The
// chains are found by Yen's k-shortest-paths algorithm over the graph with
// its adjacency in path order, which makes the set returned the same on every
// run; which of several equally long chains make the cut at limit is decided
// by that order and is not otherwise specified. Chains returns nil if limit
// is not positive, path is not in the graph or the graph has no edges.
func (g *Graph) Chains(path string, limit int) [][]string {
	first := g.Chain(path)
	if first == nil || limit <= 0 {
		return nil
	}
	found := pathYen(g, limit, g.ids[path])
	chains := [][]string{first}
	for _, nodes := range found {
		c := make([]string, len(nodes))
		for i, n := range nodes {
			c[i] = g.pkgs[n.ID()].Path
		}
		if !slices.Equal(c, first) {
			chains = append(chains, c)
		}
	}
	slices.SortFunc(chains[1:], compareChains)
	if len(chains) > limit {
		chains = chains[:limit]
	}
	return chains
}

// pathYen runs gonum's Yen k-shortest-paths from main to the node to.
func pathYen(g *Graph, k int, to int64) [][]graph.Node {
	return path.YenKShortestPaths(ordered{g.g}, k, math.Inf(1), simple.Node(g.main), simple.Node(to))
}

// compareChains orders chains by length, then element by element.
func compareChains(a, b []string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return slices.Compare(a, b)
}

// ordered is a directed graph whose From lists successors in ID order (that
// is, path order), so that gonum's traversals over it visit nodes in the
// same order on every run rather than in map order.
type ordered struct {
	*simple.DirectedGraph
}

// From returns the successors of the node with the given ID in ID order.
func (o ordered) From(id int64) graph.Nodes {
	nodes := graph.NodesOf(o.DirectedGraph.From(id))
	if len(nodes) == 0 {
		return graph.Empty
	}
	slices.SortFunc(nodes, func(a, b graph.Node) int { return cmp.Compare(a.ID(), b.ID()) })
	return iterator.NewOrderedNodes(nodes)
}

// DirectDep returns the module path of the main module's direct dependency
// through which path arrives in the program. The rule: walk Chain(path) from
// the main package and return the module of the first package that is
// neither in the standard library nor in the main module; a main-module
// package imports it, so it is a direct dependency of the main module.
// The main module is the main package's module; in a workspace, the other
// workspace modules count as dependencies.
// DirectDep returns "" for standard-library and main-module packages and for
// paths not in the graph. For graphs without edges the chain is unknown and
// DirectDep returns the package's own module, so grouping by direct
// dependency degrades to grouping by module.
func (g *Graph) DirectDep(path string) string {
	p, ok := g.Package(path)
	if !ok || g.own(p) {
		return ""
	}
	if !g.edges {
		return p.Module
	}
	for _, q := range g.Chain(path) {
		qp := g.pkgs[g.ids[q]]
		if !g.own(qp) && qp.Module != "" {
			return qp.Module
		}
	}
	return p.Module
}

// own reports whether p is in the standard library or the main module.
func (g *Graph) own(p Package) bool {
	return p.Standard || (p.Module != "" && p.Module == g.mainModule) || g.ids[p.Path] == g.main
}

// Dominated returns the packages that would leave the binary if path's
// imports were cut: path itself and every package that path dominates in
// the import graph rooted at the main package (every chain from main to them
// passes through path), computed with gonum's graph/flow dominators. The
// result is sorted by path. Dominated(g.Main()) is every package reachable
// from main. Dominated returns nil if path is not in the graph or the graph
// has no edges.
func (g *Graph) Dominated(path string) []string {
	id, ok := g.ids[path]
	if !ok || !g.edges || (id != g.main && g.dom.DominatorOf(id) == nil) {
		return nil
	}
	var out []string
	stack := []int64{id}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, g.pkgs[n].Path)
		for _, c := range g.dom.DominatedBy(n) {
			stack = append(stack, c.ID())
		}
	}
	slices.Sort(out)
	return out
}

// Retained returns the summed cost of Dominated(path): the init cost that
// would leave the program with path. It is 0 when Dominated is nil.
func (g *Graph) Retained(path string, cost func(pkg string) float64) float64 {
	return sum(g.Dominated(path), cost)
}
