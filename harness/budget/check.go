package budget

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// Severities of findings, most severe first.
const (
	Fail      = "fail"      // over a limit, or a policy broken
	Uncertain = "uncertain" // the confidence interval straddles the limit: can't tell yet
	Warn      = "warn"      // worth fixing, never a failure
)

// Kinds of findings, in the order a report lists them within a severity.
const (
	KindOptions   = "options"            // Options.Statistic is not a statistic; nothing was checked
	KindTotal     = "total"              // a whole-process limit
	KindPackage   = "package"            // a package default, for a package without an exception
	KindExceeded  = "exception-exceeded" // over the limit an exception sets
	KindForbidden = "forbidden"          // a forbidden package is in the binary
	KindExpired   = "exception-expired"  // an exception past its review_by date
	KindStale     = "exception-stale"    // an exception no longer needed
)

// Options change how Check judges.
type Options struct {
	// Statistic is Median or P95; "" means the budgets file's choice.
	Statistic string
	// FailUncertain makes uncertain findings fail the check.
	FailUncertain bool
}

// Report is the outcome of checking one result against budgets.
type Report struct {
	File          string    `json:"file"`            // the budgets file
	Statistic     string    `json:"statistic"`       // the statistic compared with time limits
	FailUncertain bool      `json:"fail_uncertain"`  // uncertain findings fail
	Findings      []Finding `json:"findings"`        // by severity, kind, package, metric
	Notes         []string  `json:"notes,omitempty"` // what was not or only partly checked, and why
}

// Failed reports whether any finding fails the check: any fail, and any
// uncertain when FailUncertain is set.
func (r *Report) Failed() bool {
	for _, f := range r.Findings {
		if f.Severity == Fail || f.Severity == Uncertain && r.FailUncertain {
			return true
		}
	}
	return false
}

// Finding is one problem Check found.
type Finding struct {
	Severity string `json:"severity"`          // Fail, Uncertain or Warn
	Kind     string `json:"kind"`              // KindTotal, KindPackage, ...
	Package  string `json:"package,omitempty"` // "" for totals
	// Metric is "init", "wall", "bytes" or "allocs" for totals; "clock",
	// "bytes" or "allocs" for packages; "" for forbidden packages, expired
	// exceptions and stale exceptions whose package has no init work.
	Metric string `json:"metric,omitempty"`
	// Statistic is the statistic Value is: Median or P95; "" when no
	// measurement is involved.
	Statistic string `json:"statistic,omitempty"`
	// Value is the measured statistic; CILow and CIHigh the confidence
	// interval of the median, both 0 when the comparison used none (p95,
	// bytes, allocs).
	Value  float64  `json:"value,omitempty"`
	CILow  float64  `json:"ci_low,omitempty"`
	CIHigh float64  `json:"ci_high,omitempty"`
	Limit  float64  `json:"limit,omitempty"`
	Unit   string   `json:"unit,omitempty"`  // of Value and Limit: UnitNs, UnitBytes or UnitCount
	Source Pos      `json:"source"`          // the budgets-file line that set the limit, or the forbid or exception entry
	Chain  []string `json:"chain,omitempty"` // forbidden: main -> ... -> Package, when the import graph knows it
	N      int      `json:"n,omitempty"`     // runs behind Value
	// MoreRuns is, for uncertain findings, the estimated total number of
	// runs that would settle the verdict; -1 if no reasonable number would
	// (the median sits at the limit or more than stats.MaxSettleRuns runs
	// would be needed), 0 if unknown.
	MoreRuns    int    `json:"more_runs,omitempty"`
	DaysOverdue int    `json:"days_overdue,omitempty"` // exception-expired: days since review_by
	Msg         string `json:"msg"`                    // one full line for people
}

