package lsq

import (
	"fmt"
	"slices"
	"testing"

	"github.com/lanes-go/lanes/kernels"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// BenchmarkTSQR times one TSQR pass (the fill copying rows, BlockQR,
// StackQR in the tree) on one and two goroutines, beside gonum's
// Householder QR of the same matrix in memory (lapack64.Geqrf, blocked;
// the copy it works in is made outside the timer). It reports ms per pass
// and rows per second.
//
//	go test ./internal/lsq -run '^$' -bench TSQR -count 6 | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat new.txt
func BenchmarkTSQR(b *testing.B) {
	for _, sh := range []struct{ n, p int }{{200000, 64}, {2000000, 8}} {
		n, p := sh.n, sh.p
		var a []float64 // made at the first sub-benchmark that runs
		matrix := func() []float64 {
			if a == nil {
				a = tsqrRandom(8, n, p)
			}
			return a
		}
		report := func(b *testing.B) {
			perPass := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perPass*1e3, "ms/pass")
			b.ReportMetric(float64(n)/perPass, "rows/s")
		}
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%dx%d/tsqr/workers=%d", n, p, workers), func(b *testing.B) {
				a := matrix()
				plan := kernels.NewBlockPlan(workers)
				defer plan.Close()
				task, sink := NewQRTask(p, tsqrFill(a, p)), NewRSink(p)
				r := make([]float64, p*p)
				for b.Loop() {
					plan.Run(0, n, task, sink)
					sink.Result(r)
				}
				report(b)
			})
		}
		b.Run(fmt.Sprintf("%dx%d/gonum-geqrf", n, p), func(b *testing.B) {
			a := matrix()
			g := blas64.General{Rows: n, Cols: p, Stride: p, Data: slices.Clone(a)}
			tau := make([]float64, p)
			work := []float64{0}
			lapack64.Geqrf(g, tau, work, -1)
			work = make([]float64, int(work[0]))
			for range b.N {
				b.StopTimer()
				copy(g.Data, a)
				b.StartTimer()
				lapack64.Geqrf(g, tau, work, len(work))
			}
			report(b)
		})
	}
}
