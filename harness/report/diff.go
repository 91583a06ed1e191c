package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/compare"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// Bench is the Go benchmark format, which benchstat reads; only diff writes
// it (see DiffBench).
const Bench Format = "bench"

// ParseDiffFormat checks a -format value of diff: those of ParseFormat, and
// bench.
func ParseDiffFormat(s string) (Format, error) {
	if Format(s) == Bench {
		return Bench, nil
	}
	f, err := ParseFormat(s)
	if err != nil {
		return "", fmt.Errorf("unknown format %q (want table, json, markdown or bench)", s)
	}
	return f, nil
}

// DiffOptions tune the rendering of a diff.
type DiffOptions struct {
	Format Format
	// All lists every package both sides init; by default only those that
	// changed (compare.Package.Changed) are listed.
	All bool
	// Top is the largest number of packages listed; 0 lists all.
	Top int
}

// Diff renders a comparison in table, Markdown or JSON form. The bench
// form needs the runs themselves: see DiffBench.
func Diff(w io.Writer, d *compare.Diff, opt DiffOptions) error {
	switch opt.Format {
	case JSON:
		return d.WriteJSON(w)
	case Bench:
		return fmt.Errorf("rendering a diff: the bench format is written from the results (DiffBench)")
	}
	md := opt.Format == Markdown
	esc := func(s string) string { return s }
	f := Text
	if md {
		esc = escapeMarkdown
		f = Markdown
	}

	regs := d.Regressions()
	var verdict string
	if len(regs) > 0 {
		texts := regressionTexts(d, regs)
		const maxNamed = 6
		if len(texts) > maxNamed {
			texts = append(texts[:maxNamed], fmt.Sprintf("and %d more", len(texts)-maxNamed))
		}
		verdict = fmt.Sprintf("REGRESSION beyond %s: %s", thresholdText(d.Settings.Threshold), strings.Join(texts, ", "))
	} else {
		verdict = fmt.Sprintf("no regression beyond %s", thresholdText(d.Settings.Threshold))
	}
	if md {
		icon := "✅"
		if len(regs) > 0 {
			icon = "❌"
		}
		fmt.Fprintf(w, "### %s coldstart diff: %s\n\n", icon, esc(d.Head.Target.Spec))
	}
	nTested := 0
	for _, p := range d.Packages {
		if p.Clock.Tested {
			nTested++
		}
	}
	lines := [][2]string{
		{"base", sideText(d.Base)},
		{"head", sideText(d.Head)},
		{"runs", runsText(d)},
		{"method", fmt.Sprintf("delta is the Hodges-Lehmann shift with its %.0f%% CI; p from the Mann-Whitney U test, Holm-corrected over the 2 total times and over the %d packages tested (family-wise α %g)",
			100*d.Settings.Confidence, nTested, d.Settings.Alpha)},
		{"verdict", verdict},
	}
	for _, l := range lines {
		if md {
			fmt.Fprintf(w, "- **%s** %s\n", l[0], esc(l[1]))
		} else {
			fmt.Fprintf(w, "%-8s %s\n", l[0], l[1])
		}
	}
	fmt.Fprintln(w)

	// Totals.
	tab := newTable(w, f, 1, []string{"total", "base [95% CI]", "head [95% CI]", "delta [95% CI]", "delta %", "p (Holm)", "verdict"})
	tt := d.Totals
	for _, r := range []struct {
		name string
		t    compare.Time
	}{{"init", tt.Init}, {"wall", tt.Wall}} {
		if err := tab.row(r.name, sampleText(r.t.Base, Duration), sampleText(r.t.Head, Duration),
			deltaText(r.t, Duration), relText(r.t.Relative), pText(r.t), timeVerdict(r.t)); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		name   string
		e      compare.Exact
		format func(float64) string
	}{{"init bytes", tt.Bytes, Bytes}, {"init allocs", tt.Allocs, Count}} {
		if err := tab.row(r.name, sampleText(r.e.Base, r.format), sampleText(r.e.Head, r.format),
			signed(r.e.Delta, r.format), exactRel(r.e), "", exactVerdict(r.e)); err != nil {
			return err
		}
	}
	if err := tab.render(); err != nil {
		return err
	}

	// Packages both sides init.
	var shown, hidden []compare.Package
	for _, p := range d.Packages {
		if opt.All || p.Changed() {
			shown = append(shown, p)
		} else {
			hidden = append(hidden, p)
		}
	}
	more := 0
	if opt.Top > 0 && len(shown) > opt.Top {
		more = len(shown) - opt.Top
		shown = shown[:opt.Top]
	}
	fmt.Fprintln(w)
	if len(shown) > 0 {
		tab = newTable(w, f, 1, []string{"package", "base", "head", "delta [95% CI]", "delta %", "p (Holm)", "bytes Δ", "allocs Δ", "verdict"})
		for _, p := range shown {
			v := timeVerdict(p.Clock)
			if p.Clock.Verdict == compare.Unchanged && (p.Bytes.Changed || p.Allocs.Changed) {
				v = "heap changed"
			}
			if err := tab.row(esc(p.Path), Duration(p.Clock.Base.Median), Duration(p.Clock.Head.Median),
				deltaText(p.Clock, Duration), relValue(p.Clock.Relative), pText(p.Clock),
				exactDelta(p.Bytes, Bytes), exactDelta(p.Allocs, Count), v); err != nil {
				return err
			}
		}
		if err := tab.render(); err != nil {
			return err
		}
	}
	var notes []string
	if more > 0 {
		notes = append(notes, fmt.Sprintf("%d more changed packages not listed (-top 0 lists all)", more))
	}
	if len(hidden) > 0 {
		notes = append(notes, fmt.Sprintf("%d packages without significant change not listed (-all lists them)", len(hidden)))
	}
	if len(shown) == 0 && len(hidden) > 0 {
		notes = append([]string{fmt.Sprintf("no package changed significantly (of %d both sides init)", len(d.Packages))}, notes...)
	}
	for _, n := range notes {
		if md {
			fmt.Fprintf(w, "\n_%s_\n", esc(n))
		} else {
			fmt.Fprintf(w, "%s\n", n)
		}
	}

	// Packages only one side inits.
	for _, g := range []struct {
		title string
		ps    []compare.Only
	}{{"added (head only)", d.Added}, {"removed (base only)", d.Removed}} {
		if len(g.ps) == 0 {
			continue
		}
		fmt.Fprintln(w)
		tab = newTable(w, f, 1, []string{"package " + g.title, "clock [95% CI]", "bytes", "allocs", "verdict"})
		for _, p := range g.ps {
			v := ""
			if p.Regression {
				v = "REGRESSION"
			}
			if err := tab.row(esc(p.Path), sampleText(p.Clock, Duration), Bytes(p.Bytes), Count(p.Allocs), v); err != nil {
				return err
			}
		}
		if err := tab.render(); err != nil {
			return err
		}
	}

	writeWarnings(w, md, esc, d.Warnings)
	return nil
}

