package inittrace

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Lines taken from the captures in testdata, so the numbers are real.
const (
	lineRuntime = "init runtime @0.029 ms, 0.051 ms clock, 0 bytes, 0 allocs"
	lineYAML    = "init gopkg.in/yaml%2ev3 @0.66 ms, 0.13 ms clock, 25720 bytes, 276 allocs"
	lineGopls   = "init golang.org/x/tools/gopls/internal/debug @25 ms, 0.67 ms clock, 339144 bytes, 6013 allocs"
)

var (
	initRuntime = Init{Package: "runtime", Start: 29 * time.Microsecond, Clock: 51 * time.Microsecond}
	initYAML    = Init{Package: "gopkg.in/yaml.v3", Start: 660 * time.Microsecond, Clock: 130 * time.Microsecond, Bytes: 25720, Allocs: 276}
	initGopls   = Init{Package: "golang.org/x/tools/gopls/internal/debug", Start: 25 * time.Millisecond, Clock: 670 * time.Microsecond, Bytes: 339144, Allocs: 6013}
)

// at returns in with its Line set.
func at(in Init, line int) Init {
	in.Line = line
	return in
}

func TestReader(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    string
		inits []Init
		warn  []string // Error() of the warnings
		other int
	}{
		{name: "empty", in: ""},
		{name: "one line", in: lineRuntime + "\n", inits: []Init{at(initRuntime, 1)}},
		{name: "no final newline", in: lineRuntime, inits: []Init{at(initRuntime, 1)}},
		{name: "crlf", in: lineRuntime + "\r\n" + lineYAML + "\r\n", inits: []Init{at(initRuntime, 1), at(initYAML, 2)}},
		{name: "escaped path", in: lineYAML, inits: []Init{at(initYAML, 1)}},
		{
			name:  "upper-case escape",
			in:    "init gopkg.in/yaml%2Ev3 @0.66 ms, 0.13 ms clock, 25720 bytes, 276 allocs",
			inits: []Init{at(initYAML, 1)},
		},
		{name: "whole ms", in: lineGopls, inits: []Init{at(initGopls, 1)}},
		{
			name: "all printed shapes",
			in: "init a @0 ms, 0.005 ms clock, 0 bytes, 0 allocs\n" +
				"init b @0.012 ms, 0.31 ms clock, 1 bytes, 1 allocs\n" +
				"init c @9.9 ms, 1.0 ms clock, 2 bytes, 3 allocs\n" +
				"init d @10 ms, 0 ms clock, 0 bytes, 0 allocs\n",
			inits: []Init{
				{Package: "a", Start: 0, Clock: 5 * time.Microsecond, Line: 1},
				{Package: "b", Start: 12 * time.Microsecond, Clock: 310 * time.Microsecond, Bytes: 1, Allocs: 1, Line: 2},
				{Package: "c", Start: 9900 * time.Microsecond, Clock: time.Millisecond, Bytes: 2, Allocs: 3, Line: 3},
				{Package: "d", Start: 10 * time.Millisecond, Line: 4},
			},
		},
		{
			name:  "largest values",
			in:    "init p @9223372036854 ms, 9223372036.854 ms clock, 9223372036854775807 bytes, 9223372036854775807 allocs",
			inits: []Init{{Package: "p", Start: 9223372036854 * time.Millisecond, Clock: 9223372036854 * time.Microsecond, Bytes: 1<<63 - 1, Allocs: 1<<63 - 1, Line: 1}},
		},
		{
			name:  "program output",
			in:    "hello\n\ninit\ninitialize\n  init foo\n" + lineRuntime + "\n",
			inits: []Init{at(initRuntime, 6)},
			other: 5,
		},
		{
			name:  "glued after program output",
			in:    "warming up..." + lineYAML + "\n",
			inits: []Init{at(initYAML, 1)},
		},
		{
			name:  "glued after text starting with init",
			in:    "init done: " + lineRuntime + "\n",
			inits: []Init{at(initRuntime, 1)},
		},
		{
			name:  "glued after a word ending in init",
			in:    "reinit " + lineRuntime + "\n",
			inits: []Init{at(initRuntime, 1)},
		},
		{
			name:  "glued after broken record",
			in:    "init foo @1.2 ms, " + lineRuntime + "\n",
			inits: []Init{at(initRuntime, 1)},
		},
		{
			name:  "glued but not whole",
			in:    "warming up..." + lineRuntime + " and more\n",
			other: 1,
		},
		{
			name:  "program line starting with init",
			in:    "init complete: 3 workers\n",
			warn:  []string{`f:1: expected " @" after package path, found " 3 workers"`},
			other: 0,
		},
		{
			name: "positions",
			in:   lineRuntime + "\nhello\ninit foo @x ms\n\n" + lineYAML + "\ninit\n",
			inits: []Init{
				at(initRuntime, 1),
				at(initYAML, 5),
			},
			warn:  []string{`f:3: bad start time "x"`},
			other: 3,
		},
		{name: "only init", in: "init \n", warn: []string{"f:1: missing package path"}},
		{name: "no package", in: "init  @1 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{"f:1: missing package path"}},
		{name: "truncated after package", in: "init foo\n", warn: []string{"f:1: unexpected end of line after package path"}},
		{name: "truncated after @", in: "init foo @", warn: []string{"f:1: missing start time"}},
		{name: "truncated start", in: "init foo @1.2", warn: []string{"f:1: unexpected end of line after start time"}},
		{name: "truncated unit", in: "init foo @1.2 ms", warn: []string{`f:1: expected " ms, " after start time, found " ms"`}},
		{name: "truncated clock", in: "init foo @1.2 ms, 3", warn: []string{"f:1: unexpected end of line after clock time"}},
		{name: "truncated bytes", in: "init foo @1.2 ms, 3 ms clock, 10", warn: []string{"f:1: unexpected end of line after byte count"}},
		{name: "truncated allocs", in: "init foo @1.2 ms, 3 ms clock, 10 bytes, 1", warn: []string{"f:1: unexpected end of line after alloc count"}},
		{name: "truncated allocs word", in: "init foo @1.2 ms, 3 ms clock, 10 bytes, 1 alloc", warn: []string{`f:1: expected " allocs" after alloc count, found " alloc"`}},
		{name: "space before @", in: "init foo  @1 ms", warn: []string{`f:1: expected " @" after package path, found "  @1 ms"`}},
		{name: "letter start", in: "init foo @x ms", warn: []string{`f:1: bad start time "x"`}},
		{name: "unit glued", in: "init foo @1ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad start time "1ms,"`}},
		{name: "negative start", in: "init foo @-1 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: negative start time "-1"`}},
		{name: "negative clock", in: "init foo @1 ms, -0.5 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: negative clock time "-0.5"`}},
		{name: "negative bytes", in: "init foo @1 ms, 1 ms clock, -1 bytes, 1 allocs", warn: []string{`f:1: negative byte count "-1"`}},
		{name: "negative allocs", in: "init foo @1 ms, 1 ms clock, 1 bytes, -1 allocs", warn: []string{`f:1: negative alloc count "-1"`}},
		{name: "plus sign", in: "init foo @+1 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad start time "+1"`}},
		{name: "four decimals", in: "init foo @0.0001 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad start time "0.0001"`}},
		{name: "bare dot", in: "init foo @1. ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad start time "1."`}},
		{name: "leading dot", in: "init foo @.5 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad start time ".5"`}},
		{name: "two dots", in: "init foo @1.2.3 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad start time "1.2.3"`}},
		{name: "decimal bytes", in: "init foo @1 ms, 1 ms clock, 1.5 bytes, 1 allocs", warn: []string{`f:1: bad byte count "1.5"`}},
		{name: "start overflow", in: "init foo @9223372036855 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: start time "9223372036855" out of range`}},
		{name: "start overflow by fraction", in: "init foo @9223372036854.776 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: start time "9223372036854.776" out of range`}},
		{name: "clock overflow uint64", in: "init foo @1 ms, 99999999999999999999999 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: clock time "99999999999999999999999" out of range`}},
		{name: "bytes overflow", in: "init foo @1 ms, 1 ms clock, 9223372036854775808 bytes, 1 allocs", warn: []string{`f:1: byte count "9223372036854775808" out of range`}},
		{name: "allocs overflow", in: "init foo @1 ms, 1 ms clock, 1 bytes, 18446744073709551616 allocs", warn: []string{`f:1: alloc count "18446744073709551616" out of range`}},
		{name: "trailing text", in: lineRuntime + "hello\n", warn: []string{`f:1: unexpected text after allocs: "hello"`}},
		{name: "trailing space", in: lineRuntime + " \n", warn: []string{`f:1: unexpected text after allocs: " "`}},
		{name: "bad escape", in: "init gopkg.in/yaml%zzv3 @1 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad escape "%zz" in package path "gopkg.in/yaml%zzv3"`}},
		{name: "short escape", in: "init yaml%2 @1 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad escape "%2" in package path "yaml%2"`}},
		{name: "raw control byte", in: "init a\tb @1 ms, 1 ms clock, 1 bytes, 1 allocs", warn: []string{`f:1: bad package path "a\tb"`}},
		{
			name: "long text is shortened",
			in:   "init foo bar" + strings.Repeat("x", 100),
			warn: []string{`f:1: expected " @" after package path, found " barxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...`},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), "f")
			var inits []Init
			for r.Scan() {
				inits = append(inits, r.Init())
			}
			if err := r.Err(); err != nil {
				t.Fatalf("Err() = %v", err)
			}
			if !reflect.DeepEqual(inits, tt.inits) {
				t.Errorf("inits:\ngot  %+v\nwant %+v", inits, tt.inits)
			}
			var warn []string
			for _, w := range r.Warnings() {
				warn = append(warn, w.Error())
			}
			if !reflect.DeepEqual(warn, tt.warn) {
				t.Errorf("warnings:\ngot  %q\nwant %q", warn, tt.warn)
			}
			if r.Other() != tt.other {
				t.Errorf("Other() = %d, want %d", r.Other(), tt.other)
			}
			checkCounts(t, []byte(tt.in), r, len(inits))

			// Parse is the same as the Reader.
			pinits, pwarn := Parse([]byte(tt.in), "f")
			if !reflect.DeepEqual(pinits, inits) || !reflect.DeepEqual(pwarn, r.Warnings()) {
				t.Errorf("Parse differs from Reader: %+v %v", pinits, pwarn)
			}
		})
	}
}

// checkCounts checks the Reader's counters after a complete scan of data
// that yielded n inits: every line is an init, a warning or program output.
func checkCounts(t *testing.T, data []byte, r *Reader, n int) {
	t.Helper()
	lines := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		lines++
	}
	if r.Lines() != lines {
		t.Errorf("Lines() = %d, want %d", r.Lines(), lines)
	}
	if sum := n + len(r.Warnings()) + r.Other(); sum != r.Lines() {
		t.Errorf("%d inits + %d warnings + %d other = %d, want Lines() = %d", n, len(r.Warnings()), r.Other(), sum, r.Lines())
	}
}

func TestSyntaxError(t *testing.T) {
	for _, tt := range []struct {
		err  SyntaxError
		want string
	}{
		{SyntaxError{File: "stderr of run 3", Line: 7, Msg: "missing package path"}, "stderr of run 3:7: missing package path"},
		{SyntaxError{Line: 7, Msg: "missing package path"}, "line 7: missing package path"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 3*bufSize)
	in := long + "\n" + // program output
		long + lineRuntime + "\n" + // a record glued after a long line
		"init " + long + "\r\n" + // an over-long init line
		lineYAML + "\n" +
		long + lineYAML // glued, at EOF without newline
	r := NewReader(strings.NewReader(in), "f")
	var inits []Init
	for r.Scan() {
		inits = append(inits, r.Init())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := []Init{at(initRuntime, 2), at(initYAML, 4), at(initYAML, 5)}
	if !reflect.DeepEqual(inits, want) {
		t.Errorf("inits:\ngot  %+v\nwant %+v", inits, want)
	}
	wantWarn := []error{&SyntaxError{File: "f", Line: 3, Msg: "line too long for an init record (196613 bytes)"}}
	if !reflect.DeepEqual(r.Warnings(), wantWarn) {
		t.Errorf("warnings: got %v, want %v", r.Warnings(), wantWarn)
	}
	if r.Other() != 1 {
		t.Errorf("Other() = %d, want 1", r.Other())
	}
	checkCounts(t, []byte(in), r, len(inits))
}

// TestSmallBuffer checks that over-long lines are handled like short ones
// as long as their tail holds the whole line, by reading the fixtures and
// the test inputs through a 16-byte buffer.
func TestSmallBuffer(t *testing.T) {
	for _, name := range fixtures(t) {
		data, err := os.ReadFile("testdata/" + name + ".stderr")
		if err != nil {
			t.Fatal(err)
		}
		compareSmallBuffer(t, data)
	}
}

// compareSmallBuffer reads data through the default Reader and through one
// with a 16-byte buffer and a tail that holds any line of data, and checks
// that they find the same records and the same counts.
func compareSmallBuffer(t *testing.T, data []byte) {
	t.Helper()
	big := NewReader(bytes.NewReader(data), "")
	small := newReaderSize(bytes.NewReader(data), "", 16, len(data)+1)
	for {
		b, s := big.Scan(), small.Scan()
		if b != s {
			t.Fatalf("line %d: Scan() = %v, with a small buffer %v", big.Lines(), b, s)
		}
		if !b {
			break
		}
		if big.Init() != small.Init() {
			t.Fatalf("Init() = %+v, with a small buffer %+v", big.Init(), small.Init())
		}
	}
	if big.Lines() != small.Lines() || big.Other() != small.Other() || len(big.Warnings()) != len(small.Warnings()) {
		t.Fatalf("Lines, Other, Warnings = %d, %d, %d; with a small buffer %d, %d, %d",
			big.Lines(), big.Other(), len(big.Warnings()), small.Lines(), small.Other(), len(small.Warnings()))
	}
	for i, w := range big.Warnings() {
		if sw := small.Warnings()[i]; w.(*SyntaxError).Line != sw.(*SyntaxError).Line {
			t.Fatalf("warning %v, with a small buffer %v", w, sw)
		}
	}
}

// errReader returns data, then err.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	errBoom := errors.New("boom")
	r := NewReader(&errReader{data: []byte(lineRuntime + "\n" + lineYAML + "\ninit fo"), err: errBoom}, "stderr of run 1")
	var inits []Init
	for r.Scan() {
		inits = append(inits, r.Init())
	}
	want := []Init{at(initRuntime, 1), at(initYAML, 2)}
	if !reflect.DeepEqual(inits, want) {
		t.Errorf("inits:\ngot  %+v\nwant %+v", inits, want)
	}
	if err := r.Err(); !errors.Is(err, errBoom) || err.Error() != "reading stderr of run 1: boom" {
		t.Errorf("Err() = %v, want reading stderr of run 1: boom", err)
	}
	if r.Scan() {
		t.Errorf("Scan() after an error = true")
	}
	if r.Lines() != 2 {
		t.Errorf("Lines() = %d, want 2 (a partial line before an error is not a line)", r.Lines())
	}

	r = NewReader(&errReader{err: io.ErrUnexpectedEOF}, "")
	if r.Scan() || !errors.Is(r.Err(), io.ErrUnexpectedEOF) || r.Err().Error() != "reading inittrace input: unexpected EOF" {
		t.Errorf("Err() = %v, want reading inittrace input: unexpected EOF", r.Err())
	}
}

func TestInitEnd(t *testing.T) {
	if got, want := initGopls.End(), 25670*time.Microsecond; got != want {
		t.Errorf("End() = %v, want %v", got, want)
	}
}

func BenchmarkReader(b *testing.B) {
	data, err := os.ReadFile("testdata/gopls.stderr")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lines := 0
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), "gopls.stderr")
		for r.Scan() {
		}
		if len(r.Warnings()) > 0 || r.Err() != nil {
			b.Fatal(r.Warnings(), r.Err())
		}
		lines += r.Lines()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}
