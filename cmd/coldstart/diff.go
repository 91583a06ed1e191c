package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/coldstart-dev/coldstart/harness/build"
	"github.com/coldstart-dev/coldstart/harness/compare"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/runner"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// Defaults of the adaptive mode (-n auto). 300 pairs of a 30 ms program
// take about 45 s on the 2-core machines coldstart was built on; the time
// cap is for slower programs.
const (
	defaultMaxRuns = 300
	defaultMaxTime = 5 * time.Minute
)

// diffFlags are the flags of diff beyond the measuring and output ones.
type diffFlags struct {
	base, head             string
	baseBinary, headBinary string
	threshold              string
	all                    bool
	auto                   bool
	maxRuns                int
	maxTime                time.Duration
}

func (d *diffFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.base, "base", "", "base `revision` (git), built from a temporary worktree")
	fs.StringVar(&d.head, "head", "", "head `revision` (default: the working tree, uncommitted changes included)")
	fs.StringVar(&d.baseBinary, "base-binary", "", "base `executable`, or module@version built as run builds it")
	fs.StringVar(&d.headBinary, "head-binary", "", "head `executable`, or module@version built as run builds it")
	fs.StringVar(&d.threshold, "threshold", compare.DefaultThreshold, "smallest slowdown that is a regression: a share of the base like 2%, or a time like 200us")
	fs.BoolVar(&d.all, "all", false, "list every package, not only those that changed")
	fs.IntVar(&d.maxRuns, "max-runs", defaultMaxRuns, "with -n auto: at most this many pairs per side")
	fs.DurationVar(&d.maxTime, "max-time", defaultMaxTime, "with -n auto: stop adding pairs after this long")
}

// runsValue is diff's -n: a number of pairs, or "auto".
type runsValue struct {
	n    *int
	auto *bool
}

func (v runsValue) String() string {
	switch {
	case v.auto != nil && *v.auto:
		return "auto"
	case v.n != nil:
		return strconv.Itoa(*v.n)
	}
	return ""
}

func (v runsValue) Set(s string) error {
	if s == "auto" {
		*v.auto = true
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want a number of pairs or auto")
	}
	*v.n, *v.auto = n, false
	return nil
}

// side is where one side of a diff comes from.
type side struct {
	label  string // "base" or "head"
	source string // "revision", "working tree" or "binary"
	name   string // the revision or binary as given
}

func cmdDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var m measureFlags
	var o outputFlags
	var d diffFlags
	fs := newFlagSet("diff", stderr, &m, &o, &d)
	n := fs.Lookup("n")
	n.Value = runsValue{n: &m.runs, auto: &d.auto}
	n.Usage = "counted pairs of runs per side, or auto"
	fs.Lookup("format").Usage = "output `format`: table, json, markdown or bench"
	pos, targetArgs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	format, err := report.ParseDiffFormat(o.format)
	if err != nil {
		return usageErr("-format: %v", err)
	}
	outs := []string{o.out}
	if format == report.Bench && strings.Contains(o.out, ",") {
		b, h, ok := benchFiles(o.out)
		if !ok {
			return usageErr("-o %q: with -format bench, want one file or two: BASE,HEAD", o.out)
		}
		outs = []string{b, h}
	}
	for _, out := range outs {
		if out == "" {
			continue
		}
		if err := outputDir("-o", out); err != nil {
			return err
		}
	}
	th, err := compare.ParseThreshold(d.threshold)
	if err != nil {
		return usageErr("-threshold: %v", err)
	}
	opt := compare.Options{Threshold: th}
	command := append([]string{"coldstart", "diff"}, args...)

	if len(pos) == 2 && strings.HasSuffix(pos[0], ".json") && strings.HasSuffix(pos[1], ".json") {
		var unused []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "format", "o", "top", "threshold", "all":
			default:
				unused = append(unused, "-"+f.Name)
			}
		})
		if len(unused) > 0 {
			return usageErr("%s: not used when comparing two saved results (%s %s)", strings.Join(unused, ", "), pos[0], pos[1])
		}
		return diffFiles(pos[0], pos[1], opt, format, &o, d.all, command, stdout)
	}

	base, head, err := d.sides()
	if err != nil {
		return err
	}
	needPkg := base.source != "binary" || head.source != "binary"
	if !needPkg {
		if len(pos) > 0 || m.scenario != "" {
			return usageErr("-base-binary and -head-binary: no package to build (got %s)", strings.Join(append(pos, m.scenario), " "))
		}
		// The plan's target is the head, as run would name it.
		spec := head.name
		if !strings.Contains(spec, "@") {
			if spec, err = filepath.Abs(spec); err != nil {
				return usageErr("-head-binary: %v", err)
			}
		}
		pos = []string{spec}
	}
	if needPkg && len(pos) == 0 && m.scenario == "" {
		return usageErr("no package: diff builds the target at two revisions, give its package (like ./cmd/api) or -scenario FILE")
	}
	if d.auto && d.maxRuns < stats.MinRuns {
		return usageErr("-max-runs %d: -n auto needs at least %d pairs", d.maxRuns, stats.MinRuns)
	}
	if d.maxTime <= 0 {
		return usageErr("-max-time %v: must be positive", d.maxTime)
	}
	p, err := m.makePlan(fs, pos, targetArgs)
	if err != nil {
		return err
	}
	if needPkg && p.target.Kind != build.Package {
		return usageErr("target %s: diff builds a package at two revisions; for executables use -base-binary and -head-binary", p.target.Spec)
	}

	cache := buildCache(p)
	exeBase, err := buildSide(ctx, p, base, cache)
	if err != nil {
		return err
	}
	defer exeBase.Close()
	exeHead, err := buildSide(ctx, p, head, cache)
	if err != nil {
		return err
	}
	defer exeHead.Close()

	rb, rh, adaptive, err := measurePair(ctx, p, exeBase, exeHead, &d, opt, stderr)
	if err != nil {
		return err
	}
	describeSide(rb, p, exeBase, base, command)
	describeSide(rh, p, exeHead, head, command)
	diff := compare.Compare(rb, rh, opt)
	diff.Date = time.Now().UTC()
	diff.Command = command
	diff.Base.Source, diff.Base.Name = base.source, base.name
	diff.Head.Source, diff.Head.Name = head.source, head.name
	diff.Settings.Interleaved = true
	diff.Settings.Adaptive = adaptive
	diff.Warnings = append(diff.Warnings, sideWarnings("base", rb, exeBase)...)
	diff.Warnings = append(diff.Warnings, sideWarnings("head", rh, exeHead)...)
	if adaptive != nil && adaptive.Stop != compare.StopSettled {
		diff.Warnings = append(diff.Warnings, unsettled(diff, adaptive))
	}
	if err := writeDiff(stdout, diff, rb, rh, format, &o, d.all); err != nil {
		return err
	}
	if diff.Regressed() {
		return silent(exitFailed)
	}
	return nil
}

// sides checks the -base/-head flags and says where each side comes from.
func (d *diffFlags) sides() (base, head side, err error) {
	if base, err = sideOf("base", d.base, d.baseBinary); err != nil {
		return base, head, err
	}
	if base.source == "" {
		return base, head, usageErr("no base: give -base REV (a git revision) or -base-binary FILE, or compare two saved results: diff OLD.json NEW.json")
	}
	if head, err = sideOf("head", d.head, d.headBinary); err != nil {
		return base, head, err
	}
	if head.source == "" {
		head.source = "working tree"
	}
	return base, head, nil
}

// sideOf is the side label comes from: a revision, a binary, or, with
// neither flag given, no source yet.
func sideOf(label, rev, binary string) (side, error) {
	s := side{label: label}
	switch {
	case rev != "" && binary != "":
		return s, usageErr("-%s and -%s-binary: give one", label, label)
	case rev != "":
		s.source, s.name = "revision", rev
	case binary != "":
		s.source, s.name = "binary", binary
	}
	return s, nil
}

