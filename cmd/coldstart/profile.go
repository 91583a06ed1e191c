package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/profiles"
)

// profileFlags are the flags of profile beyond the measuring ones.
type profileFlags struct {
	out      string
	timeline string
}

func (f *profileFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "o", "", "write the pprof profile to `file`")
	fs.StringVar(&f.timeline, "timeline", "", "write the trace-event timeline of one run to `file`")
}

// check rejects missing and unwritable output names before anything runs.
func (f *profileFlags) check() error {
	if f.out == "" && f.timeline == "" {
		return usageErr("profile: give -o FILE for a pprof profile, -timeline FILE for a trace-event timeline, or both")
	}
	if f.out != "" && filepath.Clean(f.out) == filepath.Clean(f.timeline) {
		return usageErr("profile: -o and -timeline name the same file %s", f.out)
	}
	for _, o := range []struct{ flag, file string }{{"-o", f.out}, {"-timeline", f.timeline}} {
		if o.file == "" {
			continue
		}
		if err := outputDir(o.flag, o.file); err != nil {
			return err
		}
	}
	return nil
}

func cmdProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m measureFlags
	var pf profileFlags
	fs := newFlagSet("profile", stderr, &m, &pf)
	pos, targetArgs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := pf.check(); err != nil {
		return err
	}
	p, err := m.makePlan(fs, pos, targetArgs)
	if err != nil {
		return err
	}
	r, exe, err := measure(ctx, p, stderr, append([]string{"coldstart", "profile"}, args...))
	if err != nil {
		return err
	}
	defer exe.Close()
	g, err := graphOf(ctx, p, exe)
	if err != nil {
		return fmt.Errorf("finding the packages of %s: %w", p.name, err)
	}

	// Both files are rendered in memory first, so that a failure leaves
	// neither behind.
	var prof, trace bytes.Buffer
	if pf.out != "" {
		pp, err := profiles.Init(r, g)
		if err != nil {
			return err
		}
		if err := pp.Write(&prof); err != nil {
			return fmt.Errorf("encoding the profile: %w", err)
		}
	}
	if pf.timeline != "" {
		t, err := profiles.Timeline(r, g)
		if err != nil {
			return err
		}
		if err := t.WriteJSON(&trace); err != nil {
			return fmt.Errorf("encoding the timeline: %w", err)
		}
	}
	if pf.out != "" {
		if err := report.WriteFile(pf.out, bytesTo(prof.Bytes())); err != nil {
			return err
		}
		stacks := "import chains"
		if !g.HasEdges() {
			stacks = "main -> module -> package (a binary holds no import edges)"
		}
		fmt.Fprintf(stdout, "wrote %s: init of %d packages, medians over %d traced runs, stacks by %s; see go tool pprof -top %s\n",
			pf.out, len(r.Packages), r.Runs, stacks, pf.out)
	}
	if pf.timeline != "" {
		if err := report.WriteFile(pf.timeline, bytesTo(trace.Bytes())); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %d inits of the traced run closest to the median, as trace-event JSON (Perfetto, chrome://tracing)\n",
			pf.timeline, len(r.Timeline))
	}
	return nil
}

// bytesTo returns a writing function for report.WriteFile that writes b.
func bytesTo(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}
