//go:build amd64 || arm64

package benchmarks

import "github.com/viterin/vek/vek32"

// vek32 and coder/hnsw (which uses it) are peers only where they build:
// their dependency github.com/chewxy/math32 declares assembly functions
// with no Go body on riscv64, loong64 and others. f32vek_other_test.go
// leaves the columns out there.

// vekImpls are the vek32 columns of f32Impls.
func vekImpls() []f32Impl {
	var vekScratch []float32
	return []f32Impl{
		{
			name:          "vek32",
			dot:           vek32.Dot,
			sumSqDiff:     vekDistanceSq,
			cosine:        vek32.CosineSimilarity,
			gemvN:         vekGemvNRows,
			sumSqDiffRows: vekSumSqDiffRows,
			emptyPanics:   true,
		},
		{
			name: "vek32-subdot",
			sumSqDiff: func(x, y []float32) float32 {
				vekScratch = grow32(vekScratch, len(x))
				return vekSubDot(vekScratch, x, y)
			},
			emptyPanics: true,
		},
		{
			name:        "vek32-matmul",
			gemvN:       vekGemvNMatMul,
			emptyPanics: true,
		}}
}

// vekDistanceSq returns vek32.Distance(x, y)², vek's nearest thing to a
// squared distance.
func vekDistanceSq(x, y []float32) float32 {
	d := vek32.Distance(x, y)
	return d * d
}

// vekSubDot returns Σ (x[i]−y[i])² as vek32.Sub_Into(d, x, y), then d·d.
func vekSubDot(d, x, y []float32) float32 {
	vek32.Sub_Into(d, x, y)
	return vek32.Dot(d, d)
}

// vekGemvNRows sets y = A·x with one vek32.Dot per row.
func vekGemvNRows(m, n int, a []float32, lda int, x, y []float32) {
	x = x[:n]
	for i := range y[:m] {
		y[i] = vek32.Dot(a[i*lda:i*lda+n], x)
	}
}

// vekSumSqDiffRows sets out[i] = vek32.Distance(row i, q)².
func vekSumSqDiffRows(m, n int, a []float32, lda int, q, out []float32) {
	q = q[:n]
	for i := range out[:m] {
		out[i] = vekDistanceSq(a[i*lda:i*lda+n], q)
	}
}

// vekGemvNMatMul sets y = A·x with vek32.MatMul_Into, x taken as an n×1
// matrix; it needs lda == n (vek's matrices are dense).
func vekGemvNMatMul(m, n int, a []float32, lda int, x, y []float32) {
	if lda != n {
		panic("vekGemvNMatMul: lda != n")
	}
	vek32.MatMul_Into(y[:m], a[:m*n], x[:n], n)
}
