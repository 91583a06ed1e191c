// Package stuck blocks forever at init.
package stuck

import (
	"example.com/targets/hang/internal/first"
	"time"
)

// V is never ready.
var V = wait()

func wait() string {
	for first.V != "" {
		time.Sleep(time.Hour)
	}
	return first.V
}
