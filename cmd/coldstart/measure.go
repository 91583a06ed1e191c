package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/coldstart-dev/coldstart/harness/build"
	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/runner"
	"github.com/coldstart-dev/coldstart/harness/scenario"
)

// Defaults of the run flags. 30 pairs: with per-package clock CV of
// 20-50% on these machines, the 95% CI of a median over 30 runs spans
// about ±10-20%, and a 30 ms program costs about 3 s to measure.
const (
	defaultRuns    = 30
	defaultWarmup  = 3
	defaultTimeout = 30 * time.Second
	defaultGrace   = 2 * time.Second
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// measureFlags are the flags every measuring command shares.
type measureFlags struct {
	scenario     string
	runs         int
	warmup       int
	timeout      time.Duration
	env          listFlag
	dir          string
	acceptExit   string
	readyLog     string
	readyPort    string
	grace        time.Duration
	tags         string
	ldflags      string
	gcflags      string
	trimpath     bool
	buildFlags   listFlag
	telemetryOff bool
	cache        string
	keepTraces   string
}

func (m *measureFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.scenario, "scenario", "", "scenario `file`")
	fs.IntVar(&m.runs, "n", defaultRuns, "counted pairs of runs")
	fs.IntVar(&m.warmup, "warmup", defaultWarmup, "uncounted pairs of runs first")
	fs.DurationVar(&m.timeout, "timeout", defaultTimeout, "limit per run")
	fs.Var(&m.env, "env", "`K=V` added to the target's environment (repeatable)")
	fs.StringVar(&m.dir, "dir", "", "build and run in `dir`")
	fs.StringVar(&m.acceptExit, "accept-exit", "", "exit codes of a normal run, e.g. 0,2")
	fs.StringVar(&m.readyLog, "ready-log", "", "ready at the first output line matching `regexp`")
	fs.StringVar(&m.readyPort, "ready-port", "", "ready when `addr` accepts TCP")
	fs.DurationVar(&m.grace, "grace", defaultGrace, "SIGTERM to SIGKILL for a ready server")
	fs.StringVar(&m.tags, "tags", "", "build tags")
	fs.StringVar(&m.ldflags, "ldflags", "", "linker flags")
	fs.StringVar(&m.gcflags, "gcflags", "", "compiler flags")
	fs.BoolVar(&m.trimpath, "trimpath", false, "build with -trimpath")
	fs.Var(&m.buildFlags, "build-flag", "other build `flag` (repeatable)")
	fs.BoolVar(&m.telemetryOff, "telemetry-off", false, "run with Go telemetry off")
	fs.StringVar(&m.cache, "cache", "", "cache `dir` for remote module builds")
	fs.StringVar(&m.keepTraces, "keep-traces", "", "keep each counted traced run's stderr in `dir`")
}

// plan is what to measure, from the scenario file and the flags.
type plan struct {
	name     string // scenario name or target spec
	target   build.Target
	args     []string
	env      []string // added to os.Environ()
	cfg      runner.Config
	budgets  string // from the scenario
	scenario *scenario.Scenario
	cache    string
}

