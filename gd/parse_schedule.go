package gd

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseSchedule parses a learning-rate schedule written as text, such as
// the value of a command-line flag, as time.ParseDuration parses a
// duration:
//
//	cosine
//	warmup-linear:warmup=100,decay=500,total=1000,final=0
//	step:every=1000,factor=0.5
//	inverse-scaling:power=0.5,eta0=0.01
//
// A spec is the name of a schedule, then optionally a colon and
// key=value settings separated by commas, each key at most once. Spaces
// around the name, keys and values are ignored; names and keys must be
// written as here, in lower case. The names, their keys (with their
// defaults) and what they make:
//
//	constant          base                      Constant(base)
//	warmup-linear     warmup=0 decay=warmup     WarmupLinear{Base: base,
//	                  total final=0 base          Final: final, Warmup: warmup,
//	                                              DecayStart: decay, Total: total}
//	step              every factor base         StepDecay{Base: base,
//	                                              Factor: factor, Every: every}
//	exponential       decay base                Exponential{Base: base, Decay: decay}
//	inverse-scaling   power=0.25 eta0           InverseScaling{Eta0: eta0, Power: power}
//	cosine            total min=0 warmup=0      Cosine{Base: base, Min: min,
//	                  base                        Total: total, Warmup: warmup}
//
// The step counts (warmup, decay, total, every) are integers, as
// strconv.Atoi reads them; the rates and factors are finite numbers, as
// strconv.ParseFloat reads them. A key without a default is required,
// but for two: base (eta0 for inverse-scaling, which takes either name)
// defaults to the argument base when that is not 0, and total to the
// argument totalSteps when that is > 0 (the steps the run will take).
// 0.25 is scikit-learn's default power_t.
//
// The schedule is validated (see Validator) before it is returned. Every
// error is a *ScheduleSpecError, which names the spec and says what is
// wrong in the spec's own keys: "cosine:min=1" with base 0.1 (and
// totalSteps 1000) gives
//
//	gd: schedule "cosine:min=1": min (1) > base (0.1)
func ParseSchedule(spec string, base float64, totalSteps int) (Schedule, error) {
	name, settings, hasSettings := strings.Cut(spec, ":")
	name = strings.TrimSpace(name)
	var kind *specKind
	for i := range specKinds {
		if specKinds[i].name == name {
			kind = &specKinds[i]
		}
	}
	if kind == nil {
		return nil, specError(spec, "unknown schedule %q (valid: %s)", name, specKindNames())
	}
	a := &specArgs{spec: spec, kind: kind, baseArg: base, totalArg: totalSteps, vals: map[string]string{}, keys: map[string]string{}}
	if hasSettings {
		for item := range strings.SplitSeq(settings, ",") {
			if err := a.set(item); err != nil {
				return nil, err
			}
		}
	}
	s := kind.build(a)
	if a.err != nil {
		return nil, a.err
	}
	if v, ok := s.(Validator); ok {
		if err := v.Validate(); err != nil {
			// Validate names the fields of the Go type; say it in the
			// spec's keys.
			msg := strings.TrimPrefix(err.Error(), ErrConfig.Error()+": ")
			return nil, &ScheduleSpecError{Spec: spec, Msg: strings.NewReplacer(kind.fields...).Replace(msg)}
		}
	}
	return s, nil
}

// A ScheduleSpecError is the error of ParseSchedule. It wraps ErrConfig.
type ScheduleSpecError struct {
	Spec string // the spec, as given
	Msg  string // what is wrong, in the spec's keys: `unknown key "rate" for constant (its keys: base)`
	// NeedsBase is the key that sets the base rate, "base" or "eta0",
	// when what is wrong is that neither the spec nor the argument base
	// gives one; else "". A caller that fills the argument from an option
	// of its own can then name that option too.
	NeedsBase string
}

func (e *ScheduleSpecError) Error() string {
	return "gd: schedule " + strconv.Quote(e.Spec) + ": " + e.Msg
}

// Unwrap returns ErrConfig.
func (e *ScheduleSpecError) Unwrap() error { return ErrConfig }

func specError(spec, format string, args ...any) *ScheduleSpecError {
	return &ScheduleSpecError{Spec: spec, Msg: fmt.Sprintf(format, args...)}
}

// specKind is one schedule name of ParseSchedule.
type specKind struct {
	name string
	keys []string // the keys it takes, in the order of ParseSchedule's doc
	// fields renames the field names of Validate's errors to keys, as
	// pairs for strings.NewReplacer, qualified names first.
	fields []string
	build  func(a *specArgs) Schedule
}

