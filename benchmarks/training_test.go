package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
)

// The training benchmarks measure one epoch of least squares on the two
// shapes of the training-at-memory-speed issue, 200,000×64 (102 MB) and
// 2,000,000×8 (128 MB), next to the memory-read limit measured in the
// same run: one read of X by the fastest kernel (kernels.Sum over X's
// values, what numpy's X.sum() does).
//
//	go test ./benchmarks -run '^$' -bench 'Training' -count 6 | tee t.txt
//	benchstat -col /pass t.txt
//
// Every sub-benchmark reports ms/epoch and the GB/s of reading X once.

var trainingShapes = []struct{ rows, cols int }{{200000, 64}, {2000000, 8}}

type trainingData struct {
	rows, cols int
	x, y       []float64
}

var trainingCache = map[[2]int]*trainingData{}

// trainingInput returns the seeded data of a shape: x uniform in [−1, 1),
// y = x·w* + noise, so that the runs do something sensible.
func trainingInput(rows, cols int) *trainingData {
	key := [2]int{rows, cols}
	if d := trainingCache[key]; d != nil {
		return d
	}
	x := randomSlice(rows*cols, 21)
	w := randomSlice(cols, 22)
	y := alignedSlice(rows)
	r := rand.New(rand.NewPCG(23, 24))
	for i := range y {
		y[i] = kernels.Dot(x[i*cols:(i+1)*cols], w) + float64(0.1*r.NormFloat64())
	}
	d := &trainingData{rows: rows, cols: cols, x: x, y: y}
	trainingCache[key] = d
	return d
}

// BenchmarkTraining: pass=read-limit is the memory limit; the others are
// one epoch's gradient pass (full batch) by each route, then whole epochs
// of gd.Minimize:
//
//	read-limit      kernels.Sum over X: reading X once
//	fused/workers=N kernels.LossGradPlan with N goroutines
//	fused-1call     one kernels.LossGrad call over all rows
//	twopass         kernels.GemvN then GemvT (before the fused kernel)
//	gonum-dgemv2    gonum's Dgemv(NoTrans) then Dgemv(Trans)
//	plain-fused     the fused loop in plain Go (one pass, scalar)
//	gd-batch        full-batch epochs of gd.Minimize on gd.LeastSquares
//	gd-minibatch    mini-batch epochs (B = 256), shuffled blocks of 4096 rows
//	gd-sgd          SGD epochs, shuffled blocks of 4096 rows
//	gd-sgd-rows     SGD epochs, shuffled rows (the random-access path)
//
// The gd-* runs take E epochs plus gd's two full evaluations (the
// initial and the final loss); ms/epoch divides the whole run by E, so
// it overstates an epoch by 2/E full passes: E is 8 for the batch run, 4
// for mini-batch, 6 for block-shuffled SGD and 1 for row-shuffled SGD
// (whose epochs are slow enough to make the two passes negligible).
func BenchmarkTraining(b *testing.B) {
	for _, s := range trainingShapes {
		d := trainingInput(s.rows, s.cols)
		bytes := int64(len(d.x)) * 8
		w := randomSlice(s.cols, 25)
		g := alignedSlice(s.cols)
		r := alignedSlice(s.rows)
		shape := fmt.Sprintf("shape=%dx%d", s.rows, s.cols)
		pass := func(name string, epochs int, f func()) {
			b.Run(shape+"/pass="+name, func(b *testing.B) {
				b.SetBytes(bytes * int64(epochs))
				f()
				for b.Loop() {
					f()
				}
				b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*epochs), "ms/epoch")
			})
		}
		pass("read-limit", 1, func() { sink = kernels.Sum(d.x) })
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			p := kernels.NewLossGradPlan(s.cols, workers)
			pass(fmt.Sprintf("fused/workers=%d", workers), 1, func() { sink, _ = p.LossGrad(s.rows, d.x, s.cols, w, 0.5, d.y, g) })
		}
		pass("fused-1call", 1, func() { sink, _ = kernels.LossGrad(s.rows, s.cols, d.x, s.cols, w, 0.5, d.y, g) })
		pass("twopass", 1, func() {
			kernels.GemvN(s.rows, s.cols, d.x, s.cols, w, r)
			for i, yi := range d.y {
				r[i] = (r[i] + 0.5) - yi
			}
			kernels.GemvT(s.rows, s.cols, d.x, s.cols, r, g)
			sink = kernels.Dot(r, r)
		})
		pass("gonum-dgemv2", 1, func() {
			copy(r, d.y)
			gonumBLAS.Dgemv(blas.NoTrans, s.rows, s.cols, 1, d.x, s.cols, w, 1, -1, r, 1)
			gonumBLAS.Dgemv(blas.Trans, s.rows, s.cols, 1, d.x, s.cols, r, 1, 0, g, 1)
			sink = gonumBLAS.Ddot(s.rows, r, 1, r, 1)
		})
		pass("plain-fused", 1, func() { sink = plainLossGrad(s.rows, s.cols, d.x, w, 0.5, d.y, g) })

		obj, err := gd.NewLeastSquares(d.x, s.cols, d.y, true)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			epochs int
			cfg    gd.Config
		}{
			{"gd-batch", 8, gd.Config{Method: gd.FullBatch, Rate: 0.1}},
			{"gd-minibatch", 4, gd.Config{Method: gd.MiniBatch, BatchSize: 256, ShuffleBlock: 4096, Rate: 0.01}},
			{"gd-sgd", 6, gd.Config{Method: gd.SGD, ShuffleBlock: 4096, Rate: 1e-3}},
			{"gd-sgd-rows", 1, gd.Config{Method: gd.SGD, Rate: 1e-3}},
		} {
			cfg := c.cfg
			cfg.MaxEpochs = c.epochs
			w0 := make([]float64, s.cols+1)
			pass(c.name, c.epochs, func() {
				if _, err := gd.Minimize(context.Background(), obj, w0, cfg); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// plainLossGrad is the fused pass as a careful Go programmer writes it
// without assembly: one pass over the rows, a four-accumulator dot
// product, unfused products (float64(x*y)), the gradient updated in the
// same pass. Its sums are in its own order, not the canonical one.
func plainLossGrad(rows, cols int, x, w []float64, c float64, y, g []float64) float64 {
	clear(g)
	var ssr float64
	for i := range rows {
		row := x[i*cols : (i+1)*cols : (i+1)*cols]
		r := plainDot(row, w) + c - y[i]
		ssr += float64(r * r)
		g := g[:len(row)]
		for j, v := range row {
			g[j] += float64(r * v)
		}
	}
	return ssr
}
