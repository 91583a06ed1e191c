// Package inittrace parses the per-package init lines that
// GODEBUG=inittrace=1 makes the Go runtime print on stderr; it is the parse
// stage of coldstart's pipeline (runner -> inittrace -> stats).
//
// For every package initialized before main.main, the runtime (doInit1 in
// runtime/proc.go) prints one line on stderr when the package's init ends:
//
//	init gopkg.in/yaml%2ev3 @0.66 ms, 0.13 ms clock, 25720 bytes, 276 allocs
//
// The package path is the linker's symbol prefix, so bytes such as a '.'
// after the last '/' are %XX-escaped; [Reader] decodes them. The two times,
// the start offset from runtime.main and the init's wall clock, are printed
// by the runtime's fmtNSAsMS: truncated (not rounded) to whole milliseconds
// from 10 ms up, and to two significant digits with at most three decimals
// below; "0" means under 1 µs. [Format] prints a duration exactly that way
// and [Resolution] gives the quantum of the printed value. The decimals are
// parsed exactly, in integer nanoseconds, so "0.31" is 310µs. The byte and
// allocation counts are heap allocations by the init goroutine.
//
// The init lines are mixed with the program's own stderr output. A line is
// an init line if it starts with "init " (a trailing "\r" is ignored); all
// other lines are the program's output, which [Reader.Scan] skips and counts
// ([Reader.Other]). An init line that does not parse is reported as a
// positioned [*SyntaxError] warning and the scan goes on; only I/O errors
// stop it. Consequently a program line that happens to start with "init "
// ("init complete") is reported as a malformed init line.
//
// The runtime writes an init line in several write calls while the
// program's goroutines write whenever they like, so the two can share a
// line. The common case is a goroutine's output without a trailing newline
// followed by the runtime's line ("warming up...init main @1.2 ms, ...").
// Reader recognizes such a glued record: if "init " appears after other text
// and everything from there to the end of the line parses exactly as an init
// record, the line yields that record (and is not counted as program
// output). An "init " later in a line that does not parse is not a warning:
// there it is most likely the program's own text. Other interleavings, which
// split the runtime's line itself, cannot be repaired and show up as
// warnings.
//
// Lines of any length are read. A line longer than 64 KiB cannot be an init
// record (package paths are far shorter), but its last 4 KiB are still
// searched for a glued record; otherwise it counts as program output, or as
// a malformed init line if it starts with "init ".
package inittrace

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Init is one package's init, as one inittrace line reports it.
type Init struct {
	Package string        // import path, unescaped (gopkg.in/yaml%2ev3 -> gopkg.in/yaml.v3)
	Start   time.Duration // the @ offset: from the start of runtime.main to the start of this init
	Clock   time.Duration // wall-clock time of the init
	Bytes   int64         // heap bytes allocated by the init
	Allocs  int64         // heap allocations by the init
	Line    int           // 1-based line number in the input
}

// End returns the offset at which the init ended, Start + Clock.
// Both are truncated by the runtime's printing (see [Resolution]).
func (i Init) End() time.Duration { return i.Start + i.Clock }

// SyntaxError is a malformed init line, with its position.
type SyntaxError struct {
	File string // file name given to NewReader or Parse; may be ""
	Line int    // 1-based line number
	Msg  string // what is wrong with the line
}

// Error returns "file:line: msg", or "line N: msg" if File is "".
func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

const (
	// bufSize is the longest line Reader handles whole; see longLine.
	bufSize = 64 << 10
	// tailSize is how much of the end of a longer line is kept and searched
	// for a glued init record.
	tailSize = 4 << 10
)

// Reader reads init records from the stderr output of a program run with
// GODEBUG=inittrace=1. It reads the input one line at a time, so it can
// parse output of any size.
type Reader struct {
	br   *bufio.Reader
	file string

	tailSize int    // tailSize; smaller in tests
	tail     []byte // start and end of an over-long line
	longLen  int    // length of the over-long line

	init     Init
	warnings []error
	lines    int
	other    int
	eof      bool
	err      error
}

