package chart

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// distributionTexts parses an SVG document as XML and returns its root element's
// name and the content of its text elements.
func distributionTexts(t *testing.T, data []byte) (root string, texts []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not valid XML: %v\n%s", err, data)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			inText = tok.Name.Local == "text"
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				texts = append(texts, strings.TrimSpace(string(tok)))
			}
		}
	}
	return root, texts
}

func TestDistribution(t *testing.T) {
	pkg := Series{Name: "example.com/heavy/internal/slow", Values: []float64{4.1, 4.3, 4.2, 4.2, 6.5, 4.0}}
	total := Series{Name: "total init", Values: []float64{4.9, 5.1, 5.0, 5.0, 7.4, 4.8}}
	var buf bytes.Buffer
	if err := Distribution(&buf, "init time, 6 runs", "ms", pkg, total); err != nil {
		t.Fatal(err)
	}
	root, texts := distributionTexts(t, buf.Bytes())
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
	for _, want := range []string{pkg.Name, total.Name, "init time, 6 runs", "ms"} {
		found := false
		for _, s := range texts {
			found = found || s == want
		}
		if !found {
			t.Errorf("no text %q in the chart; texts: %q", want, texts)
		}
	}

	// The same input draws the same picture.
	var again bytes.Buffer
	if err := Distribution(&again, "init time, 6 runs", "ms", pkg, total); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two charts of the same series differ")
	}
}

func TestDistributionZeros(t *testing.T) {
	var buf bytes.Buffer
	if err := Distribution(&buf, "", "µs", Series{Name: "example.com/idle", Values: []float64{0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	if root, _ := distributionTexts(t, buf.Bytes()); root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
}

func TestDistributionErrors(t *testing.T) {
	tests := []struct {
		name   string
		series []Series
		want   string
	}{
		{"none", nil, "no series"},
		{"empty", []Series{{Name: "a", Values: []float64{1}}, {Name: "b"}}, `series "b" has no values`},
		{"negative", []Series{{Name: "a", Values: []float64{1, -1}}}, `series "a" has value -1`},
		{"nan", []Series{{Name: "a", Values: []float64{math.NaN()}}}, `series "a" has value NaN`},
		{"inf", []Series{{Name: "a", Values: []float64{math.Inf(1)}}}, `series "a" has value +Inf`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Distribution(&buf, "t", "ms", tt.series...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes with an error", buf.Len())
			}
		})
	}
}
