package budget

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// head is the smallest valid budgets file: lines 1 to 3.
const head = "total:\n  init: 200ms\npackage_default: 10ms\n"

// exception is a valid exceptions list for head: lines 4 to 12.
const exception = `exceptions:
  - package: example.com/gateway
    max: 15ms
    usage: 0.95
    justification: used by every request handler
    evidence: docs/evidence/gateway.md
    approved_by: J. Doe
    approved_on: 2026-11-08
    review_by: 2026-12-08
`

// edit returns exception with old replaced by new.
func edit(old, new string) string {
	if !strings.Contains(exception, old) {
		panic("edit: no " + old)
	}
	return strings.Replace(exception, old, new, 1)
}

// badFile is a budgets file Parse must reject with the error want, less its
// leading "budgets.yaml:".
type badFile struct {
	name, in, want string
}

func badFiles() []badFile {
	return []badFile{
		{"empty", "", "1: empty budgets file: it needs at least total.init and package_default"},
		{"comments only", "# budgets\n\n# none yet\n", "1: empty budgets file: it needs at least total.init and package_default"},
		{"null document", "---\n", "1: empty budgets file: it needs at least total.init and package_default"},
		{"explicit null", "~\n", "1: empty budgets file: it needs at least total.init and package_default"},
		{"two documents", head + "---\n" + head, "4: a second YAML document: a budgets file holds one"},
		{"top level list", "- total\n", "1: want a mapping of keys (total, package_default, ...) at top level, got a list"},
		{"top level value", "200ms\n", `1: want a mapping of keys (total, package_default, ...) at top level, got the value "200ms"`},
		{"yaml syntax", head + "forbid: [\n", "4: did not find expected node content"},
		{"yaml tab indent", "total:\n\tinit: 200ms\n", "2: found character that cannot start any token"},
		{"yaml on line 1", "total: : :\n", "1: mapping values are not allowed in this context"},
		{"invalid utf-8", head + "# caf\xe9\n", "4: invalid UTF-8 (byte 0xe9): a budgets file is UTF-8 text"},
		{"control character", "total:\n  init: 200ms\x01\n", "2: control character U+0001 is not allowed in YAML"},
		{"unknown key", head + "package_max: 5ms\n", `4: unknown key "package_max"`},
		{"duplicate key", head + "package_default: 5ms\n", `4: duplicate key "package_default" (first at line 3)`},
		{"key is a list", head + "? [a, b]\n: c\n", "4: want a key name, got a list"},
		{"missing all", "statistic: p95\n", "1: missing total and package_default"},
		{"missing package_default", "total:\n  init: 200ms\n", "1: missing package_default"},
		{"missing total.init", "total:\n  wall: 2s\npackage_default: 10ms\n", "1: total: missing init"},
		{"total not a mapping", "total: 200ms\npackage_default: 10ms\n", `1: total: want a mapping with init and optional wall, bytes, allocs, got the value "200ms"`},
		{"indented key after a value", head + "  walltime: 2s\n", "4: mapping values are not allowed in this context"},
		{"unknown key in total", "total:\n  init: 200ms\n  walltime: 2s\npackage_default: 10ms\n", `3: unknown key "walltime" in total`},

		{"duration without unit", "total:\n  init: 200\npackage_default: 10ms\n", `2: total.init: duration "200" has no unit (write 10ms, 1.5s, 200us)`},
		{"zero without unit", "total:\n  init: 200ms\npackage_default: 0\n", `3: package_default: duration "0" has no unit (write 10ms, 1.5s, 200us)`},
		{"negative duration", "total:\n  init: -200ms\npackage_default: 10ms\n", `2: total.init: negative duration "-200ms"`},
		{"duration with space", "total:\n  init: 200 ms\npackage_default: 10ms\n", `2: total.init: bad duration "200 ms" (want a number and a unit: ns, us, ms, s, m, h, like 10ms or 1.5s)`},
		{"duration bad unit", "total:\n  init: 200mss\npackage_default: 10ms\n", `2: total.init: bad duration "200mss" (want a number and a unit: ns, us, ms, s, m, h, like 10ms or 1.5s)`},
		{"duration is a list", "total:\n  init: [200ms]\npackage_default: 10ms\n", "2: total.init: want a duration like 10ms, got a list"},
		{"duration missing", "total:\n  init:\npackage_default: 10ms\n", "2: total.init: missing value (want a duration like 10ms)"},
		{"duration is true", "total:\n  init: true\npackage_default: 10ms\n", `2: total.init: bad duration "true" (want a number and a unit: ns, us, ms, s, m, h, like 10ms or 1.5s)`},

		{"size with space", head + "package_bytes: 8 MiB\n", `4: package_bytes: bad size "8 MiB" (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)`},
		{"size lower case", head + "package_bytes: 8mib\n", `4: package_bytes: bad size "8mib" (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)`},
		{"size negative", head + "package_bytes: -1\n", `4: package_bytes: negative size "-1"`},
		{"size fraction without unit", head + "package_bytes: 1.5\n", `4: package_bytes: size "1.5" is not a whole number of bytes (add a unit, like 1.5MiB)`},
		{"size two points", head + "package_bytes: 1.2.3MB\n", `4: package_bytes: bad size "1.2.3MB" (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)`},
		{"size unit only", head + "package_bytes: MiB\n", `4: package_bytes: bad size "MiB" (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)`},
		{"size too large", head + "package_bytes: 99999999999999999999\n", `4: package_bytes: size "99999999999999999999" is too large`},
		{"size too large with unit", head + "package_bytes: 9999999999GiB\n", `4: package_bytes: size "9999999999GiB" is too large`},
		{"total size", "total:\n  init: 200ms\n  bytes: 64M\npackage_default: 10ms\n", `3: total.bytes: bad size "64M" (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)`},

		{"count with suffix", head + "package_allocs: 50k\n", `4: package_allocs: bad count "50k" (want a whole number, like 50000)`},
		{"count with underscore", head + "package_allocs: 50_000\n", `4: package_allocs: bad count "50_000" (want a whole number, like 50000)`},
		{"count exponent", head + "package_allocs: 5e4\n", `4: package_allocs: bad count "5e4" (want a whole number, like 50000)`},
		{"count negative", head + "package_allocs: -5\n", `4: package_allocs: negative count "-5"`},
		{"count too large", head + "package_allocs: 99999999999999999999\n", `4: package_allocs: count "99999999999999999999" is too large`},
		{"count is a mapping", "total:\n  init: 200ms\n  allocs: {n: 5}\npackage_default: 10ms\n", "3: total.allocs: want a whole number like 50000, got a mapping"},

		{"statistic", head + "statistic: mean\n", `4: statistic: "mean" is not median or p95`},
		{"statistic list", head + "statistic: [median]\n", "4: statistic: want median or p95, got a list"},

		{"forbid not a list", head + "forbid: github.com/x/...\n", `4: forbid: want a list of entries with pattern and reason, got the value "github.com/x/..."`},
		{"forbid entry a value", head + "forbid:\n  - github.com/x/...\n", `5: forbid: want an entry with pattern and reason, got the value "github.com/x/..."`},
		{"forbid missing reason", head + "forbid:\n  - pattern: github.com/x/...\n", "5: forbid entry is missing reason"},
		{"forbid empty reason", head + "forbid:\n  - pattern: github.com/x/...\n    reason: \"  \"\n", "6: reason is empty"},
		{"forbid bad pattern", head + "forbid:\n  - pattern: ./internal/...\n    reason: no\n", `5: package pattern "./internal/...": relative path element "."; name import paths`},
		{"forbid meta pattern", head + "forbid:\n  - pattern: std\n    reason: no\n", `5: package pattern "std": go command meta-patterns are not supported; name import paths, such as net/...`},
		{"forbid unknown key", head + "forbid:\n  - pattern: github.com/x/...\n    reason: no\n    why: because\n", `7: unknown key "why" in forbid entry`},
		{"forbid duplicate", head + "forbid:\n  - pattern: github.com/x/...\n    reason: a\n  - pattern: github.com/x/...\n    reason: b\n", `7: duplicate forbid pattern "github.com/x/..." (first at line 5)`},

		{"exceptions a mapping", head + "exceptions:\n  example.com/gateway: 15ms\n", "5: exceptions: want a list of entries with package, max, usage, ..., got a mapping"},
		{"exception a value", head + "exceptions:\n  - example.com/gateway\n", `5: exceptions: want an entry with package, max, usage, ..., got the value "example.com/gateway"`},
		{"exception unknown key", head + edit("max: 15ms", "maxx: 15ms"), "5: exception for example.com/gateway is missing max\n" +
			"budgets.yaml:6: unknown key \"maxx\" in exception"},
		{"exception duplicate key", head + edit("max: 15ms", "max: 15ms\n    max: 20ms"), `7: duplicate key "max" in exception (first at line 6)`},
		{"exception only package", head + "exceptions:\n  - package: example.com/gateway\n", "5: exception for example.com/gateway is missing max, usage, justification, evidence, approved_by, approved_on, review_by"},
		{"exception without package", head + strings.Replace(exception, "package: example.com/gateway\n    ", "", 1), "5: exception is missing package"},
		{"exception pattern", head + edit("package: example.com/gateway", "package: example.com/..."), `5: package: "example.com/..." is a pattern; an exception names one package`},
		{"exception package with space", head + edit("package: example.com/gateway", "package: example.com/gate way"), `5: package: "example.com/gate way" is not an import path`},
		{"exception max negative", head + edit("max: 15ms", "max: -15ms"), `6: max: negative duration "-15ms"`},
		{"exception max_bytes", head + edit("max: 15ms", "max: 15ms\n    max_bytes: 16Mb"), `7: max_bytes: bad size "16Mb" (want a whole number of bytes, or a number and a unit: B, KB, MB, GB, KiB, MiB, GiB, like 8MiB)`},
		{"exception max_allocs", head + edit("max: 15ms", "max: 15ms\n    max_allocs: 1e5"), `7: max_allocs: bad count "1e5" (want a whole number, like 50000)`},
		{"usage above 1", head + edit("usage: 0.95", "usage: 1.5"), `7: usage: "1.5" is not a share between 0 and 1 (like 0.95)`},
		{"usage negative", head + edit("usage: 0.95", "usage: -0.1"), `7: usage: "-0.1" is not a share between 0 and 1 (like 0.95)`},
		{"usage percent", head + edit("usage: 0.95", "usage: 95%"), `7: usage: "95%" is not a share between 0 and 1 (like 0.95)`},
		{"usage nan", head + edit("usage: 0.95", "usage: NaN"), `7: usage: "NaN" is not a share between 0 and 1 (like 0.95)`},
		{"usage missing value", head + edit("usage: 0.95", "usage:"), "7: usage: missing value (want a share between 0 and 1)"},
		{"justification empty", head + edit("justification: used by every request handler", `justification: ""`), "8: justification is empty"},
		{"justification a list", head + edit("justification: used by every request handler", "justification: [a, b]"), "8: justification: want text, got a list"},
		{"evidence missing", head + edit("    evidence: docs/evidence/gateway.md\n", ""), "5: exception for example.com/gateway is missing evidence"},
		{"bad month", head + edit("review_by: 2026-12-08", "review_by: 2026-13-08"), `12: review_by: bad date "2026-13-08" (want YYYY-MM-DD)`},
		{"bad day", head + edit("review_by: 2026-12-08", "review_by: 2026-02-30"), `12: review_by: bad date "2026-02-30" (want YYYY-MM-DD)`},
		{"short date", head + edit("review_by: 2026-12-08", "review_by: 2026-12-8"), `12: review_by: bad date "2026-12-8" (want YYYY-MM-DD)`},
		{"date with time", head + edit("review_by: 2026-12-08", "review_by: 2026-12-08T10:00:00Z"), `12: review_by: bad date "2026-12-08T10:00:00Z" (want YYYY-MM-DD)`},
		{"other date order", head + edit("approved_on: 2026-11-08", "approved_on: 08/11/2026"), `11: approved_on: bad date "08/11/2026" (want YYYY-MM-DD)`},
		{"approved after review", head + edit("approved_on: 2026-11-08", "approved_on: 2026-12-09"), "11: approved_on 2026-12-09 is after review_by 2026-12-08"},
		{"duplicate exception", head + exception + strings.TrimPrefix(exception, "exceptions:\n"), "13: duplicate exception for example.com/gateway (first at line 5)"},
		{"forbidden exception", head + "forbid:\n  - pattern: example.com/...\n    reason: not ours\n" + exception,
			"8: exception for example.com/gateway, which forbid pattern example.com/... (line 5) forbids: a forbidden package cannot have an exception"},
		{"several problems", "total:\n  init: 200\npackage_default: 10\nstatistic: mean\n",
			"2: total.init: duration \"200\" has no unit (write 10ms, 1.5s, 200us)\n" +
				"budgets.yaml:3: package_default: duration \"10\" has no unit (write 10ms, 1.5s, 200us)\n" +
				"budgets.yaml:4: statistic: \"mean\" is not median or p95"},
		{"too many problems", head + strings.Repeat("x: 1\n", 12), ""}, // see tooMany
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range badFiles() {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.in), "budgets.yaml")
			if err == nil {
				t.Fatalf("Parse: no error, got %+v", b)
			}
			want := "budgets.yaml:" + tt.want
			if tt.name == "too many problems" {
				want = tooMany()
			}
			if err.Error() != want {
				t.Errorf("Parse error:\n%s\nwant:\n%s", err, want)
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "budgets.yaml" {
				t.Errorf("errors.As(%v, *Error) = %v, %+v", err, errors.As(err, &e), e)
			}
		})
	}
}

