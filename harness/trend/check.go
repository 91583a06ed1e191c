package trend

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Change is a shift or creep found in a series, said for people.
type Change struct {
	Verdict Verdict // Shifted or Creeping
	Series  string  // the series' Name
	Up      bool    // the series rose: a slowdown, or more bytes
	// New is set when the history before the newest night showed no
	// change of the series in the same direction: the night a job should
	// fail on. A step is often seen first as a creep, then as a shift;
	// both are the same change of the series, so only the first is new.
	New bool
	Msg string
}

// Changes lists the shift and the creep of every series of now, the
// analysis of a whole history, in now.All's order. before is the analysis
// of the same history without its newest night; a change it does not show,
// in the same series and direction, is New.
func Changes(now, before *Report) []Change {
	known := map[string]bool{}
	for _, s := range before.All() {
		for _, c := range changesOf(s) {
			known[changeKey(c)] = true
		}
	}
	var out []Change
	for _, s := range now.All() {
		for _, c := range changesOf(s) {
			c.New = !known[changeKey(c)]
			out = append(out, c)
		}
	}
	return out
}

func changeKey(c Change) string { return fmt.Sprint(c.Series, " ", c.Up) }

// changesOf lists the shift and the creep found in s.
func changesOf(s *Series) []Change {
	format := unit.Duration
	if s.Kind == Bytes {
		format = unit.Bytes
	}
	var out []Change
	if sh := s.Shift; sh.Found {
		up := sh.Change > 0
		out = append(out, Change{Verdict: Shifted, Series: s.Name, Up: up,
			Msg: fmt.Sprintf("%s %s %s from %s to %s (shift %s, 95%% CI %s..%s) from %s on, between revisions %s and %s (permutation p=%.2g)",
				SeriesName(s.Name), pick(up, "rose", "fell"), unit.Percent(math.Abs(sh.Rel)), format(sh.Before), format(sh.After),
				format(sh.Change), format(sh.Low), format(sh.High), sh.Date.Format(time.DateOnly),
				ShortRevision(sh.FromRevision), ShortRevision(sh.Revision), sh.P)})
	}
	if cr := s.Creep; cr.Found {
		up := cr.Slope > 0
		out = append(out, Change{Verdict: Creeping, Series: s.Name, Up: up,
			Msg: fmt.Sprintf("%s creeps %s %s a week (%s a day) over %d nights, %s to %s (p=%.2g)",
				SeriesName(s.Name), pick(up, "up", "down"), unit.Percent(math.Abs(cr.PerWeek)),
				format(cr.Slope), cr.Nights, cr.From.Format(time.DateOnly), cr.To.Format(time.DateOnly), cr.P)})
	}
	return out
}

func pick(up bool, ifUp, ifDown string) string {
	if up {
		return ifUp
	}
	return ifDown
}

// SeriesName names a series for people: "total init", "wall time", "init
// bytes", or "init of PKG".
func SeriesName(name string) string {
	switch name {
	case "init":
		return "total init"
	case "wall":
		return "wall time"
	case "bytes":
		return "init bytes"
	}
	return "init of " + name
}

// ShortRevision shortens a VCS revision to 12 characters, as git log does,
// keeping a "-dirty" suffix.
func ShortRevision(rev string) string {
	if rev == "" {
		return "(unknown)"
	}
	if hash, dirty, ok := strings.Cut(rev, "-"); ok && len(hash) > 12 {
		return hash[:12] + "-" + dirty
	}
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
