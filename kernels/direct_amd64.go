//go:build !purego && !noasm

package kernels

import (
	"github.com/lanes-go/lanes/kernels/amd64"
	"github.com/lanes-go/lanes/kernels/generic"
)

// The per-kind switches call each kernel directly, so that escape analysis
// sees the assembly's //go:noescape and the generic code. See impl.go.

func dotKind(k kind, x, y []float64) float64 {
	switch k {
	case kindAVX512:
		return amd64.DotAVX512(x, y)
	case kindAVX2:
		return amd64.DotAVX2(x, y)
	}
	return generic.Dot(x, y)
}

func sumKind(k kind, x []float64) float64 {
	switch k {
	case kindAVX512:
		return amd64.SumAVX512(x)
	case kindAVX2:
		return amd64.SumAVX2(x)
	}
	return generic.Sum(x)
}

func sumSqDiffKind(k kind, x, y []float64) float64 {
	switch k {
	case kindAVX512:
		return amd64.SumSqDiffAVX512(x, y)
	case kindAVX2:
		return amd64.SumSqDiffAVX2(x, y)
	}
	return generic.SumSqDiff(x, y)
}

func axpyKind(k kind, alpha float64, x, y []float64) {
	switch k {
	case kindAVX512:
		amd64.AxpyAVX512(alpha, x, y)
	case kindAVX2:
		amd64.AxpyAVX2(alpha, x, y)
	default:
		generic.Axpy(alpha, x, y)
	}
}

func scalKind(k kind, alpha float64, x []float64) {
	switch k {
	case kindAVX512:
		amd64.ScalAVX512(alpha, x)
	case kindAVX2:
		amd64.ScalAVX2(alpha, x)
	default:
		generic.Scal(alpha, x)
	}
}

func gemvNKind(k kind, m, n int, a []float64, lda int, x, y []float64) {
	switch k {
	case kindAVX512:
		amd64.GemvNAVX512(m, n, a, lda, x, y)
	case kindAVX2:
		amd64.GemvNAVX2(m, n, a, lda, x, y)
	default:
		generic.GemvN(m, n, a, lda, x, y)
	}
}

func gemvTKind(k kind, m, n int, a []float64, lda int, x, y []float64) {
	switch k {
	case kindAVX512:
		amd64.GemvTAVX512(m, n, a, lda, x, y)
	case kindAVX2:
		amd64.GemvTAVX2(m, n, a, lda, x, y)
	default:
		generic.GemvT(m, n, a, lda, x, y)
	}
}

func asumKind(k kind, x []float64) float64 {
	switch k {
	case kindAVX512:
		return amd64.AsumAVX512(x)
	case kindAVX2:
		return amd64.AsumAVX2(x)
	}
	return generic.Asum(x)
}

func amaxKind(k kind, x []float64) float64 {
	switch k {
	case kindAVX512:
		return amd64.AmaxAVX512(x)
	case kindAVX2:
		return amd64.AmaxAVX2(x)
	}
	return generic.Amax(x)
}

func indexAbsKind(k kind, v float64, x []float64) int {
	switch k {
	case kindAVX512:
		return amd64.IndexAbsAVX512(v, x)
	case kindAVX2:
		return amd64.IndexAbsAVX2(v, x)
	}
	return generic.IndexAbs(v, x)
}

func scaledSumSqKind(k kind, alpha float64, x []float64) float64 {
	switch k {
	case kindAVX512:
		return amd64.ScaledSumSqAVX512(alpha, x)
	case kindAVX2:
		return amd64.ScaledSumSqAVX2(alpha, x)
	}
	return generic.ScaledSumSq(alpha, x)
}

func lossGradKind(k kind, m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	switch k {
	case kindAVX512:
		return amd64.LossGradAVX512(m, n, a, lda, w, c, y, g)
	case kindAVX2:
		return amd64.LossGradAVX2(m, n, a, lda, w, c, y, g)
	}
	return generic.LossGrad(m, n, a, lda, w, c, y, g)
}
