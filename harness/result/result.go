// Package result is the measured cold start of one target: per-package and
// total statistics built from the runner's runs, and the versioned JSON
// schema that `coldstart run -format json` writes and `diff`, `check`,
// `history` and `evidence` read back. It is the stage after stats in the
// pipeline: runner -> inittrace -> stats -> result -> budget/compare/report.
//
// Units: every duration is in nanoseconds, bytes in bytes, counts as counts,
// all as float64 inside stats summaries because medians of even samples and
// means are not whole numbers.
package result

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/coldstart-dev/coldstart/harness/stats"
	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Schema names the JSON layout written by WriteJSON. It changes only when a
// field changes meaning or disappears; added fields keep the version.
const Schema = "coldstart/run/v1"

// Result is one measurement of one target.
type Result struct {
	Schema   string    `json:"schema"`
	Date     time.Time `json:"date"`
	Command  []string  `json:"command,omitempty"` // the coldstart command line that produced it
	Target   Target    `json:"target"`
	Machine  Machine   `json:"machine"`
	Settings Settings  `json:"settings"`
	// Runs is the number of counted traced runs; the same number of
	// untraced runs, interleaved with them, measured wall time and rusage.
	Runs     int       `json:"runs"`
	Total    Total     `json:"total"`
	Packages []Package `json:"packages"` // by median clock, heaviest first, then by path
	// Timeline is the init sequence of the representative traced run: the
	// one whose total init is closest to the median.
	Timeline []Span   `json:"timeline"`
	Warnings []string `json:"warnings,omitempty"`
}

// Target says what was measured.
type Target struct {
	Spec        string   `json:"spec"` // as the user gave it: ./cmd/api, mod@v1.2.3, ./bin/api
	Kind        string   `json:"kind"` // "package", "module" or "binary"
	Binary      string   `json:"binary"`
	Args        []string `json:"args,omitempty"`
	MainPackage string   `json:"main_package,omitempty"`
	Module      string   `json:"module,omitempty"`
	Version     string   `json:"module_version,omitempty"`
	GoVersion   string   `json:"go_version,omitempty"`
	Revision    string   `json:"revision,omitempty"`
	BuildFlags  []string `json:"build_flags,omitempty"`
}

// Machine identifies the machine a result was measured on. Results are only
// comparable over time when their fingerprints match.
type Machine struct {
	OS     string `json:"os"`
	Arch   string `json:"arch"`
	CPU    string `json:"cpu"`
	Cores  int    `json:"cores"`
	Kernel string `json:"kernel"`
}

// Fingerprint is a short stable text identifying the machine's kind.
func (m Machine) Fingerprint() string {
	return fmt.Sprintf("%s/%s %s x%d %s", m.OS, m.Arch, m.CPU, m.Cores, m.Kernel)
}

// Settings are the run settings in force.
type Settings struct {
	Runs       int      `json:"runs"`
	Warmup     int      `json:"warmup"`
	TimeoutNs  int64    `json:"timeout_ns"`
	Env        []string `json:"env,omitempty"` // only the variables coldstart added or the user set
	Dir        string   `json:"dir,omitempty"`
	AcceptExit []int    `json:"accept_exit,omitempty"`
	Ready      string   `json:"ready,omitempty"` // "exit", "log:REGEXP" or "port:ADDR"
}

// Metric is the summary of one quantity over the counted runs, with the
// per-run values in run order so that later analysis can recompute.
type Metric struct {
	stats.Summary
	Values   []float64       `json:"values"`
	Warnings []stats.Warning `json:"warnings,omitempty"`
}

// NewMetric summarises values (kept in the given order).
func NewMetric(values []float64) Metric { return newMetric(values, unit.Count) }

// newMetric is NewMetric with warnings that format values with format.
func newMetric(values []float64, format func(float64) string) Metric {
	return Metric{
		Summary:  stats.Summarize(values),
		Values:   values,
		Warnings: stats.CheckIn(values, format),
	}
}

// Total holds whole-process quantities.
type Total struct {
	// InitNs is the sum of all packages' init clock, per traced run.
	InitNs Metric `json:"init_ns"`
	// InitEndNs is the end of the last init (its @ start plus clock) from the
	// start of runtime.main, per traced run.
	InitEndNs Metric `json:"init_end_ns"`
	// WallNs is the harness's own clock from process start to exit (or to
	// readiness), per untraced run.
	WallNs Metric `json:"wall_ns"`
	// OutsideInitNs is what inittrace cannot see: exec, the loader, runtime
	// bootstrap before runtime.main, and main itself up to exit or
	// readiness. Per traced run, its wall minus its last init end.
	OutsideInitNs Metric `json:"outside_init_ns"`
	// TracedWallNs is the wall time of the traced runs, shown beside WallNs
	// so that the cost of tracing itself is visible.
	TracedWallNs Metric `json:"traced_wall_ns"`
	UserNs       Metric `json:"user_ns"`
	SysNs        Metric `json:"sys_ns"`
	MaxRSSBytes  Metric `json:"max_rss_bytes"`
	MinorFaults  Metric `json:"minor_faults"`
	MajorFaults  Metric `json:"major_faults"`
	Bytes        Metric `json:"bytes"`  // heap bytes allocated by all inits
	Allocs       Metric `json:"allocs"` // heap allocations by all inits
	Packages     int    `json:"packages"`
}

// Package is one package's init over the traced runs.
type Package struct {
	Path string `json:"path"`
	// Runs is the number of traced runs in which the package's init line
	// appeared; it is less than Result.Runs only when a run stopped early.
	Runs    int     `json:"runs"`
	Order   int     `json:"order"` // position in the init order of the first traced run
	ClockNs Metric  `json:"clock_ns"`
	StartNs Metric  `json:"start_ns"`
	Bytes   Metric  `json:"bytes"`
	Allocs  Metric  `json:"allocs"`
	Share   float64 `json:"share"` // median clock over median total init
}

// Span is one package's init in one run.
type Span struct {
	Path    string `json:"path"`
	StartNs int64  `json:"start_ns"`
	ClockNs int64  `json:"clock_ns"`
	Bytes   int64  `json:"bytes"`
	Allocs  int64  `json:"allocs"`
}

// Package returns the named package's statistics.
func (r *Result) Package(path string) (*Package, bool) {
	for i := range r.Packages {
		if r.Packages[i].Path == path {
			return &r.Packages[i], true
		}
	}
	return nil, false
}

// WriteJSON writes r as indented JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Read decodes a result written by WriteJSON; name is used in errors.
func Read(rd io.Reader, name string) (*Result, error) {
	var r Result
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reading result %s: %w", name, err)
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("reading result %s: schema %q, want %q (was it written by coldstart run -format json?)", name, r.Schema, Schema)
	}
	return &r, nil
}