// tooMany is the error for the "too many problems" case: unknown keys at
// lines 4 to 15, cut after ten.
func tooMany() string {
	var lines []string
	for line := 4; line <= 13; line++ {
		lines = append(lines, "budgets.yaml:"+strconv.Itoa(line)+`: unknown key "x"`)
	}
	lines = append(lines, "budgets.yaml:14: too many errors")
	return strings.Join(lines, "\n")
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"package_default: 10ms", 10e6},
		{"package_default: 1.5s", 1.5e9},
		{"package_default: 200us", 200e3},
		{"package_default: 200µs", 200e3},
		{"package_default: 1m30s", 90e9},
		{"package_default: 0s", 0},
		{"package_default: \"10ms\"", 10e6},
		{"package_bytes: 512", 512},
		{"package_bytes: 512B", 512},
		{"package_bytes: 1.5KB", 1500},
		{"package_bytes: 2kB", 2000},
		{"package_bytes: 8MiB", 8 << 20},
		{"package_bytes: 0.5KiB", 512},
		{"package_bytes: 2MB", 2e6},
		{"package_bytes: 1GB", 1e9},
		{"package_bytes: 1GiB", 1 << 30},
		{"package_allocs: 50000", 50000},
		{"package_allocs: 0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			in := "total:\n  init: 200ms\n" + tt.in + "\n"
			if !strings.HasPrefix(tt.in, "package_default") {
				in += "package_default: 10ms\n"
			}
			b, err := Parse([]byte(in), "b.yaml")
			if err != nil {
				t.Fatal(err)
			}
			var got Limit
			switch {
			case strings.HasPrefix(tt.in, "package_default"):
				got = b.PackageDefault
			case strings.HasPrefix(tt.in, "package_bytes"):
				got = b.PackageBytes
			default:
				got = b.PackageAllocs
			}
			if !got.Set || got.Value != tt.want || got.Pos != (Pos{"b.yaml", 3}) {
				t.Errorf("got %+v, want value %v at b.yaml:3", got, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	b, err := Load("testdata/budgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const f = "testdata/budgets.yaml"
	want := &Budgets{
		File: f,
		Total: Totals{
			Init:   Limit{200e6, UnitNs, "200ms", true, Pos{f, 3}},
			Wall:   Limit{2e9, UnitNs, "2s", true, Pos{f, 4}},
			Bytes:  Limit{64 << 20, UnitBytes, "64MiB", true, Pos{f, 5}},
			Allocs: Limit{200000, UnitCount, "200000", true, Pos{f, 6}},
		},
		PackageDefault: Limit{10e6, UnitNs, "10ms", true, Pos{f, 7}},
		PackageBytes:   Limit{8 << 20, UnitBytes, "8MiB", true, Pos{f, 8}},
		PackageAllocs:  Limit{50000, UnitCount, "50000", true, Pos{f, 9}},
		Statistic:      Median,
		Forbid: []Forbid{{
			Pattern: "github.com/aws/aws-sdk-go/...",
			Reason:  "use the modular v2 SDK",
			Pos:     Pos{f, 12},
		}},
		Exceptions: []Exception{{
			Package:       "example.com/gateway",
			Max:           Limit{15e6, UnitNs, "15ms", true, Pos{f, 16}},
			MaxBytes:      Limit{16 << 20, UnitBytes, "16MiB", true, Pos{f, 17}},
			MaxAllocs:     Limit{100000, UnitCount, "100000", true, Pos{f, 18}},
			Usage:         0.95,
			Justification: "used by every request handler",
			Evidence:      "docs/evidence/gateway.md",
			ApprovedBy:    "J. Doe",
			ApprovedOn:    time.Date(2026, 11, 8, 0, 0, 0, 0, time.UTC),
			ReviewBy:      time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC),
			Pos:           Pos{f, 15},
			ReviewPos:     Pos{f, 24},
		}},
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("Load:\n%+v\nwant:\n%+v", b, want)
	}
	if got := b.Exceptions[0].Max.Pos.String(); got != "testdata/budgets.yaml:16" {
		t.Errorf("Pos.String() = %q", got)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "budgets.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "reading budgets: ") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestParseDefaults(t *testing.T) {
	b, err := Parse([]byte(head+"forbid:\nexceptions: []\n"), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if b.Statistic != Median || b.Total.Wall.Set || b.PackageBytes.Set || b.PackageAllocs.Set || len(b.Forbid) != 0 || len(b.Exceptions) != 0 {
		t.Errorf("defaults: %+v", b)
	}
}

// TestParseAlias checks that YAML anchors and aliases may share a value.
func TestParseAlias(t *testing.T) {
	in := "total:\n  init: 200ms\npackage_default: &def 10ms\n" + edit("max: 15ms", "max: *def")
	b, err := Parse([]byte(in), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Exceptions[0].Max; got.Value != 10e6 || got.Pos.Line != 3 {
		t.Errorf("max via alias: %+v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(head + exception))
	f.Add([]byte(head + "forbid:\n  - pattern: github.com/x/...\n    reason: no\n"))
	f.Add([]byte(head + "---\n" + head))
	f.Add([]byte("total: &a\n  init: *a\npackage_default: [\n"))
	for _, bad := range badFiles() {
		f.Add([]byte(bad.in))
	}
	if data, err := os.ReadFile("testdata/budgets.yaml"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data, "f.yaml")
		if err == nil {
			if b == nil || !b.Total.Init.Set || !b.PackageDefault.Set || (b.Statistic != Median && b.Statistic != P95) {
				t.Fatalf("Parse succeeded with %+v", b)
			}
			return
		}
		if b != nil {
			t.Fatalf("Parse returned %+v with error %v", b, err)
		}
		lines := strings.Count(string(data), "\n") + strings.Count(string(data), "\r") + 1
		for msg := range strings.SplitSeq(err.Error(), "\n") {
			rest, ok := strings.CutPrefix(msg, "f.yaml:")
			num, text, ok2 := strings.Cut(rest, ": ")
			line, err := strconv.Atoi(num)
			if !ok || !ok2 || err != nil || line < 1 || text == "" {
				t.Fatalf("error line %q is not f.yaml:LINE: message", msg)
			}
			if line > lines+1 {
				t.Fatalf("error line %q is past the input's %d lines", msg, lines)
			}
		}
	})
}
