package linreg

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestInferenceTextbook checks Model.Inference on a regression small
// enough to do by hand, with no R needed (TestInferenceAgainstR compares
// with R on larger data):
//
//	x = 1, 2, 3, 4, 5    y = 2, 4, 5, 4, 5    n = 5, p = 2 (intercept, slope)
//
// Means x̄ = 3, ȳ = 4; deviations x − x̄ = −2, −1, 0, 1, 2 and y − ȳ = −2,
// 0, 1, 0, 1, so Sxx = Σ(x − x̄)² = 10, Sxy = Σ(x − x̄)(y − ȳ) = 4 + 0 + 0 +
// 0 + 2 = 6 and Syy = Σ(y − ȳ)² = 6.
//
//	slope      b = Sxy/Sxx = 0.6
//	intercept  a = ȳ − b·x̄ = 4 − 1.8 = 2.2
//	fitted     2.8, 3.4, 4.0, 4.6, 5.2
//	residuals  e = −0.8, 0.6, 1.0, −0.6, −0.2
//	RSS        Σe² = 0.64 + 0.36 + 1 + 0.36 + 0.04 = 2.4
//	DF         n − p = 3,  σ̂² = RSS/DF = 0.8,  RSE = √0.8
//	SE(b)      √(σ̂²/Sxx) = √0.08
//	SE(a)      √(σ̂²·(1/n + x̄²/Sxx)) = √(0.8·(0.2 + 0.9)) = √0.88
//	t          b/SE(b) = 0.6/√0.08 = 1.5·√2,  a/SE(a) = 2.2/√0.88
//	p          2·P(T₃ > |t|), Student's t with 3 degrees of freedom
//	interval   estimate ± t₃(0.975)·SE at level 0.95
//	R²         1 − RSS/Syy = 1 − 2.4/6 = 0.6
//	adj. R²    1 − (1 − R²)·(n − 1)/DF = 1 − 0.4·4/3 = 7/15 ≈ 0.4667
//	F          (Syy − RSS)/1 / σ̂² = 3.6/0.8 = 4.5 on 1 and 3 DF (= t² of
//	           the slope, so its p-value is the slope's)
//	log-lik.   −(n/2)·(ln 2π + 1 + ln(RSS/n)) = −2.5·(ln 2π + 1 + ln 0.48)
//	AIC, BIC   −2·logLik + 2·3 and −2·logLik + ln 5·3: σ counts as the
//	           third parameter
//	Cond       1: one column
//
// The sandwich covariances (HC0, White's) by hand: the estimates are
// linear in y, a = Σ uᵢyᵢ with uᵢ = 1/n − x̄(xᵢ − x̄)/Sxx = 0.8, 0.5, 0.2,
// −0.1, −0.4 and b = Σ vᵢyᵢ with vᵢ = (xᵢ − x̄)/Sxx = −0.2, −0.1, 0, 0.1,
// 0.2, and HC0 replaces Var yᵢ by eᵢ² (eᵢ² = 0.64, 0.36, 1, 0.36, 0.04):
//
//	Var(a) = Σuᵢ²eᵢ² = 0.4096 + 0.09 + 0.04 + 0.0036 + 0.0064 = 0.5496
//	Var(b) = Σvᵢ²eᵢ² = 0.0256 + 0.0036 + 0 + 0.0036 + 0.0016 = 0.0344
//
// HC1 multiplies both by n/(n − p) = 5/3 (0.916 and 0.0573…). The F
// statistic of the sandwich covariances is the Wald statistic of the
// slope, b²/Var(b), on 1 and 3 DF. (R agrees: sandwich::vcovHC gives
// 0.5496 and 0.0344, summary(lm(y ~ x)) the rest.)
func TestInferenceTextbook(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 4, 5, 4, 5}
	const n, df = 5, 3
	student := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	// gonum agrees with R to a few ulps: qt(0.975, 3) = 3.1824463052837078,
	// the p-values of a and b 0.10074345608541986 and 0.12402706265755457.
	q := student.Quantile(0.975)
	pt := func(t float64) float64 { return 2 * student.Survival(math.Abs(t)) }
	pf := func(f float64) float64 { return distuv.F{D1: 1, D2: df}.Survival(f) }

	const a, b = 2.2, 0.6
	logLik := -2.5 * (math.Log(2*math.Pi) + 1 + math.Log(0.48))
	type term struct {
		name          string
		column        int
		est, variance float64
	}
	cases := []struct {
		cov   Cov
		terms []term
		f     float64 // the F statistic
	}{
		{CovClassical, []term{{"(Intercept)", -1, a, 0.88}, {"x", 0, b, 0.08}}, 4.5},
		{CovHC0, []term{{"(Intercept)", -1, a, 0.5496}, {"x", 0, b, 0.0344}}, b * b / 0.0344},
		{CovHC1, []term{{"(Intercept)", -1, a, 0.5496 * 5 / 3}, {"x", 0, b, 0.0344 * 5 / 3}}, b * b / (0.0344 * 5 / 3)},
	}
	for _, c := range cases {
		opts := &InferenceOptions{Cov: c.cov}
		if c.cov == CovClassical {
			opts = &InferenceOptions{} // the defaults: level 0.95, classical
		}
		r := Regressor{Method: Exact, Features: []string{"x"}, Inference: opts}
		m, err := r.Fit(t.Context(), NewMatrix(x, n, 1), y)
		if err != nil {
			t.Errorf("%s: Fit: %v", c.cov, err)
			continue
		}
		inf := m.Inference
		if inf == nil {
			t.Errorf("%s: Model.Inference is nil", c.cov)
			continue
		}
		if inf.Level != 0.95 || inf.Cov != c.cov {
			t.Errorf("%s: Level %v Cov %q, want 0.95 %q", c.cov, inf.Level, inf.Cov, c.cov)
		}
		for _, v := range []struct {
			what      string
			got, want int
		}{{"Rows", inf.Rows, n}, {"Params", inf.Params, 2}, {"DF", inf.DF, df}, {"FDF1", inf.FDF1, 1}, {"FDF2", inf.FDF2, df}} {
			if v.got != v.want {
				t.Errorf("%s: %s = %d, want %d", c.cov, v.what, v.got, v.want)
			}
		}
		stats := []struct {
			what      string
			got, want float64
		}{
			{"RSE", inf.RSE, math.Sqrt(0.8)},
			{"R2", inf.R2, 0.6},
			{"AdjR2", inf.AdjR2, 7.0 / 15},
			{"F", inf.F, c.f},
			{"FP", inf.FP, pf(c.f)},
			{"LogLik", inf.LogLik, logLik},
			{"AIC", inf.AIC, -2*logLik + 2*3},
			{"BIC", inf.BIC, -2*logLik + math.Log(n)*3},
			{"Cond", inf.Cond, 1},
		}
		for _, s := range stats {
			if !textbookClose(s.got, s.want) {
				t.Errorf("%s: %s = %.17g, want %.17g", c.cov, s.what, s.got, s.want)
			}
		}
		if len(inf.Terms) != len(c.terms) {
			t.Errorf("%s: %d terms, want %d", c.cov, len(inf.Terms), len(c.terms))
			continue
		}
		for i, w := range c.terms {
			g := inf.Terms[i]
			if g.Name != w.name || g.Column != w.column || g.Aliased {
				t.Errorf("%s: term %d is %q (column %d, aliased %v), want %q (column %d)", c.cov, i, g.Name, g.Column, g.Aliased, w.name, w.column)
				continue
			}
			se := math.Sqrt(w.variance)
			tv := w.est / se
			for _, v := range []struct {
				what      string
				got, want float64
			}{
				{"estimate", g.Estimate, w.est},
				{"std. error", g.StdErr, se},
				{"t", g.T, tv},
				{"p", g.P, pt(tv)},
				{"lower", g.Lower, w.est - q*se},
				{"upper", g.Upper, w.est + q*se},
			} {
				if !textbookClose(v.got, v.want) {
					t.Errorf("%s: %s: %s = %.17g, want %.17g", c.cov, w.name, v.what, v.got, v.want)
				}
			}
		}
	}
}

// textbookClose reports whether got is within 1e-12 of want, relatively.
func textbookClose(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Abs(want)
}
