// Command cli is coldstart's bundled example target: a small command-line
// program whose packages do the kind of init work that creeps into real
// programs (a table built at package level, regexps compiled at package
// level, net/http linked in). The example scenario measures it.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/coldstart-dev/coldstart/scenarios/targets/cli/internal/catalog"
	"github.com/coldstart-dev/coldstart/scenarios/targets/cli/internal/rules"
)

func main() {
	name := "sku-00042"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	item, ok := catalog.Lookup(name)
	fmt.Printf("%s: found=%v price=%d valid=%v client-timeout=%v\n",
		name, ok, item.Price, rules.Valid(name), http.DefaultClient.Timeout)
}
