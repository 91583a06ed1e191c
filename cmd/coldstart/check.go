package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/report"
)

// checkFlags are the flags of check beyond the measuring ones.
type checkFlags struct {
	budgets       string
	statistic     string
	failUncertain bool
	today         string
}

func (c *checkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.budgets, "budgets", "", "budgets `file` (default: the scenario's)")
	fs.StringVar(&c.statistic, "statistic", "", "statistic compared with time limits: median or p95 (default: the file's, else median)")
	fs.BoolVar(&c.failUncertain, "fail-uncertain", false, "fail when a confidence interval straddles a limit (default: warn)")
	fs.StringVar(&c.today, "today", "", "date of the exception audits, YYYY-MM-DD (default: today)")
}

// load reads the budgets file named by the flag or the scenario, and the
// audit date. Both are input errors before anything is built or run.
func (c *checkFlags) load(p *plan) (*budget.Budgets, time.Time, error) {
	path := c.budgets
	if path == "" {
		path = p.budgets
	}
	if path == "" {
		return nil, time.Time{}, usageErr("no budgets: give -budgets FILE or a scenario with budgets:")
	}
	b, err := budget.Load(path)
	if err != nil {
		return nil, time.Time{}, &codeError{exitUsage, err}
	}
	today := time.Now()
	if c.today != "" {
		today, err = time.Parse(time.DateOnly, c.today)
		if err != nil {
			return nil, time.Time{}, usageErr("-today %q: want YYYY-MM-DD", c.today)
		}
	}
	switch c.statistic {
	case "", budget.Median, budget.P95:
	default:
		return nil, time.Time{}, usageErr("-statistic %q: want median or p95", c.statistic)
	}
	return b, today, nil
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m measureFlags
	var o outputFlags
	var c checkFlags
	fs := newFlagSet("check", stderr, &m, &o, &c)
	pos, targetArgs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	format, err := o.reportFormat()
	if err != nil {
		return err
	}
	p, err := m.makePlan(fs, pos, targetArgs)
	if err != nil {
		return err
	}
	b, today, err := c.load(p)
	if err != nil {
		return err
	}
	r, exe, err := measure(ctx, p, stderr, append([]string{"coldstart", "check"}, args...))
	if err != nil {
		return err
	}
	defer exe.Close()
	g, err := graphOf(ctx, p, exe)
	if err != nil {
		return fmt.Errorf("finding the packages of %s: %w", p.name, err)
	}
	rep := b.Check(r, g, today, budget.Options{Statistic: c.statistic, FailUncertain: c.failUncertain})
	if err := o.write(stdout, func(w io.Writer) error { return report.Check(w, rep, r, format) }); err != nil {
		return err
	}
	if rep.Failed() {
		return silent(exitFailed)
	}
	return nil
}
