package benchmarks

import (
	"math"
	"math/rand/v2"
	"unsafe"
)

// The float32 twins of plain.go and data.go, for the float32 benchmarks
// (f32_test.go) and the HNSW example (hnsw_test.go).
//
// The plain32 loops are written as plain.go's: four independent
// accumulators, reslicing so the compiler drops the bounds checks, and
// every product wrapped in an explicit float32 conversion, as in
// s0 += float32(x[0] * y[0]), which forbids the compiler to fuse it into
// a multiply-add (gc would on arm64 and with GOAMD64=v3). They accumulate
// in float32, as the float32 kernels and their peers do.

// plainDot32 returns Σ x[i]·y[i] with four float32 accumulators.
func plainDot32(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	for len(x) >= 4 && len(y) >= 4 {
		s0 += float32(x[0] * y[0])
		s1 += float32(x[1] * y[1])
		s2 += float32(x[2] * y[2])
		s3 += float32(x[3] * y[3])
		x, y = x[4:], y[4:]
	}
	for i := range x {
		s0 += float32(x[i] * y[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// plainSumSqDiff32 returns Σ (x[i]−y[i])² with four float32 accumulators.
func plainSumSqDiff32(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	for len(x) >= 4 && len(y) >= 4 {
		d0 := x[0] - y[0]
		d1 := x[1] - y[1]
		d2 := x[2] - y[2]
		d3 := x[3] - y[3]
		s0 += float32(d0 * d0)
		s1 += float32(d1 * d1)
		s2 += float32(d2 * d2)
		s3 += float32(d3 * d3)
		x, y = x[4:], y[4:]
	}
	for i := range x {
		d := x[i] - y[i]
		s0 += float32(d * d)
	}
	return (s0 + s1) + (s2 + s3)
}

// plainCosine32 returns x·y / (‖x‖·‖y‖) in one pass over x and y, with
// four float32 accumulators for each of x·y, x·x and y·y (twelve in all),
// and the quotient formed in float64 as f32.Cosine forms it. Like
// f32.Cosine it returns 0 if x or y is all zeros; unlike it, it does not
// clamp to [−1, 1] or catch overflow.
func plainCosine32(x, y []float32) float32 {
	y = y[:len(x)]
	var d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3 float32
	for len(x) >= 4 && len(y) >= 4 {
		d0 += float32(x[0] * y[0])
		d1 += float32(x[1] * y[1])
		d2 += float32(x[2] * y[2])
		d3 += float32(x[3] * y[3])
		a0 += float32(x[0] * x[0])
		a1 += float32(x[1] * x[1])
		a2 += float32(x[2] * x[2])
		a3 += float32(x[3] * x[3])
		b0 += float32(y[0] * y[0])
		b1 += float32(y[1] * y[1])
		b2 += float32(y[2] * y[2])
		b3 += float32(y[3] * y[3])
		x, y = x[4:], y[4:]
	}
	for i := range x {
		d0 += float32(x[i] * y[i])
		a0 += float32(x[i] * x[i])
		b0 += float32(y[i] * y[i])
	}
	xy, xx, yy := (d0+d1)+(d2+d3), (a0+a1)+(a2+a3), (b0+b1)+(b2+b3)
	if xx == 0 || yy == 0 {
		return 0
	}
	return float32(float64(xy) / math.Sqrt(float64(xx)*float64(yy)))
}

// plainGemvN32 sets y = A·x for the row-major m×n float32 matrix in a
// with row stride lda: one plainDot32 per row.
func plainGemvN32(m, n int, a []float32, lda int, x, y []float32) {
	x = x[:n]
	for i := range y[:m] {
		y[i] = plainDot32(a[i*lda:i*lda+n], x)
	}
}

// plainSumSqDiffRows32 sets out[i] = Σ (row i − q)² for the row-major
// m×n float32 matrix in a with row stride lda: one plainSumSqDiff32 per
// row, the plain twin of f32.SumSqDiffRows.
func plainSumSqDiffRows32(m, n int, a []float32, lda int, q, out []float32) {
	q = q[:n]
	for i := range out[:m] {
		out[i] = plainSumSqDiff32(a[i*lda:i*lda+n], q)
	}
}

// alignedSlice32 returns a zeroed slice of n float32s whose first element
// is aligned to align bytes, as alignedSlice does for float64.
func alignedSlice32(n int) []float32 {
	buf := make([]float32, n+align/4)
	off := 0
	for uintptr(unsafe.Pointer(unsafe.SliceData(buf[off:])))%align != 0 {
		off++
	}
	return buf[off : off+n : off+n]
}

// randomSlice32 returns n float32 values uniform in [-1, 1), the same for
// the same seed on every run and platform, in an aligned slice.
func randomSlice32(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x6c616e6573)) // "lanes"
	s := alignedSlice32(n)
	for i := range s {
		s[i] = 2*r.Float32() - 1
	}
	return s
}
