package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotFormat returns the image format of path, "svg" or "png", or "".
func plotFormat(path string) string {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg", ".png":
		return ext[1:]
	}
	return ""
}

// checkPlotPath returns a usage error unless path ends in .svg or .png
// (case-insensitive), so fit can refuse a bad --plot before training.
func checkPlotPath(path string) error {
	if plotFormat(path) == "" {
		return usagef("--plot %q: the file name must end in .svg or .png", path)
	}
	return nil
}

// The size of the loss plot.
const (
	plotWidth  = 6 * vg.Inch
	plotHeight = 4 * vg.Inch
)

// drawLossPlot draws the training loss of each epoch, and the validation
// loss if val is not nil, against the epoch number (1-based), on a log
// scale, and writes it to w as SVG or PNG by the extension of path, which
// also names the plot in errors.
//
// Losses that are NaN or infinite are left out (gonum/plot refuses them).
// A log scale cannot show a loss ≤ 0, and a perfect fit can reach exactly
// 0, so such losses are clamped to the smallest positive loss of either
// series (or to 1e-300 if there is none): the curve then ends flat along
// the bottom of the plot instead of disappearing.
func drawLossPlot(w io.Writer, path string, title string, train, val []float64) error {
	format := plotFormat(path)
	if format == "" {
		return checkPlotPath(path)
	}
	floor := math.Inf(1)
	for _, s := range [][]float64{train, val} {
		for _, v := range s {
			if v > 0 && !math.IsInf(v, 1) {
				floor = min(floor, v)
			}
		}
	}
	if math.IsInf(floor, 1) {
		floor = 1e-300
	}
	trainXY := lossXYs(train, floor)
	if len(trainXY) == 0 {
		return fmt.Errorf("plot %s: no finite training loss to plot", path)
	}

	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.X.Tick.Marker = integerTicks{}
	p.Y.Label.Text = "loss (log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true

	if err := addLossLine(p, "training", trainXY, 0); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if val != nil {
		if valXY := lossXYs(val, floor); len(valXY) > 0 {
			if err := addLossLine(p, "validation", valXY, 1); err != nil {
				return fmt.Errorf("plot %s: %w", path, err)
			}
		}
	}
	// A log axis needs Min < Max, both > 0: the axis would otherwise widen
	// a single value v to [v−1, v+1], below 0.
	if p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = p.Y.Min/2, min(p.Y.Max*2, math.MaxFloat64)
	}

	wt, err := p.WriterTo(plotWidth, plotHeight, format)
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// lossXYs returns the points (epoch, loss) of losses, epochs counting from
// 1, without the non-finite losses and with those ≤ 0 raised to floor.
func lossXYs(losses []float64, floor float64) plotter.XYs {
	xys := make(plotter.XYs, 0, len(losses))
	for i, v := range losses {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		xys = append(xys, plotter.XY{X: float64(i + 1), Y: max(v, floor)})
	}
	return xys
}

// addLossLine adds a line of the i-th colour and dash pattern, and its
// legend entry; a series of a single point gets a dot, a line of one
// point being invisible.
func addLossLine(p *plot.Plot, name string, xys plotter.XYs, i int) error {
	line, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	line.Color = plotutil.Color(i)
	line.Dashes = plotutil.Dashes(i)
	line.Width = vg.Points(1.5)
	p.Add(line)
	if len(xys) == 1 {
		dot, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		dot.Color = line.Color
		dot.Shape = draw.CircleGlyph{}
		p.Add(dot)
	}
	p.Legend.Add(name, line)
	return nil
}

// integerTicks is plot.DefaultTicks without the ticks between whole
// numbers: epochs are counted.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value == math.Trunc(t.Value) {
			if t.Label != "" {
				t.Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// logTicks marks the powers of ten between lo and hi, and the 2…9
// multiples between them as minor ticks. Over more than 8 decades (a loss
// that fell to 1e-30) it labels one power in k and drops the minor ticks,
// so that the labels do not overlap. Where fewer than two powers of ten
// show, it labels the multiples 2 and 5 too, and for a range narrower than
// a factor 3 it falls back to plot.DefaultTicks. (plot.LogTicks does none
// of this, and marks no tick at all for a range such as [0.2, 0.6].)
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0 && hi >= lo) {
		return nil
	}
	if hi < 3*lo {
		var ticks []plot.Tick
		for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
			if t.Value > 0 { // the log scale cannot place 0
				ticks = append(ticks, t)
			}
		}
		return ticks
	}
	e0 := int(math.Floor(math.Log10(lo)))
	e1 := max(int(math.Ceil(math.Log10(hi))), e0+1)
	k := (e1 - e0 + 7) / 8
	powersInside := 0
	for e := e0; e <= e1; e++ {
		if d := math.Pow10(e); d >= lo && d <= hi {
			powersInside++
		}
	}
	var ticks []plot.Tick
	for e := e0; e <= e1; e++ {
		d := math.Pow10(e)
		t := plot.Tick{Value: d}
		if e%k == 0 {
			t.Label = tickLabel(d)
		}
		ticks = append(ticks, t)
		if k > 1 || e == e1 {
			continue
		}
		for m := 2; m <= 9; m++ {
			t := plot.Tick{Value: float64(m) * d}
			if powersInside < 2 && (m == 2 || m == 5) {
				t.Label = tickLabel(t.Value)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// tickLabel formats a tick value in at most 4 significant digits, so that
// 3×0.1 shows as 0.3.
func tickLabel(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
