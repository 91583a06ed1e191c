package scenario_test

import (
	"fmt"

	"github.com/coldstart-dev/coldstart/harness/scenario"
)

func ExampleParse() {
	s, err := scenario.Parse([]byte(`
name: gopls
target: golang.org/x/tools/gopls@v0.23.0
args: [version]
env: {GOGC: "off"}
runs: 40
go_telemetry: off
`), "scenarios/gopls.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Name, s.Target, s.Args, s.Env, s.Runs, s.TelemetryOff)

	// Every error names the file and line.
	_, err = scenario.Parse([]byte("target: ./cmd/api\nruns: many\n"), "scenarios/api.yaml")
	fmt.Println(err)
	// Output:
	// gopls golang.org/x/tools/gopls@v0.23.0 [version] [GOGC=off] 40 true
	// scenarios/api.yaml:2: "many" is not a whole number of runs from 1 up
}