func thresholdText(t compare.Threshold) string {
	switch {
	case t.AbsNs > 0:
		return t.String()
	case t.Relative > 0:
		return t.String() + " of base"
	}
	return "0 (every significant slowdown)"
}

// regressionTexts describes each regression with its size.
func regressionTexts(d *compare.Diff, regs []string) []string {
	out := make([]string, 0, len(regs))
	for _, name := range regs {
		var t *compare.Time
		switch name {
		case "total init":
			t = &d.Totals.Init
		case "wall":
			t = &d.Totals.Wall
		default:
			for i := range d.Packages {
				if d.Packages[i].Path == name {
					t = &d.Packages[i].Clock
				}
			}
		}
		switch {
		case t == nil:
			out = append(out, name)
		case t.Relative != nil:
			out = append(out, fmt.Sprintf("%s %s (%s)", name, signed(t.Delta, Duration), relValue(t.Relative)))
		default:
			out = append(out, fmt.Sprintf("%s %s", name, signed(t.Delta, Duration)))
		}
	}
	return out
}

func sideText(s compare.Side) string {
	var b strings.Builder
	b.WriteString(s.Source)
	if s.Name != "" {
		b.WriteString(" " + s.Name)
	}
	tg := s.Target
	var desc []string
	if tg.GoVersion != "" {
		desc = append(desc, tg.GoVersion)
	}
	if tg.Revision != "" {
		desc = append(desc, "rev "+short(tg.Revision))
	}
	if len(desc) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(desc, ", "))
	}
	if tg.Spec != "" && tg.Spec != s.Name {
		b.WriteString(": " + tg.Spec)
	}
	if len(tg.Args) > 0 {
		b.WriteString(" -- " + strings.Join(tg.Args, " "))
	}
	return strings.TrimSpace(b.String())
}

