// Package rules compiles its validation patterns at package level, another
// common source of init cost.
package rules

import "regexp"

var patterns = []*regexp.Regexp{
	regexp.MustCompile(`^sku-[0-9]{5}$`),
	regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)*$`),
	regexp.MustCompile(`(?i)^(?:[a-z0-9!#$%&'*+/=?^_{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_{|}~-]+)*)@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`),
	regexp.MustCompile(`^\+?[0-9]{1,3}[ -]?\(?[0-9]{2,4}\)?[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}$`),
	regexp.MustCompile(`^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$`),
	regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`),
	regexp.MustCompile(`^https?://[^\s/$.?#].[^\s]*$`),
	regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$`),
}

// Valid reports whether s matches any pattern.
func Valid(s string) bool {
	for _, p := range patterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}
