package linreg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/lsq"
	"github.com/lanes-go/lanes/kernels"
)

// The exact solvers against references: least squares and ridge against
// the old solver's QR (referenceExactFit) and against 256-bit solutions
// on ill-conditioned data, where the TSQR fallback must be taken; lasso
// and elastic net against the old active-set solution; and the
// fallback's bits across workers, windows and kernels.

// exactShapes are the shapes of the comparisons: narrow and wide, fewer
// rows than a block and several blocks.
func exactShapes() [][2]int {
	if testing.Short() {
		return [][2]int{{40, 3}, {300, 12}, {kernels.BlockRows + 77, 5}}
	}
	return [][2]int{{40, 3}, {300, 12}, {1000, 40}, {2*kernels.BlockRows + 77, 5}, {kernels.BlockRows + 3, 24}}
}

// exactViaRows solves least squares or ridge by the fallback alone:
// the moments, then lsq.Problem.FactorRows and its back substitution, on
// the given workers.
func exactViaRows(t *testing.T, x Matrix, y []float64, intercept bool, l2 float64, workers int) ([]float64, float64) {
	t.Helper()
	plan := kernels.NewBlockPlan(workers)
	defer plan.Close()
	m, err := moments(context.Background(), plan, x, y, intercept, false, "X")
	if err != nil {
		t.Fatal(err)
	}
	pr := lsq.NewProblem(m, intercept, 0, l2)
	ch, z, err := pr.FactorRows(context.Background(), plan, data(x, y))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Dependent) > 0 {
		t.Fatalf("FactorRows: dependent columns %v on well-conditioned data", ch.Dependent)
	}
	ch.SolveUpper(z)
	return pr.Coef(z)
}

// TestExactMatchesReferenceQR: on well-conditioned data, least squares
// and ridge by the TSQR fallback agree with the reference QR of the whole
// X to 1e-12, and by the normal equations (what Exact takes there) to
// 1e-10: they lose κ(H)·ε, and below the fallback's threshold κ(H) may
// reach 1e6 (the uncentred columns here, scaled from 1e-3 to 1e3, reach
// errors of 2e-12).
func TestExactMatchesReferenceQR(t *testing.T) {
	for i, sh := range exactShapes() {
		n, p := sh[0], sh[1]
		for _, intercept := range []bool{true, false} {
			x, y, _ := exactGen{n: n, p: p, corr: 0.3, scales: exactScales(p, 1e-3, 1e3), offset: 3,
				noise: 0.5, b: -4, seed: uint64(10 + i)}.make()
			for _, l2 := range []float64{0, 1e-3, 0.5} {
				name := fmt.Sprintf("%d×%d/intercept=%v/l2=%g", n, p, intercept, l2)
				rw, rb, err := referenceExactFit(context.Background(), x, y, intercept, 0, l2, fitOptions{})
				if err != nil {
					t.Fatalf("%s: reference: %v", name, err)
				}
				var qr int
				w, b, err := exactFit(context.Background(), x, y, intercept, 0, l2, fitOptions{hook: func(s string) {
					if s == "qr" {
						qr++
					}
				}})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if qr != 0 {
					t.Errorf("%s: the TSQR fallback was taken on well-conditioned data", name)
				}
				fw, fb := exactViaRows(t, x, y, intercept, l2, 2)
				for _, got := range []struct {
					how  string
					w    []float64
					b    float64
					want float64
				}{{"normal equations", w, b, 1e-10}, {"TSQR", fw, fb, 1e-12}} {
					e := exactMaxRel(got.w, rw)
					eb := math.Abs(got.b-rb) / (math.Abs(rb) + 1)
					if intercept {
						eb = exactInterceptErr(x, y, got.w, got.b, rb)
					}
					if e > got.want || eb > got.want {
						t.Errorf("%s by %s: coefficients %.3g, intercept %.3g from the reference QR, want ≤ %g", name, got.how, e, eb, got.want)
					}
				}
			}
		}
	}
}

