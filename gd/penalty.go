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

// penalty returns L1·‖w‖₁ + (L2/2)·‖w‖² over the penalised parameters.
func (r *run) penalty(w []float64) float64 {
	if r.cfg.L1 == 0 && r.cfg.L2 == 0 {
		return 0
	}
	var abs, sq float64
	for _, s := range r.spans {
		ws := w[s.lo:s.hi]
		sq += kernels.Dot(ws, ws)
		for _, v := range ws {
			abs += math.Abs(v)
		}
	}
	return float64(r.cfg.L1*abs) + float64(0.5*r.cfg.L2*sq)
}

// addL2 adds L2·w to the gradient of the penalised parameters.
func (r *run) addL2(w, g []float64) {
	if r.cfg.L2 == 0 {
		return
	}
	for _, s := range r.spans {
		kernels.Axpy(r.cfg.L2, w[s.lo:s.hi], g[s.lo:s.hi])
	}
}

// proxL1 applies the proximal operator of rate·L1·‖w‖₁, soft-thresholding:
// each penalised w[j] moves rate·L1 towards zero, times the update rule's
// scale[j] if it has one (see ProxScaler), and stops at exactly +0.
func (r *run) proxL1(rate float64, w []float64) {
	if r.cfg.L1 == 0 {
		return
	}
	// float64() rounds the threshold: otherwise a compiler may fuse
	// rate·L1 into softThreshold's v − t and v + t on FMA targets.
	t := float64(rate * r.cfg.L1)
	for _, s := range r.spans {
		for j, v := range w[s.lo:s.hi] {
			tj := t
			if r.scale != nil {
				tj = float64(t * r.scale[s.lo+j])
			}
			w[s.lo+j] = softThreshold(v, tj)
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
			step := (w[j] - softThreshold(z, t)) / rate
			sq = math.FMA(step, step, sq)
		}
		next = s.hi
	}
	for j := next; j < len(g); j++ {
		sq = math.FMA(g[j], g[j], sq)
	}
	return math.Sqrt(sq)
}
