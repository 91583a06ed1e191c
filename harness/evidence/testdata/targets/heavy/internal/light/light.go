// Package light does a little init work.
package light

import "strings"

// Name is built at init.
var Name = strings.Repeat("x", 1000)[:3]
