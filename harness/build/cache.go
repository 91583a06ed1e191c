package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Source says which code of a git repository a package target is built
// from: a commit, or the working tree with its uncommitted changes.
type Source struct {
	// Rev is a revision as git names it ("main", "HEAD~2", a hash); ""
	// means the working tree.
	Rev string
}

// cleanupTimeout bounds the removal of a temporary worktree, which runs
// with a fresh context even when the build's was cancelled.
const cleanupTimeout = 30 * time.Second

// BuildSource builds t, a package target inside a git repository, from src:
// a commit, checked out into a temporary `git worktree` that is removed
// afterwards whatever happens (failure, or ctx cancelled by Ctrl-C), or the
// working tree as it is, uncommitted changes included.
//
// Builds of a commit are cached in cacheDir/revisions, keyed by the commit,
// the package's directory in the repository, the target spec, the build
// flags, and the Go version, GOOS and GOARCH: a second diff against the
// same base builds nothing and checks nothing out. The working tree is
// cached the same way when it is clean (no changes, no untracked files), as
// the commit it is at; otherwise it is built afresh every time.
//
// The Executable's Revision is the full commit hash, with "-dirty" for a
// working tree with changes to tracked files.
func BuildSource(ctx context.Context, t Target, src Source, cacheDir string) (*Executable, error) {
	if t.Kind != Package {
		return nil, fmt.Errorf("building %s at %s: a revision needs a package target, not a %s", t.Spec, revName(src), t.Kind)
	}
	dir, err := filepath.Abs(dirOrDot(t.Dir))
	if err != nil {
		return nil, fmt.Errorf("building %s at %s: %w", t.Spec, revName(src), err)
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	root, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		if src.Rev == "" && ctx.Err() == nil {
			return buildWorkingTree(ctx, t, "") // not in git: just build it
		}
		return nil, &SourceError{Rev: src.Rev, Msg: fmt.Sprintf("%s is not in a git repository", dir)}
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, &SourceError{Rev: src.Rev, Msg: fmt.Sprintf("%s is outside its repository %s", dir, root)}
	}
	rev := src.Rev
	// A working tree with changes is built where it is, uncached; it is
	// "-dirty" if tracked files changed (as gitRevision says), but
	// untracked files too keep it out of the cache, since they may be
	// part of the build.
	changed, dirty := false, false
	if rev == "" {
		rev = "HEAD"
		st, err := git(ctx, root, "status", "--porcelain")
		if err != nil {
			return nil, fmt.Errorf("building %s from the working tree: %w", t.Spec, err)
		}
		changed = st != ""
		for _, l := range strings.Split(st, "\n") {
			dirty = dirty || (l != "" && !strings.HasPrefix(l, "??"))
		}
	}
	commit, err := git(ctx, root, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		if src.Rev == "" {
			// A repository without commits: only the working tree exists.
			return buildWorkingTree(ctx, t, "")
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("building %s at %s: %w", t.Spec, src.Rev, ctx.Err())
		}
		return nil, &SourceError{Rev: src.Rev, Msg: fmt.Sprintf("no commit %q in the git repository %s", src.Rev, root)}
	}
	if changed {
		if dirty {
			commit += "-dirty"
		}
		return buildWorkingTree(ctx, t, commit)
	}

	goEnvs, err := goEnvIn(ctx, dir, t.Env, "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT")
	if err != nil {
		return nil, fmt.Errorf("building %s at %s: %w", t.Spec, revName(src), err)
	}
	key := sha256.Sum256([]byte(strings.Join(append([]string{"revision", commit, filepath.ToSlash(rel), t.Spec, goEnvs}, t.BuildFlags...), "\x00")))
	entry := filepath.Join(cacheDir, "revisions", hex.EncodeToString(key[:8]))
	bin := filepath.Join(entry, binName(t.Spec))
	if _, err := os.Stat(bin); err == nil {
		return describeRevision(&Executable{Path: bin, Kind: Package}, commit), nil
	}

	srcDir := dir
	if src.Rev != "" {
		wt, remove, err := addWorktree(ctx, root, commit)
		if err != nil {
			return nil, fmt.Errorf("building %s at %s: %w", t.Spec, src.Rev, err)
		}
		defer remove()
		srcDir = filepath.Join(wt, rel)
	}
	bt := t
	bt.Dir = srcDir
	if err := buildInto(ctx, bt, cacheDir, entry); err != nil {
		return nil, fmt.Errorf("building %s at %s: %w", t.Spec, revName(src), err)
	}
	return describeRevision(&Executable{Path: bin, Kind: Package}, commit), nil
}

