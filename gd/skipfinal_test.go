package gd

import (
	"math"
	"testing"
)

// fullPasses counts the evaluations of obj over all its examples.
type fullPasses struct {
	Objective
	n int
}

func (f *fullPasses) Eval(w []float64, b Batch, grad []float64) float64 {
	if n, _ := f.Dims(); b.Lo == 0 && b.Len() == n && b.Index == nil {
		f.n++
	}
	return f.Objective.Eval(w, b, grad)
}

// TestSkipFinalLoss: the run is the same, bit for bit, without the exact
// evaluation at its end, which it no longer makes; Loss and ValLoss are
// NaN instead.
func TestSkipFinalLoss(t *testing.T) {
	pr := newProblem(t, problemSpec{name: "skip", seed: 7, n: 300, p: 4, intercept: true, noise: 0.1})
	for _, method := range []Method{SGD, MiniBatch, FullBatch} {
		cfg := Config{Method: method, Rate: 0.01, MaxEpochs: 3, Seed: 1}
		if method == MiniBatch {
			cfg.BatchSize = 16
		}
		run := func(skip bool) (Result, int, int) {
			obj, val := &fullPasses{Objective: pr.objective(t)}, &fullPasses{Objective: pr.objective(t)}
			c := cfg
			c.SkipFinalLoss, c.Validation = skip, val
			res := mustMinimize(t, obj, make([]float64, pr.d()), c)
			return res, obj.n, val.n
		}
		with, passes, valPasses := run(false)
		skip, skipPasses, skipValPasses := run(true)
		if i := sameBits(skip.W, with.W); i >= 0 {
			t.Fatalf("%v: W[%d] = %v with SkipFinalLoss, %v without", method, i, skip.W[i], with.W[i])
		}
		if ok, where := sameHistory(skip.History, with.History); !ok {
			t.Fatalf("%v: the histories differ: %s", method, where)
		}
		if !math.IsNaN(skip.Loss) || !math.IsNaN(skip.ValLoss) || math.IsNaN(with.Loss) || math.IsNaN(with.ValLoss) {
			t.Fatalf("%v: Loss, ValLoss = %v, %v with SkipFinalLoss (want NaN), %v, %v without", method, skip.Loss, skip.ValLoss, with.Loss, with.ValLoss)
		}
		if skipPasses != passes-1 || skipValPasses != valPasses-1 {
			t.Fatalf("%v: %d and %d full passes with SkipFinalLoss, %d and %d without: want one fewer of each", method, skipPasses, skipValPasses, passes, valPasses)
		}
	}
}
