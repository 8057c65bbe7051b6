package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// carsCSV is R's cars data set: dist (ft) against speed (mph).
const carsCSV = `speed,dist
4,2
4,10
7,4
7,22
8,16
9,10
10,18
10,26
10,34
11,17
11,28
12,14
12,20
12,24
12,28
13,26
13,34
13,34
13,46
14,26
14,36
14,60
14,80
15,20
15,26
15,54
16,32
16,40
17,32
17,40
17,50
18,42
18,56
18,76
18,84
19,36
19,46
19,68
20,32
20,48
20,52
20,56
20,64
22,66
23,54
24,70
24,92
24,93
24,120
25,85
`

// TestCLIFitSummary: --method exact prints, by default, the coefficient
// table of R's summary(lm(dist ~ speed, cars)), digit for digit, and
// confint's intervals; --out saves the inference; --summary=false turns
// it off.
func TestCLIFitSummary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cars.csv"), []byte(carsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	r := lanes(t, dir, "fit", "--data", "cars.csv", "--method", "exact", "--out", "m.json")
	r.expect(t, 0)
	for _, want := range []string{`
Coefficients:
            Estimate Std. Error t value Pr(>|t|)    
(Intercept) -17.5791     6.7584  -2.601   0.0123 *  
speed         3.9324     0.4155   9.464 1.49e-12 ***
---
Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1

Residual standard error: 15.38 on 48 degrees of freedom
Multiple R-squared:  0.6511,	Adjusted R-squared:  0.6438 
F-statistic: 89.57 on 1 and 48 DF,  p-value: 1.49e-12
`, `
                 2.5 %    97.5 %
(Intercept) -31.167850 -3.990340
speed         3.096964  4.767853
`, "\nLog-likelihood: -206.5784 (df=3),  AIC: 419.1569,  BIC: 424.8929\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lanes fit --method exact on cars does not print\n%s\nin\n%s", want, r.stdout)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "m.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Inference *struct {
			Cov   string `json:"cov"`
			DF    int    `json:"df"`
			Terms []struct {
				Name string   `json:"name"`
				P    *float64 `json:"p"`
			} `json:"terms"`
		} `json:"inference"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if inf := m.Inference; inf == nil || inf.Cov != "classical" || inf.DF != 48 || len(inf.Terms) != 2 || inf.Terms[1].Name != "speed" || inf.Terms[1].P == nil {
		t.Errorf("model.json has no inference, or the wrong one:\n%s", raw)
	}

	r = lanes(t, dir, "fit", "--data", "cars.csv", "--method", "exact", "--summary=false", "--out", "m.json")
	r.expect(t, 0)
	if strings.Contains(r.stdout, "Coefficients:") {
		t.Errorf("--summary=false prints the table:\n%s", r.stdout)
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, "m.json")); strings.Contains(string(raw), "inference") {
		t.Errorf("--summary=false saves an inference:\n%s", raw)
	}

	// The sandwich covariance and another level, by gd, which converges
	// on this problem.
	r = lanes(t, dir, "fit", "--data", "cars.csv", "--summary", "--cov", "hc3", "--conf-level", "0.9", "--quiet")
	r.expect(t, 0)
	for _, want := range []string{"Coefficients:", "Residual standard error: 15.38 on 48 degrees of freedom",
		"(HC3)", "Wald", "\n                   5 %      95 %\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("gd --summary --cov hc3 --conf-level 0.9 does not print %q:\n%s", want, r.stdout)
		}
	}

	// Off by default for the gradient methods and penalised fits.
	for _, args := range [][]string{{"--method", "gd"}, {"--method", "exact", "--l2", "0.5"}} {
		r = lanes(t, dir, append([]string{"fit", "--data", "cars.csv", "--quiet"}, args...)...)
		r.expect(t, 0)
		if strings.Contains(r.stdout, "Coefficients:") {
			t.Errorf("%v prints the table:\n%s", args, r.stdout)
		}
	}
}

// TestCLIFitSummaryErrors: --summary where classical inference does not
// apply, a bad --cov or --conf-level, or either without the summary, is a
// usage error that says why; a gd run that does not converge fails. None
// writes a file.
func TestCLIFitSummaryErrors(t *testing.T) {
	good := testdata(t, "good.csv")
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"l2", []string{"--method", "exact", "--summary", "--l2", "0.5"}, 2, []string{"--summary", "--l2 0.5", "penalised", "classical inference does not apply"}},
		{"l1 gd", []string{"--summary", "--l1", "0.1"}, 2, []string{"--summary", "--l1 0.1", "penalised"}},
		{"sgd", []string{"--method", "sgd", "--summary"}, 2, []string{"--summary", "--method sgd", "stochastic"}},
		{"minibatch", []string{"--method", "minibatch", "--summary=true"}, 2, []string{"--method minibatch"}},
		{"bad cov", []string{"--method", "exact", "--cov", "hc9"}, 2, []string{"--cov", "hc9", "hc3"}},
		{"empty cov", []string{"--method", "exact", "--cov", ""}, 2, []string{"--cov"}},
		{"conf-level 1", []string{"--method", "exact", "--conf-level", "1"}, 2, []string{"--conf-level", "(0, 1)"}},
		{"conf-level NaN", []string{"--method", "exact", "--conf-level", "NaN"}, 2, []string{"--conf-level"}},
		{"cov on gd", []string{"--cov", "hc3"}, 2, []string{"--cov needs --summary", "--method gd"}},
		{"conf-level off", []string{"--method", "exact", "--summary=false", "--conf-level", "0.9"}, 2, []string{"--conf-level needs --summary", "--summary=false"}},
		{"cov with l1", []string{"--method", "exact", "--l1", "0.1", "--cov", "hc1"}, 2, []string{"--cov needs --summary", "penalised"}},
		{"cov on sgd", []string{"--method", "sgd", "--cov", "hc0"}, 2, []string{"--cov needs --summary", "--method sgd"}},
		{"gd stops early", []string{"--summary", "--epochs", "1", "--quiet"}, 1, []string{"training failed", "classical inference does not apply", "converged"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"fit", "--data", good, "--out", "model.json"}, c.args...)
			lanes(t, dir, args...).expect(t, c.code, c.want...)
			if f := files(t, dir); len(f) > 0 {
				t.Errorf("a failed run left %v", f)
			}
		})
	}
}

// TestCLIFitSummaryHelp: lanes fit -h documents the three flags.
func TestCLIFitSummaryHelp(t *testing.T) {
	r := lanes(t, t.TempDir(), "fit", "-h")
	r.expect(t, 0)
	for _, w := range []string{"[--summary] [--conf-level X] [--cov classical|hc0|hc1|hc2|hc3]", "-summary", "-conf-level X", "-cov KIND",
		"summary(lm())", "--summary=false", "heteroskedasticity-consistent"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("lanes fit -h does not say %q", w)
		}
	}
}
