package chart

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/coldstart-dev/coldstart/harness/result"
)

// Module group names used by the waterfall's colours besides module paths.
const (
	// StdModule is the group of standard-library packages.
	StdModule = "std"
	// OtherModules is the legend entry of the modules beyond the
	// coloured ones.
	OtherModules = "other modules"
)

// waterfallColors is how many modules get a colour of their own; the rest
// share one grey. plotutil's soft palette has seven distinct colours.
const waterfallColors = 7

// WaterfallOptions tune a waterfall chart. The zero value shows every
// package and groups them with ModuleOf.
type WaterfallOptions struct {
	// Module returns the module of a package path, StdModule for the
	// standard library; nil or "" falls back to ModuleOf.
	Module func(pkg string) string
	// Max limits the bars to the Max packages with the longest init clock,
	// still drawn in init order; 0 shows every package.
	Max int
}

// Waterfall writes an SVG chart of one run's init sequence (for a result,
// its Timeline: the run whose total init is closest to the median). Each
// package is a horizontal bar that starts at its @ time and is as wide as
// its init clock, on an axis in milliseconds from the start of
// runtime.main, one row per package in init order from the top, coloured
// by module: the modules with the most init clock in the chart get a colour
// each, the standard library and the remaining modules share greys. A package with no measurable clock shows
// as a hairline at its start.
//
// Waterfall returns an error, and writes nothing, if there are no spans.
func Waterfall(w io.Writer, title string, spans []result.Span, opt WaterfallOptions) error {
	if len(spans) == 0 {
		return errors.New("waterfall chart: no packages in the run")
	}
	shown := slices.Clone(spans)
	slices.SortStableFunc(shown, func(a, b result.Span) int { return cmp.Compare(a.StartNs, b.StartNs) })
	if opt.Max > 0 && len(shown) > opt.Max {
		heavy := slices.Clone(shown)
		slices.SortStableFunc(heavy, func(a, b result.Span) int { return cmp.Compare(b.ClockNs, a.ClockNs) })
		keep := map[string]bool{}
		for _, s := range heavy[:opt.Max] {
			keep[s.Path] = true
		}
		shown = slices.DeleteFunc(shown, func(s result.Span) bool { return !keep[s.Path] })
		title = fmt.Sprintf("%s (the %d longest of %d inits)", title, opt.Max, len(spans))
	}

	moduleOf := func(pkg string) string {
		if opt.Module != nil {
			if m := opt.Module(pkg); m != "" {
				return m
			}
		}
		return ModuleOf(pkg)
	}
	colors, order := moduleColors(shown, moduleOf)

	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "ms since the start of runtime.main"
	p.X.Min = 0
	var end int64
	for _, s := range shown {
		end = max(end, s.StartNs+s.ClockNs)
	}
	p.X.Max = max(ms(end)*1.02, 0.001)
	n := len(shown)
	names := make([]string, n)
	for i, s := range shown {
		names[n-1-i] = s.Path
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5

	// One polygon per package: gonum's Polygon fills a rectangle in data
	// coordinates, so bars line up with the time axis exactly.
	first := map[string]*plotter.Polygon{}
	for i, s := range shown {
		y := float64(n - 1 - i)
		x0, x1 := ms(s.StartNs), ms(s.StartNs+s.ClockNs)
		bar, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: y - 0.4}, {X: x1, Y: y - 0.4}, {X: x1, Y: y + 0.4}, {X: x0, Y: y + 0.4}})
		if err != nil {
			return fmt.Errorf("waterfall chart: %w", err)
		}
		group := colorGroup(moduleOf(s.Path), colors)
		bar.Color = colors[group]
		bar.LineStyle = draw.LineStyle{Color: colors[group], Width: vg.Points(0.5)}
		p.Add(bar)
		if first[group] == nil {
			first[group] = bar
		}
	}
	for _, g := range order {
		if first[g] != nil {
			p.Legend.Add(g, first[g])
		}
	}
	p.Legend.Top = true
	p.Legend.Left = false
	p.Add(plotter.NewGrid())

	height := vg.Length(n)*14*vg.Millimeter/4 + 40*vg.Millimeter
	return writeSVG(w, p, 10*vg.Inch, height, "init waterfall")
}

// ms converts nanoseconds to the waterfall's milliseconds.
func ms(ns int64) float64 { return float64(ns) / 1e6 }

// moduleColors picks the colours of the waterfall's groups: the modules
// with the most clock in spans get plotutil's colours in that order, the
// standard library a dark grey, every other module a light grey. order is
// the legend order.
func moduleColors(spans []result.Span, moduleOf func(string) string) (colors map[string]color.Color, order []string) {
	clock := map[string]int64{}
	for _, s := range spans {
		clock[moduleOf(s.Path)] += s.ClockNs
	}
	mods := make([]string, 0, len(clock))
	for m := range clock {
		if m != StdModule {
			mods = append(mods, m)
		}
	}
	slices.SortFunc(mods, func(a, b string) int {
		if c := cmp.Compare(clock[b], clock[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	colors = map[string]color.Color{}
	for i, m := range mods {
		if i == waterfallColors {
			colors[OtherModules] = color.RGBA{R: 0xc8, G: 0xc8, B: 0xc8, A: 0xff}
			order = append(order, OtherModules)
			break
		}
		colors[m] = plotutil.Color(i)
		order = append(order, m)
	}
	if _, ok := clock[StdModule]; ok {
		colors[StdModule] = color.RGBA{R: 0x70, G: 0x70, B: 0x70, A: 0xff}
		order = append(order, StdModule)
	}
	return colors, order
}

// colorGroup is the legend group a module is drawn in.
func colorGroup(module string, colors map[string]color.Color) string {
	if _, ok := colors[module]; ok {
		return module
	}
	return OtherModules
}

// ModuleOf guesses the module of an import path when no import graph says:
// StdModule for paths whose first element has no dot (the standard library,
// and "main"), the first three elements on hosts that keep one module per
// repository (github.com/owner/repo) and on golang.org (golang.org/x/NAME),
// and otherwise the first two elements, plus a major-version suffix (/v2)
// if one follows. It is a heuristic: nested modules are folded into their
// parent.
func ModuleOf(pkg string) string {
	elems := strings.Split(pkg, "/")
	if !strings.Contains(elems[0], ".") {
		if elems[0] == "main" {
			return "main"
		}
		return StdModule
	}
	n := 2
	switch elems[0] {
	case "github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "git.sr.ht", "golang.org", "gonum.org":
		n = 3
	}
	if len(elems) <= n {
		return pkg
	}
	if v := elems[n]; len(v) > 1 && v[0] == 'v' && strings.Trim(v[1:], "0123456789") == "" {
		n++
	}
	return strings.Join(elems[:n], "/")
}

// writeSVG renders p as an SVG document of the given size.
func writeSVG(w io.Writer, p *plot.Plot, width, height vg.Length, what string) error {
	c := vgsvg.New(width, height)
	p.Draw(draw.New(c))
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return nil
}
