package linreg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// goldenModel is the model in testdata/model_v1.json.
func goldenModel() *Model {
	return &Model{
		Coef:      []float64{2.0012, -2.9998, 1.5e-10, math.Copysign(0, -1)},
		Intercept: 0.5003,
		Features:  []string{"age", "dose µg", "noise", "<unused>"},
		Options: ModelOptions{
			Method: "gd", Rate: 0.5, AutoRate: true, Schedule: "constant", Update: "nesterov",
			Epochs: 1000, BatchSize: 0, Tol: 1e-6, Seed: math.MaxUint64, L1: 0.01, L2: 0,
			FitIntercept: true,
		},
		Summary: Summary{
			Method: "gd", Epochs: 127, Steps: 127, Loss: 4.8e-05, MSE: 9.7e-05, R2: 0.9991, Engine: 2,
			Stop: "gradient tolerance", Kernels: "avx512", Version: "(devel)", Seconds: 0.0012,
		},
	}
}

// sameModel compares two models field by field, floats by their bits.
func sameModel(t *testing.T, what string, got, want *Model) {
	t.Helper()
	g, w := *got, *want
	if len(g.Coef) != len(w.Coef) {
		t.Fatalf("%s: %d coefficients, want %d", what, len(g.Coef), len(w.Coef))
	}
	for j := range g.Coef {
		if math.Float64bits(g.Coef[j]) != math.Float64bits(w.Coef[j]) {
			t.Errorf("%s: coef[%d] = %v (%#x), want %v (%#x)", what, j, g.Coef[j], math.Float64bits(g.Coef[j]), w.Coef[j], math.Float64bits(w.Coef[j]))
		}
	}
	bits := func(m *Model) []uint64 {
		var b []uint64
		for _, v := range []float64{m.Intercept, m.Options.Rate, m.Options.Tol, m.Options.L1, m.Options.L2,
			m.Summary.Loss, m.Summary.MSE, m.Summary.Seconds} {
			b = append(b, math.Float64bits(v))
		}
		return b
	}
	if !reflect.DeepEqual(bits(&g), bits(&w)) {
		t.Errorf("%s: float fields differ in their bits:\n got %x\nwant %x", what, bits(&g), bits(&w))
	}
	g.Coef, w.Coef = nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, g, w)
	}
}

func TestJSONGolden(t *testing.T) {
	file, err := os.ReadFile("testdata/model_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, "loaded golden", m, goldenModel())
	if !math.Signbit(m.Coef[3]) {
		t.Error("coef[3] lost the sign of −0")
	}

	var buf bytes.Buffer
	if err := goldenModel().Save(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), file) {
		t.Errorf("Save does not reproduce testdata/model_v1.json: the format changed.\n got:\n%s\nwant:\n%s", buf.Bytes(), file)
	}

	// json.Marshal gives the same document, compact and HTML-escaped.
	b, err := json.Marshal(goldenModel())
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, file); err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(strings.ReplaceAll(compact.String(), "<", `\u003c`), ">", `\u003e`)
	if string(b) != want {
		t.Errorf("json.Marshal:\n got %s\nwant %s", b, want)
	}
	var m2 Model
	if err := json.Unmarshal(b, &m2); err != nil {
		t.Fatal(err)
	}
	sameModel(t, "json.Unmarshal", &m2, goldenModel())
}

// interestingFloats returns finite floats: random bit patterns, random
// subnormals, and the edges of the float64 range.
func interestingFloats(rng *rand.Rand, n int) []float64 {
	v := []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		math.Float64frombits(0x000fffffffffffff), math.Float64frombits(0x0010000000000000),
		math.MaxFloat64, -math.MaxFloat64, 1, -1, 0.1, 1e-7, 1e21, 1e20, 123456789012345678}
	for len(v) < n {
		var bits uint64
		if rng.IntN(4) == 0 {
			bits = rng.Uint64() & 0x800fffffffffffff // subnormal (or ±0)
		} else {
			bits = rng.Uint64()
		}
		if f := math.Float64frombits(bits); isFinite(f) {
			v = append(v, f)
		}
	}
	return v
}

func TestJSONRoundTripBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	floats := interestingFloats(rng, 4000)
	for start := 0; start < len(floats); start += 100 {
		f := floats[start : start+100]
		m := &Model{
			Coef:      f[8:],
			Intercept: f[0],
			Options:   ModelOptions{Rate: f[1], Tol: f[2], L1: f[3], L2: f[4], Seed: rng.Uint64(), Epochs: math.MaxInt, BatchSize: math.MinInt},
			Summary:   Summary{Loss: f[5], MSE: f[6], Seconds: f[7], Steps: -1},
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var got Model
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		sameModel(t, "round trip", &got, m)

		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		loaded, err := Load(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sameModel(t, "Save/Load", loaded, m)
	}
}

func TestJSONNegativeZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	b, err := json.Marshal(Model{Coef: []float64{negZero, 0}, Intercept: negZero})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"coef":[-0,0],"intercept":-0,`) {
		t.Errorf("−0 is not written as -0: %s", b)
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !math.Signbit(m.Coef[0]) || math.Signbit(m.Coef[1]) || !math.Signbit(m.Intercept) {
		t.Errorf("signs of zeros not kept: %v %v %v", m.Coef[0], m.Coef[1], m.Intercept)
	}
}

func TestJSONFeaturesAndDefaults(t *testing.T) {
	// An unnamed model writes "features": null and an empty coef as [].
	b, err := json.Marshal(Model{Features: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"coef":[],"intercept":0,"features":null,`) {
		t.Errorf("unnamed model: %s", b)
	}
	// Absent, null or empty features are no names; options, summary and
	// unknown members may be absent or present.
	for _, doc := range []string{
		`{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":3}`,
		`{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":3,"features":null}`,
		`{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":3,"features":[],"future":{"x":[1]},"options":{"new_option":true}}`,
		`{"version":1.0,"intercept":3,"coef":[1,2],"format":"lanes.linreg.Model"}`,
	} {
		m, err := Load(strings.NewReader(doc))
		if err != nil {
			t.Errorf("%s: %v", doc, err)
			continue
		}
		sameModel(t, doc, m, &Model{Coef: []float64{1, 2}, Intercept: 3})
	}
	// Unmarshalling replaces the whole model, History included.
	m := Model{Coef: []float64{9}, History: []float64{1}, Options: ModelOptions{Method: "gd"}}
	if err := json.Unmarshal([]byte(`{"format":"lanes.linreg.Model","version":1,"coef":[],"intercept":0}`), &m); err != nil {
		t.Fatal(err)
	}
	sameModel(t, "replaced", &m, &Model{Coef: []float64{}})
	// null is a no-op for UnmarshalJSON, as for encoding/json, and an
	// error for Load.
	if err := m.UnmarshalJSON([]byte(" null ")); err != nil || m.Coef == nil {
		t.Errorf("UnmarshalJSON(null) = %v, model %v", err, m)
	}
}

