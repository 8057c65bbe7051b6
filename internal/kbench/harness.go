package kbench

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lanes-go/lanes/kernels"
)

// Harness times kernels. Its zero value is not ready: Budget and Runs
// must be set. It keeps the operands of every Shape it has timed, so that
// every implementation reads the same data; it is not safe for concurrent
// use (nor is timing two kernels at once a measurement).
type Harness struct {
	// Budget is about how long each call of Time takes in all; > 0.
	Budget time.Duration
	// Runs is the number of testing.Benchmark runs each call of Time
	// makes, of Budget/Runs each; the fastest counts. ≥ 1.
	Runs int

	operands map[Shape]*operands
}

// Time returns the time per call, in nanoseconds, of kernel (one of
// Kernels) at s on impl: a lanes implementation (a name of
// kernels.Available, which Time switches to with kernels.Use and back
// from when done) or Gonum. It is the fastest of Runs runs of
// testing.Benchmark, a busy machine only ever making a run slower; each
// run includes its first call, which also warms the caches and branch
// predictors, and the calls of b.Loop's ramp-up. An unknown kernel or
// implementation, one this CPU cannot run, or a Budget or Runs out of
// range is an error.
func (h *Harness) Time(kernel, impl string, s Shape) (float64, error) {
	switch {
	case !(h.Budget > 0):
		return 0, fmt.Errorf("kbench: Budget must be > 0, got %v", h.Budget)
	case h.Runs < 1:
		return 0, fmt.Errorf("kbench: Runs must be ≥ 1, got %d", h.Runs)
	case !slices.Contains(kernelNames, kernel):
		return 0, fmt.Errorf("kbench: unknown kernel %q; want one of %s", kernel, strings.Join(kernelNames, ", "))
	}
	if impl != Gonum {
		restore, err := kernels.Use(impl)
		if err != nil {
			return 0, err
		}
		defer restore()
	}
	in := h.operands[s]
	if in == nil {
		in = newOperands(s)
		if h.operands == nil {
			h.operands = map[Shape]*operands{}
		}
		h.operands[s] = in
	}
	return benchTime(benchFunc(kernel, impl, s, in), h.Budget, h.Runs), nil
}

// benchTime returns the time per call of the benchmark f in nanoseconds:
// the fastest of runs runs of testing.Benchmark, which take about budget
// in all. Each run also starts with a garbage collection, which lasts
// milliseconds on a busy machine: a short budget wants one run.
func benchTime(f func(b *testing.B), budget time.Duration, runs int) float64 {
	defer setBenchTime(max(budget/time.Duration(runs), 1))() // testing refuses 0
	best := math.Inf(1)
	for range runs {
		if r := testing.Benchmark(f); r.N > 0 {
			best = min(best, float64(r.T)/float64(r.N))
		}
	}
	return best
}

// setBenchTime sets how long testing.Benchmark runs a benchmark, which
// only its flag -test.benchtime sets (testing.Init registers it in a
// program that is not a test, and does nothing in one), and returns the
// function that restores the flag.
func setBenchTime(d time.Duration) (restore func()) {
	testing.Init()
	f := flag.Lookup("test.benchtime")
	old := f.Value.String()
	if err := f.Value.Set(d.String()); err != nil {
		panic("kbench: -test.benchtime: " + err.Error())
	}
	return func() { f.Value.Set(old) }
}