// NewReader returns a Reader that reads init records from r. The file name
// is used in the positions of warnings; it may be "".
func NewReader(r io.Reader, file string) *Reader {
	return newReaderSize(r, file, bufSize, tailSize)
}

// newReaderSize is NewReader with a line buffer of bufSize bytes and tails
// of tailSize bytes, so tests can exercise over-long lines cheaply.
func newReaderSize(r io.Reader, file string, bufSize, tailSize int) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, bufSize), file: file, tailSize: tailSize}
}

// Scan advances to the next well-formed init record, which Init then
// returns. Lines of program output are skipped; malformed init lines are
// added to Warnings and skipped. Scan returns false at the end of the input
// or on an I/O error, which Err then returns.
func (r *Reader) Scan() bool {
	for !r.eof && r.err == nil {
		line, err := r.br.ReadSlice('\n')
		long := false
		if err == bufio.ErrBufferFull {
			line, err = r.longLine(line)
			long = true
		}
		switch {
		case err == io.EOF:
			r.eof = true
			if len(line) == 0 {
				return false
			}
		case err != nil:
			r.err = fmt.Errorf("reading %s: %w", r.name(), err)
			return false
		}
		r.lines++
		if r.parseLine(line, long) {
			return true
		}
	}
	return false
}

// longLine reads the rest of a line that does not fit in the buffer, whose
// first part is head. It returns the line's first five bytes, enough to see
// whether it starts with "init ", followed by its last r.tailSize bytes;
// the rest of the line is dropped as it is read, so memory stays bounded.
func (r *Reader) longLine(head []byte) ([]byte, error) {
	r.tail = append(r.tail[:0], head[:min(len(head), len("init "))]...)
	start := len(r.tail)
	r.longLen = 0
	err := bufio.ErrBufferFull // with which head came
	for chunk := head; ; {
		r.longLen += len(chunk)
		r.tail = append(r.tail, chunk...)
		if n := len(r.tail) - start; n > 2*r.tailSize {
			r.tail = append(r.tail[:start], r.tail[len(r.tail)-r.tailSize:]...)
		}
		if err != bufio.ErrBufferFull {
			break
		}
		chunk, err = r.br.ReadSlice('\n')
	}
	if n := len(r.tail) - start; n > r.tailSize {
		r.tail = append(r.tail[:start], r.tail[len(r.tail)-r.tailSize:]...)
	}
	// The line's length, as in the messages, does not count its end.
	if bytes.HasSuffix(r.tail, []byte("\r\n")) {
		r.longLen -= 2
	} else if bytes.HasSuffix(r.tail, []byte("\n")) {
		r.longLen--
	}
	return r.tail, err
}

// parseLine handles one line of input, reporting whether it holds an init
// record, which it then stores in r.init. If long is set, line is the first
// five bytes of an over-long line followed by its tail.
func (r *Reader) parseLine(line []byte, long bool) bool {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	isInit := bytes.HasPrefix(line, []byte("init "))
	var msg string
	switch {
	case long:
		// Only the tail is searched: the first bytes were kept just for
		// isInit.
		line = line[min(len(line), len("init ")):]
		if r.glued(line, 0) {
			return true
		}
		msg = fmt.Sprintf("line too long for an init record (%d bytes)", r.longLen)
	case isInit:
		in, m, ok := parseRecord(line[len("init "):])
		if ok {
			in.Line = r.lines
			r.init = in
			return true
		}
		msg = m
		if r.glued(line, 1) {
			return true
		}
	default:
		if r.glued(line, 0) {
			return true
		}
	}
	if isInit {
		r.warnings = append(r.warnings, &SyntaxError{File: r.file, Line: r.lines, Msg: msg})
	} else {
		r.other++
	}
	return false
}

