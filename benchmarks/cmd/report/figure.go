package main

import (
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// figure is a chart: a plot, whose own legend stays empty, with the
// legend beneath it.
type figure struct {
	plot   *plot.Plot
	legend legend
}

// The plot part of every chart is plotWidth × plotHeight; the legend adds
// the height it needs below.
const (
	plotWidth            = 8 * vg.Inch
	plotHeight           = 5 * vg.Inch
	margin     vg.Length = 6 // points, around the legend
)

// legendLeft is where the legend starts: under the left edge of the plot
// area of the plot drawn in c. The axes' widths do not depend on the
// height, so any canvas of the final width gives the same answer.
func (f *figure) legendLeft(c draw.Canvas) vg.Length {
	return f.plot.DataCanvas(c).Min.X
}

// size is the size of the whole chart.
func (f *figure) size() (w, h vg.Length) {
	c := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: plotWidth, Y: plotHeight}}}
	width := c.Max.X - margin - f.legendLeft(c)
	return plotWidth, plotHeight + f.legend.height(width) + 2*margin
}

// areas splits c, of the size f.size returns, into the plot's part (the
// top) and the legend's (below, starting under the plot area's left
// edge).
func (f *figure) areas(c draw.Canvas) (plotC, legendC draw.Canvas) {
	plotC = draw.Crop(c, 0, 0, c.Size().Y-plotHeight, 0)
	legendC = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: f.legendLeft(plotC), Y: c.Min.Y + margin},
		Max: vg.Point{X: c.Max.X - margin, Y: plotC.Min.Y - margin},
	}}
	return plotC, legendC
}

// draw draws the chart on c, of the size f.size returns.
func (f *figure) draw(c draw.Canvas) {
	// The plot fills only its own part with its background; the legend
	// needs one too, or it is black on a dark page's background.
	if f.plot.BackgroundColor != nil {
		c.SetColor(f.plot.BackgroundColor)
		c.Fill(c.Rectangle.Path())
	}
	plotC, legendC := f.areas(c)
	f.plot.Draw(plotC)
	f.legend.draw(legendC)
}

// save writes the chart to path in format (svg, png or pdf).
func (f *figure) save(path, format string) error {
	w, h := f.size()
	c, err := draw.NewFormattedCanvas(w, h, format)
	if err != nil {
		return err
	}
	f.draw(draw.New(c))
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