// Check compares the result r with the budgets.
//
// g is the target's import graph. It may be nil: then forbidden packages are
// looked for only among the packages with init work (r.Packages), chains are
// omitted, and an exception's package counts as gone when it has no init
// work; a Note says so.
//
// today is the date for the exception audits, taken in its own location.
func (b *Budgets) Check(r *result.Result, g *importgraph.Graph, today time.Time, opt Options) *Report {
	stat := cmp.Or(opt.Statistic, b.Statistic, Median)
	rep := &Report{File: b.File, Statistic: stat, FailUncertain: opt.FailUncertain}
	if stat != Median && stat != P95 {
		rep.Findings = append(rep.Findings, Finding{
			Severity: Fail,
			Kind:     KindOptions,
			Msg:      fmt.Sprintf("unknown statistic %q (want median or p95): nothing was checked", stat),
		})
		return rep
	}
	c := &checker{b: b, r: r, stat: stat, rep: rep}
	c.totals()
	c.packages()
	c.forbidden(g)
	c.audit(g, today)
	switch {
	case g == nil && (len(b.Forbid) > 0 || len(b.Exceptions) > 0):
		rep.Notes = append(rep.Notes, fmt.Sprintf("no import graph: forbidden packages were looked for only among the %d packages with init work, import chains are omitted, and an exception counts as stale when its package has no init work", len(r.Packages)))
	case g != nil && !g.HasEdges() && len(b.Forbid) > 0:
		rep.Notes = append(rep.Notes, "the import graph has no edges (it was read from a binary): import chains are omitted")
	}
	slices.SortStableFunc(rep.Findings, func(x, y Finding) int {
		return cmp.Or(
			cmp.Compare(severityRank(x.Severity), severityRank(y.Severity)),
			cmp.Compare(kindRank(x.Kind), kindRank(y.Kind)),
			cmp.Compare(x.Package, y.Package),
			cmp.Compare(metricRank(x.Metric), metricRank(y.Metric)),
			cmp.Compare(x.Msg, y.Msg),
		)
	})
	return rep
}

type checker struct {
	b    *Budgets
	r    *result.Result
	stat string
	rep  *Report
}

func (c *checker) add(f Finding) { c.rep.Findings = append(c.rep.Findings, f) }

func (c *checker) totals() {
	t := c.b.Total
	c.limit(KindTotal, "", "init", c.r.Total.InitNs, t.Init, true)
	c.limit(KindTotal, "", "wall", c.r.Total.WallNs, t.Wall, true)
	c.limit(KindTotal, "", "bytes", c.r.Total.Bytes, t.Bytes, false)
	c.limit(KindTotal, "", "allocs", c.r.Total.Allocs, t.Allocs, false)
}

func (c *checker) packages() {
	b := c.b
	for i := range c.r.Packages {
		p := &c.r.Packages[i]
		x := b.Exception(p.Path)
		if x != nil {
			c.limit(KindExceeded, p.Path, "clock", p.ClockNs, x.Max, true)
		} else {
			c.limit(KindPackage, p.Path, "clock", p.ClockNs, b.PackageDefault, true)
		}
		if x != nil && x.MaxBytes.Set {
			c.limit(KindExceeded, p.Path, "bytes", p.Bytes, x.MaxBytes, false)
		} else {
			c.limit(KindPackage, p.Path, "bytes", p.Bytes, b.PackageBytes, false)
		}
		if x != nil && x.MaxAllocs.Set {
			c.limit(KindExceeded, p.Path, "allocs", p.Allocs, x.MaxAllocs, false)
		} else {
			c.limit(KindPackage, p.Path, "allocs", p.Allocs, b.PackageAllocs, false)
		}
	}
}

// verdict is one metric compared with one limit.
type verdict struct {
	severity  string // Fail, Uncertain, or "" within the limit
	statistic string
	value     float64
	lo, hi    float64 // the median's confidence interval; 0, 0 when none was used
	interval  bool
}

