package evidence

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// The statuses of a package against a budgets file.
const (
	WithinDefault      = "within-default"      // no exception needed
	NeedsException     = "needs-exception"     // over a package default
	MayNeedException   = "uncertain"           // a confidence interval straddles a package default
	Covered            = "covered"             // within its exception
	ExceptionExceeded  = "exception-exceeded"  // over its exception
	ExceptionUncertain = "exception-uncertain" // a confidence interval straddles its exception's max
	ExceptionExpired   = "exception-expired"   // its exception is past review_by
	ExceptionStale     = "exception-stale"     // it has an exception it no longer needs
	Forbidden          = "forbidden"           // a forbid pattern matches it: no exception can allow it
)

// Verdict is the package against a budgets file, as `coldstart check`
// would judge it on this result.
type Verdict struct {
	File      string           `json:"file"`
	Statistic string           `json:"statistic"`
	Status    string           `json:"status"`
	Text      string           `json:"text"`                // the verdict in one sentence
	Exception string           `json:"exception,omitempty"` // file:line of the package's current exception
	Findings  []budget.Finding `json:"findings,omitempty"`  // the check's findings about the package
}

// verdict runs the budgets check and keeps what concerns pkg (tracePath
// in the result).
func verdict(b *budget.Budgets, r *result.Result, g *importgraph.Graph, pkg, tracePath string, today time.Time) *Verdict {
	rep := b.Check(r, g, today, budget.Options{})
	v := &Verdict{File: b.File, Statistic: rep.Statistic}
	has := map[string]bool{}
	for i := range rep.Findings {
		f := rep.Findings[i]
		if f.Package != pkg && f.Package != tracePath {
			continue
		}
		v.Findings = append(v.Findings, f)
		has[f.Kind+"/"+f.Severity] = true
	}
	if fb := b.Forbidden(pkg); fb != nil {
		v.Status = Forbidden
		v.Text = fmt.Sprintf("Forbidden: %s forbids %s (%s): %s. No exception can allow a forbidden package; it has to leave the program, by cutting the import chains that bring it in.", fb.Pattern, pkg, fb.Pos, fb.Reason)
		return v
	}
	if x := b.Exception(pkg); x != nil {
		v.Exception = x.Pos.String()
		head := fmt.Sprintf("the exception at %s (max %s, review by %s)", x.Pos, x.Max.Text, x.ReviewBy.Format(time.DateOnly))
		switch {
		case has[budget.KindExpired+"/"+budget.Fail]:
			v.Status = ExceptionExpired
			v.Text = "Covered by " + head + ", but it is past its review date, which fails the check."
		case has[budget.KindExceeded+"/"+budget.Fail]:
			v.Status = ExceptionExceeded
			v.Text = "Over " + head + ", which fails the check."
		case has[budget.KindExceeded+"/"+budget.Uncertain]:
			v.Status = ExceptionUncertain
			v.Text = "Perhaps over " + head + ": a confidence interval straddles its limit; more runs would tell."
		case has[budget.KindStale+"/"+budget.Warn]:
			v.Status = ExceptionStale
			v.Text = "Has " + head + ", which it no longer needs: remove it."
		default:
			v.Status = Covered
			v.Text = "Covered by " + head + "."
		}
		return v
	}
	switch {
	case has[budget.KindPackage+"/"+budget.Fail]:
		v.Status = NeedsException
		v.Text = "Needs an exception: it is over the package defaults, which fails the check."
	case has[budget.KindPackage+"/"+budget.Uncertain]:
		v.Status = MayNeedException
		v.Text = "May need an exception: a confidence interval straddles a package default; more runs would tell."
	default:
		v.Status = WithinDefault
		v.Text = fmt.Sprintf("Within the package default (%s, %s): no exception is needed.", b.PackageDefault.Text, b.PackageDefault.Pos)
	}
	return v
}

