package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// CheckSchema names the JSON layout of a budget check.
const CheckSchema = "coldstart/check/v1"

// checkJSON is the JSON form of a check: the verdict, every finding, and
// the target that was measured.
type checkJSON struct {
	Schema        string        `json:"schema"`
	Failed        bool          `json:"failed"`
	Budgets       string        `json:"budgets"`
	Statistic     string        `json:"statistic"`
	FailUncertain bool          `json:"fail_uncertain"`
	Target        result.Target `json:"target"`
	Runs          int           `json:"runs"`
	Counts        checkCounts   `json:"counts"`
	Findings      []findingJSON `json:"findings"`
	Notes         []string      `json:"notes,omitempty"`
}

type checkCounts struct {
	Fail      int `json:"fail"`
	Uncertain int `json:"uncertain"`
	Warn      int `json:"warn"`
}

type findingJSON struct {
	Severity    string   `json:"severity"`
	Kind        string   `json:"kind"`
	Package     string   `json:"package,omitempty"`
	Metric      string   `json:"metric,omitempty"`
	Statistic   string   `json:"statistic,omitempty"`
	Value       float64  `json:"value"`
	CILow       float64  `json:"ci_low"`
	CIHigh      float64  `json:"ci_high"`
	Limit       float64  `json:"limit"`
	Unit        string   `json:"unit,omitempty"`
	Source      string   `json:"source,omitempty"` // file:line
	Chain       []string `json:"chain,omitempty"`
	Runs        int      `json:"runs,omitempty"`
	MoreRuns    int      `json:"more_runs,omitempty"`
	DaysOverdue int      `json:"days_overdue,omitempty"`
	Message     string   `json:"message"`
}

func counts(rep *budget.Report) checkCounts {
	var c checkCounts
	for _, f := range rep.Findings {
		switch f.Severity {
		case budget.Fail:
			c.Fail++
		case budget.Uncertain:
			c.Uncertain++
		default:
			c.Warn++
		}
	}
	return c
}

// Check renders the outcome of a budget check of r.
func Check(w io.Writer, rep *budget.Report, r *result.Result, f Format) error {
	if f == JSON {
		out := checkJSON{
			Schema: CheckSchema, Failed: rep.Failed(), Budgets: rep.File, Statistic: rep.Statistic,
			FailUncertain: rep.FailUncertain, Target: r.Target, Runs: r.Runs, Counts: counts(rep),
			Findings: []findingJSON{}, Notes: rep.Notes,
		}
		for _, x := range rep.Findings {
			out.Findings = append(out.Findings, findingJSON{
				Severity: x.Severity, Kind: x.Kind, Package: x.Package, Metric: x.Metric, Statistic: x.Statistic,
				Value: x.Value, CILow: x.CILow, CIHigh: x.CIHigh, Limit: x.Limit, Unit: x.Unit,
				Source: x.Source.String(), Chain: x.Chain, Runs: x.N, MoreRuns: x.MoreRuns,
				DaysOverdue: x.DaysOverdue, Message: x.Msg,
			})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	md := f == Markdown
	esc := func(s string) string { return s }
	if md {
		esc = escapeMarkdown
	}
	c := counts(rep)
	verdict := "PASS"
	if rep.Failed() {
		verdict = "FAIL"
	}
	head := fmt.Sprintf("%s: %s against %s (%s, %d runs): %d failed, %d uncertain, %d warnings",
		verdict, r.Target.Spec, rep.File, rep.Statistic, r.Runs, c.Fail, c.Uncertain, c.Warn)
	if md {
		icon := "✅"
		if rep.Failed() {
			icon = "❌"
		}
		fmt.Fprintf(w, "### %s coldstart check\n\n%s\n\n", icon, esc(head))
	} else {
		fmt.Fprintln(w, head)
	}
	if len(rep.Findings) > 0 {
		if !md {
			fmt.Fprintln(w)
		}
		tab := newTable(w, f, 2, []string{"verdict", "what", "measured", "limit", "set at"})
		for _, x := range rep.Findings {
			c := Cells(x, rep.FailUncertain)
			if err := tab.row(esc(c.Verdict), esc(c.What), c.Measured, c.Limit, esc(c.SetAt)); err != nil {
				return err
			}
		}
		if err := tab.render(); err != nil {
			return err
		}
		fmt.Fprintln(w)
		for _, x := range rep.Findings {
			if md {
				fmt.Fprintf(w, "- **%s** %s\n", x.Severity, esc(x.Msg))
			} else {
				fmt.Fprintf(w, "%s: %s\n", x.Severity, x.Msg)
			}
		}
	}
	for _, n := range rep.Notes {
		if md {
			fmt.Fprintf(w, "- note: %s\n", esc(n))
		} else {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	return nil
}

// quantity formats a value in a budget unit.
// FindingCells is a budget finding laid out as a row of the check's table.
type FindingCells struct {
	Verdict  string // the severity, "uncertain (fails)" with -fail-uncertain
	What     string // "PKG METRIC", "PKG (KIND)", "total METRIC" or the kind
	Measured string // "STATISTIC VALUE [CI_LOW, CI_HIGH]", empty for no measurement
	Limit    string
	SetAt    string // file:line of the limit
}

// Cells lays out x as the check's table shows it; the HTML report uses the
// same cells.
func Cells(x budget.Finding, failUncertain bool) FindingCells {
	c := FindingCells{Verdict: x.Severity, What: x.Kind, SetAt: x.Source.String()}
	if x.Severity == budget.Uncertain && failUncertain {
		c.Verdict += " (fails)"
	}
	switch {
	case x.Package != "" && x.Metric != "":
		c.What = x.Package + " " + x.Metric
	case x.Package != "":
		c.What = x.Package + " (" + x.Kind + ")"
	case x.Metric != "":
		c.What = "total " + x.Metric
	}
	if x.Statistic != "" {
		c.Measured = x.Statistic + " " + quantity(x.Value, x.Unit)
		if x.CIHigh > 0 {
			c.Measured += fmt.Sprintf(" [%s, %s]", quantity(x.CILow, x.Unit), quantity(x.CIHigh, x.Unit))
		}
		c.Limit = quantity(x.Limit, x.Unit)
	}
	return c
}

func quantity(v float64, unit string) string {
	switch unit {
	case budget.UnitNs:
		return Duration(v)
	case budget.UnitBytes:
		return Bytes(v)
	}
	return Count(v)
}
