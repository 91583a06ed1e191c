package trend_test

import (
	"strings"
	"testing"

	"github.com/coldstart-dev/coldstart/harness/history/historytest"
	"github.com/coldstart-dev/coldstart/harness/trend"
)

// TestChangesNew follows a history with a 20% slowdown at night 12 night
// by night: the total init's change is New on exactly one night, a few
// nights after the step (trend needs MinSegment nights at the new level),
// and said as a rise; on the nights after, the same change is not New.
func TestChangesNew(t *testing.T) {
	nights, err := historytest.Generate(historytest.Config{Seed: 11, Nights: 24,
		Changes: []historytest.Change{{Night: 12, Factor: 1.2}}})
	if err != nil {
		t.Fatal(err)
	}
	var newOn []int
	seen := false
	for k := 8; k <= len(nights); k++ {
		now := trend.Analyze(nights[:k], trend.Options{})
		before := trend.Analyze(nights[:k-1], trend.Options{})
		for _, c := range trend.Changes(now, before) {
			if c.Series != "init" {
				continue
			}
			if !c.Up || !strings.HasPrefix(c.Msg, "total init ") || !(strings.Contains(c.Msg, " rose ") || strings.Contains(c.Msg, " creeps up ")) {
				t.Errorf("night %d: %+v, want a rise of total init", k, c)
			}
			if c.New {
				newOn = append(newOn, k)
			}
			seen = true
		}
	}
	if !seen || len(newOn) != 1 || newOn[0] < 13 {
		t.Errorf("total init's change was new on nights %v (seen %v), want on one night after night 12", newOn, seen)
	}
}

func TestShortRevision(t *testing.T) {
	for rev, want := range map[string]string{
		"":                       "(unknown)",
		"abc":                    "abc",
		"0123456789abcdef0123":   "0123456789ab",
		"0123456789abcdef-dirty": "0123456789ab-dirty",
	} {
		if got := trend.ShortRevision(rev); got != want {
			t.Errorf("ShortRevision(%q) = %q, want %q", rev, got, want)
		}
	}
}
