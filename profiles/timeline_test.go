package profiles_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/profiles"
)

// TestTimelineSchema checks the written JSON as a trace-event file, decoded
// without the package's own types: required fields and their types, complete
// events on one thread sorted by ts and not overlapping, each within the
// resolution of its printed start and as long as its printed clock.
func TestTimelineSchema(t *testing.T) {
	r, g := fixture(t)
	tr, err := profiles.Timeline(r, g)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, buf.Bytes(), len(r.Timeline))

	// The fixture's representative run has printed spans that overlap.
	overlaps := 0
	for i := 1; i < len(r.Timeline); i++ {
		prev := r.Timeline[i-1]
		if prev.StartNs+prev.ClockNs > r.Timeline[i].StartNs {
			overlaps++
		}
	}
	if overlaps == 0 {
		t.Errorf("no overlapping printed spans in the representative run: the layout is not exercised")
	}

	// Module and direct dependency come from the graph.
	for _, e := range tr.TraceEvents {
		if e.Name == pZ && (e.Args["module"] != "example.com/deep" || e.Args["direct_dep"] != "example.com/ext") {
			t.Errorf("args of %s: %v", pZ, e.Args)
		}
		if e.Name == "main" {
			t.Errorf("event named main, want %s", pMain)
		}
	}
}

// checkTrace validates data as trace-event JSON holding n complete events.
func checkTrace(t *testing.T, data []byte, n int) {
	t.Helper()
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	events, ok := file["traceEvents"].([]any)
	if !ok {
		t.Fatalf("traceEvents is %T, want an array", file["traceEvents"])
	}
	if u, ok := file["displayTimeUnit"].(string); !ok || (u != "ms" && u != "ns") {
		t.Errorf("displayTimeUnit = %v", file["displayTimeUnit"])
	}
	var complete int
	var prevEnd int64 = -1
	for i, raw := range events {
		e, ok := raw.(map[string]any)
		if !ok {
			t.Fatalf("event %d is %T", i, raw)
		}
		for _, key := range []string{"name", "ph"} {
			if _, ok := e[key].(string); !ok {
				t.Errorf("event %d: %s is %T, want a string", i, key, e[key])
			}
		}
		for _, key := range []string{"ts", "pid", "tid"} {
			if _, ok := e[key].(float64); !ok {
				t.Errorf("event %d: %s is %T, want a number", i, key, e[key])
			}
		}
		switch e["ph"] {
		case "M":
			args, _ := e["args"].(map[string]any)
			if _, ok := args["name"].(string); !ok {
				t.Errorf("metadata event %d without args.name: %v", i, e)
			}
			continue
		case "X":
		default:
			t.Errorf("event %d: ph %v", i, e["ph"])
			continue
		}
		complete++
		if e["pid"] != 1.0 || e["tid"] != 1.0 {
			t.Errorf("event %d on pid %v tid %v, want one thread", i, e["pid"], e["tid"])
		}
		dur, ok := e["dur"].(float64)
		if !ok || dur < 0 {
			t.Errorf("event %d: dur %v", i, e["dur"])
		}
		args, ok := e["args"].(map[string]any)
		if !ok {
			t.Fatalf("event %d: args %T", i, e["args"])
		}
		for _, key := range []string{"bytes", "allocs", "start_ns", "clock_ns"} {
			if _, ok := args[key].(float64); !ok {
				t.Errorf("event %d: args.%s is %T, want a number", i, key, args[key])
			}
		}
		if m, ok := args["module"]; ok {
			if _, ok := m.(string); !ok {
				t.Errorf("event %d: args.module is %T", i, m)
			}
		}
		// In whole nanoseconds, free of float rounding.
		ts := int64(math.Round(e["ts"].(float64) * 1e3))
		end := ts + int64(math.Round(dur*1e3))
		printed := int64(args["start_ns"].(float64))
		if ts < prevEnd {
			t.Errorf("event %d (%v) starts at %d ns, before the previous one ends at %d", i, e["name"], ts, prevEnd)
		}
		if res := int64(inittrace.Resolution(time.Duration(printed))); ts < printed || ts >= printed+res {
			t.Errorf("event %d (%v) at %d ns, printed start %d ns (resolution %d)", i, e["name"], ts, printed, res)
		}
		if clock := int64(args["clock_ns"].(float64)); end-ts != clock {
			t.Errorf("event %d (%v) lasts %d ns, printed clock %d", i, e["name"], end-ts, clock)
		}
		prevEnd = end
	}
	if complete != n {
		t.Errorf("%d complete events, want %d", complete, n)
	}
}

func TestTimelineNoGraph(t *testing.T) {
	r, _ := fixture(t)
	tr, err := profiles.Timeline(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, buf.Bytes(), len(r.Timeline))
	if !strings.Contains(buf.String(), `"name": "main"`) {
		t.Errorf("without a graph the main package keeps its trace name")
	}
}

func TestTimelineNegative(t *testing.T) {
	r := &result.Result{Timeline: []result.Span{{Path: "p", StartNs: -1}}}
	if _, err := profiles.Timeline(r, nil); err == nil || !strings.Contains(err.Error(), "p has a negative") {
		t.Errorf("Timeline with a negative start: %v", err)
	}
}

func ExampleTimeline() {
	// Two inits as the runtime printed them: the first span (@0.68 ms for
	// 10 ms) ends after the printed start of the second (@10 ms), so the
	// second starts where the first ends.
	r := &result.Result{
		Target: result.Target{Spec: "./diamond"},
		Runs:   1,
		Timeline: []result.Span{
			{Path: "example.com/diamond/heavy", StartNs: 680_000, ClockNs: 10_000_000, Bytes: 1048576, Allocs: 256},
			{Path: "example.com/diamond/c", StartNs: 10_000_000, ClockNs: 5_000, Bytes: 256, Allocs: 2},
		},
	}
	tr, err := profiles.Timeline(r, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range tr.TraceEvents {
		if e.Ph == "X" {
			fmt.Printf("%s ts=%gµs dur=%gµs bytes=%v\n", e.Name, e.Ts, *e.Dur, e.Args["bytes"])
		}
	}
	// Output:
	// example.com/diamond/heavy ts=680µs dur=10000µs bytes=1048576
	// example.com/diamond/c ts=10680µs dur=5µs bytes=256
}
