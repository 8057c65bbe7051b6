package main

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// chartable reports whether a kernel has rows by n (Level-1 kernels),
// at least two of them, and GFLOP/s values.
func chartable(k *kernel) bool {
	rows := 0
	for _, r := range k.rows {
		if r.x > 0 {
			rows++
		}
	}
	if rows < 2 {
		return false
	}
	for _, r := range k.rows {
		for _, c := range r.cells {
			if len(c.values[unitGFLOPs]) > 0 {
				return true
			}
		}
	}
	return false
}

// chart draws GFLOP/s against n for one kernel, one line per
// implementation, and the bandwidth ceiling, and saves it as
// dir/<kernel>.<format>. It returns the file's base name.
func chart(d *dataset, k *kernel, bw bandwidth, haveBW bool, dir, format string) (string, error) {
	f, err := lineFigure(d, k, bw, haveBW)
	if err != nil {
		return "", err
	}
	return save(f, k, dir, format)
}

// lineFigure is chart's figure.
func lineFigure(d *dataset, k *kernel, bw bandwidth, haveBW bool) (*figure, error) {
	p := newPlot(d, fmt.Sprintf("%s: GFLOP/s against n (median of the runs)", k.name))
	p.X.Label.Text = "n (elements per vector, log scale)"
	p.Y.Label.Text = "GFLOP/s"
	p.Y.Tick.Marker = roundTicks{}
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = siTicks{plot.LogTicks{Prec: -1}}
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	f := &figure{plot: p, legend: newLegend()}

	xmin, xmax, ymax := 0.0, 0.0, 0.0
	for i, im := range k.columns() {
		var pts plotter.XYs
		for _, r := range k.rows {
			if r.x <= 0 {
				continue
			}
			s, ok := d.summary(r.cells[im], unitGFLOPs)
			if !ok {
				continue
			}
			pts = append(pts, plotter.XY{X: r.x, Y: s.Center})
			if xmin == 0 || r.x < xmin {
				xmin = r.x
			}
			xmax = max(xmax, r.x)
			ymax = max(ymax, s.Center)
		}
		if len(pts) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		sc.Color = plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(3)
		p.Add(l, sc)
		f.legend.add(im, l, sc)
	}
	if haveBW {
		fpb, how, ok := d.intensity(k)
		if ok {
			y := bw.bytesPerSec * fpb / 1e9
			l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}})
			if err != nil {
				return nil, err
			}
			l.Color = color.Gray{Y: 0x40}
			l.Width = vg.Points(1.5)
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			p.Add(l)
			ymax = max(ymax, y)
			f.legend.addOwnRow(bandwidthLabel(bw, how, y), l)
		}
	}
	p.Y.Max = roundUp(headroom * ymax)
	return f, nil
}

// headroom keeps the highest point of a chart a little below its top.
const headroom = 1.05

// roundUp returns the first of 1, 2, 2.5, 3, 4, 5, 6, 8 or 10 times a
// power of ten that is at least v > 0: the top of the y axis, where
// gonum/plot's tick marks then fall on round numbers (at the top of 29,
// they fell on 0 and 25 only).
func roundUp(v float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 3, 4, 5, 6, 8} {
		if m*mag >= v {
			return m * mag
		}
	}
	return 10 * mag
}

func bandwidthLabel(bw bandwidth, how string, gflops float64) string {
	return fmt.Sprintf("memory bandwidth %.1f GB/s × %s = %.3g GFLOP/s", bw.bytesPerSec/1e9, how, gflops)
}

// save saves f as dir/<kernel>.<format> and returns the file's base name.
func save(f *figure, k *kernel, dir, format string) (string, error) {
	name := strings.ToLower(k.name) + "." + format
	if err := f.save(filepath.Join(dir, name), format); err != nil {
		return "", err
	}
	return name, nil
}

