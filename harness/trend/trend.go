// Package trend finds changes over the nights of a scenario's history: a
// level shift (the night the program got slower or faster, with the range
// of commits that did it) and a slow creep (a steady drift over the last
// weeks). It is the analysis stage after the history store:
//
//	result -> history -> trend -> report
//
// # What is compared
//
// Each night contributes one value per series: its median. The series are
// the total init clock, the wall time and the heap bytes of all inits, and
// the init clock of each of the heaviest packages of the newest night. Medians
// of nights, not single runs, are compared: a night's runs share that
// night's machine state, so pooling runs of different nights would count
// the machine's night-to-night drift as evidence.
//
// Nights are comparable only when they were measured on the same kind of
// machine (result.Machine.Fingerprint) with the same Go version: the
// newest night's. Other nights are left out with a note saying so ("records
// from 2 machines: comparing the 14 from ..."). With fewer than MinNights
// comparable nights nothing is tested, and a note says that too ("only 3
// comparable nights (need 8)"). Only the newest Window comparable nights
// are analysed.
//
// # The level shift
//
// For every split of the series into an earlier part and a later part of
// at least MinSegment nights each, the Mann-Whitney rank-sum statistic of
// the two parts is standardized (its null mean and, with ties, its exact
// null variance); the split with the largest standardized statistic in
// absolute value is the candidate shift (the maximally selected rank
// statistic, a nonparametric change-point test in the family of Pettitt's).
// Trying every split makes a small p-value at some split likely even
// without a change, so its significance is a permutation test: the same
// maximum over splits is computed for Permutations random reorderings of the
// nights (a fixed seed makes every answer reproducible), and P is the share
// of reorderings, counting the observed order, that reach the observed
// maximum. Without a change, every order of the nights is equally likely,
// so P < Alpha happens with probability at most Alpha, however skewed or
// bimodal the values are. Ranks decide whether there is a shift; where it
// is, is decided by the values: the split (again with MinSegment nights on
// each side) that minimizes the sum of absolute deviations from the medians
// of the two sides, because the largest rank statistic, blind to how far
// apart the values are, leans towards the middle of the series. The
// reported size of the shift is the
// Hodges-Lehmann estimate with its 95% interval, and stats.MannWhitney's
// p-value at the split is reported as well (uncorrected for the choice of
// split).
//
// A shift is found when P < Alpha and it is at least MinShift of the level:
// of the series' median over the analysed nights for the totals, of the
// total init's for a package (as in coldstart diff, "5%" always means "makes
// startup 5% slower"; a package going from 3 µs to 6 µs doubles but does not
// matter). A shift is located at the first night at the new level; the
// commit range is the revision of the night before it and its own.
//
// # The creep
//
// The creep test fits a least-squares line to the last CreepNights nights
// (stats.Slope, against the date in days) and tests its slope with the t
// test. A creep is found when p < Alpha and the slope is at least MinCreep
// of the level per week (the series' median over those nights for the
// totals, the total init for a package).
//
// A ramp also splits well, and a step also tilts a line. When the shift
// test is significant, the two explanations are compared over the analysed nights: if a
// straight line fits them at least as well as the two levels of the shift
// (by the sum of squared residuals), the change is a creep and not a
// shift. Otherwise it is a step, and the creep test looks only at the
// nights since it, provided there are MinNights of them, so that a step is
// not also reported as a creep; this holds for a significant step smaller
// than MinShift too, which is reported as neither.
//
// # Many packages
//
// The packages' tests are families: the shift p-values of all packages
// tested are adjusted together with Holm's method, and so are their creep
// p-values, so that a night of pure noise reports a change in any package
// with probability at most Alpha. Each total is tested on its own at Alpha.
//
// On 400 seeded series of pure noise (30 nights, lognormal, nightly CV
// 15-30%, or medians of 20 such runs), the defaults found 3 shifts and no
// creep; a test at the best split without the correction would have found
// 34 shifts. On synthetic histories of 30 nights whose medians vary by
// 6-10% from night to night (package historytest), they find a 25% step
// of the whole program, within a night of where it is, every time; a 20%
// step in 19-20 of 20 histories, a 15% step in 17 of 20 (and place it
// within a night in 15-17). They find a creep of 1.5% a night (11% a
// week) every time; one of 1% a night in 15 of 20 histories (3 more call
// it a shift).
package trend

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// Defaults of Options, chosen for nightly runs on noisy 2-core machines,
// where the median total init and wall time of the same build vary by 6-9%
// from one 20-pair measurement to the next (measured on the nethttp
// program, ten measurements a minute apart: init 9.0-9.5%, wall 6.3%, and
// 20% while other jobs kept the machine busy).
const (
	// DefaultAlpha is the significance level of each test (and of each
	// family of package tests).
	DefaultAlpha = 0.01
	// DefaultMinNights is the fewest comparable nights tested at all: with
	// 8 nights a shift can be found once 4 nights sit on either side.
	DefaultMinNights = 8
	// DefaultWindow is the most nights analysed: about a month.
	DefaultWindow = 30
	// DefaultMinSegment is the fewest nights on each side of a shift. A
	// rank test of 3 nights against many cannot reach a small p-value
	// after the correction for trying every split; a single bad night is
	// coldstart diff's job.
	DefaultMinSegment = 4
	// DefaultMinShift is the smallest shift reported, as a fraction of the
	// level: smaller steps are within the drift of these machines, and a
	// step of 5% is found only with many nights on each side.
	DefaultMinShift = 0.05
	// DefaultCreepNights is the number of newest nights the creep test
	// fits: three weeks. With nightly medians varying by 7.5%, the slope
	// of 21 nights is known to about ±1.9% per week (one standard error),
	// so a creep is found from about 6% a week.
	DefaultCreepNights = 21
	// DefaultMinCreep is the smallest creep reported, as a fraction of the
	// level per week: 2% a week doubles a cost within a year.
	DefaultMinCreep = 0.02
	// DefaultPermutations is the number of reorderings of the permutation
	// test: its smallest p-value is 1/10000, small enough for Holm's
	// correction over dozens of packages at DefaultAlpha.
	DefaultPermutations = 9999
	// DefaultSeed seeds the permutations.
	DefaultSeed = 1
	// DefaultPackages is the number of heaviest packages analysed.
	DefaultPackages = 10
)

