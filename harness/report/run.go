package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// RunOptions tune the rendering of one result.
type RunOptions struct {
	Format Format
	// Top is the number of packages listed in table and Markdown output;
	// 0 lists all. JSON always has every package.
	Top int
}

// Run renders one result.
func Run(w io.Writer, r *result.Result, opt RunOptions) error {
	switch opt.Format {
	case JSON:
		return r.WriteJSON(w)
	case Markdown:
		return runText(w, r, opt, true)
	default:
		return runText(w, r, opt, false)
	}
}

func ci(m result.Metric, f func(float64) string) string {
	return fmt.Sprintf("%s [%s, %s]", f(m.Median), f(m.CILow), f(m.CIHigh))
}

func runText(w io.Writer, r *result.Result, opt RunOptions, md bool) error {
	t := r.Total
	tg := r.Target
	esc := func(s string) string { return s }
	if md {
		esc = escapeMarkdown
		fmt.Fprintf(w, "### coldstart: %s\n\n", esc(tg.Spec))
	}
	desc := []string{string(tg.Kind)}
	if tg.GoVersion != "" {
		desc = append(desc, tg.GoVersion)
	}
	if tg.Revision != "" {
		desc = append(desc, "rev "+short(tg.Revision))
	}
	args := ""
	if len(tg.Args) > 0 {
		args = " -- " + strings.Join(tg.Args, " ")
	}
	lines := [][2]string{
		{"target", fmt.Sprintf("%s%s (%s)", tg.Spec, args, strings.Join(desc, ", "))},
		{"runs", fmt.Sprintf("%d traced + %d untraced, interleaved, after %d warmup pairs; medians with %d%% CI", r.Runs, t.WallNs.N, r.Settings.Warmup, 95)},
		{"wall", fmt.Sprintf("%s  p95 %s  (harness clock, start to %s, untraced runs)", ci(t.WallNs, Duration), Duration(t.WallNs.P95), readyWord(r.Settings.Ready))},
		{"init", fmt.Sprintf("%s  p95 %s  (sum of init clock, %d packages; last init ends @%s)", ci(t.InitNs, Duration), Duration(t.InitNs.P95), t.Packages, Duration(t.InitEndNs.Median))},
		{"outside", fmt.Sprintf("%s  (exec, loader, runtime start, main: traced wall minus its init end)", ci(t.OutsideInitNs, Duration))},
		{"cpu", fmt.Sprintf("user %s, sys %s; max RSS %s; page faults %s minor, %s major", Duration(t.UserNs.Median), Duration(t.SysNs.Median), Bytes(t.MaxRSSBytes.Median), Count(t.MinorFaults.Median), Count(t.MajorFaults.Median))},
		{"heap", fmt.Sprintf("%s in %s allocs by all inits", Bytes(t.Bytes.Median), Count(t.Allocs.Median))},
	}
	if t.TracedWallNs.Median > 0 && t.WallNs.Median > 0 {
		lines = append(lines, [2]string{"tracing", fmt.Sprintf("traced runs took %s (%+.0f%% against wall); wall comes from the untraced runs, so inittrace's own cost is left out of it", Duration(t.TracedWallNs.Median), 100*(t.TracedWallNs.Median/t.WallNs.Median-1))})
	}
	for _, l := range lines {
		if md {
			fmt.Fprintf(w, "- **%s** %s\n", l[0], esc(l[1]))
		} else {
			fmt.Fprintf(w, "%-8s %s\n", l[0], l[1])
		}
	}
	fmt.Fprintln(w)

	f := Text
	if md {
		f = Markdown
	}
	tab := newTable(w, f, 1, []string{"package", "clock [95% CI]", "p95", "share", "bytes", "allocs", "@start"})
	shown := r.Packages
	if opt.Top > 0 && len(shown) > opt.Top {
		shown = shown[:opt.Top]
	}
	for _, p := range shown {
		flag := ""
		if slices.ContainsFunc(p.ClockNs.Warnings, func(w stats.Warning) bool { return showWarning(w, p, t) }) {
			flag = " *"
		}
		if err := tab.row(esc(p.Path)+flag, ci(p.ClockNs, Duration), Duration(p.ClockNs.P95), Percent(p.Share),
			Bytes(p.Bytes.Median), Count(p.Allocs.Median), Duration(p.StartNs.Median)); err != nil {
			return err
		}
	}
	if rest := r.Packages[len(shown):]; len(rest) > 0 {
		var clock, bytes, allocs, share float64
		for _, p := range rest {
			clock += p.ClockNs.Median
			bytes += p.Bytes.Median
			allocs += p.Allocs.Median
			share += p.Share
		}
		if err := tab.row(fmt.Sprintf("(%d more)", len(rest)), Duration(clock), "", Percent(share), Bytes(bytes), Count(allocs), ""); err != nil {
			return err
		}
	}
	if err := tab.row("TOTAL", ci(t.InitNs, Duration), Duration(t.InitNs.P95), "100.0%", Bytes(t.Bytes.Median), Count(t.Allocs.Median), ""); err != nil {
		return err
	}
	if err := tab.render(); err != nil {
		return err
	}

	writeWarnings(w, md, esc, Warnings(r))
	return nil
}

// writeWarnings writes warnings after a blank line, as a Markdown list
// (escaped by esc) if md, as "warning: " lines otherwise.
func writeWarnings(w io.Writer, md bool, esc func(string) string, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, s := range warnings {
		if md {
			fmt.Fprintf(w, "- ⚠ %s\n", esc(s))
		} else {
			fmt.Fprintf(w, "warning: %s\n", s)
		}
	}
}

// Warnings lists the soft problems of a result, one line each: unsteady
// totals, bimodal packages (marked * in tables), and trace warnings.
func Warnings(r *result.Result) []string {
	var out []string
	add := func(what string, m result.Metric) {
		for _, w := range m.Warnings {
			out = append(out, fmt.Sprintf("%s: %s", what, w.Msg))
		}
	}
	add("wall", r.Total.WallNs)
	add("total init", r.Total.InitNs)
	for _, p := range r.Packages {
		for _, w := range p.ClockNs.Warnings {
			if !showWarning(w, p, r.Total) {
				continue
			}
			out = append(out, fmt.Sprintf("%s: %s", p.Path, w.Msg))
		}
	}
	const maxTrace = 5
	for i, s := range r.Warnings {
		if i == maxTrace {
			out = append(out, fmt.Sprintf("... and %d more", len(r.Warnings)-maxTrace))
			break
		}
		out = append(out, s)
	}
	return out
}

func readyWord(ready string) string {
	if ready == "" || ready == "exit" {
		return "exit"
	}
	return "ready (" + ready + ")"
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// showWarning reports whether a package's warning is worth showing. Few-runs
// warnings repeat the totals' one. A second mode is shown when the
// package's p95 is at least 2% of total init; a wide spread only when its
// median share is at least 5%. Smaller inits take microseconds, are
// dominated by scheduler and page-fault noise, and change no verdict.
func showWarning(w stats.Warning, p result.Package, t result.Total) bool {
	switch w.Kind {
	case stats.KindBimodal:
		return p.ClockNs.P95 >= 0.02*t.InitNs.Median
	case stats.KindWideSpread:
		return p.Share >= 0.05
	}
	return false
}
