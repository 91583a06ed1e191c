package importgraph

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// vendorMark stands for a "vendor" path element that "..." must not match,
// as in cmd/go; it is a byte no valid import path contains.
const vendorMark = "\x00"

// Match reports whether the import path matches pattern, with the go
// command's package patterns (see `go help packages`): a pattern without
// "..." matches only itself; "..." matches any string, including the empty
// string and strings containing slashes; a pattern ending in "/..." also
// matches the path before it, so "net/..." matches "net" and "net/http", and
// "github.com/aws/aws-sdk-go/..." matches that package and everything below
// it. As in cmd/go, "..." never matches a non-final "vendor" element of the
// path, so "..." does not match "vendor/golang.org/x/net/http2/hpack" while
// "vendor/..." does. (cmd/go's own "vendor/..." matches nothing; here it
// matches "vendor" and everything below it.)
//
// Match does not validate pattern: invalid patterns match what their text
// says, patterns or paths holding a NUL byte or invalid UTF-8 match nothing.
// Use ValidPattern to reject them where patterns are read.
func Match(pattern, path string) bool {
	if strings.Contains(pattern, vendorMark) || strings.Contains(path, vendorMark) ||
		!utf8.ValidString(pattern) || !utf8.ValidString(path) {
		return false
	}
	if !strings.Contains(pattern, "...") {
		return pattern == path
	}
	name := markVendor(path)
	if glob(markVendor(pattern), name) {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok {
		return glob(markVendor(prefix), name)
	}
	return false
}

// glob reports whether name matches pattern, in which "..." matches any run
// of bytes without vendorMark. Each literal between wildcards is matched at
// its leftmost possible place, which is optimal (it leaves the most of name
// for the rest) and keeps matching linear in practice, with no backtracking.
func glob(pattern, name string) bool {
	parts := strings.Split(pattern, "...")
	if len(parts) == 1 {
		return pattern == name
	}
	first, last := parts[0], parts[len(parts)-1]
	rest, ok := strings.CutPrefix(name, first)
	if !ok {
		return false
	}
	for _, lit := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, lit)
		if i < 0 || strings.Contains(rest[:i], vendorMark) {
			return false
		}
		rest = rest[i+len(lit):]
	}
	if len(rest) < len(last) || !strings.HasSuffix(rest, last) {
		return false
	}
	return !strings.Contains(rest[:len(rest)-len(last)], vendorMark)
}

// markVendor replaces the non-final "vendor" elements of the slash-separated
// s with vendorMark.
func markVendor(s string) string {
	if !strings.Contains(s, "vendor/") {
		return s
	}
	elems := strings.Split(s, "/")
	for i := range elems[:len(elems)-1] {
		if elems[i] == "vendor" {
			elems[i] = vendorMark
		}
	}
	return strings.Join(elems, "/")
}

// ValidPattern reports whether p is a pattern of import paths that Match
// understands: a non-empty import path, possibly with "..." wildcards, made
// of ASCII letters, digits and the punctuation "-._~+" in non-empty
// slash-separated elements. Relative ("./x", "../x") and absolute paths,
// elements "." and "..", and the go command's meta-patterns ("all", "std",
// "cmd", "main", "tool", "work"), which name sets of packages rather than
// paths, are rejected.
func ValidPattern(p string) error {
	switch p {
	case "":
		return fmt.Errorf("empty package pattern")
	case "all", "std", "cmd", "main", "tool", "work":
		return fmt.Errorf("package pattern %q: go command meta-patterns are not supported; name import paths, such as net/...", p)
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if !patternChar(r) || (r == utf8.RuneError && size == 1) {
			return fmt.Errorf("package pattern %q: invalid character %q at offset %d", p, r, i)
		}
		i += size
	}
	for i, elem := range strings.Split(p, "/") {
		switch elem {
		case "":
			switch i {
			case 0:
				return fmt.Errorf("package pattern %q: absolute path; name import paths", p)
			default:
				return fmt.Errorf("package pattern %q: empty path element", p)
			}
		case ".", "..":
			return fmt.Errorf("package pattern %q: relative path element %q; name import paths", p, elem)
		}
	}
	return nil
}

// patternChar reports whether r may appear in a package pattern: the
// characters of import paths (cmd/go's module.CheckImportPath) and slashes.
func patternChar(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("-._~+/", r)
}
