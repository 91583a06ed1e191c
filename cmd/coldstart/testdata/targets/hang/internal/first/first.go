// Package first has init work and finishes it.
package first

import "strings"

// V is built at init.
var V = strings.Repeat("a", 100)
