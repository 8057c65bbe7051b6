package gd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/lanes-go/lanes/kernels"
)

// Minimize minimises obj plus the configured penalties from w0, which it
// does not modify, and returns the parameters and the history of the run.
//
// A bad configuration returns an error wrapping ErrConfig that names the
// field. A run that diverges returns a *DivergedError (wrapping
// ErrDiverged) and no result. A cancelled context returns ctx.Err() with
// the best parameters so far (w0 if no epoch ended) and no losses (NaN)
// that would take another pass to compute; an objective with EvalContext
// (ContextEvaluator) is stopped within its passes.
func Minimize(ctx context.Context, obj Objective, w0 []float64, cfg Config) (Result, error) {
	n, d := obj.Dims()
	if n < 1 || d < 1 {
		return Result{}, configErr("the objective has %d examples and %d parameters; need at least one of each", n, d)
	}
	if len(w0) != d {
		return Result{}, configErr("len(w0) = %d, want %d parameters", len(w0), d)
	}
	for j, v := range w0 {
		if !finite(v) {
			return Result{}, configErr("w0[%d] is %v", j, v)
		}
	}
	c, err := cfg.normalized(n, d)
	if err != nil {
		return Result{}, err
	}
	if pw := weighter(obj); pw != nil {
		for j := 0; j < d; j++ {
			if !obj.Penalized(j) {
				continue // weights are asked of penalised parameters only
			}
			if v := pw.PenaltyWeight(j); !(v > 0) || math.IsInf(v, 1) {
				return Result{}, configErr("the objective's PenaltyWeight(%d) is %v; want > 0 and finite", j, v)
			}
		}
	}
	r := newRun(obj, w0, c)
	return r.minimize(ctx)
}

// run is the state of one Minimize call.
type run struct {
	ctx     context.Context
	obj     Objective
	cfg     Config
	n, d    int
	w, g    []float64
	stepper Stepper
	scaler  ProxScaler // the stepper's, when it has one and L1 > 0
	scale   []float64  // its scales, refreshed after every step
	spans   []span
	pw, l2c []float64 // penalty weights c_j and L2·c_j², nil without weights
	perm    []int
	shuf    shuffler

	// With a RowStepper and a plain SGD run (rowStepping): the stepper,
	// whether its state holds the parameters, and the rates of a chunk.
	rows      RowStepper
	rowsBegun bool
	rates     []float64

	done  <-chan struct{}
	start time.Time

	// lateCancel is the context's error if it was cancelled during the
	// evaluations of the result, after the run had stopped for another
	// reason.
	lateCancel error

	step, epoch int
	rate        float64 // of the last step
	stop        StopReason
	initial     float64
	lastFinite  float64

	sumLoss  float64 // Σ batch size × step objective over the epoch
	sumCount int

	best     []float64 // best parameters at an epoch's end
	bestCrit float64
	bestEp   int
	valBad   int // epochs since the best validation loss
	tolBest  float64
	tolBad   int // epochs without a Tol improvement

	hist []Epoch
}

func newRun(obj Objective, w0 []float64, c Config) *run {
	n, d := obj.Dims()
	r := &run{
		obj: obj, cfg: c, n: n, d: d,
		w: append([]float64(nil), w0...), g: make([]float64, d),
		stepper: c.Update.Start(d),
		spans:   penalizedSpans(obj, d),
		shuf:    newShuffler(c.Seed),
		best:    make([]float64, d),
		hist:    make([]Epoch, 0, min(max(c.MaxEpochs, 1), 1<<12)),
		tolBest: math.Inf(1), bestCrit: math.Inf(1),
	}
	r.pw, r.l2c = penaltyWeights(obj, d, c.L2)
	if rs, ok := obj.(RowStepper); ok && rowStepping(c) {
		r.rows, r.rates = rs, make([]float64, rowChunk)
	}
	if ps, ok := r.stepper.(ProxScaler); ok && c.L1 > 0 {
		r.scaler, r.scale = ps, make([]float64, d)
	}
	if c.Method != FullBatch && !c.InOrder { // an in-order epoch needs no permutation
		units := n // rows, or blocks of rows (ShuffleBlock ≤ n: normalized clamps it)
		if c.ShuffleBlock > 0 {
			units = ceilDiv(n, c.ShuffleBlock)
		}
		r.perm = make([]int, units)
		for i := range r.perm {
			r.perm[i] = i
		}
	}
	return r
}

