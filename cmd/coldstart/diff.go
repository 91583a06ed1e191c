package main

import (
	"context"
	"io"
)

// cmdDiff is not written yet; its issue is open.
func cmdDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("diff: not implemented yet")
}
