// Package report renders results for people and machines: terminal tables,
// Markdown for pull requests and CI job summaries, and JSON. It is the last
// stage of the pipeline and the only package that imports tablewriter.
package report

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is an output format.
type Format string

// The output formats.
const (
	Text     Format = "table"
	JSON     Format = "json"
	Markdown Format = "markdown"
)

// ParseFormat checks a -format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, JSON, Markdown:
		return f, nil
	case "md":
		return Markdown, nil
	case "text":
		return Text, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, json or markdown)", s)
}

// WriteFile writes a file atomically: into a temporary file in the same
// directory, renamed over path only when write and Close succeeded, so a
// failure never leaves a half-written file behind.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// table is a tablewriter table in the given format, numbers right-aligned
// after the first column.
type table struct {
	t *tablewriter.Table
}

// newTable starts a table; its first left columns are text, aligned left,
// the others numbers, aligned right.
func newTable(w io.Writer, f Format, left int, header []string) *table {
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	}
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	for i := 0; i < left && i < len(align); i++ {
		align[i] = tw.AlignLeft
	}
	opts = append(opts,
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
	if f == Markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	} else {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleLight),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.On},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})))
	}
	t := tablewriter.NewTable(w, opts...)
	t.Header(toAny(header)...)
	return &table{t: t}
}

func (t *table) row(cells ...string) error { return t.t.Append(toAny(cells)...) }

func (t *table) render() error { return t.t.Render() }

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// escapeMarkdown keeps package paths and messages from being read as
// Markdown markup inside table cells.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}
