package gd

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// gradientSequence returns k gradients of d values, of both signs and
// varied magnitudes, with some exact zeros.
func gradientSequence(k, d int) [][]float64 {
	rng := rand.New(rand.NewPCG(61, 62))
	out := make([][]float64, k)
	for t := range out {
		out[t] = make([]float64, d)
		for j := range out[t] {
			if (t+j)%7 != 3 {
				out[t][j] = float64(unif(rng) * float64(1+j))
			}
		}
	}
	return out
}

// runStepper applies the update rule for the given gradients and rates
// from w0, and returns the parameters after each step.
func runStepper(u Update, w0 []float64, grads [][]float64, rates []float64) [][]float64 {
	s := u.Start(len(w0))
	w := append([]float64(nil), w0...)
	var out [][]float64
	for t, g := range grads {
		s.Step(t, rates[t], w, append([]float64(nil), g...))
		out = append(out, append([]float64(nil), w...))
	}
	return out
}

// TestUpdateRulesMatchFormulas compares each update rule, over 40 steps
// with varying gradients and rates, with its textbook formula written
// out in plain float64 arithmetic (Adam's bias correction with math.Pow),
// to 1e-13 relative.
func TestUpdateRulesMatchFormulas(t *testing.T) {
	const k, d = 40, 5
	grads := gradientSequence(k, d)
	rates := make([]float64, k)
	for i := range rates {
		rates[i] = 0.1 / float64(1+i%5)
	}
	w0 := []float64{1, -2, 0.5, 0, 3}

	type formula func(w []float64, state [][]float64, t int, rate float64, g []float64)
	plain := func(w []float64, _ [][]float64, _ int, rate float64, g []float64) {
		for j := range w {
			w[j] -= rate * g[j]
		}
	}
	heavyBall := func(mu float64, nesterov bool) formula {
		return func(w []float64, st [][]float64, _ int, rate float64, g []float64) {
			v := st[0]
			for j := range w {
				v[j] = mu*v[j] + g[j]
				if nesterov {
					w[j] -= rate * (g[j] + mu*v[j])
				} else {
					w[j] -= rate * v[j]
				}
			}
		}
	}
	adam := func(b1, b2, eps float64) formula {
		return func(w []float64, st [][]float64, t int, rate float64, g []float64) {
			m, v := st[0], st[1]
			n := float64(t + 1)
			for j := range w {
				m[j] = b1*m[j] + (1-b1)*g[j]
				v[j] = b2*v[j] + (1-b2)*g[j]*g[j]
				mh := m[j] / (1 - math.Pow(b1, n))
				vh := v[j] / (1 - math.Pow(b2, n))
				w[j] -= rate * mh / (math.Sqrt(vh) + eps)
			}
		}
	}
	for _, c := range []struct {
		name string
		u    Update
		f    formula
	}{
		{"plain", Plain{}, plain},
		{"momentum default", Momentum{}, heavyBall(0.9, false)},
		{"momentum 0.5", Momentum{Mu: 0.5}, heavyBall(0.5, false)},
		{"nesterov default", Nesterov{}, heavyBall(0.9, true)},
		{"nesterov 0.99", Nesterov{Mu: 0.99}, heavyBall(0.99, true)},
		{"adam default", Adam{}, adam(0.9, 0.999, 1e-8)},
		{"adam custom", Adam{Beta1: 0.5, Beta2: 0.9, Eps: 1e-3}, adam(0.5, 0.9, 1e-3)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := runStepper(c.u, w0, grads, rates)
			w := append([]float64(nil), w0...)
			state := [][]float64{make([]float64, d), make([]float64, d)}
			for i := range grads {
				c.f(w, state, i, rates[i], grads[i])
				if e := relErr(got[i], w); e > 1e-13 {
					t.Fatalf("step %d: %v, formula %v (relative error %.3g)", i, got[i], w, e)
				}
			}
		})
	}
}

