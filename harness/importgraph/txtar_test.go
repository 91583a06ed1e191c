package importgraph

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures in testdata are txtar archives (the format of
// golang.org/x/tools/txtar, which this module does not require): text
// before the first "-- name --" line is a comment, and each such line starts
// a file that runs to the next one. readTxtar is the few lines of it the
// tests need.

// txtarFile is one file of a txtar archive.
type txtarFile struct {
	Name string
	Data []byte
}

// readTxtar parses a txtar archive.
func readTxtar(data []byte) (comment []byte, files []txtarFile) {
	var cur *txtarFile
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		if name, ok := txtarMarker(line); ok {
			files = append(files, txtarFile{Name: name})
			cur = &files[len(files)-1]
			continue
		}
		if cur == nil {
			comment = append(comment, line...)
		} else {
			cur.Data = append(cur.Data, line...)
		}
	}
	return comment, files
}

// txtarMarker reports whether line is a "-- name --" file marker and
// returns the name.
func txtarMarker(line []byte) (string, bool) {
	s := strings.TrimRight(string(line), "\r\n")
	if !strings.HasPrefix(s, "-- ") || !strings.HasSuffix(s, " --") || len(s) < len("-- x --") {
		return "", false
	}
	name := strings.TrimSpace(s[len("-- ") : len(s)-len(" --")])
	return name, name != ""
}

// writeFixture writes the files of testdata/name into a new temporary
// directory and returns it.
func writeFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, files := readTxtar(data)
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadTxtar(t *testing.T) {
	comment, files := readTxtar([]byte("note\n-- a.go --\npackage a\n--  --\n-- b/c.txt --\nx\ny"))
	if string(comment) != "note\n" {
		t.Errorf("comment = %q", comment)
	}
	want := []txtarFile{{"a.go", []byte("package a\n--  --\n")}, {"b/c.txt", []byte("x\ny")}}
	if len(files) != len(want) {
		t.Fatalf("files = %q, want %q", files, want)
	}
	for i := range want {
		if files[i].Name != want[i].Name || !bytes.Equal(files[i].Data, want[i].Data) {
			t.Errorf("file %d = %q %q, want %q %q", i, files[i].Name, files[i].Data, want[i].Name, want[i].Data)
		}
	}
}