// SourceError is bad input to BuildSource, as opposed to a failed build:
// the package is not in a git repository, or the revision does not exist.
type SourceError struct {
	Rev string // the revision asked for; "" for the working tree
	Msg string
}

func (e *SourceError) Error() string {
	if e.Rev == "" {
		return "building the working tree: " + e.Msg
	}
	return fmt.Sprintf("building revision %s: %s", e.Rev, e.Msg)
}

// goEnvIn is goEnv run in dir, where the module's go.mod may select
// another toolchain.
func goEnvIn(ctx context.Context, dir string, env []string, vars ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"env"}, vars...)...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	return strings.ReplaceAll(strings.TrimSpace(string(out)), "\n", "\x00"), nil
}

func revName(src Source) string {
	if src.Rev == "" {
		return "the working tree"
	}
	return src.Rev
}

// buildWorkingTree builds t where it is, uncached.
func buildWorkingTree(ctx context.Context, t Target, rev string) (*Executable, error) {
	e, err := Build(ctx, t, "")
	if err != nil {
		return nil, err
	}
	if rev != "" {
		e.Revision = rev
	}
	return e, nil
}

func describeRevision(e *Executable, commit string) *Executable {
	e.describe()
	if e.Revision == "" || !strings.HasPrefix(e.Revision, commit) {
		e.Revision = commit
	}
	return e
}

// buildInto builds t into the cache entry dir: into a fresh directory
// first, renamed into place when the build succeeded, so that a build
// killed midway never leaves a half-written entry.
func buildInto(ctx context.Context, t Target, cacheDir, entry string) error {
	if err := os.MkdirAll(filepath.Join(cacheDir, "revisions"), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Join(cacheDir, "revisions"), "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	args := append([]string{"build", "-o", filepath.Join(tmp, binName(t.Spec))}, t.BuildFlags...)
	args = append(args, t.Spec)
	if err := goCmd(ctx, t.Dir, t.Env, args...); err != nil {
		return err
	}
	if err := os.Rename(tmp, entry); err != nil {
		// Another build of the same key won the race: use its entry.
		if _, statErr := os.Stat(filepath.Join(entry, binName(t.Spec))); statErr == nil {
			return nil
		}
		return err
	}
	return nil
}

// addWorktree checks commit out into a new temporary worktree of the
// repository at root, detached. remove deletes it and its administrative
// files with a fresh context, so that it also runs after ctx was
// cancelled; it is set up before the worktree is added, so a `git worktree
// add` interrupted halfway is cleaned up too.
func addWorktree(ctx context.Context, root, commit string) (dir string, remove func(), err error) {
	parent, err := os.MkdirTemp("", "coldstart-worktree-")
	if err != nil {
		return "", nil, err
	}
	dir = filepath.Join(parent, "src")
	remove = func() {
		cctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		// Twice --force: an add cut short leaves its worktree locked.
		git(cctx, root, "worktree", "remove", "--force", "--force", dir)
		os.RemoveAll(parent)
		git(cctx, root, "worktree", "prune")
		forgetWorktree(cctx, root, dir)
	}
	if _, err := git(ctx, root, "worktree", "add", "--detach", "--quiet", dir, commit); err != nil {
		remove()
		return "", nil, fmt.Errorf("checking out %s: %w", shortRev(commit), err)
	}
	return dir, remove, nil
}

// forgetWorktree removes the administrative files of the worktree at dir
// if git still lists it: an add killed before the worktree was complete
// leaves an entry that neither remove (no worktree there) nor prune (it is
// locked) takes away.
func forgetWorktree(ctx context.Context, root, dir string) {
	common, err := git(ctx, root, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if err != nil {
		return
	}
	admin, _ := filepath.Glob(filepath.Join(common, "worktrees", "*", "gitdir"))
	for _, f := range admin {
		data, err := os.ReadFile(f)
		if err == nil && filepath.Dir(strings.TrimSpace(string(data))) == dir {
			os.RemoveAll(filepath.Dir(f))
		}
	}
}

func shortRev(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// git runs a git command in dir and returns its trimmed stdout; an error
// carries the last lines of its stderr.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", fmt.Errorf("git %s: %w", args[0], ctxErr)
		}
		var ee *exec.ExitError
		if msg := lastLines(stderr.String(), 3); msg != "" && errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %s", args[0], msg)
		}
		return "", fmt.Errorf("git %s: %w", args[0], err)
	}
	return strings.TrimSpace(stdout.String()), nil
}
