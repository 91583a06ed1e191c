// Package runner executes a target binary many times and measures each run
// from the outside: the harness's own clock from start to exit (or to
// readiness), and the kernel's rusage. It is the run stage of the pipeline:
// build -> runner -> inittrace -> stats.
//
// Traced runs (GODEBUG=inittrace=1) and untraced runs alternate in ABBA
// order, so drift on the machine hits both kinds alike. Wall time comes from
// the untraced runs only: measured here, inittrace costs 17-19 µs per init
// line written to a file and ~26 µs through a pipe (+16% wall on a
// 717-package program). For the same reason a traced run's stderr goes to a
// file, never a pipe, unless readiness needs to watch the output.
package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
)

// Config says how to run a target.
type Config struct {
	Name    string   // for messages: the target as the user named it
	Binary  string   // executable to run
	Args    []string // arguments after the binary
	Env     []string // complete environment of the target, without GODEBUG=inittrace
	Dir     string   // working directory; "" is the current one
	Runs    int      // counted pairs (one traced, one untraced run each)
	Warmup  int      // uncounted pairs before them
	Timeout time.Duration
	// AcceptExit lists the exit codes that count as a normal run; nil
	// means only 0.
	AcceptExit []int
	Ready      Ready
	// KeepTraces, if set, is a directory that receives the stderr of every
	// counted traced run as run-NNN.stderr, byte for byte, so the raw
	// inittrace lines can be checked or re-analysed.
	KeepTraces string
	// Progress, if set, is called after each run with the number of runs
	// done and the total.
	Progress func(done, total int)
}

// Ready says when a run counts as started. The zero Ready waits for exit.
type Ready struct {
	Log  *regexp.Regexp // a line on stdout or stderr matching this
	Addr string         // a TCP address that accepts a connection
	// Grace is how long a ready server gets between SIGTERM and SIGKILL.
	Grace time.Duration
}

// String describes the readiness condition.
func (r Ready) String() string {
	switch {
	case r.Log != nil:
		return "log:" + r.Log.String()
	case r.Addr != "":
		return "port:" + r.Addr
	}
	return "exit"
}

func (r Ready) server() bool { return r.Log != nil || r.Addr != "" }

// wanted says what a server is waited for, for people.
func (r Ready) wanted() string {
	if r.Log != nil {
		return fmt.Sprintf("no stdout or stderr line matched %q", r.Log.String())
	}
	return r.Addr + " never accepted a connection"
}

// Run is one execution of the target.
type Run struct {
	Index       int  // position among all runs, warmups included
	Traced      bool // GODEBUG=inittrace=1 was set
	Wall        time.Duration
	User, Sys   time.Duration
	MaxRSS      int64 // bytes
	MinorFaults int64
	MajorFaults int64
	ExitCode    int
	Inits       []inittrace.Init // traced runs only
	Warnings    []error          // inittrace syntax warnings
}

// Error is a failed run: the target crashed, exited with an unaccepted code,
// timed out, or printed no init trace.
type Error struct {
	Name string // target
	Run  int    // 1-based, counting warmups
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("run %d of %s: %s", e.Run, e.Name, e.Msg) }

// Execute runs cfg.Warmup then cfg.Runs pairs and returns the counted runs in
// the order they ran. The first failed run stops everything and comes back
// as an *Error.
func Execute(ctx context.Context, cfg Config) ([]Run, error) {
	s, err := NewSession([]Config{cfg})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.Warmup(ctx); err != nil {
		return nil, err
	}
	for range cfg.Runs {
		if err := s.Pair(ctx); err != nil {
			return nil, err
		}
	}
	return s.Runs()[0], nil
}

// Session runs several targets side by side: each round gives every target
// one traced and one untraced run, with the order of targets and of run
// kinds alternating between rounds (ABBA), so that drift on the machine hits
// every target and both kinds alike. Comparing two builds needs this: their
// runs must never be batched.
type Session struct {
	cfgs   []Config
	tmp    string
	rounds int     // rounds done, warmups included
	seq    []int   // runs done per target, warmups included
	runs   [][]Run // counted runs per target
}

// NewSession prepares a session; Close removes its temporary files.
// Warmup counts and Progress come from each target's own Config.
func NewSession(cfgs []Config) (*Session, error) {
	if len(cfgs) == 0 {
		return nil, fmt.Errorf("running: no targets")
	}
	tmp, err := os.MkdirTemp("", "coldstart-run-")
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", cfgs[0].Name, err)
	}
	return &Session{cfgs: cfgs, tmp: tmp, seq: make([]int, len(cfgs)), runs: make([][]Run, len(cfgs))}, nil
}

