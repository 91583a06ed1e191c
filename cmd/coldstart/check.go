package main

import (
	"context"
	"io"
)

// cmdCheck is not written yet; its issue is open.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("check: not implemented yet")
}
