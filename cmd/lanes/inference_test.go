package main

import (
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/linreg"
)

// carsInference is R's summary(lm(dist ~ speed, cars)) with two more
// terms: speed2, a copy of speed (aliased, NA), and z, whose standard
// error is 0 (t and p NaN).
func carsInference() *linreg.Inference {
	nan := math.NaN()
	return &linreg.Inference{
		Level: 0.95, Cov: linreg.CovClassical, Rows: 50, Params: 3, DF: 47,
		RSE: 15.379586748819907, R2: 0.6510793807582509, AdjR2: 0.6438102011907145,
		F: 89.56710653646776, FDF1: 1, FDF2: 48, FP: 1.489836496295078e-12,
		LogLik: -206.57843151367663, AIC: 419.15686302735327, BIC: 424.8929320436377, Cond: 1.0000000000000002,
		Terms: []linreg.Term{
			{Name: "(Intercept)", Column: -1, Estimate: -17.579094890510984, StdErr: 6.758440169379237,
				T: -2.60105800302226, P: 0.012318816153808667, Lower: -31.16784960238867, Upper: -3.990340178633298},
			{Name: "speed", Column: 0, Estimate: 3.9324087591240895, StdErr: 0.41551277665712233,
				T: 9.463989990298375, P: 1.4898364962950555e-12, Lower: 3.0969643281403254, Upper: 4.767853190107854},
			{Name: "speed2", Column: 1, Aliased: true, AliasedBy: "speed2 ≈ speed",
				Estimate: nan, StdErr: nan, T: nan, P: nan, Lower: nan, Upper: nan},
			{Name: "z", Column: 2, Estimate: 0.25, StdErr: 0, T: nan, P: nan, Lower: 0.25, Upper: 0.25},
		},
	}
}

