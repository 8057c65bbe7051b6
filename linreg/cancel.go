package linreg

import (
	"context"
	"errors"
)

// Cancellation. Fit looks at its context between pieces of work small
// enough that a cancellation is seen within a few milliseconds on
// ordinary hardware, whatever the shape of the data: between pieces of
// rows of every pass over X (within its windows, for a matrix with
// Release), between the sweeps of coordinate descent and the steps of
// the factorisations on the moments, and, inside gd.Minimize, between
// steps (a step of SGD or MiniBatch reads a batch; one of GD works on the
// moments only). None of these looks changes a result: the work is cut
// where it was already cut, or where the bits do not depend on the cut.

// checkWork is the work, in multiply-adds or values read, after which a
// canceller looks at its context: about 4 million, a few milliseconds at
// most.
const checkWork = 1 << 22

// canceller looks at a context once per checkWork units of work, so that
// loops of small steps (a coordinate of a narrow problem) do not pay for
// a look at every step and loops of large ones look at every step.
type canceller struct {
	ctx  context.Context
	work int
	hook func(step string) // fitOptions.hook
}

// newCanceller returns a canceller of ctx that calls hook, if not nil, as
// each step of a long phase starts (see fitOptions.hook).
func newCanceller(ctx context.Context, hook func(step string)) *canceller {
	return &canceller{ctx: ctx, hook: hook}
}

// step tells the hook, if any, that a step of a long phase starts.
func (c *canceller) step(name string) {
	if c.hook != nil {
		c.hook(name)
	}
}

// did records work units done and, once checkWork have been done since
// the last look, returns the context's error.
func (c *canceller) did(work int) error {
	c.work += work
	if c.work < checkWork {
		return nil
	}
	c.work = 0
	return c.ctx.Err()
}

// now looks at the context at once.
func (c *canceller) now() error {
	c.work = 0
	return c.ctx.Err()
}

// isCancellation reports whether err is a context's cancellation or
// deadline.
func isCancellation(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
