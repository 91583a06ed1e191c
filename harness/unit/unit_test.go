package unit

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Duration(0), "0"},
		{Duration(999), "999ns"},
		{Duration(1500), "1.50µs"},
		{Duration(812_000), "812µs"},
		{Duration(1_234_000), "1.23ms"},
		{Duration(45_600_000), "45.6ms"},
		{Duration(1.2e9), "1.20s"},
		{Duration(-2_000_000), "-2.00ms"},
		{Bytes(512), "512 B"},
		{Bytes(1536), "1.50 KiB"},
		{Bytes(12.3 * (1 << 20)), "12.3 MiB"},
		{Bytes(3 << 30), "3.00 GiB"},
		{Count(1234.4), "1234"},
		{Percent(0.1234), "12.3%"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
