package budget

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
)

// The statistics a budgets file or Options may name.
const (
	Median = "median"
	P95    = "p95"
)

// The units of a Limit's and a Finding's Value.
const (
	UnitNs    = "ns"
	UnitBytes = "bytes"
	UnitCount = "count"
)

// Budgets is a parsed budgets file.
type Budgets struct {
	File           string
	Total          Totals
	PackageDefault Limit // init clock of any package without an exception; required
	PackageBytes   Limit // heap bytes allocated by any package's init; optional
	PackageAllocs  Limit // heap allocations by any package's init; optional
	// Statistic is Median or P95: which statistic of the noisy time
	// metrics is compared with the limits. Median when the file does not
	// say.
	Statistic  string
	Forbid     []Forbid    // in file order
	Exceptions []Exception // in file order
}

// Totals are the whole-process limits. Init is required, the others are
// optional.
type Totals struct {
	Init   Limit // sum of all packages' init clock
	Wall   Limit // the harness's clock from process start to exit or readiness
	Bytes  Limit // heap bytes allocated by all inits
	Allocs Limit // heap allocations by all inits
}

// Limit is one limit from a budgets file.
type Limit struct {
	Value float64 // in Unit
	Unit  string  // UnitNs, UnitBytes or UnitCount
	Text  string  // as written in the file: 10ms, 8MiB, 50000
	Set   bool    // false: the file does not set this limit
	Pos   Pos     // where the file sets it
}

// Forbid is one forbidden-package rule.
type Forbid struct {
	Pattern string // an import path pattern; ... matches any string
	Reason  string
	Pos     Pos // the pattern's line
}

// Exception lets one package's init cost more than the package defaults.
type Exception struct {
	Package   string
	Max       Limit // init clock; replaces PackageDefault
	MaxBytes  Limit // optional; replaces PackageBytes
	MaxAllocs Limit // optional; replaces PackageAllocs
	// Usage is the share of requests (0 to 1) that use the package, from
	// the requester's data: a package most requests need is a better
	// candidate for paying at start than one few requests need.
	Usage         float64
	Justification string
	Evidence      string // a path or URL to the measurements behind Usage and Max
	ApprovedBy    string
	ApprovedOn    time.Time // midnight UTC of the date
	ReviewBy      time.Time // midnight UTC of the date; overdue from the day after
	Pos           Pos       // the entry's first line
	ReviewPos     Pos       // the review_by line
}