// glued looks for an init record glued after other output in line, at or
// after offset from. The first "init " from which the rest of the line
// parses as a record wins.
func (r *Reader) glued(line []byte, from int) bool {
	for from < len(line) {
		i := bytes.Index(line[from:], []byte("init "))
		if i < 0 {
			return false
		}
		from += i + len("init ")
		if in, _, ok := parseRecord(line[from:]); ok {
			in.Line = r.lines
			r.init = in
			return true
		}
	}
	return false
}

// Init returns the init record found by the last successful call to Scan.
func (r *Reader) Init() Init { return r.init }

// Warnings returns the malformed init lines seen so far, as *SyntaxError
// values in input order.
func (r *Reader) Warnings() []error { return r.warnings }

// Err returns the I/O error that stopped Scan, or nil at a clean end of
// input. Malformed lines are not errors; see Warnings.
func (r *Reader) Err() error { return r.err }

// Lines returns the number of lines read so far, counting a last line
// without a newline. Every line read is an init record, a warning or
// program output: Lines is the sum of the three counts.
func (r *Reader) Lines() int { return r.lines }

// Other returns the number of lines of the program's own output seen so far:
// lines that are neither init records nor malformed init lines.
func (r *Reader) Other() int { return r.other }

func (r *Reader) name() string {
	if r.file == "" {
		return "inittrace input"
	}
	return r.file
}

// Parse parses the init records in data, the stderr output of a program run
// with GODEBUG=inittrace=1, read from file (used in warning positions).
// The warnings are *SyntaxError values.
func Parse(data []byte, file string) (inits []Init, warnings []error) {
	// No line of data is longer than data, so a smaller buffer than
	// NewReader's will do for small inputs.
	size := min(bufSize, max(len(data)+1, 16))
	r := newReaderSize(bytes.NewReader(data), file, size, tailSize)
	for r.Scan() {
		inits = append(inits, r.Init())
	}
	// A bytes.Reader returns no errors but io.EOF, so r.Err() is nil.
	return inits, r.Warnings()
}

// parseRecord parses the part of an init line after "init ":
//
//	<pkg> @<start> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs
//
// On failure it returns a message saying what is wrong.
func parseRecord(s []byte) (in Init, msg string, ok bool) {
	p := parser{s: s}
	pkg := p.word()
	if len(pkg) == 0 {
		return in, "missing package path", false
	}
	if in.Package, msg = unescape(pkg); msg != "" {
		return in, msg, false
	}
	if !p.expect(" @", "package path") ||
		!p.duration(&in.Start, "start time") ||
		!p.expect(" ms, ", "start time") ||
		!p.duration(&in.Clock, "clock time") ||
		!p.expect(" ms clock, ", "clock time") ||
		!p.count(&in.Bytes, "byte count") ||
		!p.expect(" bytes, ", "byte count") ||
		!p.count(&in.Allocs, "alloc count") ||
		!p.expect(" allocs", "alloc count") {
		return Init{}, p.msg, false
	}
	if len(p.s) > 0 {
		return Init{}, "unexpected text after allocs: " + quote(p.s), false
	}
	return in, "", true
}

// A parser consumes an init record from the front of s. Its methods report
// success; on failure msg says why.
type parser struct {
	s   []byte
	msg string
}

// word consumes and returns the bytes up to the next space.
func (p *parser) word() []byte {
	i := bytes.IndexByte(p.s, ' ')
	if i < 0 {
		i = len(p.s)
	}
	w := p.s[:i]
	p.s = p.s[i:]
	return w
}

// expect consumes lit, which should follow the field named after.
func (p *parser) expect(lit, after string) bool {
	if bytes.HasPrefix(p.s, []byte(lit)) {
		p.s = p.s[len(lit):]
		return true
	}
	if len(p.s) == 0 {
		p.msg = "unexpected end of line after " + after
	} else {
		p.msg = fmt.Sprintf("expected %q after %s, found %s", lit, after, quote(p.s))
	}
	return false
}

