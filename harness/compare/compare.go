// Package compare compares two measured cold starts, a base and a head,
// package by package. It is the compare stage of coldstart's pipeline:
//
//	result (base) + result (head) -> compare -> report
//
// Times (the total init, the wall time, each package's init clock) are
// compared with rank statistics, because their run-to-run noise is large,
// skewed and sometimes bimodal: the change is the Hodges-Lehmann shift of
// head against base with its 95% confidence interval, and its significance
// is the two-sided Mann-Whitney U test, corrected for multiple comparisons
// with Holm's method (see Compare for why Holm). Heap bytes and allocations
// repeat almost exactly from run to run, so any change in them beyond the
// runs' own spread is real and needs no test (see Exact).
//
// Which significant slowdowns count as regressions is decided by a
// Threshold.
package compare

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// Schema names the JSON layout of a Diff. It changes only when a field
// changes meaning or disappears; added fields keep the version.
const Schema = "coldstart/diff/v1"

// DefaultAlpha is the family-wise error rate of a comparison: the largest
// chance that a diff of two identical builds reports any significant
// change in the total times, and, separately, in any package.
const DefaultAlpha = 0.05

// MinShift is the smallest shift, in nanoseconds, that can be significant:
// 1 µs, the resolution of inittrace below 1 ms (it prints whole µs,
// truncated, and "0" under 1 µs). Inits of a microsecond or two are mostly
// printed as 0 or 1 µs, so a sub-µs effect that tips how often they cross
// that digit gives a tiny p-value with a shift of 0 or 1 µs. Measured on
// two builds of the same source in different files (their pages land in
// different physical memory): package errors "changed" by 1 µs in about
// 1 diff in 3 at 30 pairs, and sync by 0 µs.
const MinShift = 1000

// Correction names the multiple-comparison correction in use.
const Correction = "holm"

// Options tune a comparison.
type Options struct {
	Threshold Threshold
	// Alpha is the family-wise significance level; 0 means DefaultAlpha.
	Alpha float64
}

// Verdict is the outcome of comparing one time.
type Verdict string

// The verdicts, from worst to best.
const (
	// Regression is a significant slowdown of at least the threshold.
	Regression Verdict = "regression"
	// Slower is a significant slowdown smaller than the threshold.
	Slower Verdict = "slower"
	// Unchanged is no significant change.
	Unchanged Verdict = "unchanged"
	// Faster is a significant speedup smaller than the threshold.
	Faster Verdict = "faster"
	// Improvement is a significant speedup of at least the threshold.
	Improvement Verdict = "improvement"
)

