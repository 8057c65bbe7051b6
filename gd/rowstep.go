package gd

import (
	"fmt"
	"math"
	"time"
)

// A RowStepper is an Objective that takes plain SGD steps on single
// examples itself, in a loop of its own. On short rows Minimize's general
// step costs more than the step's arithmetic: interface calls to the
// schedule, Eval and the update rule, the penalties, a finiteness check
// of every parameter after every step. LeastSquares is a RowStepper.
//
// Minimize hands the steps to a RowStepper when the run is plain SGD:
// Method SGD (or MiniBatch with BatchSize 1), Update Plain (or nil), and
// L1 = L2 = 0; any other run takes the general path. Everything
// observable keeps its meaning: the schedule's rate at each step (asked
// a chunk of steps ahead, and checked as the general path does), MaxSteps,
// cancellation (looked at every chunk of at most rowChunk steps), the
// callbacks every CallbackEvery steps and their Progress, the epoch loss
// (the mean of the steps' losses, added in order), divergence named at
// the step where the loss or a parameter stopped being finite, and the
// rules at the end of each epoch (Tol, Patience, LossBelow, Validation,
// the best parameters). Only the arithmetic of a step is the stepper's,
// so its bits may differ from the general path's (LeastSquares without
// standardisation gives the general path's bits exactly).
//
// Minimize calls BeginSteps once, before the first step of a run, then
// StepRows for runs of consecutive steps, and EndSteps whenever it needs
// the parameters: at the end of each epoch and when the run stops. The
// stepper keeps the parameters in a form of its own in between, so the
// results must depend only on the steps taken: never on how they are cut
// into StepRows calls, nor on when EndSteps is called. Eval may be called
// between the calls, and must neither use nor change that state.
type RowStepper interface {
	Objective
	// BeginSteps loads the parameters w into the stepper's state.
	BeginSteps(w []float64)
	// StepRows takes one plain step per example of b, in order, the k-th
	// with rate rates[k] (len(rates) = b.Len()): the parameters move by
	// −rates[k] times the gradient of the example's loss ℓ_i, at the
	// parameters before the step. It adds each step's loss ℓ_i to sum,
	// one at a time in order, and stops, without updating, at a step
	// whose loss is not finite.
	StepRows(b Batch, rates []float64, sum float64) RowSteps
	// EndSteps writes the parameters of the state into w, leaving the
	// state as it is.
	EndSteps(w []float64)
}

// RowSteps is what RowStepper.StepRows reports.
type RowSteps struct {
	// Sum is the sum StepRows was given plus the loss of each step taken.
	Sum float64
	// Loss is the loss of the last step evaluated: the last one taken,
	// or the one whose loss was not finite.
	Loss float64
	// Taken counts the steps taken (updates applied): fewer than asked
	// if a loss was not finite.
	Taken int
	// Finite reports whether every parameter is finite after the last
	// step taken.
	Finite bool
}

// rowChunk is the most steps Minimize hands a RowStepper at once: between
// two calls it looks at the context.
const rowChunk = 256

// rowStepping reports whether a run of configuration c takes its steps
// through a RowStepper (see RowStepper).
func rowStepping(c Config) bool {
	switch c.Update.(type) {
	case Plain, *Plain:
	default:
		return false
	}
	return (c.Method == SGD || (c.Method == MiniBatch && c.BatchSize == 1)) && c.L1 == 0 && c.L2 == 0
}

// rowEpoch takes the steps of an epoch through the RowStepper, then
// brings its parameters back into r.w.
func (r *run) rowEpoch() error {
	if !r.rowsBegun {
		r.rows.BeginSteps(r.w)
		r.rowsBegun = true
	}
	err := r.rowEpochSteps()
	if isDiverged(err) {
		return err
	}
	r.rows.EndSteps(r.w)
	if j := firstNonFinite(r.w); err == nil && r.sumCount > 0 && j >= 0 {
		// Finite in the stepper's form, not in ours: the last step did it.
		r.step--
		return r.diverged("parameter %d is %v", j, r.w[j])
	}
	return err
}

