package linreg

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// TestQRFactorMatchesGeqrf: qrFactor, which drives gonum's Dgeqrf panel
// by panel so that it can be cancelled, gives lapack64.Geqrf's factors
// and tau bit for bit: unblocked shapes (k ≤ 128, and tall thin ones),
// blocked ones, wide ones, trailing updates in one piece and in chunks
// of columns (the default chunking on 1200×700 and 3000×1500, and
// chunks forced down to 64 columns on smaller matrices).
func TestQRFactorMatchesGeqrf(t *testing.T) {
	type shape struct{ m, n int }
	shapes := []shape{
		{1, 1}, {5, 3}, {3, 5}, {64, 64}, {129, 129}, {200, 160}, {300, 200},
		{161, 400}, {100, 300}, // wide, blocked and unblocked
		{5000, 40}, {2000, 128}, {1000, 129}, // tall and thin
	}
	if !testing.Short() {
		// (Only a test reference runs this QR now: the larger shapes
		// only without -short, which runs under emulation.)
		shapes = append(shapes, shape{20000, 40}, shape{5000, 128}, shape{4000, 129},
			shape{1200, 700}, // blocked, the first trailing updates chunked by default
			shape{3000, 1500})
	}
	rng := rand.New(rand.NewPCG(11, 12))
	run := func(name string, sh shape, chunks qrChunks) {
		a := make([]float64, sh.m*sh.n)
		for i := range a {
			// Columns of very different scales, and some exact zeros, so
			// that the reflectors' special cases are met too.
			a[i] = rng.NormFloat64() * math.Ldexp(1, (i%sh.n)%7*3-9)
			if rng.IntN(50) == 0 {
				a[i] = 0
			}
		}
		want := blas64.General{Rows: sh.m, Cols: sh.n, Stride: sh.n, Data: append([]float64(nil), a...)}
		wantTau := make([]float64, min(sh.m, sh.n))
		work := []float64{0}
		lapack64.Geqrf(want, wantTau, work, -1)
		work = make([]float64, int(work[0]))
		lapack64.Geqrf(want, wantTau, work, len(work))

		got := blas64.General{Rows: sh.m, Cols: sh.n, Stride: sh.n, Data: append([]float64(nil), a...)}
		gotTau := make([]float64, min(sh.m, sh.n))
		if err := qrFactor(newCanceller(context.Background(), nil), got, gotTau, chunks); err != nil {
			t.Fatal(err)
		}
		if i := firstDiff(got.Data, want.Data); i >= 0 {
			t.Errorf("%s %d×%d: A[%d, %d] = %v, Geqrf's %v", name, sh.m, sh.n, i/sh.n, i%sh.n, got.Data[i], want.Data[i])
		}
		if i := firstDiff(gotTau, wantTau); i >= 0 {
			t.Errorf("%s %d×%d: tau[%d] = %v, Geqrf's %v", name, sh.m, sh.n, i, gotTau[i], wantTau[i])
		}
	}
	for _, sh := range shapes {
		run("default chunks", sh, qrChunks{work: qrChunkWork, cols: qrChunkCols})
	}
	small := qrChunks{work: 1 << 12, cols: 64}
	for _, sh := range []shape{{300, 200}, {700, 600}, {161, 400}, {1000, 333}} {
		run(fmt.Sprintf("chunks of %d", small.cols), sh, small)
	}
	// Not what exactFactor gives qrFactor, but any cut must keep the bits.
	run("chunks of 1", shape{400, 300}, qrChunks{work: 1 << 12, cols: 1})
}

// firstDiff returns the first index where a and b differ in bits, or −1.
func firstDiff(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}
