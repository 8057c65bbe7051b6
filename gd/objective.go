package gd

import "context"

// Objective is a differentiable loss over N examples and d parameters:
// loss(w) = (1/|B|)·Σ_{i∈B} ℓ_i(w) over a batch B of examples.
//
// Minimize adds the regularization itself, on the parameters the objective
// declares penalised, so an objective computes only its data term.
//
// An objective is evaluated by one goroutine at a time; it may keep
// scratch space between calls, and after its first call it should not
// allocate, so that a training step allocates nothing.
type Objective interface {
	// Dims returns the number of examples N and of parameters d.
	Dims() (examples, params int)
	// Eval returns the mean loss over the examples of b at w. If grad is
	// not nil, Eval overwrites it with the gradient of that mean. A
	// contiguous batch lets an implementation evaluate all its rows in
	// one call of a fused or matrix kernel, with no call per example.
	Eval(w []float64, b Batch, grad []float64) float64
	// Penalized reports whether the L1 and L2 penalties apply to parameter
	// j. An intercept is never penalised.
	Penalized(j int) bool
}

// ContextEvaluator is implemented by an Objective whose evaluations of
// many examples can stop part way when a context is cancelled, such as
// a LeastSquares reading a memory-mapped file window by window. Minimize
// evaluates through EvalContext when the objective has it, so that a
// cancellation during its passes over every example (the initial loss,
// full batches, the validation loss) takes effect within the pass.
type ContextEvaluator interface {
	// EvalContext is Eval, but it may stop early once ctx is cancelled,
	// returning the context's error; its loss and gradient are then
	// meaningless. Without a cancellation it returns Eval's values.
	EvalContext(ctx context.Context, w []float64, b Batch, grad []float64) (float64, error)
}

// PenaltyWeighter is implemented by an Objective whose parameters are not
// in the units the penalties are meant for, such as coefficients of
// standardised features. With weights c_j the penalty is
//
//	L1·Σ c_j·|w_j| + (L2/2)·Σ (c_j·w_j)²
//
// over the penalised parameters: the penalty of the coefficients c_j·w_j,
// exactly, with the proximal threshold and the L2 gradient scaled to
// match.
type PenaltyWeighter interface {
	// PenaltyWeight returns c_j > 0 for a penalised parameter j.
	PenaltyWeight(j int) float64
}

// Batch selects the examples of one evaluation: the contiguous rows
// [Lo, Hi) when Index is nil, otherwise the rows listed in Index.
type Batch struct {
	Lo, Hi int
	Index  []int
}

// All selects every one of n examples.
func All(n int) Batch { return Batch{Lo: 0, Hi: n} }

// Range selects the contiguous examples lo … hi−1.
func Range(lo, hi int) Batch { return Batch{Lo: lo, Hi: hi} }

// Rows selects the listed examples, in that order.
func Rows(index []int) Batch { return Batch{Index: index} }

// Len returns the number of examples in b.
func (b Batch) Len() int {
	if b.Index != nil {
		return len(b.Index)
	}
	return b.Hi - b.Lo
}

// Contiguous reports whether b is a range of rows.
func (b Batch) Contiguous() bool { return b.Index == nil }