// Close removes the session's temporary files.
func (s *Session) Close() error { return os.RemoveAll(s.tmp) }

// Runs returns the counted runs so far, per target, in the order they ran.
func (s *Session) Runs() [][]Run { return s.runs }

// Warmup runs the uncounted rounds: the largest Warmup of the targets.
func (s *Session) Warmup(ctx context.Context) error {
	w := 0
	for _, c := range s.cfgs {
		w = max(w, c.Warmup)
	}
	for range w {
		if err := s.round(ctx, false); err != nil {
			return err
		}
	}
	return nil
}

// Pair runs one counted round.
func (s *Session) Pair(ctx context.Context) error { return s.round(ctx, true) }

func (s *Session) round(ctx context.Context, counted bool) error {
	flip := s.rounds%2 == 1
	s.rounds++
	for k := range s.cfgs {
		i := k
		if flip {
			i = len(s.cfgs) - 1 - k
		}
		kinds := []bool{true, false}
		if flip {
			kinds = []bool{false, true}
		}
		for _, traced := range kinds {
			if err := s.one(ctx, i, traced, counted); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Session) one(ctx context.Context, i int, traced, counted bool) error {
	cfg := s.cfgs[i]
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("running %s: %w", cfg.Name, err)
	}
	dir := filepath.Join(s.tmp, strconv.Itoa(i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("running %s: %w", cfg.Name, err)
	}
	idx := s.seq[i]
	r, err := once(ctx, cfg, dir, idx, traced)
	if err != nil {
		return err
	}
	s.seq[i]++
	if cfg.Progress != nil {
		cfg.Progress(s.seq[i], 2*(cfg.Warmup+cfg.Runs))
	}
	if !counted {
		return nil
	}
	s.runs[i] = append(s.runs[i], r)
	if traced && cfg.KeepTraces != "" {
		dst := filepath.Join(cfg.KeepTraces, fmt.Sprintf("run-%03d.stderr", len(s.runs[i])))
		if err := os.Rename(stderrPath(dir, true), dst); err != nil {
			return fmt.Errorf("keeping the trace of run %d of %s: %w", idx+1, cfg.Name, err)
		}
	}
	return nil
}

// stderrPath is where a run's stderr goes: one file per kind of run,
// truncated by the next run of that kind, so that no run pays for creating
// and removing files beyond the one open.
func stderrPath(dir string, traced bool) string {
	if traced {
		return filepath.Join(dir, "stderr-traced")
	}
	return filepath.Join(dir, "stderr")
}

// once performs run number idx (0-based).
func once(ctx context.Context, cfg Config, tmp string, idx int, traced bool) (Run, error) {
	fail := func(format string, args ...any) error {
		return &Error{Name: cfg.Name, Run: idx + 1, Msg: fmt.Sprintf(format, args...)}
	}
	errPath := stderrPath(tmp, traced)
	errFile, err := os.Create(errPath)
	if err != nil {
		return Run{}, fmt.Errorf("running %s: %w", cfg.Name, err)
	}
	defer errFile.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return Run{}, fmt.Errorf("running %s: %w", cfg.Name, err)
	}
	defer devnull.Close()

	cmd := exec.Command(cfg.Binary, cfg.Args...)
	cmd.Dir = cfg.Dir
	cmd.Env = Env(cfg.Env, traced)
	cmd.Stdin = devnull
	cmd.Stdout = devnull
	cmd.Stderr = errFile
	// Its own process group, so that everything it starts can be stopped.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	var watch *logWatch
	var pipeW *os.File
	if cfg.Ready.Log != nil {
		// One pipe for both streams: the watcher copies them into the
		// stderr file and looks for the readiness line.
		pr, pw, err := os.Pipe()
		if err != nil {
			return Run{}, fmt.Errorf("running %s: %w", cfg.Name, err)
		}
		defer pr.Close()
		watch = newLogWatch(cfg.Ready.Log, errFile, pr)
		cmd.Stdout, cmd.Stderr = pw, pw
		pipeW = pw
	}

	start := time.Now()
	if err := cmd.Start(); err != nil {
		if pipeW != nil {
			pipeW.Close()
		}
		return Run{}, fail("starting: %v", err)
	}
	if pipeW != nil {
		pipeW.Close() // the target holds its own copy
	}
	pgid := cmd.Process.Pid
	// Whatever happens from here on, nothing of the target's group outlives
	// this function.
	defer syscall.Kill(-pgid, syscall.SIGKILL)
	if watch != nil {
		watch.start()
	}

	r := Run{Index: idx, Traced: traced}
	var waitErr error
	if cfg.Ready.server() {
		var err error
		r.Wall, waitErr, err = waitReady(ctx, cfg, cmd, pgid, start, watch)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Run = idx + 1
				if e.Msg == "" {
					e.Msg = fmt.Sprintf("not ready after %v (%s); %s", cfg.Timeout, cfg.Ready.wanted(), lastInit(errPath, watch, traced))
				} else if strings.HasPrefix(e.Msg, "exited before") {
					e.Msg += tail(errPath, watch)
				}
			}
			return Run{}, err
		}
	} else {
		// A target that exits is reaped right here, not in a goroutine:
		// a goroutine blocked in wait needs a thread of its own, which the
		// runtime would create while the target starts, competing with it
		// for the CPU (measured: +4% wall against hyperfine -N). The timeout
		// and cancellation kill the process group from timers instead.
		var timedOut atomic.Bool
		t := time.AfterFunc(cfg.Timeout, func() {
			timedOut.Store(true)
			syscall.Kill(-pgid, syscall.SIGKILL)
		})
		if cfg.Timeout <= 0 {
			t.Stop() // no limit
		}
		stopCancel := context.AfterFunc(ctx, func() { syscall.Kill(-pgid, syscall.SIGKILL) })
		waitErr = cmd.Wait()
		r.Wall = time.Since(start)
		t.Stop()
		stopCancel()
		if timedOut.Load() {
			return Run{}, fail("timed out after %v; %s", cfg.Timeout, lastInit(errPath, watch, traced))
		}
		if err := ctx.Err(); err != nil {
			return Run{}, fmt.Errorf("running %s: %w", cfg.Name, err)
		}
	}
	if watch != nil {
		watch.wait()
	}

	if st := cmd.ProcessState; st != nil {
		r.ExitCode = st.ExitCode()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			r.User = time.Duration(ru.Utime.Nano())
			r.Sys = time.Duration(ru.Stime.Nano())
			r.MaxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
			r.MinorFaults = ru.Minflt
			r.MajorFaults = ru.Majflt
		}
	}
	if !cfg.Ready.server() && !accepted(cfg.AcceptExit, waitErr, r.ExitCode) {
		return Run{}, fail("%s%s", exitText(waitErr), tail(errPath, watch))
	}

	if traced {
		if err := errFile.Sync(); err != nil {
			return Run{}, fmt.Errorf("running %s: %w", cfg.Name, err)
		}
		data, err := os.ReadFile(errPath)
		if err != nil {
			return Run{}, fmt.Errorf("running %s: reading its stderr: %w", cfg.Name, err)
		}
		r.Inits, r.Warnings = inittrace.Parse(data, fmt.Sprintf("stderr of run %d", idx+1))
		if len(r.Inits) == 0 {
			return Run{}, fail("printed no inittrace lines with GODEBUG=inittrace=1: is this a Go 1.16+ binary?")
		}
	}
	return r, nil
}

