// Command server is coldstart's bundled example of a server target: it
// parses its page templates at package init, then listens on the address in
// $ADDR (default 127.0.0.1:18231). The server scenario measures it to
// readiness: the moment the port accepts.
package main

import (
	"html/template"
	"log"
	"net/http"
	"os"
	"strings"
)

var page = template.Must(template.New("page").Parse(strings.Repeat(`<p>{{.Name}} {{range .Items}}<b>{{.}}</b>{{end}}</p>`, 200)))

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:18231"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		page.Execute(w, map[string]any{"Name": "coldstart", "Items": []string{"a", "b"}})
	})
	log.Printf("listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}
