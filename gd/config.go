package gd

import (
	"math"
	"strconv"
	"time"
)

// Method is how many examples each step uses.
type Method int

const (
	// FullBatch is batch gradient descent: every step uses all N examples, so
	// a step costs a full pass over the data and an epoch is one step. Its
	// steps are the steadiest, it is the only method whose gradient-norm
	// stopping rule is exact, and with a fixed rate below 2/L it converges
	// monotonically. Choose it when a pass is cheap (N up to millions of
	// rows of a few dozen features) or when you want an exact optimum.
	FullBatch Method = iota
	// SGD is stochastic gradient descent: one example per step, N steps per
	// epoch. A step costs O(d), so it makes progress long before a full
	// pass, but its steps are noisy: it needs a decaying rate to settle,
	// and each step pays a call and a random row access. Choose it for
	// data far larger than needed to get a rough model, or for streaming.
	SGD
	// MiniBatch uses BatchSize examples per step, ⌈N/BatchSize⌉ steps per
	// epoch. It sits between the two: steps are cheaper than FullBatch's
	// and steadier than SGD's, and each one evaluates a block of rows in
	// one kernel call. Choose it as the default for large data.
	//
	// When BatchSize does not divide N the last batch is smaller, and
	// since every step takes the mean over its own batch, that batch's
	// rows weigh more in the epoch, as with PyTorch's default DataLoader:
	// in order, the run settles slightly off the minimiser; shuffled, the
	// effect averages out to noise. A BatchSize that divides N avoids it.
	MiniBatch
)

func (m Method) String() string {
	switch m {
	case FullBatch:
		return "batch"
	case SGD:
		return "sgd"
	case MiniBatch:
		return "minibatch"
	}
	return "Method(" + strconv.Itoa(int(m)) + ")"
}

// Config configures Minimize. The zero value is not runnable: set Rate or
// Schedule. Zero fields elsewhere mean "off" or the documented default.
type Config struct {
	Method Method
	// BatchSize is B for MiniBatch (1 ≤ B ≤ N); it must be 0 for the other
	// methods.
	BatchSize int
	// InOrder visits examples in their stored order instead of a fresh
	// random permutation each epoch (SGD and MiniBatch).
	InOrder bool
	// ShuffleBlock, if > 0, shuffles blocks of that many consecutive rows
	// instead of single rows (SGD and MiniBatch): each epoch visits the
	// blocks in a fresh random order, and the rows of a block in their
	// stored order, cut into batches that never straddle two blocks (make
	// it a multiple of BatchSize, or the last batch of each block is
	// short). Every batch is then contiguous, one kernel call over rows
	// that sit together in memory, instead of a gather of scattered rows:
	// on data larger than the caches that is several times faster.
	//
	// What it does to convergence: the batches of an epoch are still a
	// random order of the whole data, but rows that are neighbours in the
	// data stay neighbours in the visit, so the steps of one block are
	// correlated as far as neighbouring rows are. On data stored in random
	// order that changes nothing; on data sorted by the target, by time or
	// by source, large blocks make the steps of each block biased and the
	// run noisier, so shuffle such data once beforehand or use blocks of a
	// few batches. ShuffleBlock = BatchSize gives shuffled fixed
	// mini-batches: the same batches every epoch, in a new order.
	//
	// A block of N rows or more (math.MaxInt included) is the whole data:
	// one block, so every epoch visits the rows in their stored order, as
	// InOrder does.
	ShuffleBlock int
	// Seed seeds the PCG generator of the permutations.
	Seed uint64

	// Rate is a constant learning rate. Set it or Schedule, not both.
	Rate float64
	// Schedule gives the rate of each step; see Constant, WarmupLinear and
	// the others.
	Schedule Schedule
	// Update is the update rule; nil means Plain.
	Update Update

	// L1 and L2 regularise the penalised parameters: the objective is
	// f(w) = loss(w) + L1·‖w‖₁ + (L2/2)·‖w‖². This is scikit-learn's
	// ElasticNet convention (L1 = alpha·l1_ratio, L2 = alpha·(1−l1_ratio)).
	// L2 enters the gradient; L1 is a proximal step (soft-thresholding)
	// after each update, so coefficients reach exactly zero.
	L1, L2 float64

	// MaxEpochs and MaxSteps bound the run; with both 0, MaxEpochs is 1000.
	// Any value up to math.MaxInt is valid: a huge one is no limit in
	// practice.
	MaxEpochs, MaxSteps int
	// LossBelow stops the run at the end of the first epoch whose loss is
	// ≤ LossBelow; 0 means off (use a tiny positive value to aim for 0).
	LossBelow float64
	// GradTol stops a FullBatch run when the gradient norm ‖∇f(w)‖₂ (for L1 > 0
	// the norm of the proximal-gradient step, (w − prox(w − rate·∇))/rate)
	// is ≤ GradTol. Only for FullBatch: other methods see only noisy gradients.
	GradTol float64
	// Tol stops the run when, for Patience epochs in a row, the epoch loss
	// has not improved on the best by more than Tol·|best|. 0 means off.
	Tol float64
	// Patience is the number of epochs without improvement that Tol and
	// early stopping tolerate; 0 means 5.
	Patience int

	// Validation, if not nil, is evaluated (its data loss, without the
	// penalties) after every epoch. The run stops after Patience epochs
	// without a new best, and returns the best parameters seen: early
	// stopping.
	Validation Objective

	// DivergenceFactor declares a run diverged when an epoch's loss exceeds
	// DivergenceFactor × the initial loss. 0 means 1e4; +Inf turns the
	// check off. Non-finite losses and parameters always stop the run.
	DivergenceFactor float64

	// SkipFinalLoss leaves Result.Loss and Result.ValLoss NaN instead of
	// evaluating the objective and Validation exactly at the returned
	// parameters after the run: a caller that scores them itself saves
	// what is, for a row objective, a full pass over the data.
	SkipFinalLoss bool

	// Callback is called after every epoch and, if CallbackEvery > 0,
	// every CallbackEvery steps. Returning ErrStop ends the run normally;
	// any other error aborts it and is returned.
	Callback      func(Progress) error
	CallbackEvery int
}

