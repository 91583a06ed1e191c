package history_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/coldstart-dev/coldstart/harness/history"
	"github.com/coldstart-dev/coldstart/harness/history/historytest"
)

func Example() {
	dir, err := os.MkdirTemp("", "history")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	st, err := history.Open("sqlite:" + filepath.Join(dir, "history.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	nights, err := historytest.Generate(historytest.Config{Seed: 1, Nights: 3, Runs: 5})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range nights {
		if _, err := st.Add(ctx, "example", r); err != nil {
			log.Fatal(err)
		}
	}
	recs, err := st.Records(ctx, "example", 2)
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range recs {
		fmt.Println(rec.ID, rec.Date.Format("2006-01-02"), rec.GoVersion, len(rec.Result.Packages), "packages")
	}
	fmt.Println(st.IntegrityCheck(ctx))
	// Output:
	// 3 2026-11-03 go1.26.8 77 packages
	// 2 2026-11-02 go1.26.8 77 packages
	// <nil>
}
