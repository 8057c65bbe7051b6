package linreg

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestLoadEmpty: an empty model file, or one of white space only, is
// ErrEmptyModel ("linreg: empty model file"), not encoding/json's
// "unexpected end of JSON input", from Load and from UnmarshalJSON; the
// model UnmarshalJSON was given is left as it was.
func TestLoadEmpty(t *testing.T) {
	for _, doc := range []string{"", " ", "\n", " \t\r\n  \n"} {
		m, err := Load(strings.NewReader(doc))
		if !errors.Is(err, ErrEmptyModel) || m != nil || err.Error() != "linreg: empty model file" {
			t.Errorf("Load(%q) = %v, %v; want no model and ErrEmptyModel", doc, m, err)
		}
		got := goldenModel()
		if err := got.UnmarshalJSON([]byte(doc)); !errors.Is(err, ErrEmptyModel) {
			t.Errorf("UnmarshalJSON(%q) = %v, want ErrEmptyModel", doc, err)
		}
		sameModel(t, "after UnmarshalJSON of empty input", got, goldenModel())
	}
	// Not empty: the errors they were.
	for _, doc := range []string{"{", "nul", "\x00"} {
		if _, err := Load(strings.NewReader(doc)); err == nil || errors.Is(err, ErrEmptyModel) {
			t.Errorf("Load(%q) = %v, want an error other than ErrEmptyModel", doc, err)
		}
	}
}

// TestJSONDuplicateFeatures: a model document naming two columns alike
// is refused by Load and UnmarshalJSON, naming the name and both
// positions; MarshalJSON and Save refuse to write one.
func TestJSONDuplicateFeatures(t *testing.T) {
	const head = `{"format":"lanes.linreg.Model","version":1,"coef":[1,2,3,4],"intercept":0,"features":`
	for _, c := range []struct{ features, want string }{
		{`["x","y","x","z"]`, `features[0] and features[2] are both "x"`},
		{`["x","y","z","z"]`, `features[2] and features[3] are both "z"`},
		{`["é","e\u0301","\u00e9","q"]`, `features[0] and features[2] are both "é"`}, // the same string, escaped
	} {
		doc := head + c.features + "}"
		m, err := Load(strings.NewReader(doc))
		if err == nil || m != nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "linreg: model JSON: ") {
			t.Errorf("Load %s: model %v, err %v; want an error saying %s", c.features, m, err, c.want)
		}
		got := goldenModel()
		if err := json.Unmarshal([]byte(doc), got); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("json.Unmarshal %s: err %v; want one saying %s", c.features, err, c.want)
		}
		sameModel(t, "after a refused document", got, goldenModel())
	}
	// Distinct names, "é" precomposed and decomposed among them, load.
	if _, err := Load(strings.NewReader(head + `["é","e\u0301","E","e"]}`)); err != nil {
		t.Errorf("distinct names: %v", err)
	}

	m := goldenModel()
	m.Features[3] = m.Features[1]
	want := `features[1] and features[3] are both "dose µg"`
	if _, err := json.Marshal(m); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Marshal: err %v, want one saying %s", err, want)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err == nil || !strings.Contains(err.Error(), want) || buf.Len() != 0 {
		t.Errorf("Save: err %v after writing %d bytes; want one saying %s, nothing written", err, buf.Len(), want)
	}
}