// buildSide builds or finds the executable of one side.
func buildSide(ctx context.Context, p *plan, s side, cache string) (*build.Executable, error) {
	if s.source == "binary" {
		t, err := build.Resolve(s.name, "", p.target.BuildFlags)
		if err != nil {
			return nil, usageErr("-%s-binary: %v", s.label, err)
		}
		switch t.Kind {
		case build.Binary:
			if t.Spec, err = filepath.Abs(t.Spec); err != nil {
				return nil, usageErr("-%s-binary: %v", s.label, err)
			}
		case build.Module:
			// Built through the proxy into the cache, as run builds it.
		default:
			return nil, usageErr("-%s-binary %s: not an executable file or module@version", s.label, s.name)
		}
		exe, err := build.Build(ctx, t, cache)
		if err != nil {
			return nil, targetErr(err)
		}
		return exe, nil
	}
	exe, err := build.BuildSource(ctx, p.target, build.Source{Rev: s.name}, cache)
	if err != nil {
		var se *build.SourceError
		if errors.As(err, &se) {
			return nil, usageErr("%s: %v", s.label, err)
		}
		return nil, targetErr(fmt.Errorf("%s: %w", s.label, err))
	}
	return exe, nil
}

// measurePair runs base and head interleaved in one session: warmups,
// then pairs, a fixed number or, with -n auto, until both total times are
// settled or a cap is reached.
func measurePair(ctx context.Context, p *plan, exeBase, exeHead *build.Executable, d *diffFlags, opt compare.Options, stderr io.Writer) (rb, rh *result.Result, adaptive *compare.Adaptive, err error) {
	env, cleanup, err := targetEnv(p.env)
	if err != nil {
		return nil, nil, nil, err
	}
	defer cleanup()
	links, err := os.MkdirTemp("", "coldstart-diff-")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("diff: %w", err)
	}
	defer os.RemoveAll(links)
	cfgs := make([]runner.Config, 2)
	for i, exe := range []*build.Executable{exeBase, exeHead} {
		cfg := p.cfg
		cfg.Name = []string{"base", "head"}[i] + " " + p.name
		if cfg.Binary, err = sameLengthPath(links, []string{"base", "head"}[i], exe.Path, exeHead.Path); err != nil {
			return nil, nil, nil, fmt.Errorf("diff: %w", err)
		}
		cfg.Env = env
		cfg.Progress = nil
		if cfg.KeepTraces != "" {
			cfg.KeepTraces = filepath.Join(cfg.KeepTraces, []string{"base", "head"}[i])
			if err := os.MkdirAll(cfg.KeepTraces, 0o755); err != nil {
				return nil, nil, nil, usageErr("-keep-traces: %v", err)
			}
		}
		cfgs[i] = cfg
	}
	s, err := runner.NewSession(cfgs)
	if err != nil {
		return nil, nil, nil, err
	}
	defer s.Close()
	progress := func(int) {}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		progress = func(pairs int) { fmt.Fprintf(stderr, "\rcoldstart: diff %s: pair %d", p.name, pairs) }
		defer fmt.Fprint(stderr, "\r\033[K")
	}
	fail := func(err error) (*result.Result, *result.Result, *compare.Adaptive, error) {
		var re *runner.Error
		if errors.As(err, &re) {
			return nil, nil, nil, targetErr(err)
		}
		return nil, nil, nil, err
	}
	if err := s.Warmup(ctx); err != nil {
		return fail(err)
	}
	start := time.Now()
	if !d.auto {
		for i := range p.cfg.Runs {
			if err := s.Pair(ctx); err != nil {
				return fail(err)
			}
			progress(i + 1)
		}
	} else {
		adaptive = &compare.Adaptive{MaxRuns: d.maxRuns, MaxTimeNs: int64(d.maxTime)}
		for pairs := 1; ; pairs++ {
			if err := s.Pair(ctx); err != nil {
				return fail(err)
			}
			progress(pairs)
			if pairs >= stats.MinRuns {
				runs := s.Runs()
				in, wall := compare.CompareTotals(totalsOf(runs[0]), totalsOf(runs[1]), opt)
				if in.Settled && wall.Settled {
					adaptive.Stop = compare.StopSettled
					break
				}
			}
			if pairs >= d.maxRuns {
				adaptive.Stop = compare.StopMaxRuns
				break
			}
			if time.Since(start) >= d.maxTime {
				adaptive.Stop = compare.StopMaxTime
				break
			}
		}
		adaptive.ElapsedNs = int64(time.Since(start))
	}
	runs := s.Runs()
	if rb, err = result.Assemble(runs[0]); err != nil {
		return nil, nil, nil, err
	}
	if rh, err = result.Assemble(runs[1]); err != nil {
		return nil, nil, nil, err
	}
	for _, r := range []*result.Result{rb, rh} {
		r.Settings = result.Settings{
			Runs:       len(runs[0]) / 2,
			Warmup:     p.cfg.Warmup,
			TimeoutNs:  int64(p.cfg.Timeout),
			Env:        p.env,
			Dir:        p.cfg.Dir,
			AcceptExit: p.cfg.AcceptExit,
			Ready:      p.cfg.Ready.String(),
		}
	}
	return rb, rh, adaptive, nil
}

