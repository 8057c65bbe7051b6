package gd

import "time"

// StopReason says why a run ended.
type StopReason int

const (
	StopMaxEpochs StopReason = iota + 1 // Config.MaxEpochs reached
	StopMaxSteps                        // Config.MaxSteps reached
	StopLossBelow                       // the epoch loss reached Config.LossBelow
	StopGradTol                         // the gradient norm reached Config.GradTol
	StopTol                             // no relative improvement over Config.Tol for Patience epochs
	StopEarly                           // the validation loss stopped improving (early stopping)
	StopCallback                        // the callback returned ErrStop
	StopCancelled                       // the context was cancelled
	StopAborted                         // the callback returned an error
)

var stopNames = [...]string{
	StopMaxEpochs: "max epochs", StopMaxSteps: "max steps", StopLossBelow: "loss threshold",
	StopGradTol: "gradient tolerance", StopTol: "no improvement", StopEarly: "early stopping",
	StopCallback: "callback", StopCancelled: "cancelled", StopAborted: "aborted by callback",
}

func (s StopReason) String() string {
	if s > 0 && int(s) < len(stopNames) {
		return stopNames[s]
	}
	return "StopReason(?)"
}

// Epoch is one line of the loss history.
type Epoch struct {
	Epoch int // 1 for the first epoch
	Step  int // steps taken by its end
	// Loss is the mean of the regularised objective over the epoch's
	// steps, each at the parameters that step started from: for FullBatch the
	// exact f(w) before the epoch's step, for SGD and MiniBatch a running
	// average, as scikit-learn reports.
	Loss    float64
	ValLoss float64 // validation loss at the epoch's end, NaN without Validation
	Rate    float64 // the learning rate of the epoch's last step
	Elapsed time.Duration
}

// Result is the outcome of a run that did not diverge.
type Result struct {
	// W holds the parameters: the final ones, or with early stopping the
	// best ones seen. After a cancellation or an aborting callback, the
	// best seen at the end of an epoch (by validation loss if there is a
	// validation objective, else by epoch loss), or the current ones if
	// no epoch ended.
	W []float64
	// Loss is the regularised objective f(W) over all training examples,
	// evaluated exactly after the run; InitialLoss is f(w0). A run
	// cancelled after its first step (StopCancelled) leaves Loss NaN: it
	// would take another pass over the data, which a cancellation asks not
	// to make; so does Config.SkipFinalLoss.
	Loss, InitialLoss float64
	// ValLoss is the validation loss at W, NaN without Validation, after a
	// cancellation and with Config.SkipFinalLoss.
	ValLoss float64
	// Epochs counts the epochs run, the last one partial if MaxSteps, the
	// callback or the context cut it short; Steps counts the steps taken.
	Epochs, Steps int
	// BestEpoch is the epoch whose parameters W are, with early stopping;
	// otherwise the last epoch.
	BestEpoch int
	Stop      StopReason
	History   []Epoch
	Elapsed   time.Duration
}