// compare compares m with limit. Noisy metrics (clock and wall times) are
// judged by the chosen statistic: the median with its confidence interval,
// or the p95 directly. Bytes and allocs repeat almost exactly from run to
// run, so their median is compared directly.
//
// With the median, the verdict is Fail when the whole interval is above the
// limit (CILow > limit), within the limit when the whole interval is at or
// below it (CIHigh <= limit), and Uncertain otherwise: whichever side of the
// limit the median itself is on, the runs so far cannot tell.
func (c *checker) compare(m result.Metric, limit float64, noisy bool) verdict {
	if !noisy || c.stat == P95 {
		v := verdict{statistic: Median, value: m.Median}
		if noisy {
			v.statistic, v.value = P95, m.P95
		}
		if v.value > limit {
			v.severity = Fail
		}
		return v
	}
	// A hand-built or damaged Metric may have an interval that leaves out
	// its own median; widening it keeps a median above the limit from
	// passing.
	v := verdict{statistic: Median, value: m.Median, lo: min(m.CILow, m.Median), hi: max(m.CIHigh, m.Median), interval: true}
	switch {
	case v.lo > limit:
		v.severity = Fail
	case v.hi > limit:
		v.severity = Uncertain
	}
	return v
}

// limit checks one metric against one limit, if the file sets it.
func (c *checker) limit(kind, pkg, metric string, m result.Metric, lim Limit, noisy bool) {
	if !lim.Set {
		return
	}
	if m.N == 0 {
		if pkg == "" {
			c.rep.Notes = append(c.rep.Notes, fmt.Sprintf("total.%s (%s) not checked: the result has no %s measurements", metric, lim.Pos, metric))
		}
		return
	}
	v := c.compare(m, lim.Value, noisy)
	if v.severity == "" {
		return
	}
	f := Finding{
		Severity:  v.severity,
		Kind:      kind,
		Package:   pkg,
		Metric:    metric,
		Statistic: v.statistic,
		Value:     v.value,
		CILow:     v.lo,
		CIHigh:    v.hi,
		Limit:     lim.Value,
		Unit:      lim.Unit,
		Source:    lim.Pos,
		N:         m.N,
	}
	var what string
	switch kind {
	case KindTotal:
		what = "the " + lim.Text + " total budget"
	case KindPackage:
		what = "the " + lim.Text + " package default"
	default:
		what = "its exception's " + lim.Text + " max"
	}
	subject := subject(pkg, metric) + " " + describe(v, lim.Unit)
	if v.severity == Fail {
		f.Msg = fmt.Sprintf("%s is over %s (%s)", subject, what, lim.Pos)
		if kind == KindPackage {
			f.Msg += "; make it cheaper or lazy, or add a reviewed exception"
		}
	} else {
		if len(m.Values) > 0 {
			f.MoreRuns = stats.RunsToSettle(m.Values, lim.Value)
		}
		f.Msg = fmt.Sprintf("%s vs %s (%s): can't tell yet from %s", subject, what, lim.Pos, plural(m.N, "run"))
		switch {
		case f.MoreRuns > 0:
			f.Msg += fmt.Sprintf("; about %d runs in all would settle it", f.MoreRuns)
		case f.MoreRuns < 0:
			f.Msg += "; no reasonable number of runs would settle it: the median sits at the limit"
		}
	}
	c.add(f)
}

// subject names what a metric measures: "total init", "example.com/x init clock".
func subject(pkg, metric string) string {
	switch {
	case pkg != "":
		return pkg + " init " + metric
	case metric == "wall":
		return "wall time"
	case metric == "init":
		return "total init"
	}
	return "total init " + metric
}

// describe formats a verdict's value: "median 14.3ms (95% CI 13.1ms..15.2ms)".
func describe(v verdict, unit string) string {
	s := v.statistic + " " + format(v.value, unit)
	if v.interval {
		s += fmt.Sprintf(" (%s%% CI %s..%s)", strconv.FormatFloat(100*stats.Confidence, 'f', -1, 64), format(v.lo, unit), format(v.hi, unit))
	}
	return s
}