// sameLengthPath returns a path to the executable exe, of the same length
// for both sides: dir/base/NAME and dir/head/NAME, symbolic links named
// after the head's file. The program's path is copied onto its initial
// stack (argv[0] and AT_EXECFN), so paths of different lengths shift the
// stack of one side against the other's, and with it the alignment of
// what init touches. Measured on the planted target: two identical builds
// named planted-2800000 and planted-same differed by one printed µs in
// package errors in most diffs, significant after correction (p down to
// 1e-7), the longer-named one faster; under names of equal length, not.
func sameLengthPath(dir, side, exe, head string) (string, error) {
	abs, err := filepath.Abs(exe)
	if err != nil {
		return "", err
	}
	if err := os.Mkdir(filepath.Join(dir, side), 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, side, filepath.Base(head))
	if err := os.Symlink(abs, link); err != nil {
		return "", err
	}
	return link, nil
}

// totalsOf is the part of a result that the adaptive stopping rule looks
// at: total init per traced run, wall per untraced run.
func totalsOf(runs []runner.Run) *result.Result {
	var initNs, wall []float64
	for _, r := range runs {
		if !r.Traced {
			wall = append(wall, float64(r.Wall))
			continue
		}
		var sum float64
		for _, in := range r.Inits {
			sum += float64(in.Clock)
		}
		initNs = append(initNs, sum)
	}
	return &result.Result{Total: result.Total{InitNs: result.NewMetric(initNs), WallNs: result.NewMetric(wall)}}
}

// sideWarnings are the soft problems of one side: a binary without build
// information, spread or two modes in its total times, trace warnings.
func sideWarnings(label string, r *result.Result, exe *build.Executable) []string {
	var out []string
	for _, w := range exe.Warnings {
		out = append(out, label+": "+w)
	}
	for _, m := range []struct {
		name string
		m    result.Metric
	}{{"total init", r.Total.InitNs}, {"wall", r.Total.WallNs}} {
		for _, w := range m.m.Warnings {
			if w.Kind == stats.KindFewRuns {
				continue // the diff warns once about few runs
			}
			out = append(out, fmt.Sprintf("%s %s: %s", label, m.name, w.Msg))
		}
	}
	for i, w := range r.Warnings {
		if i == 3 {
			out = append(out, fmt.Sprintf("%s: ... and %d more trace warnings", label, len(r.Warnings)-3))
			break
		}
		out = append(out, label+": "+w)
	}
	return out
}