func runsText(d *compare.Diff) string {
	s := d.Settings
	var b strings.Builder
	if s.Interleaved {
		fmt.Fprintf(&b, "%d traced + %d untraced runs per side, base and head interleaved (ABBA) after %d warmup rounds", d.Head.Runs, d.Totals.Wall.Head.N, s.Warmup)
	} else {
		fmt.Fprintf(&b, "%d base and %d head traced runs, measured separately (not interleaved)", d.Base.Runs, d.Head.Runs)
	}
	if a := s.Adaptive; a != nil {
		elapsed := Dur(time.Duration(a.ElapsedNs))
		switch a.Stop {
		case compare.StopSettled:
			fmt.Fprintf(&b, "; -n auto: settled after %d pairs in %s", d.Head.Runs, elapsed)
		case compare.StopMaxRuns:
			fmt.Fprintf(&b, "; -n auto: NOT settled, stopped at -max-runs %d after %s", a.MaxRuns, elapsed)
		case compare.StopMaxTime:
			fmt.Fprintf(&b, "; -n auto: NOT settled, stopped at -max-time %s after %d pairs", time.Duration(a.MaxTimeNs), d.Head.Runs)
		}
	}
	return b.String()
}

func sampleText(s compare.Sample, f func(float64) string) string {
	if f(s.CILow) == f(s.CIHigh) {
		return f(s.Median)
	}
	return fmt.Sprintf("%s [%s, %s]", f(s.Median), f(s.CILow), f(s.CIHigh))
}

// signed formats v with an explicit sign.
func signed(v float64, f func(float64) string) string {
	if v > 0 {
		return "+" + f(v)
	}
	return f(v)
}

func deltaText(t compare.Time, f func(float64) string) string {
	return fmt.Sprintf("%s [%s, %s]", signed(t.Delta, f), signed(t.DeltaLow, f), signed(t.DeltaHigh, f))
}

func pct(f float64) string { return fmt.Sprintf("%+.1f%%", 100*f) }

func relValue(r *compare.Interval) string {
	if r == nil {
		return ""
	}
	return pct(r.Value)
}

func relText(r *compare.Interval) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%s [%s, %s]", pct(r.Value), pct(r.Low), pct(r.High))
}

func pText(t compare.Time) string {
	if !t.Tested {
		return ""
	}
	return strconv.FormatFloat(t.PAdjusted, 'g', 2, 64)
}

func timeVerdict(t compare.Time) string {
	switch t.Verdict {
	case compare.Regression:
		return "REGRESSION"
	case compare.Unchanged:
		return "~"
	}
	return string(t.Verdict)
}

func exactRel(e compare.Exact) string {
	if e.Relative == nil {
		return ""
	}
	return pct(*e.Relative)
}

func exactVerdict(e compare.Exact) string {
	switch {
	case e.Changed && e.Delta > 0:
		return "more"
	case e.Changed:
		return "less"
	}
	return "~"
}

// exactDelta is the change of bytes or allocs, or "~" when there is none
// beyond the runs' own spread.
func exactDelta(e compare.Exact, f func(float64) string) string {
	if !e.Changed {
		return "~"
	}
	return signed(e.Delta, f)
}

// DiffBench writes the runs of base and head in the Go benchmark format,
// each side after a "side: base" or "side: head" configuration line, so that
// `benchstat -col side FILE` compares them. BenchSide writes one side alone,
// for `benchstat base.txt head.txt`.
func DiffBench(w io.Writer, base, head *result.Result) error {
	if err := BenchSide(w, base, "base"); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return BenchSide(w, head, "head")
}