// Env returns env with GODEBUG extended by inittrace=1 for a traced run.
// A GODEBUG the user set is kept: later settings win in GODEBUG, so the
// trace setting is appended.
func Env(env []string, traced bool) []string {
	out := slices.Clone(env)
	if !traced {
		return out
	}
	for i, kv := range out {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			if v == "" {
				out[i] = "GODEBUG=inittrace=1"
			} else {
				out[i] = "GODEBUG=" + v + ",inittrace=1"
			}
			return out
		}
	}
	return append(out, "GODEBUG=inittrace=1")
}

func accepted(codes []int, waitErr error, code int) bool {
	var ee *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &ee) {
		return false
	}
	if code < 0 { // killed by a signal
		return false
	}
	if len(codes) == 0 {
		return code == 0
	}
	return slices.Contains(codes, code)
}

func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// waitReady waits for a server to be ready, exit, time out or be
// cancelled, and stops it once ready. A timeout comes back as an *Error
// with an empty Msg for the caller to fill in.
func waitReady(ctx context.Context, cfg Config, cmd *exec.Cmd, pgid int, start time.Time, watch *logWatch) (wall time.Duration, waitErr, err error) {
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	stopPoll := make(chan struct{})
	defer close(stopPoll)
	var ready <-chan struct{}
	if watch != nil {
		ready = watch.ready
	} else {
		ready = pollPort(cfg.Ready.Addr, stopPoll)
	}
	t := time.NewTimer(cfg.Timeout)
	defer t.Stop()
	if cfg.Timeout <= 0 {
		t.Stop() // no limit
	}

	select {
	case waitErr = <-exited:
		return 0, nil, &Error{Name: cfg.Name, Msg: fmt.Sprintf("exited before it was ready (%s): %s", cfg.Ready, exitText(waitErr))}
	case <-ready:
		wall = time.Since(start)
		return wall, stop(pgid, cfg.Ready.Grace, exited), nil
	case <-t.C:
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-exited
		return 0, nil, &Error{Name: cfg.Name}
	case <-ctx.Done():
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-exited
		return 0, nil, fmt.Errorf("running %s: %w", cfg.Name, ctx.Err())
	}
}

