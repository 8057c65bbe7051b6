package main

import (
	"errors"

	"github.com/lanes-go/lanes/gd"
)

// scheduleHelp is the documentation of the --schedule syntax, printed in
// fit's and demo's -h: a summary of gd.ParseSchedule's doc, which is the
// reference.
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
See go doc github.com/lanes-go/lanes/gd.ParseSchedule for the full syntax.
`

// parseSchedule parses a --schedule SPEC with gd.ParseSchedule. base is
// the --lr value, 0 when --lr is "auto" or not given; totalSteps is the
// number of steps the run will take. Every error is a usage error that
// names the spec, and the flag --lr where it would give the base rate.
func parseSchedule(spec string, base float64, totalSteps int) (gd.Schedule, error) {
	s, err := gd.ParseSchedule(spec, base, totalSteps)
	var se *gd.ScheduleSpecError
	switch {
	case errors.As(err, &se) && se.NeedsBase != "":
		return nil, usagef("--schedule %q needs a base rate: give --lr X or %s=X", spec, se.NeedsBase)
	case errors.As(err, &se):
		return nil, usagef("--schedule %q: %s", spec, se.Msg)
	case err != nil:
		return nil, asUsage(err)
	}
	return s, nil
}