// Pos is a line in a budgets file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// String returns "file:line", or "" for the zero Pos.
func (p Pos) String() string {
	if p == (Pos{}) {
		return ""
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// Exception returns the exception for the package path, or nil.
func (b *Budgets) Exception(path string) *Exception {
	for i := range b.Exceptions {
		if b.Exceptions[i].Package == path {
			return &b.Exceptions[i]
		}
	}
	return nil
}

// Forbidden returns the first rule, in file order, that forbids the package
// path, or nil.
func (b *Budgets) Forbidden(path string) *Forbid {
	for i := range b.Forbid {
		if importgraph.Match(b.Forbid[i].Pattern, path) {
			return &b.Forbid[i]
		}
	}
	return nil
}

// Error is a problem at a line of a budgets file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Errors are the problems of one budgets file, by line. Parse reports all of
// them, up to maxErrors, so that a file edited by many people can be fixed
// in one go.
type Errors []*Error

// Error returns one line per problem.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// maxErrors is the most problems Parse reports; the rest are summed up in
// one "too many errors" line.
const maxErrors = 10

// Load reads and parses the budgets file at path.
func Load(path string) (*Budgets, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading budgets: %w", err)
	}
	return Parse(data, path)
}

// Parse parses the contents of a budgets file; file names it in positions.
// The error, if any, is an Errors.
func Parse(data []byte, file string) (*Budgets, error) {
	p := &parser{file: file}
	b := p.parse(data)
	if len(p.errs) > 0 {
		return nil, p.result()
	}
	return b, nil
}

// topKeys and the functions below it list the keys each mapping may hold,
// in the order missing ones are reported. They are functions rather than
// package-level variables so that the package has no state to set up.
func topKeys() []string {
	return []string{"total", "package_default", "package_bytes", "package_allocs", "statistic", "forbid", "exceptions"}
}

func totalKeys() []string { return []string{"init", "wall", "bytes", "allocs"} }

func forbidKeys() []string { return []string{"pattern", "reason"} }

func exceptionKeys() []string {
	return []string{"package", "max", "max_bytes", "max_allocs", "usage", "justification", "evidence", "approved_by", "approved_on", "review_by"}
}

// requiredExceptionKeys are the keys every exception must have: what it
// allows, and the record of why and by whom, until when.
func requiredExceptionKeys() []string {
	return []string{"package", "max", "usage", "justification", "evidence", "approved_by", "approved_on", "review_by"}
}

// parser collects the problems of one file.
type parser struct {
	file string
	errs Errors
}

func (p *parser) errorf(line int, format string, args ...any) {
	if line < 1 {
		line = 1
	}
	p.errs = append(p.errs, &Error{p.file, line, fmt.Sprintf(format, args...)})
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{p.file, max(n.Line, 1)} }

// result returns the problems by line, at most maxErrors of them.
func (p *parser) result() Errors {
	es := slices.Clone(p.errs)
	slices.SortStableFunc(es, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	if len(es) > maxErrors {
		es = append(es[:maxErrors:maxErrors], &Error{p.file, es[maxErrors].Line, "too many errors"})
	}
	return es
}

func (p *parser) parse(data []byte) *Budgets {
	if line, msg := checkText(data); msg != "" {
		p.errorf(line, "%s", msg)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(1, "empty budgets file: it needs at least total.init and package_default")
		} else {
			p.yamlError(err)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.yamlError(err)
		return nil
	default:
		p.errorf(next.Line, "a second YAML document: a budgets file holds one")
		return nil
	}
	if len(doc.Content) != 1 {
		p.errorf(doc.Line, "empty budgets file: it needs at least total.init and package_default")
		return nil
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		p.errorf(doc.Line, "empty budgets file: it needs at least total.init and package_default")
		return nil
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root.Line, "want a mapping of keys (total, package_default, ...) at top level, got %s", kindName(root))
		return nil
	}

	b := &Budgets{File: p.file, Statistic: Median}
	top := p.mapping(root, "", topKeys())
	if e, ok := top["total"]; ok {
		p.totals(e.key, e.val, &b.Total)
	}
	if e, ok := top["package_default"]; ok {
		b.PackageDefault = p.duration(e.val, "package_default")
	}
	if e, ok := top["package_bytes"]; ok {
		b.PackageBytes = p.size(e.val, "package_bytes")
	}
	if e, ok := top["package_allocs"]; ok {
		b.PackageAllocs = p.count(e.val, "package_allocs")
	}
	if e, ok := top["statistic"]; ok {
		if s, ok := p.scalar(e.val, "statistic", "median or p95"); ok {
			if s != Median && s != P95 {
				p.errorf(e.val.Line, "statistic: %q is not median or p95", s)
			} else {
				b.Statistic = s
			}
		}
	}
	if e, ok := top["forbid"]; ok {
		b.Forbid = p.forbids(e.val)
	}
	if e, ok := top["exceptions"]; ok {
		b.Exceptions = p.exceptions(e.val, b)
	}

	var missing []string
	if _, ok := top["total"]; !ok {
		missing = append(missing, "total")
	}
	if _, ok := top["package_default"]; !ok {
		missing = append(missing, "package_default")
	}
	if len(missing) > 0 {
		p.errorf(root.Line, "missing %s", strings.Join(missing, " and "))
	}
	return b
}

// entry is one key and its value in a mapping.
type entry struct{ key, val *yaml.Node }

// mapping returns n's entries by key, reporting keys not in known, repeated
// keys and keys that are not plain values. where names n in messages ("" at
// top level).
func (p *parser) mapping(n *yaml.Node, where string, known []string) map[string]entry {
	in := ""
	if where != "" {
		in = " in " + where
	}
	out := make(map[string]entry)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k.Line, "want a key name%s, got %s", in, kindName(k))
			continue
		}
		if !slices.Contains(known, k.Value) {
			p.errorf(k.Line, "unknown key %q%s", k.Value, in)
			continue
		}
		if first, ok := out[k.Value]; ok {
			p.errorf(k.Line, "duplicate key %q%s (first at line %d)", k.Value, in, first.key.Line)
			continue
		}
		out[k.Value] = entry{k, v}
	}
	return out
}

func (p *parser) totals(key, n *yaml.Node, t *Totals) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, "total: want a mapping with init and optional wall, bytes, allocs, got %s", kindName(n))
		return
	}
	f := p.mapping(n, "total", totalKeys())
	if e, ok := f["init"]; ok {
		t.Init = p.duration(e.val, "total.init")
	} else {
		p.errorf(key.Line, "total: missing init")
	}
	if e, ok := f["wall"]; ok {
		t.Wall = p.duration(e.val, "total.wall")
	}
	if e, ok := f["bytes"]; ok {
		t.Bytes = p.size(e.val, "total.bytes")
	}
	if e, ok := f["allocs"]; ok {
		t.Allocs = p.count(e.val, "total.allocs")
	}
}