// eval evaluates obj through EvalContext if it has it (see
// ContextEvaluator), with Eval otherwise.
func (r *run) eval(obj Objective, w []float64, b Batch, grad []float64) (float64, error) {
	if ce, ok := obj.(ContextEvaluator); ok {
		return ce.EvalContext(r.ctx, w, b, grad)
	}
	return obj.Eval(w, b, grad), nil
}

func (r *run) minimize(ctx context.Context) (Result, error) {
	r.start = time.Now()
	r.ctx, r.done = ctx, ctx.Done()
	initial, err := r.eval(r.obj, r.w, All(r.n), nil)
	if err != nil {
		// Cancelled within the first pass: W is w0, its loss unknown.
		r.initial, r.stop = math.NaN(), StopCancelled
		res := r.withBestEpoch(Result{W: append([]float64(nil), r.w...), InitialLoss: math.NaN(), Loss: math.NaN(),
			ValLoss: math.NaN(), Stop: StopCancelled, Elapsed: time.Since(r.start)})
		return res, err
	}
	r.initial = initial + r.penalty(r.w)
	if !finite(r.initial) {
		return Result{}, &DivergedError{What: fmt.Sprintf("the initial loss is %v", r.initial), LastFiniteLoss: r.initial}
	}
	r.lastFinite = r.initial

	for r.stop == 0 && err == nil {
		err = r.runEpoch()
	}
	var de *DivergedError
	switch {
	case errors.As(err, &de):
		return Result{}, err
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		r.stop = StopCancelled
		return r.result(r.bestOrCurrent()), err
	case err != nil:
		r.stop = StopAborted
		return r.result(r.bestOrCurrent()), err
	case r.stop == StopEarly:
		res := r.result(r.best)
		return res, r.lateCancel
	}
	res := r.result(r.w)
	return res, r.lateCancel
}

// runEpoch takes the steps of one epoch, then closes it.
func (r *run) runEpoch() error {
	r.sumLoss, r.sumCount = 0, 0
	switch r.cfg.Method {
	case FullBatch:
		if err := r.takeStep(All(r.n)); err != nil || r.stop != 0 {
			return r.closeEpoch(err)
		}
	case SGD, MiniBatch:
		if !r.cfg.InOrder {
			r.shuf.shuffle(r.perm)
		}
		if r.rows != nil {
			return r.closeEpoch(r.rowEpoch())
		}
		if r.cfg.ShuffleBlock > 0 {
			return r.closeEpoch(r.blockEpoch())
		}
		bs := max(r.cfg.BatchSize, 1)
		// hi is lo plus what is left, at most bs: lo+bs would overflow
		// for N near math.MaxInt (and then never reach N).
		for lo, hi := 0, 0; lo < r.n; lo = hi {
			hi = lo + min(bs, r.n-lo)
			var b Batch
			switch {
			case r.cfg.InOrder:
				b = Range(lo, hi)
			case hi-lo == 1:
				b = Range(r.perm[lo], r.perm[lo]+1)
			default:
				b = Rows(r.perm[lo:hi])
			}
			if err := r.takeStep(b); err != nil || r.stop != 0 {
				return r.closeEpoch(err)
			}
		}
	}
	return r.closeEpoch(nil)
}

// blockEpoch takes the steps of an epoch of shuffled blocks: the blocks
// in the order of r.perm, each cut into contiguous batches.
func (r *run) blockEpoch() error {
	bs, k := max(r.cfg.BatchSize, 1), r.cfg.ShuffleBlock
	for _, blk := range r.perm {
		// blk < ⌈n/k⌉, so blk·k ≤ n−1; the ends are formed as lo plus
		// what is left, never as sums that could pass math.MaxInt.
		lo := blk * k
		end := lo + min(k, r.n-lo)
		for hi := lo; lo < end; lo = hi {
			hi = lo + min(bs, end-lo)
			if err := r.takeStep(Range(lo, hi)); err != nil || r.stop != 0 {
				return err
			}
		}
	}
	return nil
}

