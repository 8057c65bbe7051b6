package linreg

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// carsInference is an Inference in the shape of R's summary(lm(dist ~
// speed + speed2, cars)) with speed2 a copy of speed: an aliased term,
// whose numbers are NaN, and a finite model besides.
func carsInference() *Inference {
	nan := math.NaN()
	return &Inference{
		Level: 0.95, Cov: CovHC3,
		Terms: []Term{
			{Name: "(Intercept)", Column: -1, Estimate: -17.579094890510948, StdErr: 6.758440169379375,
				T: -2.6010580903133, P: 0.012318816153809, Lower: -31.16784961291144, Upper: -3.9903401681104595},
			{Name: "speed", Column: 0, Estimate: 3.932408759124088, StdErr: 0.41551277665712,
				T: 9.464 + 0.00001, P: 1.4898364962e-12, Lower: 3.0969643, Upper: 4.7678532},
			{Name: "speed µ", Column: 1, Aliased: true, AliasedBy: "speed µ ≈ speed",
				Estimate: nan, StdErr: nan, T: nan, P: nan, Lower: nan, Upper: nan},
		},
		Rows: 50, Params: 2, DF: 48,
		RSE: 15.379586, R2: 0.6510794, AdjR2: 0.6438102,
		F: 89.56711, FDF1: 1, FDF2: 48, FP: 1.489836e-12,
		LogLik: -206.5784, AIC: 419.1569, BIC: 424.8929, Cond: 1, PerfectFit: true,
	}
}

// sameFloat reports whether a and b are the same bits, or both NaN.
func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// sameInference compares two inferences field by field, floats by their
// bits (any NaN equal to any NaN).
func sameInference(t *testing.T, what string, got, want *Inference) {
	t.Helper()
	if (got == nil) != (want == nil) {
		t.Fatalf("%s: Inference %v, want %v", what, got, want)
	}
	if got == nil {
		return
	}
	floats := func(inf *Inference) []float64 {
		v := []float64{inf.Level, inf.RSE, inf.R2, inf.AdjR2, inf.F, inf.FP, inf.LogLik, inf.AIC, inf.BIC, inf.Cond}
		for _, t := range inf.Terms {
			v = append(v, t.Estimate, t.StdErr, t.T, t.P, t.Lower, t.Upper)
		}
		return v
	}
	g, w := floats(got), floats(want)
	if len(got.Terms) != len(want.Terms) {
		t.Fatalf("%s: %d terms, want %d", what, len(got.Terms), len(want.Terms))
	}
	for i := range g {
		if !sameFloat(g[i], w[i]) {
			t.Errorf("%s: float %d is %v (%#x), want %v (%#x)", what, i, g[i], math.Float64bits(g[i]), w[i], math.Float64bits(w[i]))
		}
	}
	if got.Cov != want.Cov || got.PerfectFit != want.PerfectFit || got.Rows != want.Rows || got.Params != want.Params || got.DF != want.DF ||
		got.FDF1 != want.FDF1 || got.FDF2 != want.FDF2 {
		t.Errorf("%s: %+v\nwant %+v", what, *got, *want)
	}
	for i := range got.Terms {
		a, b := got.Terms[i], want.Terms[i]
		if a.Name != b.Name || a.Column != b.Column || a.Aliased != b.Aliased || a.AliasedBy != b.AliasedBy {
			t.Errorf("%s: term %d is %+v, want %+v", what, i, a, b)
		}
	}
}

