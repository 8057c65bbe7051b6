package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// lgData returns a seeded m×n problem with row padding (lda = n+1).
func lgData(m, n int, seed uint64) (a []float64, lda int, w, y []float64, c float64) {
	r := rand.New(rand.NewPCG(seed, 3))
	lda = n + 1
	a = make([]float64, matrixLen(m, n, lda))
	for i := range a {
		a[i] = r.NormFloat64()
	}
	w, y = make([]float64, n), make([]float64, m)
	for i := range w {
		w[i] = r.NormFloat64()
	}
	for i := range y {
		y[i] = r.NormFloat64() * 3
	}
	return a, lda, w, y, r.NormFloat64()
}

// blockedReference is the plan's order written out plainly with the
// generic kernel: fixed blocks, then the pairwise tree.
func blockedReference(m, n int, a []float64, lda int, w []float64, c float64, y []float64) (g []float64, ssr, sr float64) {
	type part struct {
		g       []float64
		ssr, sr float64
	}
	var parts []part
	for lo := 0; lo < m || lo == 0; lo += LossGradBlockRows {
		hi := min(lo+LossGradBlockRows, m)
		p := part{g: make([]float64, n)}
		var rows []float64
		if n > 0 && hi > lo {
			rows = a[lo*lda : (hi-1)*lda+n]
		}
		p.ssr, p.sr = generic.LossGrad(hi-lo, n, rows, lda, w, c, y[lo:hi], p.g)
		parts = append(parts, p)
		if m == 0 {
			break
		}
	}
	for step := 1; step < len(parts); step *= 2 {
		for b := 0; b+step < len(parts); b += 2 * step {
			for j := range parts[b].g {
				parts[b].g[j] += parts[b+step].g[j]
			}
			parts[b].ssr += parts[b+step].ssr
			parts[b].sr += parts[b+step].sr
		}
	}
	return parts[0].g, parts[0].ssr, parts[0].sr
}

// TestLossGradPlanSameBits: every worker count gives the bits of the
// blocked reference, and up to one block the bits of LossGrad itself.
func TestLossGradPlanSameBits(t *testing.T) {
	ms := []int{0, 1, 100, LossGradBlockRows - 1, LossGradBlockRows, LossGradBlockRows + 1, 3*LossGradBlockRows + 5, 9 * LossGradBlockRows}
	if testing.Short() {
		ms = []int{0, 1, LossGradBlockRows, LossGradBlockRows + 1, 3*LossGradBlockRows + 5}
	}
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, n := range []int{0, 1, 7, 64} {
			for _, m := range ms {
				a, lda, w, y, c := lgData(m, n, uint64(m*100+n))
				wantG, wantS, wantR := blockedReference(m, n, a, lda, w, c, y)
				if m <= LossGradBlockRows {
					g := make([]float64, n)
					s, r := LossGrad(m, n, a, lda, w, c, y, g)
					if !sameBits(s, wantS) || !sameBits(r, wantR) || firstDiffSame("g", g, wantG) != "" {
						t.Fatalf("m=%d n=%d: one block is not the bits of LossGrad", m, n)
					}
				}
				for _, workers := range []int{1, 2, 3, 8, 64} {
					p := NewLossGradPlan(n, workers)
					g := make([]float64, n)
					s, r := p.LossGrad(m, a, lda, w, c, y, g)
					if !sameBits(s, wantS) || !sameBits(r, wantR) {
						t.Fatalf("m=%d n=%d workers=%d: ssr, sr = %s, %s; want %s, %s", m, n, workers, fmtBits(s), fmtBits(r), fmtBits(wantS), fmtBits(wantR))
					}
					if d := firstDiffSame("g", g, wantG); d != "" {
						t.Fatalf("m=%d n=%d workers=%d: %s", m, n, workers, d)
					}
					p.Close()
				}
			}
		}
	})
}

// TestLossGradPlanNoAllocs: once the plan has seen its largest m, a call
// allocates nothing, with several workers.
func TestLossGradPlanNoAllocs(t *testing.T) {
	m, n := 5*LossGradBlockRows+7, 8
	a, lda, w, y, c := lgData(m, n, 1)
	g := make([]float64, n)
	p := NewLossGradPlan(n, 4)
	defer p.Close()
	p.LossGrad(m, a, lda, w, c, y, g)
	if allocs := testing.AllocsPerRun(20, func() { p.LossGrad(m, a, lda, w, c, y, g) }); allocs != 0 {
		t.Errorf("%v allocations per call, want 0", allocs)
	}
}

// TestLossGradPlanAfterClose: a closed plan still computes, alone.
func TestLossGradPlanAfterClose(t *testing.T) {
	m, n := 3*LossGradBlockRows, 5
	a, lda, w, y, c := lgData(m, n, 2)
	wantG, wantS, _ := blockedReference(m, n, a, lda, w, c, y)
	p := NewLossGradPlan(n, 4)
	p.Close()
	g := make([]float64, n)
	if s, _ := p.LossGrad(m, a, lda, w, c, y, g); !sameBits(s, wantS) || firstDiffSame("g", g, wantG) != "" {
		t.Fatal("a closed plan gives other bits")
	}
}

func ExampleLossGradPlan() {
	// 10,000 rows of y = 2·x0 − x1 + 0.5, exactly: the residuals at the
	// true coefficients are 0, so are the loss and the gradient.
	m, n := 10000, 2
	a, y := make([]float64, m*n), make([]float64, m)
	for i := range m {
		a[2*i], a[2*i+1] = float64(i%7), float64(i%5)
		y[i] = 2*a[2*i] - a[2*i+1] + 0.5
	}
	p := NewLossGradPlan(n, 0) // GOMAXPROCS workers; the bits never depend on it
	defer p.Close()
	g := make([]float64, n)
	ssr, sr := p.LossGrad(m, a, n, []float64{2, -1}, 0.5, y, g)
	fmt.Println(ssr, sr, g)
	// Output: 0 0 [0 0]
}
