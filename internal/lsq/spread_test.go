package lsq

import (
	"context"
	"math"
	"math/big"
	"testing"

	"github.com/lanes-go/lanes/kernels"
)

// TestTargetSpreadFromMoments: the moments' target spread agrees with
// the 256-bit spread to 1e-13 where it reports ok (centred moments, targets at
// any offset and scale), and is refused where the centring would cancel
// (moments shifted by 0, targets far from 0).
func TestTargetSpreadFromMoments(t *testing.T) {
	plan := kernels.NewBlockPlan(2)
	defer plan.Close()
	for _, c := range []struct {
		name           string
		centre         bool
		yOffset, scale float64
		wantOK         bool
	}{
		{"centred", true, 0, 1, true},
		{"centred, offset 1e12", true, 1e12, 1, true},
		{"centred, 1e-200", true, 0, 1e-200, true},
		{"centred, 1e200", true, 0, 1e200, true},
		{"uncentred, near 0", false, 0, 1, true},
		{"uncentred, offset 1e6", false, 1e6, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := testData(3*kernels.BlockRows+5, 3, 7, ones(3, 1), make([]float64, 3), nil)
			for i := range d.Y {
				d.Y[i] = c.yOffset + (d.Y[i]-3)*c.scale
			}
			m, err := ComputeMoments(context.Background(), plan, d, c.centre)
			if err != nil {
				t.Fatal(err)
			}
			s, exp, ok := m.TargetSpread()
			if ok != c.wantOK {
				t.Fatalf("ok = %v, want %v", ok, c.wantOK)
			}
			if !ok {
				return
			}
			// The 256-bit spread, as a fraction and an exponent.
			sum, sq := new(big.Float).SetPrec(256), new(big.Float).SetPrec(256)
			for _, v := range d.Y {
				sum.Add(sum, big.NewFloat(v).SetPrec(256))
			}
			mean := sum.Quo(sum, new(big.Float).SetPrec(256).SetInt64(int64(d.Rows)))
			for _, v := range d.Y {
				r := new(big.Float).SetPrec(256).Sub(big.NewFloat(v).SetPrec(256), mean)
				sq.Add(sq, r.Mul(r, r))
			}
			var frac big.Float
			wexp := sq.MantExp(&frac)
			want, _ := frac.Float64()
			got := math.Ldexp(s, exp-wexp)
			if rel := math.Abs(got-want) / want; !(rel <= 1e-13) {
				t.Errorf("spread %v·2^%d from the moments, %v·2^%d exactly: relative difference %.3g", s, exp, want, wexp, rel)
			}
		})
	}
}
