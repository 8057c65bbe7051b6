package benchmarks

// The plain* functions are what a careful Go programmer would write without
// assembly: four independent accumulators for the reductions (so the loop
// is not bound by the latency of a single chain of adds), reslicing so the
// compiler drops the bounds checks, and no unrolling beyond that.
//
// Every product is wrapped in an explicit float64 conversion, as in
// s0 += float64(x[0] * y[0]). The Go specification lets a compiler fuse
// x*y + s into one multiply-add (gc does so for GOAMD64=v3 and up, and on
// arm64, ppc64, s390x and riscv64); an explicit conversion forces the
// product to be rounded, which forbids the fusion. The plain loops thus do
// the same unfused arithmetic on every target and GOAMD64 level, which is
// also what gonum's SSE2 assembly does. They are a baseline, not a
// reference for bits: their summation order differs from the canonical
// order of package kernels.

// plainDot returns Σ x[i]·y[i] with four accumulators.
func plainDot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	for len(x) >= 4 && len(y) >= 4 {
		s0 += float64(x[0] * y[0])
		s1 += float64(x[1] * y[1])
		s2 += float64(x[2] * y[2])
		s3 += float64(x[3] * y[3])
		x, y = x[4:], y[4:]
	}
	for i := range x {
		s0 += float64(x[i] * y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// plainSum returns Σ x[i] with four accumulators.
func plainSum(x []float64) float64 {
	var s0, s1, s2, s3 float64
	for len(x) >= 4 {
		s0 += x[0]
		s1 += x[1]
		s2 += x[2]
		s3 += x[3]
		x = x[4:]
	}
	for _, v := range x {
		s0 += v
	}
	return (s0 + s1) + (s2 + s3)
}

// plainSumSqDiff returns Σ (x[i]−y[i])² with four accumulators.
func plainSumSqDiff(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	for len(x) >= 4 && len(y) >= 4 {
		d0 := x[0] - y[0]
		d1 := x[1] - y[1]
		d2 := x[2] - y[2]
		d3 := x[3] - y[3]
		s0 += float64(d0 * d0)
		s1 += float64(d1 * d1)
		s2 += float64(d2 * d2)
		s3 += float64(d3 * d3)
		x, y = x[4:], y[4:]
	}
	for i := range x {
		d := x[i] - y[i]
		s0 += float64(d * d)
	}
	return (s0 + s1) + (s2 + s3)
}

// plainAxpy sets y[i] += alpha·x[i], with the product rounded.
func plainAxpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += float64(alpha * v)
	}
}

// plainScal sets x[i] *= alpha.
func plainScal(alpha float64, x []float64) {
	for i := range x {
		x[i] *= alpha
	}
}

// plainGemvN sets y = A·x for the row-major m×n matrix in a with row
// stride lda: one plainDot per row.
func plainGemvN(m, n int, a []float64, lda int, x, y []float64) {
	x = x[:n]
	for i := range y[:m] {
		y[i] = plainDot(a[i*lda:i*lda+n], x)
	}
}

// plainGemvT sets y = Aᵀ·x for the row-major m×n matrix in a with row
// stride lda: y starts at zero and takes one plainAxpy per row, which walks
// A in memory order.
func plainGemvT(m, n int, a []float64, lda int, x, y []float64) {
	y = y[:n]
	clear(y)
	for i, xi := range x[:m] {
		plainAxpy(xi, a[i*lda:i*lda+n], y)
	}
}