// Diff is the comparison of a base and a head cold start.
type Diff struct {
	Schema   string         `json:"schema"`
	Date     time.Time      `json:"date"`
	Command  []string       `json:"command,omitempty"`
	Base     Side           `json:"base"`
	Head     Side           `json:"head"`
	Machine  result.Machine `json:"machine"`
	Settings Settings       `json:"settings"`
	Totals   Totals         `json:"totals"`
	// Packages are the packages both sides init, changed ones first (see
	// Package.Changed), then by the size of the clock shift, largest first.
	Packages []Package `json:"packages"`
	// Added are the packages only head inits, Removed those only base
	// inits, heaviest first.
	Added    []Only   `json:"added,omitempty"`
	Removed  []Only   `json:"removed,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Side describes one of the two things compared.
type Side struct {
	// Source is where the build came from: "revision", "working tree",
	// "binary" or "file" (a saved result).
	Source string `json:"source,omitempty"`
	// Name is the revision, binary or file as the user gave it.
	Name   string        `json:"name,omitempty"`
	Target result.Target `json:"target"`
	Runs   int           `json:"runs"` // counted traced runs, and as many untraced
	Date   time.Time     `json:"date"` // when the result was measured
}

// Settings are the settings of a comparison.
type Settings struct {
	Confidence float64   `json:"confidence"` // of every interval
	Alpha      float64   `json:"alpha"`
	Correction string    `json:"correction"`
	Threshold  Threshold `json:"threshold"`
	Warmup     int       `json:"warmup"` // uncounted pairs before the counted ones
	// Interleaved says whether base and head ran interleaved in one
	// session (false for two saved results).
	Interleaved bool      `json:"interleaved"`
	Adaptive    *Adaptive `json:"adaptive,omitempty"`
}

// Adaptive describes a comparison whose number of runs was decided as it
// went (`-n auto`).
type Adaptive struct {
	MaxRuns   int   `json:"max_runs"`
	MaxTimeNs int64 `json:"max_time_ns"`
	// Stop says why the runs stopped: StopSettled, StopMaxRuns or
	// StopMaxTime.
	Stop      string `json:"stop"`
	ElapsedNs int64  `json:"elapsed_ns"`
}

// The reasons an adaptive comparison stops.
const (
	StopSettled = "settled"
	StopMaxRuns = "max-runs"
	StopMaxTime = "max-time"
)

// Totals compares whole-program figures.
type Totals struct {
	Init   Time  `json:"init_ns"` // sum of init clock, traced runs
	Wall   Time  `json:"wall_ns"` // harness clock, untraced runs
	Bytes  Exact `json:"bytes"`   // heap bytes allocated by all inits
	Allocs Exact `json:"allocs"`  // heap allocations by all inits
}

// Sample summarises one side of a comparison.
type Sample struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	CILow  float64 `json:"ci_low"` // 95% confidence interval of the median
	CIHigh float64 `json:"ci_high"`
}

func sampleOf(m result.Metric) Sample {
	return Sample{N: m.N, Median: m.Median, CILow: m.CILow, CIHigh: m.CIHigh}
}

// Time compares one time, in nanoseconds.
type Time struct {
	Base Sample `json:"base"`
	Head Sample `json:"head"`
	// Delta is the Hodges-Lehmann shift of head against base: the median
	// of all differences between a head run and a base run. It estimates
	// how much every run moved and can differ a little from the difference
	// of the medians.
	Delta     float64 `json:"delta"`
	DeltaLow  float64 `json:"delta_ci_low"` // 95% confidence interval of Delta
	DeltaHigh float64 `json:"delta_ci_high"`
	// Relative is Delta and its interval as fractions of the base median;
	// nil when the base median is 0.
	Relative *Interval `json:"relative,omitempty"`
	// P is the two-sided Mann-Whitney p-value, PAdjusted the same after
	// Holm's correction over the comparison's family (the totals, or the
	// packages). Tested is false when both sides gave one and the same
	// value in every run: there is nothing to test, P and PAdjusted are 1,
	// and the comparison does not count in its family.
	P         float64 `json:"p"`
	PAdjusted float64 `json:"p_adjusted"`
	Tested    bool    `json:"tested"`
	// Limit is the threshold for this time, in nanoseconds.
	Limit float64 `json:"limit"`
	// Significant is PAdjusted < alpha with a shift of more than MinShift.
	Significant bool `json:"significant"`
	// Settled says whether the interval of Delta lies wholly above +Limit,
	// wholly below -Limit, or wholly between them: whether more runs could
	// still change which side of the threshold the change is on. It is
	// false with fewer than stats.MinRuns runs on a side.
	Settled bool    `json:"settled"`
	Verdict Verdict `json:"verdict"`
}

// Interval is an estimate with its confidence interval.
type Interval struct {
	Value float64 `json:"value"`
	Low   float64 `json:"ci_low"`
	High  float64 `json:"ci_high"`
}

// Exact compares a figure that repeats almost exactly from run to run:
// heap bytes or allocations. Such a figure varies only when the work
// itself does (a map's growth depends on its random seed, a sync.Once
// races), so a change of the median beyond the runs' own spread is a real
// change. The spread of each side is the 95% confidence interval of its
// median; Changed is true when the medians differ and the two intervals do
// not overlap. Two constant samples of different values always differ.
type Exact struct {
	Base     Sample   `json:"base"`
	Head     Sample   `json:"head"`
	Delta    float64  `json:"delta"`              // head median minus base median
	Relative *float64 `json:"relative,omitempty"` // Delta over the base median; nil when that is 0
	Changed  bool     `json:"changed"`
}

// Package compares one package's init.
type Package struct {
	Path   string `json:"path"`
	Clock  Time   `json:"clock_ns"`
	Bytes  Exact  `json:"bytes"`
	Allocs Exact  `json:"allocs"`
}

// Changed reports whether the package's clock changed significantly or its
// bytes or allocations changed.
func (p Package) Changed() bool {
	return p.Clock.Significant || p.Bytes.Changed || p.Allocs.Changed
}

// Only is a package that only one side inits, with its cost there.
type Only struct {
	Path   string  `json:"path"`
	Clock  Sample  `json:"clock_ns"`
	Bytes  float64 `json:"bytes"`  // median
	Allocs float64 `json:"allocs"` // median
	// Regression is set for an added package whose init costs at least the
	// threshold for a package: the lower end of its median's interval is
	// at or above the limit.
	Regression bool `json:"regression,omitempty"`
}

// Compare compares head with base.
//
// Significance is controlled in two families, each at family-wise error
// rate alpha: the two total times (total init and wall), and all packages
// both sides init. Holm's step-down correction is used rather than
// Benjamini-Hochberg because the verdict fails a build: the claim to keep is
// "a diff of two identical builds flags nothing, 19 times in 20", a bound on
// the chance of any false flag, which Holm gives and Benjamini-Hochberg,
// bounding only the expected share of false flags among all flags, does
// not (with no real change, that share is 1 whenever anything is flagged;
// across 400 packages with a few real changes it lets false flags through
// in proportion). Holm also holds whatever the dependence between the
// tests, and package inits of one run are correlated, which
// Benjamini-Hochberg's guarantee does not cover. Its cost, power, is small
// here: a real regression worth failing a build over moves a package by
// many times its noise, and its p-value is far below alpha/400.
func Compare(base, head *result.Result, opt Options) *Diff {
	alpha := opt.Alpha
	if alpha <= 0 {
		alpha = DefaultAlpha
	}
	d := &Diff{
		Schema:  Schema,
		Base:    Side{Target: base.Target, Runs: base.Runs, Date: base.Date},
		Head:    Side{Target: head.Target, Runs: head.Runs, Date: head.Date},
		Machine: head.Machine,
		Settings: Settings{
			Confidence: stats.Confidence,
			Alpha:      alpha,
			Correction: Correction,
			Threshold:  opt.Threshold,
			Warmup:     base.Settings.Warmup,
		},
	}
	initLimit := opt.Threshold.Limit(base.Total.InitNs.Median)
	d.Totals = Totals{
		Init:   compareTime(base.Total.InitNs, head.Total.InitNs, initLimit),
		Wall:   compareTime(base.Total.WallNs, head.Total.WallNs, opt.Threshold.Limit(base.Total.WallNs.Median)),
		Bytes:  compareExact(base.Total.Bytes, head.Total.Bytes),
		Allocs: compareExact(base.Total.Allocs, head.Total.Allocs),
	}
	adjust([]*Time{&d.Totals.Init, &d.Totals.Wall}, alpha)

	inBase := map[string]*result.Package{}
	for i := range base.Packages {
		inBase[base.Packages[i].Path] = &base.Packages[i]
	}
	var family []*Time
	for i := range head.Packages {
		h := &head.Packages[i]
		b, ok := inBase[h.Path]
		if !ok {
			d.Added = append(d.Added, only(h, initLimit))
			continue
		}
		delete(inBase, h.Path)
		d.Packages = append(d.Packages, Package{
			Path:   h.Path,
			Clock:  compareTime(b.ClockNs, h.ClockNs, initLimit),
			Bytes:  compareExact(b.Bytes, h.Bytes),
			Allocs: compareExact(b.Allocs, h.Allocs),
		})
	}
	for i := range d.Packages {
		family = append(family, &d.Packages[i].Clock)
	}
	adjust(family, alpha)
	for i := range base.Packages {
		if b, ok := inBase[base.Packages[i].Path]; ok {
			o := only(b, initLimit)
			o.Regression = false
			d.Removed = append(d.Removed, o)
		}
	}
	slices.SortStableFunc(d.Packages, func(a, b Package) int {
		if c := compareBool(b.Changed(), a.Changed()); c != 0 {
			return c
		}
		if c := cmp.Compare(math.Abs(b.Clock.Delta), math.Abs(a.Clock.Delta)); c != 0 {
			return c
		}
		return cmp.Compare(a.Path, b.Path)
	})
	heaviest := func(a, b Only) int {
		if c := cmp.Compare(b.Clock.Median, a.Clock.Median); c != 0 {
			return c
		}
		return cmp.Compare(a.Path, b.Path)
	}
	slices.SortStableFunc(d.Added, heaviest)
	slices.SortStableFunc(d.Removed, heaviest)

	if n := min(base.Runs, head.Runs); n < stats.MinRuns {
		d.Warnings = append(d.Warnings, fmt.Sprintf("only %d runs per side: below %d, few changes can be significant, and only large ones (use -n %d or more, or -n auto)", n, stats.MinRuns, 2*stats.MinRuns))
	}
	return d
}

// Settled reports whether both total times are settled (see Time.Settled).
// An adaptive comparison stops when they are.
func (d *Diff) Settled() bool { return d.Totals.Init.Settled && d.Totals.Wall.Settled }

// Regressions names every regression, total or package, in the order a
// report shows them: "total init", "wall", then package paths, changed
// packages first, then added packages.
func (d *Diff) Regressions() []string {
	var out []string
	if d.Totals.Init.Verdict == Regression {
		out = append(out, "total init")
	}
	if d.Totals.Wall.Verdict == Regression {
		out = append(out, "wall")
	}
	for _, p := range d.Packages {
		if p.Clock.Verdict == Regression {
			out = append(out, p.Path)
		}
	}
	for _, p := range d.Added {
		if p.Regression {
			out = append(out, p.Path+" (added)")
		}
	}
	return out
}

// Regressed reports whether anything regressed: the verdict that makes
// `coldstart diff` exit 1.
func (d *Diff) Regressed() bool { return len(d.Regressions()) > 0 }

// CompareTotals compares only the total times of base and head, with their Holm
// correction: the cheap part of Compare that an adaptive comparison repeats
// after every pair of runs to decide whether to go on.
func CompareTotals(base, head *result.Result, opt Options) (initTime, wall Time) {
	alpha := opt.Alpha
	if alpha <= 0 {
		alpha = DefaultAlpha
	}
	initTime = compareTime(base.Total.InitNs, head.Total.InitNs, opt.Threshold.Limit(base.Total.InitNs.Median))
	wall = compareTime(base.Total.WallNs, head.Total.WallNs, opt.Threshold.Limit(base.Total.WallNs.Median))
	adjust([]*Time{&initTime, &wall}, alpha)
	return initTime, wall
}

// compareTime compares two samples of a time; the p-value is adjusted and
// the verdict given later, by adjust.
func compareTime(b, h result.Metric, limit float64) Time {
	t := Time{Base: sampleOf(b), Head: sampleOf(h), Limit: limit, P: 1, PAdjusted: 1}
	if len(b.Values) == 0 || len(h.Values) == 0 {
		return t
	}
	t.Delta, t.DeltaLow, t.DeltaHigh = stats.HodgesLehmann(b.Values, h.Values, stats.Confidence)
	if b.Median != 0 {
		t.Relative = &Interval{Value: t.Delta / b.Median, Low: t.DeltaLow / b.Median, High: t.DeltaHigh / b.Median}
	}
	t.Tested = !constantSame(b.Values, h.Values)
	if t.Tested {
		_, t.P = stats.MannWhitney(b.Values, h.Values)
	}
	// Below stats.MinRuns the interval means little (below 6 runs per side
	// there is none at 95%), so nothing is settled.
	t.Settled = min(len(b.Values), len(h.Values)) >= stats.MinRuns &&
		(t.DeltaLow > limit || t.DeltaHigh < -limit || (t.DeltaLow > -limit && t.DeltaHigh < limit))
	return t
}

// constantSame reports whether every value of a and b is one and the same.
func constantSame(a, b []float64) bool {
	v := a[0]
	for _, x := range a {
		if x != v {
			return false
		}
	}
	for _, x := range b {
		if x != v {
			return false
		}
	}
	return true
}

// adjust applies Holm's correction over the tested times of one family and
// gives each its verdict.
func adjust(family []*Time, alpha float64) {
	p := make([]float64, len(family))
	for i, t := range family {
		p[i] = t.P
		if !t.Tested {
			p[i] = math.NaN() // not counted in the family
		}
	}
	adj := stats.Holm(p)
	for i, t := range family {
		t.PAdjusted = 1
		if t.Tested {
			t.PAdjusted = adj[i]
		}
		t.Significant = t.Tested && t.PAdjusted < alpha && math.Abs(t.Delta) > MinShift
		t.Verdict = verdict(t)
	}
}

// verdict classifies a time by significance and by the size of its shift
// against the threshold.
func verdict(t *Time) Verdict {
	switch {
	case !t.Significant:
		return Unchanged
	case t.Delta > 0 && t.Delta >= t.Limit:
		return Regression
	case t.Delta > 0:
		return Slower
	case t.Delta < 0 && -t.Delta >= t.Limit:
		return Improvement
	case t.Delta < 0:
		return Faster
	}
	return Unchanged
}

func compareExact(b, h result.Metric) Exact {
	e := Exact{Base: sampleOf(b), Head: sampleOf(h), Delta: h.Median - b.Median}
	if b.Median != 0 {
		r := e.Delta / b.Median
		e.Relative = &r
	}
	e.Changed = e.Delta != 0 && (h.CILow > b.CIHigh || h.CIHigh < b.CILow)
	return e
}

func only(p *result.Package, limit float64) Only {
	return Only{
		Path:       p.Path,
		Clock:      sampleOf(p.ClockNs),
		Bytes:      p.Bytes.Median,
		Allocs:     p.Allocs.Median,
		Regression: p.ClockNs.CILow >= limit && p.ClockNs.CILow > 0,
	}
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// WriteJSON writes d as indented JSON.
func (d *Diff) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// Read decodes a diff written by WriteJSON; name is used in errors.
func Read(rd io.Reader, name string) (*Diff, error) {
	var d Diff
	if err := json.NewDecoder(rd).Decode(&d); err != nil {
		return nil, fmt.Errorf("reading diff %s: %w", name, err)
	}
	if d.Schema != Schema {
		return nil, fmt.Errorf("reading diff %s: schema %q, want %q (was it written by coldstart diff -format json?)", name, d.Schema, Schema)
	}
	return &d, nil
}
