package linreg

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/gd"
)

func TestPlanned(t *testing.T) {
	const maxInt = math.MaxInt
	for _, c := range []struct {
		r                       Regressor
		rows                    int
		perEpoch, epochs, steps int
	}{
		{Regressor{}, 200, 1, 10000, 10000},
		{Regressor{Method: GD, Epochs: 7}, 200, 1, 7, 7},
		{Regressor{Method: SGD}, 200, 200, 100, 20000},
		{Regressor{Method: SGD}, 30, 30, 334, 10020}, // ⌈10000/30⌉ epochs: at least 10,000 steps
		{Regressor{Method: SGD, Epochs: 3}, 30, 30, 3, 90},
		{Regressor{Method: MiniBatch}, 200, 7, 1429, 10003}, // BatchSize 0 is 32
		{Regressor{Method: MiniBatch, BatchSize: 7}, 200, 29, 345, 10005},
		{Regressor{Method: MiniBatch, BatchSize: 1000}, 200, 1, 10000, 10000}, // a batch of all the rows
		{Regressor{Method: MiniBatch, BatchSize: 32}, 1 << 20, 1 << 15, 100, 100 << 15},
		{Regressor{Method: Exact}, 200, 0, 0, 0},
		{Regressor{Method: Exact, Epochs: 5}, 200, 0, 0, 0},
		// Saturation: more steps than an int holds are math.MaxInt.
		{Regressor{Method: SGD, Epochs: maxInt}, 3, 3, maxInt, maxInt},
		{Regressor{Method: SGD, Epochs: maxInt / 3}, 3, 3, maxInt / 3, maxInt / 3 * 3},
		{Regressor{Method: SGD, Epochs: maxInt/3 + 1}, 3, 3, maxInt/3 + 1, maxInt},
		{Regressor{Method: SGD}, maxInt, maxInt, 100, maxInt},
		{Regressor{Method: MiniBatch, BatchSize: 1, Epochs: maxInt}, maxInt, maxInt, maxInt, maxInt},
		// Fewer than one row counts as one; invalid sizes do not panic.
		{Regressor{Method: SGD}, 0, 1, 10000, 10000},
		{Regressor{Method: MiniBatch, BatchSize: -4, Epochs: -2}, -1, 1, 10000, 10000},
	} {
		name := fmt.Sprintf("%s, Epochs %d, BatchSize %d, %d rows", c.r.method(), c.r.Epochs, c.r.BatchSize, c.rows)
		if got := c.r.StepsPerEpoch(c.rows); got != c.perEpoch {
			t.Errorf("%s: StepsPerEpoch = %d, want %d", name, got, c.perEpoch)
		}
		if got := c.r.PlannedEpochs(c.rows); got != c.epochs {
			t.Errorf("%s: PlannedEpochs = %d, want %d", name, got, c.epochs)
		}
		if got := c.r.PlannedSteps(c.rows); got != c.steps {
			t.Errorf("%s: PlannedSteps = %d, want %d", name, got, c.steps)
		}
	}
}

// TestPlannedIsWhatFitRuns: the epochs Fit records, and the total of its
// automatic schedule, are PlannedEpochs and PlannedSteps.
func TestPlannedIsWhatFitRuns(t *testing.T) {
	for _, rows := range []int{30, 200} {
		x, y := realWorld(rows, 3, 0.5, 4)
		for _, r := range []Regressor{
			{},
			{Method: SGD},
			{Method: MiniBatch},
			{Method: MiniBatch, BatchSize: 7},
			{Method: MiniBatch, BatchSize: 1000},
			{Method: SGD, Epochs: 3},
		} {
			r.Callback = func(p gd.Progress) error {
				if p.Epoch == 2 {
					return gd.ErrStop
				}
				return nil
			}
			m, err := r.Fit(context.Background(), x, y)
			if err != nil {
				t.Fatalf("%s, BatchSize %d: %v", r.method(), r.BatchSize, err)
			}
			if want := r.PlannedEpochs(rows); m.Options.Epochs != want {
				t.Errorf("%s, BatchSize %d, %d rows: Fit planned %d epochs, PlannedEpochs says %d", r.method(), r.BatchSize, rows, m.Options.Epochs, want)
			}
			if r.method() == GD {
				continue
			}
			if want := fmt.Sprintf("Total:%d}", r.PlannedSteps(rows)); !strings.Contains(m.Options.Schedule, want) {
				t.Errorf("%s, BatchSize %d, %d rows: schedule %s, want %s", r.method(), r.BatchSize, rows, m.Options.Schedule, want)
			}
		}
	}
}
