package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// substituteWidth is how much wider than Liberation Serif, the font the
// charts name, a viewer's substitute may draw a text: DejaVu Serif, the
// usual one on Linux, measures 1.23 to 1.28 times as wide on the charts'
// texts (Times New Roman, the usual one elsewhere, has Liberation Serif's
// metrics). The SVG anchors every text at its left end, so a wider font
// runs further right.
const substituteWidth = 1.28

// TestChartLayout draws every chart, records what is drawn, and checks
// each text's box (from the font's metrics, widened to substituteWidth):
// it lies inside the canvas, outside the plot area (so the legend does
// not cover a curve or a bar), and clear of every other text and of the
// legend's thumbnails (so legend entries and tick labels do not run
// together).
func TestChartLayout(t *testing.T) {
	type set struct {
		name string
		d    *dataset
	}
	sets := []set{
		{"sample", parseSample(t)},
		{"ten implementations", parseText(t, manyImpls(10))},
	}
	// The results the committed charts are made from, as
	// benchmarks/results/report.md says.
	var results []string
	for _, name := range []string{"all-raw.txt", "norms-raw.txt"} {
		results = append(results, filepath.Join("..", "..", "results", name))
	}
	if d, err := parseFiles(results); err != nil {
		t.Errorf("the saved results: %v", err)
	} else {
		sets = append(sets, set{"benchmarks/results", d})
	}
	for _, s := range sets {
		setName, d := s.name, s.d
		bw, haveBW := d.measuredBandwidth()
		for _, k := range d.kernels {
			var f *figure
			var err error
			switch {
			case chartable(k):
				f, err = lineFigure(d, k, bw, haveBW)
			case barChartable(k):
				f, err = barFigure(d, k, bw, haveBW)
			default:
				continue
			}
			if err != nil {
				t.Fatalf("%s, %s: %v", setName, k.name, err)
			}
			t.Run(setName+"/"+k.name, func(t *testing.T) {
				checkLayout(t, f, k, d, bw, haveBW)
			})
		}
	}
}

func checkLayout(t *testing.T, f *figure, k *kernel, d *dataset, bw bandwidth, haveBW bool) {
	w, h := f.size()
	var rec recorder.Canvas
	c := draw.Canvas{Canvas: &rec, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}
	f.draw(c)
	plotC, legendC := f.areas(c)
	plotArea := f.plot.DataCanvas(plotC).Rectangle
	canvas := c.Rectangle

	texts, shapes := recorded(&rec)
	drawn := map[string]bool{}
	for _, tx := range texts {
		drawn[tx.s] = true
	}
	// The checks below are empty if the legend is not drawn at all.
	want := k.columns()
	if fpb, how, ok := d.intensity(k); haveBW && ok {
		want = append(want, bandwidthLabel(bw, how, bw.bytesPerSec*fpb/1e9))
	}
	for _, s := range want {
		if !drawn[s] {
			t.Errorf("legend entry %q not drawn", s)
		}
	}
	var thumbs []vg.Rectangle // the shapes in the legend
	for _, r := range shapes {
		if inside(r, legendC.Rectangle) {
			thumbs = append(thumbs, r)
		}
	}
	if len(thumbs) < len(want) {
		t.Errorf("%d shapes in the legend, want a thumbnail for each of its %d entries", len(thumbs), len(want))
	}

	for i, a := range texts {
		if !inside(a.box, canvas) {
			t.Errorf("%q at %v leaves the %v×%v canvas", a.s, a.box, w, h)
		}
		if overlap(a.box, plotArea) {
			t.Errorf("%q at %v is in the plot area %v", a.s, a.box, plotArea)
		}
		for _, b := range texts[i+1:] {
			if overlap(a.box, b.box) {
				t.Errorf("%q at %v and %q at %v overlap", a.s, a.box, b.s, b.box)
			}
		}
		for _, r := range thumbs {
			if overlap(a.box, r) {
				t.Errorf("%q at %v overlaps a legend thumbnail at %v", a.s, a.box, r)
			}
		}
	}
}

// drawnText is a text as recorded: its string and the box it covers on
// the canvas, widened to substituteWidth.
type drawnText struct {
	s   string
	box vg.Rectangle
}