// TestJSONInferenceRoundTrip: the inference member survives Save/Load
// and Marshal/Unmarshal, NaN as null, finite values to the bit; ±Inf are
// written as null and read back as NaN.
func TestJSONInferenceRoundTrip(t *testing.T) {
	m := goldenModel()
	m.Inference = carsInference()
	m.Inference.Terms[1].T = math.Copysign(0, -1) // −0 stays −0

	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	if i, j := strings.Index(doc, `"summary"`), strings.Index(doc, `"inference"`); i < 0 || j < i {
		t.Errorf("inference is not written after summary:\n%s", doc)
	}
	for _, want := range []string{`"estimate": null`, `"aliased_by": "speed µ ≈ speed"`, `"cov": "hc3"`, `"t": -0,`, `"column": -1,`} {
		if !strings.Contains(doc, want) {
			t.Errorf("saved model lacks %s:\n%s", want, doc)
		}
	}
	if n := strings.Count(doc, `"aliased_by"`); n != 1 {
		t.Errorf("aliased_by written %d times, want once (omitted when empty)", n)
	}
	loaded, err := Load(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	sameInference(t, "Save/Load", loaded.Inference, m.Inference)
	if !math.Signbit(loaded.Inference.Terms[1].T) {
		t.Error("inference.terms[1].t lost the sign of −0")
	}
	// The rest of the model is as before.
	inf := loaded.Inference
	loaded.Inference = nil
	sameModel(t, "Save/Load without inference", loaded, goldenModel())
	loaded.Inference = inf

	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got Model
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	sameInference(t, "Marshal/Unmarshal", got.Inference, m.Inference)

	// Infinities (the F and t of a perfect fit) become null, then NaN.
	m.Inference.F, m.Inference.Terms[0].T, m.Inference.LogLik = math.Inf(1), math.Inf(-1), math.Inf(1)
	b, err = json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"f":null,`) || !strings.Contains(string(b), `"loglik":null,`) {
		t.Errorf("±Inf not written as null: %s", b)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(got.Inference.F) || !math.IsNaN(got.Inference.Terms[0].T) || !math.IsNaN(got.Inference.LogLik) {
		t.Errorf("±Inf read back as %v, %v, %v; want NaN", got.Inference.F, got.Inference.Terms[0].T, got.Inference.LogLik)
	}
}

// TestJSONInferenceLayout pins the member's names and order.
func TestJSONInferenceLayout(t *testing.T) {
	nan := math.NaN()
	m := Model{Coef: []float64{2}, Intercept: 1, Inference: &Inference{
		Level: 0.9, Cov: CovClassical, Rows: 3, Params: 2, DF: 1, RSE: 0.5, R2: 0.75, AdjR2: 0.5,
		F: 3, FDF1: 1, FDF2: 1, FP: 0.25, LogLik: -1.5, AIC: 9, BIC: 6.25, Cond: 1,
		Terms: []Term{
			{Name: "(Intercept)", Column: -1, Estimate: 1, StdErr: 0.5, T: 2, P: 0.5, Lower: -1, Upper: 3},
			{Name: "x0", Column: 0, Estimate: 2, StdErr: 0, T: nan, P: nan, Lower: 2, Upper: 2},
		},
	}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `"summary":{"method":"","epochs":0,"steps":0,"loss":0,"mse":0,"r2":0,"stop":"","kernels":"","version":"","seconds":0},` +
		`"inference":{"level":0.9,"cov":"classical","rows":3,"params":2,"df":1,"rse":0.5,"r2":0.75,"adj_r2":0.5,` +
		`"f":3,"f_df1":1,"f_df2":1,"f_p":0.25,"loglik":-1.5,"aic":9,"bic":6.25,"cond":1,"perfect_fit":false,"terms":[` +
		`{"name":"(Intercept)","column":-1,"aliased":false,"estimate":1,"std_err":0.5,"t":2,"p":0.5,"lower":-1,"upper":3},` +
		`{"name":"x0","column":0,"aliased":false,"estimate":2,"std_err":0,"t":null,"p":null,"lower":2,"upper":2}]}}`
	if !strings.HasSuffix(string(b), want) {
		t.Errorf("Marshal:\n got %s\nwant …%s", b, want)
	}
}

// TestJSONInferenceAbsent: a model without inference writes no member,
// and a version 1 document without it (testdata/model_v1.json among
// them) loads with Inference nil, as does an explicit null.
func TestJSONInferenceAbsent(t *testing.T) {
	b, err := json.Marshal(goldenModel())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("inference")) {
		t.Errorf("a model without inference writes the member: %s", b)
	}
	file, err := os.ReadFile("testdata/model_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{
		string(file),
		`{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":3}`,
		`{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":3,"inference":null}`,
	} {
		m, err := Load(strings.NewReader(doc))
		if err != nil {
			t.Errorf("%.60s…: %v", doc, err)
			continue
		}
		if m.Inference != nil {
			t.Errorf("%.60s…: Inference %+v, want nil", doc, *m.Inference)
		}
	}
	// Unmarshalling a model without inference over one with it clears it.
	m := goldenModel()
	m.Inference = carsInference()
	if err := json.Unmarshal(file, m); err != nil {
		t.Fatal(err)
	}
	if m.Inference != nil {
		t.Error("UnmarshalJSON kept the Inference of the model it replaced")
	}
	// Members of the inference a reader does not know are ignored; the
	// numbers it lacks read as 0.
	m, err = Load(strings.NewReader(`{"format":"lanes.linreg.Model","version":1,"coef":[1],"intercept":3,` +
		`"inference":{"level":0.99,"cov":"hc4","future":[1],"terms":[{"name":"x","column":0,"estimate":1,"new":true}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if inf := m.Inference; inf == nil || inf.Level != 0.99 || inf.Cov != "hc4" || len(inf.Terms) != 1 || inf.Terms[0].Estimate != 1 || inf.Terms[0].StdErr != 0 {
		t.Errorf("inference read as %+v", m.Inference)
	}
}

func TestJSONInferenceRejects(t *testing.T) {
	const head = `{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":0,"inference":`
	for _, c := range []struct{ name, doc, want string }{
		{"column too large", head + `{"terms":[{"name":"x","column":2}]}}`, `inference.terms[0] ("x") has column 2, but the model has 2 coefficients`},
		{"column below -1", head + `{"terms":[{"name":"x","column":-2}]}}`, "column -2"},
		{"string number", head + `{"rse":"1"}}`, "rse"},
		{"not an object", head + `[1]}`, "cannot unmarshal array"},
	} {
		_, err := Load(strings.NewReader(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "linreg: ") {
			t.Errorf("%s: Load error %v, want one starting \"linreg: \" and containing %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name string
		edit func(*Inference)
		want string
	}{
		{"name", func(inf *Inference) { inf.Terms[1].Name = "\xff" }, "inference.terms[1].name"},
		{"aliased_by", func(inf *Inference) { inf.Terms[2].AliasedBy = "x \xfe y" }, "inference.terms[2].aliased_by"},
		{"cov", func(inf *Inference) { inf.Cov = "hc\xff" }, "inference.cov"},
	} {
		m := goldenModel()
		m.Inference = carsInference()
		c.edit(m.Inference)
		if err := m.Save(new(bytes.Buffer)); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "not valid UTF-8") {
			t.Errorf("%s: Save error %v, want one naming %s", c.name, err, c.want)
		}
		if _, err := json.Marshal(m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Marshal error %v, want one naming %s", c.name, err, c.want)
		}
	}
}

// TestJSONInferenceFit: the inference of a real fit survives Save/Load.
func TestJSONInferenceFit(t *testing.T) {
	x, y := realWorld(200, 3, 0.5, 4)
	for _, cov := range []Cov{CovClassical, CovHC3} {
		m, err := Regressor{Method: Exact, Inference: &InferenceOptions{Cov: cov}}.Fit(context.Background(), x, y)
		if err != nil {
			t.Fatal(err)
		}
		if m.Inference == nil {
			t.Fatalf("%s: a fit with Regressor.Inference has no Model.Inference", cov)
		}
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		loaded, err := Load(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sameInference(t, string(cov), loaded.Inference, m.Inference)
	}
}
