package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// HistorySchema names the JSON layout of `coldstart history`.
const HistorySchema = "coldstart/history/v1"

// historyJSON is the JSON form of a history: the nights shown, newest
// first, and the trend analysis.
type historyJSON struct {
	Schema   string        `json:"schema"`
	Scenario string        `json:"scenario"`
	Nights   []nightJSON   `json:"nights"`
	Trend    *trend.Report `json:"trend"`
}

type nightJSON struct {
	Date       time.Time     `json:"date"`
	Revision   string        `json:"revision,omitempty"`
	GoVersion  string        `json:"go_version,omitempty"`
	Machine    string        `json:"machine"`
	Comparable bool          `json:"comparable"` // measured on the machine and Go version the trend compares
	Runs       int           `json:"runs"`
	WallNs     stats.Summary `json:"wall_ns"`
	InitNs     stats.Summary `json:"init_ns"`
	Bytes      stats.Summary `json:"bytes"`
	// PackageClockNs holds the median init clock of the trend's packages.
	PackageClockNs map[string]float64 `json:"package_clock_ns,omitempty"`
}

// History renders the history of a scenario: its nights, newest first,
// and the trend verdict of each total and package in tr.
func History(w io.Writer, scenario string, nights []*result.Result, tr *trend.Report, f Format) error {
	if f == JSON {
		return historyAsJSON(w, scenario, nights, tr)
	}
	md := f == Markdown
	esc := func(s string) string { return s }
	if md {
		esc = escapeMarkdown
		fmt.Fprintf(w, "### coldstart history: %s\n\n", esc(scenario))
	}
	lines := [][2]string{{"scenario", fmt.Sprintf("%s: the last %d %s, newest first", scenario, len(nights), historyPlural(len(nights), "night"))}}
	if tr.Nights > 0 {
		pts := tr.Totals[0].Points
		lines = append(lines,
			[2]string{"trend", fmt.Sprintf("over %d comparable %s, %s to %s", tr.Nights, historyPlural(tr.Nights, "night"), historyDay(pts[0].Date), historyDay(pts[len(pts)-1].Date))},
			[2]string{"machine", fmt.Sprintf("%s, %s", tr.Machine, historyUnknown(tr.GoVersion))})
	}
	o := tr.Options
	lines = append(lines, [2]string{"tests", fmt.Sprintf("shift: best split, permutation p < %g, at least %g%%; creep: slope of the last %d nights, p < %g, at least %g%%/week; packages: of total init, Holm-adjusted",
		o.Alpha, 100*o.MinShift, o.CreepNights, o.Alpha, 100*o.MinCreep)})
	for _, l := range lines {
		if md {
			fmt.Fprintf(w, "- **%s** %s\n", l[0], esc(l[1]))
		} else {
			fmt.Fprintf(w, "%-8s %s\n", l[0], l[1])
		}
	}
	for _, n := range tr.Notes {
		if md {
			fmt.Fprintf(w, "- ⚠ %s\n", esc(n))
		} else {
			fmt.Fprintf(w, "note:    %s\n", n)
		}
	}
	fmt.Fprintln(w)

	tab := newTable(w, f, 3, []string{"night", "revision", "go", "wall [95% CI]", "init [95% CI]", "bytes", "note"})
	alignLeft(tab, 7, 0, 1, 2, 6)
	for _, r := range nights {
		mark := strings.Join(historyMarks(r, tr), "; ")
		if err := tab.row(historyDay(r.Date)+" "+r.Date.UTC().Format("15:04"), short(r.Target.Revision), historyUnknown(r.Target.GoVersion),
			ci(r.Total.WallNs, Duration), ci(r.Total.InitNs, Duration), Bytes(r.Total.Bytes.Median), esc(mark)); err != nil {
			return err
		}
	}
	if err := tab.render(); err != nil {
		return err
	}
	fmt.Fprintln(w)

	tab = newTable(w, f, 1, []string{"trend", "first", "now", "verdict"})
	alignLeft(tab, 4, 0, 3)
	for _, s := range tr.All() {
		format := Duration
		if s.Kind == trend.Bytes {
			format = Bytes
		}
		first := ""
		if len(s.Points) > 0 {
			first = format(s.Points[0].Value)
		}
		if err := tab.row(esc(s.Name), first, format(s.Latest()), esc(trendVerdict(s, format))); err != nil {
			return err
		}
	}
	return tab.render()
}

