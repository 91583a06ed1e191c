package result

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/coldstart-dev/coldstart/harness/runner"
	"github.com/coldstart-dev/coldstart/harness/unit"
)

// Assemble builds the statistics of r from counted runs as runner.Execute
// returns them. Target, Machine, Settings and Command are left to the
// caller.
func Assemble(runs []runner.Run) (*Result, error) {
	var traced, plain []runner.Run
	for _, run := range runs {
		if run.Traced {
			traced = append(traced, run)
		} else {
			plain = append(plain, run)
		}
	}
	if len(traced) == 0 || len(plain) == 0 {
		return nil, fmt.Errorf("assembling results: need traced and untraced runs, have %d and %d", len(traced), len(plain))
	}
	r := &Result{Schema: Schema, Runs: len(traced)}

	// Per package, in the init order of the first traced run; packages seen
	// only in later runs follow in the order they were first seen.
	type acc struct {
		order                       int
		clock, start, bytes, allocs []float64
	}
	pkgs := map[string]*acc{}
	var order []string
	init := make([]float64, len(traced))
	end := make([]float64, len(traced))
	bytes := make([]float64, len(traced))
	allocs := make([]float64, len(traced))
	for i, run := range traced {
		for _, in := range run.Inits {
			a := pkgs[in.Package]
			if a == nil {
				a = &acc{order: len(order)}
				pkgs[in.Package] = a
				order = append(order, in.Package)
			}
			a.clock = append(a.clock, float64(in.Clock))
			a.start = append(a.start, float64(in.Start))
			a.bytes = append(a.bytes, float64(in.Bytes))
			a.allocs = append(a.allocs, float64(in.Allocs))
			init[i] += float64(in.Clock)
			end[i] = max(end[i], float64(in.End()))
			bytes[i] += float64(in.Bytes)
			allocs[i] += float64(in.Allocs)
		}
	}

	t := &r.Total
	t.InitNs = newMetric(init, unit.Duration)
	t.InitEndNs = newMetric(end, unit.Duration)
	t.Bytes = newMetric(bytes, unit.Bytes)
	t.Allocs = NewMetric(allocs)
	t.Packages = len(order)
	t.WallNs = newMetric(collect(plain, func(r runner.Run) float64 { return float64(r.Wall) }), unit.Duration)
	t.TracedWallNs = newMetric(collect(traced, func(r runner.Run) float64 { return float64(r.Wall) }), unit.Duration)
	t.UserNs = newMetric(collect(plain, func(r runner.Run) float64 { return float64(r.User) }), unit.Duration)
	t.SysNs = newMetric(collect(plain, func(r runner.Run) float64 { return float64(r.Sys) }), unit.Duration)
	t.MaxRSSBytes = newMetric(collect(plain, func(r runner.Run) float64 { return float64(r.MaxRSS) }), unit.Bytes)
	t.MinorFaults = NewMetric(collect(plain, func(r runner.Run) float64 { return float64(r.MinorFaults) }))
	t.MajorFaults = NewMetric(collect(plain, func(r runner.Run) float64 { return float64(r.MajorFaults) }))
	// Outside init comes from the traced runs alone: each one's wall minus
	// its own last init end. Taking the untraced run's wall instead would
	// subtract inittrace's own cost, which lies inside the traced init end
	// (17-19 µs a line: 2.7 ms for staticcheck's 298 packages, more than
	// what is outside), and would add the noise of two runs.
	outside := make([]float64, len(traced))
	for i, r := range traced {
		outside[i] = float64(r.Wall) - end[i]
	}
	t.OutsideInitNs = newMetric(outside, unit.Duration)

	for _, path := range order {
		a := pkgs[path]
		p := Package{
			Path:    path,
			Runs:    len(a.clock),
			Order:   a.order,
			ClockNs: newMetric(a.clock, unit.Duration),
			StartNs: newMetric(a.start, unit.Duration),
			Bytes:   newMetric(a.bytes, unit.Bytes),
			Allocs:  NewMetric(a.allocs),
		}
		if t.InitNs.Median > 0 {
			p.Share = p.ClockNs.Median / t.InitNs.Median
		}
		r.Packages = append(r.Packages, p)
	}
	SortPackages(r.Packages)

	rep := representative(init)
	for _, in := range traced[rep].Inits {
		r.Timeline = append(r.Timeline, Span{
			Path:    in.Package,
			StartNs: int64(in.Start),
			ClockNs: int64(in.Clock),
			Bytes:   in.Bytes,
			Allocs:  in.Allocs,
		})
	}
	for _, run := range traced {
		for _, w := range run.Warnings {
			r.Warnings = append(r.Warnings, w.Error())
		}
	}
	return r, nil
}

// SortPackages orders packages heaviest first by median clock, then by
// path, so that output is deterministic.
func SortPackages(ps []Package) {
	slices.SortStableFunc(ps, func(a, b Package) int {
		if c := cmp.Compare(b.ClockNs.Median, a.ClockNs.Median); c != 0 {
			return c
		}
		return cmp.Compare(a.Path, b.Path)
	})
}

func collect(runs []runner.Run, f func(runner.Run) float64) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		out[i] = f(r)
	}
	return out
}

// representative is the index of the value closest to the median; the
// first such on ties.
func representative(xs []float64) int {
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	best := 0
	for i, x := range xs {
		if abs(x-med) < abs(xs[best]-med) {
			best = i
		}
	}
	return best
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