// Options tune the analysis; a zero field takes its default.
type Options struct {
	Alpha        float64 `json:"alpha"`
	MinNights    int     `json:"min_nights"`
	Window       int     `json:"window"`
	MinSegment   int     `json:"min_segment"`
	MinShift     float64 `json:"min_shift"`
	CreepNights  int     `json:"creep_nights"`
	MinCreep     float64 `json:"min_creep_per_week"`
	Permutations int     `json:"permutations"`
	Seed         uint64  `json:"seed"`
	Packages     int     `json:"packages"`
}

// WithDefaults returns o with every zero field set to its default.
func (o Options) WithDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MinNights, DefaultMinNights)
	def(&o.Window, DefaultWindow)
	def(&o.MinSegment, DefaultMinSegment)
	def(&o.CreepNights, DefaultCreepNights)
	def(&o.Permutations, DefaultPermutations)
	def(&o.Packages, DefaultPackages)
	if o.Alpha <= 0 {
		o.Alpha = DefaultAlpha
	}
	if o.MinShift <= 0 {
		o.MinShift = DefaultMinShift
	}
	if o.MinCreep <= 0 {
		o.MinCreep = DefaultMinCreep
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	o.MinNights = max(o.MinNights, 2*o.MinSegment, 3)
	o.Window = max(o.Window, o.MinNights)
	return o
}

// Point is one night's value of a series.
type Point struct {
	Date     time.Time `json:"date"`
	Revision string    `json:"revision,omitempty"`
	Value    float64   `json:"value"`
}

// Kind says what a series measures, and so how its values read.
type Kind string

// The kinds of series.
const (
	Duration Kind = "ns"
	Bytes    Kind = "bytes"
)

// Verdict is the outcome for one series.
type Verdict string

// The verdicts.
const (
	Untested Verdict = "untested" // too few comparable nights
	Steady   Verdict = "steady"   // neither a shift nor a creep was found
	Shifted  Verdict = "shift"    // a level shift was found (and maybe a creep since)
	Creeping Verdict = "creep"    // a creep was found and no shift
)

