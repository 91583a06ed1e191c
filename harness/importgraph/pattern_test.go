package importgraph

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var matchTests = []struct {
	pattern, path string
	want          bool
}{
	{"net/http", "net/http", true},
	{"net/http", "net/http/httptest", false},
	{"net/http", "net", false},
	{"net/...", "net", true},
	{"net/...", "net/http", true},
	{"net/...", "net/http/httptest", true},
	{"net/...", "netip", false},
	{"net...", "netip", true},
	{"net...", "net/http", true},
	{"github.com/aws/aws-sdk-go/...", "github.com/aws/aws-sdk-go", true},
	{"github.com/aws/aws-sdk-go/...", "github.com/aws/aws-sdk-go/service/s3", true},
	{"github.com/aws/aws-sdk-go/...", "github.com/aws/aws-sdk-go-v2/service/s3", false},
	{"github.com/aws/...", "github.com/aws/aws-sdk-go-v2/service/s3", true},
	{"...", "anything/at/all", true},
	{"...", "", true},
	{".../internal/...", "golang.org/x/tools/internal/event", true},
	{".../internal/...", "internal/abi", false},
	{".../internal/...", "golang.org/x/tools/internal", true},
	{"...internal...", "internal/abi", true},
	{"crypto/.../fips140/...", "crypto/internal/fips140/aes", true},
	{"crypto/.../fips140/...", "crypto/internal/fips140", true},
	{"crypto/.../fips140/...", "crypto/fips140", false},
	{"a...b", "ab", true},
	{"a...b", "a/x/b", true},
	{"a...b", "a", false},
	{"a...b...c", "abbc", true},
	{"a...b...c", "acb", false},
	{"gopkg.in/yaml.v3", "gopkg.in/yaml.v3", true},
	{"gopkg.in/yaml...", "gopkg.in/yaml.v3", true},
	// "..." does not match a non-final vendor element.
	{"...", "vendor/golang.org/x/net/http2/hpack", false},
	{"golang.org/x/net/...", "vendor/golang.org/x/net/http2/hpack", false},
	{"vendor/...", "vendor/golang.org/x/net/http2/hpack", true},
	{"vendor/...", "vendor", true},
	{"vendor/golang.org/x/net/...", "vendor/golang.org/x/net/http2/hpack", true},
	{"x/vendor/...", "x/vendor", true},
	{"x/vendor/...", "x/vendor/y", true},
	{"x/...", "x/vendor", true}, // a final vendor element is a package named vendor
	{"x/...", "x/vendor/y", false},
	{".../vendor/...", "a/vendor/b", true},
	// Bytes that no import path has match nothing.
	{"a\x00", "a\x00", false},
	{"...", "a\x00", false},
	{"\xff", "\xff", false},
}

func TestMatch(t *testing.T) {
	for _, tt := range matchTests {
		if got := Match(tt.pattern, tt.path); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func TestValidPattern(t *testing.T) {
	tests := []struct {
		pattern string
		err     string // substring of the error, "" for none
	}{
		{"net/http", ""},
		{"net/...", ""},
		{"...", ""},
		{".../internal/...", ""},
		{"github.com/aws/aws-sdk-go/...", ""},
		{"gopkg.in/yaml.v3", ""},
		{"example.com/a-b_c~d+e", ""},
		{"vendor/golang.org/x/net/...", ""},
		{"", "empty"},
		{"std", "meta-pattern"},
		{"all", "meta-pattern"},
		{"cmd", "meta-pattern"},
		{"./cmd/api", "relative"},
		{"../x", "relative"},
		{"a/./b", "relative"},
		{"/usr/lib", "absolute"},
		{"a//b", "empty path element"},
		{"a/", "empty path element"},
		{"net http", `invalid character ' ' at offset 3`},
		{"a*b", `invalid character '*'`},
		{`a\b`, `invalid character '\\'`},
		{"pkg@v1", `invalid character '@'`},
		{"é/x", `invalid character 'é' at offset 0`},
		{"a\x00", `invalid character '\x00'`},
		{"a\xff", `invalid character '�' at offset 1`},
	}
	for _, tt := range tests {
		err := ValidPattern(tt.pattern)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("ValidPattern(%q) = %v, want nil", tt.pattern, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ValidPattern(%q) = %v, want error containing %q", tt.pattern, err, tt.err)
		}
	}
}

// FuzzMatch checks that Match never panics, that a valid pattern matches
// itself, and that Match agrees with cmd/go's regexp-based matcher except
// where it is documented not to.
func FuzzMatch(f *testing.F) {
	for _, tt := range matchTests {
		f.Add(tt.pattern, tt.path)
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		got := Match(pattern, path)
		if ValidPattern(pattern) == nil && !Match(pattern, pattern) {
			t.Errorf("Match(%q, itself) = false", pattern)
		}
		if pattern == "vendor/..." || !utf8.ValidString(path) {
			return // documented differences
		}
		if want := cmdGoMatch(pattern, path); got != want {
			t.Errorf("Match(%q, %q) = %v, cmd/go says %v", pattern, path, got, want)
		}
	})
}

// cmdGoMatch is cmd/internal/pkgpattern.MatchPattern of Go 1.26
// (Copyright 2022 The Go Authors, BSD license), the reference for Match.
func cmdGoMatch(pattern, name string) bool {
	const vendorChar = "\x00"
	if strings.Contains(pattern, vendorChar) || !utf8.ValidString(pattern) {
		return false
	}
	re := regexp.QuoteMeta(pattern)
	wild := `[^` + vendorChar + `]*`
	re = cmdGoReplaceVendor(re, vendorChar)
	switch {
	case strings.HasSuffix(re, `/`+vendorChar+`/\.\.\.`):
		re = strings.TrimSuffix(re, `/`+vendorChar+`/\.\.\.`) + `(/vendor|/` + vendorChar + `/\.\.\.)`
	case re == vendorChar+`/\.\.\.`:
		re = `(/vendor|/` + vendorChar + `/\.\.\.)`
	}
	if strings.HasSuffix(re, `/\.\.\.`) {
		re = strings.TrimSuffix(re, `/\.\.\.`) + `(/\.\.\.)?`
	}
	re = strings.ReplaceAll(re, `\.\.\.`, wild)
	reg := regexp.MustCompile(`^` + re + `$`)
	if strings.Contains(name, vendorChar) {
		return false
	}
	return reg.MatchString(cmdGoReplaceVendor(name, vendorChar))
}

func cmdGoReplaceVendor(x, repl string) string {
	if !strings.Contains(x, "vendor") {
		return x
	}
	elem := strings.Split(x, "/")
	for i := 0; i < len(elem)-1; i++ {
		if elem[i] == "vendor" {
			elem[i] = repl
		}
	}
	return strings.Join(elem, "/")
}

func TestMatchAgreesWithCmdGo(t *testing.T) {
	for _, tt := range matchTests {
		if tt.pattern == "vendor/..." || !utf8.ValidString(tt.path) {
			continue
		}
		if want := cmdGoMatch(tt.pattern, tt.path); want != tt.want {
			t.Errorf("cmd/go: Match(%q, %q) = %v, table says %v", tt.pattern, tt.path, want, tt.want)
		}
	}
}
