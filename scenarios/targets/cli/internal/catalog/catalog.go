// Package catalog builds its whole product table at package init: the
// eager-init pattern that coldstart exists to catch.
package catalog

import (
	"fmt"
	"hash/crc32"
)

// Item is one product.
type Item struct {
	Name  string
	Price int
}

// items is built before main runs, whether or not the program needs it.
var items = build(50000)

func build(n int) map[string]Item {
	m := make(map[string]Item, n)
	for i := range n {
		name := fmt.Sprintf("sku-%05d", i)
		m[name] = Item{Name: name, Price: int(crc32.ChecksumIEEE([]byte(name)) % 10000)}
	}
	return m
}

// Lookup returns the named item.
func Lookup(name string) (Item, bool) {
	it, ok := items[name]
	return it, ok
}