// recorded follows the recorded drawing, with its rotations and
// translations, and returns every text drawn and the bounding box of
// every line and shape stroked or filled.
func recorded(rec *recorder.Canvas) (texts []drawnText, shapes []vg.Rectangle) {
	m := identity
	var stack []affine
	for _, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.Push:
			stack = append(stack, m)
		case *recorder.Pop:
			m, stack = stack[len(stack)-1], stack[:len(stack)-1]
		case *recorder.Translate:
			m = m.then(affine{1, 0, 0, 1, float64(a.Point.X), float64(a.Point.Y)})
		case *recorder.Rotate:
			sin, cos := math.Sincos(a.Angle)
			m = m.then(affine{cos, sin, -sin, cos, 0, 0})
		case *recorder.Scale:
			m = m.then(affine{a.X, 0, 0, a.Y, 0, 0})
		case *recorder.Stroke:
			shapes = append(shapes, pathBox(a.Path, m))
		case *recorder.Fill:
			shapes = append(shapes, pathBox(a.Path, m))
		case *recorder.FillString:
			face := font.DefaultCache.Lookup(a.Font, a.Size)
			ext := face.Extents()
			x0, y0 := float64(a.Point.X), float64(a.Point.Y)
			x1 := x0 + substituteWidth*float64(face.Width(a.String))
			// Vertically, one em from the descent line up: the pitch
			// gonum/plot stacks lines at, and where the ink of these
			// texts lies. The font's ascent and descent add up to
			// 1.1 em, with room for accents on capitals.
			ylo := y0 - float64(ext.Descent)
			yhi := ylo + float64(a.Size)
			box := emptyBox()
			for _, p := range [][2]float64{{x0, ylo}, {x0, yhi}, {x1, ylo}, {x1, yhi}} {
				box = m.extend(box, p[0], p[1])
			}
			texts = append(texts, drawnText{s: a.String, box: box})
		}
	}
	return texts, shapes
}

// pathBox is the bounding box of path drawn under m (of a whole circle,
// for an arc).
func pathBox(path vg.Path, m affine) vg.Rectangle {
	box := emptyBox()
	for _, c := range path {
		x, y := float64(c.Pos.X), float64(c.Pos.Y)
		switch c.Type {
		case vg.MoveComp, vg.LineComp:
			box = m.extend(box, x, y)
		case vg.ArcComp:
			r := float64(c.Radius)
			box = m.extend(m.extend(box, x-r, y-r), x+r, y+r)
		case vg.CurveComp:
			box = m.extend(box, x, y)
			for _, p := range c.Control {
				box = m.extend(box, float64(p.X), float64(p.Y))
			}
		}
	}
	return box
}

func emptyBox() vg.Rectangle {
	return vg.Rectangle{
		Min: vg.Point{X: vg.Length(math.Inf(1)), Y: vg.Length(math.Inf(1))},
		Max: vg.Point{X: vg.Length(math.Inf(-1)), Y: vg.Length(math.Inf(-1))},
	}
}

// affine maps (x, y) to (a·x + c·y + e, b·x + d·y + f), as a canvas
// transformation matrix does.
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{1, 0, 0, 1, 0, 0}

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

// extend returns box grown to hold (x, y) mapped by m.
func (m affine) extend(box vg.Rectangle, x, y float64) vg.Rectangle {
	cx, cy := m.apply(x, y)
	box.Min.X, box.Max.X = min(box.Min.X, vg.Length(cx)), max(box.Max.X, vg.Length(cx))
	box.Min.Y, box.Max.Y = min(box.Min.Y, vg.Length(cy)), max(box.Max.Y, vg.Length(cy))
	return box
}

// then is m with n applied first: the canvas calls transform the
// coordinates of what is drawn after them.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

// inside reports whether r lies within c. A text may touch c's edge, as
// gonum/plot sets the y axis label: to within 1/20 point, since font
// metrics are rounded to 1/64 of a unit.
func inside(r, c vg.Rectangle) bool {
	const eps = 0.05
	return r.Min.X >= c.Min.X-eps && r.Min.Y >= c.Min.Y-eps &&
		r.Max.X <= c.Max.X+eps && r.Max.Y <= c.Max.Y+eps
}

// overlap reports whether r and s share more than an edge.
func overlap(r, s vg.Rectangle) bool {
	return r.Min.X < s.Max.X && s.Min.X < r.Max.X && r.Min.Y < s.Max.Y && s.Min.Y < r.Max.Y
}

func parseText(t *testing.T, text string) *dataset {
	t.Helper()
	d, err := parse(map[string]io.Reader{"text": strings.NewReader(text)}, []string{"text"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parseFiles(names []string) (*dataset, error) {
	files := map[string]io.Reader{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		files[name] = strings.NewReader(string(b))
	}
	return parse(files, names)
}

// manyImpls is go test -bench output of Dot and GemvN with n
// implementations of long names: more legend entries than one row holds.
func manyImpls(n int) string {
	var b strings.Builder
	b.WriteString("cpu: Test CPU @ 1GHz\n")
	for i := range n {
		gflops := float64(i + 1)
		for _, size := range []int{1024, 4194304} {
			ns := 2 * float64(size) / gflops
			for range 3 {
				fmt.Fprintf(&b, "BenchmarkDot/n=%d/impl=implementation-%d-2\t10\t%g ns/op\t%.2f MB/s\t%g GFLOP/s\n",
					size, i, ns, 16*float64(size)/ns*1e3, gflops)
			}
		}
		fmt.Fprintf(&b, "BenchmarkGemvN/shape=1000x128/impl=implementation-%d-2\t10\t%g ns/op\t%g GFLOP/s\n",
			i, 2*1000*128/gflops, gflops)
	}
	return b.String()
}