// BenchSide writes the runs of r in the Go benchmark format, one line per
// run and package:
//
//	BenchmarkInit/pkg=example.com∕app∕internal∕db-2 1 0.00031 sec/op 1234 B/op 12 allocs/op
//
// for each traced run, a line "BenchmarkInit/pkg=all" with the run's total
// init, bytes and allocs, and a line "BenchmarkWall" with each untraced
// run's wall time. The "/pkg=" part is a benchstat sub-benchmark key, so
// `benchstat -row /pkg` and `-filter /pkg:...` work; since benchstat reads
// '/' in a name as the start of the next sub-benchmark key, the '/' of
// package paths are written as U+2215 '∕' (DIVISION SLASH), which looks the
// same. "all" is a Go package pattern, never a package path. Every name ends
// in "-N" with the target's GOMAXPROCS, as `go test` writes it when N > 1,
// so that a package path ending in "-2" is not read as one. The iteration
// count is always 1: each line is one cold start. Times are in sec/op, the
// unit benchstat turns ns/op into, because benchstat's reader leaves a
// value of 0 ns/op (an init under 1 µs, as inittrace prints it) in ns/op,
// which would split such a package's runs over two tables.
//
// The configuration lines are goos, goarch and cpu, and "side: SIDE" if side
// is not empty: nothing that differs between a base and a head measured on
// one machine (not the revision), since benchstat puts results whose
// configurations differ in separate tables instead of comparing them.
func BenchSide(w io.Writer, r *result.Result, side string) error {
	procs := r.Machine.Cores
	for _, kv := range r.Settings.Env {
		if v, ok := strings.CutPrefix(kv, "GOMAXPROCS="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				procs = n
			}
		}
	}
	suffix := ""
	if procs > 1 {
		suffix = "-" + strconv.Itoa(procs)
	}
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\n", r.Machine.OS, r.Machine.Arch)
	if r.Machine.CPU != "" {
		fmt.Fprintf(w, "cpu: %s\n", r.Machine.CPU)
	}
	if side != "" {
		fmt.Fprintf(w, "side: %s\n", side)
	}
	// Packages in init order, as the timeline shows them.
	order := make([]*result.Package, 0, len(r.Packages))
	for _, s := range r.Timeline {
		if p, ok := r.Package(s.Path); ok {
			order = append(order, p)
		}
	}
	if len(order) != len(r.Packages) {
		order = order[:0]
		for i := range r.Packages {
			order = append(order, &r.Packages[i])
		}
	}
	t := r.Total
	for i := range t.InitNs.Values {
		for _, p := range order {
			if i >= len(p.ClockNs.Values) {
				continue
			}
			if _, err := fmt.Fprintf(w, "BenchmarkInit/pkg=%s%s 1 %s sec/op %.0f B/op %.0f allocs/op\n",
				benchPath(p.Path), suffix, seconds(p.ClockNs.Values[i]), value(p.Bytes.Values, i), value(p.Allocs.Values, i)); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "BenchmarkInit/pkg=all%s 1 %s sec/op %.0f B/op %.0f allocs/op\n",
			suffix, seconds(t.InitNs.Values[i]), value(t.Bytes.Values, i), value(t.Allocs.Values, i)); err != nil {
			return err
		}
	}
	for _, v := range t.WallNs.Values {
		if _, err := fmt.Fprintf(w, "BenchmarkWall%s 1 %s sec/op\n", suffix, seconds(v)); err != nil {
			return err
		}
	}
	return nil
}

// seconds writes nanoseconds as seconds, exactly.
func seconds(ns float64) string {
	return strconv.FormatFloat(math.Round(ns)/1e9, 'g', -1, 64)
}

func value(xs []float64, i int) float64 {
	if i < len(xs) {
		return xs[i]
	}
	return 0
}

// benchPath writes a package path as a benchmark name part: '/' becomes
// U+2215, and anything benchstat would split on (space, '=') becomes '_'.
func benchPath(p string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '∕'
		case ' ', '\t', '=':
			return '_'
		}
		return r
	}, p)
}
