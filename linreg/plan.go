package linreg

import "math"

// The length of a gradient fit when Regressor.Epochs is 0, and the batch
// when BatchSize is 0.
const (
	// GD stops when the gradient vanishes, long before this on most data.
	defaultGDEpochs = 10000
	// SGD and MiniBatch run 100 epochs, and at least 10,000 steps: on small
	// data a hundred epochs of large batches are too few steps to cross an
	// ill-conditioned valley.
	defaultEpochs = 100
	minSteps      = 10000

	defaultBatchSize = 32
)

// StepsPerEpoch returns the number of steps of one epoch over rows
// training rows: 1 for GD, rows for SGD, ⌈rows/BatchSize⌉ for MiniBatch
// (BatchSize 0 meaning 32), and 0 for Exact, which takes no steps. Fewer
// than 1 row counts as 1, a BatchSize < 0 as 0 (Fit refuses both).
func (r Regressor) StepsPerEpoch(rows int) int {
	rows = max(rows, 1)
	switch r.method() {
	case GD:
		return 1
	case SGD:
		return rows
	case MiniBatch:
		return ceilDiv(rows, r.batchRows(rows))
	}
	return 0
}

// PlannedEpochs returns the number of epochs a gradient fit on rows
// training rows runs at most: Epochs if it is > 0, else the number Fit
// chooses, 10000 for GD and, for SGD and MiniBatch, 100 or as many as make
// 10,000 steps if that is more. It is 0 for Exact, which has no epochs.
// Fit records it in Model.Options.Epochs; a caller can size a progress
// bar with it before the fit starts. A stopping rule (the gradient
// vanishing, Tol, a validation set) may end the fit sooner.
func (r Regressor) PlannedEpochs(rows int) int {
	switch {
	case r.method() == Exact:
		return 0
	case r.Epochs > 0:
		return r.Epochs
	case r.method() == GD:
		return defaultGDEpochs
	}
	return max(defaultEpochs, ceilDiv(minSteps, r.StepsPerEpoch(rows)))
}

// PlannedSteps returns the number of steps of the PlannedEpochs,
// PlannedEpochs·StepsPerEpoch, saturating at math.MaxInt: an Epochs in
// the billions means more steps than will ever run, not a negative count.
// It is the total over which the automatic rate of SGD and MiniBatch
// decays, and the total a caller gives a Schedule that should end with
// the run (gd.ParseSchedule's totalSteps). It is 0 for Exact.
func (r Regressor) PlannedSteps(rows int) int {
	return mulSat(r.PlannedEpochs(rows), r.StepsPerEpoch(rows))
}

// batchRows is the number of rows in a step of MiniBatch on n ≥ 1 rows:
// BatchSize (0 meaning 32), and not more than there are.
func (r Regressor) batchRows(n int) int {
	b := r.BatchSize
	if b <= 0 {
		b = defaultBatchSize
	}
	return min(b, n)
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0 and b ≥ 1, without the overflow of
// (a+b−1)/b when a or b is huge.
func ceilDiv(a, b int) int {
	if a == 0 {
		return 0
	}
	return (a-1)/b + 1
}

// mulSat is a·b for a, b ≥ 0, saturating at math.MaxInt.
func mulSat(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}
