package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

//go:embed doc.go
var doc string

// Exit codes, documented in doc.go and the README; every command keeps them.
const (
	exitOK     = 0 // success
	exitFailed = 1 // a check failed: budgets, audits, regressions, trends
	exitUsage  = 2 // usage or input error: bad flag, missing target, bad scenario or budgets file
	exitTarget = 3 // the target failed: build failed, crashed, timed out, printed no init trace
	// exitInterrupted is the shell's code for a process ended by SIGINT:
	// coldstart stopped on SIGINT or SIGTERM, after stopping its targets
	// and removing its temporary files and worktrees.
	exitInterrupted = 130
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// codeError carries an exit code with an error.
type codeError struct {
	code int
	err  error
}

// silent returns an exit code whose reason was already printed.
func silent(code int) error { return &codeError{code: code} }

func (e *codeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *codeError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &codeError{exitUsage, fmt.Errorf(format, args...)}
}

func targetErr(err error) error { return &codeError{exitTarget, err} }

// run is the whole command: it parses args, writes to stdout and stderr, and
// returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "run":
		err = cmdRun(ctx, rest, stdout, stderr)
	case "check":
		err = cmdCheck(ctx, rest, stdout, stderr)
	case "diff":
		err = cmdDiff(ctx, rest, stdout, stderr)
	case "why":
		err = cmdWhy(ctx, rest, stdout, stderr)
	case "profile":
		err = cmdProfile(ctx, rest, stdout, stderr)
	case "evidence":
		err = cmdEvidence(ctx, rest, stdout, stderr)
	case "nightly":
		err = cmdNightly(ctx, rest, stdout, stderr)
	case "history":
		err = cmdHistory(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return exitOK
	default:
		err = usageErr("unknown command %q (see coldstart help)", cmd)
	}
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		// Whatever failed, it failed because of the signal.
		fmt.Fprintf(stderr, "coldstart: interrupted: %s\n", oneLine(err.Error()))
		return exitInterrupted
	}
	var ce *codeError
	code := exitUsage
	if errors.As(err, &ce) {
		code = ce.code
	}
	if ce != nil && ce.err == nil {
		return code
	}
	fmt.Fprintf(stderr, "coldstart: %s\n", oneLine(err.Error()))
	return code
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " | ")), " ")
}

// usage is the doc comment of doc.go, the one copy of the usage text.
func usage() string {
	start := strings.Index(doc, "/*\n")
	end := strings.Index(doc, "*/")
	if start < 0 || end < 0 {
		return doc
	}
	return doc[start+3 : end]
}
