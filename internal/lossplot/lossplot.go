// Package lossplot draws the loss curve of a training run, the training
// loss of each epoch and the validation loss if there is one, on a log
// scale, as an SVG or PNG image chosen by the file name's extension. It
// is the drawing of lanes fit --plot.
//
// A log scale needs care that gonum/plot leaves to its caller: losses
// that are NaN or infinite are left out, losses ≤ 0 (a perfect fit reaches
// exactly 0) are clamped to the smallest positive one, a constant curve
// gets a range around it, and the ticks are chosen so that a range
// narrower than a factor of 3 and one of dozens of decades both show a
// few labels that do not overlap.
package lossplot

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Format returns the image format that Draw writes for the file name
// path, by its extension (case-insensitive): "svg", "png", or "" for any
// other.
func Format(path string) string {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg", ".png":
		return ext[1:]
	}
	return ""
}

// The size of the image.
const (
	width  = 6 * vg.Inch
	height = 4 * vg.Inch
)

// Draw draws the training loss of each epoch, and the validation loss if
// val is not nil, against the epoch number (1-based), on a log scale,
// under title, and writes the image to w in the Format of path, which
// also names the plot in errors. A path of another format is an error.
//
// Losses that are NaN or infinite are left out (gonum/plot refuses them),
// and a series with none left is not drawn; a training series with none
// is an error. A log scale cannot show a loss ≤ 0, and a perfect fit can
// reach exactly 0, so such losses are clamped to the smallest positive
// loss of either series (or to 1e-300 if there is none): the curve then
// ends flat along the bottom of the plot instead of disappearing.
func Draw(w io.Writer, path, title string, train, val []float64) error {
	format := Format(path)
	if format == "" {
		return fmt.Errorf("plot %s: the file name must end in .svg or .png", path)
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

	wt, err := p.WriterTo(width, height, format)
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
