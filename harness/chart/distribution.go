package chart

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Series is one named sample: the values of one quantity over the runs,
// in the unit the chart is labelled with.
type Series struct {
	Name   string
	Values []float64
}

// The size of a distribution chart: wide enough for a package path as a
// row label, one row of about half an inch per series.
const (
	distributionWidth = 7 * vg.Inch
	rowHeight         = 0.6 * vg.Inch
	chromeHeight      = 1.1 * vg.Inch // title, axis and labels
)

// Distribution writes an SVG chart of the distributions of series, one row
// each from top to bottom in the order given: a box plot (the box from the
// first to the third quartile with the median marked, whiskers to the
// furthest values within 1.5 interquartile ranges, values beyond them as
// circles) over the individual values as dots, spread vertically by their
// run order in a strip just below the box, so that ties stay visible. The
// value axis starts at zero, so rows can be compared by eye, and is
// labelled with unit.
//
// Distribution returns an error, and writes nothing, if there is no series,
// a series has no values, or a value is negative, NaN or infinite.
func Distribution(w io.Writer, title, unit string, series ...Series) error {
	if len(series) == 0 {
		return errors.New("distribution chart: no series")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = unit
	p.X.Min = 0
	names := make([]string, len(series))
	top := float64(len(series) - 1)
	high := 0.0
	for i, s := range series {
		if len(s.Values) == 0 {
			return fmt.Errorf("distribution chart: series %q has no values", s.Name)
		}
		for _, v := range s.Values {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("distribution chart: series %q has value %v, want a finite value >= 0", s.Name, v)
			}
			high = max(high, v)
		}
		// NominalY puts names[0] at y = 0, the bottom row; the first
		// series goes on top.
		y := top - float64(i)
		names[len(series)-1-i] = s.Name
		box, err := plotter.NewBoxPlot(rowHeight/3, y, plotter.Values(s.Values))
		if err != nil {
			return fmt.Errorf("distribution chart: series %q: %w", s.Name, err)
		}
		box.Horizontal = true
		dots := make(plotter.XYs, len(s.Values))
		for j, v := range s.Values {
			dots[j] = plotter.XY{X: v, Y: y + spread(j, len(s.Values))}
		}
		sc, err := plotter.NewScatter(dots)
		if err != nil {
			return fmt.Errorf("distribution chart: series %q: %w", s.Name, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{
			Color:  color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0x99},
			Radius: vg.Points(1.8),
			Shape:  draw.CircleGlyph{},
		}
		p.Add(box, sc)
	}
	// Room on the right for the largest value's glyph; an all-zero chart
	// still gets an axis.
	p.X.Max = 1
	if high > 0 {
		p.X.Max = high * 1.05
	}
	p.NominalY(names...)
	// Each row's box sits at its name, its dots below it.
	p.Y.Min, p.Y.Max = -0.55, top+0.3
	p.Add(plotter.NewGrid())

	c := vgsvg.New(distributionWidth, chromeHeight+rowHeight*vg.Length(len(series)))
	p.Draw(draw.New(c))
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("writing distribution chart: %w", err)
	}
	return nil
}

// spread is the vertical offset of the j-th of n dots from its row's
// centre: evenly from -0.2 to -0.42 of the distance between rows in run
// order, a strip below the box (which reaches about 0.15 either side), so
// that identical values stay apart and the picture is the same on every
// call (no random jitter).
func spread(j, n int) float64 {
	if n == 1 {
		return -0.3
	}
	return -0.2 - 0.22*float64(j)/float64(n-1)
}
