package gd

import (
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// Update is a parameter-update rule: plain gradient descent, momentum,
// Nesterov, Adam, or one of your own. Start is called once per run and
// returns the rule's state for d parameters, so one Update value can
// configure any number of runs, even concurrent ones.
type Update interface {
	Start(params int) Stepper
}

// Stepper applies one update: it moves w against the (regularised)
// gradient grad with learning rate rate at step t, counting from 0. It
// must not allocate, and must give the same bits on every platform: write
// no bare a*b + c, which compilers may fuse; use package kernels,
// math.FMA, or float64(a*b) + c.
type Stepper interface {
	Step(t int, rate float64, w, grad []float64)
}

// ProxScaler is implemented by a Stepper whose step along a coordinate,
// at a fixed point of the run, is scale·rate·grad rather than
// rate·grad: momentum's velocity is grad/(1−Mu) there, and Adam divides
// by √v̂+ε. With L1, Minimize applies the proximal step after each update
// with threshold scale·rate·L1, so that a fixed point is exactly a point
// where 0 ∈ grad + L1·∂‖w‖₁: the lasso optimum, whatever the rule. A
// custom momentum-like rule that does not implement it converges to the
// optimum of a different L1.
type ProxScaler interface {
	// ProxScale writes each coordinate's scale into s; it is called after
	// every Step.
	ProxScale(s []float64)
}

// Plain is w ← w − rate·grad, one fused multiply-add per parameter.
type Plain struct{}

// Start implements Update.
func (Plain) Start(int) Stepper { return plainStepper{} }

type plainStepper struct{}

func (plainStepper) Step(_ int, rate float64, w, grad []float64) { kernels.Axpy(-rate, grad, w) }

// Momentum is heavy-ball momentum with coefficient Mu:
//
//	v ← Mu·v + grad,  w ← w − rate·v
//
// The zero value uses Mu = 0.9; for no momentum use Plain.
type Momentum struct{ Mu float64 }

// Start implements Update.
func (m Momentum) Start(d int) Stepper {
	return &momentumStepper{mu: orDefault(m.Mu, 0.9), v: make([]float64, d)}
}

// Validate reports a coefficient outside [0, 1).
func (m Momentum) Validate() error { return checkUnit("Momentum.Mu", m.Mu) }

type momentumStepper struct {
	mu       float64
	v        []float64
	nesterov bool
}

func (s *momentumStepper) Step(_ int, rate float64, w, grad []float64) {
	kernels.Scal(s.mu, s.v)
	kernels.Axpy(1, grad, s.v) // v = Mu·v + grad, rounded once more
	if s.nesterov {
		// The look-ahead form: w ← w − rate·(grad + Mu·v).
		kernels.Axpy(-rate, grad, w)
		kernels.Axpy(-rate*s.mu, s.v, w)
		return
	}
	kernels.Axpy(-rate, s.v, w)
}

// ProxScale implements ProxScaler: the velocity is grad/(1−Mu) at a
// fixed point, for Momentum and Nesterov alike.
func (s *momentumStepper) ProxScale(scale []float64) {
	k := 1 / (1 - s.mu)
	for j := range scale {
		scale[j] = k
	}
}

// Nesterov is Nesterov's accelerated gradient with momentum Mu, in the
// form that needs the gradient at w only (as PyTorch and Keras have it):
//
//	v ← Mu·v + grad,  w ← w − rate·(grad + Mu·v)
//
// The zero value uses Mu = 0.9.
type Nesterov struct{ Mu float64 }

// Start implements Update.
func (n Nesterov) Start(d int) Stepper {
	return &momentumStepper{mu: orDefault(n.Mu, 0.9), v: make([]float64, d), nesterov: true}
}

// Validate reports a coefficient outside [0, 1).
func (n Nesterov) Validate() error { return checkUnit("Nesterov.Mu", n.Mu) }

// Adam is Kingma and Ba's Adam with bias correction:
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//	w ← w − rate·m̂/(√v̂ + ε),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
//
// with t counting updates from 1. Zero fields take the paper's defaults:
// Beta1 0.9, Beta2 0.999, Eps 1e-8.
type Adam struct{ Beta1, Beta2, Eps float64 }

// Start implements Update.
func (a Adam) Start(d int) Stepper {
	return &adamStepper{
		b1: orDefault(a.Beta1, 0.9), b2: orDefault(a.Beta2, 0.999), eps: orDefault(a.Eps, 1e-8),
		p1: 1, p2: 1,
		m: make([]float64, d), v: make([]float64, d),
	}
}

// Validate reports betas outside [0, 1) and a negative or non-finite Eps.
func (a Adam) Validate() error {
	if err := checkUnit("Adam.Beta1", a.Beta1); err != nil {
		return err
	}
	if err := checkUnit("Adam.Beta2", a.Beta2); err != nil {
		return err
	}
	if !(a.Eps >= 0) || math.IsInf(a.Eps, 0) {
		return configErr("Adam.Eps must be ≥ 0 and finite, got %v", a.Eps)
	}
	return nil
}

type adamStepper struct {
	b1, b2, eps float64
	p1, p2      float64 // β1^t and β2^t
	k2          float64 // 1/(1−β2^t) of the last step
	m, v        []float64
}

func (s *adamStepper) Step(_ int, rate float64, w, grad []float64) {
	// float64() rounds each product: otherwise the arm64 compiler keeps
	// the unrounded β·p and fuses it into 1 − p below (FMSUBD).
	s.p1 = float64(s.p1 * s.b1)
	s.p2 = float64(s.p2 * s.b2)
	c1, c2 := 1-s.b1, 1-s.b2
	k1, k2 := 1/(1-s.p1), 1/(1-s.p2)
	s.k2 = k2
	m, v := s.m[:len(w)], s.v[:len(w)]
	grad = grad[:len(w)]
	for j, g := range grad {
		// Every product is rounded on its own (float64(…)), so no
		// compiler may fuse it with the addition that follows.
		m[j] = float64(s.b1*m[j]) + float64(c1*g)
		v[j] = float64(s.b2*v[j]) + float64(c2*float64(g*g))
		mh := float64(m[j] * k1)
		vh := float64(v[j] * k2)
		w[j] -= float64(rate*mh) / (math.Sqrt(vh) + s.eps)
	}
}

// orDefault returns v, or def if v is zero.
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// checkUnit reports a coefficient outside [0, 1).
func checkUnit(field string, v float64) error {
	if !(v >= 0 && v < 1) {
		return configErr("%s must be in [0, 1), got %v", field, v)
	}
	return nil
}

// ProxScale implements ProxScaler: Adam's step is rate·m̂/(√v̂+ε), and m̂
// is the gradient at a fixed point.
func (s *adamStepper) ProxScale(scale []float64) {
	for j := range scale {
		scale[j] = 1 / (math.Sqrt(float64(s.v[j]*s.k2)) + s.eps)
	}
}
