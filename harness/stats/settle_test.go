package stats

import "testing"

func TestRunsToSettle(t *testing.T) {
	// 1..20: median 10.5, 95% interval [6, 15] (see TestSummarize).
	xs := make([]float64, 20)
	for i := range xs {
		xs[i] = float64(20 - i)
	}
	tests := []struct {
		name  string
		xs    []float64
		limit float64
		want  int
	}{
		{"interval above limit", xs, 5.9, 0},
		{"interval below limit", xs, 15.1, 0},
		// d = 1.5, upper half-width h = 4.5: 20·(4.5/1.5)² = 180, so 181.
		{"above median", xs, 12, 181},
		// d = 2.5, lower half-width 4.5: 20·(4.5/2.5)² = 64.8, so 65.
		{"below median", xs, 8, 65},
		// At the end of the interval: just one more run.
		{"at ci_high", xs, 15, 21},
		{"at median", xs, 10.5, -1},
		// d = 0.1: 20·45² = 40500 runs, more than MaxSettleRuns.
		{"near median", xs, 10.4, -1},
		{"empty", nil, 1, -1},
		{"equal bytes, other limit", []float64{4096, 4096, 4096, 4096, 4096, 4096}, 4000, 0},
		{"equal bytes at limit", []float64{4096, 4096, 4096, 4096, 4096, 4096}, 4096, -1},
	}
	for _, tt := range tests {
		if got := RunsToSettle(tt.xs, tt.limit); got != tt.want {
			t.Errorf("%s: RunsToSettle(limit %v) = %d, want %d", tt.name, tt.limit, got, tt.want)
		}
	}
}
