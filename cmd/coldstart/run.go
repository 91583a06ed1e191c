package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/coldstart-dev/coldstart/harness/report"
)

// outputFlags are the flags that choose how a report is written.
type outputFlags struct {
	format string
	out    string
	top    int
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.format, "format", "table", "output `format`: table, json or markdown")
	fs.StringVar(&o.out, "o", "", "write the report to `file` instead of stdout")
	fs.IntVar(&o.top, "top", 25, "packages shown in tables (0 for all)")
}

// write renders with f to stdout or, atomically, to the -o file.
func (o *outputFlags) write(stdout io.Writer, f func(io.Writer) error) error {
	if o.out == "" {
		return f(stdout)
	}
	return report.WriteFile(o.out, f)
}

// flagGroup is a set of flags that commands share, such as measureFlags.
type flagGroup interface{ register(*flag.FlagSet) }

// newFlagSet is the flag set of subcommand cmd with the groups' flags,
// errors to stderr.
func newFlagSet(cmd string, stderr io.Writer, groups ...flagGroup) *flag.FlagSet {
	fs := flag.NewFlagSet("coldstart "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, g := range groups {
		g.register(fs)
	}
	return fs
}

// reportFormat is -format as a report format, or a usage error; -o, if
// given, must be in a directory that exists.
func (o *outputFlags) reportFormat() (report.Format, error) {
	f, err := report.ParseFormat(o.format)
	if err != nil {
		return f, usageErr("-format: %v", err)
	}
	if o.out != "" {
		if err := outputDir("-o", o.out); err != nil {
			return f, err
		}
	}
	return f, nil
}

// outputDir checks, before anything is measured, that the output file of
// flag can be written: its directory exists.
func outputDir(flag, file string) error {
	dir := filepath.Dir(file)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErr("%s %s: no directory %s to write it in", flag, file, dir)
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m measureFlags
	var o outputFlags
	fs := newFlagSet("run", stderr, &m, &o)
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
	r, exe, err := measure(ctx, p, stderr, append([]string{"coldstart", "run"}, args...))
	if err != nil {
		return err
	}
	defer exe.Close()
	return o.write(stdout, func(w io.Writer) error {
		return report.Run(w, r, report.RunOptions{Format: format, Top: o.top})
	})
}
