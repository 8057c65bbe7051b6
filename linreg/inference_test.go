package linreg

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/internal/lsq"
)

// inferenceBits flattens every number of an Inference, for comparing
// bits.
func inferenceBits(inf *Inference) []float64 {
	out := []float64{inf.RSE, inf.R2, inf.AdjR2, inf.F, inf.FP, inf.LogLik, inf.AIC, inf.BIC, inf.Cond,
		float64(inf.Rows), float64(inf.Params), float64(inf.DF), float64(inf.FDF1), float64(inf.FDF2)}
	for _, t := range inf.Terms {
		out = append(out, t.Estimate, t.StdErr, t.T, t.P, t.Lower, t.Upper)
	}
	return out
}

// TestInferenceSameBits: the inference of a fit, the sandwich's pass
// included, is the same bits for any number of workers and any window of
// the rows.
func TestInferenceSameBits(t *testing.T) {
	rows := 3*4096 + 123
	if emulated() {
		rows = 4096 + 123
	}
	for _, cov := range []Cov{CovClassical, CovHC0, CovHC3} {
		var want []float64
		for _, workers := range []int{1, 3} {
			for _, window := range []int{0, 4096} {
				x, y, _ := windowData(rows, 5, window)
				if window == 0 {
					x.Release = nil
				}
				r := Regressor{Method: Exact, Workers: workers, Inference: &InferenceOptions{Cov: cov}}
				m, err := r.Fit(context.Background(), x, y)
				if err != nil {
					t.Fatal(err)
				}
				got := inferenceBits(m.Inference)
				if want == nil {
					want = got
					continue
				}
				if !sameBits(got, want) {
					t.Fatalf("%s, %d workers, window %d:\n%v\nwant\n%v", cov, workers, window, got, want)
				}
			}
		}
	}
}

// TestInferenceRefused: penalised and stochastic fits are refused before
// any work, naming the reason; GD that did not converge after its fit.
func TestInferenceRefused(t *testing.T) {
	x, y, _ := windowData(200, 3, 0)
	x.Release = nil
	inf := &InferenceOptions{}
	for _, c := range []struct {
		r    Regressor
		want string
	}{
		{Regressor{Method: Exact, L2: 0.5, Inference: inf}, "penalised fit"},
		{Regressor{Method: GD, L1: 0.01, Inference: inf}, "penalised fit"},
		{Regressor{Method: SGD, Inference: inf}, "stochastic steps"},
		{Regressor{Method: MiniBatch, Inference: inf}, "stochastic steps"},
		{Regressor{Method: GD, Epochs: 2, Inference: inf}, "before it converged"},
		{Regressor{Method: Exact, Inference: &InferenceOptions{Level: 1}}, "Level must be in (0, 1)"},
		{Regressor{Method: Exact, Inference: &InferenceOptions{Cov: "hc4"}}, "unknown covariance"},
	} {
		m, err := c.r.Fit(context.Background(), x, y)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want one saying %q", c.r, err, c.want)
			continue
		}
		if strings.Contains(c.want, "in (0, 1)") || strings.Contains(c.want, "unknown") {
			continue
		}
		if !errors.Is(err, ErrNoInference) || m != nil {
			t.Errorf("%+v: err = %v (is ErrNoInference: %v), model %v", c.r, err, errors.Is(err, ErrNoInference), m)
		}
	}
}

