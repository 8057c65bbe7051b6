package f32

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// FuzzKernels compares the implementation in use with generic on float32
// vectors made of arbitrary bytes (any bit pattern: NaNs with payloads,
// subnormals, ±0, ±Inf) at arbitrary offsets: every reduction, Axpy,
// Scal and GemvN/GemvT over the same data viewed as a matrix. Run it per
// implementation: LANES_KERNELS=avx2 go test -fuzz FuzzKernels ./kernels/f32
func FuzzKernels(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 128, 255}, uint8(1), uint8(3))
	f.Add(make([]byte, 4*130), uint8(0), uint8(7))
	seed := make([]byte, 4*300)
	for i := range 300 {
		binary.LittleEndian.PutUint32(seed[4*i:], math.Float32bits(float32(i%17)-8.5)*uint32(1+i%3))
	}
	f.Add(seed, uint8(5), uint8(64))
	f.Fuzz(func(t *testing.T, raw []byte, off, cols uint8) {
		vals := make([]float32, len(raw)/4)
		for i := range vals {
			vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		o := int(off) % 16
		if o > len(vals) {
			o = 0
		}
		vals = vals[o:]
		n := len(vals) / 2
		x, y := vals[:n], vals[n:2*n]
		same := func(what string, got, want float32) {
			if !sameBits(got, want) {
				t.Fatalf("%s n=%d off=%d: got %s, want %s", what, n, o, show(got), show(want))
			}
		}
		same("Dot", Dot(x, y), generic.DotF32(x, y))
		same("Sum", Sum(x), generic.SumF32(x))
		same("SumSqDiff", SumSqDiff(x, y), generic.SumSqDiffF32(x, y))
		same("Asum", Asum(x), generic.AsumF32(x))
		same("Amax", Amax(x), generic.AmaxF32(x))
		same("Nrm2", Nrm2(x), nrm2Kind(kindGeneric, x))
		xy, xx, yy := dotNormsKind(current(), x, y)
		gxy, gxx, gyy := generic.DotNormsF32(x, y)
		same("DotNorms.xy", xy, gxy)
		same("DotNorms.xx", xx, gxx)
		same("DotNorms.yy", yy, gyy)
		var alpha float32 = 1.5
		if n > 0 {
			alpha = x[0]
		}
		same("ScaledSumSq", scaledSumSqKind(current(), alpha, y), generic.ScaledSumSqF32(alpha, y))
		same("IndexAbs", float32(indexAbsKind(current(), abs(alpha), y)), float32(generic.IndexAbsF32(abs(alpha), y)))
		got, want := append([]float32(nil), y...), append([]float32(nil), y...)
		Axpy(alpha, x, got)
		generic.AxpyF32(alpha, x, want)
		for i := range got {
			same(fmt.Sprintf("Axpy[%d]", i), got[i], want[i])
		}
		c := int(cols)%40 + 1
		if m := n / c; m > 0 {
			a := x[:m*c]
			q := y[:c]
			outN, refN := make([]float32, m), make([]float32, m)
			GemvN(m, c, a, c, q, outN)
			generic.GemvNF32(m, c, a, c, q, refN)
			for i := range outN {
				same(fmt.Sprintf("GemvN %dx%d [%d]", m, c, i), outN[i], refN[i])
			}
			outT, refT := make([]float32, c), make([]float32, c)
			GemvT(m, c, a, c, y[:m], outT)
			generic.GemvTF32(m, c, a, c, y[:m], refT)
			for j := range outT {
				same(fmt.Sprintf("GemvT %dx%d [%d]", m, c, j), outT[j], refT[j])
			}
		}
	})
}

func abs(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