// TestInferenceTable: the table of a fixed Inference, as R prints it
// (the lines of print(summary(lm(dist ~ speed, cars))) and
// print(confint()) for the first two terms, digit for digit), and the
// lines R lacks.
func TestInferenceTable(t *testing.T) {
	var b strings.Builder
	writeInference(&b, carsInference(), 20)
	want := `
Coefficients: (1 not defined because of singularities)
            Estimate Std. Error t value Pr(>|t|)    
(Intercept) -17.5791     6.7584  -2.601   0.0123 *  
speed         3.9324     0.4155   9.464 1.49e-12 ***
speed2            NA         NA      NA       NA    
z             0.2500     0.0000     NaN      NaN    
---
Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1

Residual standard error: 15.38 on 47 degrees of freedom
Multiple R-squared:  0.6511,	Adjusted R-squared:  0.6438 
F-statistic: 89.57 on 1 and 48 DF,  p-value: 1.49e-12
Not defined: speed2 (speed2 ≈ speed)

Confidence intervals:
                 2.5 %    97.5 %
(Intercept) -31.167850 -3.990340
speed         3.096964  4.767853
speed2              NA        NA
z             0.250000  0.250000

Log-likelihood: -206.5784 (df=4),  AIC: 419.1569,  BIC: 424.8929
Condition number (standardised): 1
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestInferenceTableVariants: a sandwich covariance says so; without a
// p-value below 0.1 there are no stars and no legend; an intercept-only
// model has no R² and F line (as R's); the tables stop after maxTerms
// columns; a perfect fit is warned of.
func TestInferenceTableVariants(t *testing.T) {
	write := func(inf *linreg.Inference, maxTerms int) string {
		var b strings.Builder
		writeInference(&b, inf, maxTerms)
		return b.String()
	}
	inf := carsInference()
	inf.Cov = linreg.CovHC3
	if got := write(inf, 20); !strings.Contains(got, "\nStandard errors: heteroskedasticity-consistent (HC3); the F-statistic is the Wald test with that covariance\n") {
		t.Errorf("HC3:\n%s", got)
	}

	inf = carsInference()
	inf.Terms[0].P, inf.Terms[1].P = 0.5, 0.25
	got := write(inf, 20)
	if !strings.Contains(got, "            Estimate Std. Error t value Pr(>|t|)\n(Intercept) -17.5791     6.7584  -2.601     0.50\nspeed         3.9324     0.4155   9.464     0.25\n") || strings.Contains(got, "Signif. codes") {
		t.Errorf("no p-value below 0.1:\n%s", got)
	}

	inf = carsInference()
	inf.Terms = inf.Terms[:1]
	inf.FDF1, inf.F, inf.FP = 0, math.NaN(), math.NaN()
	got = write(inf, 20)
	if strings.Contains(got, "R-squared") || strings.Contains(got, "F-statistic") || !strings.Contains(got, "\nCoefficients:\n") {
		t.Errorf("intercept only:\n%s", got)
	}

	inf = carsInference()
	inf.PerfectFit = true
	got = write(inf, 1)
	for _, w := range []string{
		"\nspeed         3.9324     0.4155   9.464 1.49e-12 ***\n  … 2 more terms (all are in the model file of --out)\n---\n",
		"\nspeed         3.096964  4.767853\n  … 2 more terms (all are in the model file of --out)\n\n",
		"Coefficients: (1 not defined because of singularities)", // of the model, not of the table
		"Warning: essentially perfect fit: summary may be unreliable\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("maxTerms 1, perfect fit: no %q in\n%s", w, got)
		}
	}
	if strings.Contains(got, "\nz ") {
		t.Errorf("maxTerms 1 shows z:\n%s", got)
	}
}

// TestFormatR checks the R formatting helpers against what R prints.
func TestFormatR(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		xs     []float64
		na     []bool
		digits int
		sci    bool
		want   string // the elements joined by |
	}{
		{[]float64{-17.5791, 3.9324, 6.7584, 0.4155}, nil, 4, true, "-17.5791|  3.9324|  6.7584|  0.4155"},
		{[]float64{1.234e-5}, nil, 4, true, "1.234e-05"},
		{[]float64{123456}, nil, 4, true, "123456"},
		{[]float64{1e15}, nil, 7, true, "1e+15"},
		{[]float64{9996}, nil, 3, true, "9996"},
		{[]float64{0.1 + 0.2}, nil, 7, true, "0.3"},
		{[]float64{1, nan, 2}, []bool{false, true, false}, 7, true, " 1|NA| 2"},
		{[]float64{1, nan, math.Inf(-1)}, nil, 7, true, "   1| NaN|-Inf"},
		{[]float64{math.Copysign(0, -1), 2.5}, nil, 7, true, "0.0|2.5"},
		{[]float64{2.5000000000000022, 97.5}, nil, 3, false, " 2.5|97.5"},
		{[]float64{0.05000000000000004, 99.95}, nil, 3, false, "  0.05| 99.95"}, // R counts 99.95 as 100 for the width
		{[]float64{1e-20}, nil, 3, false, "0.00000000000000000001"},
		{[]float64{-206.57843151367663}, nil, 7, true, "-206.5784"},
	} {
		if got := strings.Join(formatR(c.xs, c.na, c.digits, c.sci), "|"); got != c.want {
			t.Errorf("format(%v, digits = %d) = %q, want %q", c.xs, c.digits, got, c.want)
		}
	}
	for _, c := range []struct {
		pv     []float64
		digits int
		want   string
	}{
		{[]float64{0.012318816153808667, 1.4898364962950555e-12}, 3, "0.0123|1.49e-12"},
		{[]float64{0.5, 0.0123}, 3, "0.5000|0.0123"},
		{[]float64{1e-20}, 3, "<2e-16"},
		{[]float64{0.0123, 1e-20}, 3, "0.0123|<2e-16"},
		{[]float64{1.49e-12, 1e-20}, 3, "1.49e-12|< 2e-16"},
		{[]float64{1e-20}, 4, "< 2.2e-16"},
		{[]float64{0.00012345}, 3, "0.000123"},
		{[]float64{1.4898364962950555e-12}, 4, "1.49e-12"},
		{[]float64{1}, 3, "1"},
	} {
		if got := strings.Join(formatPval(c.pv, c.digits, doubleEps), "|"); got != c.want {
			t.Errorf("format.pval(%v, digits = %d) = %q, want %q", c.pv, c.digits, got, c.want)
		}
	}
	for _, c := range []struct {
		x    float64
		want string
	}{{0.6510793807582509, "0.6511"}, {89.56710653646776, "89.57"}, {1, "1"}, {123456, "1.235e+05"}, {nan, "NaN"}, {math.Inf(1), "Inf"}} {
		if got := formatC(c.x, 4); got != c.want {
			t.Errorf("formatC(%v, digits = 4) = %q, want %q", c.x, got, c.want)
		}
	}
	if got := signif(15.379586748819907, 4); got != 15.38 {
		t.Errorf("signif(15.3796, 4) = %v", got)
	}
	if got := roundR(-17.579094890510984, 4); got != -17.5791 {
		t.Errorf("round(-17.579…, 4) = %v", got)
	}
}