// TestInferenceGD: a default GD fit, which converges, has the inference
// of the exact fit to the precision of its coefficients.
func TestInferenceGD(t *testing.T) {
	x, y, _ := windowData(500, 4, 0)
	x.Release = nil
	for _, cov := range []Cov{CovClassical, CovHC2} {
		ex, err := Regressor{Method: Exact, Inference: &InferenceOptions{Cov: cov}}.Fit(context.Background(), x, y)
		if err != nil {
			t.Fatal(err)
		}
		g, err := Regressor{Method: GD, Inference: &InferenceOptions{Cov: cov}}.Fit(context.Background(), x, y)
		if err != nil {
			t.Fatal(err)
		}
		for i, tr := range g.Inference.Terms {
			w := ex.Inference.Terms[i]
			if math.Abs(tr.StdErr-w.StdErr) > 1e-6*w.StdErr || math.Abs(tr.Estimate-w.Estimate) > 1e-6*math.Abs(w.Estimate)+1e-9 {
				t.Errorf("%s %s: GD estimate %v ± %v, exact %v ± %v", cov, tr.Name, tr.Estimate, tr.StdErr, w.Estimate, w.StdErr)
			}
		}
	}
}

// TestInferenceBadInput: the cases R answers with NaN or a message, each
// answered without a panic.
func TestInferenceBadInput(t *testing.T) {
	fit := func(x []float64, rows, cols int, y []float64, r Regressor) (*Model, error) {
		if r.Inference == nil {
			r.Inference = &InferenceOptions{}
		}
		r.Method = Exact
		return r.Fit(context.Background(), NewMatrix(x, rows, cols), y)
	}
	t.Run("perfect fit", func(t *testing.T) {
		x := []float64{1, 2, 3, 4, 5}
		y := []float64{3, 5, 7, 9, 11} // 2x + 1, exactly
		m, err := fit(x, 5, 1, y, Regressor{})
		if err != nil {
			t.Fatal(err)
		}
		inf := m.Inference
		// As in R, the residuals are rounding errors, not 0: flagged.
		if !inf.PerfectFit || inf.R2 != 1 || !(inf.RSE < 1e-14) {
			t.Errorf("PerfectFit %v, R² %v, RSE %v: want true, 1 and a rounding error", inf.PerfectFit, inf.R2, inf.RSE)
		}
		y[0] += 0.1
		if m, err = fit(x, 5, 1, y, Regressor{}); err != nil || m.Inference.PerfectFit {
			t.Errorf("a fit with residuals is flagged perfect (err %v)", err)
		}
	})
	t.Run("no residual degrees of freedom", func(t *testing.T) {
		m, err := fit([]float64{1, 2}, 2, 1, []float64{3, 4}, Regressor{})
		if err != nil {
			t.Fatal(err)
		}
		inf := m.Inference
		if inf.DF != 0 || !math.IsNaN(inf.RSE) || !math.IsNaN(inf.Terms[1].StdErr) || !math.IsNaN(inf.F) {
			t.Errorf("DF %d, RSE %v, standard error %v, F %v: want 0 and NaNs", inf.DF, inf.RSE, inf.Terms[1].StdErr, inf.F)
		}
	})
	t.Run("constant y", func(t *testing.T) {
		m, err := fit([]float64{1, 2, 3, 4}, 4, 1, []float64{5, 5, 5, 5}, Regressor{})
		if err != nil {
			t.Fatal(err)
		}
		inf := m.Inference
		if !math.IsNaN(inf.R2) || !math.IsNaN(inf.F) || inf.Terms[0].Estimate != 5 || inf.Terms[1].StdErr != 0 {
			t.Errorf("R² %v, F %v, terms %+v: want NaN, NaN, intercept 5 with slope standard error 0", inf.R2, inf.F, inf.Terms)
		}
	})
	t.Run("fewer rows than parameters", func(t *testing.T) {
		_, err := fit([]float64{1, 2, 3, 4}, 2, 2, []float64{1, 2}, Regressor{})
		if err == nil || !strings.Contains(err.Error(), "underdetermined") {
			t.Errorf("err = %v, want the underdetermined error", err)
		}
	})
	t.Run("NaN", func(t *testing.T) {
		_, err := fit([]float64{1, math.NaN(), 3}, 3, 1, []float64{1, 2, 3}, Regressor{})
		var nf *NonFiniteError
		if !errors.As(err, &nf) || nf.Row != 1 {
			t.Errorf("err = %v, want a NonFiniteError naming row 1", err)
		}
	})
	t.Run("aliased", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		const n = 40
		x, y := make([]float64, n*4), make([]float64, n)
		for i := range n {
			a, b, c := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
			x[i*4], x[i*4+1], x[i*4+2], x[i*4+3] = a, 7, a+2*b, b
			y[i] = 1 + a - b + c + 0.1*rng.NormFloat64()
		}
		m, err := fit(x, n, 4, y, Regressor{Features: []string{"a", "seven", "a2b", "b"}})
		if err != nil {
			t.Fatal(err)
		}
		inf := m.Inference
		if inf.Params != 3 || inf.DF != n-3 {
			t.Errorf("Params %d, DF %d: want 3 and %d", inf.Params, inf.DF, n-3)
		}
		for _, tr := range inf.Terms {
			aliased := tr.Name == "seven" || tr.Name == "b"
			if tr.Aliased != aliased || aliased && (!math.IsNaN(tr.StdErr) || tr.AliasedBy == "") || !aliased && math.IsNaN(tr.StdErr) {
				t.Errorf("%s: %+v (want aliased %v)", tr.Name, tr, aliased)
			}
			if aliased && m.Coef[tr.Column] != 0 {
				t.Errorf("%s is aliased but its coefficient is %v, not 0", tr.Name, m.Coef[tr.Column])
			}
		}
		if got := inf.Terms[4].AliasedBy; !strings.HasPrefix(got, "b ≈ ") || !strings.Contains(got, "a2b") {
			t.Errorf("b is aliased by %q, want its relation to a and a2b in their names", got)
		}
		// Without Inference the same data are still an error naming them.
		_, err = (Regressor{Method: Exact, Features: []string{"a", "seven", "a2b", "b"}}).Fit(context.Background(), NewMatrix(x, n, 4), y)
		for _, want := range []string{"rank-deficient", `column 1 ("seven") is constant`, `column 3 ("b") is a linear combination of columns 0 ("a") and 2 ("a2b")`, "(b ≈ "} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("without Inference: err = %v, want it to say %s", err, want)
			}
		}
		// GD cannot alias: it says why and what does.
		_, err = (Regressor{Method: GD, Features: []string{"a", "seven", "a2b", "b"}, Inference: &InferenceOptions{}}).Fit(context.Background(), NewMatrix(x, n, 4), y)
		if !errors.Is(err, ErrNoInference) || !strings.Contains(err.Error(), "not identified") || strings.Contains(err.Error(), "exact:") {
			t.Errorf("GD: err = %v, want ErrNoInference saying the coefficients are not identified", err)
		}
	})
}

