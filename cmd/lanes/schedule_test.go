package main

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gd"
)

func TestParseSchedule(t *testing.T) {
	for _, c := range []struct {
		spec  string
		base  float64
		total int
		want  gd.Schedule
	}{
		{"constant", 0.01, 1000, gd.Constant(0.01)},
		{"constant:base=0.5", 0.01, 1000, gd.Constant(0.5)},
		{"constant:base=0.5", 0, 0, gd.Constant(0.5)},
		{" constant : base = 2e-3 ", 0, 0, gd.Constant(2e-3)},
		{"warmup-linear:warmup=100,decay=500,total=1000,final=0", 0.1, 50,
			gd.WarmupLinear{Base: 0.1, Warmup: 100, DecayStart: 500, Total: 1000}},
		{"warmup-linear:warmup=100", 0.1, 1000,
			gd.WarmupLinear{Base: 0.1, Warmup: 100, DecayStart: 100, Total: 1000}},
		{"warmup-linear", 0.1, 1000, gd.WarmupLinear{Base: 0.1, Total: 1000}},
		{"warmup-linear:final=0.001,base=0.2,decay=10,total=20", 0.1, 0,
			gd.WarmupLinear{Base: 0.2, Final: 0.001, DecayStart: 10, Total: 20}},
		{"step:every=100,factor=0.5", 0.1, 0, gd.StepDecay{Base: 0.1, Every: 100, Factor: 0.5}},
		{"step:factor=1,every=1,base=3", 0, 0, gd.StepDecay{Base: 3, Every: 1, Factor: 1}},
		{"exponential:decay=0.999", 0.1, 0, gd.Exponential{Base: 0.1, Decay: 0.999}},
		{"exponential:decay=0.5,base=1", 0.1, 0, gd.Exponential{Base: 1, Decay: 0.5}},
		{"inverse-scaling", 0.1, 0, gd.InverseScaling{Eta0: 0.1, Power: 0.25}},
		{"inverse-scaling:power=0.5,eta0=0.01", 0.1, 0, gd.InverseScaling{Eta0: 0.01, Power: 0.5}},
		{"inverse-scaling:base=0.02,power=0", 0, 0, gd.InverseScaling{Eta0: 0.02, Power: 0}},
		{"cosine", 0.1, 500, gd.Cosine{Base: 0.1, Total: 500}},
		{"cosine:min=1e-4,warmup=50", 0.1, 500, gd.Cosine{Base: 0.1, Min: 1e-4, Warmup: 50, Total: 500}},
		{"cosine:total=100,min=0.01,warmup=10,base=1", 0, 0, gd.Cosine{Base: 1, Min: 0.01, Warmup: 10, Total: 100}},
	} {
		got, err := parseSchedule(c.spec, c.base, c.total)
		if err != nil {
			t.Errorf("parseSchedule(%q, %v, %d): %v", c.spec, c.base, c.total, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseSchedule(%q, %v, %d) = %#v, want %#v", c.spec, c.base, c.total, got, c.want)
		}
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, c := range []struct {
		spec  string
		base  float64
		total int
		want  []string // substrings of the error
	}{
		// unknown names
		{"", 0.1, 100, []string{`unknown schedule ""`, "constant, warmup-linear, step, exponential, inverse-scaling, cosine"}},
		{"linear", 0.1, 100, []string{`"linear"`, `unknown schedule "linear"`, "valid: constant, warmup-linear"}},
		{"Cosine", 0.1, 100, []string{`unknown schedule "Cosine"`}},
		// unknown keys
		{"constant:rate=1", 0.1, 100, []string{`"constant:rate=1"`, `unknown key "rate" for constant`, "its keys: base"}},
		{"cosine:steps=5", 0.1, 100, []string{`unknown key "steps" for cosine`, "its keys: total, min, warmup, base"}},
		{"warmup-linear:decay_start=5", 0.1, 100, []string{`unknown key "decay_start"`, "warmup, decay, total, final, base"}},
		{"exponential:decay=0.9,factor=0.5", 0.1, 100, []string{`unknown key "factor" for exponential`}},
		{"inverse-scaling:t=1", 0.1, 100, []string{`unknown key "t"`, "power, eta0, base"}},
		// missing =
		{"step:every", 0.1, 100, []string{`"every" is not key=value`}},
		{"cosine:total=5,", 0.1, 100, []string{"empty setting"}},
		{"cosine:", 0.1, 100, []string{"empty setting"}},
		// bad numbers
		{"step:every=1.5,factor=0.5", 0.1, 100, []string{"every=1.5: not an integer"}},
		{"cosine:total=abc", 0.1, 100, []string{"total=abc: not an integer"}},
		{"warmup-linear:warmup=", 0.1, 100, []string{"warmup=: not an integer"}},
		{"warmup-linear:decay=1e3", 0.1, 100, []string{"decay=1e3: not an integer"}},
		{"exponential:decay=x", 0.1, 100, []string{"decay=x: not a finite number"}},
		{"constant:base=NaN", 0.1, 100, []string{"base=NaN: not a finite number"}},
		{"cosine:min=inf", 0.1, 100, []string{"min=inf: not a finite number"}},
		{"inverse-scaling:eta0=0.1.2", 0, 100, []string{"eta0=0.1.2: not a finite number"}},
		{"inverse-scaling:base=", 0, 100, []string{"base=: not a finite number"}},
		// duplicates
		{"cosine:total=5,total=6", 0.1, 100, []string{"key total given twice"}},
		{"inverse-scaling:eta0=1,base=2", 0, 100, []string{"both eta0 and base given"}},
		{"constant:base=1,base=1", 0, 100, []string{"key base given twice"}},
		// missing required keys
		{"step:factor=0.5", 0.1, 100, []string{"step needs every=N"}},
		{"step:every=10", 0.1, 100, []string{"step needs factor=X"}},
		{"exponential", 0.1, 100, []string{"exponential needs decay=X"}},
		{"cosine", 0.1, 0, []string{"cosine needs total=N"}},
		{"warmup-linear:warmup=5", 0.1, 0, []string{"warmup-linear needs total=N"}},
		// missing base
		{"constant", 0, 100, []string{`--schedule "constant" needs a base rate: give --lr X or base=X`}},
		{"cosine:total=10", 0, 0, []string{"needs a base rate: give --lr X or base=X"}},
		{"inverse-scaling", 0, 0, []string{"needs a base rate: give --lr X or eta0=X"}},
		// Validate, in the keys' names
		{"constant:base=0", 0.1, 100, []string{`"constant:base=0"`, "base must be > 0"}},
		{"constant", -1, 100, []string{"base must be > 0"}},
		{"warmup-linear:warmup=100,decay=50", 0.1, 1000, []string{"warmup (100) > decay (50)"}},
		{"warmup-linear:warmup=100", 0.1, 50, []string{"decay (100) > total (50)"}},
		{"warmup-linear:warmup=-1", 0.1, 50, []string{"warmup must be >= 0, got -1"}},
		{"warmup-linear:final=-1", 0.1, 50, []string{"final must be >= 0"}},
		{"step:every=0,factor=0.5", 0.1, 100, []string{"every must be >= 1, got 0"}},
		{"step:every=10,factor=2", 0.1, 100, []string{"factor must be in (0, 1], got 2"}},
		{"exponential:decay=0", 0.1, 100, []string{"decay must be in (0, 1], got 0"}},
		{"inverse-scaling:power=-1", 0.1, 100, []string{"power must be >= 0"}},
		{"inverse-scaling:eta0=-1", 0.1, 100, []string{"eta0 must be > 0"}},
		{"cosine:min=1", 0.1, 100, []string{"min (1) > base (0.1)"}},
		{"cosine:total=0", 0.1, 100, []string{"total must be >= 1, got 0"}},
		{"cosine:warmup=200", 0.1, 100, []string{"warmup (200) > total (100)"}},
	} {
		s, err := parseSchedule(c.spec, c.base, c.total)
		if err == nil {
			t.Errorf("parseSchedule(%q, %v, %d) = %#v, want an error", c.spec, c.base, c.total, s)
			continue
		}
		if !isUsage(err) {
			t.Errorf("parseSchedule(%q): %v is not a usage error", c.spec, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "--schedule "+strconv.Quote(c.spec)) {
			t.Errorf("parseSchedule(%q): %q does not name the spec", c.spec, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("parseSchedule(%q): %q does not contain %q", c.spec, msg, w)
			}
		}
		if strings.Contains(msg, "gd: invalid configuration") {
			t.Errorf("parseSchedule(%q): %q keeps gd's prefix", c.spec, msg)
		}
	}
}

// TestScheduleHelp checks that the help names every schedule and every
// key, and stays short.
func TestScheduleHelp(t *testing.T) {
	for _, k := range scheduleKinds {
		i := strings.Index(scheduleHelp, "\n  "+k.name+" ")
		if i < 0 {
			t.Errorf("scheduleHelp does not document %s", k.name)
			continue
		}
		line := scheduleHelp[i+1:]
		line = line[:strings.Index(line, "\n")]
		for _, key := range k.keys {
			if !strings.Contains(line, key) {
				t.Errorf("scheduleHelp's line of %s does not name its key %s: %q", k.name, key, line)
			}
		}
	}
	examples := strings.Fields(scheduleHelp[strings.Index(scheduleHelp, "Examples:"):])
	n := 0
	for i, f := range examples {
		if f == "--schedule" {
			n++
			if _, err := parseSchedule(examples[i+1], 0.1, 1000); err != nil {
				t.Errorf("scheduleHelp's example: %v", err)
			}
		}
	}
	if n < 3 {
		t.Errorf("scheduleHelp has %d examples", n)
	}
	if n := strings.Count(scheduleHelp, "\n"); n > 16 {
		t.Errorf("scheduleHelp has %d lines", n)
	}
	for _, line := range strings.Split(scheduleHelp, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("scheduleHelp line of %d characters: %q", n, line)
		}
	}
}
