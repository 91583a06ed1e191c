package htmlreport

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/report"
)

// WriteMarkdown writes the summary of n for a CI job summary (GitHub's
// $GITHUB_STEP_SUMMARY) or a chat message: the verdict, one line per
// scenario, then each scenario's budget check (as `coldstart check -format
// markdown` writes it), trend findings and notes, and the errors of the
// scenarios that were not measured. The charts are only in the HTML page.
func WriteMarkdown(w io.Writer, n *Nightly) error {
	bw := bufio.NewWriter(w)
	pass, fail, errs := n.Counts()
	text, class := verdict(pass, fail, errs)
	fmt.Fprintf(bw, "## %s coldstart nightly %s\n\n%s\n\n", icon(class), n.Date.Format("2006-01-02"), text)
	for _, s := range n.Scenarios {
		fmt.Fprintf(bw, "- %s **%s**: %s\n", icon(s.Status), escape(s.Name), escape(s.Summary()))
	}
	for _, s := range n.Scenarios {
		fmt.Fprintf(bw, "\n### %s %s\n\n", icon(s.Status), escape(s.Name))
		if s.Error != "" {
			fmt.Fprintf(bw, "Not measured (exit %d), scenario %s:\n\n```\n%s\n```\n", s.ExitCode, escape(s.File), strings.ReplaceAll(s.Error, "```", "'''"))
			continue
		}
		if s.Target != nil {
			fmt.Fprintf(bw, "%s, %d runs: total init %s, wall %s.\n\n", escape(s.Target.Spec), s.Runs, summary(s.TotalInit), summary(s.Wall))
		}
		if s.Budgets != nil && s.Result != nil {
			if err := report.Check(bw, s.Budgets, s.Result, report.Markdown); err != nil {
				return fmt.Errorf("writing the budget check of %s: %w", s.Name, err)
			}
			fmt.Fprintln(bw)
		}
		if t := s.Trend; t != nil {
			fmt.Fprintf(bw, "Trend: %s.\n", escape(trendSummary(t)))
			for _, f := range t.Findings {
				fmt.Fprintf(bw, "- **%s** (%s, %s) %s\n", f.Severity, escape(f.Kind), escape(f.Series), escape(f.Msg))
			}
			for _, note := range t.Notes {
				fmt.Fprintf(bw, "- note: %s\n", escape(note))
			}
		}
	}
	fmt.Fprintf(bw, "\nThe full report with charts is index.html beside this summary; exit code %d.\n", n.ExitCode)
	return bw.Flush()
}

// Summary is the scenario's outcome in one line: its status, total init,
// budget verdict and trend verdict, or why it was not measured.
func (s Scenario) Summary() string {
	if s.Error != "" {
		return fmt.Sprintf("not measured (exit %d): %s", s.ExitCode, s.Error)
	}
	parts := []string{s.Status, "total init " + summary(s.TotalInit)}
	if s.Budgets != nil {
		parts = append(parts, "budgets "+budgetVerdict(s.Budgets))
	} else {
		parts = append(parts, "no budgets file")
	}
	if s.Trend != nil {
		parts = append(parts, "trend "+trendShort(s.Trend))
	}
	return strings.Join(parts, "; ")
}

func icon(status string) string {
	switch status {
	case Pass:
		return "✅"
	case Fail:
		return "❌"
	}
	return "⚠️"
}

// escape keeps package paths, names and messages from being read as
// Markdown markup.
func escape(s string) string {
	r := strings.NewReplacer("\\", `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "\n", " ")
	return r.Replace(s)
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
