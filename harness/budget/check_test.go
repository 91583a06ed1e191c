package budget

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/importgraph"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/stats"
)

// checkBudgets are the budgets of the Check tests; line numbers matter.
const checkBudgets = `total:
  init: 200ms
  wall: 2s
  bytes: 64MiB
  allocs: 200000
package_default: 10ms
package_bytes: 8MiB
package_allocs: 50000
forbid:
  - pattern: github.com/aws/aws-sdk-go/...
    reason: use the modular v2 SDK
exceptions:
  - package: example.com/gateway
    max: 15ms
    max_bytes: 16MiB
    max_allocs: 100000
    usage: 0.95
    justification: used by every request handler
    evidence: docs/evidence/gateway.md
    approved_by: J. Doe
    approved_on: 2026-11-08
    review_by: 2026-12-08
  - package: example.com/metrics
    max: 12ms
    usage: 0.4
    justification: registers collectors before main
    evidence: docs/evidence/metrics.md
    approved_by: A. Roe
    approved_on: 2026-11-20
    review_by: 2027-02-20
`

const (
	ms  = 1e6
	sec = 1e9
	mib = 1 << 20
)

// runs is the number of runs of the hand-built results: with 21 runs the
// median's 95% confidence interval is [x(6), x(16)].
const runs = 21

// spread returns runs values evenly spaced from c-s to c+s: their median is
// c and its 95% confidence interval [c-s/2, c+s/2].
func spread(c, s float64) []float64 {
	xs := make([]float64, runs)
	for i := range xs {
		xs[i] = c - s + 2*s*float64(i)/(runs-1)
	}
	return xs
}

// same returns runs copies of v, as bytes and allocs nearly are.
func same(v float64) []float64 {
	xs := make([]float64, runs)
	for i := range xs {
		xs[i] = v
	}
	return xs
}

// pkg is a package whose init clock is spread around clock by ±s.
func pkg(path string, clock, s, bytes, allocs float64) result.Package {
	return result.Package{
		Path:    path,
		Runs:    runs,
		ClockNs: result.NewMetric(spread(clock, s)),
		Bytes:   result.NewMetric(same(bytes)),
		Allocs:  result.NewMetric(same(allocs)),
	}
}

// baseline is a result within checkBudgets.
func baseline() *result.Result {
	r := &result.Result{Schema: result.Schema, Runs: runs}
	r.Total.InitNs = result.NewMetric(spread(150*ms, 10*ms))
	r.Total.WallNs = result.NewMetric(spread(1.5*sec, 0.1*sec))
	r.Total.Bytes = result.NewMetric(same(32 * mib))
	r.Total.Allocs = result.NewMetric(same(100000))
	r.Packages = []result.Package{
		pkg("example.com/gateway", 12*ms, 1*ms, 12*mib, 80000),
		pkg("example.com/metrics", 11*ms, 1*ms, 1*mib, 1000),
		pkg("example.com/light", 1*ms, 0.1*ms, 1024, 10),
	}
	return r
}

// set replaces or adds the package p.
func set(r *result.Result, p result.Package) {
	for i := range r.Packages {
		if r.Packages[i].Path == p.Path {
			r.Packages[i] = p
			return
		}
	}
	r.Packages = append(r.Packages, p)
}

func drop(r *result.Result, path string) {
	r.Packages = slices.DeleteFunc(r.Packages, func(p result.Package) bool { return p.Path == path })
}

// day is the default date of the Check tests.
func day() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }

func TestCheck(t *testing.T) {
	b, err := Parse([]byte(checkBudgets), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	settle := func(c, s, limit float64) int { return stats.RunsToSettle(spread(c, s), limit) }
	west := time.FixedZone("UTC-8", -8*3600)
	tests := []struct {
		name   string
		change func(r *result.Result)
		today  time.Time
		opt    Options
		want   []string // "severity kind package metric" per finding, in order
		msg    string   // the first finding's Msg, if not ""
		more   int      // the first finding's MoreRuns
		failed bool
		note   string // a note Check must give, besides the one on the missing graph
	}{
		{name: "within budgets"},
		{
			name:   "total init over",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(250*ms, 20*ms)) },
			want:   []string{"fail total - init"},
			msg:    "total init median 250ms (95% CI 240ms..260ms) is over the 200ms total budget (b.yaml:2)",
			failed: true,
		},
		{
			name:   "total init uncertain, median above",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(205*ms, 20*ms)) },
			want:   []string{"uncertain total - init"},
			msg:    fmt.Sprintf("total init median 205ms (95%% CI 195ms..215ms) vs the 200ms total budget (b.yaml:2): can't tell yet from 21 runs; about %d runs in all would settle it", settle(205*ms, 20*ms, 200*ms)),
			more:   settle(205*ms, 20*ms, 200*ms),
		},
		{
			name:   "total init uncertain fails with FailUncertain",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(205*ms, 20*ms)) },
			opt:    Options{FailUncertain: true},
			want:   []string{"uncertain total - init"},
			more:   settle(205*ms, 20*ms, 200*ms),
			failed: true,
		},
		{
			name:   "total init uncertain, median below",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(195*ms, 20*ms)) },
			want:   []string{"uncertain total - init"},
			more:   settle(195*ms, 20*ms, 200*ms),
		},
		{
			name:   "total init median at the limit",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(200*ms, 20*ms)) },
			want:   []string{"uncertain total - init"},
			msg:    "total init median 200ms (95% CI 190ms..210ms) vs the 200ms total budget (b.yaml:2): can't tell yet from 21 runs; no reasonable number of runs would settle it: the median sits at the limit",
			more:   -1,
		},
		{
			name:   "interval top at the limit passes",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(190*ms, 20*ms)) },
		},
		{
			name:   "p95 over while the median passes",
			change: func(r *result.Result) { r.Total.InitNs = result.NewMetric(spread(150*ms, 60*ms)) },
			opt:    Options{Statistic: P95},
			want:   []string{"fail total - init"},
			msg:    "total init p95 204ms is over the 200ms total budget (b.yaml:2)",
			failed: true,
		},
		{
			name:   "wall over",
			change: func(r *result.Result) { r.Total.WallNs = result.NewMetric(spread(2.5*sec, 0.2*sec)) },
			want:   []string{"fail total - wall"},
			msg:    "wall time median 2.50s (95% CI 2.40s..2.60s) is over the 2s total budget (b.yaml:3)",
			failed: true,
		},
		{
			name:   "wall not measured",
			change: func(r *result.Result) { r.Total.WallNs = result.Metric{} },
			note:   "total.wall (b.yaml:3) not checked: the result has no wall measurements",
		},
		{
			name: "total bytes and allocs over",
			change: func(r *result.Result) {
				r.Total.Bytes = result.NewMetric(same(70 * mib))
				r.Total.Allocs = result.NewMetric(same(200001))
			},
			want:   []string{"fail total - bytes", "fail total - allocs"},
			msg:    "total init bytes median 70.0 MiB is over the 64MiB total budget (b.yaml:4)",
			failed: true,
		},
		{
			name:   "package over the default",
			change: func(r *result.Result) { set(r, pkg("example.com/heavy", 14*ms, 2*ms, 1024, 10)) },
			want:   []string{"fail package example.com/heavy clock"},
			msg:    "example.com/heavy init clock median 14.0ms (95% CI 13.0ms..15.0ms) is over the 10ms package default (b.yaml:6); make it cheaper or lazy, or add a reviewed exception",
			failed: true,
		},
		{
			name:   "package uncertain",
			change: func(r *result.Result) { set(r, pkg("example.com/heavy", 10.5*ms, 2*ms, 1024, 10)) },
			want:   []string{"uncertain package example.com/heavy clock"},
			more:   settle(10.5*ms, 2*ms, 10*ms),
		},
		{
			name:   "package bytes and allocs over the defaults",
			change: func(r *result.Result) { set(r, pkg("example.com/heavy", 1*ms, 0.1*ms, 9*mib, 60000)) },
			want:   []string{"fail package example.com/heavy bytes", "fail package example.com/heavy allocs"},
			msg:    "example.com/heavy init bytes median 9.00 MiB is over the 8MiB package default (b.yaml:7); make it cheaper or lazy, or add a reviewed exception",
			failed: true,
		},
		{
			name:   "exception exceeded",
			change: func(r *result.Result) { set(r, pkg("example.com/gateway", 18*ms, 2*ms, 20*mib, 120000)) },
			want: []string{
				"fail exception-exceeded example.com/gateway clock",
				"fail exception-exceeded example.com/gateway bytes",
				"fail exception-exceeded example.com/gateway allocs",
			},
			msg:    "example.com/gateway init clock median 18.0ms (95% CI 17.0ms..19.0ms) is over its exception's 15ms max (b.yaml:14)",
			failed: true,
		},
		{
			name:   "exception without max_bytes keeps package_bytes",
			change: func(r *result.Result) { set(r, pkg("example.com/metrics", 11*ms, 1*ms, 9*mib, 1000)) },
			want:   []string{"fail package example.com/metrics bytes"},
			failed: true,
		},
		{
			name:   "exception exceeded, uncertain",
			change: func(r *result.Result) { set(r, pkg("example.com/metrics", 12.2*ms, 1*ms, 1*mib, 1000)) },
			want:   []string{"uncertain exception-exceeded example.com/metrics clock"},
			more:   settle(12.2*ms, 1*ms, 12*ms),
		},
		{
			name:   "forbidden without a graph",
			change: func(r *result.Result) { set(r, pkg("github.com/aws/aws-sdk-go/aws/session", 1*ms, 0.1*ms, 1024, 10)) },
			want:   []string{"fail forbidden github.com/aws/aws-sdk-go/aws/session -"},
			msg:    "github.com/aws/aws-sdk-go/aws/session is forbidden by github.com/aws/aws-sdk-go/... (b.yaml:10): use the modular v2 SDK",
			failed: true,
		},
		{
			name:   "expired",
			today:  time.Date(2026, 12, 11, 9, 0, 0, 0, time.UTC),
			want:   []string{"fail exception-expired example.com/gateway -"},
			msg:    "exception for example.com/gateway was due for review on 2026-12-08, 3 days ago (b.yaml:22): review it and move review_by, or remove it",
			failed: true,
		},
		{
			name:  "due today",
			today: time.Date(2026, 12, 8, 23, 59, 0, 0, time.UTC),
		},
		{
			name:  "due today in the caller's zone",
			today: time.Date(2026, 12, 8, 23, 30, 0, 0, west), // 2026-12-09 in UTC
		},
		{
			name:   "stale: measured under the default",
			change: func(r *result.Result) { set(r, pkg("example.com/gateway", 5*ms, 1*ms, 1*mib, 1000)) },
			want:   []string{"warn exception-stale example.com/gateway clock"},
			msg:    "exception for example.com/gateway (b.yaml:13) is stale: its init clock median 5.00ms (95% CI 4.50ms..5.50ms) is within the 10ms package default (b.yaml:6); remove the exception",
		},
		{
			name:   "not stale while the interval reaches over the default",
			change: func(r *result.Result) { set(r, pkg("example.com/gateway", 9.8*ms, 1*ms, 1*mib, 1000)) },
		},
		{
			name:   "not stale while bytes need it",
			change: func(r *result.Result) { set(r, pkg("example.com/gateway", 5*ms, 1*ms, 12*mib, 1000)) },
		},
		{
			name:   "not stale while allocs need it",
			change: func(r *result.Result) { set(r, pkg("example.com/gateway", 5*ms, 1*ms, 1*mib, 60000)) },
		},
		{
			name:   "stale: no init work, no graph",
			change: func(r *result.Result) { drop(r, "example.com/metrics") },
			want:   []string{"warn exception-stale example.com/metrics -"},
			msg:    "exception for example.com/metrics (b.yaml:23) is stale: the package has no init work in this result (no import graph to tell whether it is still in the binary); remove the exception",
		},
		{
			name:   "bad statistic",
			opt:    Options{Statistic: "mean"},
			want:   []string{"fail options - -"},
			msg:    `unknown statistic "mean" (want median or p95): nothing was checked`,
			failed: true,
		},
		{
			name: "everything, sorted",
			change: func(r *result.Result) {
				r.Total.InitNs = result.NewMetric(spread(250*ms, 20*ms))
				r.Total.WallNs = result.NewMetric(spread(2*sec, 0.2*sec))
				r.Total.Allocs = result.NewMetric(same(300000))
				set(r, pkg("example.com/zeta", 14*ms, 2*ms, 1024, 10))
				set(r, pkg("example.com/alpha", 14*ms, 2*ms, 9*mib, 10))
				set(r, pkg("example.com/beta", 10.5*ms, 2*ms, 1024, 10))
				set(r, pkg("example.com/gateway", 18*ms, 2*ms, 1*mib, 10))
				set(r, pkg("github.com/aws/aws-sdk-go/aws", 1*ms, 0.1*ms, 1024, 10))
				drop(r, "example.com/metrics")
			},
			today: time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC),
			want: []string{
				"fail total - init",
				"fail total - allocs",
				"fail package example.com/alpha clock",
				"fail package example.com/alpha bytes",
				"fail package example.com/zeta clock",
				"fail exception-exceeded example.com/gateway clock",
				"fail forbidden github.com/aws/aws-sdk-go/aws -",
				"fail exception-expired example.com/gateway -",
				"uncertain total - wall",
				"uncertain package example.com/beta clock",
				"warn exception-stale example.com/metrics -",
			},
			failed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseline()
			if tt.change != nil {
				tt.change(r)
			}
			today := tt.today
			if today.IsZero() {
				today = day()
			}
			rep := b.Check(r, nil, today, tt.opt)
			var got []string
			for _, f := range rep.Findings {
				got = append(got, strings.Join([]string{f.Severity, f.Kind, dash(f.Package), dash(f.Metric)}, " "))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
				for _, f := range rep.Findings {
					t.Log(f.Msg)
				}
			}
			if len(rep.Findings) > 0 {
				f := rep.Findings[0]
				if tt.msg != "" && f.Msg != tt.msg {
					t.Errorf("Msg:\n\t%s\nwant:\n\t%s", f.Msg, tt.msg)
				}
				if f.MoreRuns != tt.more {
					t.Errorf("MoreRuns = %d, want %d", f.MoreRuns, tt.more)
				}
			}
			if rep.Failed() != tt.failed {
				t.Errorf("Failed() = %v, want %v", rep.Failed(), tt.failed)
			}
			if tt.note != "" && !slices.Contains(rep.Notes, tt.note) {
				t.Errorf("notes %q lack %q", rep.Notes, tt.note)
			}
			if tt.name != "bad statistic" && !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.HasPrefix(n, "no import graph: ") }) {
				t.Errorf("notes %q do not say that there is no import graph", rep.Notes)
			}
		})
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TestCheckFields checks the numbers of findings, beyond their messages.
func TestCheckFields(t *testing.T) {
	b, err := Parse([]byte(checkBudgets), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := baseline()
	set(r, pkg("example.com/heavy", 14*ms, 2*ms, 9*mib, 10))
	rep := b.Check(r, nil, time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), Options{})
	want := []Finding{
		{
			Severity: Fail, Kind: KindPackage, Package: "example.com/heavy", Metric: "clock", Statistic: Median,
			Value: 14 * ms, CILow: 13 * ms, CIHigh: 15 * ms, Limit: 10 * ms, Unit: UnitNs, Source: Pos{"b.yaml", 6}, N: runs,
		},
		{
			Severity: Fail, Kind: KindPackage, Package: "example.com/heavy", Metric: "bytes", Statistic: Median,
			Value: 9 * mib, Limit: 8 * mib, Unit: UnitBytes, Source: Pos{"b.yaml", 7}, N: runs,
		},
		{Severity: Fail, Kind: KindExpired, Package: "example.com/gateway", Source: Pos{"b.yaml", 22}, DaysOverdue: 2},
	}
	if len(rep.Findings) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(rep.Findings), len(want), rep.Findings)
	}
	for i, f := range rep.Findings {
		f.Msg = ""
		if !equalFinding(f, want[i]) {
			t.Errorf("finding %d:\n%+v\nwant:\n%+v", i, f, want[i])
		}
	}
}

