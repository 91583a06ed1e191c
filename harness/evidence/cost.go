package evidence

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Demand is the requester's usage data. Each figure is nil when not given.
type Demand struct {
	ColdStarts *float64 // cold starts (new processes) per day
	// Usage is the share of cold starts, 0 to 1, whose process uses the
	// package at least once.
	Usage *float64
	Uses  *float64 // processes per day that use the package at least once
}

// Validate checks the figures: counts are finite and not negative, usage
// is from 0 to 1, and usage and uses are not both given.
func (d Demand) Validate() error {
	if d.ColdStarts != nil && !(finite(*d.ColdStarts) && *d.ColdStarts >= 0) {
		return fmt.Errorf("cold starts %v per day: want a number >= 0", *d.ColdStarts)
	}
	if d.Uses != nil && !(finite(*d.Uses) && *d.Uses >= 0) {
		return fmt.Errorf("uses %v per day: want a number >= 0", *d.Uses)
	}
	if d.Usage != nil && !(*d.Usage >= 0 && *d.Usage <= 1) {
		return fmt.Errorf("usage %v: want a share from 0 to 1", *d.Usage)
	}
	if d.Usage != nil && d.Uses != nil {
		return errors.New("usage and uses per day: give one")
	}
	return nil
}

// ParseRate reads a per-day figure: a number, optionally followed by
// "/day" ("10000", "10000/day", "2.5e6/day"). It must be finite and not
// negative.
func ParseRate(s string) (float64, error) {
	num := strings.TrimSuffix(strings.TrimSpace(s), "/day")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || !finite(v) || v < 0 {
		return 0, fmt.Errorf("%q: want a number per day >= 0, like 10000 or 10000/day", s)
	}
	return v, nil
}

// ParseUsage reads a share from 0 to 1 ("0.25").
func ParseUsage(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v >= 0 && v <= 1) {
		return 0, fmt.Errorf("%q: want a share from 0 to 1, like 0.25", s)
	}
	return v, nil
}

// The decisions of a cost-benefit analysis.
const (
	DecideLazy    = "lazy"    // lazy initialisation costs less
	DecideEager   = "eager"   // every process uses the package: lazy saves nothing
	DecideNone    = "none"    // the init does no measurable work
	DecideUnknown = "unknown" // inputs are missing
)

// CostBenefit compares eager with lazy initialisation. Per-day figures are
// nil when the inputs to compute them are missing.
type CostBenefit struct {
	CostNs     float64  `json:"cost_ns"` // median init clock, paid once per process that pays it
	ColdStarts *float64 `json:"cold_starts_per_day,omitempty"`
	// Usage is the share of cold starts that use the package: as given, or
	// first uses over cold starts.
	Usage *float64 `json:"usage,omitempty"`
	// UsageFrom says where Usage came from: "usage" (given) or "uses"
	// (derived from uses per day).
	UsageFrom string   `json:"usage_from,omitempty"`
	Uses      *float64 `json:"uses_per_day,omitempty"` // as given
	// FirstUses is the number of processes a day that pay a lazy init.
	FirstUses *float64 `json:"first_uses_per_day,omitempty"`
	// Capped is true when the uses given exceed the cold starts, so that
	// FirstUses is the cold starts.
	Capped bool     `json:"capped,omitempty"`
	Eager  *float64 `json:"eager_ns_per_day,omitempty"`
	Lazy   *float64 `json:"lazy_ns_per_day,omitempty"`
	Saving *float64 `json:"saving_ns_per_day,omitempty"`
	// Ratio is eager over lazy cost (1/usage); nil when unknown or when
	// lazy costs nothing.
	Ratio    *float64 `json:"ratio,omitempty"`
	Decision string   `json:"decision"` // DecideLazy, DecideEager, DecideNone or DecideUnknown
	Summary  string   `json:"summary"`  // the decision in words
	// Needed names the inputs that would complete the analysis.
	Needed []string `json:"needed,omitempty"`
}

