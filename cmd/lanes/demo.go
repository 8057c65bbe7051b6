package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/linreg"
)

const demoHelp = `Usage: lanes [demo] [FLAGS]

Trains the classic first example of gradient descent, as the TensorFlow
tutorials did: 100 points with x evenly spaced in [-1, 1] and
y = 2x + 0.3·noise (standard normal noise from --seed), fitted by
full-batch gradient descent at rate 0.01 for 1000 steps. It prints the
loss, half the mean squared residual, every 100 steps, then the learned
weight and bias, the kernels that ran and the time taken. The same seed
gives the same digits on every CPU.

Examples:
  lanes
  lanes demo --lr 0.1 --steps 100 --every 10
  lanes demo --method sgd --lr 0.05 --schedule warmup-linear:warmup=50,decay=200,total=1000
  lanes demo --optimizer adam --lr 0.05 --seed 7
`

// maxDemoPoints bounds --points: the demo's data is made in memory, and
// a typo should not ask for terabytes of it.
const maxDemoPoints = 100_000_000

// demoOptions are the flags of lanes demo.
type demoOptions struct {
	method, optimizer, schedule string
	lr                          float64
	steps, every, points, batch int
	seed                        uint64
}

func cmdDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", demoHelp+"\n"+scheduleHelp)
	var o demoOptions
	fs.StringVar(&o.method, "method", "gd", "gd, sgd or minibatch")
	fs.Float64Var(&o.lr, "lr", 0.01, "learning rate (> 0)")
	fs.IntVar(&o.steps, "steps", 1000, "steps to take (≥ 1)")
	fs.IntVar(&o.every, "every", 100, "print the loss every `N` steps (≥ 1)")
	fs.StringVar(&o.optimizer, "optimizer", "plain", "plain, momentum, nesterov or adam")
	fs.StringVar(&o.schedule, "schedule", "", "learning-rate `SPEC` (see below); default constant")
	fs.Uint64Var(&o.seed, "seed", 2026, "seed of the noise (and of SGD's shuffling)")
	fs.IntVar(&o.points, "points", 100, "number of points, 2 to 100,000,000")
	fs.IntVar(&o.batch, "batch", 10, "rows per step of minibatch (≥ 1)")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	return runDemo(e, o)
}

func runDemo(e *env, o demoOptions) error {
	switch {
	case !(o.lr > 0) || o.lr > 1e300:
		return usagef("--lr must be > 0 and finite, got %v", o.lr)
	case o.steps < 1:
		return usagef("--steps must be ≥ 1, got %d", o.steps)
	case o.every < 1:
		return usagef("--every must be ≥ 1, got %d", o.every)
	case o.points < 2 || o.points > maxDemoPoints:
		return usagef("--points must be in [2, %d], got %d", maxDemoPoints, o.points)
	case o.batch < 1 || o.batch > o.points:
		return usagef("--batch must be in [1, --points %d], got %d", o.points, o.batch)
	}
	method, err := parseMethod(o.method, false)
	if err != nil {
		return err
	}
	update, err := parseOptimizer(o.optimizer)
	if err != nil {
		return err
	}
	x, y := classicData(o.points, o.seed)
	r := linreg.Regressor{Method: method, Update: update, Seed: o.seed, Features: []string{"x"}}
	if method == linreg.MiniBatch {
		r.BatchSize = o.batch
	}
	// Whole epochs, as few as take --steps steps.
	perEpoch := r.StepsPerEpoch(o.points)
	r.Epochs = (o.steps-1)/perEpoch + 1
	if o.schedule != "" {
		if r.Schedule, err = parseSchedule(o.schedule, o.lr, r.PlannedSteps(o.points)); err != nil {
			return err
		}
	} else {
		r.Rate = o.lr
	}
	// The loss printed is the epoch's: for full-batch GD every step is an
	// epoch; SGD and mini-batch print at the first epoch end on or after
	// each multiple of --every steps.
	printed := 0
	r.Callback = func(p gd.Progress) error {
		if p.EndOfEpoch && p.Step/o.every > printed/o.every {
			fmt.Fprintf(e.stdout, "Step: %d, Loss: %.4f\n", p.Step, p.Loss)
			printed = p.Step
		}
		return nil
	}
	start := time.Now()
	m, err := r.Fit(context.Background(), x, y)
	elapsed := time.Since(start)
	if err != nil {
		return trainingError(err)
	}
	fmt.Fprintf(e.stdout, "Learned: w = %.4f, b = %.4f (the data was made with w = 2, b = 0)\n", m.Coef[0], m.Intercept)
	fmt.Fprintf(e.stdout, "Kernels: %s\n", kernels.Impl())
	fmt.Fprintf(e.stdout, "Time: %s for %d steps\n", roundDuration(elapsed), m.Summary.Steps)
	return nil
}

// classicData returns the classic example: n points x evenly spaced in
// [−1, 1] and y = 2x + 0.3·N(0, 1) from seed. With n = 100 and seed 2026
// it is the data of package linreg's Example.
func classicData(n int, seed uint64) (linreg.Matrix, []float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = -1 + float64(2*i)/float64(n-1)
		// Each product rounded on its own: no compiler may fuse it into
		// the addition, so the data is the same on every GOARCH.
		y[i] = float64(2*x[i]) + float64(0.3*rng.NormFloat64())
	}
	return linreg.NewMatrix(x, n, 1), y
}

// roundDuration keeps three significant digits, enough for a person.
func roundDuration(d time.Duration) time.Duration {
	for unit := time.Nanosecond; unit < time.Hour; unit *= 10 {
		if d < 1000*unit {
			return d.Round(unit)
		}
	}
	return d.Round(time.Second)
}