// parseArgs parses flags that may come before and after the positional
// arguments, up to "--"; what follows "--" is returned as targetArgs.
func parseArgs(fs *flag.FlagSet, args []string) (pos, targetArgs []string, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, &codeError{exitUsage, err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, targetArgs, nil
		}
		if rest[0] == "--" {
			return pos, rest[1:], nil
		}
		// flag.Parse stops at the first non-flag, and swallows a "--"
		// right after the flags: look back to tell which happened.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return pos, rest, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// makePlan merges the scenario (if any) with the flags set on the command
// line; flags win.
func (m *measureFlags) makePlan(fs *flag.FlagSet, pos, targetArgs []string) (*plan, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var s *scenario.Scenario
	if m.scenario != "" {
		var err error
		s, err = scenario.Load(m.scenario)
		if err != nil {
			return nil, &codeError{exitUsage, err}
		}
	}
	return m.planFor(s, set, pos, targetArgs)
}

// planFor merges the scenario s (nil for none) with the flags whose names
// are in set, as given on the command line; flags win.
func (m *measureFlags) planFor(s *scenario.Scenario, set map[string]bool, pos, targetArgs []string) (*plan, error) {
	p := &plan{cache: m.cache}
	var (
		spec       string
		dir        = m.dir
		buildFlags []string
		accept     []int
		readyLog   = m.readyLog
		readyPort  = m.readyPort
		grace      = m.grace
		runs       = m.runs
		warmup     = m.warmup
		timeout    = m.timeout
		telemetry  = m.telemetryOff
	)
	if s != nil {
		p.scenario = s
		p.name = s.Name
		spec = s.Target
		if !set["dir"] {
			dir = s.Dir
		}
		buildFlags = append(buildFlags, s.BuildFlags...)
		p.args = s.Args
		p.env = append(p.env, s.Env...)
		if s.Runs > 0 && !set["n"] {
			runs = s.Runs
		}
		if s.Warmup >= 0 && !set["warmup"] {
			warmup = s.Warmup
		}
		if s.Timeout > 0 && !set["timeout"] {
			timeout = s.Timeout
		}
		accept = s.AcceptExit
		if !set["ready-log"] && !set["ready-port"] {
			readyLog, readyPort = s.ReadyLog, s.ReadyPort
		}
		if s.Grace > 0 && !set["grace"] {
			grace = s.Grace
		}
		telemetry = telemetry || s.TelemetryOff
		p.budgets = s.Budgets
	}
	switch {
	case len(pos) == 1:
		spec = pos[0]
		if p.name == "" {
			p.name = spec
		}
	case len(pos) > 1:
		return nil, usageErr("one target at a time, have %d: %s (arguments for the target go after --)", len(pos), strings.Join(pos, " "))
	case spec == "":
		return nil, usageErr("no target: give a package, module@version or executable, or -scenario FILE")
	}
	if targetArgs != nil || p.args == nil {
		p.args = targetArgs
	}
	if runs < 1 {
		return nil, usageErr("-n %d: need at least 1 run", runs)
	}
	if warmup < 0 {
		return nil, usageErr("-warmup %d: cannot be negative", warmup)
	}
	if timeout <= 0 {
		return nil, usageErr("-timeout %v: must be positive", timeout)
	}
	if grace < 0 {
		return nil, usageErr("-grace %v: cannot be negative", grace)
	}
	for _, kv := range m.env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return nil, usageErr("-env %q: want NAME=value", kv)
		}
		p.env = append(p.env, kv)
	}
	if set["accept-exit"] {
		accept = nil
		for _, f := range strings.Split(m.acceptExit, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 0 || c > 255 {
				return nil, usageErr("-accept-exit %q: want exit codes from 0 to 255, like 0,2", m.acceptExit)
			}
			accept = append(accept, c)
		}
	}
	if m.tags != "" {
		buildFlags = append(buildFlags, "-tags="+m.tags)
	}
	if m.ldflags != "" {
		buildFlags = append(buildFlags, "-ldflags="+m.ldflags)
	}
	if m.gcflags != "" {
		buildFlags = append(buildFlags, "-gcflags="+m.gcflags)
	}
	if m.trimpath {
		buildFlags = append(buildFlags, "-trimpath")
	}
	buildFlags = append(buildFlags, m.buildFlags...)

	t, err := build.Resolve(spec, dir, buildFlags)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	p.target = t

	ready := runner.Ready{Grace: grace}
	if readyLog != "" && readyPort != "" {
		return nil, usageErr("-ready-log and -ready-port: give one")
	}
	if readyLog != "" {
		re, err := regexp.Compile(readyLog)
		if err != nil {
			return nil, usageErr("-ready-log: %v", err)
		}
		ready.Log = re
	}
	if readyPort != "" {
		addr, err := scenario.ReadyAddr(readyPort)
		if err != nil {
			return nil, usageErr("-ready-port: %v", err)
		}
		ready.Addr = addr
	}
	if telemetry {
		p.env = append(p.env, "COLDSTART_TELEMETRY_OFF=1")
	}
	p.cfg = runner.Config{
		Name:       p.name,
		Args:       p.args,
		Dir:        dir,
		Runs:       runs,
		Warmup:     warmup,
		Timeout:    timeout,
		AcceptExit: accept,
		Ready:      ready,
		KeepTraces: m.keepTraces,
	}
	if m.keepTraces != "" {
		if err := os.MkdirAll(m.keepTraces, 0o755); err != nil {
			return nil, usageErr("-keep-traces: %v", err)
		}
	}
	return p, nil
}

