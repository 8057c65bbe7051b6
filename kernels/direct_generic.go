//go:build !(amd64 || arm64) || purego || noasm

package kernels

import "github.com/lanes-go/lanes/kernels/generic"

// Without assembly every kind runs the generic kernels. See impl.go.

func dotKind(_ kind, x, y []float64) float64       { return generic.Dot(x, y) }
func sumKind(_ kind, x []float64) float64          { return generic.Sum(x) }
func sumSqDiffKind(_ kind, x, y []float64) float64 { return generic.SumSqDiff(x, y) }
func axpyKind(_ kind, alpha float64, x, y []float64) {
	generic.Axpy(alpha, x, y)
}
func scalKind(_ kind, alpha float64, x []float64) { generic.Scal(alpha, x) }
func gemvNKind(_ kind, m, n int, a []float64, lda int, x, y []float64) {
	generic.GemvN(m, n, a, lda, x, y)
}
func gemvTKind(_ kind, m, n int, a []float64, lda int, x, y []float64) {
	generic.GemvT(m, n, a, lda, x, y)
}
func asumKind(_ kind, x []float64) float64 { return generic.Asum(x) }
func amaxKind(_ kind, x []float64) float64 { return generic.Amax(x) }
func indexAbsKind(_ kind, v float64, x []float64) int {
	return generic.IndexAbs(v, x)
}
func scaledSumSqKind(_ kind, alpha float64, x []float64) float64 {
	return generic.ScaledSumSq(alpha, x)
}
func lossGradKind(_ kind, m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
	return generic.LossGrad(m, n, a, lda, w, c, y, g)
}