// list returns the items of a sequence; null (a key with nothing after it)
// is an empty list.
func (p *parser) list(n *yaml.Node, name, want string) []*yaml.Node {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n.Line, "%s: want a list of %s, got %s", name, want, kindName(n))
		return nil
	}
	return n.Content
}

func (p *parser) forbids(n *yaml.Node) []Forbid {
	var out []Forbid
	first := make(map[string]int)
	for _, item := range p.list(n, "forbid", "entries with pattern and reason") {
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			p.errorf(item.Line, "forbid: want an entry with pattern and reason, got %s", kindName(item))
			continue
		}
		f := p.mapping(item, "forbid entry", forbidKeys())
		fb := Forbid{Pos: p.pos(item)}
		ok := true
		if e, found := f["pattern"]; found {
			fb.Pos = p.pos(deref(e.val))
			if s, good := p.scalar(e.val, "pattern", "an import path pattern"); !good {
				ok = false
			} else if err := importgraph.ValidPattern(s); err != nil {
				p.errorf(e.val.Line, "%v", err)
				ok = false
			} else if line, dup := first[s]; dup {
				p.errorf(e.val.Line, "duplicate forbid pattern %q (first at line %d)", s, line)
				ok = false
			} else {
				fb.Pattern = s
				first[s] = fb.Pos.Line
			}
		}
		if e, found := f["reason"]; found {
			fb.Reason, ok = p.text(e.val, "reason", ok)
		}
		if missing := missingKeys(f, forbidKeys()); len(missing) > 0 {
			p.errorf(item.Line, "forbid entry is missing %s", strings.Join(missing, ", "))
			ok = false
		}
		if ok {
			out = append(out, fb)
		}
	}
	return out
}

func (p *parser) exceptions(n *yaml.Node, b *Budgets) []Exception {
	var out []Exception
	first := make(map[string]int)
	for _, item := range p.list(n, "exceptions", "entries with package, max, usage, ...") {
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			p.errorf(item.Line, "exceptions: want an entry with package, max, usage, ..., got %s", kindName(item))
			continue
		}
		if x, ok := p.exception(item, b, first); ok {
			out = append(out, x)
		}
	}
	return out
}

// exception parses one exception entry. first holds the line of each
// package's first exception.
func (p *parser) exception(item *yaml.Node, b *Budgets, first map[string]int) (Exception, bool) {
	f := p.mapping(item, "exception", exceptionKeys())
	x := Exception{Pos: p.pos(item)}
	ok := true
	if e, found := f["package"]; found {
		s, good := p.scalar(e.val, "package", "an import path")
		switch {
		case !good:
			ok = false
		case strings.Contains(s, "..."):
			p.errorf(e.val.Line, "package: %q is a pattern; an exception names one package", s)
			ok = false
		case s == "" || strings.ContainsFunc(s, unicode.IsSpace):
			p.errorf(e.val.Line, "package: %q is not an import path", s)
			ok = false
		default:
			if line, dup := first[s]; dup {
				p.errorf(e.val.Line, "duplicate exception for %s (first at line %d)", s, line)
				ok = false
			} else {
				first[s] = e.val.Line
			}
			if fb := b.Forbidden(s); fb != nil {
				p.errorf(e.val.Line, "exception for %s, which forbid pattern %s (line %d) forbids: a forbidden package cannot have an exception", s, fb.Pattern, fb.Pos.Line)
				ok = false
			}
			x.Package = s
		}
	}
	if e, found := f["max"]; found {
		x.Max = p.duration(e.val, "max")
		ok = ok && x.Max.Set
	}
	if e, found := f["max_bytes"]; found {
		x.MaxBytes = p.size(e.val, "max_bytes")
		ok = ok && x.MaxBytes.Set
	}
	if e, found := f["max_allocs"]; found {
		x.MaxAllocs = p.count(e.val, "max_allocs")
		ok = ok && x.MaxAllocs.Set
	}
	if e, found := f["usage"]; found {
		if s, good := p.scalar(e.val, "usage", "a share between 0 and 1"); !good {
			ok = false
		} else if u, err := strconv.ParseFloat(s, 64); err != nil || !(u >= 0 && u <= 1) {
			p.errorf(e.val.Line, "usage: %q is not a share between 0 and 1 (like 0.95)", s)
			ok = false
		} else {
			x.Usage = u
		}
	}
	if e, found := f["justification"]; found {
		x.Justification, ok = p.text(e.val, "justification", ok)
	}
	if e, found := f["evidence"]; found {
		x.Evidence, ok = p.text(e.val, "evidence", ok)
	}
	if e, found := f["approved_by"]; found {
		x.ApprovedBy, ok = p.text(e.val, "approved_by", ok)
	}
	var approvedLine int
	if e, found := f["approved_on"]; found {
		x.ApprovedOn, ok = p.date(e.val, "approved_on", ok)
		approvedLine = e.val.Line
	}
	if e, found := f["review_by"]; found {
		x.ReviewBy, ok = p.date(e.val, "review_by", ok)
		x.ReviewPos = p.pos(deref(e.val))
	}
	if !x.ApprovedOn.IsZero() && !x.ReviewBy.IsZero() && x.ApprovedOn.After(x.ReviewBy) {
		p.errorf(approvedLine, "approved_on %s is after review_by %s", x.ApprovedOn.Format(time.DateOnly), x.ReviewBy.Format(time.DateOnly))
		ok = false
	}
	if missing := missingKeys(f, requiredExceptionKeys()); len(missing) > 0 {
		what := "exception"
		if x.Package != "" {
			what += " for " + x.Package
		}
		p.errorf(item.Line, "%s is missing %s", what, strings.Join(missing, ", "))
		ok = false
	}
	return x, ok
}

