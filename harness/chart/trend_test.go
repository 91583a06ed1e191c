package chart

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// nightly is a series of median total inits in the shape a nightly job
// records: a level, a step up of about 18% after a dependency update, and
// intervals as wide as 30 runs give on a noisy 2-core machine.
func nightly() []TrendPoint {
	medians := []float64{4.12, 4.31, 4.05, 4.20, 4.18, 4.95, 4.88, 5.02, 4.91} // ms
	pts := make([]TrendPoint, len(medians))
	for i, m := range medians {
		pts[i] = TrendPoint{Label: fmt.Sprintf("2026-11-%02d", i+1), Value: m, Low: m * 0.93, High: m * 1.08}
	}
	return pts
}

func TestTrend(t *testing.T) {
	var buf bytes.Buffer
	pts := nightly()
	if err := Trend(&buf, "example: total init", "ms", pts, []TrendChange{{At: 5, Label: "+18%"}}); err != nil {
		t.Fatal(err)
	}
	save(t, "trend.svg", buf.Bytes())
	texts := svgTexts(t, buf.Bytes())
	for _, want := range []string{"example: total init", "change point", "median", " +18%", pts[0].Label, pts[len(pts)-1].Label} {
		if !slices.Contains(texts, want) {
			t.Errorf("no text %q in the chart: %q", want, texts)
		}
	}
	if !slices.Contains(texts, "ms") {
		t.Errorf("the y axis is not labelled with the unit: %q", texts)
	}
	// The dashed change-point line is the only dashed stroke.
	if n := bytes.Count(buf.Bytes(), []byte("stroke-dasharray")); n != 2 { // the line and its legend thumbnail
		t.Errorf("%d dashed strokes, want 2 (the change point and its legend entry)", n)
	}

	buf.Reset()
	if err := Trend(&buf, "flat", "ms", pts[:1], nil); err != nil {
		t.Fatalf("one record: %v", err)
	}
	if texts := svgTexts(t, buf.Bytes()); slices.Contains(texts, "change point") {
		t.Errorf("change-point legend without change points")
	}
}

func TestTrendLabelsThinned(t *testing.T) {
	pts := make([]TrendPoint, 95)
	for i := range pts {
		pts[i] = TrendPoint{Label: "d" + string(rune('A'+i/26)) + string(rune('a'+i%26)), Value: 1000}
	}
	var buf bytes.Buffer
	if err := Trend(&buf, "t", "runs", pts, nil); err != nil {
		t.Fatal(err)
	}
	var labels int
	for _, s := range svgTexts(t, buf.Bytes()) {
		if strings.HasPrefix(s, "d") {
			labels++
		}
	}
	if labels < 5 || labels > trendLabels+1 {
		t.Errorf("%d x labels for 95 records, want about %d", labels, trendLabels)
	}
	if !slices.Contains(svgTexts(t, buf.Bytes()), pts[94].Label) {
		t.Errorf("the latest record is not labelled")
	}
}

func TestTrendErrors(t *testing.T) {
	pts := nightly()
	for _, tt := range []struct {
		name    string
		pts     []TrendPoint
		changes []TrendChange
	}{
		{"no records", nil, nil},
		{"change at the first record", pts, []TrendChange{{At: 0}}},
		{"change past the end", pts, []TrendChange{{At: len(pts)}}},
		{"NaN", []TrendPoint{{Label: "x", Value: math.NaN()}}, nil},
	} {
		if err := Trend(io.Discard, "t", "ms", tt.pts, tt.changes); err == nil {
			t.Errorf("%s: no error", tt.name)
		} else if !strings.HasPrefix(err.Error(), "trend chart: ") {
			t.Errorf("%s: error %q does not say what was being done", tt.name, err)
		}
	}
}
