package golden

import (
	"math"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	f := Files{Table: "t.txt", Hash: "h.txt", Header: "# header\n", Command: "go test -update-golden"}
	want := Table(f.Header, []string{"a", "b", "c"}, func(c string) (string, string) { return "case " + c, Hash([]float64{1}) })
	for _, c := range []struct {
		name, got string
		mismatch  bool
		wants     []string
	}{
		{"same", want, false, []string{"t.txt matches these results but h.txt is not its hash", "go test -update-golden"}},
		{"value", strings.Replace(want, "case b #", "case b #0", 1) + "case d #1\n", true,
			[]string{"3 lines of the table differ from t.txt; the first is line 3:\n\tcase b\n\twant #", "\n\tgot  #0"}},
		{"case", strings.Replace(want, "case b", "case x", 1), false, []string{"line 3 of t.txt is not this test's case"}},
		// A case appended (a new kernel): the first difference is the
		// committed table's empty last line, which used to panic.
		{"appended", want + "case d #1\n", false, []string{"t.txt"}},
	} {
		msg, m := f.Diff(want, c.got, "test")
		for _, w := range c.wants {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q does not contain %q", c.name, msg, w)
			}
		}
		if (m != nil) != c.mismatch || m != nil && (m.Case != 1 || m.Desc != "case b") {
			t.Errorf("%s: mismatch %+v", c.name, m)
		}
	}
}

func TestValues(t *testing.T) {
	// The records of the committed tables: a change here changes them all.
	if got := Hash([]float64{1, math.NaN(), math.Copysign(0, -1)}); got != Hash([]float64{1, math.Float64frombits(0xfff8_0000_0000_0001), math.Copysign(0, -1)}) {
		t.Errorf("NaNs hash apart: %s", got)
	}
	if Hash([]float64{0}) == Hash([]float64{math.Copysign(0, -1)}) {
		t.Error("±0 hash alike")
	}
	if got, want := Sum(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; got != want {
		t.Errorf("Sum(\"\") = %s, want %s", got, want)
	}
	a := []Field{{Name: "x", V: []float64{1, 2}}, {Name: "err", Text: "e"}}
	b := []Field{{Name: "x", V: []float64{1, math.Nextafter(2, 3)}}, {Name: "err", Text: "e"}}
	if HashFields(a) == HashFields(b) {
		t.Error("fields one ulp apart hash alike")
	}
	if d := FieldDiff(a, b, "A", "B"); !strings.HasPrefix(d, "x[1] is 2 (0x4000000000000000) with A, ") {
		t.Errorf("FieldDiff: %q", d)
	}
	if d := FieldDiff(a, a, "A", "B"); d != "" {
		t.Errorf("FieldDiff of equal records: %q", d)
	}
	r, s := NewRNG("case", 1), NewRNG("case", 1)
	for range 100 {
		if x, y := r.Normal(-3, 3), s.Normal(-3, 3); math.Float64bits(x) != math.Float64bits(y) || math.Abs(x) < 0x1p-3 || math.Abs(x) >= 0x1p4 {
			t.Fatalf("Normal(-3, 3): %v, %v", x, y)
		}
	}
}
