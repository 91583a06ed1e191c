# coldstart's build and test entry points. `make test` is what CI runs
# (.ci/run); the README's first command measures the bundled example.
GO ?= go

.PHONY: build test fuzz bench bench-diff selfcheck clean

build:
	$(GO) build -o bin/coldstart ./cmd/coldstart

# Everything CI checks: formatting, vet, all tests (real targets built with
# the real toolchain), the concurrent parts again under the race detector
# (process groups, timers, the history store, worktrees, signals), a short
# fuzz of each parser of outside input, and coldstart's own startup against
# its budget.
test: build
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v /testdata/)); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 45m ./...
	@if [ "$$($(GO) env CGO_ENABLED)" = 1 ]; then \
	  echo "$(GO) test -race ./harness/runner ./harness/history ./harness/build ./cmd/coldstart"; \
	  $(GO) test -count=1 -timeout 20m -race ./harness/runner ./harness/history ./harness/build ./cmd/coldstart; \
	else echo "make test: no C compiler (go env CGO_ENABLED is 0), so no -race run"; fi
	$(MAKE) fuzz FUZZTIME=100000x
	$(MAKE) selfcheck

# Every parser of outside input: inittrace lines, scenario files, budgets
# files, saved results given to diff. The budget is a count of runs, not a
# duration: with a duration, Go 1.26's fuzz coordinator sometimes fails the
# target with "context deadline exceeded" when time is up (go.dev/issue/75804,
# fixed in Go 1.27). Minimising a new input is capped at 100 runs: by
# default the fuzzer spends up to a minute on each, which in a short budget
# means it fuzzes nothing.
FUZZTIME ?= 1000000x
FUZZ = $(GO) test -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 100x -fuzz
fuzz:
	$(FUZZ) '^FuzzReader$$' ./harness/inittrace
	$(FUZZ) '^FuzzParse$$' ./harness/scenario
	$(FUZZ) '^FuzzParse$$' ./harness/budget
	$(FUZZ) '^FuzzCompareFiles$$' ./harness/compare

# The benchmarks of coldstart itself, side by side where they compare:
# the runner against hyperfine -N (per-run overhead, median ratio), the
# inittrace parser (lines/s), history writes and trend analysis. Figures in
# README.md ("How fast coldstart itself is") and bench/README.md.
bench: build
	$(GO) test -run '^$$' -bench VsHyperfine -benchtime 1x ./harness/runner
	$(GO) test -run '^$$' -bench . -benchtime 2s ./harness/inittrace
	$(GO) test -run '^$$' -bench . -benchtime 20x ./harness/history ./harness/trend

# The planted-regression benchmark of coldstart diff: detection and false
# alarm rates over 20 trials, about 25 minutes; figures in bench/README.md.
# make test runs the same test once, as a smoke test.
bench-diff:
	$(GO) test -count=1 -run '^TestPlanted$$' -v -timeout 90m ./bench -trials 20

# coldstart measures its own init and holds it to its own budget.
selfcheck: build
	bin/coldstart check -scenario scenarios/coldstart.yaml

clean:
	rm -rf bin
