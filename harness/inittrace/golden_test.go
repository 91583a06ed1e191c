package inittrace

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	goldenfile "github.com/coldstart-dev/coldstart/internal/golden"
)

// fixtures returns the names of the captures testdata/NAME.stderr.
func fixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.stderr")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".stderr"))
	}
	if len(names) < 6 {
		t.Fatalf("found %d fixtures in testdata, want at least 6", len(names))
	}
	return names
}

// render parses data and prints the result one line per record, in a form
// that is stable and easy to review.
func render(t *testing.T, data []byte, file string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "# line package start_ns clock_ns bytes allocs\n")
	r := NewReader(bytes.NewReader(data), file)
	n := 0
	for r.Scan() {
		in := r.Init()
		fmt.Fprintf(&b, "%d %s %d %d %d %d\n", in.Line, in.Package, in.Start.Nanoseconds(), in.Clock.Nanoseconds(), in.Bytes, in.Allocs)
		n++
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Warnings() {
		fmt.Fprintf(&b, "warning: %v\n", w)
	}
	fmt.Fprintf(&b, "# %d lines: %d inits, %d warnings, %d other\n", r.Lines(), n, len(r.Warnings()), r.Other())
	checkCounts(t, data, r, n)
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + name + ".stderr")
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, data, name+".stderr")
			goldenfile.Check(t, "testdata/"+name+".golden", []byte(got))
		})
	}
}

// TestFixtureReprint checks the parser against the runtime on real data:
// printing each parsed record the way the runtime does must give back the
// bytes of its line (its end, for a record glued after program output).
func TestFixtureReprint(t *testing.T) {
	for _, name := range fixtures(t) {
		data, err := os.ReadFile("testdata/" + name + ".stderr")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		inits, _ := Parse(data, name)
		for _, in := range inits {
			line := strings.TrimSuffix(lines[in.Line-1], "\r")
			if s := reprint(in); !strings.HasSuffix(line, s) {
				t.Errorf("%s:%d: record %+v prints as\n\t%s\nwant the end of\n\t%s", name, in.Line, in, s, line)
			}
		}
		checkTimeline(t, name, inits)
	}
}

// checkTimeline checks what the printed times of one program's inits must
// satisfy. The runtime runs inits one after the other, so the true start
// of each is at or after the true end of the one before. The printed times
// are truncated: the true start lies in [Start, Start+Resolution(Start)),
// and the printed Start+Clock is at most the true end. Hence
// End() of an init < Start+Resolution(Start) of the next.
func checkTimeline(t *testing.T, name string, inits []Init) {
	t.Helper()
	for i := 1; i < len(inits); i++ {
		prev, in := inits[i-1], inits[i]
		if in.Start < prev.Start || prev.End() >= in.Start+Resolution(in.Start) {
			t.Errorf("%s:%d: init %s starts at %v (+%v) before the end %v of %s at line %d",
				name, in.Line, in.Package, in.Start, Resolution(in.Start), prev.End(), prev.Package, prev.Line)
		}
	}
}

// reprint prints in as the runtime would.
func reprint(in Init) string {
	return fmt.Sprintf("init %s @%s ms, %s ms clock, %d bytes, %d allocs",
		pathToPrefix(in.Package), Format(in.Start), Format(in.Clock), in.Bytes, in.Allocs)
}

// pathToPrefix escapes an import path as the linker does for symbol names
// (cmd/internal/objabi.PathToPrefix).
func pathToPrefix(s string) string {
	slash := strings.LastIndex(s, "/")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || (c == '.' && i > slash) || c == '%' || c == '"' || c >= 0x7F {
			fmt.Fprintf(&b, "%%%02x", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// TestLive builds the hello fixture's program with the go command, runs it
// with GODEBUG=inittrace=1 and parses what it prints. It asserts nothing
// about how long anything took.
func TestLive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	src, err := os.ReadFile("testdata/hello.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/hello\n\ngo 1.26\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "hello")
	build := exec.Command(gocmd, "build", "-o", exe, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building hello: %v\n%s", err, out)
	}
	var stderr bytes.Buffer
	run := exec.Command(exe)
	run.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	run.Stderr = &stderr
	if err := run.Run(); err != nil {
		t.Fatalf("running hello: %v\n%s", err, stderr.Bytes())
	}

	inits, warnings := Parse(stderr.Bytes(), "stderr of hello")
	if len(warnings) > 0 || len(inits) == 0 {
		t.Fatalf("got %d inits and warnings %v from\n%s", len(inits), warnings, stderr.Bytes())
	}
	checkTimeline(t, "stderr of hello", inits)
	for _, in := range inits {
		if s := reprint(in); !bytes.Contains(stderr.Bytes(), []byte(s+"\n")) {
			t.Errorf("record %+v prints as %q, not found in the output", in, s)
		}
	}

	// The same toolchain as the fixture's initializes the same packages.
	if runtime.Version() == "go1.26.8" {
		data, err := os.ReadFile("testdata/hello.stderr")
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Parse(data, "hello.stderr")
		if got, want := packages(inits), packages(want); !slices.Equal(got, want) {
			t.Errorf("packages initialized:\ngot  %q\nwant %q", got, want)
		}
	}
}

func packages(inits []Init) []string {
	var pkgs []string
	for _, in := range inits {
		pkgs = append(pkgs, in.Package)
	}
	return pkgs
}
