// Package tables builds a small lookup table at init, so the planted
// target allocates like a real program does.
package tables

import "strconv"

// Names maps numbers to their decimal text.
var Names = build()

func build() map[int]string {
	m := make(map[int]string, 512)
	for i := range 512 {
		m[i] = "n" + strconv.Itoa(i)
	}
	return m
}