// takeStep checks for cancellation and the step limit, then takes one
// step on batch b. It allocates nothing.
func (r *run) takeStep(b Batch) error {
	select {
	case <-r.done:
		return r.ctx.Err()
	default:
	}
	if r.cfg.MaxSteps > 0 && r.step >= r.cfg.MaxSteps {
		r.stop = StopMaxSteps
		return nil
	}
	rate := r.cfg.Schedule.Rate(r.step)
	if !validRate(rate) {
		return r.badRate(rate)
	}
	loss, err := r.eval(r.obj, r.w, b, r.g)
	if err != nil {
		return err
	}
	loss += r.penalty(r.w)
	if !finite(loss) {
		return r.diverged("the loss is %v", loss)
	}
	m := b.Len()
	r.sumLoss += float64(loss * float64(m))
	r.sumCount += m
	r.addL2(r.w, r.g)
	if r.cfg.GradTol > 0 && r.proxGradNorm(rate, r.w, r.g) <= r.cfg.GradTol {
		r.stop = StopGradTol
		return nil
	}
	r.stepper.Step(r.step, rate, r.w, r.g)
	if r.scaler != nil {
		r.scaler.ProxScale(r.scale)
	}
	r.proxL1(rate, r.w)
	if j := firstNonFinite(r.w); j >= 0 {
		return r.diverged("parameter %d is %v", j, r.w[j])
	}
	r.step++
	r.rate = rate
	if k := r.cfg.CallbackEvery; k > 0 && r.cfg.Callback != nil && r.step%k == 0 {
		return r.callback(Progress{Step: r.step, Epoch: r.epoch, Loss: loss, ValLoss: math.NaN(), Rate: rate, Elapsed: time.Since(r.start)})
	}
	return nil
}

// closeEpoch records an epoch that took at least one step and applies the
// end-of-epoch stopping rules. err is the error that ended the epoch, if
// any; a partial epoch is still recorded unless the run diverged.
func (r *run) closeEpoch(err error) error {
	if r.sumCount == 0 || isDiverged(err) {
		return err
	}
	loss := r.sumLoss / float64(r.sumCount)
	// r.epoch counts this epoch only after the divergence checks, so that
	// r.diverged names it (r.epoch+1), as it does from takeStep.
	if r.initial > 0 && loss > r.cfg.DivergenceFactor*r.initial {
		return r.diverged("the epoch loss %g exceeds %g × the initial loss %g", loss, r.cfg.DivergenceFactor, r.initial)
	}
	r.lastFinite = loss
	val := math.NaN()
	if r.cfg.Validation != nil {
		nv, _ := r.cfg.Validation.Dims()
		var err error
		if val, err = r.eval(r.cfg.Validation, r.w, All(nv), nil); err != nil {
			return err
		}
		if !finite(val) {
			return r.diverged("the validation loss is %v", val)
		}
	}
	r.epoch++
	r.hist = append(r.hist, Epoch{Epoch: r.epoch, Step: r.step, Loss: loss, ValLoss: val, Rate: r.rate, Elapsed: time.Since(r.start)})

	// An epoch cut short by cancellation or an aborting callback is
	// recorded, but its parameters are not those of an epoch's end, which
	// is what a cancelled run returns: it must not become the best.
	if err != nil {
		return err
	}
	crit := loss
	if r.cfg.Validation != nil {
		crit = val
	}
	if crit < r.bestCrit {
		r.bestCrit, r.bestEp, r.valBad = crit, r.epoch, 0
		copy(r.best, r.w)
	} else {
		r.valBad++
	}
	if r.cfg.Callback != nil {
		if err := r.callback(Progress{Step: r.step, Epoch: r.epoch, Loss: loss, ValLoss: val, Rate: r.rate, Elapsed: time.Since(r.start), EndOfEpoch: true}); err != nil || r.stop != 0 {
			return err
		}
	}
	if r.stop != 0 {
		return nil
	}
	switch {
	case r.cfg.LossBelow != 0 && loss <= r.cfg.LossBelow:
		r.stop = StopLossBelow
	case r.cfg.Validation != nil && r.valBad >= r.cfg.Patience:
		r.stop = StopEarly
	case r.cfg.Tol > 0 && r.noImprovement(loss):
		r.stop = StopTol
	case r.cfg.MaxEpochs > 0 && r.epoch >= r.cfg.MaxEpochs:
		r.stop = StopMaxEpochs
	}
	return nil
}

// isDiverged reports whether err is a *DivergedError. The target of
// errors.As escapes to the heap, so it is declared only when there is an
// error: in closeEpoch it cost an allocation every epoch (every step, for
// FullBatch).
func isDiverged(err error) bool {
	if err == nil {
		return false
	}
	var de *DivergedError
	return errors.As(err, &de)
}

