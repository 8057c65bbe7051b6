package lsq

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// rowsData returns n rows of cols columns, correlated 0.4, column j at
// scale[j] around offset[j], with a stride of cols+1 (X used in place,
// not packed) and y a combination of the columns plus noise.
func rowsData(seed uint64, n, cols int, scale, offset []float64) Data {
	rng := rand.New(rand.NewPCG(seed, 0x726f7773))
	stride := cols + 1
	x := make([]float64, n*stride)
	y := make([]float64, n)
	for i := range n {
		f := rng.NormFloat64()
		for j := range cols {
			x[i*stride+j] = offset[j] + scale[j]*(0.6*rng.NormFloat64()+0.4*f)
			y[i] += float64(j%3-1) * (x[i*stride+j] - offset[j]) / scale[j]
		}
		y[i] += 3 + 0.1*rng.NormFloat64()
	}
	return Data{X: x, Rows: n, Cols: cols, Stride: stride, Y: y}
}

// rowsProblem runs the moments pass over d and returns its problem.
func rowsProblem(t *testing.T, d Data, intercept bool, l2 float64) *Problem {
	t.Helper()
	m, err := ComputeMoments(context.Background(), nil, d, intercept)
	if err != nil {
		t.Fatal(err)
	}
	return NewProblem(m, intercept, 0, l2)
}

