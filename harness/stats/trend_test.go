package stats

import (
	"math"
	"testing"
)

// studentsT3CDF is the CDF of Student's t with 3 degrees of freedom, in
// closed form, to check Slope's p-value without gonum.
func studentsT3CDF(t float64) float64 {
	u := t / math.Sqrt(3)
	return 0.5 + (u/(1+u*u)+math.Atan(u))/math.Pi
}

func TestSlope(t *testing.T) {
	// y = 2, 4, 5, 4, 5 over x = 1..5: Sxx = 10, Sxy = 6, slope 0.6,
	// intercept 4 - 0.6·3 = 2.2. Residuals -0.8, 0.6, 1, -0.6, -0.2 give
	// SSR = 2.4, s² = 2.4/3 = 0.8, se = sqrt(0.8/10), t = 0.6/se with 3 df.
	tStat := 0.6 / math.Sqrt(0.08)
	tests := []struct {
		name                string
		x, y                []float64
		slope, intercept, p float64
	}{
		{"textbook", []float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}, 0.6, 2.2, 2 * (1 - studentsT3CDF(tStat))},
		{"perfect line", []float64{1, 2, 3, 4}, []float64{3, 5, 7, 9}, 2, 1, 0},
		{"flat", []float64{1, 2, 3, 4}, []float64{5, 5, 5, 5}, 0, 5, 1},
		{"two points", []float64{1, 3}, []float64{1, 5}, 2, -1, 1},
		{"one point", []float64{1}, []float64{7}, 0, 7, 1},
		{"constant x", []float64{2, 2, 2}, []float64{1, 2, 6}, 0, 3, 1},
		{"empty", nil, nil, 0, 0, 1},
	}
	for _, tt := range tests {
		slope, intercept, p := Slope(tt.x, tt.y)
		if !approxTol(slope, tt.slope, 1e-9) || math.Abs(intercept-tt.intercept) > 1e-9 || math.Abs(p-tt.p) > 1e-9 {
			t.Errorf("%s: Slope = %v, %v, %v; want %v, %v, %v", tt.name, slope, intercept, p, tt.slope, tt.intercept, tt.p)
		}
	}
}

func TestSlopePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Slope of slices of different lengths did not panic")
		}
	}()
	Slope([]float64{1, 2}, []float64{1})
}
