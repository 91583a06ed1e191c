// Package beta does a fixed amount of init work.
package beta

import "example.com/planted/internal/work"

// Sum is computed at init.
var Sum = work.Spin(2_800_000)
