package lossplot

import (
	"math"
	"testing"
)

func TestTicks(t *testing.T) {
	for _, r := range [][2]float64{{0.2, 0.6}, {0.52, 0.58}, {0.15, 3}, {1e-31, 10}, {1e-300, 1e-299}, {1, 1000}, {0.001, 0.5}, {5e-301, 2e-300}} {
		ticks := logTicks{}.Ticks(r[0], r[1])
		labelled := 0
		for _, tk := range ticks {
			if !(tk.Value > 0) {
				t.Errorf("%v: tick %v is not > 0", r, tk.Value)
			}
			if tk.Label != "" && tk.Value >= r[0] && tk.Value <= r[1] {
				labelled++
			}
		}
		if labelled < 1 || labelled > 12 {
			t.Errorf("%v: %d labels in range: %v", r, labelled, ticks)
		}
	}
	for _, r := range [][2]float64{{1, 3}, {0, 2}, {1, 300}} {
		for _, tk := range (integerTicks{}).Ticks(r[0], r[1]) {
			if tk.Value != math.Trunc(tk.Value) {
				t.Errorf("%v: tick %v", r, tk.Value)
			}
		}
	}
}
