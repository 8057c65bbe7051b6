package f32

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/lanes-go/lanes/internal/golden"
	"github.com/lanes-go/lanes/kernels"
)

// TestGolden is "the same bits everywhere" for the float32 kernels as one
// number, as kernels.TestGolden is for float64: every kernel runs a fixed
// list of cases, the same on every GOARCH, and the outputs hash to the
// value committed in testdata/golden. CI runs it under qemu on arm64
// (NEON), riscv64, ppc64le, s390x and 386, so a CPU whose float32 FMA or
// a compiler whose fusing differs is caught, not only an implementation
// that differs from generic on this machine.
//
// -update-golden rewrites the files from generic; that is legitimate only
// when the canonical order changes or cases are added.
var goldenFiles = golden.Files{
	Table:   filepath.Join(golden.Dir, "table.txt"),
	Hash:    filepath.Join(golden.Dir, "golden.txt"),
	Header:  "# lanes float32 golden table: case, then =bits of a single result or #sha256[:8] of the output (as float64); NaN canonical\n",
	Command: "go test ./kernels/f32 -run TestGolden -update-golden",
}

// goldenStream tells this package's data apart from package kernels'.
const goldenStream = 32

type goldenCase struct {
	desc string
	run  func() []float32
}

func TestGolden(t *testing.T) {
	cases := goldenCases()
	if golden.Update() {
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		goldenFiles.Write(t, goldenTable(cases))
		restore()
	}
	want := goldenFiles.Want(t)
	forEachImpl(t, func(t *testing.T, impl string) {
		table := goldenTable(cases)
		goldenFiles.Check(t, want, table, func(committed string) string {
			msg, _ := goldenFiles.Diff(committed, table, impl)
			return msg
		})
	})
}

func goldenTable(cases []goldenCase) string {
	return golden.Table(goldenFiles.Header, cases, func(c goldenCase) (string, string) {
		out := c.run()
		if len(out) == 1 {
			return c.desc, fmt.Sprintf("=%016x", golden.Bits(float64(out[0])))
		}
		wide := make([]float64, len(out))
		for i, v := range out {
			wide[i] = float64(v) // exact
		}
		return c.desc, golden.Hash(wide)
	})
}

// goldenVector returns n float32 values of a class, built from PCG's bits
// alone.
func goldenVector(r golden.RNG, class string, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		b := uint32(r.Uint64())
		sign, mant := b&(1<<31), b&(1<<23-1)
		var e uint32
		switch class {
		case "random": // exponents 2⁻⁸ … 2⁸
			e = 127 - 8 + uint32(r.Intn(17))
		case "tiny": // products and squares that underflow, subnormals
			e = uint32(r.Intn(40))
		case "huge": // sums and squares that overflow
			e = 254 - uint32(r.Intn(40))
		case "special":
			e = 127 - 2 + uint32(r.Intn(5))
			switch r.Intn(16) {
			case 0:
				e, mant = 255, 1<<22 // NaN
			case 1:
				e, mant = 255, 0 // ±Inf
			case 2:
				e, mant = 0, 0 // ±0
			}
		}
		out[i] = math.Float32frombits(sign | e<<23 | mant)
	}
	return out
}

var goldenClasses = []string{"random", "tiny", "huge", "special"}

func goldenLengths() []int {
	var ns []int
	for n := 0; n <= 140; n++ { // every tail of every register width, twice
		ns = append(ns, n)
	}
	return append(ns, 255, 256, 257, 768, 1000, 1536)
}

func goldenCases() []goldenCase {
	var cs []goldenCase
	add := func(desc string, run func(r golden.RNG) []float32) {
		cs = append(cs, goldenCase{desc, func() []float32 { return run(golden.NewRNG(desc, goldenStream)) }})
	}
	one := func(v float32) []float32 { return []float32{v} }
	for _, n := range goldenLengths() {
		for ci, class := range goldenClasses {
			off := (n + ci) % 16 // misaligned starts, differing between x and y
			two := func(r golden.RNG) (x, y []float32) {
				x = goldenVector(r, class, n+off)[off:]
				y = goldenVector(r, class, n+16-off)[16-off:]
				return
			}
			key := fmt.Sprintf("n=%d off=%d %s", n, off, class)
			add("Dot "+key, func(r golden.RNG) []float32 { x, y := two(r); return one(Dot(x, y)) })
			add("Sum "+key, func(r golden.RNG) []float32 { x, _ := two(r); return one(Sum(x)) })
			add("SumSqDiff "+key, func(r golden.RNG) []float32 { x, y := two(r); return one(SumSqDiff(x, y)) })
			add("Asum "+key, func(r golden.RNG) []float32 { x, _ := two(r); return one(Asum(x)) })
			add("Amax "+key, func(r golden.RNG) []float32 { x, _ := two(r); return one(Amax(x)) })
			add("Iamax "+key, func(r golden.RNG) []float32 { x, _ := two(r); return one(float32(Iamax(x))) })
			add("Nrm2 "+key, func(r golden.RNG) []float32 { x, _ := two(r); return one(Nrm2(x)) })
			add("Cosine "+key, func(r golden.RNG) []float32 { x, y := two(r); return one(Cosine(x, y)) })
			add("Axpy "+key, func(r golden.RNG) []float32 {
				x, y := two(r)
				Axpy(goldenVector(r, "random", 1)[0], x, y)
				return y
			})
			add("Scal "+key, func(r golden.RNG) []float32 {
				x, _ := two(r)
				Scal(goldenVector(r, "random", 1)[0], x)
				return x
			})
		}
	}
	shapes := [][2]int{{1, 1}, {3, 7}, {17, 8}, {9, 16}, {5, 63}, {6, 64}, {7, 65}, {33, 3}, {4, 129}, {3, 384}, {2, 768}, {100, 2}}
	for _, sh := range shapes {
		m, n := sh[0], sh[1]
		for _, class := range []string{"random", "special"} {
			lda := n + m%3
			mat := func(r golden.RNG) []float32 { return goldenVector(r, class, (m-1)*lda+n) }
			key := fmt.Sprintf("%dx%d lda=%d %s", m, n, lda, class)
			add("GemvN "+key, func(r golden.RNG) []float32 {
				a, y := mat(r), make([]float32, m)
				GemvN(m, n, a, lda, goldenVector(r, class, n), y)
				return y
			})
			add("GemvT "+key, func(r golden.RNG) []float32 {
				a, y := mat(r), make([]float32, n)
				GemvT(m, n, a, lda, goldenVector(r, class, m), y)
				return y
			})
			add("SumSqDiffRows "+key, func(r golden.RNG) []float32 {
				a, out := mat(r), make([]float32, m)
				SumSqDiffRows(m, n, a, lda, goldenVector(r, class, n), out)
				return out
			})
			add("CosineRows "+key, func(r golden.RNG) []float32 {
				a, sq, out := mat(r), make([]float32, m), make([]float32, m)
				SqNorms(m, n, a, lda, sq)
				CosineRows(m, n, a, lda, sq, goldenVector(r, class, n), out)
				return append(sq, out...)
			})
		}
	}
	return cs
}
