package generic

import "math"

// FMA32 returns a·b + c computed exactly and rounded once to float32, as
// the FMA instructions of every CPU with float32 lanes do (VFMADD231PS,
// FMLA .4S). Go has no float32 math.FMA, and float32(math.FMA(…)) is not
// it: rounding to float64 first and then to float32 is wrong when the
// float64 result lands exactly halfway between two float32 values.
//
// The product of two float32 values is exact in float64 (24+24 bits, and
// its exponent stays in range), so the float64 sum s = p + c is the exact
// result rounded once; the second rounding to float32 is then correct
// unless s is a float32 halfway point and the sum was inexact, in which
// case s moves one float64 step towards the exact result first.
func FMA32(a, b, c float32) float32 {
	p := float64(a) * float64(b) // exact, so a fused p + c rounds the same
	c64 := float64(c)
	s := p + c64
	bits := math.Float64bits(s)
	exp := int(bits>>52) & 0x7ff
	// In float32's normal range (2⁻¹²⁶ ≤ |s| < 2¹²⁸) a halfway point has
	// exactly the bit below float32's last one set and none beneath it.
	if exp >= 1023-126 && exp < 1023+128 && bits&(1<<29-1) != 1<<28 {
		return float32(s)
	}
	if s != s || !halfway32(s) {
		return float32(s)
	}
	// The rounding error of p + c, exactly (Knuth's TwoSum).
	pv := s - c64
	cv := s - pv
	e := (p - pv) + (c64 - cv)
	switch {
	case e > 0:
		s = math.Nextafter(s, math.Inf(1))
	case e < 0:
		s = math.Nextafter(s, math.Inf(-1))
	}
	return float32(s)
}

// halfway32 reports whether s lies exactly halfway between two adjacent
// float32 values, or between the largest float32 and 2¹²⁸, where rounding
// to float32 overflows.
func halfway32(s float64) bool {
	f := float32(s)
	fd := float64(f)
	if fd == s {
		return false
	}
	var other float64
	switch {
	case math.IsInf(fd, 0):
		fd = math.Copysign(0x1p128, s)
		other = math.Copysign(math.MaxFloat32, s)
	case fd > s:
		other = float64(math.Nextafter32(f, float32(math.Inf(-1))))
	default:
		other = float64(math.Nextafter32(f, float32(math.Inf(1))))
	}
	if math.IsInf(other, 0) {
		other = math.Copysign(0x1p128, other)
	}
	return s == (fd+other)/2
}
