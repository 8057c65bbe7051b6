package lossplot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// integerTicks is plot.DefaultTicks without the ticks between whole
// numbers: epochs are counted.
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value == math.Trunc(t.Value) {
			if t.Label != "" {
				t.Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// logTicks marks the powers of ten between lo and hi, and the 2…9
// multiples between them as minor ticks. Over more than 8 decades (a loss
// that fell to 1e-30) it labels one power in k and drops the minor ticks,
// so that the labels do not overlap. Where fewer than two powers of ten
// show, it labels the multiples 2 and 5 too, and for a range narrower than
// a factor 3 it falls back to plot.DefaultTicks. (plot.LogTicks does none
// of this, and marks no tick at all for a range such as [0.2, 0.6].)
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0 && hi >= lo) {
		return nil
	}
	if hi < 3*lo {
		var ticks []plot.Tick
		for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
			if t.Value > 0 { // the log scale cannot place 0
				ticks = append(ticks, t)
			}
		}
		return ticks
	}
	e0 := int(math.Floor(math.Log10(lo)))
	e1 := max(int(math.Ceil(math.Log10(hi))), e0+1)
	k := (e1 - e0 + 7) / 8
	powersInside := 0
	for e := e0; e <= e1; e++ {
		if d := math.Pow10(e); d >= lo && d <= hi {
			powersInside++
		}
	}
	var ticks []plot.Tick
	for e := e0; e <= e1; e++ {
		d := math.Pow10(e)
		t := plot.Tick{Value: d}
		if e%k == 0 {
			t.Label = tickLabel(d)
		}
		ticks = append(ticks, t)
		if k > 1 || e == e1 {
			continue
		}
		for m := 2; m <= 9; m++ {
			t := plot.Tick{Value: float64(m) * d}
			if powersInside < 2 && (m == 2 || m == 5) {
				t.Label = tickLabel(t.Value)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// tickLabel formats a tick value in at most 4 significant digits, so that
// 3×0.1 shows as 0.3.
func tickLabel(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
