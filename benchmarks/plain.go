package benchmarks

import "math"

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

// plainAsum returns Σ |x[i]| with four accumulators.
func plainAsum(x []float64) float64 {
	var s0, s1, s2, s3 float64
	for len(x) >= 4 {
		s0 += math.Abs(x[0])
		s1 += math.Abs(x[1])
		s2 += math.Abs(x[2])
		s3 += math.Abs(x[3])
		x = x[4:]
	}
	for _, v := range x {
		s0 += math.Abs(v)
	}
	return (s0 + s1) + (s2 + s3)
}

// plainNrm2 returns √(Σ x[i]²), the textbook way: four accumulators of
// unfused squares and one square root. Unlike every other column of
// BenchmarkNrm2 (kernels.Nrm2, gonum's Dnrm2, OpenBLAS's cblas_dnrm2) it
// is NOT overflow or underflow safe: the sum of squares overflows to +Inf
// once the norm passes about 1.3e154 (any |x[i]| above that does it
// alone), and squares below about 1e-162 lose bits or flush to zero, so a
// tiny vector's norm comes out inaccurate or 0. It is what a careful Go
// programmer writes when the data are known to be of moderate size, as
// the benchmark inputs are, and so the fastest honest baseline.
func plainNrm2(x []float64) float64 {
	var s0, s1, s2, s3 float64
	for len(x) >= 4 {
		s0 += float64(x[0] * x[0])
		s1 += float64(x[1] * x[1])
		s2 += float64(x[2] * x[2])
		s3 += float64(x[3] * x[3])
		x = x[4:]
	}
	for _, v := range x {
		s0 += float64(v * v)
	}
	return math.Sqrt((s0 + s1) + (s2 + s3))
}

// plainIamax returns the index of the first element of largest absolute
// value, or −1 if x is empty: one pass that keeps the largest |x[i]| so
// far and where it was, as reference BLAS IDAMAX (a NaN is never larger,
// so NaNs are passed over unless x[0] is one).
func plainIamax(x []float64) int {
	if len(x) == 0 {
		return -1
	}
	idx, m := 0, math.Abs(x[0])
	for i, v := range x {
		if a := math.Abs(v); a > m {
			idx, m = i, a
		}
	}
	return idx
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

// plainGram sets the upper triangle of g to AᵀA, the textbook way: for
// each row of A, a rank-one update of the triangle, row j of G gaining
// a[i][j] times the row's columns j … n−1, four products per step.
func plainGram(m, n int, a []float64, lda int, g []float64) {
	for j := range n {
		clear(g[j*n+j : j*n+n])
	}
	for i := range m {
		row := a[i*lda : i*lda+n]
		for j, aj := range row {
			gj, r := g[j*n+j:j*n+n], row[j:]
			k := 0
			for ; k+4 <= len(r); k += 4 {
				gj[k] += float64(aj * r[k])
				gj[k+1] += float64(aj * r[k+1])
				gj[k+2] += float64(aj * r[k+2])
				gj[k+3] += float64(aj * r[k+3])
			}
			for ; k < len(r); k++ {
				gj[k] += float64(aj * r[k])
			}
		}
	}
}

// plainShiftScale sets z[i·ldz+j] = (a[i·lda+j] − shift[j])·scale[j].
func plainShiftScale(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
	shift, scale = shift[:n], scale[:n]
	for i := range m {
		row, out := a[i*lda:i*lda+n], z[i*ldz:i*ldz+n]
		for j, v := range row {
			out[j] = (v - shift[j]) * scale[j]
		}
	}
}
