// Package golden compares what a test produced with a golden file under
// testdata, for coldstart's tests only. `go test -update` rewrites the
// golden files instead; a mismatch leaves what the test got beside the
// golden file, as NAME.got, for inspection (git ignores *.got).
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Check compares got with the golden file at path, or with -update writes
// got to it. A mismatch fails t and shows both, if they are short.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	gotPath := path + ".got"
	if bytes.Equal(got, want) {
		os.Remove(gotPath)
		return
	}
	if err := os.WriteFile(gotPath, got, 0o644); err != nil {
		t.Fatal(err)
	}
	const short = 4 << 10
	if len(got) < short && len(want) < short {
		t.Errorf("%s differs from the golden file (got in %s):\n--- got\n%s\n--- want\n%s", path, gotPath, got, want)
		return
	}
	t.Errorf("%s differs from the golden file; got in %s (go test -update accepts it)", path, gotPath)
}
