package gonumblas_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/kernels/gonumblas"
)

// The benchmarks of this package measure what its own code adds around the
// kernels: Dswap's memmove path, Dgemv's combination of the kernels'
// product with alpha and beta, and the gather of strided vectors in Dgemv
// and Dger. The kernels themselves are compared with their peers in
// package benchmarks. Compare the two columns with
//
//	go test ./kernels/gonumblas -run '^$' -bench . -count 6 > out.txt
//	benchstat -col /impl out.txt

var sink float64

var routers = []struct {
	name string
	blas blas.Float64
}{
	{"lanes", gonumblas.Implementation{}},
	{"gonum", gonum.Implementation{}},
}

func BenchmarkDswap(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{16, 64, 256, 1024, 4096, 65536, 1 << 20} {
		x, y := randSlice(r, n), randSlice(r, n)
		for _, im := range routers {
			b.Run(fmt.Sprintf("n=%d/impl=%s", n, im.name), func(b *testing.B) {
				b.SetBytes(32 * int64(n)) // x and y each read and written
				for b.Loop() {
					im.blas.Dswap(n, x, 1, y, 1)
				}
			})
		}
	}
}

// BenchmarkDgemv runs Dgemv with alpha = 1 and beta = 0.5, with unit
// increments and with x and y at increment 2, as a column of a row-major
// matrix would be.
func BenchmarkDgemv(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, s := range []struct{ m, n int }{{4, 1000}, {64, 64}, {1000, 128}, {1000, 1000}} {
		a := randSlice(r, s.m*s.n)
		x, y := randSlice(r, 2*max(s.m, s.n)), randSlice(r, 2*max(s.m, s.n))
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, inc := range []int{1, 2} {
				for _, im := range routers {
					b.Run(fmt.Sprintf("t=%c/inc=%d/shape=%dx%d/impl=%s", tA, inc, s.m, s.n, im.name), func(b *testing.B) {
						b.SetBytes(8 * int64(s.m*s.n+s.m+s.n))
						for b.Loop() {
							im.blas.Dgemv(tA, s.m, s.n, 1, a, s.n, x, inc, 0.5, y, inc)
						}
						sink = y[0]
					})
				}
			}
		}
	}
}

func BenchmarkDger(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, s := range []struct{ m, n int }{{64, 64}, {1000, 128}} {
		a := randSlice(r, s.m*s.n)
		x, y := randSlice(r, 2*s.m), randSlice(r, 2*s.n)
		for _, inc := range []int{1, 2} {
			for _, im := range routers {
				b.Run(fmt.Sprintf("inc=%d/shape=%dx%d/impl=%s", inc, s.m, s.n, im.name), func(b *testing.B) {
					b.SetBytes(8 * int64(2*s.m*s.n+s.m+s.n))
					alpha := [2]float64{0.5, -0.5}
					k := 0
					for b.Loop() {
						im.blas.Dger(s.m, s.n, alpha[k&1], x, inc, y, inc, a, s.n)
						k++
					}
				})
			}
		}
	}
}
