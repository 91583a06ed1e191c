package trend_test

import (
	"fmt"
	"time"

	"github.com/coldstart-dev/coldstart/harness/trend"
)

// A program's total init over 16 nights: about 10 ms, then about 12 ms
// from the night of revision r10 on.
func ExampleAnalyzeSeries() {
	start := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	ms := []float64{10.1, 9.8, 10.3, 9.9, 10.0, 10.4, 9.7, 10.2, 10.1, 9.9,
		12.0, 12.3, 11.8, 12.1, 12.2, 11.9}
	var pts []trend.Point
	for i, v := range ms {
		pts = append(pts, trend.Point{
			Date:     start.AddDate(0, 0, i),
			Revision: fmt.Sprintf("r%d", i),
			Value:    v * 1e6,
		})
	}
	s := trend.AnalyzeSeries("init", trend.Duration, pts, trend.Options{})
	sh := s.Shift
	fmt.Printf("%s: %+.0f%% on %s (%s..%s), p=%.2g\n", s.Verdict, 100*sh.Rel, sh.Date.Format(time.DateOnly), sh.FromRevision, sh.Revision, sh.P)
	fmt.Println("creep found:", s.Creep.Found)
	// Output:
	// shift: +20% on 2026-11-11 (r9..r10), p=0.0009
	// creep found: false
}
