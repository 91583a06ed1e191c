package main

import (
	"context"
	"io"
)

// cmdWhy is not written yet; its issue is open.
func cmdWhy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("why: not implemented yet")
}
