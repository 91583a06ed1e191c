// Package gamma does a fixed amount of init work.
package gamma

import "example.com/planted/internal/work"

// Sum is computed at init.
var Sum = work.Spin(2_800_000)