var specKinds = []specKind{
	{
		name:   "constant",
		keys:   []string{"base"},
		fields: []string{"Constant rate", "base"},
		build:  func(a *specArgs) Schedule { return Constant(a.base()) },
	},
	{
		name: "warmup-linear",
		keys: []string{"warmup", "decay", "total", "final", "base"},
		fields: []string{
			"WarmupLinear.Base", "base", "WarmupLinear.Final", "final", "WarmupLinear.Warmup", "warmup",
			"WarmupLinear.DecayStart", "decay", "WarmupLinear.Total", "total",
			"DecayStart", "decay", "Total", "total", "Warmup", "warmup",
		},
		build: func(a *specArgs) Schedule {
			s := WarmupLinear{Warmup: a.intDefault("warmup", 0)}
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
		build: func(a *specArgs) Schedule {
			s := StepDecay{Every: a.intRequired("every"), Factor: a.floatRequired("factor")}
			s.Base = a.base()
			return s
		},
	},
	{
		name:   "exponential",
		keys:   []string{"decay", "base"},
		fields: []string{"Exponential.Base", "base", "Exponential.Decay", "decay"},
		build: func(a *specArgs) Schedule {
			s := Exponential{Decay: a.floatRequired("decay")}
			s.Base = a.base()
			return s
		},
	},
	{
		name:   "inverse-scaling",
		keys:   []string{"power", "eta0", "base"},
		fields: []string{"InverseScaling.Eta0", "eta0", "InverseScaling.Power", "power"},
		build: func(a *specArgs) Schedule {
			s := InverseScaling{Power: a.floatDefault("power", 0.25)}
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
		build: func(a *specArgs) Schedule {
			s := Cosine{Total: a.total(), Min: a.floatDefault("min", 0), Warmup: a.intDefault("warmup", 0)}
			s.Base = a.base()
			return s
		},
	},
}

// specKindNames lists the schedule names, for errors.
func specKindNames() string {
	names := make([]string, len(specKinds))
	for i, k := range specKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// specArgs holds the key=value settings of one spec while its schedule is
// built. The getters record the first error in err and return 0 after it,
// so that a build function reads as a plain list of fields.
type specArgs struct {
	spec     string
	kind     *specKind
	baseArg  float64           // ParseSchedule's base
	totalArg int               // ParseSchedule's totalSteps
	vals     map[string]string // by canonical key: eta0 is stored as base
	keys     map[string]string // the key given, by canonical key
	err      error
}

// set records one key=value item of the spec.
func (a *specArgs) set(item string) error {
	key, val, ok := strings.Cut(item, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if !ok {
		if key == "" {
			return specError(a.spec, "empty setting (want key=value,key=value)")
		}
		return specError(a.spec, "%q is not key=value", strings.TrimSpace(item))
	}
	known := false
	for _, k := range a.kind.keys {
		known = known || k == key
	}
	if !known {
		return specError(a.spec, "unknown key %q for %s (its keys: %s)", key, a.kind.name, strings.Join(a.kind.keys, ", "))
	}
	canon := key
	if key == "eta0" {
		canon = "base"
	}
	if prev, dup := a.keys[canon]; dup {
		if prev != key {
			return specError(a.spec, "both %s and %s given (they are the same key)", prev, key)
		}
		return specError(a.spec, "key %s given twice", key)
	}
	a.vals[canon], a.keys[canon] = val, key
	return nil
}

// fail records err if it is the first.
func (a *specArgs) fail(err *ScheduleSpecError) {
	if a.err == nil {
		a.err = err
	}
}

// parseInt parses the value of a step-count key.
func (a *specArgs) parseInt(key, v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		a.fail(specError(a.spec, "%s=%s: not an integer", key, v))
		return 0
	}
	return n
}

// parseFloat parses the value of a rate or factor key.
func (a *specArgs) parseFloat(key, v string) float64 {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		a.fail(specError(a.spec, "%s=%s: not a finite number", key, v))
		return 0
	}
	return f
}

func (a *specArgs) intDefault(key string, def int) int {
	if v, ok := a.vals[key]; ok {
		return a.parseInt(key, v)
	}
	return def
}

func (a *specArgs) floatDefault(key string, def float64) float64 {
	if v, ok := a.vals[key]; ok {
		return a.parseFloat(key, v)
	}
	return def
}

func (a *specArgs) intRequired(key string) int {
	if v, ok := a.vals[key]; ok {
		return a.parseInt(key, v)
	}
	a.fail(specError(a.spec, "%s needs %s=N", a.kind.name, key))
	return 0
}

func (a *specArgs) floatRequired(key string) float64 {
	if v, ok := a.vals[key]; ok {
		return a.parseFloat(key, v)
	}
	a.fail(specError(a.spec, "%s needs %s=X", a.kind.name, key))
	return 0
}

// total returns total=, or the run's step count.
func (a *specArgs) total() int {
	if v, ok := a.vals["total"]; ok {
		return a.parseInt("total", v)
	}
	if a.totalArg > 0 {
		return a.totalArg
	}
	a.fail(specError(a.spec, "%s needs total=N (the run's step count is not known)", a.kind.name))
	return 0
}

// base returns base= (or eta0=), or the argument base.
func (a *specArgs) base() float64 {
	if v, ok := a.vals["base"]; ok {
		return a.parseFloat(a.keys["base"], v)
	}
	if a.baseArg != 0 {
		return a.baseArg
	}
	key := "base"
	if a.kind.name == "inverse-scaling" {
		key = "eta0"
	}
	err := specError(a.spec, "needs a base rate: give %s=X", key)
	err.NeedsBase = key
	a.fail(err)
	return 0
}
