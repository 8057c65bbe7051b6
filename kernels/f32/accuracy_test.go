package f32

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestAccuracy checks the bound the package doc states: a reduction of n
// terms is within (⌈n/64⌉ + 6)·2⁻²⁴ of the sum of the terms' magnitudes
// from the exact sum (each lane rounds once per term, the fold 6 times),
// measured against math/big on random and cancelling data.
func TestAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	sizes := []int{1, 10, 64, 100, 768, 4096, 100_000}
	if testing.Short() {
		sizes = sizes[:6]
	}
	forEachImpl(t, func(t *testing.T, impl string) {
		for _, n := range sizes {
			for _, cancel := range []bool{false, true} {
				x, y := make([]float32, n), make([]float32, n)
				for i := range x {
					x[i], y[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
					if cancel && i%2 == 1 { // terms that nearly cancel in pairs
						x[i], y[i] = -x[i-1], y[i-1]*(1+float32(r.NormFloat64())*0x1p-12)
					}
				}
				bound := func(mag float64) float64 { return float64((n+63)/64+6) * 0x1p-24 * mag }
				exact, mag := new(big.Float).SetPrec(400), 0.0
				for i := range x {
					p := new(big.Float).SetPrec(400).SetFloat64(float64(x[i]))
					p.Mul(p, new(big.Float).SetFloat64(float64(y[i])))
					exact.Add(exact, p)
					mag += math.Abs(float64(x[i]) * float64(y[i]))
				}
				want, _ := exact.Float64()
				if got := float64(Dot(x, y)); math.Abs(got-want) > bound(mag) {
					t.Errorf("Dot n=%d cancel=%v: error %g > bound %g", n, cancel, math.Abs(got-want), bound(mag))
				}
				sum, smag := new(big.Float).SetPrec(400), 0.0
				for _, v := range x {
					sum.Add(sum, new(big.Float).SetFloat64(float64(v)))
					smag += math.Abs(float64(v))
				}
				wantS, _ := sum.Float64()
				if got := float64(Sum(x)); math.Abs(got-wantS) > bound(smag) {
					t.Errorf("Sum n=%d cancel=%v: error %g > bound %g", n, cancel, math.Abs(got-wantS), bound(smag))
				}
			}
		}
	})
}
