package lsq

import "math"

// TargetSpread returns Σ(y − ȳ)² of the rows the moments summarise as
// s·2^exp, from the moments alone, and whether it is accurate: the
// centred element of the Gram, rounded once, is the target's spread in
// scaled units, and the scale is a power of two. It is not ok when the
// centring cancels more than four digits (the targets' mean lies far from
// the shift, as without an intercept, whose shift is 0, on targets far
// from 0): the caller then makes a pass (TargetSpreadExp).
func (m *Moments) TargetSpread() (s float64, exp int, ok bool) {
	t := m.Cols + 1
	s = m.centred(t, t)
	if g := m.At(t, t); !(s >= 0) || g > 1e4*s {
		return 0, 0, s == 0 && g == 0 // a constant target at its shift: exactly 0
	}
	// s/py² without rounding: py is a power of two.
	_, e := math.Frexp(m.YScale)
	return s, -2 * (e - 1), true
}
