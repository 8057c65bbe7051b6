package lsq

import (
	"context"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lanes-go/lanes/kernels"
)

// TestSumsBeyondRange: sums of squared residuals that overflow or
// underflow float64 come back scaled by a power of two, equal to a
// 256-bit reference to 1e-13; the mean is an error where float64 cannot
// hold it; residuals within range keep the plain bits.
func TestSumsBeyondRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	for _, s := range []float64{1e-300, 1e-160, 1e-150, 1, 1e153, 1e300} {
		y, pred := make([]float64, n), make([]float64, n)
		for i := range y {
			y[i] = rng.NormFloat64() * s
			pred[i] = y[i] + rng.NormFloat64()*s
		}
		want, sq, d := new(big.Float).SetPrec(256), new(big.Float).SetPrec(256), new(big.Float).SetPrec(256)
		for i := range y {
			d.SetFloat64(y[i])
			d.Sub(d, sq.SetFloat64(pred[i]))
			want.Add(want, d.Mul(d, d))
		}
		got := PredictionSums(y, pred)
		res, err := Residuals(context.Background(), kernels.NewBlockPlan(2), Data{X: pred, Rows: n, Cols: 1, Stride: 1, Y: y}, []float64{1}, 0)
		if err != nil || math.Float64bits(res.SqErr) != math.Float64bits(got.SqErr) || res.SqErrExp != got.SqErrExp {
			t.Errorf("scale %g: Residuals %+v, %v; PredictionSums %+v: want the same bits", s, res, err, got)
		}
		g := new(big.Float).SetPrec(256).SetMantExp(new(big.Float).SetFloat64(got.SqErr), got.SqErrExp)
		rel, _ := new(big.Float).Quo(new(big.Float).Sub(g, want), want).Float64()
		if math.Abs(rel) > 1e-13 {
			t.Errorf("scale %g: Σr² = %s, want %s (relative error %.3g)", s, Magnitude(got.SqErr, got.SqErrExp), want.Text('g', 6), rel)
		}
		mse, ok := got.MeanSq(n)
		if wantOK := s >= 1e-150 && s <= 1e153; ok != wantOK {
			t.Errorf("scale %g: MeanSq = %v, %v, want representable %v", s, mse, ok, wantOK)
		}
		if s == 1 && got.SqErrExp != 0 {
			t.Errorf("scale 1: rescaled (exponent %d)", got.SqErrExp)
		}
		// R² of the scaled sums: the spread is scaled too, the ratio is not.
		mean, wantTot := new(big.Float).SetPrec(256), new(big.Float).SetPrec(256)
		for _, v := range y {
			mean.Add(mean, d.SetFloat64(v))
		}
		mean.Quo(mean, d.SetFloat64(float64(n)))
		for _, v := range y {
			d.SetFloat64(v)
			d.Sub(d, mean)
			wantTot.Add(wantTot, d.Mul(d, d))
		}
		ratio, _ := new(big.Float).Quo(want, wantTot).Float64()
		tot, exp, err := TargetSpreadExp(context.Background(), nil, Data{Rows: n, Y: y, Stride: 1})
		if r2 := R2Exp(got.SqErr, got.SqErrExp, tot, exp); err != nil || math.Abs(r2-(1-ratio)) > 1e-12 {
			t.Errorf("scale %g: R² = %v, %v, want %v", s, r2, err, 1-ratio)
		}
	}
}

// TestR2ExpBits: with both exponents 0, R2Exp is the plain 1 − a/b.
func TestR2ExpBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		a, b := math.Ldexp(rng.Float64(), rng.IntN(200)-100), math.Ldexp(rng.Float64(), rng.IntN(200)-100)
		if got, want := R2(a, b), 1-a/b; math.Float64bits(got) != math.Float64bits(want) && a != 0 && b != 0 {
			t.Fatalf("R2(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
}

// TestMinEigen: within 1% of the smallest eigenvalue (a momentum needs no
// more), never below it by more than rounding, and 0 for a singular
// matrix.
func TestMinEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{1, 2, 5, 30} {
		for _, spread := range []float64{1, 1e3, 1e6} {
			b := make([]float64, k*k)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			var q mat.QR
			q.Factorize(mat.NewDense(k, k, b))
			var o mat.Dense
			q.QTo(&o)
			h := make([]float64, k*k)
			lmin := math.Inf(1)
			for e := range k {
				l := math.Pow(spread, -float64(e)/float64(max(k-1, 1)))
				lmin = min(lmin, l)
				for i := range k {
					for j := range k {
						h[i*k+j] += l * o.At(i, e) * o.At(j, e)
					}
				}
			}
			got, err := MinEigen(context.Background(), h, k)
			if err != nil || !(got >= lmin*(1-1e-9) && got <= lmin*(1+1e-2)) {
				t.Errorf("k %d, spread %g: MinEigen = %v, %v, want %v", k, spread, got, err, lmin)
			}
		}
	}
	if got, err := MinEigen(context.Background(), []float64{1, 1, 1, 1}, 2); got != 0 || err != nil {
		t.Errorf("singular: MinEigen = %v, %v, want 0", got, err)
	}
}

// TestProblemExtremeScales: a column of values near 1e-300 has a scale
// near 2^997, whose square overflows: the problem stays finite without a
// penalty, and with one its unit-diagonal curvature keeps σ² = v + l2·p².
func TestProblemExtremeScales(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 200
	x, y := make([]float64, 2*n), make([]float64, n)
	for i := range n {
		x[2*i], x[2*i+1] = rng.NormFloat64()*1e-300, rng.NormFloat64()
		y[i] = x[2*i]*1e300 + x[2*i+1] + rng.NormFloat64()
	}
	m := moments(t, Data{X: x, Rows: n, Cols: 2, Stride: 2, Y: y})
	for _, l2 := range []float64{0, 1e-3} {
		pr := NewProblem(m, true, 0, l2)
		for a := range pr.K() {
			diag := pr.A[a*pr.K()+a] + pr.L2w[a]
			if !(pr.Sigma[a] > 0) || math.IsInf(pr.Sigma[a], 0) || math.Abs(diag-1) > 1e-12 {
				t.Errorf("l2 %g column %d: σ %v, A_jj + L2w_j = %v, want finite and 1", l2, pr.Live[a], pr.Sigma[a], diag)
			}
		}
	}
	if s := powerScale(5e-324); math.IsInf(s, 0) || s != 0x1p1023 {
		t.Errorf("powerScale(5e-324) = %v, want 2^1023", s)
	}
}
