package compare

import (
	"strings"
	"testing"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in      string
		want    Threshold
		str     string
		wantErr string
	}{
		{in: "2%", want: Threshold{Relative: 0.02}, str: "2%"},
		{in: "0.5%", want: Threshold{Relative: 0.005}, str: "0.5%"},
		{in: "200us", want: Threshold{AbsNs: 200e3}, str: "200µs"},
		{in: "200µs", want: Threshold{AbsNs: 200e3}, str: "200µs"},
		{in: "1.5ms", want: Threshold{AbsNs: 1.5e6}, str: "1.50ms"},
		{in: "0", want: Threshold{}, str: "0"},
		{in: "0%", want: Threshold{}, str: "0"},
		{in: "-2%", wantErr: "cannot be negative"},
		{in: "-1ms", wantErr: "cannot be negative"},
		{in: "100%", wantErr: "less than 100%"},
		{in: "2", wantErr: "want a percentage like 2% or a time like 200us"},
		{in: "abc%", wantErr: "want a percentage"},
		{in: "NaN%", wantErr: "want a percentage"},
		{in: "", wantErr: "want a percentage"},
	}
	for _, tt := range tests {
		got, err := ParseThreshold(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseThreshold(%q) = %v, %v; want error with %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseThreshold(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		if s := got.String(); s != tt.str {
			t.Errorf("ParseThreshold(%q).String() = %q, want %q", tt.in, s, tt.str)
		}
	}
}

func TestThresholdLimit(t *testing.T) {
	if got := (Threshold{Relative: 0.02}).Limit(30e6); got != 600e3 {
		t.Errorf("2%% of 30ms = %v ns, want 600000", got)
	}
	if got := (Threshold{AbsNs: 200e3}).Limit(30e6); got != 200e3 {
		t.Errorf("200µs of 30ms = %v ns, want 200000", got)
	}
	if got := (Threshold{}).Limit(30e6); got != 0 {
		t.Errorf("zero threshold limit %v, want 0", got)
	}
}