// measure builds and runs the plan and assembles the result.
func measure(ctx context.Context, p *plan, stderr io.Writer, command []string) (*result.Result, *build.Executable, error) {
	exe, err := build.Build(ctx, p.target, buildCache(p))
	if err != nil {
		return nil, nil, targetErr(err)
	}
	env, cleanup, err := targetEnv(p.env)
	if err != nil {
		exe.Close()
		return nil, nil, err
	}
	defer cleanup()
	cfg := p.cfg
	cfg.Binary = exe.Path
	cfg.Env = env
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		cfg.Progress = func(done, total int) {
			fmt.Fprintf(stderr, "\rcoldstart: %s: run %d/%d", p.name, done, total)
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
	}
	runs, err := runner.Execute(ctx, cfg)
	if err != nil {
		exe.Close()
		var re *runner.Error
		if errors.As(err, &re) {
			return nil, nil, targetErr(err)
		}
		return nil, nil, err
	}
	r, err := result.Assemble(runs)
	if err != nil {
		exe.Close()
		return nil, nil, err
	}
	describe(r, p, exe, command)
	r.Settings = result.Settings{
		Runs:       cfg.Runs,
		Warmup:     cfg.Warmup,
		TimeoutNs:  int64(cfg.Timeout),
		Env:        p.env,
		Dir:        cfg.Dir,
		AcceptExit: cfg.AcceptExit,
		Ready:      cfg.Ready.String(),
	}
	r.Warnings = append(exe.Warnings, r.Warnings...)
	return r, exe, nil
}

// targetEnv is the target's environment: coldstart's own plus the extras.
// COLDSTART_TELEMETRY_OFF=1 among the extras becomes a temporary
// XDG_CONFIG_HOME whose go/telemetry/mode is "off": gopls and other Go
// tools otherwise start a detached telemetry sidecar that outlives the run.
func targetEnv(extra []string) ([]string, func(), error) {
	env := os.Environ()
	cleanup := func() {}
	for _, kv := range extra {
		if kv == "COLDSTART_TELEMETRY_OFF=1" {
			dir, err := os.MkdirTemp("", "coldstart-xdg-")
			if err != nil {
				return nil, nil, fmt.Errorf("turning telemetry off: %w", err)
			}
			cleanup = func() { os.RemoveAll(dir) }
			if err := os.MkdirAll(filepath.Join(dir, "go", "telemetry"), 0o755); err != nil {
				cleanup()
				return nil, nil, fmt.Errorf("turning telemetry off: %w", err)
			}
			if err := os.WriteFile(filepath.Join(dir, "go", "telemetry", "mode"), []byte("off"), 0o644); err != nil {
				cleanup()
				return nil, nil, fmt.Errorf("turning telemetry off: %w", err)
			}
			env = append(env, "XDG_CONFIG_HOME="+dir)
			continue
		}
		env = append(env, kv)
	}
	return env, cleanup, nil
}

// graphOf is the import graph of what was measured: from `go list -deps`
// for a local package or a module version (build flags and GOOS/GOARCH
// respected), from the executable's build information and symbol table
// otherwise (no import edges then, so no chains).
func graphOf(ctx context.Context, p *plan, exe *build.Executable) (*importgraph.Graph, error) {
	switch p.target.Kind {
	case build.Package:
		dir, pkg := p.target.Where()
		g, err := importgraph.Load(ctx, dir, pkg, p.target.BuildFlags, nil)
		if err != nil {
			return nil, targetErr(err)
		}
		return g, nil
	case build.Module:
		g, err := importgraph.LoadModule(ctx, p.target.Spec, p.target.BuildFlags, nil)
		if err != nil {
			return nil, targetErr(err)
		}
		return g, nil
	}
	g, err := importgraph.FromBinary(exe.Path)
	if err != nil {
		return nil, targetErr(err)
	}
	return g, nil
}

// describe fills in what a result says about its target: the date, the
// command, the machine, and the target as the plan names it and as the
// executable's build information describes it.
func describe(r *result.Result, p *plan, exe *build.Executable, command []string) {
	r.Date = time.Now().UTC()
	r.Command = command
	r.Machine = result.ThisMachine()
	r.Target = result.Target{
		Spec:        p.target.Spec,
		Kind:        string(exe.Kind),
		Binary:      exe.Path,
		Args:        p.args,
		MainPackage: exe.MainPackage,
		Module:      exe.Module,
		Version:     exe.Version,
		GoVersion:   exe.GoVersion,
		Revision:    exe.Revision,
		BuildFlags:  p.target.BuildFlags,
	}
}

// buildCache is the cache directory of module and revision builds:
// -cache, or coldstart in the user cache directory.
func buildCache(p *plan) string {
	if p.cache != "" {
		return p.cache
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "coldstart")
}
