// Package knob does an amount of init work set at build time:
//
//	go build -ldflags "-X example.com/planted/internal/knob.Units=2800000"
//
// so that a regression of a known size can be planted in one package.
package knob

import (
	"strconv"

	"example.com/planted/internal/work"
)

// Units is the number of work iterations done at init, set with -X.
var Units = "2800000"

// Sum is computed at init.
var Sum = work.Spin(units())

func units() int {
	n, err := strconv.Atoi(Units)
	if err != nil || n < 0 {
		panic("knob: bad Units " + strconv.Quote(Units))
	}
	return n
}
