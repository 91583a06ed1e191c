package main

import (
	"context"
	"io"
)

// cmdHistory is not written yet; its issue is open.
func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("history: not implemented yet")
}
