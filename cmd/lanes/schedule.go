package main

import (
	"math"
	"strconv"
	"strings"

	"github.com/lanes-go/lanes/gd"
)

// scheduleHelp is the documentation of the --schedule syntax, printed in
// fit's and demo's -h.
const scheduleHelp = `Schedules: --schedule NAME or NAME:key=value,key=value. Steps count from 0
over the whole run; base defaults to --lr; total defaults to the run's steps.
  constant          base
  warmup-linear     warmup=0 decay=warmup total final=0 base: rises linearly
                    to base over warmup steps, holds it until step decay,
                    then falls linearly to final at step total
  step              every=N factor=F base: base·factor^⌊t/every⌋
  exponential       decay=F base: base·decay^t
  inverse-scaling   power=0.25 eta0 (or base): eta0/(t+1)^power
  cosine            total min=0 warmup=0 base: a linear warm-up to base, then
                    half a cosine down to min at step total
Examples:
  --schedule warmup-linear:warmup=100,decay=500,total=1000,final=0
  --schedule step:every=1000,factor=0.5    --schedule cosine:min=1e-4,warmup=50
`

// scheduleKind is one schedule name of --schedule.
type scheduleKind struct {
	name string
	keys []string // the keys it takes, in the order of scheduleHelp
	// fields renames the gd field names in Validate's errors to keys, as
	// pairs for strings.NewReplacer, qualified names first.
	fields []string
	build  func(a *scheduleArgs) gd.Schedule
}

var scheduleKinds = []scheduleKind{
	{
		name:   "constant",
		keys:   []string{"base"},
		fields: []string{"Constant rate", "base"},
		build:  func(a *scheduleArgs) gd.Schedule { return gd.Constant(a.base()) },
	},
	{
		name: "warmup-linear",
		keys: []string{"warmup", "decay", "total", "final", "base"},
		fields: []string{
			"WarmupLinear.Base", "base", "WarmupLinear.Final", "final", "WarmupLinear.Warmup", "warmup",
			"WarmupLinear.DecayStart", "decay", "WarmupLinear.Total", "total",
			"DecayStart", "decay", "Total", "total", "Warmup", "warmup",
		},
		build: func(a *scheduleArgs) gd.Schedule {
			s := gd.WarmupLinear{Warmup: a.intDefault("warmup", 0)}
			s.DecayStart = a.intDefault("decay", s.Warmup)
			s.Total = a.total()
			s.Final = a.floatDefault("final", 0)
			s.Base = a.base()
			return s
		},
	},
	{
		name: "step",
		keys: []string{"every", "factor", "base"},
		fields: []string{
			"StepDecay.Base", "base", "StepDecay.Factor", "factor", "StepDecay.Every", "every",
		},
		build: func(a *scheduleArgs) gd.Schedule {
			s := gd.StepDecay{Every: a.intRequired("every", "N"), Factor: a.floatRequired("factor")}
			s.Base = a.base()
			return s
		},
	},
	{
		name:   "exponential",
		keys:   []string{"decay", "base"},
		fields: []string{"Exponential.Base", "base", "Exponential.Decay", "decay"},
		build: func(a *scheduleArgs) gd.Schedule {
			s := gd.Exponential{Decay: a.floatRequired("decay")}
			s.Base = a.base()
			return s
		},
	},
	{
		name:   "inverse-scaling",
		keys:   []string{"power", "eta0", "base"},
		fields: []string{"InverseScaling.Eta0", "eta0", "InverseScaling.Power", "power"},
		build: func(a *scheduleArgs) gd.Schedule {
			// 0.25 is scikit-learn's default power_t.
			s := gd.InverseScaling{Power: a.floatDefault("power", 0.25)}
			s.Eta0 = a.base()
			return s
		},
	},
	{
		name: "cosine",
		keys: []string{"total", "min", "warmup", "base"},
		fields: []string{
			"Cosine.Base", "base", "Cosine.Min", "min", "Cosine.Total", "total", "Cosine.Warmup", "warmup",
			"Base", "base", "Total", "total",
		},
		build: func(a *scheduleArgs) gd.Schedule {
			s := gd.Cosine{Total: a.total(), Min: a.floatDefault("min", 0), Warmup: a.intDefault("warmup", 0)}
			s.Base = a.base()
			return s
		},
	},
}

