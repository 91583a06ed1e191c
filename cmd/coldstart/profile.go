package main

import (
	"context"
	"io"
)

// cmdProfile is not written yet; its issue is open.
func cmdProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("profile: not implemented yet")
}
