// Package scenario reads scenario files: what to measure and how. It is the
// first stage of the pipeline: scenario -> build -> runner.
//
// A scenario file is YAML:
//
//	name: example                 # default: the file name without .yaml
//	target: ./targets/cli         # package dir, import path, module@version or executable
//	dir: ..                       # where the target is built and run; relative to this file; default: its directory
//	build_flags: [-trimpath]      # passed to go build / go install
//	args: [version]               # arguments for the target
//	env: {GOGC: "off"}            # added to the environment
//	runs: 30                      # counted pairs of runs (one traced, one untraced)
//	warmup: 3                     # uncounted pairs first
//	timeout: 10s                  # per run
//	accept_exit: [0, 2]           # exit codes of a normal run; default [0]
//	ready:                        # for servers; default: measure to exit
//	  log: "listening on"         # regexp matched against each stdout/stderr line
//	  port: 127.0.0.1:8080        # or: a TCP address that accepts
//	  grace: 2s                   # SIGTERM to SIGKILL
//	budgets: budgets.yaml         # checked by coldstart check and nightly; relative to this file
//	go_telemetry: off             # run with Go telemetry off (a temporary XDG_CONFIG_HOME), as gopls needs
//
// Every error names the file and line.
package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario is one parsed scenario file. Paths are resolved: Dir and Budgets
// are absolute or relative to the process's working directory.
type Scenario struct {
	File         string
	Name         string
	Target       string
	Dir          string
	BuildFlags   []string
	Args         []string
	Env          []string // KEY=VALUE, in file order
	Runs         int      // 0: not set
	Warmup       int      // -1: not set
	Timeout      time.Duration
	AcceptExit   []int
	ReadyLog     string
	ReadyPort    string
	Grace        time.Duration
	Budgets      string
	TelemetryOff bool
}

// Error is a problem at a position in a scenario file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Load reads and parses the scenario file at path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading scenario: %w", err)
	}
	return Parse(data, path)
}

// Parse parses a scenario file's contents; file names it in errors and is
// the base for relative paths.
func Parse(data []byte, file string) (*Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{file, 1, "empty scenario file"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{file, root.Line, "a scenario is a mapping of keys (name, target, args, ...)"}
	}
	base := filepath.Dir(file)
	s := &Scenario{File: file, Warmup: -1, Dir: base}
	p := parser{file: file}
	var readyLine int
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "name":
			s.Name = p.str(v)
		case "target":
			s.Target = p.str(v)
		case "dir":
			s.Dir = join(base, p.str(v))
		case "build_flags":
			s.BuildFlags = p.strs(v)
		case "args":
			s.Args = p.strs(v)
		case "env":
			s.Env = p.env(v)
		case "runs":
			s.Runs = p.count(v, 1)
		case "warmup":
			s.Warmup = p.count(v, 0)
		case "timeout":
			s.Timeout = p.duration(v)
		case "accept_exit":
			s.AcceptExit = p.ints(v)
		case "ready":
			readyLine = k.Line
			p.ready(v, s)
		case "budgets":
			s.Budgets = join(base, p.str(v))
		case "go_telemetry":
			switch t := p.str(v); t {
			case "off":
				s.TelemetryOff = true
			case "on", "":
			default:
				p.errorf(v, "go_telemetry is on or off, not %q", t)
			}
		default:
			p.errorf(k, "unknown key %q", k.Value)
		}
		if p.err != nil {
			return nil, p.err
		}
	}
	if s.Target == "" {
		return nil, &Error{file, root.Line, "no target: say what to measure (target: ./cmd/app)"}
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(file), ".yaml"), ".yml")
	}
	if s.ReadyLog != "" && s.ReadyPort != "" {
		return nil, &Error{file, readyLine, "ready: give log or port, not both"}
	}
	return s, nil
}

func join(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

// parser keeps the first error; its methods return zero values after it.
type parser struct {
	file string
	err  error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{p.file, n.Line, fmt.Sprintf(format, args...)}
	}
}

func (p *parser) str(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "want a single value here")
		return ""
	}
	return n.Value
}

func (p *parser) strs(n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "want a list here, like [a, b]")
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, p.str(c))
	}
	return out
}

func (p *parser) ints(n *yaml.Node) []int {
	var out []int
	for _, s := range p.strs(n) {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 255 {
			p.errorf(n, "exit code %q is not a number from 0 to 255", s)
			return nil
		}
		out = append(out, v)
	}
	return out
}

func (p *parser) count(n *yaml.Node, min int) int {
	s := p.str(n)
	v, err := strconv.Atoi(s)
	if err != nil || v < min || v > 1_000_000 {
		p.errorf(n, "%q is not a whole number of runs from %d up", s, min)
		return 0
	}
	return v
}

func (p *parser) duration(n *yaml.Node) time.Duration {
	s := p.str(n)
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.errorf(n, "%q is not a positive duration like 10s or 500ms", s)
		return 0
	}
	return d
}

func (p *parser) env(n *yaml.Node) []string {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "env is a mapping of NAME: value")
		return nil
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := p.str(n.Content[i])
		v := p.str(n.Content[i+1])
		if k == "" || strings.ContainsAny(k, "= \x00") {
			p.errorf(n.Content[i], "bad environment variable name %q", k)
			return nil
		}
		out = append(out, k+"="+v)
	}
	return out
}

func (p *parser) ready(n *yaml.Node, s *Scenario) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "ready is a mapping with log, port or grace")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "log":
			s.ReadyLog = p.str(v)
			if _, err := regexp.Compile(s.ReadyLog); err != nil {
				p.errorf(v, "ready log pattern: %v", err)
			}
		case "port":
			addr, err := ReadyAddr(p.str(v))
			if err != nil {
				p.errorf(v, "ready port: %v", err)
			}
			s.ReadyPort = addr
		case "grace":
			s.Grace = p.duration(v)
		default:
			p.errorf(k, "unknown key %q in ready", k.Value)
		}
	}
}

// ReadyAddr checks the address a server is ready at, host:port or a port
// number alone (on 127.0.0.1), and returns it as host:port.
func ReadyAddr(s string) (string, error) {
	addr := s
	if !strings.Contains(addr, ":") {
		addr = "127.0.0.1:" + addr
	}
	i := strings.LastIndexByte(addr, ':')
	if v, err := strconv.Atoi(addr[i+1:]); err != nil || v < 1 || v > 65535 {
		return "", fmt.Errorf("%q is not host:port or a port number from 1 to 65535", s)
	}
	return addr, nil
}

// yamlError turns the YAML library's "yaml: line N: msg" into a positioned
// Error.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ":"); ok {
			if v, err := strconv.Atoi(num); err == nil {
				line, msg = v, strings.TrimSpace(tail)
			}
		}
	}
	return &Error{file, line, msg}
}