// Shift is the outcome of the change-point test of one series.
type Shift struct {
	Tested bool `json:"tested"`
	// Index is the position in Series.Points of the first night at the
	// new level; Date and Revision are that night's, and FromRevision is
	// the revision of the night before: the change lies in
	// FromRevision..Revision.
	Index        int       `json:"index"`
	Date         time.Time `json:"date"`
	FromRevision string    `json:"from_revision,omitempty"`
	Revision     string    `json:"revision,omitempty"`
	// Before and After are the medians of the nightly values on each
	// side; Change is the Hodges-Lehmann estimate of After minus Before,
	// with its 95% interval [Low, High]; Rel is Change over Before.
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Change float64 `json:"change"`
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	Rel    float64 `json:"rel"`
	// Z is the largest standardized rank statistic over the splits, the
	// one the permutation test judges; PSplit is
	// stats.MannWhitney's p-value at the split, not corrected for the
	// choice of split; P is the permutation p-value, which is. For
	// packages, P is Holm-adjusted across the packages tested.
	Z      float64 `json:"z"`
	PSplit float64 `json:"p_split"`
	P      float64 `json:"p"`
	// Step is set when P < Alpha and two levels fit the nights better
	// than a straight line; Line when P < Alpha but a line fits them as
	// well: a drift rather than a step.
	Step bool `json:"step,omitempty"`
	Line bool `json:"line,omitempty"`
	// Found: a step of at least MinShift of the level.
	Found bool `json:"found"`
}

