package build

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// gitRepo makes a git repository with a main package that prints a word:
// "one" in the first commit, "two" in the second, and "three" uncommitted
// in the working tree. It returns the package directory.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	word := func(w string) string {
		return "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"" + w + "\") }\n"
	}
	run("init", "-q")
	write("go.mod", "module example.com/words\n\ngo 1.26\n")
	write("cmd/word/main.go", word("one"))
	run("add", ".")
	run("commit", "-q", "-m", "one")
	write("cmd/word/main.go", word("two"))
	run("commit", "-q", "-am", "two")
	write("cmd/word/main.go", word("three"))
	return dir
}

func output(t *testing.T, e *Executable) string {
	t.Helper()
	out, err := exec.Command(e.Path).Output()
	if err != nil {
		t.Fatalf("running %s: %v", e.Path, err)
	}
	return strings.TrimSpace(string(out))
}

// worktrees lists the worktrees of the repository at dir.
func worktrees(t *testing.T, dir string) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", dir, "worktree", "list", "--porcelain").Output()
	if err != nil {
		t.Fatal(err)
	}
	var wts []string
	for _, l := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(l, "worktree "); ok {
			wts = append(wts, p)
		}
	}
	return wts
}

// leftovers lists what coldstart left in dir: worktree directories and
// unfinished cache entries.
func leftovers(t *testing.T, dirs ...string) []string {
	t.Helper()
	var left []string
	for _, d := range dirs {
		for _, pat := range []string{"coldstart-worktree-*", "build-*"} {
			m, _ := filepath.Glob(filepath.Join(d, pat))
			left = append(left, m...)
		}
	}
	return left
}

func TestBuildSource(t *testing.T) {
	repo := gitRepo(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cache := t.TempDir()
	target := Target{Spec: "./cmd/word", Kind: Package, Dir: repo}
	ctx := context.Background()

	for _, tt := range []struct {
		rev, want string
	}{{"HEAD~1", "one"}, {"HEAD", "two"}, {"", "three"}} {
		e, err := BuildSource(ctx, target, Source{Rev: tt.rev}, cache)
		if err != nil {
			t.Fatalf("rev %q: %v", tt.rev, err)
		}
		if got := output(t, e); got != tt.want {
			t.Errorf("rev %q prints %q, want %q", tt.rev, got, tt.want)
		}
		if tt.rev == "" && !strings.HasSuffix(e.Revision, "-dirty") {
			t.Errorf("working tree with changes: revision %q, want a -dirty one", e.Revision)
		}
		if tt.rev != "" && (len(e.Revision) != 40 || strings.Contains(e.Revision, "dirty")) {
			t.Errorf("rev %q: revision %q, want a full commit hash", tt.rev, e.Revision)
		}
		if err := e.Close(); err != nil {
			t.Error(err)
		}
	}
	if wts := worktrees(t, repo); len(wts) != 1 {
		t.Errorf("worktrees left: %v", wts)
	}
	if left := leftovers(t, tmp, filepath.Join(cache, "revisions")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}

	// A second build of a commit comes from the cache, built nothing and
	// checked nothing out: the entry is the same file, untouched.
	entries, _ := filepath.Glob(filepath.Join(cache, "revisions", "*", "word"))
	if len(entries) != 2 {
		t.Fatalf("cache holds %v, want the two commits", entries)
	}
	before, _ := os.Stat(entries[0])
	e, err := BuildSource(ctx, target, Source{Rev: "HEAD~1"}, cache)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(entries, e.Path) {
		t.Errorf("second build at %s, not from the cache %v", e.Path, entries)
	}
	if after, _ := os.Stat(e.Path); e.Path == entries[0] && !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("cache entry rewritten")
	}
	// Other build flags are another entry.
	flagged := target
	flagged.BuildFlags = []string{"-trimpath"}
	if e, err = BuildSource(ctx, flagged, Source{Rev: "HEAD~1"}, cache); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(entries, e.Path) {
		t.Errorf("-trimpath build came from the entry of a build without it")
	}
}

func TestBuildSourceErrors(t *testing.T) {
	repo := gitRepo(t)
	target := Target{Spec: "./cmd/word", Kind: Package, Dir: repo}
	var se *SourceError
	_, err := BuildSource(context.Background(), target, Source{Rev: "no-such-branch"}, t.TempDir())
	if !errors.As(err, &se) || !strings.Contains(err.Error(), `no commit "no-such-branch"`) {
		t.Errorf("unknown revision: %v, want a SourceError naming it", err)
	}
	outside := Target{Spec: ".", Kind: Package, Dir: t.TempDir()}
	_, err = BuildSource(context.Background(), outside, Source{Rev: "HEAD"}, t.TempDir())
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "not in a git repository") {
		t.Errorf("outside git: %v, want a SourceError", err)
	}
	_, err = BuildSource(context.Background(), Target{Spec: "/bin/true", Kind: Binary}, Source{Rev: "HEAD"}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "needs a package target") {
		t.Errorf("binary at a revision: %v", err)
	}
}

// TestBuildSourceCancel cancels builds of a revision at different moments,
// as Ctrl-C would: whatever was happening, no worktree, temporary
// directory or half-written cache entry may remain.
func TestBuildSourceCancel(t *testing.T) {
	repo := gitRepo(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	target := Target{Spec: "./cmd/word", Kind: Package, Dir: repo}
	// Every 4 ms through the git commands and the start of go build, then
	// into the build and past its end.
	var moments []time.Duration
	for d := time.Duration(0); d <= 120*time.Millisecond; d += 4 * time.Millisecond {
		moments = append(moments, d)
	}
	moments = append(moments, 300*time.Millisecond, time.Second)
	for _, after := range moments {
		cache := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), after)
		e, err := BuildSource(ctx, target, Source{Rev: "HEAD~1"}, cache)
		cancel()
		if err == nil {
			t.Logf("cancel after %v: the build finished first", after)
			e.Close()
		}
		if wts := worktrees(t, repo); len(wts) != 1 {
			t.Errorf("cancel after %v: worktrees left: %v", after, wts)
		}
		if left := leftovers(t, tmp, filepath.Join(cache, "revisions")); len(left) > 0 {
			t.Errorf("cancel after %v: left behind: %v", after, left)
		}
	}
}
