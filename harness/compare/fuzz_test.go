package compare_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/coldstart-dev/coldstart/harness/compare"
	"github.com/coldstart-dev/coldstart/harness/report"
	"github.com/coldstart-dev/coldstart/harness/result"
)

// FuzzCompareFiles feeds `coldstart diff OLD.json NEW.json` what a user
// might hand it: any two files that read as results (the right schema,
// anything else in them: missing runs, values out of step with n, negative
// or huge numbers, duplicate packages). Comparing them and writing the
// diff in every format must not panic.
func FuzzCompareFiles(f *testing.F) {
	base, head := smallResult(f, "testdata/base.json"), smallResult(f, "testdata/head.json")
	f.Add(base, head)
	f.Add(base, base)
	f.Add([]byte(`{"schema":"coldstart/run/v1"}`), head)
	f.Add([]byte(`{"schema":"coldstart/run/v1","runs":3,"total":{"init_ns":{"n":3,"values":[1,2]}}}`),
		[]byte(`{"schema":"coldstart/run/v1","runs":-1,"packages":[{"path":"a","runs":9,"clock_ns":{"values":[-5,1e300]}},{"path":"a"}]}`))
	th, err := compare.ParseThreshold("2%")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, old, new []byte) {
		rb, err := result.Read(bytes.NewReader(old), "old")
		if err != nil {
			return
		}
		rh, err := result.Read(bytes.NewReader(new), "new")
		if err != nil {
			return
		}
		d := compare.Compare(rb, rh, compare.Options{Threshold: th})
		for _, f := range []report.Format{report.Text, report.JSON, report.Markdown} {
			report.Diff(io.Discard, d, report.DiffOptions{Format: f, All: true})
		}
		report.DiffBench(io.Discard, rb, rh)
	})
}

// smallResult is a real result cut down to its heaviest packages, its
// timeline dropped and its JSON compact: the fuzzer minimises inputs it
// finds interesting, which takes minutes for the 50 KB of the whole file.
func smallResult(f *testing.F, name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	r, err := result.Read(bytes.NewReader(data), name)
	if err != nil {
		f.Fatal(err)
	}
	r.Packages = r.Packages[:min(3, len(r.Packages))]
	r.Timeline = nil
	out, err := json.Marshal(r)
	if err != nil {
		f.Fatal(err)
	}
	return out
}
