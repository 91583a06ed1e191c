package main

import (
	"context"
	"io"
)

// cmdNightly is not written yet; its issue is open.
func cmdNightly(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("nightly: not implemented yet")
}
