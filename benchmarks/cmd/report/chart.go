package main

import (
	"fmt"
	"image/color"
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
	p := newPlot(d, fmt.Sprintf("%s: GFLOP/s against n (median of the runs)", k.name))
	p.X.Label.Text = "n (elements per vector, log scale)"
	p.Y.Label.Text = "GFLOP/s"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = siTicks{plot.LogTicks{Prec: -1}}
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Millimeter
	p.Legend.YOffs = -vg.Millimeter

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
			return "", err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		sc.Color = plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(3)
		p.Add(l, sc)
		p.Legend.Add(im, l, sc)
	}
	if haveBW {
		fpb, how, ok := d.intensity(k)
		if ok {
			y := bw.bytesPerSec * fpb / 1e9
			l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}})
			if err != nil {
				return "", err
			}
			l.Color = color.Gray{Y: 0x40}
			l.Width = vg.Points(1.5)
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			p.Add(l)
			ymax = max(ymax, y)
			p.Legend.Add(fmt.Sprintf("memory bandwidth %.1f GB/s × %s = %.3g GFLOP/s", bw.bytesPerSec/1e9, how, y), l)
		}
	}
	// Headroom for the legend in the top right corner.
	p.Y.Max = 1.3 * ymax
	name := strings.ToLower(k.name) + "." + format
	if err := p.Save(8*vg.Inch, 5*vg.Inch, filepath.Join(dir, name)); err != nil {
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
// kernel's flops per byte, and saves it as dir/<kernel>.<format>.
func barChart(d *dataset, k *kernel, bw bandwidth, haveBW bool, dir, format string) (string, error) {
	p := newPlot(d, fmt.Sprintf("%s: GFLOP/s per shape m×n (median of the runs)", k.name))
	p.X.Label.Text = "shape m×n (row-major A)"
	p.Y.Label.Text = "GFLOP/s"
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.XOffs = -vg.Millimeter
	p.Legend.YOffs = -vg.Millimeter
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
			return "", err
		}
		bars.Color = plotutil.Color(i)
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(float64(i)-float64(len(cols)-1)/2)
		p.Add(bars)
		p.Legend.Add(im, bars)
	}
	p.NominalX(labels...)
	if fpb, how, ok := d.intensity(k); haveBW && ok {
		y := bw.bytesPerSec * fpb / 1e9
		l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: y}, {X: float64(len(k.rows)) - 0.5, Y: y}})
		if err != nil {
			return "", err
		}
		l.Color = color.Gray{Y: 0x40}
		l.Width = vg.Points(1.5)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("memory bandwidth %.1f GB/s × %s = %.3g GFLOP/s", bw.bytesPerSec/1e9, how, y), l)
		ymax = max(ymax, y)
	}
	p.Y.Max = 1.3 * ymax
	name := strings.ToLower(k.name) + "." + format
	if err := p.Save(8*vg.Inch, 5*vg.Inch, filepath.Join(dir, name)); err != nil {
		return "", err
	}
	return name, nil
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
