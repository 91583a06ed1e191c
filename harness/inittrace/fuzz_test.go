package inittrace

import (
	"bytes"
	"os"
	"testing"
)

func FuzzReader(f *testing.F) {
	for _, name := range fixtures(f) {
		data, err := os.ReadFile("testdata/" + name + ".stderr")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		lineYAML + "\r\n" + lineGopls,
		"warming up..." + lineRuntime + "\n",
		"init foo @x ms\ninit \ninit gopkg.in/yaml%2 @1 ms\n",
		"init p @9223372036854.775 ms, 1 ms clock, 9223372036854775807 bytes, 0 allocs",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data, NewReader(bytes.NewReader(data), "fuzz"))
		// A tiny buffer and tail take the over-long line path for
		// nearly every line.
		check(t, data, newReaderSize(bytes.NewReader(data), "fuzz", 16, 8))
		compareSmallBuffer(t, data)
	})
}

// check reads all of data with r and checks what any input must give:
// records and warnings positioned on lines that were read, in order, with
// sane values, and every line accounted for.
func check(t *testing.T, data []byte, r *Reader) {
	t.Helper()
	n, last := 0, 0
	for r.Scan() {
		in := r.Init()
		if in.Line <= last || in.Line > r.Lines() {
			t.Fatalf("Init().Line = %d after line %d, with %d lines read", in.Line, last, r.Lines())
		}
		last = in.Line
		if in.Package == "" || in.Start < 0 || in.Clock < 0 || in.Bytes < 0 || in.Allocs < 0 {
			t.Fatalf("bad record %+v", in)
		}
		n++
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	last = 0
	for _, w := range r.Warnings() {
		e, ok := w.(*SyntaxError)
		if !ok {
			t.Fatalf("warning %v is a %T, not a *SyntaxError", w, w)
		}
		if e.File != "fuzz" || e.Line <= last || e.Line > r.Lines() || e.Msg == "" {
			t.Fatalf("warning %#v after line %d, with %d lines read", e, last, r.Lines())
		}
		last = e.Line
	}
	checkCounts(t, data, r, n)
}