func (c *checker) forbidden(g *importgraph.Graph) {
	if len(c.b.Forbid) == 0 {
		return
	}
	var paths []string
	if g != nil {
		for _, p := range g.Packages() {
			paths = append(paths, p.Path)
		}
	} else {
		for _, p := range c.r.Packages {
			paths = append(paths, p.Path)
		}
	}
	for _, path := range paths {
		fb := c.b.Forbidden(path)
		if fb == nil {
			continue
		}
		f := Finding{
			Severity: Fail,
			Kind:     KindForbidden,
			Package:  path,
			Source:   fb.Pos,
			Msg:      fmt.Sprintf("%s is forbidden by %s (%s): %s", path, fb.Pattern, fb.Pos, fb.Reason),
		}
		if g != nil {
			f.Chain = g.Chain(path)
			if len(f.Chain) > 0 {
				f.Msg += "; imported via " + strings.Join(f.Chain, " -> ")
			}
		}
		c.add(f)
	}
}

// audit finds exceptions past their review date and exceptions no longer
// needed.
func (c *checker) audit(g *importgraph.Graph, today time.Time) {
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	for i := range c.b.Exceptions {
		x := &c.b.Exceptions[i]
		if days := int(day.Sub(x.ReviewBy) / (24 * time.Hour)); days > 0 {
			c.add(Finding{
				Severity:    Fail,
				Kind:        KindExpired,
				Package:     x.Package,
				Source:      x.ReviewPos,
				DaysOverdue: days,
				Msg: fmt.Sprintf("exception for %s was due for review on %s, %s ago (%s): review it and move review_by, or remove it",
					x.Package, x.ReviewBy.Format(time.DateOnly), plural(days, "day"), x.ReviewPos),
			})
		}
		c.stale(x, g)
	}
}

// stale reports the exception x if its package is gone, has no init work,
// or is measured within the package defaults for every metric the exception
// relaxes: the clock (by the same rule as a pass: CIHigh <= default for the
// median, p95 <= default), and bytes and allocs when both the exception and
// the file's defaults set them.
func (c *checker) stale(x *Exception, g *importgraph.Graph) {
	f := Finding{Severity: Warn, Kind: KindStale, Package: x.Package, Source: x.Pos}
	head := fmt.Sprintf("exception for %s (%s) is stale: ", x.Package, x.Pos)
	p, measured := c.r.Package(x.Package)
	switch {
	case g != nil && !g.Has(x.Package):
		f.Msg = head + "the package is no longer in the binary; remove the exception"
	case !measured && g != nil:
		f.Msg = head + "the package no longer has init work; remove the exception"
	case !measured:
		f.Msg = head + "the package has no init work in this result (no import graph to tell whether it is still in the binary); remove the exception"
	default:
		b := c.b
		clock := c.compare(p.ClockNs, b.PackageDefault.Value, true)
		if clock.severity != "" ||
			x.MaxBytes.Set && b.PackageBytes.Set && p.Bytes.Median > b.PackageBytes.Value ||
			x.MaxAllocs.Set && b.PackageAllocs.Set && p.Allocs.Median > b.PackageAllocs.Value {
			return
		}
		f.Metric, f.Statistic, f.Value, f.CILow, f.CIHigh = "clock", clock.statistic, clock.value, clock.lo, clock.hi
		f.Limit, f.Unit, f.N = b.PackageDefault.Value, UnitNs, p.ClockNs.N
		f.Msg = head + fmt.Sprintf("its init clock %s is within the %s package default (%s); remove the exception",
			describe(clock, UnitNs), b.PackageDefault.Text, b.PackageDefault.Pos)
	}
	c.add(f)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func severityRank(s string) int {
	switch s {
	case Fail:
		return 0
	case Uncertain:
		return 1
	}
	return 2
}

func kindRank(k string) int {
	switch k {
	case KindOptions:
		return 0
	case KindTotal:
		return 1
	case KindPackage:
		return 2
	case KindExceeded:
		return 3
	case KindForbidden:
		return 4
	case KindExpired:
		return 5
	}
	return 6
}

func metricRank(m string) int {
	switch m {
	case "init":
		return 0
	case "wall":
		return 1
	case "clock":
		return 2
	case "bytes":
		return 3
	case "allocs":
		return 4
	}
	return 5
}
