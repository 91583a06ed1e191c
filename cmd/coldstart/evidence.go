package main

import (
	"context"
	"io"
)

// cmdEvidence is not written yet; its issue is open.
func cmdEvidence(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usageErr("evidence: not implemented yet")
}