// stop ends a ready server: SIGTERM to its whole group, then SIGKILL after
// the grace period.
func stop(pgid int, grace time.Duration, exited <-chan error) error {
	syscall.Kill(-pgid, syscall.SIGTERM)
	if grace <= 0 {
		grace = 2 * time.Second
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case err := <-exited:
		return err
	case <-t.C:
		syscall.Kill(-pgid, syscall.SIGKILL)
		return <-exited
	}
}

// pollPort reports when addr accepts a TCP connection. It polls every
// millisecond: finer polling would compete with the target for the CPU on
// small machines, coarser would blur the readiness time.
func pollPort(addr string, stop <-chan struct{}) <-chan struct{} {
	ready := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
			if err == nil {
				c.Close()
				close(ready)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return ready
}

// logWatch copies a server's stdout and stderr into the stderr file line by
// line and reports the first line that matches the readiness pattern.
type logWatch struct {
	re    *regexp.Regexp
	out   *os.File
	in    io.Reader
	ready chan struct{}
	done  chan struct{}
}

func newLogWatch(re *regexp.Regexp, out *os.File, in io.Reader) *logWatch {
	return &logWatch{re: re, out: out, in: in, ready: make(chan struct{}), done: make(chan struct{})}
}

// start copies until every writer of the pipe is gone: the target and
// anything it started, which the runner kills by process group.
func (w *logWatch) start() {
	go func() {
		defer close(w.done)
		br := bufio.NewReaderSize(w.in, 64*1024)
		matched := false
		for {
			line, err := br.ReadSlice('\n')
			if len(line) > 0 {
				w.out.Write(line)
				if !matched && w.re.Match(bytes.TrimRight(line, "\r\n")) {
					matched = true
					close(w.ready)
				}
			}
			if err == bufio.ErrBufferFull {
				continue // an over-long line: copied in pieces, matched per piece
			}
			if err != nil {
				return
			}
		}
	}()
}

func (w *logWatch) wait() { <-w.done }

// tail returns the end of the target's own stderr (init lines removed) for
// error messages: the panic or fatal error line if there is one, since the
// goroutine dump after it says less in one line, else the last three lines.
func tail(path string, w *logWatch) string {
	if w != nil {
		w.wait()
	}
	data, _ := os.ReadFile(path)
	var keep []string
	for line := range bytes.Lines(data) {
		s := strings.TrimRight(string(line), "\r\n")
		if s == "" || strings.HasPrefix(s, "init ") {
			continue
		}
		if strings.HasPrefix(s, "panic: ") || strings.HasPrefix(s, "fatal error: ") {
			return ": " + s
		}
		keep = append(keep, s)
	}
	if len(keep) == 0 {
		return ""
	}
	if len(keep) > 3 {
		keep = keep[len(keep)-3:]
	}
	return ": " + strings.Join(keep, " | ")
}

// lastInit names the last package whose init finished in a run that hung:
// inittrace prints a line after its init finishes, so the hang is in the
// init after it or in main.
func lastInit(path string, w *logWatch, traced bool) string {
	if !traced {
		return "untraced run (no init trace to show where it hung)"
	}
	if w != nil {
		w.wait()
	}
	data, _ := os.ReadFile(path)
	inits, _ := inittrace.Parse(data, path)
	if len(inits) == 0 {
		return "no package init had finished"
	}
	last := inits[len(inits)-1]
	return fmt.Sprintf("the last init that finished was %s (%d inits done); the hang is in a later init or in main", last.Package, len(inits))
}
