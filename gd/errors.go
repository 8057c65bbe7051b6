package gd

import (
	"errors"
	"fmt"
)

// ErrConfig is wrapped by every error about a bad configuration. The
// message names the field: "gd: invalid configuration: Config.Rate must be
// > 0, got -1".
var ErrConfig = errors.New("gd: invalid configuration")

// ErrDiverged is wrapped by the error of a run that diverged: its loss,
// gradient or parameters stopped being finite, or its loss grew far beyond
// where it started. A diverged run returns no parameters.
var ErrDiverged = errors.New("gd: training diverged")

// ErrStop ends the run early and normally when a Callback returns it: the
// result is kept and Minimize returns no error.
var ErrStop = errors.New("gd: stopped by the callback")

// DivergedError says where and how a run diverged. It wraps ErrDiverged.
type DivergedError struct {
	Step, Epoch int
	// What went wrong: "loss is NaN", "parameter 3 is +Inf",
	// "loss 1.2e+09 exceeds 10000 × the initial loss 3.4".
	What string
	// LastFiniteLoss is the last finite epoch loss, or the initial loss if
	// no epoch completed.
	LastFiniteLoss float64
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("gd: training diverged at step %d (epoch %d): %s; last finite loss %g; lower the learning rate",
		e.Step, e.Epoch, e.What, e.LastFiniteLoss)
}

func (e *DivergedError) Unwrap() error { return ErrDiverged }

// configErr returns an error wrapping ErrConfig.
func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
}