// Entry is a proposed exception for a budgets file.
type Entry struct {
	Package   string `json:"package"`
	Max       string `json:"max"` // a Go duration
	MaxBytes  string `json:"max_bytes,omitempty"`
	MaxAllocs string `json:"max_allocs,omitempty"`
	// Usage is nil when the requester gave no usage figures: the entry then
	// holds a placeholder the budgets file rejects until it is filled in.
	Usage         *float64 `json:"usage"`
	Justification string   `json:"justification"`
	Evidence      string   `json:"evidence"`
	ApprovedBy    string   `json:"approved_by"`
	ApprovedOn    string   `json:"approved_on"`
	ReviewBy      string   `json:"review_by"`
	// Needed is false when the budgets say no exception is needed, or when
	// there are no budgets to tell.
	Needed bool `json:"needed"`
	// Replaces is the file:line of the package's current exception, which
	// the entry is meant to replace.
	Replaces string `json:"replaces,omitempty"`
	YAML     string `json:"yaml"` // the entry as a budgets-file list item
}

// Placeholders for what only people can fill in.
const (
	placeholderApprover      = "(approver's name)"
	placeholderJustification = "(the use case that needs this package initialised at start)"
	placeholderEvidence      = "(path or URL of this evidence document)"
)

// entry proposes the exception for e's package, or returns nil when there
// is nothing to propose: the package is forbidden, does no init work, or
// needs no exception and has none.
func entry(e *Evidence, in Input) *Entry {
	clock := e.Init.ClockNs
	if !e.Init.InitWork || clock.P95 <= 0 {
		return nil
	}
	var replaces string
	needed := true
	if v := e.Budget; v != nil {
		switch v.Status {
		case Forbidden, WithinDefault, ExceptionStale:
			return nil
		case Covered:
			needed = false
		}
		replaces = v.Exception
	}
	x := &Entry{
		Package:       e.Package,
		Max:           CeilDuration(clock.P95 * Headroom),
		Usage:         e.CostBenefit.Usage,
		Justification: cmpOr(in.Justification, placeholderJustification),
		Evidence:      cmpOr(in.Document, placeholderEvidence),
		ApprovedBy:    placeholderApprover,
		ApprovedOn:    in.Today.Format(time.DateOnly),
		ReviewBy:      in.Today.AddDate(0, 0, ReviewDays).Format(time.DateOnly),
		Needed:        needed && e.Budget != nil,
		Replaces:      replaces,
	}
	var bytesNote, allocsNote string
	if b := in.Budgets; b != nil {
		if b.PackageBytes.Set && e.Init.Bytes.Median > b.PackageBytes.Value {
			v := max(e.Init.Bytes.Median, e.Init.Bytes.P95)
			x.MaxBytes = CeilBytes(v * Headroom)
			bytesNote = fmt.Sprintf("measured %s x %g, rounded up; package_bytes is %s", Bytes(v), Headroom, b.PackageBytes.Text)
		}
		if b.PackageAllocs.Set && e.Init.Allocs.Median > b.PackageAllocs.Value {
			v := max(e.Init.Allocs.Median, e.Init.Allocs.P95)
			x.MaxAllocs = CeilCount(v * Headroom)
			allocsNote = fmt.Sprintf("measured %s x %g, rounded up; package_allocs is %s", Count(v), Headroom, b.PackageAllocs.Text)
		}
	}
	var y strings.Builder
	line := func(key, val, comment string) {
		s := fmt.Sprintf("    %s: %s", key, val)
		if comment != "" {
			s = fmt.Sprintf("%-44s # %s", s, comment)
		}
		y.WriteString(s + "\n")
	}
	fmt.Fprintf(&y, "  - package: %s\n", yamlString(x.Package))
	line("max", x.Max, fmt.Sprintf("measured p95 %s x %g, rounded up", Duration(clock.P95), Headroom))
	if x.MaxBytes != "" {
		line("max_bytes", x.MaxBytes, bytesNote)
	}
	if x.MaxAllocs != "" {
		line("max_allocs", x.MaxAllocs, allocsNote)
	}
	if x.Usage != nil {
		line("usage", share(*x.Usage), "share of processes that use it, from the requester's data")
	} else {
		line("usage", "UNKNOWN", "fill in: share of processes that use it, 0 to 1")
	}
	line("justification", yamlString(x.Justification), "")
	line("evidence", yamlString(x.Evidence), "")
	line("approved_by", yamlString(x.ApprovedBy), "the approver fills in")
	line("approved_on", x.ApprovedOn, "the approver fills in")
	line("review_by", x.ReviewBy, fmt.Sprintf("%d days after %s", ReviewDays, x.ApprovedOn))
	x.YAML = y.String()
	return x
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// yamlString is s as a YAML scalar that reads back as the string s.
func yamlString(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil || strings.Count(strings.TrimSuffix(string(out), "\n"), "\n") > 0 {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// CeilDuration rounds ns up to two significant digits and writes it as a
// Go duration in the largest unit that keeps it at least 1: 5462500 ns ->
// "5.5ms", 12345 ns -> "13us", 999.6 ms -> "1s". Durations under 10 ns are
// rounded up to whole nanoseconds.
func CeilDuration(ns float64) string {
	if ns <= 0 {
		return "0s"
	}
	m, e := ceil2(ns)
	if e < 0 { // under 10 ns: whole nanoseconds
		m, e = int64(math.Ceil(ns)), 0
	}
	units := []struct {
		exp  int
		name string
	}{{9, "s"}, {6, "ms"}, {3, "us"}, {0, "ns"}}
	for _, u := range units {
		if digits(m)+e-1 >= u.exp {
			return decimal(m, e-u.exp) + u.name
		}
	}
	return decimal(m, e) + "ns"
}

// CeilBytes rounds b up to two significant digits in the largest binary
// unit that keeps it at least 1, in the budgets file's size syntax:
// 1376256 -> "1.4MiB", 700 -> "700B".
func CeilBytes(b float64) string {
	if b <= 0 {
		return "0B"
	}
	units := []struct {
		size float64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}}
	for _, u := range units {
		if b >= u.size {
			m, e := ceil2(b / u.size)
			return decimal(m, e) + u.name
		}
	}
	m, e := ceil2(b)
	if e < 0 {
		m, e = int64(math.Ceil(b)), 0
	}
	return decimal(m, e) + "B"
}

// CeilCount rounds c up to a whole number with at most two significant
// digits: 167.5 -> "170", 7.2 -> "8".
func CeilCount(c float64) string {
	if c <= 0 {
		return "0"
	}
	m, e := ceil2(c)
	if e < 0 {
		m, e = int64(math.Ceil(c)), 0
	}
	return decimal(m, e)
}

// ceil2 rounds v > 0 up to two significant digits: the result is
// m × 10^e with m from 10 to 99.
func ceil2(v float64) (m int64, e int) {
	e = int(math.Floor(math.Log10(v))) - 1
	// A tiny tolerance keeps 5.5 (stored as 5.4999999...) from becoming 5.6.
	m = int64(math.Ceil(v/math.Pow10(e) - 1e-9))
	if m >= 100 {
		m, e = m/10, e+1
	}
	if m < 10 { // Log10 rounding just below a power of ten
		m, e = m*10, e-1
	}
	return m, e
}

// digits is the number of decimal digits of m > 0.
func digits(m int64) int { return len(strconv.FormatInt(m, 10)) }

// decimal writes m × 10^e without an exponent or trailing zeros after the
// point: decimal(55, -1) = "5.5", decimal(13, 2) = "1300", decimal(10, -1) = "1".
func decimal(m int64, e int) string {
	s := strconv.FormatInt(m, 10)
	if e >= 0 {
		return s + strings.Repeat("0", e)
	}
	if n := -e; len(s) <= n {
		s = strings.Repeat("0", n-len(s)+1) + s
	}
	point := len(s) + e
	s = s[:point] + "." + s[point:]
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
