package scenario

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	src := `name: api
target: ./cmd/api
dir: ..
build_flags: [-trimpath, -tags=prod]
args: [serve, --quiet]
env:
  GOGC: "off"
  MODE: test
runs: 40
warmup: 0
timeout: 5s
accept_exit: [0, 2]
ready:
  port: 8080
  grace: 1s
budgets: api.budgets.yaml
go_telemetry: off
`
	s, err := Parse([]byte(src), "scen/api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Scenario{
		File: "scen/api.yaml", Name: "api", Target: "./cmd/api", Dir: ".",
		BuildFlags: []string{"-trimpath", "-tags=prod"}, Args: []string{"serve", "--quiet"},
		Env: []string{"GOGC=off", "MODE=test"}, Runs: 40, Warmup: 0, Timeout: 5 * time.Second,
		AcceptExit: []int{0, 2}, ReadyPort: "127.0.0.1:8080", Grace: time.Second,
		Budgets: filepath.Join("scen", "api.budgets.yaml"), TelemetryOff: true,
	}
	if s.File != want.File || s.Name != want.Name || s.Target != want.Target || s.Dir != want.Dir ||
		!slices.Equal(s.BuildFlags, want.BuildFlags) || !slices.Equal(s.Args, want.Args) ||
		!slices.Equal(s.Env, want.Env) || s.Runs != want.Runs || s.Warmup != want.Warmup ||
		s.Timeout != want.Timeout || !slices.Equal(s.AcceptExit, want.AcceptExit) ||
		s.ReadyPort != want.ReadyPort || s.Grace != want.Grace || s.Budgets != want.Budgets ||
		s.TelemetryOff != want.TelemetryOff {
		t.Errorf("got  %+v\nwant %+v", *s, want)
	}
}

func TestParseDefaults(t *testing.T) {
	s, err := Parse([]byte("target: ./x\n"), "dir/my-app.yml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "my-app" || s.Dir != "dir" || s.Warmup != -1 || s.Runs != 0 {
		t.Errorf("defaults: %+v", *s)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "f.yaml:1: empty scenario file"},
		{"- a\n- b\n", "f.yaml:1: a scenario is a mapping of keys (name, target, args, ...)"},
		{"name: x\n", "f.yaml:1: no target: say what to measure (target: ./cmd/app)"},
		{"target: x\nrunz: 3\n", `f.yaml:2: unknown key "runz"`},
		{"target: x\nruns: 0\n", `f.yaml:2: "0" is not a whole number of runs from 1 up`},
		{"target: x\nwarmup: -1\n", `f.yaml:2: "-1" is not a whole number of runs from 0 up`},
		{"target: x\ntimeout: 5\n", `f.yaml:2: "5" is not a positive duration like 10s or 500ms`},
		{"target: x\nargs: version\n", "f.yaml:2: want a list here, like [a, b]"},
		{"target: x\nargs: [[a]]\n", "f.yaml:2: want a single value here"},
		{"target: x\nenv: [A=B]\n", "f.yaml:2: env is a mapping of NAME: value"},
		{"target: x\nenv:\n  'A=B': c\n", `f.yaml:3: bad environment variable name "A=B"`},
		{"target: x\naccept_exit: [0, 300]\n", `f.yaml:2: exit code "300" is not a number from 0 to 255`},
		{"target: x\nready:\n  log: '('\n", "f.yaml:3: ready log pattern: error parsing regexp: missing closing ): `(`"},
		{"target: x\nready:\n  port: 'host:'\n", `f.yaml:3: ready port: "host:" is not host:port or a port number from 1 to 65535`},
		{"target: x\nready:\n  port: 99999\n", `f.yaml:3: ready port: "99999" is not host:port or a port number from 1 to 65535`},
		{"target: x\nready:\n  when: now\n", `f.yaml:3: unknown key "when" in ready`},
		{"target: x\nready: yes\n", "f.yaml:2: ready is a mapping with log, port or grace"},
		{"target: x\ngo_telemetry: maybe\n", `f.yaml:2: go_telemetry is on or off, not "maybe"`},
		{"target: [x\n", "f.yaml:1: did not find expected ',' or ']'"},
		{"target: x\nready:\n  log: a\n  port: 1\n", "f.yaml:2: ready: give log or port, not both"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.src), "f.yaml")
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.src, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("target: ./x\nargs: [a]\nenv: {A: b}\nready: {port: 80}\n"))
	f.Add([]byte("name: n\ntarget: m@v1\nruns: 3\nwarmup: 1\ntimeout: 1s\naccept_exit: [0]\n"))
	f.Add([]byte("target: x\nready:\n  log: 'ok'\n  grace: 1s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "f.yaml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || !strings.HasPrefix(err.Error(), "f.yaml:") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		if s.Target == "" {
			t.Fatal("parsed a scenario with no target")
		}
	})
}
