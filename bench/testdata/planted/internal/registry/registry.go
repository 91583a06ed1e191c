// Package registry builds a list of names at init. It replaces package
// tables in the build with -tags swap, so that two builds of the planted
// target differ in which packages they init.
package registry

import "strconv"

// Names lists generated names.
var Names = build()

func build() []string {
	out := make([]string, 0, 2048)
	for i := range 2048 {
		out = append(out, "name-"+strconv.Itoa(i))
	}
	return out
}
