package importgraph

import (
	"debug/buildinfo"
	"debug/elf"
	"debug/gosym"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// FromBinary reads the graph of a prebuilt Go binary. The main package path
// and the modules, with versions and replacements, come from the binary's
// build information (debug/buildinfo); the set of packages comes from the
// function names in its pclntab (the .gopclntab section, read with
// debug/gosym), which the runtime needs and `-ldflags=-s -w` does not strip.
// So packages without init work are known too, but only if at least one of
// their functions was linked: a package whose every function was inlined or
// dropped by the linker as unreachable leaves no name, and nor does a package
// of types and constants only. Conversely, functions provided with
// //go:linkname under another package's name make that package appear even
// if the program does not import it: the runtime provides functions of sync,
// time and runtime/debug. Only ELF binaries are read.
//
// Each package belongs to the module with the longest path that is a prefix
// of its path (the main module or a dependency); a package of no module is in
// the standard library if the first element of its path has no dot.
//
// The binary holds no import edges: the graph's HasEdges is false, Chain,
// Chains and Dominated return nil, Rollup returns nil, and DirectDep returns a
// package's own module.
func FromBinary(path string) (*Graph, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading build info of %s: %w", path, err)
	}
	names, err := funcNames(path)
	if err != nil {
		return nil, fmt.Errorf("reading packages of %s: %w", path, err)
	}
	mainPath := bi.Path
	if mainPath == "" {
		mainPath = "main"
	}
	seen := map[string]bool{mainPath: true}
	for _, name := range names {
		pkg := packageOf(name)
		if pkg == "main" {
			pkg = mainPath
		}
		if pkg != "" {
			seen[pkg] = true
		}
	}
	mods := append([]*debug.Module{&bi.Main}, bi.Deps...)
	pkgs := make([]Package, 0, len(seen))
	for p := range seen {
		pkg := Package{Path: p}
		if m := moduleOf(p, mods); m != nil {
			pkg.Module = m.Path
			if m != &bi.Main {
				pkg.Version = m.Version
			}
			if m.Replace != nil {
				pkg.Replace = m.Replace.Path
			}
		} else if p != mainPath {
			first, _, _ := strings.Cut(p, "/")
			pkg.Standard = !strings.Contains(first, ".")
		}
		pkgs = append(pkgs, pkg)
	}
	return newGraph(mainPath, bi.Main.Path, pkgs, false, nil), nil
}

// moduleOf returns the module with the longest path that is path or a
// prefix of it ending at a slash, nil if there is none.
func moduleOf(path string, mods []*debug.Module) *debug.Module {
	var best *debug.Module
	for _, m := range mods {
		if m == nil || m.Path == "" {
			continue
		}
		if path != m.Path && !strings.HasPrefix(path, m.Path+"/") {
			continue
		}
		if best == nil || len(m.Path) > len(best.Path) {
			best = m
		}
	}
	return best
}

// funcNames returns the names of the functions in the pclntab of the ELF
// binary at path.
func funcNames(path string) (names []string, err error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	pcln := f.Section(".gopclntab")
	if pcln == nil {
		return nil, errors.New("no .gopclntab section")
	}
	data, err := pcln.Data()
	if err != nil {
		return nil, fmt.Errorf("reading .gopclntab: %w", err)
	}
	var textStart uint64
	if text := f.Section(".text"); text != nil {
		textStart = text.Addr
	}
	// debug/gosym trusts the table it is given and can panic on a corrupt
	// one; a damaged binary is an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			names, err = nil, fmt.Errorf("malformed .gopclntab: %v", r)
		}
	}()
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(data, textStart))
	if err != nil {
		return nil, fmt.Errorf("parsing .gopclntab: %w", err)
	}
	names = make([]string, len(tab.Funcs))
	for i, fn := range tab.Funcs {
		names[i] = fn.Name
	}
	return names, nil
}

// packageOf returns the import path of the package a function symbol
// belongs to, "" for symbols of no package. The package path is everything
// up to the first '.' after the last '/', once type arguments in brackets
// are cut, because a package path has no brackets and the linker escapes
// dots in a path's last element ("gopkg.in/yaml%2ev3.(*decoder).unmarshal"),
// which are then unescaped. Compiler-generated "go:" and "type:" symbols
// belong to no package, except the equality and hash functions of named
// types ("type:.eq.net/url.URL"), which name the type's package.
func packageOf(name string) string {
	if strings.HasPrefix(name, "type:") {
		rest, ok := strings.CutPrefix(name, "type:.eq.")
		if !ok {
			rest, ok = strings.CutPrefix(name, "type:.hash.")
		}
		if !ok {
			return ""
		}
		name = rest
	}
	if strings.HasPrefix(name, "go:") {
		return ""
	}
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndexByte(name, '/')
	dot := strings.IndexByte(name[slash+1:], '.')
	if dot < 0 {
		return "" // assembly helpers such as "cmpbody" have no package
	}
	pkg, ok := unescape(name[:slash+1+dot])
	if !ok || pkg == "" || strings.HasPrefix(pkg, "/") || strings.HasSuffix(pkg, "/") {
		return ""
	}
	for i := 0; i < len(pkg); i++ {
		if c := pkg[i]; c <= ' ' || c == 0x7f || strings.IndexByte("\"'()*,:;<>[]{}\\", c) >= 0 {
			return "" // not an import path: part of a type literal or a C name
		}
	}
	return pkg
}

// unescape undoes the linker's %xx escaping of symbol names.
func unescape(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	return b.String(), true
}

// unhex returns the value of the hexadecimal digit c.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
