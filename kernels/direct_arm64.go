//go:build !purego && !noasm

package kernels

import (
	"github.com/lanes-go/lanes/kernels/arm64"
	"github.com/lanes-go/lanes/kernels/generic"
)

// The per-kind switches call each kernel directly, so that escape analysis
// sees the assembly's //go:noescape and the generic code. See impl.go.

func dotKind(k kind, x, y []float64) float64 {
	switch k {
	case kindNEON:
		return arm64.DotNEON(x, y)
	}
	return generic.Dot(x, y)
}

func sumKind(k kind, x []float64) float64 {
	switch k {
	case kindNEON:
		return arm64.SumNEON(x)
	}
	return generic.Sum(x)
}

func sumSqDiffKind(k kind, x, y []float64) float64 {
	switch k {
	case kindNEON:
		return arm64.SumSqDiffNEON(x, y)
	}
	return generic.SumSqDiff(x, y)
}

func axpyKind(k kind, alpha float64, x, y []float64) {
	switch k {
	case kindNEON:
		arm64.AxpyNEON(alpha, x, y)
	default:
		generic.Axpy(alpha, x, y)
	}
}

func scalKind(k kind, alpha float64, x []float64) {
	switch k {
	case kindNEON:
		arm64.ScalNEON(alpha, x)
	default:
		generic.Scal(alpha, x)
	}
}

func gemvNKind(k kind, m, n int, a []float64, lda int, x, y []float64) {
	switch k {
	case kindNEON:
		arm64.GemvNNEON(m, n, a, lda, x, y)
	default:
		generic.GemvN(m, n, a, lda, x, y)
	}
}

func gemvTKind(k kind, m, n int, a []float64, lda int, x, y []float64) {
	switch k {
	case kindNEON:
		arm64.GemvTNEON(m, n, a, lda, x, y)
	default:
		generic.GemvT(m, n, a, lda, x, y)
	}
}

func asumKind(k kind, x []float64) float64 {
	switch k {
	case kindNEON:
		return arm64.AsumNEON(x)
	}
	return generic.Asum(x)
}

func amaxKind(k kind, x []float64) float64 {
	switch k {
	case kindNEON:
		return arm64.AmaxNEON(x)
	}
	return generic.Amax(x)
}

func indexAbsKind(k kind, v float64, x []float64) int {
	switch k {
	case kindNEON:
		return arm64.IndexAbsNEON(v, x)
	}
	return generic.IndexAbs(v, x)
}

func scaledSumSqKind(k kind, alpha float64, x []float64) float64 {
	switch k {
	case kindNEON:
		return arm64.ScaledSumSqNEON(alpha, x)
	}
	return generic.ScaledSumSq(alpha, x)
}

func lossGradKind(k kind, m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	switch k {
	case kindNEON:
		return arm64.LossGradNEON(m, n, a, lda, w, c, y, g)
	}
	return generic.LossGrad(m, n, a, lda, w, c, y, g)
}
