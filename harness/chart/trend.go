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
)

// TrendPoint is one record in a trend chart: a statistic of one
// measurement and, if known, its confidence interval.
type TrendPoint struct {
	Label string  // x-axis label, such as the record's date
	Value float64 // the statistic, such as the median total init
	// Low and High bound the statistic's confidence interval; an interval
	// is drawn only when Low <= Value <= High and Low < High.
	Low, High float64
}

// TrendChange marks a change point: the level of the series changed
// between points At-1 and At.
type TrendChange struct {
	At    int    // index of the first point of the new level
	Label string // shown beside the mark, such as "+18%"; may be empty
}

// trendLabels is about how many x-axis labels fit under a trend chart.
const trendLabels = 10

// Trend writes an SVG line chart of a series of records, oldest first, one
// point per record at evenly spaced x positions (records are nightly, and
// gaps in the calendar carry no information), with each point's confidence
// interval as an error bar and each change point as a dashed vertical line
// between the last point of the old level and the first of the new. The
// values are in unit, which labels the y axis; the axis starts at zero so
// that a change's size reads true.
//
// Trend returns an error, and writes nothing, if there is no point, a value
// is NaN or infinite, or a change point is not between two points.
func Trend(w io.Writer, title, unit string, points []TrendPoint, changes []TrendChange) error {
	if len(points) == 0 {
		return errors.New("trend chart: no records")
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = unit
	p.Y.Min = 0
	p.X.Min, p.X.Max = -0.5, float64(len(points))-0.5
	p.X.Tick.Marker = labelTicks(points)
	p.Add(plotter.NewGrid())

	xys := make(plotter.XYs, len(points))
	var errs []plotter.XY
	var lohi plotter.YErrors
	top := 0.0
	for i, pt := range points {
		if math.IsNaN(pt.Value) || math.IsInf(pt.Value, 0) {
			return fmt.Errorf("trend chart: point %d (%s) is %v", i, pt.Label, pt.Value)
		}
		xys[i] = plotter.XY{X: float64(i), Y: pt.Value}
		top = math.Max(top, pt.Value)
		if pt.Low < pt.High && pt.Low <= pt.Value && pt.Value <= pt.High {
			errs = append(errs, xys[i])
			lohi = append(lohi, struct{ Low, High float64 }{pt.Value - pt.Low, pt.High - pt.Value})
			top = math.Max(top, pt.High)
		}
	}
	if top == 0 {
		top = 1
	}
	p.Y.Max = top * 1.15

	line, marks, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("trend chart: %w", err)
	}
	marks.Shape = draw.CircleGlyph{}
	p.Add(line, marks)
	p.Legend.Add("median", line, marks)
	if len(errs) > 0 {
		bars, err := plotter.NewYErrorBars(errorPoints{plotter.XYs(errs), lohi})
		if err != nil {
			return fmt.Errorf("trend chart: %w", err)
		}
		p.Add(bars)
	}

	changeColor := color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	var labels plotter.XYLabels
	for k, c := range changes {
		if c.At <= 0 || c.At >= len(points) {
			return fmt.Errorf("trend chart: change point at %d is outside the %d records", c.At, len(points))
		}
		x := float64(c.At) - 0.5
		mark, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return fmt.Errorf("trend chart: %w", err)
		}
		mark.LineStyle = draw.LineStyle{Color: changeColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		p.Add(mark)
		if k == 0 {
			p.Legend.Add("change point", mark)
		}
		if c.Label != "" {
			labels.XYs = append(labels.XYs, plotter.XY{X: x, Y: top * 1.07})
			labels.Labels = append(labels.Labels, " "+c.Label)
		}
	}
	if len(labels.Labels) > 0 {
		text, err := plotter.NewLabels(labels)
		if err != nil {
			return fmt.Errorf("trend chart: %w", err)
		}
		for i := range text.TextStyle {
			text.TextStyle[i].Color = changeColor
		}
		p.Add(text)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	return writeSVG(w, p, 8*vg.Inch, 3.5*vg.Inch, "trend chart")
}

// errorPoints pairs points with their error bars for plotter.NewYErrorBars.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// labelTicks labels the x axis with the points' labels, at most about
// trendLabels of them, evenly spaced, always the last.
func labelTicks(points []TrendPoint) plot.Ticker {
	step := (len(points) + trendLabels - 1) / trendLabels
	var ticks []plot.Tick
	for i := len(points) - 1; i >= 0; i -= step {
		ticks = append([]plot.Tick{{Value: float64(i), Label: points[i].Label}}, ticks...)
	}
	return plot.ConstantTicks(ticks)
}