func equalFinding(a, b Finding) bool {
	return slices.Equal(a.Chain, b.Chain) && func() bool { a.Chain, b.Chain = nil, nil; return fmt.Sprint(a) == fmt.Sprint(b) }()
}

// TestCheckGraph checks forbidden packages and stale exceptions with a real
// import graph, listed by the go command from a small module.
func TestCheckGraph(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                "module example.com/app\n\ngo 1.26\n",
		"main.go":               "package main\n\nimport _ \"example.com/app/handler\"\n\nfunc main() {}\n",
		"handler/handler.go":    "package handler\n\nimport _ \"example.com/app/legacy/soap\"\n",
		"legacy/soap/soap.go":   "package soap\n",
		"legacy/other/other.go": "package other\n", // not imported
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	g, err := importgraph.Load(context.Background(), dir, ".", nil, env)
	if err != nil {
		t.Fatal(err)
	}
	const budgets = `total:
  init: 200ms
package_default: 10ms
forbid:
  - pattern: example.com/app/legacy/...
    reason: SOAP was switched off in 2025
exceptions:
  - package: example.com/app/handler
    max: 15ms
    usage: 1
    justification: every request
    evidence: docs/handler.md
    approved_by: J. Doe
    approved_on: 2026-11-08
    review_by: 2027-11-08
  - package: example.com/gone
    max: 15ms
    usage: 0.1
    justification: reports
    evidence: docs/gone.md
    approved_by: J. Doe
    approved_on: 2026-11-08
    review_by: 2027-11-08
`
	b, err := Parse([]byte(budgets), "g.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := &result.Result{Schema: result.Schema, Runs: runs}
	r.Total.InitNs = result.NewMetric(spread(1*ms, 0.1*ms))
	rep := b.Check(r, g, day(), Options{})
	want := []string{
		"fail forbidden example.com/app/legacy/soap: example.com/app/legacy/soap is forbidden by example.com/app/legacy/... (g.yaml:5): SOAP was switched off in 2025; imported via example.com/app -> example.com/app/handler -> example.com/app/legacy/soap",
		"warn exception-stale example.com/app/handler: exception for example.com/app/handler (g.yaml:8) is stale: the package no longer has init work; remove the exception",
		"warn exception-stale example.com/gone: exception for example.com/gone (g.yaml:16) is stale: the package is no longer in the binary; remove the exception",
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Severity+" "+f.Kind+" "+f.Package+": "+f.Msg)
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if len(rep.Findings) > 0 {
		if c := rep.Findings[0].Chain; !slices.Equal(c, []string{"example.com/app", "example.com/app/handler", "example.com/app/legacy/soap"}) {
			t.Errorf("Chain = %q", c)
		}
	}
	if len(rep.Notes) != 0 {
		t.Errorf("Notes = %q, want none", rep.Notes)
	}
}

// TestCheckFileStatistic checks that the file's statistic is used unless
// Options name one.
func TestCheckFileStatistic(t *testing.T) {
	b, err := Parse([]byte(head+"statistic: p95\n"), "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := &result.Result{Schema: result.Schema, Runs: runs}
	r.Total.InitNs = result.NewMetric(spread(150*ms, 60*ms)) // p95 204ms, median CI [120ms, 180ms]
	if rep := b.Check(r, nil, day(), Options{}); rep.Statistic != P95 || !rep.Failed() {
		t.Errorf("file statistic p95: Statistic %q, findings %+v", rep.Statistic, rep.Findings)
	}
	if rep := b.Check(r, nil, day(), Options{Statistic: Median}); rep.Statistic != Median || rep.Failed() || len(rep.Findings) != 0 {
		t.Errorf("option median: Statistic %q, findings %+v", rep.Statistic, rep.Findings)
	}
}
