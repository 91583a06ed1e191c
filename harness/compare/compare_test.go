package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/result"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

const knob = "example.com/planted/internal/knob"

func readResult(t *testing.T, name string) *result.Result {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := result.Read(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCompareFixtures(t *testing.T) {
	base, head := readResult(t, "base.json"), readResult(t, "head.json")
	d := Compare(base, head, Options{Threshold: Threshold{Relative: 0.02}})
	if got, want := d.Regressions(), []string{knob}; !slices.Equal(got, want) {
		t.Errorf("regressions %v, want %v", got, want)
	}
	if !d.Regressed() {
		t.Error("Regressed() = false")
	}
	p := d.Packages[0]
	if p.Path != knob || p.Clock.Verdict != Regression || !p.Clock.Significant {
		t.Errorf("first package %s %s, want the knob, a significant regression", p.Path, p.Clock.Verdict)
	}
	if p.Clock.Delta < 1e6 || p.Clock.Delta > 1.5e6 || p.Clock.DeltaLow > p.Clock.Delta || p.Clock.DeltaHigh < p.Clock.Delta {
		t.Errorf("knob delta %v [%v, %v], want about +1.2ms inside its interval", p.Clock.Delta, p.Clock.DeltaLow, p.Clock.DeltaHigh)
	}
	if want := 0.02 * base.Total.InitNs.Median; p.Clock.Limit != want || d.Totals.Init.Limit != want {
		t.Errorf("package limit %v, total init limit %v, want both 2%% of base total init = %v", p.Clock.Limit, d.Totals.Init.Limit, want)
	}
	if len(d.Added) != 1 || d.Added[0].Path != "example.com/planted/internal/registry" || d.Added[0].Regression {
		t.Errorf("added %+v, want registry, not a regression (under 2%% of init)", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].Path != "example.com/planted/internal/tables" {
		t.Errorf("removed %+v, want tables", d.Removed)
	}
	if !d.Totals.Bytes.Changed || !d.Totals.Allocs.Changed || d.Totals.Allocs.Delta <= 0 {
		t.Errorf("total bytes/allocs %+v %+v, want more of both", d.Totals.Bytes, d.Totals.Allocs)
	}
	for _, p := range d.Packages[1:] {
		if p.Changed() && !d.Packages[0].Changed() {
			t.Errorf("changed package %s sorted after an unchanged one", p.Path)
		}
	}

	// With a threshold above the knob's +1.2 ms it is slower, not a
	// regression; an added package costing more than the threshold is one.
	d = Compare(base, head, Options{Threshold: Threshold{AbsNs: 5e6}})
	if d.Regressed() || d.Packages[0].Clock.Verdict != Slower {
		t.Errorf("-threshold 5ms: regressions %v, knob %s; want none, slower", d.Regressions(), d.Packages[0].Clock.Verdict)
	}
	d = Compare(base, head, Options{Threshold: Threshold{AbsNs: 100e3}})
	if got := d.Regressions(); !slices.Contains(got, "example.com/planted/internal/registry (added)") {
		t.Errorf("-threshold 100us: regressions %v, want the added registry (about 200µs)", got)
	}
}

// TestCompareSame compares a result with itself: nothing may change.
func TestCompareSame(t *testing.T) {
	base := readResult(t, "base.json")
	d := Compare(base, base, Options{Threshold: Threshold{Relative: 0.02}})
	if d.Regressed() || len(d.Added) > 0 || len(d.Removed) > 0 {
		t.Errorf("regressions %v, added %v, removed %v", d.Regressions(), d.Added, d.Removed)
	}
	for _, p := range d.Packages {
		if p.Changed() || p.Clock.Delta != 0 || p.Clock.Verdict != Unchanged {
			t.Errorf("%s: changed %v, delta %v, verdict %s", p.Path, p.Changed(), p.Clock.Delta, p.Clock.Verdict)
		}
		if p.Clock.Tested && p.Clock.P != 1 {
			t.Errorf("%s: p = %v comparing a sample with itself", p.Path, p.Clock.P)
		}
	}
	// 12 runs leave the interval of a total's shift wider than ±2%
	// (about ±2.4% here), but inside ±5%.
	if d.Totals.Init.Settled {
		t.Errorf("same 12-run sample: total init settled inside ±2%%: %+v", d.Totals.Init)
	}
	d = Compare(base, base, Options{Threshold: Threshold{Relative: 0.05}})
	if !d.Totals.Init.Settled || !d.Totals.Wall.Settled {
		t.Errorf("same sample: totals not settled inside ±5%%: %+v", d.Totals.Init)
	}
}

// TestDiffJSON checks the JSON of a diff against its golden file and reads
// it back.
func TestDiffJSON(t *testing.T) {
	d := Compare(readResult(t, "base.json"), readResult(t, "head.json"), Options{Threshold: Threshold{Relative: 0.02}})
	d.Date = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := d.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	goldenfile.Check(t, filepath.Join("testdata", "diff.json"), buf.Bytes())
	back, err := Read(bytes.NewReader(buf.Bytes()), "diff.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Errorf("diff read back differs from the one written")
	}
	if _, err := Read(bytes.NewReader([]byte(`{"schema":"coldstart/run/v1"}`)), "x.json"); err == nil {
		t.Error("Read accepted a run result")
	}
}

func TestExact(t *testing.T) {
	m := func(xs ...float64) result.Metric { return result.NewMetric(xs) }
	tests := []struct {
		name       string
		base, head result.Metric
		changed    bool
	}{
		{"same constant", m(1024, 1024, 1024), m(1024, 1024, 1024), false},
		{"one byte more, every run", m(1024, 1024, 1024), m(1025, 1025, 1025), true},
		{"within spread", m(30000, 30100, 30200, 30300, 30400, 30500, 30600, 30700, 30800, 30900),
			m(30100, 30200, 30300, 30400, 30500, 30600, 30700, 30800, 30900, 31000), false},
		{"beyond spread", m(30000, 30100, 30200, 30300, 30400, 30500, 30600, 30700, 30800, 30900),
			m(32000, 32100, 32200, 32300, 32400, 32500, 32600, 32700, 32800, 32900), true},
		{"fewer", m(9, 9, 9, 9), m(7, 7, 7, 7), true},
	}
	for _, tt := range tests {
		e := compareExact(tt.base, tt.head)
		if e.Changed != tt.changed {
			t.Errorf("%s: changed %v, want %v (%+v)", tt.name, e.Changed, tt.changed, e)
		}
	}
}

// TestSettled checks when the interval of a shift decides which side of
// the threshold it is on.
func TestSettled(t *testing.T) {
	base := make([]float64, 30)
	for i := range base {
		base[i] = 1e6 + 1e3*float64(i%10) // 1 ms + 0-9 µs
	}
	shifted := func(by float64) result.Metric {
		h := make([]float64, len(base))
		for i, v := range base {
			h[i] = v + by
		}
		return result.NewMetric(h)
	}
	b := result.NewMetric(base)
	tests := []struct {
		name       string
		shift      float64
		limit      float64
		settled    bool
		sig        bool
		regression bool
	}{
		{"wholly above", 100e3, 50e3, true, true, true},
		{"wholly below", -100e3, 50e3, true, true, false},
		{"wholly inside", 0, 50e3, true, false, false},
		{"straddles the limit", 50e3, 50e3, false, true, true},
		{"significant, inside", 20e3, 50e3, true, true, false},
		{"below the resolution", 1e3, 50e3, true, false, false},
	}
	for _, tt := range tests {
		tm := compareTime(b, shifted(tt.shift), tt.limit)
		adjust([]*Time{&tm}, DefaultAlpha)
		if tm.Settled != tt.settled || tm.Significant != tt.sig || (tm.Verdict == Regression) != tt.regression {
			t.Errorf("%s: delta %v [%v, %v] limit %v: settled %v significant %v verdict %s; want %v %v regression=%v",
				tt.name, tm.Delta, tm.DeltaLow, tm.DeltaHigh, tt.limit, tm.Settled, tm.Significant, tm.Verdict, tt.settled, tt.sig, tt.regression)
		}
	}
}
