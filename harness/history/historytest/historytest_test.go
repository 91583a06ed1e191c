package historytest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	const aes = "crypto/internal/fips140/aes"
	cfg := Config{Seed: 3, Nights: 6, Runs: 15, Changes: []Change{
		{Package: aes, Night: 3, Factor: 2},
		{Package: "vendor/golang.org/x/net/http2/hpack", Night: 4, Bytes: 3},
	}}
	rs, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 6 {
		t.Fatalf("%d nights", len(rs))
	}
	revs := map[string]bool{}
	for i, r := range rs {
		if !r.Date.Equal(DefaultStart().AddDate(0, 0, i)) || r.Runs != 15 || r.Total.WallNs.N != 15 {
			t.Errorf("night %d: %v, %d runs", i, r.Date, r.Runs)
		}
		if len(r.Packages) != len(Packages()) || r.Target.GoVersion != DefaultGo || r.Machine != Machine() {
			t.Errorf("night %d: %d packages, %s, %+v", i, len(r.Packages), r.Target.GoVersion, r.Machine)
		}
		if r.Target.Revision != Revision(3, i) || len(r.Target.Revision) != 40 || revs[r.Target.Revision] {
			t.Errorf("night %d: revision %q", i, r.Target.Revision)
		}
		revs[r.Target.Revision] = true
		// Times are what the runtime prints: truncated to its precision.
		for _, p := range r.Packages {
			for _, v := range p.ClockNs.Values {
				if v >= 1e5 && int64(v)%10000 != 0 {
					t.Fatalf("night %d: %s clock %v ns, not printable by the runtime", i, p.Path, v)
				}
			}
		}
		// Wall time is the harness's clock and includes init.
		if r.Total.WallNs.Median < r.Total.InitEndNs.Median || r.Total.OutsideInitNs.Median <= 0 {
			t.Errorf("night %d: wall %v, init end %v", i, r.Total.WallNs.Median, r.Total.InitEndNs.Median)
		}
	}
	clock := func(night int) float64 {
		p, _ := rs[night].Package(aes)
		return p.ClockNs.Median
	}
	before := (clock(0) + clock(1) + clock(2)) / 3
	after := (clock(3) + clock(4) + clock(5)) / 3
	if ratio := after / before; ratio < 1.6 || ratio > 2.5 {
		t.Errorf("%s: clock ratio %.2f after doubling", aes, ratio)
	}
	if b3, b4 := rs[3].Total.Bytes.Median, rs[4].Total.Bytes.Median; b4-b3 != 2*7344 {
		t.Errorf("bytes %v -> %v, want +%d", b3, b4, 2*7344)
	}

	again, _ := Generate(cfg)
	a, _ := json.Marshal(rs)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Error("the same seed made different nights")
	}
	cfg.Seed = 4
	other, _ := Generate(cfg)
	c, _ := json.Marshal(other)
	if string(a) == string(c) {
		t.Error("another seed made the same nights")
	}

	_, err = Generate(Config{Nights: 1, Changes: []Change{{Package: "no/such"}}})
	if err == nil || !strings.Contains(err.Error(), `"no/such": not a package`) {
		t.Errorf("unknown package: %v", err)
	}
}