// costBenefit compares eager and lazy initialisation of a package whose
// init costs costNs.
func costBenefit(costNs float64, d Demand) CostBenefit {
	cb := CostBenefit{CostNs: costNs, ColdStarts: d.ColdStarts, Uses: d.Uses}
	switch {
	case d.Usage != nil:
		cb.Usage, cb.UsageFrom = ptr(*d.Usage), "usage"
		if d.ColdStarts != nil {
			cb.FirstUses = ptr(*d.Usage * *d.ColdStarts)
		}
	case d.Uses != nil && d.ColdStarts != nil:
		first := *d.Uses
		if first > *d.ColdStarts {
			first, cb.Capped = *d.ColdStarts, true
		}
		cb.FirstUses = ptr(first)
		if *d.ColdStarts > 0 {
			cb.Usage, cb.UsageFrom = ptr(first / *d.ColdStarts), "uses"
		}
	}
	if d.ColdStarts != nil {
		cb.Eager = ptr(costNs * *d.ColdStarts)
	} else {
		cb.Needed = append(cb.Needed, "cold starts per day (-cold-starts N/day), for the cost per day")
	}
	if cb.FirstUses != nil {
		cb.Lazy = ptr(costNs * *cb.FirstUses)
		cb.Saving = ptr(*cb.Eager - *cb.Lazy)
	}
	if d.Usage == nil && d.Uses == nil {
		cb.Needed = append(cb.Needed, "the share of processes that use the package (-usage FRACTION) or their number per day (-uses N/day), from the requester's data")
	}
	if cb.Usage != nil && *cb.Usage > 0 {
		cb.Ratio = ptr(1 / *cb.Usage)
	}
	cb.Decision, cb.Summary = decide(cb, d)
	if cb.Decision == DecideNone {
		cb.Needed = nil // nothing to decide, so nothing is missing
	}
	return cb
}

// decide states the decision in words.
func decide(cb CostBenefit, d Demand) (string, string) {
	cost := Duration(cb.CostNs)
	switch {
	case cb.CostNs == 0:
		return DecideNone, "Nothing to decide: the package's init does no measurable work (median 0), so eager and lazy initialisation cost the same."
	case cb.Usage == nil && d.Uses != nil && d.ColdStarts != nil:
		// Uses given but no cold starts at all.
		return DecideNone, "Nothing to decide: there are no cold starts a day, so neither way costs anything."
	case cb.Usage == nil:
		return DecideUnknown, "Undecided: comparing eager with lazy initialisation needs " + strings.Join(cb.Needed, " and ") + "."
	}
	u := *cb.Usage
	perDay := ""
	switch {
	case cb.Eager != nil && cb.Lazy != nil:
		perDay = fmt.Sprintf(" Per day: %s eager against %s lazy.", DayDuration(*cb.Eager), DayDuration(*cb.Lazy))
	case cb.ColdStarts == nil:
		perDay = " The cost per day needs the number of cold starts per day (-cold-starts N/day)."
	}
	switch {
	case u >= 1:
		return DecideEager, fmt.Sprintf("Eager: every process uses the package, so lazy initialisation would save nothing; it would only move %s from the start to the first use.%s", cost, perDay)
	case u == 0:
		return DecideLazy, fmt.Sprintf("Lazy: no process uses the package, so lazy initialisation would cost nothing and save the whole %s of every cold start.%s", cost, perDay)
	}
	saving := ""
	if cb.Saving != nil {
		saving = fmt.Sprintf(", %s a day", DayDuration(*cb.Saving))
	}
	head := "Lazy"
	if 1-u < 0.1 {
		head = "Lazy, narrowly"
	}
	s := fmt.Sprintf("%s: %s of processes use the package, so eager initialisation costs %s what lazy would: %s in every cold start, against %s once in each process that uses it (%s per cold start on average). Lazy saves %s of it%s.%s",
		head, Percent(u), times(*cb.Ratio), cost, cost, Duration(cb.CostNs*u), Percent(1-u), saving, perDay)
	if 1-u < 0.1 {
		s += " That is little: eager initialisation is defensible if a first use must not wait " + cost + "."
	} else {
		s += " The price: the first use in each process waits " + cost + "."
	}
	return DecideLazy, s
}

// times formats a ratio: "4.0×", "1.05×", "250×".
func times(r float64) string {
	switch {
	case r >= 100:
		return strconv.FormatFloat(math.Round(r), 'f', 0, 64) + "×"
	case r >= 1.1:
		return strconv.FormatFloat(r, 'f', 1, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 2, 64) + "×"
}

func ptr(v float64) *float64 { return &v }
