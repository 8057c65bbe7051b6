package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckPlotPath(t *testing.T) {
	for _, p := range []string{"loss.svg", "loss.png", "out/LOSS.SVG", "a.b.Png", "/tmp/x.svg"} {
		if err := checkPlotPath(p); err != nil {
			t.Errorf("checkPlotPath(%q): %v", p, err)
		}
	}
	for _, p := range []string{"", "loss", "loss.pdf", "loss.svg.txt", "svg", "loss.jpg", "png/loss"} {
		err := checkPlotPath(p)
		if err == nil {
			t.Errorf("checkPlotPath(%q) = nil, want an error", p)
			continue
		}
		if !isUsage(err) || !strings.Contains(err.Error(), ".svg or .png") {
			t.Errorf("checkPlotPath(%q) = %v, want a usage error naming .svg or .png", p, err)
		}
	}
}

// lossCurve returns n decreasing losses.
func lossCurve(n int, start, ratio float64) []float64 {
	l := make([]float64, n)
	for i := range l {
		l[i] = start * math.Pow(ratio, float64(i))
	}
	return l
}

func TestWriteLossPlot(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name       string
		train, val []float64
	}{
		{"train", lossCurve(50, 3, 0.9), nil},
		{"val", lossCurve(50, 3, 0.9), lossCurve(50, 3.5, 0.92)},
		{"one epoch", []float64{0.5}, []float64{0.6}},
		{"constant", []float64{0.25, 0.25, 0.25}, nil},
		{"narrow", []float64{0.6, 0.5, 0.45, 0.41}, []float64{0.58, 0.52, 0.5, 0.49}},
		{"perfect fit", []float64{10, 1, 1e-10, 1e-31, 0, 0}, nil},
		{"all zero", []float64{0, 0, 0}, []float64{0, 0, 0}},
		{"wide", lossCurve(300, 100, 0.7), nil},
		{"non-finite", []float64{2, math.NaN(), 1, math.Inf(1), 0.5}, []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}},
		{"negative", []float64{2, 1, -1e-17}, []float64{}},
	} {
		for _, ext := range []string{".svg", ".PNG"} {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+ext)
			if err := writeLossPlotFile(path, "lanes fit: "+c.name, c.train, c.val); err != nil {
				t.Errorf("%s%s: %v", c.name, ext, err)
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if ext == ".svg" {
				s := string(b)
				if !strings.HasPrefix(s, "<?xml") && !strings.HasPrefix(s, "<svg") {
					t.Errorf("%s%s does not start as SVG: %.40q", c.name, ext, s)
				}
				if !strings.Contains(s, "</svg>") {
					t.Errorf("%s%s: no </svg>", c.name, ext)
				}
				if !strings.Contains(s, "training") || !strings.Contains(s, "epoch") {
					t.Errorf("%s%s: no legend or axis label", c.name, ext)
				}
				if hasVal := c.val != nil && c.name != "non-finite" && len(c.val) > 0; strings.Contains(s, "validation") != hasVal {
					t.Errorf("%s%s: validation in the legend is %v, want %v", c.name, ext, !hasVal, hasVal)
				}
			} else if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("%s%s is not a PNG: %.16q", c.name, ext, b)
			}
		}
	}
}

func TestDrawLossPlotErrors(t *testing.T) {
	for _, c := range []struct {
		name, path string
		train      []float64
		usage      bool
	}{
		{"bad extension", "loss.pdf", lossCurve(10, 1, 0.5), true},
		{"no loss", "empty.svg", nil, false},
		{"no finite loss", "nan.png", []float64{math.NaN(), math.Inf(1)}, false},
	} {
		var buf bytes.Buffer
		err := drawLossPlot(&buf, c.path, "t", c.train, nil)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if isUsage(err) != c.usage {
			t.Errorf("%s: %v: usage error %v, want %v", c.name, err, isUsage(err), c.usage)
		}
		if !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v does not name the file", c.name, err)
		}
	}
}

// writeLossPlotFile draws a plot into the file path.
func writeLossPlotFile(path, title string, train, val []float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := drawLossPlot(f, path, title, train, val); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func TestPlotTicks(t *testing.T) {
	for _, r := range [][2]float64{{0.2, 0.6}, {0.52, 0.58}, {0.15, 3}, {1e-31, 10}, {1e-300, 1e-299}, {1, 1000}, {0.001, 0.5}, {5e-301, 2e-300}} {
		ticks := logTicks{}.Ticks(r[0], r[1])
		labelled := 0
		for _, tk := range ticks {
			if !(tk.Value > 0) {
				t.Errorf("%v: tick %v is not > 0", r, tk.Value)
			}
			if tk.Label != "" && tk.Value >= r[0] && tk.Value <= r[1] {
				labelled++
			}
		}
		if labelled < 1 || labelled > 12 {
			t.Errorf("%v: %d labels in range: %v", r, labelled, ticks)
		}
	}
	for _, r := range [][2]float64{{1, 3}, {0, 2}, {1, 300}} {
		for _, tk := range (integerTicks{}).Ticks(r[0], r[1]) {
			if tk.Value != math.Trunc(tk.Value) {
				t.Errorf("%v: tick %v", r, tk.Value)
			}
		}
	}
}