// rowEpochSteps hands the rows of an epoch to the RowStepper in their
// order: shuffled rows, the stored order, or shuffled blocks.
func (r *run) rowEpochSteps() error {
	switch k := r.cfg.ShuffleBlock; {
	case k > 0:
		for _, blk := range r.perm {
			lo := blk * k // < n: see blockEpoch
			if err := r.rowSteps(Range(lo, lo+min(k, r.n-lo))); err != nil || r.stop != 0 {
				return err
			}
		}
		return nil
	case r.cfg.InOrder:
		return r.rowSteps(Range(0, r.n))
	}
	return r.rowSteps(Rows(r.perm))
}

// rowSteps takes one step per example of b through the RowStepper, in
// chunks that end at every callback step, at MaxSteps and at a rate the
// schedule should not have given, checking the context before each. It
// allocates nothing.
func (r *run) rowSteps(b Batch) error {
	every := r.cfg.CallbackEvery
	if r.cfg.Callback == nil {
		every = 0
	}
	for done, n := 0, b.Len(); done < n; {
		select {
		case <-r.done:
			return r.ctx.Err()
		default:
		}
		if r.cfg.MaxSteps > 0 && r.step >= r.cfg.MaxSteps {
			r.stop = StopMaxSteps
			return nil
		}
		k := min(n-done, len(r.rates))
		if r.cfg.MaxSteps > 0 {
			k = min(k, r.cfg.MaxSteps-r.step)
		}
		if every > 0 {
			k = min(k, every-r.step%every)
		}
		rates, bad := r.rates[:k], -1
		for q := range rates {
			rates[q] = r.cfg.Schedule.Rate(r.step + q)
			if !validRate(rates[q]) {
				bad = q
				break
			}
		}
		if bad == 0 {
			return r.badRate(rates[0])
		}
		if bad > 0 {
			rates = rates[:bad]
		}
		res := r.rows.StepRows(b.slice(done, done+len(rates)), rates, r.sumLoss)
		r.sumLoss, r.sumCount, r.step = res.Sum, r.sumCount+res.Taken, r.step+res.Taken
		if res.Taken > 0 {
			r.rate = rates[res.Taken-1]
		}
		switch {
		case !res.Finite && res.Taken > 0:
			return r.parameterDiverged()
		case res.Taken < len(rates):
			return r.diverged("the loss is %v", res.Loss)
		}
		done += len(rates)
		if every > 0 && r.step%every == 0 {
			p := Progress{Step: r.step, Epoch: r.epoch, Loss: res.Loss, ValLoss: math.NaN(), Rate: r.rate, Elapsed: time.Since(r.start)}
			if err := r.callback(p); err != nil || r.stop != 0 {
				return err
			}
		}
		if bad > 0 {
			return r.badRate(r.rates[bad])
		}
	}
	return nil
}

// parameterDiverged reports the divergence of a step that left a
// parameter not finite: the last one taken, which the general path names
// before counting it.
func (r *run) parameterDiverged() error {
	r.step--
	r.rows.EndSteps(r.w)
	if j := firstNonFinite(r.w); j >= 0 {
		return r.diverged("parameter %d is %v", j, r.w[j])
	}
	return r.diverged("a parameter is not finite")
}

// validRate reports whether a schedule's rate is usable: ≥ 0 and finite.
func validRate(rate float64) bool { return rate >= 0 && !math.IsInf(rate, 1) }

// badRate is the error of a schedule that gave rate at step r.step.
func (r *run) badRate(rate float64) error {
	return configErr("Config.Schedule gave rate %v at step %d; rates must be ≥ 0 and finite", rate, r.step)
}

// slice returns the examples lo … hi−1 of b, counted from its first.
func (b Batch) slice(lo, hi int) Batch {
	if b.Index != nil {
		return Rows(b.Index[lo:hi])
	}
	return Range(b.Lo+lo, b.Lo+hi)
}

// checkSteps panics unless rates has one rate per example of b.
func checkSteps(name string, b Batch, rates []float64) {
	if b.Len() != len(rates) {
		panic(fmt.Sprintf("gd: %s.StepRows: %d examples, %d rates", name, b.Len(), len(rates)))
	}
}