// TestFactorRowsMatchesCholesky: on well-conditioned data, the factor
// from the rows is the Cholesky factor of the penalised curvature from
// the moments (L·Lᵀ = A + diag(L2w) to 1e-13, both computed independently),
// and its solution is the normal equations' to 1e-11, with and without
// an intercept and ridge, across blocks, with a constant column (which
// the intercept fits) and a stride wider than the columns.
func TestFactorRowsMatchesCholesky(t *testing.T) {
	scale := []float64{1, 1e-3, 1e5, 7, 1e-8}
	offset := []float64{0, 40, -3e6, 1, 1e-7}
	for _, n := range []int{50, 2*kernels.BlockRows + 99} {
		for _, intercept := range []bool{true, false} {
			// Without an intercept, offsets (and a constant column) would
			// make the columns nearly collinear: none then.
			d := rowsData(uint64(n), n, len(scale), scale, make([]float64, len(scale)))
			if intercept {
				d = rowsData(uint64(n), n, len(scale), scale, offset)
				for i := range d.Rows {
					d.X[i*d.Stride+3] = 2.5 // constant: out of the problem
				}
			}
			for _, l2 := range []float64{0, 1e-4, 0.3} {
				name := fmt.Sprintf("n=%d/intercept=%v/l2=%g", n, intercept, l2)
				pr := rowsProblem(t, d, intercept, l2)
				k := pr.K()
				if want := len(scale) - btoi(intercept); k != want {
					t.Fatalf("%s: %d live columns, want %d", name, k, want)
				}
				plan := kernels.NewBlockPlan(2)
				ch, z, err := pr.FactorRows(context.Background(), plan, d)
				plan.Close()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(ch.Dependent) > 0 {
					t.Fatalf("%s: dependent %v", name, ch.Dependent)
				}
				var worst float64
				for a := range k {
					if ch.L[a*k+a] <= 0 {
						t.Errorf("%s: L[%d][%d] = %v, want > 0", name, a, a, ch.L[a*k+a])
					}
					for b := range k {
						h := pr.A[a*k+b]
						if a == b {
							h += pr.L2w[a]
						}
						llt := kernels.Dot(ch.L[a*k:a*k+min(a, b)+1], ch.L[b*k:b*k+min(a, b)+1])
						worst = max(worst, math.Abs(llt-h))
					}
				}
				if worst > 1e-13 {
					t.Errorf("%s: |L·Lᵀ − H| up to %.3g, want ≤ 1e-13", name, worst)
				}
				ch.SolveUpper(z)
				h := append([]float64(nil), pr.A...)
				for a := range k {
					h[a*k+a] += pr.L2w[a]
				}
				ne, err := Factor(context.Background(), h, k)
				if err != nil {
					t.Fatal(err)
				}
				v := append([]float64(nil), pr.C...)
				ne.Solve(v)
				for a := range k {
					if math.Abs(z[a]-v[a]) > 1e-11*(math.Abs(v[a])+1e-3) {
						t.Errorf("%s: v[%d] = %v from the rows, %v from the normal equations", name, a, z[a], v[a])
					}
				}
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFactorRowsDependent: a column that is exactly a combination of
// others is dependent to FactorRows' rank test, with the combination, and
// a column correlated with another to 1 − 1e-20 (a pivot far below the
// Cholesky's RankTol, |R_jj| ≈ 1e-10) is not.
func TestFactorRowsDependent(t *testing.T) {
	d := rowsData(5, kernels.BlockRows+10, 4, []float64{1, 2, 3, 1}, []float64{0, 1, 2, 3})
	for i := range d.Rows {
		r := d.X[i*d.Stride:]
		r[2] = 2*r[0] - r[1] // x2 = 2·x0 − x1, exact in the small integers' units
		r[3] = r[0] + 1e-10*math.Sin(float64(i))
	}
	pr := rowsProblem(t, d, true, 0)
	ch, _, err := pr.FactorRows(context.Background(), nil, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Dependent) != 1 || ch.Dependent[0] != 2 {
		t.Fatalf("dependent %v, want [2] (pivots %v)", ch.Dependent, ch.Pivot)
	}
	c := ch.Relation(2)
	m := pr.M
	got := make([]float64, 2)
	for tt := range 2 {
		got[tt] = c[tt] * (pr.Sigma[2] / m.Scale[2]) * (m.Scale[tt] / pr.Sigma[tt])
	}
	if math.Abs(got[0]-2) > 1e-12 || math.Abs(got[1]+1) > 1e-12 {
		t.Errorf("relation %v, want [2 -1]", got)
	}
	if p := ch.Pivot[3]; !(p > 0 && p < RankTol) {
		t.Errorf("pivot of the nearly dependent column %v, want in (0, %g)", p, RankTol)
	}
}

// TestFactorRowsErrors: rows that are not the moments' are an error
// naming both shapes, and a cancelled context stops the pass.
func TestFactorRowsErrors(t *testing.T) {
	d := rowsData(6, 100, 3, []float64{1, 1, 1}, []float64{0, 0, 0})
	pr := rowsProblem(t, d, true, 0)
	short := d
	short.Rows, short.Y = 99, d.Y[:99]
	if _, _, err := pr.FactorRows(context.Background(), nil, short); err == nil {
		t.Error("99 rows for the moments of 100: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := pr.FactorRows(ctx, nil, d); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v, want context.Canceled", err)
	}
}

// TestBlockQRStops: a block QR that is told to stop returns a zero
// factor at once, and one that is never told to is BlockQR's.
func TestBlockQRStops(t *testing.T) {
	const rows, p = kernels.BlockRows, 64 // 2·rows·p ≫ checkWork over the columns
	a := tsqrRandom(9, rows, p)
	work, want, got := make([]float64, rows*p), make([]float64, p*p), make([]float64, p*p)
	BlockQR(rows, p, a, work, want)
	calls := 0
	blockQR(rows, p, a, work, got, func() bool { calls++; return false })
	if d := tsqrBitsDiff(got, want); d != "" || calls == 0 {
		t.Errorf("never stopped: %d calls, %s", calls, d)
	}
	calls = 0
	blockQR(rows, p, a, work, got, func() bool { calls++; return true })
	for i, v := range got {
		if v != 0 {
			t.Fatalf("stopped: r[%d] = %v, want 0", i, v)
		}
	}
	if calls != 1 {
		t.Errorf("stopped: %d calls, want 1", calls)
	}
}