// TestUpdateDefaults: zero fields mean the documented defaults, bit for
// bit, and other values really change the steps.
func TestUpdateDefaults(t *testing.T) {
	grads := gradientSequence(10, 4)
	rates := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	w0 := []float64{1, 2, 3, 4}
	last := func(u Update) []float64 { s := runStepper(u, w0, grads, rates); return s[len(s)-1] }
	for _, c := range []struct {
		name             string
		zero, def, other Update
	}{
		{"Momentum", Momentum{}, Momentum{Mu: 0.9}, Momentum{Mu: 0.8}},
		{"Nesterov", Nesterov{}, Nesterov{Mu: 0.9}, Nesterov{Mu: 0.8}},
		{"Adam", Adam{}, Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, Adam{Beta1: 0.8}},
		{"Adam Beta2", Adam{}, Adam{Beta2: 0.999}, Adam{Beta2: 0.99}},
		{"Adam Eps", Adam{}, Adam{Eps: 1e-8}, Adam{Eps: 0.5}},
	} {
		if i := sameBits(last(c.zero), last(c.def)); i >= 0 {
			t.Errorf("%s: %+v and %+v differ at %d", c.name, c.zero, c.def, i)
		}
		if sameBits(last(c.zero), last(c.other)) < 0 {
			t.Errorf("%s: %+v gives the same steps as %+v", c.name, c.other, c.zero)
		}
	}
	// Nesterov is not momentum.
	if sameBits(last(Momentum{}), last(Nesterov{})) < 0 {
		t.Error("Momentum and Nesterov give the same steps")
	}
}

// TestAdamFirstStep: Adam's first bias-corrected step moves every
// parameter with a non-zero gradient by the rate (to within ε), against
// the gradient's sign, whatever its magnitude.
func TestAdamFirstStep(t *testing.T) {
	g := []float64{1e-6, -3, 1e6, 0, -1e-3}
	w := []float64{0, 0, 0, 0, 0}
	Adam{}.Start(5).Step(0, 0.01, w, g)
	for j := range g {
		want := -0.01 * math.Copysign(1, g[j])
		if g[j] == 0 {
			want = 0
		}
		if math.Abs(w[j]-want) > 0.01*1e-2 {
			t.Errorf("parameter %d (gradient %g) moved by %g, want %g", j, g[j], w[j], want)
		}
	}
}

// TestUpdateValidate: coefficients outside [0, 1), and a negative or
// non-finite Eps, are ErrConfig errors naming the field; the boundary
// values inside are accepted.
func TestUpdateValidate(t *testing.T) {
	type validator interface{ Validate() error }
	for _, c := range []struct {
		u    validator
		want string // "" for valid
	}{
		{Momentum{}, ""}, {Momentum{Mu: 0.999999}, ""}, {Momentum{Mu: 1}, "Momentum.Mu"},
		{Momentum{Mu: -1e-300}, "Momentum.Mu"}, {Momentum{Mu: math.NaN()}, "Momentum.Mu"},
		{Nesterov{}, ""}, {Nesterov{Mu: 0.5}, ""}, {Nesterov{Mu: 1}, "Nesterov.Mu"}, {Nesterov{Mu: math.Inf(1)}, "Nesterov.Mu"},
		{Adam{}, ""}, {Adam{Beta1: 0.5, Beta2: 0.5, Eps: 1}, ""},
		{Adam{Beta1: 1}, "Adam.Beta1"}, {Adam{Beta1: -0.1}, "Adam.Beta1"},
		{Adam{Beta2: 1.5}, "Adam.Beta2"}, {Adam{Beta2: math.NaN()}, "Adam.Beta2"},
		{Adam{Eps: -1}, "Adam.Eps"}, {Adam{Eps: math.Inf(1)}, "Adam.Eps"},
	} {
		err := c.u.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.u, err)
		case c.want != "" && (!errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: err = %v, want ErrConfig naming %s", c.u, err, c.want)
		}
	}
}