// siTicks is plot.LogTicks (ticks at the powers of ten) with labels
// written 10, 100, 1k, 10k, …, 1M instead of 1e+06.
type siTicks struct{ plot.LogTicks }

func (t siTicks) Ticks(min, max float64) []plot.Tick {
	ticks := t.LogTicks.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = siLabel(ticks[i].Value)
		}
	}
	return ticks
}

// roundTicks is plot.DefaultTicks with labels written as short as they
// go: 25, not 25.00 (and 0.3, not 0.30000000000000004).
type roundTicks struct{ plot.DefaultTicks }

func (t roundTicks) Ticks(min, max float64) []plot.Tick {
	ticks := t.DefaultTicks.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

func siLabel(v float64) string {
	for _, u := range []struct {
		f float64
		p string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', -1, 64) + u.p
		}
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// barChartable reports whether a kernel has rows by shape (Gemv) with
// GFLOP/s values.
func barChartable(k *kernel) bool {
	for _, r := range k.rows {
		if r.x > 0 {
			return false
		}
		for _, c := range r.cells {
			if len(c.values[unitGFLOPs]) > 0 {
				return true
			}
		}
	}
	return false
}

// barChart draws GFLOP/s per shape for one kernel, a group of bars per
// shape and one bar per implementation, with the bandwidth ceiling at the
// kernel's flops per byte, and saves it as dir/<kernel>.<format>. It
// returns the file's base name.
func barChart(d *dataset, k *kernel, bw bandwidth, haveBW bool, dir, format string) (string, error) {
	f, err := barFigure(d, k, bw, haveBW)
	if err != nil {
		return "", err
	}
	return save(f, k, dir, format)
}

// barFigure is barChart's figure.
func barFigure(d *dataset, k *kernel, bw bandwidth, haveBW bool) (*figure, error) {
	p := newPlot(d, fmt.Sprintf("%s: GFLOP/s per shape m×n (median of the runs)", k.name))
	p.X.Label.Text = "shape m×n (row-major A)"
	p.Y.Label.Text = "GFLOP/s"
	p.Y.Tick.Marker = roundTicks{}
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	f := &figure{plot: p, legend: newLegend()}
	var labels []string
	for _, r := range k.rows {
		labels = append(labels, strings.TrimPrefix(r.label, "shape="))
	}
	cols := k.columns()
	width := vg.Points(min(60/float64(len(cols)), 14))
	ymax := 0.0
	for i, im := range cols {
		vals := make(plotter.Values, len(k.rows))
		for j, r := range k.rows {
			if s, ok := d.summary(r.cells[im], unitGFLOPs); ok {
				vals[j] = s.Center
				ymax = max(ymax, s.Center)
			}
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, err
		}
		bars.Color = plotutil.Color(i)
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(i)-float64(len(cols)-1)/2)
		p.Add(bars)
		f.legend.add(im, bars)
	}
	p.NominalX(labels...)
	if fpb, how, ok := d.intensity(k); haveBW && ok {
		y := bw.bytesPerSec * fpb / 1e9
		l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: y}, {X: float64(len(k.rows)) - 0.5, Y: y}})
		if err != nil {
			return nil, err
		}
		l.Color = color.Gray{Y: 0x40}
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(l)
		f.legend.addOwnRow(bandwidthLabel(bw, how, y), l)
		ymax = max(ymax, y)
	}
	p.Y.Max = roundUp(headroom * ymax)
	return f, nil
}

// newPlot returns a plot titled title over a second line naming the CPU
// (and lanes' name for its microarchitecture) the runs were measured on.
func newPlot(d *dataset, title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	if cpu := d.configs["cpu"]; len(cpu) > 0 {
		p.Title.Text += "\n" + strings.Join(cpu, ", ")
		if ma := d.configs["lanes-microarch"]; len(ma) > 0 {
			p.Title.Text += " (" + strings.Join(ma, ", ") + ")"
		}
	}
	return p
}