func TestStars(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want string
	}{{0, "***"}, {0.001, "***"}, {0.0010001, "**"}, {0.01, "**"}, {0.05, "*"}, {0.0500001, "."}, {0.1, "."}, {0.2, " "}, {math.NaN(), " "}} {
		if got := Stars(c.p); got != c.want {
			t.Errorf("Stars(%v) = %q, want %q", c.p, got, c.want)
		}
	}
}

// TestConditionIterated: beyond condExact columns the condition number
// comes from power iterations; on a problem small enough for both, they
// agree, the iterated one from below.
func TestConditionIterated(t *testing.T) {
	x, y := cancelData(2000, 40, 0.9, 5)
	m, err := Regressor{Method: Exact, Inference: &InferenceOptions{}}.Fit(context.Background(), x, y)
	if err != nil {
		t.Fatal(err)
	}
	mom, err := moments(context.Background(), nil, x, y, true, false, "X")
	if err != nil {
		t.Fatal(err)
	}
	pr := lsqProblem(mom)
	ch, err := lsqFactor(pr)
	if err != nil {
		t.Fatal(err)
	}
	got, want := conditionIterated(pr.A, lowerInverseT(ch), pr.K()), m.Inference.Cond
	if !(got <= want*(1+1e-12)) || got < want*(1-1e-6) {
		t.Errorf("iterated condition number %v, the eigensolver's %v", got, want)
	}
	if want < 5 {
		t.Errorf("condition number %v: the test wants correlated columns", want)
	}
}

