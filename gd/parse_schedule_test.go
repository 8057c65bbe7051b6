package gd

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseSchedule(t *testing.T) {
	for _, c := range []struct {
		spec  string
		base  float64
		total int
		want  Schedule
	}{
		{"constant", 0.01, 1000, Constant(0.01)},
		{"constant:base=0.5", 0.01, 1000, Constant(0.5)},
		{"constant:base=0.5", 0, 0, Constant(0.5)},
		{" constant : base = 2e-3 ", 0, 0, Constant(2e-3)},
		{"warmup-linear:warmup=100,decay=500,total=1000,final=0", 0.1, 50,
			WarmupLinear{Base: 0.1, Warmup: 100, DecayStart: 500, Total: 1000}},
		{"warmup-linear:warmup=100", 0.1, 1000,
			WarmupLinear{Base: 0.1, Warmup: 100, DecayStart: 100, Total: 1000}},
		{"warmup-linear", 0.1, 1000, WarmupLinear{Base: 0.1, Total: 1000}},
		{"warmup-linear:final=0.001,base=0.2,decay=10,total=20", 0.1, 0,
			WarmupLinear{Base: 0.2, Final: 0.001, DecayStart: 10, Total: 20}},
		{"step:every=100,factor=0.5", 0.1, 0, StepDecay{Base: 0.1, Every: 100, Factor: 0.5}},
		{"step:factor=1,every=1,base=3", 0, 0, StepDecay{Base: 3, Every: 1, Factor: 1}},
		{"exponential:decay=0.999", 0.1, 0, Exponential{Base: 0.1, Decay: 0.999}},
		{"exponential:decay=0.5,base=1", 0.1, 0, Exponential{Base: 1, Decay: 0.5}},
		{"inverse-scaling", 0.1, 0, InverseScaling{Eta0: 0.1, Power: 0.25}},
		{"inverse-scaling:power=0.5,eta0=0.01", 0.1, 0, InverseScaling{Eta0: 0.01, Power: 0.5}},
		{"inverse-scaling:base=0.02,power=0", 0, 0, InverseScaling{Eta0: 0.02, Power: 0}},
		{"cosine", 0.1, 500, Cosine{Base: 0.1, Total: 500}},
		{"cosine:min=1e-4,warmup=50", 0.1, 500, Cosine{Base: 0.1, Min: 1e-4, Warmup: 50, Total: 500}},
		{"cosine:total=100,min=0.01,warmup=10,base=1", 0, 0, Cosine{Base: 1, Min: 0.01, Warmup: 10, Total: 100}},
	} {
		got, err := ParseSchedule(c.spec, c.base, c.total)
		if err != nil {
			t.Errorf("ParseSchedule(%q, %v, %d): %v", c.spec, c.base, c.total, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSchedule(%q, %v, %d) = %#v, want %#v", c.spec, c.base, c.total, got, c.want)
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, c := range []struct {
		spec  string
		base  float64
		total int
		want  string // the error's Msg
	}{
		// unknown names
		{"", 0.1, 100, `unknown schedule "" (valid: constant, warmup-linear, step, exponential, inverse-scaling, cosine)`},
		{"linear", 0.1, 100, `unknown schedule "linear" (valid: constant, warmup-linear, step, exponential, inverse-scaling, cosine)`},
		{"Cosine", 0.1, 100, `unknown schedule "Cosine" (valid: constant, warmup-linear, step, exponential, inverse-scaling, cosine)`},
		// unknown keys
		{"constant:rate=1", 0.1, 100, `unknown key "rate" for constant (its keys: base)`},
		{"cosine:steps=5", 0.1, 100, `unknown key "steps" for cosine (its keys: total, min, warmup, base)`},
		{"warmup-linear:decay_start=5", 0.1, 100, `unknown key "decay_start" for warmup-linear (its keys: warmup, decay, total, final, base)`},
		{"exponential:decay=0.9,factor=0.5", 0.1, 100, `unknown key "factor" for exponential (its keys: decay, base)`},
		{"inverse-scaling:t=1", 0.1, 100, `unknown key "t" for inverse-scaling (its keys: power, eta0, base)`},
		{"step:Every=1", 0.1, 100, `unknown key "Every" for step (its keys: every, factor, base)`},
		// missing =
		{"step:every", 0.1, 100, `"every" is not key=value`},
		{"cosine:total=5,", 0.1, 100, "empty setting (want key=value,key=value)"},
		{"cosine:", 0.1, 100, "empty setting (want key=value,key=value)"},
		// bad numbers
		{"step:every=1.5,factor=0.5", 0.1, 100, "every=1.5: not an integer"},
		{"cosine:total=abc", 0.1, 100, "total=abc: not an integer"},
		{"warmup-linear:warmup=", 0.1, 100, "warmup=: not an integer"},
		{"warmup-linear:decay=1e3", 0.1, 100, "decay=1e3: not an integer"},
		{"exponential:decay=x", 0.1, 100, "decay=x: not a finite number"},
		{"constant:base=NaN", 0.1, 100, "base=NaN: not a finite number"},
		{"cosine:min=inf", 0.1, 100, "min=inf: not a finite number"},
		{"inverse-scaling:eta0=0.1.2", 0, 100, "eta0=0.1.2: not a finite number"},
		{"inverse-scaling:base=", 0, 100, "base=: not a finite number"},
		// the first bad value is the one reported, in the order of the fields
		{"warmup-linear:total=x,warmup=y", 0.1, 100, "warmup=y: not an integer"},
		// duplicates
		{"cosine:total=5,total=6", 0.1, 100, "key total given twice"},
		{"inverse-scaling:eta0=1,base=2", 0, 100, "both eta0 and base given (they are the same key)"},
		{"constant:base=1,base=1", 0, 100, "key base given twice"},
		// missing required keys
		{"step:factor=0.5", 0.1, 100, "step needs every=N"},
		{"step:every=10", 0.1, 100, "step needs factor=X"},
		{"exponential", 0.1, 100, "exponential needs decay=X"},
		{"cosine", 0.1, 0, "cosine needs total=N (the run's step count is not known)"},
		{"warmup-linear:warmup=5", 0.1, 0, "warmup-linear needs total=N (the run's step count is not known)"},
		// Validate, in the keys' names
		{"constant:base=0", 0.1, 100, "base must be > 0 and finite, got 0"},
		{"constant", -1, 100, "base must be > 0 and finite, got -1"},
		{"warmup-linear:warmup=100,decay=50", 0.1, 1000, "warmup (100) > decay (50)"},
		{"warmup-linear:warmup=100", 0.1, 50, "decay (100) > total (50)"},
		{"warmup-linear:warmup=-1", 0.1, 50, "warmup must be >= 0, got -1"},
		{"warmup-linear:final=-1", 0.1, 50, "final must be >= 0 and finite, got -1"},
		{"step:every=0,factor=0.5", 0.1, 100, "every must be >= 1, got 0"},
		{"step:every=10,factor=2", 0.1, 100, "factor must be in (0, 1], got 2"},
		{"exponential:decay=0", 0.1, 100, "decay must be in (0, 1], got 0"},
		{"inverse-scaling:power=-1", 0.1, 100, "power must be >= 0 and finite, got -1"},
		{"inverse-scaling:eta0=-1", 0.1, 100, "eta0 must be > 0 and finite, got -1"},
		{"cosine:min=1", 0.1, 100, "min (1) > base (0.1)"},
		{"cosine:total=0", 0.1, 100, "total must be >= 1, got 0"},
		{"cosine:warmup=200", 0.1, 100, "warmup (200) > total (100)"},
	} {
		s, err := ParseSchedule(c.spec, c.base, c.total)
		if err == nil {
			t.Errorf("ParseSchedule(%q, %v, %d) = %#v, want an error", c.spec, c.base, c.total, s)
			continue
		}
		var se *ScheduleSpecError
		if !errors.As(err, &se) {
			t.Errorf("ParseSchedule(%q): %v is not a *ScheduleSpecError", c.spec, err)
			continue
		}
		if se.Spec != c.spec || se.Msg != c.want || se.NeedsBase != "" {
			t.Errorf("ParseSchedule(%q): %#v, want Msg %q", c.spec, se, c.want)
		}
		if want := "gd: schedule " + strconv.Quote(c.spec) + ": " + c.want; err.Error() != want {
			t.Errorf("ParseSchedule(%q): %q, want %q", c.spec, err, want)
		}
		if !errors.Is(err, ErrConfig) {
			t.Errorf("ParseSchedule(%q): %v does not wrap ErrConfig", c.spec, err)
		}
	}
}

// TestParseScheduleNeedsBase: without a base rate from the spec or the
// argument, the error names the key that would give one.
func TestParseScheduleNeedsBase(t *testing.T) {
	for _, c := range []struct {
		spec  string
		total int
		key   string
	}{
		{"constant", 100, "base"},
		{"cosine:total=10", 0, "base"},
		{"step:every=1,factor=0.5", 0, "base"},
		{"exponential:decay=0.5", 0, "base"},
		{"warmup-linear:total=10", 0, "base"},
		{"inverse-scaling", 0, "eta0"},
	} {
		_, err := ParseSchedule(c.spec, 0, c.total)
		var se *ScheduleSpecError
		if !errors.As(err, &se) || se.NeedsBase != c.key || se.Msg != "needs a base rate: give "+c.key+"=X" {
			t.Errorf("ParseSchedule(%q, 0, %d): %#v, want NeedsBase %q", c.spec, c.total, err, c.key)
		}
	}
	// An error before the base is looked at is that error.
	_, err := ParseSchedule("cosine:min=x", 0, 100)
	var se *ScheduleSpecError
	if !errors.As(err, &se) || se.NeedsBase != "" || se.Msg != "min=x: not a finite number" {
		t.Errorf(`ParseSchedule("cosine:min=x", 0, 100): %#v`, err)
	}
}

// TestParseScheduleDoc checks that ParseSchedule's doc, the reference of
// the syntax, names every schedule and, on its lines, every key, and that
// its examples parse.
func TestParseScheduleDoc(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "parse_schedule.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "ParseSchedule" {
			doc = fn.Doc.Text()
		}
	}
	if doc == "" {
		t.Fatal("ParseSchedule has no doc")
	}
	lines := strings.Split(doc, "\n")
	for _, k := range specKinds {
		// The table row of k: its line, and the continuation lines below,
		// which start with spaces.
		row := ""
		for i, l := range lines {
			if strings.HasPrefix(l, "\t"+k.name+" ") {
				row = l
				for _, c := range lines[i+1:] {
					if !strings.HasPrefix(c, "\t ") {
						break
					}
					row += c
				}
			}
		}
		if row == "" {
			t.Errorf("the doc has no row for %s", k.name)
			continue
		}
		keyColumn := strings.Fields(row)
		for _, key := range k.keys {
			found := false
			for _, f := range keyColumn {
				found = found || f == key || strings.HasPrefix(f, key+"=")
			}
			if !found && !(k.name == "inverse-scaling" && key == "base") { // base is eta0's other name, said in the text
				t.Errorf("the doc's row of %s does not name its key %s: %q", k.name, key, row)
			}
		}
	}
	examples := 0
	for _, l := range lines {
		if s, ok := strings.CutPrefix(l, "\t"); ok && !strings.Contains(s, " ") && s != "" {
			examples++
			if _, err := ParseSchedule(s, 0.1, 1000); err != nil {
				t.Errorf("the doc's example: %v", err)
			}
		}
	}
	if examples < 4 {
		t.Errorf("the doc has %d examples, want 4", examples)
	}
}

func ExampleParseSchedule() {
	// A run of 1000 steps at a base rate of 0.1 (a flag's value, say).
	s, err := ParseSchedule("warmup-linear:warmup=100,decay=500", 0.1, 1000)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", s)
	for _, step := range []int{0, 99, 500, 750, 1000} {
		fmt.Printf("step %4d: %.4g\n", step, s.Rate(step))
	}
	_, err = ParseSchedule("cosine:min=1", 0.1, 1000)
	fmt.Println(err)
	// Output:
	// {Base:0.1 Final:0 Warmup:100 DecayStart:500 Total:1000}
	// step    0: 0.001
	// step   99: 0.1
	// step  500: 0.1
	// step  750: 0.05
	// step 1000: 0
	// gd: schedule "cosine:min=1": min (1) > base (0.1)
}
