package lossplot

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	for p, want := range map[string]string{
		"loss.svg": "svg", "loss.png": "png", "out/LOSS.SVG": "svg", "a.b.Png": "png", "/tmp/x.svg": "svg",
		"": "", "loss": "", "loss.pdf": "", "loss.svg.txt": "", "svg": "", "loss.jpg": "", "png/loss": "",
	} {
		if got := Format(p); got != want {
			t.Errorf("Format(%q) = %q, want %q", p, got, want)
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

func TestDraw(t *testing.T) {
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
			if err := drawFile(path, "lanes fit: "+c.name, c.train, c.val); err != nil {
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

func TestDrawErrors(t *testing.T) {
	for _, c := range []struct {
		name, path string
		train      []float64
		want       string
	}{
		{"bad extension", "loss.pdf", lossCurve(10, 1, 0.5), ".svg or .png"},
		{"no loss", "empty.svg", nil, "no finite training loss"},
		{"no finite loss", "nan.png", []float64{math.NaN(), math.Inf(1)}, "no finite training loss"},
	} {
		var buf bytes.Buffer
		err := Draw(&buf, c.path, "t", c.train, nil)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v does not name the file and say %q", c.name, err, c.want)
		}
		if buf.Len() > 0 {
			t.Errorf("%s: %d bytes written before the error", c.name, buf.Len())
		}
	}
}

// drawFile draws a plot into the file path.
func drawFile(path, title string, train, val []float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Draw(f, path, title, train, val); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