func lsqProblem(m *lsq.Moments) *lsq.Problem { return lsq.NewProblem(m, true, 0, 0) }

func lsqFactor(pr *lsq.Problem) (*lsq.Cholesky, error) {
	return lsq.Factor(context.Background(), pr.A, pr.K())
}

// TestInferenceScales: a column of 1e300, of 1e-300 or around a
// nanosecond timestamp has the t statistics (which do not depend on the
// units) of the same column at unit scale, and standard errors in
// proportion, for every covariance: nothing overflows or underflows on
// the way.
func TestInferenceScales(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	const n = 300
	base, y := make([]float64, n*2), make([]float64, n)
	for i := range n {
		// a on a grid of 2⁻²⁰, so that the timestamp column below,
		// 1.5·2⁶⁰ + 2³⁰·a, holds it exactly (its ulp is 256).
		a, b := math.Round(rng.NormFloat64()*0x1p20)/0x1p20, rng.NormFloat64()
		base[i*2], base[i*2+1] = a, b
		y[i] = 2*a + b + float64(0.1*(1+a*a))*rng.NormFloat64()
	}
	for _, c := range []struct {
		name          string
		scale, offset float64
		noIntercept   bool
		tol           float64
	}{
		{"huge", 1e300, 0, false, 1e-8},
		{"tiny", 1e-300, 0, false, 1e-8},
		// A mean 1.6e9 standard deviations from 0: the model's residuals,
		// y − (x·β + b) in data units as predictions are made, cancel
		// about nine digits of x·β against b, so the residual sum of
		// squares, and every standard error with it, keeps about eight.
		{"timestamp", 0x1p30, 1.5 * 0x1p60, false, 1e-6},
		{"huge, no intercept", 1e300, 0, true, 1e-8},
	} {
		x := append([]float64(nil), base...)
		for i := range n {
			x[i*2] = c.offset + c.scale*x[i*2]
		}
		for _, cov := range []Cov{CovClassical, CovHC0, CovHC3} {
			r := Regressor{Method: Exact, NoIntercept: c.noIntercept, Inference: &InferenceOptions{Cov: cov}}
			ref, err := r.Fit(context.Background(), NewMatrix(base, n, 2), y)
			if err != nil {
				t.Fatal(err)
			}
			m, err := r.Fit(context.Background(), NewMatrix(x, n, 2), y)
			if err != nil {
				t.Fatalf("%s, %s: %v", c.name, cov, err)
			}
			got, want := m.Inference.Terms, ref.Inference.Terms
			for i := range got {
				if got[i].Name == "(Intercept)" && c.offset != 0 {
					continue // a different parameter: the intercept at 0, 1.7e18 away
				}
				if math.Abs(got[i].T-want[i].T) > c.tol*math.Abs(want[i].T) {
					t.Errorf("%s, %s, %s: t = %v, at unit scale %v", c.name, cov, got[i].Name, got[i].T, want[i].T)
				}
				ratio := 1.0
				if got[i].Column == 0 {
					ratio = 1 / c.scale
				}
				if se := want[i].StdErr * ratio; !(math.Abs(got[i].StdErr-se) <= c.tol*se) {
					t.Errorf("%s, %s, %s: standard error %v, want %v", c.name, cov, got[i].Name, got[i].StdErr, se)
				}
			}
			if math.Abs(m.Inference.F-ref.Inference.F) > c.tol*ref.Inference.F {
				t.Errorf("%s, %s: F = %v, at unit scale %v", c.name, cov, m.Inference.F, ref.Inference.F)
			}
		}
	}
}
