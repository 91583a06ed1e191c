package budget_test

import (
	"fmt"
	"time"

	"github.com/coldstart-dev/coldstart/harness/budget"
	"github.com/coldstart-dev/coldstart/harness/result"
)

func ExampleBudgets_Check() {
	b, err := budget.Parse([]byte(`
total:
  init: 50ms
package_default: 10ms
forbid:
  - pattern: github.com/aws/aws-sdk-go/...
    reason: use the modular v2 SDK
exceptions:
  - package: example.com/gateway
    max: 15ms
    usage: 0.95
    justification: used by every request handler
    evidence: docs/evidence/gateway.md
    approved_by: J. Doe
    approved_on: 2026-11-08
    review_by: 2026-12-08
`), "budgets.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}

	// The init clock of 12 runs, in milliseconds.
	clock := func(msValues ...float64) result.Metric {
		ns := make([]float64, len(msValues))
		for i, v := range msValues {
			ns[i] = v * 1e6
		}
		return result.NewMetric(ns)
	}
	r := &result.Result{Schema: result.Schema, Runs: 12}
	r.Total.InitNs = clock(31, 32, 30, 33, 31, 35, 32, 30, 31, 34, 32, 31)
	r.Packages = []result.Package{
		{Path: "example.com/gateway", ClockNs: clock(13, 14, 13, 12, 15, 13, 14, 13, 12, 13, 14, 13)},
		{Path: "example.com/templates", ClockNs: clock(12, 13, 12, 14, 12, 13, 12, 15, 13, 12, 14, 12)},
		{Path: "github.com/aws/aws-sdk-go/aws/endpoints", ClockNs: clock(2, 2, 3, 2, 2, 2, 3, 2, 2, 2, 2, 2)},
	}

	rep := b.Check(r, nil, time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC), budget.Options{})
	for _, f := range rep.Findings {
		fmt.Printf("%s %s: %s\n", f.Severity, f.Kind, f.Msg)
	}
	fmt.Println("failed:", rep.Failed())
	for _, n := range rep.Notes {
		fmt.Println("note:", n)
	}
	// Output:
	// fail package: example.com/templates init clock median 12.5ms (95% CI 12.0ms..14.0ms) is over the 10ms package default (budgets.yaml:4); make it cheaper or lazy, or add a reviewed exception
	// fail forbidden: github.com/aws/aws-sdk-go/aws/endpoints is forbidden by github.com/aws/aws-sdk-go/... (budgets.yaml:6): use the modular v2 SDK
	// fail exception-expired: exception for example.com/gateway was due for review on 2026-12-08, 2 days ago (budgets.yaml:16): review it and move review_by, or remove it
	// failed: true
	// note: no import graph: forbidden packages were looked for only among the 3 packages with init work, import chains are omitted, and an exception counts as stale when its package has no init work
}
