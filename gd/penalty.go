package gd

import (
	"math"

	"github.com/lanes-go/lanes/kernels"
)

// span is a run of consecutive penalised parameters, [lo, hi). Penalties
// work run by run so that the common layout, every coefficient then an
// unpenalised intercept, is one kernel call.
type span struct{ lo, hi int }

// penalizedSpans collects the runs of parameters obj penalises.
func penalizedSpans(obj Objective, d int) []span {
	var s []span
	for j := 0; j < d; j++ {
		if !obj.Penalized(j) {
			continue
		}
		if n := len(s); n > 0 && s[n-1].hi == j {
			s[n-1].hi++
		} else {
			s = append(s, span{j, j + 1})
		}
	}
	return s
}

// weighter returns obj as a PenaltyWeighter if it has penalty weights:
// nil if it has no PenaltyWeight method, or if it is a LeastSquares
// without LeastSquaresOptions.PenaltyWeights, so that it keeps the
// arithmetic of an objective without weights. (A type that embeds a
// LeastSquares and has a PenaltyWeight of its own is not a LeastSquares:
// its weights count.)
func weighter(obj Objective) PenaltyWeighter {
	if ls, ok := obj.(*LeastSquares); ok && ls.pw == nil {
		return nil
	}
	pw, _ := obj.(PenaltyWeighter)
	return pw
}

// penaltyWeights returns the weights c_j of obj (see PenaltyWeighter), 1
// for unpenalised parameters, and L2·c_j² for the L2 gradient; nil, nil
// without weights.
func penaltyWeights(obj Objective, d int, l2 float64) (c, l2c []float64) {
	pw := weighter(obj)
	if pw == nil {
		return nil, nil
	}
	c, l2c = make([]float64, d), make([]float64, d)
	for j := range c {
		c[j] = 1
		if obj.Penalized(j) {
			c[j] = pw.PenaltyWeight(j)
		}
		l2c[j] = float64(l2 * float64(c[j]*c[j]))
	}
	return c, l2c
}

// penalty returns L1·‖w‖₁ + (L2/2)·‖w‖² over the penalised parameters,
// each weighted by c_j when the objective has weights.
func (r *run) penalty(w []float64) float64 {
	if r.cfg.L1 == 0 && r.cfg.L2 == 0 {
		return 0
	}
	var abs, sq float64
	for _, s := range r.spans {
		ws := w[s.lo:s.hi]
		if r.pw != nil {
			for j, v := range ws {
				v = float64(v * r.pw[s.lo+j])
				abs += math.Abs(v)
				sq = math.FMA(v, v, sq)
			}
			continue
		}
		sq += kernels.Dot(ws, ws)
		for _, v := range ws {
			abs += math.Abs(v)
		}
	}
	return float64(r.cfg.L1*abs) + float64(0.5*r.cfg.L2*sq)
}

// addL2 adds L2·w (L2·c_j²·w_j with weights) to the gradient of the
// penalised parameters.
func (r *run) addL2(w, g []float64) {
	if r.cfg.L2 == 0 {
		return
	}
	for _, s := range r.spans {
		if r.pw != nil {
			for j := s.lo; j < s.hi; j++ {
				g[j] = math.FMA(r.l2c[j], w[j], g[j])
			}
			continue
		}
		kernels.Axpy(r.cfg.L2, w[s.lo:s.hi], g[s.lo:s.hi])
	}
}

// threshold returns the soft-threshold of penalised parameter j for the
// base threshold t = rate·L1: times c_j with weights, times the update
// rule's scale with a ProxScaler.
func (r *run) threshold(t float64, j int) float64 {
	if r.pw != nil {
		t = float64(t * r.pw[j])
	}
	if r.scale != nil {
		t = float64(t * r.scale[j])
	}
	return t
}

// proxL1 applies the proximal operator of rate·L1·‖w‖₁, soft-thresholding:
// each penalised w[j] moves threshold(rate·L1, j) towards zero and stops
// at exactly +0.
func (r *run) proxL1(rate float64, w []float64) {
	if r.cfg.L1 == 0 {
		return
	}
	// float64() rounds the threshold: otherwise a compiler may fuse
	// rate·L1 into softThreshold's v − t and v + t on FMA targets.
	t := float64(rate * r.cfg.L1)
	for _, s := range r.spans {
		for j := s.lo; j < s.hi; j++ {
			w[j] = softThreshold(w[j], r.threshold(t, j))
		}
	}
}

func softThreshold(v, t float64) float64 {
	switch {
	case v > t:
		return v - t
	case v < -t:
		return v + t
	}
	return 0
}

// proxGradNorm returns the norm of the step the update would take, divided
// by the rate: ‖∇f‖₂ without L1, ‖(w − prox(w − rate·g))/rate‖₂ with it.
// It is zero exactly at a minimiser of the regularised objective.
func (r *run) proxGradNorm(rate float64, w, g []float64) float64 {
	if r.cfg.L1 == 0 || rate == 0 {
		return math.Sqrt(kernels.Dot(g, g))
	}
	var sq float64
	t := float64(rate * r.cfg.L1)
	next := 0
	for _, s := range r.spans {
		for j := next; j < s.lo; j++ {
			sq = math.FMA(g[j], g[j], sq)
		}
		for j := s.lo; j < s.hi; j++ {
			z := w[j] - float64(rate*g[j])
			tj := t
			if r.pw != nil {
				tj = float64(t * r.pw[j])
			}
			step := (w[j] - softThreshold(z, tj)) / rate
			sq = math.FMA(step, step, sq)
		}
		next = s.hi
	}
	for j := next; j < len(g); j++ {
		sq = math.FMA(g[j], g[j], sq)
	}
	return math.Sqrt(sq)
}
