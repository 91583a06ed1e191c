package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"io/fs"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/history"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// defaultHistoryNights is the number of nights history shows: two weeks.
const defaultHistoryNights = 14

func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("coldstart history", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var o outputFlags
	var store string
	var nights int
	flags.StringVar(&store, "store", "", "history store `DSN`: a file path or sqlite:PATH (default $XDG_STATE_HOME/coldstart/history.db)")
	flags.IntVar(&nights, "n", defaultHistoryNights, "nights shown")
	flags.StringVar(&o.format, "format", "table", "output `format`: table, json or markdown")
	flags.StringVar(&o.out, "o", "", "write the report to `file` instead of stdout")
	flags.IntVar(&o.top, "top", trend.DefaultPackages, "heaviest packages analysed and shown")
	pos, _, err := parseArgs(flags, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usageErr("history: no scenario (see coldstart help)")
	case len(pos) > 1:
		return usageErr("history: one scenario at a time, have %d: %s", len(pos), strings.Join(pos, " "))
	case nights < 1:
		return usageErr("-n %d: want at least 1", nights)
	case o.top < 1:
		return usageErr("-top %d: want at least 1", o.top)
	}
	format, err := o.reportFormat()
	if err != nil {
		return err
	}
	if store == "" {
		if store, err = history.DefaultPath(); err != nil {
			return usageErr("%v (give -store)", err)
		}
	}
	st, err := history.OpenExisting(store)
	if errors.Is(err, fs.ErrNotExist) {
		return usageErr("history store %s does not exist (coldstart nightly creates it; -store names another)", store)
	}
	if err != nil {
		return &codeError{exitUsage, err}
	}
	defer st.Close()

	scenario := pos[0]
	opt := trend.Options{Packages: o.top}.WithDefaults()
	// The trend needs the newest Window comparable nights; records from
	// other machines or Go versions may sit between them.
	recs, err := st.Records(ctx, scenario, max(nights, 2*opt.Window))
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return unknownScenario(ctx, st, scenario)
	}
	results := make([]*result.Result, len(recs))
	for i, rec := range recs {
		results[i] = rec.Result
	}
	tr := trend.Analyze(results, opt)
	shown := results[:min(nights, len(results))]
	return o.write(stdout, func(w io.Writer) error {
		return report.History(w, scenario, shown, tr, format)
	})
}

// unknownScenario is the input error for a scenario without records, naming
// those the store has.
func unknownScenario(ctx context.Context, st *history.Store, name string) error {
	scs, err := st.Scenarios(ctx)
	if err != nil {
		return err
	}
	if len(scs) == 0 {
		return usageErr("unknown scenario %q: history store %s is empty", name, st.Path())
	}
	var names []string
	for _, sc := range scs {
		names = append(names, sc.Name)
	}
	return usageErr("unknown scenario %q in history store %s (it has %s)", name, st.Path(), strings.Join(names, ", "))
}