func TestJSONRejects(t *testing.T) {
	const head = `"format":"lanes.linreg.Model","version":1,`
	cases := []struct {
		name, doc, want string
	}{
		{"empty", ``, "empty model file"}, // ErrEmptyModel; see TestLoadEmpty
		{"null", `null`, "null"},
		{"not an object", `[1,2]`, "cannot unmarshal array"},
		{"syntax", `{"format":`, "unexpected end"},
		{"trailing data", `{` + head + `"coef":[1],"intercept":0} {}`, "invalid character"},
		{"no format", `{"version":1,"coef":[1],"intercept":0}`, `no "format" member`},
		{"wrong format", `{"format":"sklearn","version":1,"coef":[1],"intercept":0}`, `format is "sklearn", want "lanes.linreg.Model"`},
		{"format not a string", `{"format":7,"version":1,"coef":[1],"intercept":0}`, `format is 7`},
		{"no version", `{"format":"lanes.linreg.Model","coef":[1],"intercept":0}`, `no "version" member`},
		{"version 2", `{"format":"lanes.linreg.Model","version":2,"coef":{"w":[1]}}`, "unsupported version 2 (this package reads version 1)"},
		{"version 0", `{"format":"lanes.linreg.Model","version":0}`, "unsupported version 0"},
		{"version string", `{"format":"lanes.linreg.Model","version":"1","coef":[1],"intercept":0}`, `unsupported version "1"`},
		{"no coef", `{` + head + `"intercept":0}`, `no "coef" array`},
		{"null coef", `{` + head + `"coef":null,"intercept":0}`, `no "coef" array`},
		{"no intercept", `{` + head + `"coef":[1]}`, `no "intercept" number`},
		{"null intercept", `{` + head + `"coef":[1],"intercept":null}`, `no "intercept" number`},
		{"features length", `{` + head + `"coef":[1,2,3],"intercept":0,"features":["a","b"]}`, "2 features for 3 coefficients"},
		{"coef string", `{` + head + `"coef":["1"],"intercept":0}`, "cannot unmarshal string"},
		{"coef overflow", `{` + head + `"coef":[1e400],"intercept":0}`, "1e400"},
		{"bad options", `{` + head + `"coef":[1],"intercept":0,"options":{"epochs":1.5}}`, "epochs"},
	}
	for _, c := range cases {
		_, err := Load(strings.NewReader(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "linreg: ") {
			t.Errorf("%s: Load error %v, want one starting \"linreg: \" and containing %q", c.name, err, c.want)
		}
	}
	// A failed UnmarshalJSON leaves the model as it was.
	m := goldenModel()
	if err := m.UnmarshalJSON([]byte(`{"format":"lanes.linreg.Model","version":1,"coef":[1,2],"intercept":0,"features":["a"]}`)); err == nil {
		t.Error("no error")
	}
	sameModel(t, "after a failed UnmarshalJSON", m, goldenModel())
}

func TestJSONMarshalRejects(t *testing.T) {
	cases := []struct {
		name string
		m    Model
		want string
	}{
		{"NaN coef", Model{Coef: []float64{1, math.NaN()}}, "coef[1] is NaN"},
		{"Inf intercept", Model{Intercept: math.Inf(-1)}, "intercept is -Inf"},
		{"NaN loss", Model{Summary: Summary{Loss: math.NaN()}}, "summary.loss is NaN"},
		{"Inf tol", Model{Options: ModelOptions{Tol: math.Inf(1)}}, "options.tol is +Inf"},
		{"features", Model{Coef: []float64{1, 2}, Features: []string{"a"}}, "1 features for 2 coefficients"},
		{"UTF-8", Model{Coef: []float64{1}, Features: []string{"\xff"}}, "features[0]"},
		{"UTF-8 summary", Model{Summary: Summary{Version: "v\xfe"}}, "not valid UTF-8"},
	}
	for _, c := range cases {
		if _, err := json.Marshal(c.m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Marshal error %v, want one containing %q", c.name, err, c.want)
		}
		if err := c.m.Save(new(bytes.Buffer)); err == nil || !strings.HasPrefix(err.Error(), "linreg: cannot encode the model: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Save error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestJSONCoversFields fails when Model, ModelOptions, Summary, Inference
// or Term gain a field that json.go does not know about: decide whether
// it belongs in the format (and in testdata/model_v1.json), then update
// this test.
func TestJSONCoversFields(t *testing.T) {
	names := func(v any) []string {
		var n []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			n = append(n, typ.Field(i).Name)
		}
		return n
	}
	if got, want := names(Model{}), []string{"Coef", "Intercept", "Features", "Options", "Summary", "History", "ValHistory", "Inference"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Model fields %v, json.go knows %v", got, want)
	}
	// inferenceJSON writes the terms last, and perfect_fit after cond.
	if got, want := names(Inference{}), names(inferenceJSON{}); !reflect.DeepEqual(sorted(got), sorted(want)) {
		t.Errorf("Inference fields %v, inferenceJSON %v", got, want)
	}
	if got, want := names(Term{}), names(termJSON{}); !reflect.DeepEqual(got, want) {
		t.Errorf("Term fields %v, termJSON %v", got, want)
	}
	if got, want := names(ModelOptions{}), names(optionsJSON{}); !reflect.DeepEqual(got, want) {
		t.Errorf("ModelOptions fields %v, optionsJSON %v", got, want)
	}
	if got, want := names(Summary{}), names(summaryJSON{}); !reflect.DeepEqual(got, want) {
		t.Errorf("Summary fields %v, summaryJSON %v", got, want)
	}
	// A model with every field set survives the round trip.
	m := goldenModel()
	m.Options.BatchSize, m.Options.L2, m.Options.Epochs = 64, 0.25, 7
	valMSE := 0.0625
	m.Summary.ValMSE = &valMSE
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var got Model
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	sameModel(t, "every field", &got, m)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestJSONEngine: a fit records the engine that trained it, the JSON
// carries it, and a model of the first engine (no "engine" or "r2"
// member, testdata/model_v1_engine1.json) reads back as engine 0, R² 0.
func TestJSONEngine(t *testing.T) {
	x, y := realWorld(200, 3, 0.5, 4)
	m, err := Regressor{Method: Exact}.Fit(context.Background(), x, y)
	if err != nil {
		t.Fatal(err)
	}
	if m.Summary.Engine != Engine || Engine < 2 {
		t.Fatalf("Summary.Engine = %d, want %d (≥ 2)", m.Summary.Engine, Engine)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("\"engine\": %d", Engine); !strings.Contains(buf.String(), want) {
		t.Errorf("saved model lacks %s:\n%s", want, buf.String())
	}
	old, err := os.ReadFile("testdata/model_v1_engine1.json")
	if err != nil {
		t.Fatal(err)
	}
	first, err := Load(bytes.NewReader(old))
	if err != nil || first.Summary.Engine != 0 || first.Summary.R2 != 0 {
		t.Errorf("a model of the first engine: engine %d, R² %v, err %v; want 0, 0", first.Summary.Engine, first.Summary.R2, err)
	}
	if r2, err := m.Score(x, y); err != nil || math.Abs(r2-m.Summary.R2) > 1e-12 {
		t.Errorf("Summary.R2 = %v, Score %v (%v)", m.Summary.R2, r2, err)
	}
}