// Creep is the outcome of the slope test of one series.
type Creep struct {
	Tested bool      `json:"tested"`
	Nights int       `json:"nights"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// Slope is the fitted change per day, in the series' unit; PerWeek is
	// seven days of it as a fraction of the level.
	Slope   float64 `json:"slope_per_day"`
	PerWeek float64 `json:"rel_per_week"`
	// P is the t test's p-value of the slope; for packages, Holm-adjusted
	// across the packages tested.
	P     float64 `json:"p"`
	Found bool    `json:"found"`
}

// Series is one analysed series.
type Series struct {
	Name    string  `json:"name"` // "init", "wall", "bytes", or a package's import path
	Kind    Kind    `json:"kind"`
	Points  []Point `json:"points"` // the analysed nights, oldest first
	Verdict Verdict `json:"verdict"`
	Shift   Shift   `json:"shift"`
	Creep   Creep   `json:"creep"`
	// Level is what MinShift and MinCreep are fractions of: the series'
	// median for a total, the total init's for a package.
	Level float64 `json:"level"`
	Note  string  `json:"note,omitempty"`
}

// Latest is the newest night's value, or 0 for an empty series.
func (s *Series) Latest() float64 {
	if len(s.Points) == 0 {
		return 0
	}
	return s.Points[len(s.Points)-1].Value
}

// Report is the trend analysis of one scenario's history.
type Report struct {
	Machine   string `json:"machine"`    // fingerprint of the nights compared
	GoVersion string `json:"go_version"` // and their Go version
	Records   int    `json:"records"`    // nights given
	Nights    int    `json:"nights"`     // comparable nights analysed
	// Notes say what could not be compared, and why.
	Notes    []string `json:"notes,omitempty"`
	Totals   []Series `json:"totals"`   // init, wall, bytes
	Packages []Series `json:"packages"` // heaviest first in the newest night
	Options  Options  `json:"options"`
}

// Changed reports whether any series shifted or creeps.
func (r *Report) Changed() bool {
	for _, s := range r.All() {
		if s.Verdict == Shifted || s.Verdict == Creeping {
			return true
		}
	}
	return false
}

// All returns the totals and then the packages.
func (r *Report) All() []*Series {
	var out []*Series
	for i := range r.Totals {
		out = append(out, &r.Totals[i])
	}
	for i := range r.Packages {
		out = append(out, &r.Packages[i])
	}
	return out
}

// Analyze finds the shifts and creeps in the history of one scenario,
// given its results in any order.
func Analyze(results []*result.Result, opt Options) *Report {
	opt = opt.WithDefaults()
	rep := &Report{Records: len(results), Options: opt}
	nights := slices.Clone(results)
	nights = slices.DeleteFunc(nights, func(r *result.Result) bool { return r == nil })
	slices.SortStableFunc(nights, func(a, b *result.Result) int { return a.Date.Compare(b.Date) })
	if len(nights) == 0 {
		rep.Notes = append(rep.Notes, "no nights recorded")
		return rep
	}
	nights, rep.Notes = comparable(nights)
	newest := nights[len(nights)-1]
	rep.Machine = newest.Machine.Fingerprint()
	rep.GoVersion = newest.Target.GoVersion
	if len(nights) > opt.Window {
		nights = nights[len(nights)-opt.Window:]
	}
	rep.Nights = len(nights)
	tested := len(nights) >= opt.MinNights
	if !tested {
		rep.Notes = append(rep.Notes, fmt.Sprintf("only %d comparable %s (need %d)", len(nights), plural(len(nights), "night"), opt.MinNights))
	}

	point := func(r *result.Result, v float64) Point {
		return Point{Date: r.Date, Revision: r.Target.Revision, Value: v}
	}
	totals := []struct {
		name string
		kind Kind
		get  func(*result.Result) float64
	}{
		{"init", Duration, func(r *result.Result) float64 { return r.Total.InitNs.Median }},
		{"wall", Duration, func(r *result.Result) float64 { return r.Total.WallNs.Median }},
		{"bytes", Bytes, func(r *result.Result) float64 { return r.Total.Bytes.Median }},
	}
	for _, t := range totals {
		s := Series{Name: t.name, Kind: t.kind}
		for _, r := range nights {
			s.Points = append(s.Points, point(r, t.get(r)))
		}
		s.Level = medianOf(values(s.Points))
		rep.Totals = append(rep.Totals, s)
	}
	initLevel := rep.Totals[0].Level
	for i, p := range newest.Packages {
		if i == opt.Packages {
			break
		}
		s := Series{Name: p.Path, Kind: Duration, Level: initLevel}
		for _, r := range nights {
			if q, ok := r.Package(p.Path); ok {
				s.Points = append(s.Points, point(r, q.ClockNs.Median))
			}
		}
		if missing := len(nights) - len(s.Points); missing > 0 {
			s.Note = fmt.Sprintf("not linked in %d of the %d %s", missing, len(nights), plural(len(nights), "night"))
		}
		rep.Packages = append(rep.Packages, s)
	}
	if !tested {
		for _, s := range rep.All() {
			untested(s)
		}
		return rep
	}
	for i := range rep.Totals {
		analyze(&rep.Totals[i], opt)
	}
	// Packages: shifts as a Holm family, then creeps as another.
	pkgs := rep.Packages
	ps := make([]float64, len(pkgs))
	for i := range pkgs {
		pkgs[i].Shift = FindShift(pkgs[i].Points, opt)
		ps[i] = pValue(pkgs[i].Shift.Tested, pkgs[i].Shift.P)
	}
	for i, p := range stats.Holm(ps) {
		if !math.IsNaN(p) {
			pkgs[i].Shift.P = p
		}
		decideShift(&pkgs[i], opt)
	}
	for i := range pkgs {
		pkgs[i].Creep = creepOf(&pkgs[i], opt, false)
		ps[i] = pValue(pkgs[i].Creep.Tested, pkgs[i].Creep.P)
	}
	for i, p := range stats.Holm(ps) {
		if !math.IsNaN(p) {
			pkgs[i].Creep.P = p
		}
		decideCreep(&pkgs[i], opt)
	}
	return rep
}

// AnalyzeSeries analyses one series on its own, the way Analyze analyses
// each total: pts are the nightly values, oldest first, all comparable; the
// level is their median. With fewer than MinNights points the verdict is
// Untested.
func AnalyzeSeries(name string, kind Kind, pts []Point, opt Options) Series {
	opt = opt.WithDefaults()
	s := Series{Name: name, Kind: kind, Points: pts, Level: medianOf(values(pts))}
	if len(pts) < opt.MinNights {
		untested(&s)
		s.Note = fmt.Sprintf("only %d %s (need %d)", len(pts), plural(len(pts), "night"), opt.MinNights)
		return s
	}
	analyze(&s, opt)
	return s
}

// untested marks s as not tested, with p-values of 1.
func untested(s *Series) {
	s.Verdict = Untested
	s.Shift = Shift{P: 1, PSplit: 1}
	s.Creep = Creep{Nights: len(s.Points), P: 1}
}

// analyze runs both tests on a total.
func analyze(s *Series, opt Options) {
	s.Shift = FindShift(s.Points, opt)
	decideShift(s, opt)
	s.Creep = creepOf(s, opt, true)
	decideCreep(s, opt)
}

// pValue is p for a test that ran, NaN (left out of Holm's family) for one
// that did not.
func pValue(tested bool, p float64) float64 {
	if !tested {
		return math.NaN()
	}
	return p
}

// comparable keeps the nights (sorted by date) measured on the newest
// night's machine with its Go version, and says what it left out.
func comparable(nights []*result.Result) ([]*result.Result, []string) {
	var notes []string
	newest := nights[len(nights)-1]
	keep := func(what string, key func(*result.Result) string, show func(string) string) {
		distinct := map[string]bool{}
		for _, r := range nights {
			distinct[key(r)] = true
		}
		if len(distinct) < 2 {
			return
		}
		want := key(newest)
		nights = slices.DeleteFunc(nights, func(r *result.Result) bool { return key(r) != want })
		notes = append(notes, fmt.Sprintf("records from %d %s: comparing the %d from %s", len(distinct), what, len(nights), show(want)))
	}
	keep("machines", func(r *result.Result) string { return r.Machine.Fingerprint() }, func(s string) string { return s })
	keep("Go versions", func(r *result.Result) string { return r.Target.GoVersion }, func(s string) string {
		if s == "" {
			return "an unknown Go version"
		}
		return s
	})
	return nights, notes
}

// decideShift sets s.Shift.Step, Line and Found from the shift test.
func decideShift(s *Series, opt Options) {
	sh := &s.Shift
	if !sh.Tested || sh.P >= opt.Alpha {
		return
	}
	if lineFitsAsWell(s.Points, sh.Index) {
		sh.Line = true
		return
	}
	sh.Step = true
	sh.Found = math.Abs(sh.Change) >= opt.MinShift*s.Level
}

// creepOf runs the creep test on the last CreepNights nights of s, or only
// on the nights since its step, if it has one. The level of a total is its
// median over those nights; a package's is the total init's.
func creepOf(s *Series, opt Options, total bool) Creep {
	pts := s.Points
	if s.Shift.Step {
		pts = pts[s.Shift.Index:]
	}
	if len(pts) > opt.CreepNights {
		pts = pts[len(pts)-opt.CreepNights:]
	}
	if len(pts) < opt.MinNights {
		return Creep{Nights: len(pts), P: 1}
	}
	level := s.Level
	if total {
		level = medianOf(values(pts))
	}
	return FindCreep(pts, level)
}

// decideCreep sets s.Creep.Found and the series' verdict.
func decideCreep(s *Series, opt Options) {
	c := &s.Creep
	c.Found = c.Tested && c.P < opt.Alpha && math.Abs(c.PerWeek) >= opt.MinCreep
	switch {
	case s.Shift.Found:
		s.Verdict = Shifted
	case c.Found:
		s.Verdict = Creeping
	case !s.Shift.Tested && !c.Tested:
		s.Verdict = Untested
	default:
		s.Verdict = Steady
	}
}

// FindShift runs the change-point test on pts (oldest first) with the
// options' MinSegment, Permutations and Seed. It finds the best split and
// its significance; whether that is a shift worth reporting (Alpha,
// MinShift, the comparison with a line) is Analyze's decision, so Found is
// not set. With fewer than 2·MinSegment points, or all values equal, the
// result is not Tested and its p-values are 1.
func FindShift(pts []Point, opt Options) Shift {
	opt = opt.WithDefaults()
	n := len(pts)
	m := opt.MinSegment
	if n < 2*m {
		return Shift{P: 1, PSplit: 1}
	}
	xs := values(pts)
	ranks, tieSum := rank(xs)
	// Var(W_k) = k(n-k)/12 · (n+1 - T/(n(n-1))), T the sum of t³-t over
	// tied groups, for the rank sum W_k of the first k values.
	v := (float64(n+1) - tieSum/float64(n*(n-1))) / 12
	if v <= 0 {
		return Shift{P: 1, PSplit: 1}
	}
	z, _ := maxStat(ranks, m, v)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7472656e64))
	perm := slices.Clone(ranks)
	reach := 0
	for range opt.Permutations {
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		if zb, _ := maxStat(perm, m, v); math.Abs(zb) >= math.Abs(z)-1e-9 {
			reach++
		}
	}
	k := bestSplit(xs, m)
	before, after := xs[:k], xs[k:]
	_, pSplit := stats.MannWhitney(before, after)
	change, lo, hi := stats.HodgesLehmann(before, after, stats.Confidence)
	sh := Shift{
		Tested:       true,
		Index:        k,
		Date:         pts[k].Date,
		FromRevision: pts[k-1].Revision,
		Revision:     pts[k].Revision,
		Before:       medianOf(before),
		After:        medianOf(after),
		Change:       change,
		Low:          lo,
		High:         hi,
		Z:            z,
		PSplit:       pSplit,
		P:            float64(reach+1) / float64(opt.Permutations+1),
	}
	if sh.Before != 0 {
		sh.Rel = change / sh.Before
	}
	return sh
}

// bestSplit locates a shift in xs: the split, leaving at least m values
// on each side, that minimizes the sum of absolute deviations of the values
// from the medians of their sides (the first such). Ranks decide whether
// there is a shift, but they forget how far apart the values are, so the
// split of the largest rank statistic leans towards the middle of the
// series: two high nights just before a late step can pull it two nights
// early. Deviations from medians keep the distances and, unlike squares,
// are not pulled by one odd night.
func bestSplit(xs []float64, m int) int {
	at := m
	best := absDev(xs[:m]) + absDev(xs[m:])
	for k := m + 1; k <= len(xs)-m; k++ {
		if d := absDev(xs[:k]) + absDev(xs[k:]); d < best*(1-1e-12) {
			best, at = d, k
		}
	}
	return at
}

// absDev is the sum of absolute deviations of xs from their median.
func absDev(xs []float64) float64 {
	med := medianOf(xs)
	var d float64
	for _, x := range xs {
		d += math.Abs(x - med)
	}
	return d
}

// maxStat returns the standardized rank-sum statistic of largest absolute
// value over the splits that leave at least m values on each side, and the
// split: the number of values before it. v is the per-pair variance factor
// (see FindShift). The first of equal maxima wins.
func maxStat(ranks []float64, m int, v float64) (z float64, at int) {
	n := len(ranks)
	var w float64
	best := -1.0
	for k := 1; k <= n-m; k++ {
		w += ranks[k-1]
		if k < m {
			continue
		}
		kf := float64(k)
		zk := (w - kf*float64(n+1)/2) / math.Sqrt(kf*float64(n-k)*v)
		if a := math.Abs(zk); a > best+1e-12 {
			best, z, at = a, zk, k
		}
	}
	return z, at
}

// rank returns the mid-ranks (1-based) of xs in its order, and the sum of
// t³-t over groups of t tied values.
func rank(xs []float64) (ranks []float64, tieSum float64) {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	ranks = make([]float64, len(xs))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		r := float64(i+1+j) / 2
		for _, k := range idx[i:j] {
			ranks[k] = r
		}
		if t := float64(j - i); t > 1 {
			tieSum += t*t*t - t
		}
		i = j
	}
	return ranks, tieSum
}

// FindCreep fits a line to pts (oldest first) against their dates in days
// and tests its slope (stats.Slope). PerWeek is seven days of slope over
// level. Whether that is a creep worth reporting is Analyze's decision, so
// Found is not set. With fewer than 3 points the result is not Tested and
// P is 1.
func FindCreep(pts []Point, level float64) Creep {
	c := Creep{Nights: len(pts), P: 1}
	if len(pts) < 3 {
		return c
	}
	x, y := days(pts), values(pts)
	slope, _, p := stats.Slope(x, y)
	c.Tested = true
	c.From, c.To = pts[0].Date, pts[len(pts)-1].Date
	c.Slope, c.P = slope, p
	if level != 0 {
		c.PerWeek = 7 * slope / level
	}
	return c
}

// lineFitsAsWell reports whether a least-squares line through pts leaves
// no larger a sum of squared residuals than two levels (the means of
// pts[:k] and pts[k:]).
func lineFitsAsWell(pts []Point, k int) bool {
	x, y := days(pts), values(pts)
	slope, icept, _ := stats.Slope(x, y)
	var line, step float64
	mb, ma := meanOf(y[:k]), meanOf(y[k:])
	for i := range y {
		r := y[i] - (icept + slope*x[i])
		line += r * r
		lvl := mb
		if i >= k {
			lvl = ma
		}
		step += (y[i] - lvl) * (y[i] - lvl)
	}
	return line <= step
}

func days(pts []Point) []float64 {
	x := make([]float64, len(pts))
	for i, p := range pts {
		x[i] = p.Date.Sub(pts[0].Date).Hours() / 24
	}
	return x
}

func values(pts []Point) []float64 {
	y := make([]float64, len(pts))
	for i, p := range pts {
		y[i] = p.Value
	}
	return y
}

func medianOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return stats.Summarize(xs).Median
}

func meanOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