// noImprovement updates the Tol rule with an epoch loss and reports
// whether Patience epochs in a row failed to improve on the best by more
// than Tol·|best|.
func (r *run) noImprovement(loss float64) bool {
	// The first epoch always sets the best: tolBest starts at +Inf, and
	// +Inf − Tol·|+Inf| is NaN, which no loss is below.
	if math.IsInf(r.tolBest, 1) || loss < r.tolBest-float64(r.cfg.Tol*math.Abs(r.tolBest)) {
		r.tolBest, r.tolBad = loss, 0
		return false
	}
	r.tolBad++
	return r.tolBad >= r.cfg.Patience
}

// callback calls the user's callback; ErrStop ends the run normally.
func (r *run) callback(p Progress) error {
	err := r.cfg.Callback(p)
	if errors.Is(err, ErrStop) {
		r.stop = StopCallback
		return nil
	}
	if err != nil {
		return fmt.Errorf("gd: callback at step %d: %w", r.step, err)
	}
	return nil
}

func (r *run) diverged(format string, args ...any) error {
	return &DivergedError{Step: r.step, Epoch: r.epoch + 1, What: fmt.Sprintf(format, args...), LastFiniteLoss: r.lastFinite}
}

// bestOrCurrent returns the best parameters at an epoch's end, or the
// current ones if no epoch ended.
func (r *run) bestOrCurrent() []float64 {
	if r.bestEp > 0 {
		return r.best
	}
	return r.w
}

// result evaluates w exactly and packages the run.
func (r *run) result(w []float64) Result {
	w = append([]float64(nil), w...)
	res := Result{
		W: w, InitialLoss: r.initial, ValLoss: math.NaN(),
		Epochs: r.epoch, Steps: r.step, BestEpoch: r.epoch, Stop: r.stop,
		History: r.hist, Elapsed: time.Since(r.start),
	}
	if r.stop == StopCancelled {
		// No further pass: the caller asked to stop. Before any step, W
		// is w0, whose loss is known.
		res.Loss = math.NaN()
		if r.step == 0 {
			res.Loss = r.initial
		}
		return r.withBestEpoch(res)
	}
	if r.cfg.SkipFinalLoss {
		res.Loss = math.NaN()
		return r.withBestEpoch(res)
	}
	loss, err := r.eval(r.obj, w, All(r.n), nil)
	if err == nil && r.cfg.Validation != nil {
		nv, _ := r.cfg.Validation.Dims()
		res.ValLoss, err = r.eval(r.cfg.Validation, w, All(nv), nil)
	}
	if err != nil {
		// Cancelled during these passes: the parameters stand, their
		// losses are unknown, and Minimize returns the context's error.
		res.Loss, res.ValLoss, r.lateCancel = math.NaN(), math.NaN(), err
		return r.withBestEpoch(res)
	}
	res.Loss = loss + r.penalty(w)
	return r.withBestEpoch(res)
}

// withBestEpoch sets res.BestEpoch for a run that returns its best parameters.
func (r *run) withBestEpoch(res Result) Result {
	if r.stop == StopEarly || r.stop == StopCancelled || r.stop == StopAborted {
		res.BestEpoch = r.bestEp
	}
	return res
}

// finite reports whether v is neither NaN nor infinite. Not v−v == 0:
// inlined where v is a product, the arm64 compiler fuses v−v into a
// multiply-subtract of the unrounded product, which gives its rounding
// error, not 0 (a comparison cannot be fused).
func finite(v float64) bool { return math.Abs(v) <= math.MaxFloat64 }

// firstNonFinite returns the index of the first NaN or ±Inf in w, or −1.
// The common all-finite case is one quick pass: v − v is 0 for a finite v
// and NaN otherwise, and a NaN survives a sum; four independent sums keep
// a short w off the latency of one chain of additions, and a long one
// takes the Sum kernel (the sum of finite values is finite unless it
// overflows, which only sends the check to the exact scan below). This
// check runs after every step, so for SGD its cost matters.
func firstNonFinite(w []float64) int {
	if len(w) >= 32 {
		if finite(kernels.Sum(w)) {
			return -1
		}
	} else {
		var s0, s1, s2, s3 float64
		v := w
		for ; len(v) >= 4; v = v[4:] {
			s0 += v[0] - v[0]
			s1 += v[1] - v[1]
			s2 += v[2] - v[2]
			s3 += v[3] - v[3]
		}
		for _, e := range v {
			s0 += e - e
		}
		if (s0+s1)+(s2+s3) == 0 {
			return -1
		}
	}
	for j, v := range w {
		if !finite(v) {
			return j
		}
	}
	return -1
}
