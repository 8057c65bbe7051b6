package kernels

import (
	"encoding/binary"
	"math"
	"testing"
)

// The fuzz targets compare every implementation with the reference of its
// kernel, bit for bit, on inputs the fuzzer invents: the data bytes are
// read as float64 bit patterns, so NaNs with any payload, infinities,
// subnormals and signed zeros arise as easily as ordinary numbers, and a
// length and offsets say how vectors are cut from them. Without -fuzz
// they run their seeds as ordinary tests. To fuzz one:
//
//	go test ./kernels -run '^$' -fuzz '^FuzzDot$' -fuzztime 2000x
//
// Go finds a fuzz target by its name, so each kernel of kernelTests has a
// named one, next to the table in table_test.go; each only hands its
// kernel to fuzzKernel, and the body is the fuzz method of the kernel's
// family.

// fuzzKernel is the fuzz target of the named kernel of kernelTests.
func fuzzKernel(f *testing.F, name string) {
	k := kernelByName(name)
	k.fuzz(f, k.name)
}

// maxFuzzLen bounds fuzzed lengths: well past several blocks, still fast.
const maxFuzzLen = 1100

// decodeFloats reads data as little-endian float64 bit patterns; a
// trailing partial word is dropped.
func decodeFloats(data []byte) []float64 {
	fs := make([]float64, len(data)/8)
	for i := range fs {
		fs[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
	return fs
}

// encodeFloats is the inverse of decodeFloats, for seeds.
func encodeFloats(fs ...float64) []byte {
	b := make([]byte, 0, 8*len(fs))
	for _, f := range fs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	return b
}

// fuzzVec places n elements at offset off, cycling through the decoded
// values from index phase (zeros if there are none), so that a short
// input still yields long vectors.
func fuzzVec(b *vecBuf, vals []float64, n, off, phase int) vec {
	v := b.place(n, off)
	s := v.s()
	for i := range s {
		s[i] = 0
		if len(vals) > 0 {
			s[i] = vals[(i+phase)%len(vals)]
		}
	}
	return v
}

// fuzzSeeds adds seeds every vector target shares: empty input, special
// values at tail lengths, near-cancelling data, all -0, a long vector.
func fuzzSeeds(f *testing.F, add func(data []byte, n uint16, off uint8)) {
	add(nil, 0, 0)
	add(encodeFloats(specials...), 33, 1)
	add(encodeFloats(specials...), 7, 0x3f)
	add(encodeFloats(pools[classCancel].x[:64]...), 100, 5)
	add(encodeFloats(pools[classRandom].x[:40]...), 31, 2)
	add(encodeFloats(math.Copysign(0, -1)), 37, 3)
	add(encodeFloats(pools[classTiny].x[300:340]...), 65, 6)
	add(encodeFloats(pools[classHuge].x[:50]...), maxFuzzLen, 7)
}

// vectorFuzz is the body of the vector targets: it decodes x and y and
// calls check for every implementation on freshly placed copies.
func vectorFuzz(t *testing.T, kernel string, data []byte, nArg uint16, off uint8,
	check func(sc *scratch, im *implementation, x, y vec) string) {
	vals := decodeFloats(data)
	n := int(nArg) % (maxFuzzLen + 1)
	offX, offY := int(off&7), int(off>>3&7)
	sc := new(scratch)
	for _, im := range supported() {
		x := fuzzVec(&sc.x, vals, n, offX, 0)
		y := fuzzVec(&sc.y, vals, n, offY, len(vals)/2+1)
		if d := check(sc, im, x, y); d != "" {
			t.Fatalf("%s[%s] n=%d offset x=%d y=%d, %d decoded values: %s", kernel, im.name, n, offX, offY, len(vals), d)
		}
	}
}

// fuzz is the body of a vector kernel's fuzz target. A kernel with a
// scalar also fuzzes the scalar: alpha, or the v that IndexAbs searches
// for besides the usual targets of the sweep (see indexAbsTargets).
func (v *vecTest) fuzz(f *testing.F, name string) {
	switch v.scalar {
	case noScalar:
		fuzzSeeds(f, func(data []byte, n uint16, off uint8) { f.Add(data, n, off) })
		f.Fuzz(func(t *testing.T, data []byte, n uint16, off uint8) {
			vectorFuzz(t, name, data, n, off, func(sc *scratch, im *implementation, x, y vec) string {
				return sc.checkVec(v, im, 0, x, y)
			})
		})
	case alphaScalar:
		alphaFuzz(f, name, func(sc *scratch, im *implementation, alpha float64, x, y vec) string {
			return sc.checkVec(v, im, alpha, x, y)
		})
	case searchScalar:
		alphaFuzz(f, name, func(sc *scratch, im *implementation, s float64, x, y vec) string {
			return sc.checkScalars(v, im, append(indexAbsTargets(x.s()), s, math.Abs(s)), x, y)
		})
	}
}

// alphaSeeds are the scalars the seeds of the kernels with one combine
// with the shared seeds: ordinary, zero, NaN, infinite and subnormal.
var alphaSeeds = []float64{-1.5, 0, math.NaN(), math.Inf(-1), math.SmallestNonzeroFloat64, 0x1p600}

// alphaFuzz runs a vector fuzz target whose kernel also takes a scalar:
// the shared seeds each get one of alphaSeeds, and a difference names it.
func alphaFuzz(f *testing.F, name string, check func(sc *scratch, im *implementation, alpha float64, x, y vec) string) {
	k := 0
	fuzzSeeds(f, func(data []byte, n uint16, off uint8) {
		f.Add(data, n, off, math.Float64bits(alphaSeeds[k%len(alphaSeeds)]))
		k++
	})
	f.Fuzz(func(t *testing.T, data []byte, n uint16, off uint8, alphaBits uint64) {
		alpha := math.Float64frombits(alphaBits)
		vectorFuzz(t, name, data, n, off, func(sc *scratch, im *implementation, x, y vec) string {
			if d := check(sc, im, alpha, x, y); d != "" {
				return "alpha=" + fmtBits(alpha) + ": " + d
			}
			return ""
		})
	})
}

// maxFuzzDim bounds fuzzed matrix dimensions: every remainder of any
// blocking up to 64.
const maxFuzzDim = 71

// gemvSeeds adds seeds for the gemv targets: empty shapes, tails, padded
// rows, special values.
func gemvSeeds(f *testing.F) {
	f.Add([]byte(nil), uint8(0), uint8(0), uint8(0), uint8(0))
	f.Add(encodeFloats(1, -2, 3), uint8(3), uint8(0), uint8(0), uint8(0))
	f.Add(encodeFloats(specials...), uint8(5), uint8(33), uint8(2), uint8(0x5b))
	f.Add(encodeFloats(pools[classCancel].x[:64]...), uint8(17), uint8(65), uint8(8), uint8(0xc7))
	f.Add(encodeFloats(pools[classRandom].x[:70]...), uint8(70), uint8(70), uint8(1), uint8(0x3f))
	f.Add(encodeFloats(math.Copysign(0, -1), math.SmallestNonzeroFloat64), uint8(9), uint8(31), uint8(0), uint8(0x81))
}

// gemvFuzz decodes a gemv problem and checks every implementation.
func gemvFuzz(t *testing.T, kernel string, g *gemvTest, data []byte, mArg, nArg, pad, off uint8) {
	vals := decodeFloats(data)
	m, n := int(mArg)%(maxFuzzDim+1), int(nArg)%(maxFuzzDim+1)
	l := gemvLayout{
		lda:  max(1, n) + int(pad)%9,
		offA: int(off & 7), offX: int(off >> 3 & 7), offY: [...]int{0, 3, 5, 7}[off>>6],
	}
	xLen, yLen := g.lens(m, n)
	sc := new(scratch)
	for _, im := range supported() {
		a := sc.a.place(matrixLen(m, n, l.lda), l.offA)
		as := a.s()
		fillGuard(as) // row padding stays the guard NaN
		k := 0
		for i := 0; i < m && n > 0; i++ {
			for j := 0; j < n; j++ {
				as[i*l.lda+j] = 0
				if len(vals) > 0 {
					as[i*l.lda+j] = vals[k%len(vals)]
				}
				k++
			}
		}
		x := fuzzVec(&sc.x, vals, xLen, l.offX, 1)
		y := fuzzVec(&sc.y, vals, yLen, l.offY, 2) // garbage the kernel overwrites
		if d := sc.checkGemv(g, im, m, n, a, l.lda, x, y); d != "" {
			t.Fatalf("%s[%s] m=%d n=%d lda=%d offset a=%d x=%d y=%d, %d decoded values: %s",
				kernel, im.name, m, n, l.lda, l.offA, l.offX, l.offY, len(vals), d)
		}
	}
}

// fuzz is the body of the fuzz target of GemvN or GemvT.
func (g *gemvTest) fuzz(f *testing.F, name string) {
	gemvSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, m, n, pad, off uint8) {
		gemvFuzz(t, name, g, data, m, n, pad, off)
	})
}
