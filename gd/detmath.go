package gd

import "math"

// The few elementary functions the schedules need, written here so that a
// learning rate is the same bits on every platform. The math package's
// are not: Exp, Log, Sin and Cos have assembly on some GOARCH values, and
// where they are Go code the compiler fuses their multiply-adds on some
// targets and not others. These evaluate Taylor series in Horner form
// with every product rounded on its own (float64(a*b) + c), on arguments
// reduced far enough that the series' truncation error is below 1e-19
// relative. Their coefficients are 1/k! and 1/k, each one correctly
// rounded division of exact integers (k! < 2⁵³ for k ≤ 18). Each result is
// within a few ulps of the exact value, which the tests check against the
// math package.

// invFactorial[k] is 1/k! for k ≤ 18.
var invFactorial = func() (c [19]float64) {
	f := 1.0
	for k := range c {
		if k > 0 {
			f *= float64(k) // exact: 18! < 2⁵³
		}
		c[k] = 1 / f
	}
	return c
}()

// seriesCos returns cos z for |z| ≤ π/4: Σ (−1)^k z^2k/(2k)! to k = 8; the
// first omitted term, z¹⁸/18!, is below 2e-18.
func seriesCos(z float64) float64 {
	zz := float64(z * z)
	var p float64
	for k := 8; k >= 0; k-- {
		c := invFactorial[2*k]
		if k%2 == 1 {
			c = -c
		}
		p = float64(p*zz) + c
	}
	return p
}

// seriesSin returns sin z for |z| ≤ π/4: z·Σ (−1)^k z^2k/(2k+1)! to k = 8;
// the first omitted term, z¹⁹/19!, is below 1e-19.
func seriesSin(z float64) float64 {
	zz := float64(z * z)
	var p float64
	for k := 8; k >= 0; k-- {
		c := invFactorial[2*k+1]
		if k%2 == 1 {
			c = -c
		}
		p = float64(p*zz) + c
	}
	return float64(z * p)
}

// ln 2 in two parts for the argument reduction of seriesExp: ln2Hi has 32
// significant bits (⌊ln 2·2³²⌋/2³²), so k·ln2Hi is exact for |k| < 2²¹,
// and ln2Lo is the rest, rounded once from Go's exact constant arithmetic.
const (
	ln2Hi = 2977044471.0 / (1 << 32)
	ln2Lo = math.Ln2 - ln2Hi
)

// seriesExp returns e^y. With k = round(y/ln 2) and r = y − k·ln 2,
// |r| ≤ 0.35, e^y = 2^k·Σ r^j/j! to j = 17, whose first omitted term is
// below 1e-24. r is formed as (y − k·ln2Hi) − k·ln2Lo, the first product
// exact, so it carries an error far below an ulp of the result.
func seriesExp(y float64) float64 {
	switch {
	case y != y:
		return y
	case y > 710:
		return math.Inf(1)
	case y < -746:
		return 0
	}
	k := math.Floor(y/math.Ln2 + 0.5)
	r := (y - float64(k*ln2Hi)) - float64(k*ln2Lo)
	var p float64
	for j := 17; j >= 0; j-- {
		p = float64(p*r) + invFactorial[j]
	}
	return math.Ldexp(p, int(k))
}

// seriesLog returns ln x for finite x > 0. With x = m·2^k and m in
// [√½, √2), ln m = 2·atanh(s) = 2·Σ s^(2j+1)/(2j+1) with s = (m−1)/(m+1),
// |s| ≤ 0.172, to j = 12; the first omitted term is below 1e-20
// relative.
func seriesLog(x float64) float64 {
	m, e := math.Frexp(x)
	if m < math.Sqrt2/2 {
		m *= 2 // exact
		e--
	}
	s := (m - 1) / (m + 1)
	ss := float64(s * s)
	var p float64
	for j := 12; j >= 0; j-- {
		p = float64(p*ss) + 1/float64(2*j+1)
	}
	return float64(float64(e)*math.Ln2) + float64(2*float64(s*p))
}