// Progress is what a Callback sees.
type Progress struct {
	Step  int // steps taken so far
	Epoch int // completed epochs; an epoch's callback sees its own number
	// Loss is the epoch's loss (the mean of its steps' objective values) at
	// the end of an epoch, or the last step's objective value between.
	Loss       float64
	ValLoss    float64 // the validation loss, NaN without Validation or between epochs
	Rate       float64 // the learning rate of the last step
	Elapsed    time.Duration
	EndOfEpoch bool
}

// normalized returns cfg with defaults filled in, or an error naming the
// first bad field.
func (cfg Config) normalized(examples, params int) (Config, error) {
	c := cfg
	switch c.Method {
	case FullBatch, SGD:
		if c.BatchSize != 0 {
			return c, configErr("Config.BatchSize is for MiniBatch only, got %d with %v", c.BatchSize, c.Method)
		}
	case MiniBatch:
		if c.BatchSize < 1 || c.BatchSize > examples {
			return c, configErr("Config.BatchSize must be in [1, %d] (the number of examples), got %d", examples, c.BatchSize)
		}
	default:
		return c, configErr("Config.Method %v is not FullBatch, SGD or MiniBatch", c.Method)
	}
	switch {
	case c.ShuffleBlock < 0:
		return c, configErr("Config.ShuffleBlock must be ≥ 0, got %d", c.ShuffleBlock)
	case c.ShuffleBlock > 0 && c.Method == FullBatch:
		return c, configErr("Config.ShuffleBlock is for SGD and MiniBatch, not %v", c.Method)
	case c.ShuffleBlock > 0 && c.InOrder:
		return c, configErr("Config.ShuffleBlock and Config.InOrder are both set: blocks are shuffled, or nothing is")
	}
	// A block larger than the data is the whole data. Clamping here keeps
	// every later size computation (block counts, block ends) within
	// [0, examples], where it cannot overflow.
	c.ShuffleBlock = min(c.ShuffleBlock, examples)
	if c.Method != FullBatch && !c.InOrder {
		// The permutation of an epoch holds one int per row or block; a
		// count whose size in bytes overflows int cannot be allocated
		// (make would panic), so say so.
		units := examples
		if c.ShuffleBlock > 0 {
			units = ceilDiv(examples, c.ShuffleBlock)
		}
		if units > math.MaxInt/8 {
			return c, configErr("the objective has %d examples: a shuffled order of %d rows or blocks cannot be allocated; set Config.ShuffleBlock or Config.InOrder", examples, units)
		}
	}
	switch {
	case c.Schedule == nil && !(c.Rate > 0 && !math.IsInf(c.Rate, 1)):
		return c, configErr("Config.Rate must be > 0 and finite (or set Config.Schedule), got %v", c.Rate)
	case c.Schedule != nil && c.Rate != 0:
		return c, configErr("Config.Rate (%v) and Config.Schedule are both set; the schedule gives the rate", c.Rate)
	}
	if c.Schedule == nil {
		c.Schedule = Constant(c.Rate)
	}
	if v, ok := c.Schedule.(Validator); ok {
		if err := v.Validate(); err != nil {
			return c, err
		}
	}
	if c.Update == nil {
		c.Update = Plain{}
	}
	if v, ok := c.Update.(Validator); ok {
		if err := v.Validate(); err != nil {
			return c, err
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"L1", c.L1}, {"L2", c.L2}, {"Tol", c.Tol}, {"GradTol", c.GradTol}} {
		if !(f.v >= 0) || math.IsInf(f.v, 1) {
			return c, configErr("Config.%s must be ≥ 0 and finite, got %v", f.name, f.v)
		}
	}
	if math.IsNaN(c.LossBelow) || math.IsInf(c.LossBelow, 0) {
		return c, configErr("Config.LossBelow must be finite, got %v", c.LossBelow)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"MaxEpochs", c.MaxEpochs}, {"MaxSteps", c.MaxSteps}, {"Patience", c.Patience}, {"CallbackEvery", c.CallbackEvery}} {
		if f.v < 0 {
			return c, configErr("Config.%s must be ≥ 0, got %d", f.name, f.v)
		}
	}
	if c.MaxEpochs == 0 && c.MaxSteps == 0 {
		c.MaxEpochs = 1000
	}
	if c.Patience == 0 {
		c.Patience = 5
	}
	if c.GradTol > 0 && c.Method != FullBatch {
		return c, configErr("Config.GradTol is for FullBatch only: %v sees only noisy gradients (use Tol or Validation)", c.Method)
	}
	switch {
	case c.DivergenceFactor == 0:
		c.DivergenceFactor = 1e4
	case !(c.DivergenceFactor > 1):
		return c, configErr("Config.DivergenceFactor must be > 1 (or +Inf for off), got %v", c.DivergenceFactor)
	}
	if c.Validation != nil {
		if _, d := c.Validation.Dims(); d != params {
			return c, configErr("Config.Validation has %d parameters, the objective %d", d, params)
		}
	}
	return c, nil
}

// ceilDiv returns ⌈n/b⌉ for n ≥ 0 and b > 0, as (n−1)/b + 1: the usual
// (n+b−1)/b overflows when n+b exceeds math.MaxInt.
func ceilDiv(n, b int) int {
	if n <= 0 {
		return 0
	}
	return (n-1)/b + 1
}