// parseSchedule parses a --schedule SPEC into a gd.Schedule. base is the
// --lr value, 0 when --lr is "auto" or not given; a spec may set its own
// base with base=X (eta0=X for inverse-scaling), which takes precedence.
// totalSteps is the number of steps the run will take (epochs × steps
// per epoch), the default of total= for warmup-linear and cosine; 0 or
// less if not known, and then total= is required. Every error is a usage
// error that names the spec.
func parseSchedule(spec string, base float64, totalSteps int) (gd.Schedule, error) {
	name, params, hasParams := strings.Cut(spec, ":")
	name = strings.TrimSpace(name)
	var kind *scheduleKind
	for i := range scheduleKinds {
		if scheduleKinds[i].name == name {
			kind = &scheduleKinds[i]
		}
	}
	if kind == nil {
		return nil, usagef("--schedule %q: unknown schedule %q (valid: %s)", spec, name, scheduleNames())
	}
	a := &scheduleArgs{spec: spec, kind: kind, lr: base, totalSteps: totalSteps, vals: map[string]string{}, keys: map[string]string{}}
	if hasParams {
		for item := range strings.SplitSeq(params, ",") {
			if err := a.set(item); err != nil {
				return nil, err
			}
		}
	}
	s := kind.build(a)
	if a.err != nil {
		return nil, a.err
	}
	if v, ok := s.(gd.Validator); ok {
		if err := v.Validate(); err != nil {
			msg := strings.TrimPrefix(err.Error(), gd.ErrConfig.Error()+": ")
			msg = strings.NewReplacer(kind.fields...).Replace(msg)
			return nil, usagef("--schedule %q: %s", spec, msg)
		}
	}
	return s, nil
}

// scheduleNames lists the schedule names, for errors.
func scheduleNames() string {
	names := make([]string, len(scheduleKinds))
	for i, k := range scheduleKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// scheduleArgs holds the key=value settings of one spec while its schedule
// is built. The getters record the first error in err and return 0 after it.
type scheduleArgs struct {
	spec       string
	kind       *scheduleKind
	lr         float64
	totalSteps int
	vals       map[string]string // by canonical key: eta0 is stored as base
	keys       map[string]string // the key given, by canonical key
	err        error
}

// set records one key=value item of the spec.
func (a *scheduleArgs) set(item string) error {
	key, val, ok := strings.Cut(item, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if !ok {
		if key == "" {
			return usagef("--schedule %q: empty setting (want key=value,key=value)", a.spec)
		}
		return usagef("--schedule %q: %q is not key=value", a.spec, strings.TrimSpace(item))
	}
	known := false
	for _, k := range a.kind.keys {
		known = known || k == key
	}
	if !known {
		return usagef("--schedule %q: unknown key %q for %s (its keys: %s)", a.spec, key, a.kind.name, strings.Join(a.kind.keys, ", "))
	}
	canon := key
	if key == "eta0" {
		canon = "base"
	}
	if prev, dup := a.keys[canon]; dup {
		if prev != key {
			return usagef("--schedule %q: both %s and %s given (they are the same key)", a.spec, prev, key)
		}
		return usagef("--schedule %q: key %s given twice", a.spec, key)
	}
	a.vals[canon], a.keys[canon] = val, key
	return nil
}

// fail records err if it is the first.
func (a *scheduleArgs) fail(err error) {
	if a.err == nil {
		a.err = err
	}
}

// lookup returns the value of key as given.
func (a *scheduleArgs) lookup(key string) (string, bool) {
	v, ok := a.vals[key]
	return v, ok
}

// parseInt parses the value of a step-count key.
func (a *scheduleArgs) parseInt(key, v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		a.fail(usagef("--schedule %q: %s=%s: not an integer", a.spec, key, v))
		return 0
	}
	return n
}

// parseFloat parses the value of a rate or factor key.
func (a *scheduleArgs) parseFloat(key, v string) float64 {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		a.fail(usagef("--schedule %q: %s=%s: not a finite number", a.spec, key, v))
		return 0
	}
	return f
}

func (a *scheduleArgs) intDefault(key string, def int) int {
	if v, ok := a.lookup(key); ok {
		return a.parseInt(key, v)
	}
	return def
}

func (a *scheduleArgs) floatDefault(key string, def float64) float64 {
	if v, ok := a.lookup(key); ok {
		return a.parseFloat(key, v)
	}
	return def
}

func (a *scheduleArgs) intRequired(key, placeholder string) int {
	if v, ok := a.lookup(key); ok {
		return a.parseInt(key, v)
	}
	a.fail(usagef("--schedule %q: %s needs %s=%s", a.spec, a.kind.name, key, placeholder))
	return 0
}

func (a *scheduleArgs) floatRequired(key string) float64 {
	if v, ok := a.lookup(key); ok {
		return a.parseFloat(key, v)
	}
	a.fail(usagef("--schedule %q: %s needs %s=X", a.spec, a.kind.name, key))
	return 0
}

// total returns total=, or the run's step count.
func (a *scheduleArgs) total() int {
	if v, ok := a.lookup("total"); ok {
		return a.parseInt("total", v)
	}
	if a.totalSteps > 0 {
		return a.totalSteps
	}
	a.fail(usagef("--schedule %q: %s needs total=N (the run's step count is not known)", a.spec, a.kind.name))
	return 0
}

// base returns base= (or eta0=), or --lr.
func (a *scheduleArgs) base() float64 {
	if v, ok := a.lookup("base"); ok {
		return a.parseFloat(a.keys["base"], v)
	}
	name := "base"
	if a.kind.name == "inverse-scaling" {
		name = "eta0"
	}
	if a.lr != 0 {
		return a.lr
	}
	a.fail(usagef("--schedule %q needs a base rate: give --lr X or %s=X", a.spec, name))
	return 0
}