// alignLeft aligns the columns left of a table of n columns, the others
// right.
func alignLeft(t *table, n int, left ...int) {
	align := make([]tw.Align, n)
	for i := range align {
		align[i] = tw.AlignRight
	}
	for _, i := range left {
		align[i] = tw.AlignLeft
	}
	t.t.Options(
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
}

// historyMarks are the notes of one night in the history table: incomparable, or
// where a shift was found.
func historyMarks(r *result.Result, tr *trend.Report) []string {
	var out []string
	switch {
	case tr.Nights == 0:
	case r.Machine.Fingerprint() != tr.Machine:
		out = append(out, "other machine")
	case r.Target.GoVersion != tr.GoVersion:
		out = append(out, "other Go")
	}
	for _, s := range tr.All() {
		if s.Shift.Found && s.Shift.Date.Equal(r.Date) && s.Shift.Revision == r.Target.Revision {
			out = append(out, fmt.Sprintf("← %s %+.0f%%", s.Name, 100*s.Shift.Rel))
		}
	}
	return out
}

// trendVerdict says what the trend of s is, in one line.
func trendVerdict(s *trend.Series, format func(float64) string) string {
	var parts []string
	sh, c := s.Shift, s.Creep
	if sh.Found {
		parts = append(parts, fmt.Sprintf("shift %+.0f%% (%s%s [%s, %s]) on %s, %s..%s, p=%.2g",
			100*sh.Rel, historySign(sh.Change), format(sh.Change), format(sh.Low), format(sh.High),
			historyDay(sh.Date), short(sh.FromRevision), short(sh.Revision), sh.P))
	}
	if c.Found {
		since := ""
		if sh.Found {
			since = " since"
		}
		parts = append(parts, fmt.Sprintf("creep %+.1f%%/week%s (%s%s a night over %d nights), p=%.2g",
			100*c.PerWeek, since, historySign(c.Slope), format(c.Slope), c.Nights, c.P))
	}
	if len(parts) == 0 {
		parts = append(parts, string(s.Verdict))
	}
	if s.Note != "" {
		parts = append(parts, "("+s.Note+")")
	}
	return strings.Join(parts, "; ")
}

func historyAsJSON(w io.Writer, scenario string, nights []*result.Result, tr *trend.Report) error {
	out := historyJSON{Schema: HistorySchema, Scenario: scenario, Nights: []nightJSON{}, Trend: tr}
	for _, r := range nights {
		n := nightJSON{
			Date:       r.Date,
			Revision:   r.Target.Revision,
			GoVersion:  r.Target.GoVersion,
			Machine:    r.Machine.Fingerprint(),
			Comparable: r.Machine.Fingerprint() == tr.Machine && r.Target.GoVersion == tr.GoVersion,
			Runs:       r.Runs,
			WallNs:     r.Total.WallNs.Summary,
			InitNs:     r.Total.InitNs.Summary,
			Bytes:      r.Total.Bytes.Summary,
		}
		for _, s := range tr.Packages {
			if p, ok := r.Package(s.Name); ok {
				if n.PackageClockNs == nil {
					n.PackageClockNs = map[string]float64{}
				}
				n.PackageClockNs[s.Name] = p.ClockNs.Median
			}
		}
		out.Nights = append(out.Nights, n)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func historyDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func historySign(v float64) string {
	if v >= 0 {
		return "+"
	}
	return ""
}

func historyUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func historyPlural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
