package result

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/runner"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

// runsFrom builds counted runs from real recorded traces: traced run i gets
// trace i mod len(traces) and wall 10+i ms, untraced run i gets wall
// (i+1) ms.
func runsFrom(t *testing.T, n int, traces ...string) []runner.Run {
	t.Helper()
	var runs []runner.Run
	for i := range n {
		name := traces[i%len(traces)]
		data, err := os.ReadFile(filepath.Join("..", "inittrace", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		inits, warns := inittrace.Parse(data, name)
		runs = append(runs,
			runner.Run{Index: 2 * i, Traced: true, Wall: time.Duration(10+i) * time.Millisecond, Inits: inits, Warnings: warns},
			runner.Run{Index: 2*i + 1, Wall: time.Duration(i+1) * time.Millisecond, User: time.Millisecond, MaxRSS: 4 << 20})
	}
	return runs
}

func TestAssemble(t *testing.T) {
	runs := runsFrom(t, 3, "nethttp.stderr")
	r, err := Assemble(runs)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("../inittrace/testdata/nethttp.stderr")
	inits, _ := inittrace.Parse(data, "nethttp")
	var sum, bytesSum float64
	var end time.Duration
	for _, in := range inits {
		sum += float64(in.Clock)
		bytesSum += float64(in.Bytes)
		end = max(end, in.End())
	}
	if r.Runs != 3 || r.Total.Packages != len(inits) || len(r.Packages) != len(inits) {
		t.Fatalf("runs %d packages %d/%d, want 3 and %d", r.Runs, r.Total.Packages, len(r.Packages), len(inits))
	}
	if r.Total.InitNs.Median != sum || r.Total.Bytes.Median != bytesSum || r.Total.InitEndNs.Median != float64(end) {
		t.Errorf("totals init %v bytes %v end %v, want %v %v %v", r.Total.InitNs.Median, r.Total.Bytes.Median, r.Total.InitEndNs.Median, sum, bytesSum, float64(end))
	}
	if r.Total.WallNs.Median != 2e6 {
		t.Errorf("wall median %v, want 2ms", r.Total.WallNs.Median)
	}
	// Outside init is each traced run's own wall minus its init end.
	if want := 11e6 - float64(end); r.Total.OutsideInitNs.Median != want {
		t.Errorf("outside %v, want %v", r.Total.OutsideInitNs.Median, want)
	}
	for i := 1; i < len(r.Packages); i++ {
		if r.Packages[i-1].ClockNs.Median < r.Packages[i].ClockNs.Median {
			t.Errorf("packages not sorted by clock at %d", i)
		}
	}
	if len(r.Timeline) != len(inits) || r.Timeline[0].Path != inits[0].Package {
		t.Errorf("timeline has %d spans starting %v", len(r.Timeline), r.Timeline[0])
	}
}

// TestAssembleMixed feeds traces from two different programs so that
// packages appear in only some runs, and checks that counts follow.
func TestAssembleMixed(t *testing.T) {
	r, err := Assemble(runsFrom(t, 4, "hello.stderr", "nethttp.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := r.Package("net/http")
	if !ok || p.Runs != 2 || p.ClockNs.N != 2 {
		t.Fatalf("net/http: %+v", p)
	}
	q, _ := r.Package("runtime")
	if q.Runs != 4 {
		t.Errorf("runtime seen in %d runs, want 4", q.Runs)
	}
}

func TestAssembleNeedsBothKinds(t *testing.T) {
	runs := runsFrom(t, 2, "hello.stderr")
	if _, err := Assemble(runs[:1]); err == nil {
		t.Error("no error with only a traced run")
	}
}

// TestJSONRoundTrip writes a result, compares it with a golden file, reads
// it back and writes it again.
func TestJSONRoundTrip(t *testing.T) {
	r, err := Assemble(runsFrom(t, 3, "hello.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	r.Date = time.Date(2026, 11, 28, 5, 0, 0, 0, time.UTC)
	r.Target = Target{Spec: "./hello", Kind: "package", GoVersion: "go1.26.8"}
	r.Machine = Machine{OS: "linux", Arch: "amd64", CPU: "test", Cores: 2, Kernel: "6.1"}
	r.Settings = Settings{Runs: 3, Warmup: 0, TimeoutNs: int64(time.Second), Ready: "exit"}
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "hello.json"), buf.Bytes())
	back, err := Read(bytes.NewReader(buf.Bytes()), "hello.json")
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	back.WriteJSON(&again)
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("JSON changed after a read and a write")
	}
	if _, err := Read(strings.NewReader(`{"schema":"other/v9"}`), "x.json"); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("wrong schema: %v", err)
	}
}
