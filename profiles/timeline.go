package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// Trace is a trace-event file in its JSON object form, as Perfetto and
// chrome://tracing load it.
type Trace struct {
	TraceEvents     []Event           `json:"traceEvents"`
	DisplayTimeUnit string            `json:"displayTimeUnit"`
	OtherData       map[string]string `json:"otherData,omitempty"`
}

// Event is one trace event: a complete event ("ph": "X") for a package's
// init, or a metadata event ("ph": "M") naming the process or thread.
// Times are in microseconds.
type Event struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"` // complete events only
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	Args map[string]any `json:"args,omitempty"`
}

// The process and thread of every event: one program, whose inits run one
// after another.
const (
	tracePid = 1
	traceTid = 1
)

// Timeline returns the inits of r's representative run as a trace, laid out
// by their printed start and clock (see the package comment). g, which may
// be nil, supplies each package's module and direct dependency.
func Timeline(r *result.Result, g *importgraph.Graph) (*Trace, error) {
	if r == nil || len(r.Timeline) == 0 {
		return nil, errors.New("building init timeline: the result has no timeline")
	}
	t := &Trace{
		DisplayTimeUnit: "ms",
		OtherData: map[string]string{
			"target": r.Target.Spec,
			"runs":   strconv.Itoa(r.Runs),
			"run":    "the traced run whose total init is closest to the median",
			"clock":  "from the start of runtime.main, as GODEBUG=inittrace=1 prints it",
		},
	}
	if v := r.Target.GoVersion; v != "" {
		t.OtherData["go_version"] = v
	}
	if len(r.Command) > 0 {
		t.OtherData["command"] = strings.Join(r.Command, " ")
	}
	t.TraceEvents = append(t.TraceEvents,
		Event{Name: "process_name", Ph: "M", Pid: tracePid, Tid: traceTid, Args: map[string]any{"name": "coldstart: " + r.Target.Spec}},
		Event{Name: "thread_name", Ph: "M", Pid: tracePid, Tid: traceTid, Args: map[string]any{"name": "package init"}},
	)
	var end int64 // of the previous event, in nanoseconds
	for _, s := range r.Timeline {
		if s.StartNs < 0 || s.ClockNs < 0 {
			return nil, fmt.Errorf("building init timeline: %s has a negative start or clock", s.Path)
		}
		start := max(s.StartNs, end)
		end = start + s.ClockNs
		dur := micros(s.ClockNs)
		args := map[string]any{
			"bytes":    s.Bytes,
			"allocs":   s.Allocs,
			"start_ns": s.StartNs,
			"clock_ns": s.ClockNs,
		}
		path := graphPath(g, s.Path)
		if g != nil && g.Has(path) {
			args["module"] = moduleName(g, path)
			if g.HasEdges() {
				dep := g.DirectDep(path)
				if dep == "" {
					dep = moduleName(g, path)
				}
				args["direct_dep"] = dep
			}
		}
		t.TraceEvents = append(t.TraceEvents, Event{
			Name: path, Cat: "init", Ph: "X",
			Ts: micros(start), Dur: &dur,
			Pid: tracePid, Tid: traceTid,
			Args: args,
		})
	}
	return t, nil
}

// micros converts nanoseconds to microseconds.
func micros(ns int64) float64 { return float64(ns) / 1e3 }

// WriteJSON writes t as indented JSON.
func (t *Trace) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(t)
}
