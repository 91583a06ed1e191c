package runner

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkVsHyperfine measures the same binary with the runner and with
// `hyperfine -N`, side by side in one run, in alternating blocks so that
// drift on the machine hits both alike. It reports:
//
//   - overhead-ns/run (coldstart and hyperfine): the time each tool spends
//     per run beyond the target's own measured wall time, i.e. (elapsed time
//     of the whole block - sum of measured walls) / runs;
//   - median-ratio: coldstart's median wall over hyperfine's (goal: within 3%).
//
// Reproduce with:
//
//	go test -run '^$' -bench VsHyperfine -benchtime 1x ./harness/runner
//
// The figures measured on the project's machines are in bench/README.md.
func BenchmarkVsHyperfine(b *testing.B) {
	hf, err := exec.LookPath("hyperfine")
	if err != nil {
		b.Skip("hyperfine not installed (apt-get install hyperfine): skipping the comparison")
	}
	for _, tgt := range []struct{ name, src string }{
		{"hello", "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n"},
		{"nethttp", "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() { fmt.Println(http.DefaultClient.Timeout) }\n"},
	} {
		b.Run(tgt.name, func(b *testing.B) {
			bin := buildGo(b, tgt.src)
			const blocks, per = 40, 15
			var csWalls, hfWalls []float64
			var csOver, hfOver time.Duration
			for range b.N {
				for blk := range blocks {
					// Alternate which tool goes first.
					first := blk%2 == 0
					for k := range 2 {
						if (k == 0) == first {
							w, over := runnerBlock(b, bin, per)
							csWalls = append(csWalls, w...)
							csOver += over
						} else {
							w, over := hyperfineBlock(b, hf, bin, per)
							hfWalls = append(hfWalls, w...)
							hfOver += over
						}
					}
				}
			}
			n := float64(len(csWalls))
			b.ReportMetric(float64(csOver)/n, "coldstart-overhead-ns/run")
			b.ReportMetric(float64(hfOver)/float64(len(hfWalls)), "hyperfine-overhead-ns/run")
			b.ReportMetric(med(csWalls), "coldstart-median-ns")
			b.ReportMetric(med(hfWalls), "hyperfine-median-ns")
			b.ReportMetric(med(csWalls)/med(hfWalls), "median-ratio")
		})
	}
}

// runnerBlock runs bin n times untraced, the way Execute's wall runs do.
func runnerBlock(b *testing.B, bin string, n int) (walls []float64, overhead time.Duration) {
	tmp := b.TempDir()
	cfg := Config{Name: "bench", Binary: bin, Env: os.Environ(), Runs: n, Timeout: 10 * time.Second}
	start := time.Now()
	var sum time.Duration
	for i := range n {
		r, err := once(context.Background(), cfg, tmp, i, false)
		if err != nil {
			b.Fatal(err)
		}
		walls = append(walls, float64(r.Wall))
		sum += r.Wall
	}
	return walls, time.Since(start) - sum
}

// hyperfineBlock runs bin n times under hyperfine -N. Its elapsed time
// includes hyperfine's own start, which is part of its per-run cost too.
func hyperfineBlock(b *testing.B, hf, bin string, n int) (walls []float64, overhead time.Duration) {
	out := filepath.Join(b.TempDir(), "hf.json")
	cmd := exec.Command(hf, "-N", "--runs", strconv.Itoa(n), "--warmup", "0", "--style", "none", "--export-json", out, bin)
	start := time.Now()
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("hyperfine: %v: %s", err, msg)
	}
	elapsed := time.Since(start)
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	var res struct {
		Results []struct {
			Times []float64 `json:"times"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &res); err != nil || len(res.Results) != 1 {
		b.Fatalf("reading hyperfine's JSON: %v", err)
	}
	var sum time.Duration
	for _, s := range res.Results[0].Times {
		d := time.Duration(s * 1e9)
		walls = append(walls, float64(d))
		sum += d
	}
	return walls, elapsed - sum
}

func buildGo(b *testing.B, src string) string {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bench\n\ngo 1.26\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", "target", ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building: %v: %s", err, out)
	}
	return filepath.Join(dir, "target")
}

func med(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
