package generic

import "math"

// Lanes32 is L for float32: the number of independent partial sums every
// float32 reduction keeps.
const Lanes32 = 256 / 4

// The float32 twins below follow the package doc with S = 4 (L = 64), each
// multiply-add one FMA32. They are the reference of package kernels/f32.

// fold32 is fold for float32 lanes.
func fold32(acc *[Lanes32]float32) float32 {
	for w := Lanes32 / 2; w >= 1; w /= 2 {
		for j := 0; j < w; j++ {
			acc[j] = acc[j] + acc[j+w]
		}
	}
	return acc[0] + 0 // never −0
}

// DotF32 is Dot for float32.
func DotF32(x, y []float32) float32 {
	var acc [Lanes32]float32
	n := len(x)
	y = y[:n]
	i := 0
	for ; i+Lanes32 <= n; i += Lanes32 {
		xb := (*[Lanes32]float32)(x[i:])
		yb := (*[Lanes32]float32)(y[i:])
		for j := range acc {
			acc[j] = FMA32(xb[j], yb[j], acc[j])
		}
	}
	for j := 0; i+j < n; j++ {
		acc[j] = FMA32(x[i+j], y[i+j], acc[j])
	}
	return fold32(&acc)
}

// SumF32 is Sum for float32.
func SumF32(x []float32) float32 {
	var acc [Lanes32]float32
	n := len(x)
	i := 0
	for ; i+Lanes32 <= n; i += Lanes32 {
		xb := (*[Lanes32]float32)(x[i:])
		for j := range acc {
			acc[j] += xb[j]
		}
	}
	for j := 0; i+j < n; j++ {
		acc[j] += x[i+j]
	}
	return fold32(&acc)
}

// SumSqDiffF32 is SumSqDiff for float32: the difference rounded to
// float32, then squared and added in one FMA.
func SumSqDiffF32(x, y []float32) float32 {
	var acc [Lanes32]float32
	n := len(x)
	y = y[:n]
	i := 0
	for ; i+Lanes32 <= n; i += Lanes32 {
		xb := (*[Lanes32]float32)(x[i:])
		yb := (*[Lanes32]float32)(y[i:])
		for j := range acc {
			d := xb[j] - yb[j]
			acc[j] = FMA32(d, d, acc[j])
		}
	}
	for j := 0; i+j < n; j++ {
		d := x[i+j] - y[i+j]
		acc[j] = FMA32(d, d, acc[j])
	}
	return fold32(&acc)
}

// AxpyF32 is Axpy for float32.
func AxpyF32(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = FMA32(alpha, v, y[i])
	}
}

// ScalF32 is Scal for float32.
func ScalF32(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// abs32 is |v|, clearing the sign bit as the vector code does.
func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

// AsumF32 is Asum for float32.
func AsumF32(x []float32) float32 {
	var acc [Lanes32]float32
	n := len(x)
	i := 0
	for ; i+Lanes32 <= n; i += Lanes32 {
		xb := (*[Lanes32]float32)(x[i:])
		for j := range acc {
			acc[j] += abs32(xb[j])
		}
	}
	for j := 0; i+j < n; j++ {
		acc[j] += abs32(x[i+j])
	}
	return fold32(&acc)
}

// AmaxF32 is Amax for float32.
func AmaxF32(x []float32) float32 {
	var m float32
	for _, v := range x {
		if a := abs32(v); a > m {
			m = a
		}
	}
	return m
}

// IndexAbsF32 is IndexAbs for float32.
func IndexAbsF32(v float32, x []float32) int {
	for i, e := range x {
		if abs32(e) == v {
			return i
		}
	}
	return -1
}

// ScaledSumSqF32 is ScaledSumSq for float32.
func ScaledSumSqF32(alpha float32, x []float32) float32 {
	var acc [Lanes32]float32
	n := len(x)
	i := 0
	for ; i+Lanes32 <= n; i += Lanes32 {
		xb := (*[Lanes32]float32)(x[i:])
		for j := range acc {
			t := alpha * xb[j]
			acc[j] = FMA32(t, t, acc[j])
		}
	}
	for j := 0; i+j < n; j++ {
		t := alpha * x[i+j]
		acc[j] = FMA32(t, t, acc[j])
	}
	return fold32(&acc)
}

// GemvNF32 is GemvN for float32: each y[i] is one DotF32.
func GemvNF32(m, n int, a []float32, lda int, x, y []float32) {
	x = x[:n]
	if n == 0 {
		clear(y[:m])
		return
	}
	for i := range y[:m] {
		y[i] = DotF32(a[i*lda:i*lda+n], x)
	}
}

// GemvTF32 is GemvT for float32.
func GemvTF32(m, n int, a []float32, lda int, x, y []float32) {
	y = y[:n]
	clear(y)
	if n == 0 {
		return
	}
	for i, xi := range x[:m] {
		row := a[i*lda : i*lda+n]
		for j, v := range row {
			y[j] = FMA32(xi, v, y[j])
		}
	}
}

// DotNormsF32 returns DotF32(x, y), DotF32(x, x) and DotF32(y, y): the
// three reductions of a cosine, which vector code computes in one pass.
func DotNormsF32(x, y []float32) (xy, xx, yy float32) {
	return DotF32(x, y), DotF32(x, x), DotF32(y, y)
}