func missingKeys(f map[string]entry, required []string) []string {
	var out []string
	for _, k := range required {
		if _, ok := f[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// scalar returns the text of a single non-null value; want says what is
// expected there, for messages.
func (p *parser) scalar(n *yaml.Node, name, want string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		p.errorf(n.Line, "%s: want %s, got %s", name, want, kindName(n))
		return "", false
	}
	if isNull(n) {
		p.errorf(n.Line, "%s: missing value (want %s)", name, want)
		return "", false
	}
	return n.Value, true
}

// text returns a non-empty free text; ok is passed through, false after a
// problem.
func (p *parser) text(n *yaml.Node, name string, ok bool) (string, bool) {
	s, good := p.scalar(n, name, "text")
	if !good {
		return "", false
	}
	s = strings.TrimSpace(s)
	if s == "" {
		p.errorf(n.Line, "%s is empty", name)
		return "", false
	}
	return s, ok
}

func (p *parser) date(n *yaml.Node, name string, ok bool) (time.Time, bool) {
	s, good := p.scalar(n, name, "a date YYYY-MM-DD")
	if !good {
		return time.Time{}, false
	}
	t, err := parseDate(s)
	if err != nil {
		p.errorf(n.Line, "%s: %v", name, err)
		return time.Time{}, false
	}
	return t, ok
}

func (p *parser) duration(n *yaml.Node, name string) Limit {
	s, ok := p.scalar(n, name, "a duration like 10ms")
	if !ok {
		return Limit{}
	}
	d, err := parseDuration(s)
	if err != nil {
		p.errorf(n.Line, "%s: %v", name, err)
		return Limit{}
	}
	return Limit{Value: float64(d), Unit: UnitNs, Text: s, Set: true, Pos: p.pos(deref(n))}
}

func (p *parser) size(n *yaml.Node, name string) Limit {
	s, ok := p.scalar(n, name, "a size like 8MiB")
	if !ok {
		return Limit{}
	}
	v, err := parseSize(s)
	if err != nil {
		p.errorf(n.Line, "%s: %v", name, err)
		return Limit{}
	}
	return Limit{Value: float64(v), Unit: UnitBytes, Text: s, Set: true, Pos: p.pos(deref(n))}
}

func (p *parser) count(n *yaml.Node, name string) Limit {
	s, ok := p.scalar(n, name, "a whole number like 50000")
	if !ok {
		return Limit{}
	}
	v, err := parseCount(s)
	if err != nil {
		p.errorf(n.Line, "%s: %v", name, err)
		return Limit{}
	}
	return Limit{Value: float64(v), Unit: UnitCount, Text: s, Set: true, Pos: p.pos(deref(n))}
}

// yamlError turns the YAML library's "yaml: line N: msg" into a positioned
// error. The library leaves out the line for problems on the first line.
func (p *parser) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ":"); ok {
			if v, err := strconv.Atoi(num); err == nil && v > 0 {
				line, msg = v, strings.TrimSpace(tail)
			}
		}
	}
	p.errorf(line, "%s", msg)
}

// deref follows an alias (*name) to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 10; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

// checkText finds what the YAML library would reject without saying where:
// bytes that are not UTF-8 and characters YAML does not allow. It returns
// the line and a message, or 0 and "". Lines are counted as YAML counts
// them.
func checkText(data []byte) (int, string) {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line, fmt.Sprintf("invalid UTF-8 (byte %#02x): a budgets file is UTF-8 text", data[i])
		case r == '\n', r == 0x85, r == 0x2028, r == 0x2029:
			line++
		case r == '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				line++
			}
		case r == '\t', r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		default:
			return line, fmt.Sprintf("control character %U is not allowed in YAML", r)
		}
		i += size
	}
	return 0, ""
}
