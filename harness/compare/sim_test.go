package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/coldstart-dev/coldstart/harness/inittrace"
	"github.com/coldstart-dev/coldstart/harness/result"
	"github.com/coldstart-dev/coldstart/harness/runner"
)

// program is a simulated program: the median init clock of each package.
type program struct {
	paths  []string
	medNs  []float64
	bytes  []int64
	allocs []int64
}

// newProgram makes n packages whose init times spread like a real large
// program's: most take microseconds, a few milliseconds.
func newProgram(rng *rand.Rand, n int) program {
	var p program
	for i := range n {
		p.paths = append(p.paths, fmt.Sprintf("example.com/m%d/pkg%d", i%17, i))
		p.medNs = append(p.medNs, math.Exp(rng.NormFloat64()*1.5+math.Log(20e3)))
		p.bytes = append(p.bytes, int64(rng.IntN(50000)))
		p.allocs = append(p.allocs, int64(rng.IntN(300)))
	}
	return p
}

// runs simulates n pairs of runs of p. Noise is modelled on real traces
// (bench/testdata/planted on a 2-core VM): each run's package clock is the
// median times a tight lognormal spread (5%), times a machine-wide factor
// shared by all packages of the run (5%), and in one run in ten a
// disturbance that makes it 1 to 4 times slower; then truncated the way
// inittrace prints it. The resulting CV is 20-50%, as measured, but
// carried by the disturbed runs. scale multiplies one package's time
// (index which; -1 for none).
func (p program) runs(rng *rand.Rand, n int, which int, scale float64) []runner.Run {
	var out []runner.Run
	for i := range n {
		machine := math.Exp(rng.NormFloat64() * 0.05)
		var inits []inittrace.Init
		var at time.Duration
		for k, path := range p.paths {
			ns := p.medNs[k] * machine * math.Exp(rng.NormFloat64()*0.05)
			if rng.IntN(10) == 0 {
				ns *= 1 + 3*rng.Float64()
			}
			if k == which {
				ns *= scale
			}
			d := time.Duration(ns)
			d -= d % inittrace.Resolution(d)
			inits = append(inits, inittrace.Init{Package: path, Start: at, Clock: d, Bytes: p.bytes[k], Allocs: p.allocs[k]})
			at += d
		}
		out = append(out,
			runner.Run{Index: 2 * i, Traced: true, Wall: at + time.Millisecond, Inits: inits},
			runner.Run{Index: 2*i + 1, Wall: time.Duration(float64(at)*math.Exp(rng.NormFloat64()*0.05)) + time.Millisecond})
	}
	return out
}

func assemble(t *testing.T, runs []runner.Run) *result.Result {
	t.Helper()
	r, err := result.Assemble(runs)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestFamilyWiseError compares two identical simulated 400-package
// programs many times: with Holm's correction, at most about 5% of the
// diffs may flag any package; without it, nearly every diff would flag
// some (400 tests at 5% each flag 20 on average).
func TestFamilyWiseError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	prog := newProgram(rng, 400)
	const trials = 100
	flagged, totals, uncorrected, regressed := 0, 0, 0, 0
	for range trials {
		d := Compare(assemble(t, prog.runs(rng, 20, -1, 1)), assemble(t, prog.runs(rng, 20, -1, 1)), Options{Threshold: Threshold{Relative: 0.02}})
		any, raw := false, false
		for _, p := range d.Packages {
			any = any || p.Clock.Significant
			raw = raw || (p.Clock.Tested && p.Clock.P < DefaultAlpha)
		}
		if any {
			flagged++
		}
		if raw {
			uncorrected++
		}
		if d.Totals.Init.Significant || d.Totals.Wall.Significant {
			totals++
		}
		if d.Regressed() {
			regressed++
		}
	}
	t.Logf("A/A over 400 packages, %d diffs: %d flag a package with Holm, %d without; %d flag a total; %d regressions", trials, flagged, uncorrected, totals, regressed)
	// Binomial(100, 0.05) exceeds 11 with probability under 1%; the seed
	// is fixed, so this fails only if the method changes.
	if flagged > 11 {
		t.Errorf("%d of %d A/A diffs flagged a package, want about 5%% at most", flagged, trials)
	}
	if uncorrected < trials*9/10 {
		t.Errorf("only %d of %d A/A diffs had a raw p below %v: the simulation is too quiet to show anything", uncorrected, trials, DefaultAlpha)
	}
	if totals > 11 {
		t.Errorf("%d of %d A/A diffs flagged a total time, want about 5%% at most", totals, trials)
	}
	if regressed > flagged+totals {
		t.Errorf("%d regressions but only %d diffs with anything significant", regressed, flagged+totals)
	}
}

// TestPower plants a slowdown in the heaviest package of a simulated
// 400-package program and checks that it is found despite the correction
// over 400 packages, and counted as a regression only when it exceeds the
// threshold. 30 pairs, the default.
func TestPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	prog := newProgram(rng, 400)
	heavy := 0
	for i, m := range prog.medNs {
		if m > prog.medNs[heavy] {
			heavy = i
		}
	}
	var total float64
	for _, m := range prog.medNs {
		total += m
	}
	// +30% of the heaviest package; the limits are set to half and twice
	// that shift.
	shift := 0.3 * prog.medNs[heavy]
	const trials = 40
	for _, tt := range []struct {
		name string
		th   Threshold
		want Verdict
	}{
		{"below threshold", Threshold{AbsNs: 2 * shift}, Slower},
		{"beyond threshold", Threshold{AbsNs: shift / 2}, Regression},
		{"relative", Threshold{Relative: shift / 2 / total}, Regression},
	} {
		found := 0
		for range trials {
			d := Compare(assemble(t, prog.runs(rng, 30, -1, 1)), assemble(t, prog.runs(rng, 30, heavy, 1.3)), Options{Threshold: tt.th})
			for _, p := range d.Packages {
				if p.Path != prog.paths[heavy] || p.Clock.Verdict != tt.want {
					continue
				}
				found++
				if tt.want == Regression && !d.Regressed() {
					t.Errorf("%s: Regressed() = false with a package regression", tt.name)
				}
			}
		}
		if found < trials*19/20 {
			t.Errorf("%s: +30%% in %s (%.0fµs) found as %s in %d of %d diffs, want 95%%", tt.name, prog.paths[heavy], prog.medNs[heavy]/1e3, tt.want, found, trials)
		}
	}
}