// exactIllConditioned returns n rows of m nearly collinear columns,
// x_k = offset + g_0 + δ_k·g_k with δ_k = κ^(−k/(m−1)) and g standard
// normal, each column then multiplied by its own scale 10^U(−6, 6), and
// y = X·w* for w* of unit size in the columns' units, plus noise of
// relative size noise: the standardised columns have a condition number
// of about κ (its exact value: exactKappa).
func exactIllConditioned(seed uint64, n, m int, kappa, offset, noise float64) (Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 0x696c6c))
	data := make([]float64, n*m)
	for i := range n {
		g0 := rng.NormFloat64()
		data[i*m] = offset + g0
		for k := 1; k < m; k++ {
			delta := math.Pow(kappa, -float64(k)/float64(m-1))
			data[i*m+k] = offset + g0 + delta*rng.NormFloat64()
		}
	}
	scale := make([]float64, m)
	w := make([]float64, m)
	for k := range m {
		scale[k] = math.Pow(10, 12*rng.Float64()-6)
		w[k] = rng.NormFloat64() / scale[k]
	}
	y := make([]float64, n)
	for i := range n {
		for k := range m {
			data[i*m+k] *= scale[k]
			y[i] += data[i*m+k] * w[k]
		}
		y[i] += noise * rng.NormFloat64()
	}
	return NewMatrix(data, n, m), y
}

// exactColumnNorms returns the norms of x's columns, centred with an
// intercept: the units in which the error of a least-squares solution
// is measured (z = D·w), whatever each column's scale.
func exactColumnNorms(x Matrix, y []float64, intercept bool) []float64 {
	mean, _ := exactColMeans(x, y)
	d := make([]float64, x.Cols)
	for j := range d {
		col := make([]float64, x.Rows)
		for i := range col {
			col[i] = x.Row(i)[j]
			if intercept {
				col[i] -= mean[j]
			}
		}
		d[j] = kernels.Nrm2(col)
	}
	return d
}

// exactScaledRel returns ‖D·(w − want)‖ / ‖D·want‖.
func exactScaledRel(w, want, d []float64) float64 {
	e, s := make([]float64, len(w)), make([]float64, len(w))
	for j := range w {
		e[j], s[j] = d[j]*(w[j]-want[j]), d[j]*want[j]
	}
	return kernels.Nrm2(e) / kernels.Nrm2(s)
}

// TestExactIllConditioned: on data whose standardised columns have
// condition numbers κ = 1e6, 1e10 and 1e12, Exact least squares takes the
// TSQR fallback and is accurate to about κ·u (u = 2⁻⁵³) against the
// solution of the same float64 data in 256-bit arithmetic, where the
// normal equations lose κ²·u: they miss that accuracy at κ = 1e6 and call
// the data rank-deficient beyond. The bound is the one of
// TestTSQRIllConditioned for a residual at rounding level: ε·κ·(1 + √m)
// with ε = 16u, κ the condition number of the columns at unit norm.
func TestExactIllConditioned(t *testing.T) {
	const eps = 16 * 0x1p-53
	n, m := 3*kernels.BlockRows+321, 5
	if testing.Short() {
		n, m = 2000, 4
	}
	seed := uint64(0)
	for _, kappa := range []float64{1e6, 1e10, 1e12} {
		for _, intercept := range []bool{true, false} {
			seed++
			name := fmt.Sprintf("κ=%g/intercept=%v", kappa, intercept)
			offset := 0.0
			if intercept {
				offset = 1e3 // the intercept absorbs it: only with one
			}
			x, y := exactIllConditioned(seed, n, m, kappa, offset, 0)
			want, _ := exactBigOLS(x, y, intercept)
			d := exactColumnNorms(x, y, intercept)
			bound := eps * kappa * (1 + math.Sqrt(float64(m)))

			var qr int
			w, _, err := exactFit(context.Background(), x, y, intercept, 0, 0, fitOptions{hook: func(s string) {
				if s == "qr" {
					qr++
				}
			}})
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if qr != 1 {
				t.Errorf("%s: %d TSQR passes, want 1", name, qr)
			}
			e := exactScaledRel(w, want, d)
			// The normal equations alone: exactSolveRows without rows.
			wNE, _, errNE := exactSolveNormal(x, y, intercept)
			eNE := math.Inf(1)
			if errNE == nil {
				eNE = exactScaledRel(wNE, want, d)
			}
			t.Logf("%s: error %.3g (bound %.3g); normal equations: %.3g (%v)", name, e, bound, eNE, errNE)
			if !(e <= bound) {
				t.Errorf("%s: error %.3g, want ≤ %.3g", name, e, bound)
			}
			if eNE <= bound {
				t.Errorf("%s: the normal equations pass the bound (error %.3g ≤ %.3g): it cannot tell the fallback from them", name, eNE, bound)
			}
		}
	}
}