// unsettled explains an adaptive diff that hit a cap.
func unsettled(d *compare.Diff, a *compare.Adaptive) string {
	var open []string
	for _, t := range []struct {
		name string
		t    compare.Time
	}{{"total init", d.Totals.Init}, {"wall", d.Totals.Wall}} {
		if !t.t.Settled {
			open = append(open, fmt.Sprintf("%s (delta %s [%s, %s] against ±%s)", t.name,
				report.Duration(t.t.Delta), report.Duration(t.t.DeltaLow), report.Duration(t.t.DeltaHigh), report.Duration(t.t.Limit)))
		}
	}
	limit := fmt.Sprintf("-max-runs %d", a.MaxRuns)
	if a.Stop == compare.StopMaxTime {
		limit = "-max-time " + time.Duration(a.MaxTimeNs).String()
	}
	if n := min(d.Base.Runs, d.Head.Runs); n < stats.MinRuns {
		return fmt.Sprintf("not settled at %s: %d pairs are too few to settle anything (at least %d are needed); the verdict uses the estimate", limit, n, stats.MinRuns)
	}
	return fmt.Sprintf("not settled at %s: the interval of %s still straddles the threshold; the verdict uses the estimate", limit, strings.Join(open, " and "))
}

// diffFiles compares two saved results.
func diffFiles(oldPath, newPath string, opt compare.Options, format report.Format, o *outputFlags, all bool, command []string, stdout io.Writer) error {
	rb, err := readResult(oldPath)
	if err != nil {
		return err
	}
	rh, err := readResult(newPath)
	if err != nil {
		return err
	}
	d := compare.Compare(rb, rh, opt)
	d.Date = time.Now().UTC()
	d.Command = command
	d.Base.Source, d.Base.Name = "file", oldPath
	d.Head.Source, d.Head.Name = "file", newPath
	d.Warnings = append(d.Warnings, fmt.Sprintf("base and head were measured separately (%s and %s), not interleaved: drift of the machine between them counts as change", rb.Date.Format(time.DateTime), rh.Date.Format(time.DateTime)))
	if fb, fh := rb.Machine.Fingerprint(), rh.Machine.Fingerprint(); fb != fh {
		d.Warnings = append(d.Warnings, fmt.Sprintf("measured on different machines: base on %s, head on %s", fb, fh))
	}
	if err := writeDiff(stdout, d, rb, rh, format, o, all); err != nil {
		return err
	}
	if d.Regressed() {
		return silent(exitFailed)
	}
	return nil
}

func readResult(path string) (*result.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	defer f.Close()
	r, err := result.Read(f, path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if r.Runs == 0 || len(r.Total.InitNs.Values) == 0 {
		return nil, usageErr("%s: a result without per-run values; diff needs the values of coldstart run -format json", path)
	}
	return r, nil
}

// writeDiff writes the diff in its format; bench writes the runs of both
// sides, into one file (with "side:" lines) or, with -o BASE,HEAD, two.
func writeDiff(stdout io.Writer, d *compare.Diff, rb, rh *result.Result, format report.Format, o *outputFlags, all bool) error {
	if format == report.Bench {
		if baseFile, headFile, ok := benchFiles(o.out); ok {
			if err := report.WriteFile(baseFile, func(w io.Writer) error { return report.BenchSide(w, rb, "") }); err != nil {
				return err
			}
			return report.WriteFile(headFile, func(w io.Writer) error { return report.BenchSide(w, rh, "") })
		}
		return o.write(stdout, func(w io.Writer) error { return report.DiffBench(w, rb, rh) })
	}
	return o.write(stdout, func(w io.Writer) error {
		return report.Diff(w, d, report.DiffOptions{Format: format, All: all, Top: o.top})
	})
}

// benchFiles splits -o BASE,HEAD.
func benchFiles(out string) (base, head string, ok bool) {
	base, head, ok = strings.Cut(out, ",")
	return base, head, ok && base != "" && head != "" && !strings.Contains(head, ",")
}

// describeSide describes one side of a diff as measure describes a run,
// except that a side given by -base-binary or -head-binary is named as
// given there (both sides share the plan, so its spec would name neither),
// an executable by its path and with no build flags.
func describeSide(r *result.Result, p *plan, exe *build.Executable, s side, command []string) {
	describe(r, p, exe, command)
	switch {
	case exe.Kind == build.Binary:
		r.Target.Spec = exe.Path
		r.Target.BuildFlags = nil
	case s.source == "binary":
		r.Target.Spec = s.name
	}
}