// maxMS is the most milliseconds that fit in a time.Duration.
const maxMS = uint64(1<<63-1) / 1e6

// duration consumes a time in milliseconds as fmtNSAsMS prints it: an
// integer, or a decimal with one to three decimals.
func (p *parser) duration(d *time.Duration, what string) bool {
	w := p.word()
	if !p.number(w, what) {
		return false
	}
	i, ms := digits(w)
	var frac uint64
	if i < len(w) {
		if w[i] != '.' || len(w) == i+1 || len(w) > i+4 {
			p.msg = fmt.Sprintf("bad %s %s", what, quote(w))
			return false
		}
		j, f := digits(w[i+1:])
		if i+1+j != len(w) {
			p.msg = fmt.Sprintf("bad %s %s", what, quote(w))
			return false
		}
		for ; j < 3; j++ {
			f *= 10
		}
		frac = f * 1e3 // µs to ns
	}
	if ms > maxMS || ms*1e6+frac > 1<<63-1 {
		p.msg = fmt.Sprintf("%s %s out of range", what, quote(w))
		return false
	}
	*d = time.Duration(ms*1e6 + frac)
	return true
}

// count consumes a non-negative decimal integer.
func (p *parser) count(n *int64, what string) bool {
	w := p.word()
	if !p.number(w, what) {
		return false
	}
	i, v := digits(w)
	if i < len(w) {
		p.msg = fmt.Sprintf("bad %s %s", what, quote(w))
		return false
	}
	if v > 1<<63-1 {
		p.msg = fmt.Sprintf("%s %s out of range", what, quote(w))
		return false
	}
	*n = int64(v)
	return true
}

// number checks that w starts like a non-negative number.
func (p *parser) number(w []byte, what string) bool {
	switch {
	case len(w) == 0:
		p.msg = "missing " + what
	case w[0] == '-':
		p.msg = fmt.Sprintf("negative %s %s", what, quote(w))
	case w[0] < '0' || w[0] > '9':
		p.msg = fmt.Sprintf("bad %s %s", what, quote(w))
	default:
		return true
	}
	return false
}

// digits returns the length of the run of decimal digits at the start of w
// and its value, which saturates at math.MaxUint64 instead of overflowing.
func digits(w []byte) (n int, v uint64) {
	const cutoff = (1<<64 - 1) / 10
	for n < len(w) && '0' <= w[n] && w[n] <= '9' {
		d := uint64(w[n] - '0')
		if v > cutoff || v*10 > 1<<64-1-d {
			v = 1<<64 - 1
		} else {
			v = v*10 + d
		}
		n++
	}
	return n, v
}

// unescape decodes the %XX escapes that the linker (objabi.PathToPrefix)
// puts in symbol prefixes, and so in the runtime's package paths. The
// linker escapes control bytes, space, '"', '%', bytes from 0x7f up, and
// '.' after the last '/'; such bytes do not appear raw.
func unescape(w []byte) (string, string) {
	for _, c := range w {
		if c <= ' ' || c >= 0x7f {
			return "", "bad package path " + quote(w)
		}
	}
	if bytes.IndexByte(w, '%') < 0 {
		return string(w), ""
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		if w[i] != '%' {
			b = append(b, w[i])
			continue
		}
		if i+2 >= len(w) || unhex(w[i+1]) < 0 || unhex(w[i+2]) < 0 {
			return "", fmt.Sprintf("bad escape %s in package path %s", quote(w[i:min(i+3, len(w))]), quote(w))
		}
		b = append(b, byte(unhex(w[i+1])<<4|unhex(w[i+2])))
		i += 2
	}
	return string(b), ""
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// quote quotes s for a message, shortened to its first 32 bytes.
func quote(s []byte) string {
	const max = 32
	if len(s) > max {
		return strconv.Quote(string(s[:max])) + "..."
	}
	return strconv.Quote(string(s))
}