// TestUpdateIndependentState: Start gives every run its own state, so one
// Update value can configure concurrent runs (go test -race checks the
// sharing too).
func TestUpdateIndependentState(t *testing.T) {
	for _, u := range allUpdates() {
		a, b := u.u.Start(3), u.u.Start(3)
		wa, wb := []float64{1, 1, 1}, []float64{1, 1, 1}
		a.Step(0, 0.1, wa, []float64{1, 2, 3})
		b.Step(0, 0.1, wb, []float64{1, 2, 3})
		a.Step(1, 0.1, wa, []float64{1, 2, 3})
		b.Step(1, 0.1, wb, []float64{1, 2, 3})
		if i := sameBits(wa, wb); i >= 0 {
			t.Errorf("%s: two steppers from one Update differ: %v vs %v", u.name, wa, wb)
		}
	}
	pr := small(t)
	for _, u := range allUpdates() {
		cfg := Config{Method: SGD, Rate: 0.01, Update: u.u, MaxEpochs: 20, Seed: 4}
		want := mustMinimize(t, pr.objective(t), make([]float64, 4), cfg)
		var wg sync.WaitGroup
		results := make([]Result, 4)
		for i := range results {
			obj := pr.objective(t) // an objective is used by one run at a time
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], _ = Minimize(context.Background(), obj, make([]float64, 4), cfg)
			}()
		}
		wg.Wait()
		for i, r := range results {
			if j := sameBits(r.W, want.W); j >= 0 {
				t.Errorf("%s: concurrent run %d differs from a lone run at %d", u.name, i, j)
			}
		}
	}
}

// recordingUpdate is a user-defined update rule (sign descent) that
// records how the engine drives it.
type recordingUpdate struct {
	starts *[]int
	steps  *[]int
}

func (u recordingUpdate) Start(d int) Stepper {
	*u.starts = append(*u.starts, d)
	return recordingStepper{u.steps}
}

type recordingStepper struct{ steps *[]int }

func (s recordingStepper) Step(t int, rate float64, w, grad []float64) {
	*s.steps = append(*s.steps, t)
	for j, g := range grad {
		switch {
		case g > 0:
			w[j] -= rate
		case g < 0:
			w[j] += rate
		}
	}
}

// TestCustomUpdate: a user-defined rule is started once per run with the
// number of parameters, and stepped with t = 0, 1, 2, … and the
// regularised gradient.
func TestCustomUpdate(t *testing.T) {
	pr := small(t)
	var starts, steps []int
	u := recordingUpdate{&starts, &steps}
	res := mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Method: MiniBatch, BatchSize: 6, Rate: 1e-3, Update: u, MaxEpochs: 2000, Seed: 1})
	if len(starts) != 1 || starts[0] != 4 {
		t.Errorf("Start calls: %v, want one with 4", starts)
	}
	if len(steps) != res.Steps {
		t.Errorf("%d Step calls for %d steps", len(steps), res.Steps)
	}
	for i, s := range steps {
		if s != i {
			t.Fatalf("Step called with t = %d at call %d", s, i)
		}
	}
	// Sign descent with a small rate gets near the minimiser.
	if e := relErr(res.W, pr.want); e > 0.01 {
		t.Errorf("sign descent ended %.3g away from the minimiser", e)
	}
	// L2 reaches the rule through the gradient: a strong L2 pulls the
	// coefficients to 0 (within a step), not the intercept.
	res = mustMinimize(t, pr.objective(t), make([]float64, 4), Config{Rate: 1e-3, Update: u, L2: 1e3, MaxEpochs: 3000})
	for j := range pr.p {
		if math.Abs(res.W[j]) > 2e-3 {
			t.Errorf("L2 = 1e3: coefficient %d = %g", j, res.W[j])
		}
	}
	if math.Abs(res.W[pr.p]) < 0.1 {
		t.Errorf("L2 = 1e3: the intercept %g was pulled to 0 too", res.W[pr.p])
	}
}
