package gd

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchProblem returns a least-squares objective of rows × cols uniform
// features with an intercept.
func benchProblem(b *testing.B, rows, cols int) *LeastSquares {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, rows*cols)
	for i := range x {
		x[i] = rng.Float64()
	}
	y := make([]float64, rows)
	for i := range y {
		y[i] = rng.Float64()
	}
	obj, err := NewLeastSquares(x, cols, y, true)
	if err != nil {
		b.Fatal(err)
	}
	return obj
}

// BenchmarkEpoch times one epoch of each method on 20,000 × 32 (5 MB, in
// L3 on most servers), plus the initial and final full-data evaluations
// that Minimize always makes; the extra metric is rows per second.
func BenchmarkEpoch(b *testing.B) {
	const rows, cols = 20000, 32
	obj := benchProblem(b, rows, cols)
	w0 := make([]float64, cols+1)
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"method=full", Config{Method: FullBatch, Rate: 0.1}},
		{"method=minibatch/B=64", Config{Method: MiniBatch, BatchSize: 64, Rate: 0.01}},
		{"method=minibatch/B=64/inorder", Config{Method: MiniBatch, BatchSize: 64, Rate: 0.01, InOrder: true}},
		{"method=sgd", Config{Method: SGD, Rate: 0.001}},
		{"method=sgd/inorder", Config{Method: SGD, Rate: 0.001, InOrder: true}},
		{"method=sgd/adam", Config{Method: SGD, Rate: 0.001, Update: Adam{}}},
	} {
		c.cfg.MaxEpochs = 1
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(rows * (cols + 1) * 8))
			for b.Loop() {
				if _, err := Minimize(context.Background(), obj, w0, c.cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkStep times a single SGD step (one row, d = 8 and 64), the
// per-step overhead of the engine plus one Dot and one Axpy.
func BenchmarkStep(b *testing.B) {
	for _, cols := range []int{8, 64} {
		b.Run(fmt.Sprintf("sgd/d=%d", cols), func(b *testing.B) {
			obj := benchProblem(b, 1000, cols)
			c, err := Config{Method: SGD, Rate: 1e-4}.normalized(obj.Dims())
			if err != nil {
				b.Fatal(err)
			}
			r := newRun(obj, make([]float64, cols+1), c)
			i := 0
			for b.Loop() {
				if err := r.takeStep(Range(i, i+1)); err != nil {
					b.Fatal(err)
				}
				i = (i + 1) % 1000
			}
		})
	}
}

// plainInDisguise is Plain under another type: Minimize does not
// recognise it as Plain, so a run with it takes the general path.
type plainInDisguise struct{}

func (plainInDisguise) Start(int) Stepper { return plainStepper{} }

// sgdData is a rows × cols problem of uniform features and targets,
// shared by the benchmarks of one shape (the largest is 800 MB).
type sgdData struct {
	x, y          []float64
	shift, scale  []float64
	yshift, yscal float64
}

var sgdDataCache = map[[2]int]*sgdData{}

func sgdProblem(rows, cols int) *sgdData {
	if p := sgdDataCache[[2]int{rows, cols}]; p != nil {
		return p
	}
	clear(sgdDataCache) // one shape in memory at a time
	rng := rand.New(rand.NewPCG(5, 6))
	p := &sgdData{x: make([]float64, rows*cols), y: make([]float64, rows),
		shift: make([]float64, cols), scale: make([]float64, cols), yshift: 0.5, yscal: math.Sqrt(12)}
	for i := range p.x {
		p.x[i] = rng.Float64()
	}
	for i := range p.y {
		p.y[i] = rng.Float64()
	}
	for j := range cols {
		p.shift[j], p.scale[j] = 0.5, math.Sqrt(12) // uniform [0, 1): mean ½, variance 1/12
	}
	sgdDataCache[[2]int{rows, cols}] = p
	return p
}

// BenchmarkSGDStep times SGD steps of shuffled rows at the training
// shapes, as ns/step over whole epochs (the shuffle included, Minimize's
// evaluations before and after a run not): the general path
// (path=general: Plain in disguise), and the RowStepper path without and
// with standardisation.
func BenchmarkSGDStep(b *testing.B) {
	for _, shape := range [][2]int{{2000, 64}, {200000, 8}, {200000, 64}, {200000, 512}, {2000000, 8}} {
		rows, cols := shape[0], shape[1]
		for _, c := range []struct {
			path string
			std  bool
		}{{"general", false}, {"general/std", true}, {"rows", false}, {"rows/std", true}} {
			b.Run(fmt.Sprintf("%dx%d/path=%s", rows, cols, c.path), func(b *testing.B) {
				p := sgdProblem(rows, cols)
				o := LeastSquaresOptions{Intercept: true}
				if c.std {
					o.Shift, o.Scale, o.YShift, o.YScale = p.shift, p.scale, p.yshift, p.yscal
				}
				obj, err := NewLeastSquaresWith(p.x, rows, cols, p.y, o)
				if err != nil {
					b.Fatal(err)
				}
				defer obj.Close()
				cfg := Config{Method: SGD, Rate: 1e-4, MaxEpochs: math.MaxInt, Seed: 1}
				if strings.HasPrefix(c.path, "general") {
					cfg.Update = plainInDisguise{}
				}
				cfg, err = cfg.normalized(obj.Dims())
				if err != nil {
					b.Fatal(err)
				}
				r := newRun(obj, make([]float64, cols+1), cfg)
				if (r.rows != nil) == strings.HasPrefix(c.path, "general") {
					b.Fatalf("path %s: RowStepper %v", c.path, r.rows != nil)
				}
				r.ctx, r.done = context.Background(), context.Background().Done()
				r.initial = math.Inf(1)
				for b.Loop() {
					if err := r.runEpoch(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(r.step), "ns/step")
			})
		}
	}
}