// exactSolveNormal solves least squares by the normal equations only.
func exactSolveNormal(x Matrix, y []float64, intercept bool) ([]float64, float64, error) {
	m, err := moments(context.Background(), nil, x, y, intercept, false, "X")
	if err != nil {
		return nil, 0, err
	}
	// Without rows, exactSolveRows cannot fall back to TSQR.
	return exactSolveRows(context.Background(), nil, lsq.Data{}, lsq.NewProblem(m, intercept, 0, 0), 0, 0, fitOptions{})
}

// TestExactIllConditionedRidge: ridge with a penalty too small to
// condition the problem takes the fallback too, and agrees with the
// reference QR of [X; √(n·l2)·I] to κ·u.
func TestExactIllConditionedRidge(t *testing.T) {
	n, m := 1500, 4
	for i, kappa := range []float64{1e6, 1e10} {
		x, y := exactIllConditioned(uint64(40+i), n, m, kappa, 10, 1e-9)
		d := exactColumnNorms(x, y, true)
		// A penalty at a thousandth of the smallest eigenvalue of the
		// standardised curvature, about 1/κ², on every column (the
		// smallest variance sets it) leaves κ(H) about κ².
		small := math.Inf(1)
		for _, v := range d {
			small = min(small, v*v/float64(n))
		}
		l2 := 1e-3 * small / float64(kappa*kappa)
		var qr int
		w, _, err := exactFit(context.Background(), x, y, true, 0, l2, fitOptions{hook: func(s string) {
			if s == "qr" {
				qr++
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		rw, _, err := referenceExactFit(context.Background(), x, y, true, 0, l2, fitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		e := exactScaledRel(w, rw, d)
		bound := 2 * 16 * 0x1p-53 * kappa * (1 + math.Sqrt(float64(m)))
		t.Logf("κ=%g, l2=%.3g: error %.3g from the reference (bound %.3g)", kappa, l2, e, bound)
		if qr != 1 || !(e <= bound) {
			t.Errorf("κ=%g, l2=%.3g: %d TSQR passes, error %.3g from the reference; want 1 and ≤ %.3g", kappa, l2, qr, e, bound)
		}
	}
}

// TestExactLassoMatchesActiveSet: lasso and elastic net by coordinate
// descent on the Gram agree with the old active-set solver to 1e-9 (of the
// largest coefficient), along a path of l1 from l1_max (every coefficient
// 0) down to l1_max/10⁴, on independent and correlated features.
func TestExactLassoMatchesActiveSet(t *testing.T) {
	for i, sh := range exactShapes() {
		n, p := sh[0], sh[1]
		for _, corr := range []float64{0, 0.9, 0.99} {
			for _, intercept := range []bool{true, false} {
				x, y, _ := exactGen{n: n, p: p, corr: corr, scales: exactScales(p, 0.1, 10), offset: 1,
					noise: 1, b: 2, seed: uint64(20 + i)}.make()
				l1max := exactL1Max(x, y, intercept)
				for _, l2 := range []float64{0, 0.1} {
					for _, f := range []float64{1.01, 0.5, 0.1, 1e-2, 1e-3, 1e-4} {
						l1 := f * l1max
						name := fmt.Sprintf("%d×%d/corr=%g/intercept=%v/l1=%.3g·l1max/l2=%g", n, p, corr, intercept, f, l2)
						rw, rb, err := referenceExactFit(context.Background(), x, y, intercept, l1, l2, fitOptions{})
						if err != nil {
							t.Fatalf("%s: reference: %v", name, err)
						}
						w, b, err := exactFit(context.Background(), x, y, intercept, l1, l2, fitOptions{})
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if f > 1 {
							for j := range w {
								if w[j] != 0 || rw[j] != 0 {
									t.Errorf("%s: w[%d] = %v (reference %v), want 0 beyond l1_max", name, j, w[j], rw[j])
								}
							}
							continue
						}
						var scale float64
						for _, v := range rw {
							scale = max(scale, math.Abs(v))
						}
						var e float64
						for j := range w {
							e = max(e, math.Abs(w[j]-rw[j])/scale)
						}
						eb := exactInterceptErr(x, y, w, b, rb)
						if !intercept {
							eb = math.Abs(b - rb)
						}
						if e > 1e-9 || eb > 1e-9 {
							t.Errorf("%s: coefficients differ by %.3g of the largest, intercept by %.3g; want ≤ 1e-9\n got %v\nwant %v", name, e, eb, w, rw)
						}
					}
				}
			}
		}
	}
}

// exactL1Max returns max_j |x_jᵀ(y − ȳ)|/n (centred with an intercept):
// the smallest l1 at which every lasso coefficient is 0.
func exactL1Max(x Matrix, y []float64, intercept bool) float64 {
	mean, my := exactColMeans(x, y)
	if !intercept {
		mean, my = make([]float64, x.Cols), 0
	}
	var l1max float64
	for j := range x.Cols {
		var s float64
		for i := range x.Rows {
			s += (x.Row(i)[j] - mean[j]) * (y[i] - my)
		}
		l1max = max(l1max, math.Abs(s)/float64(x.Rows))
	}
	return l1max
}

// TestExactFallbackSameBits: the fallback's solution has the same bits
// on 1 and 2 workers, with and without windows (Release, windows of one
// and two blocks), and under the generic kernels and every other this
// CPU runs.
func TestExactFallbackSameBits(t *testing.T) {
	n, m := 3*kernels.BlockRows+123, 5
	if testing.Short() {
		n, m = 2*kernels.BlockRows+123, 4
	}
	x, y := exactIllConditioned(77, n, m, 1e9, 5, 1e-6)
	var qr int // TSQR passes, and its windows released
	released := 0
	fit := func(x Matrix, l2 float64, workers int) []float64 {
		qr, released = 0, 0
		w, b, err := exactFitWorkers(context.Background(), x, y, true, 0, l2, workers, fitOptions{hook: func(s string) {
			if s == "qr" {
				qr++
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if qr != 1 {
			t.Fatalf("%d TSQR passes, want 1", qr)
		}
		return append(w, b)
	}
	restore, err := kernels.Use(kernels.Generic)
	if err != nil {
		t.Fatal(err)
	}
	want := map[float64][]float64{}
	for _, l2 := range []float64{0, 1e-20} {
		want[l2] = fit(x, l2, 1)
	}
	restore()
	for _, impl := range kernels.Available() {
		restore, err := kernels.Use(impl)
		if err != nil {
			t.Fatal(err)
		}
		for _, l2 := range []float64{0, 1e-20} {
			for _, workers := range []int{1, 2} {
				for _, window := range []int{0, kernels.BlockRows, 2 * kernels.BlockRows} {
					xw := x
					if window > 0 {
						xw.windowRows = window
						xw.Release = func(lo, hi int) {
							if qr > 0 {
								released++
							}
						}
					}
					got := fit(xw, l2, workers)
					if !sameBits(got, want[l2]) {
						t.Errorf("%s, l2 = %g, %d workers, window %d: %v, want the generic kernels' %v", impl, l2, workers, window, got, want[l2])
					}
					if window > 0 && released != (n+window-1)/window {
						t.Errorf("%s, window %d: the TSQR pass released %d windows, want %d", impl, window, released, (n+window-1)/window)
					}
				}
			}
		}
		restore()
	}
}

// TestExactFallbackCancel: a cancellation during the TSQR pass (at its
// first window) returns the context's error, no solution, and makes no
// further window of the pass.
func TestExactFallbackCancel(t *testing.T) {
	x, y := exactIllConditioned(78, 4*kernels.BlockRows, 4, 1e9, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inQR, after := false, 0
	x.windowRows = kernels.BlockRows
	x.Release = func(lo, hi int) {
		if !inQR {
			return
		}
		if ctx.Err() != nil {
			after++
		}
		cancel()
	}
	w, _, err := exactFit(ctx, x, y, true, 0, 0, fitOptions{hook: func(s string) {
		if s == "qr" {
			inQR = true
		}
	}})
	if !errors.Is(err, context.Canceled) || w != nil || strings.Contains(err.Error(), "internal") {
		t.Fatalf("cancelled in the TSQR pass: w = %v, err = %v; want no solution and context.Canceled", w, err)
	}
	if !inQR || after != 0 {
		t.Errorf("TSQR pass started: %v; windows after the cancellation: %d, want 0", inQR, after)
	}
}
