package generic

// fold combines the lanes with the fixed halving tree of the specification
// and turns a −0 result into +0.
func fold(acc *[Lanes]float64) float64 {
	for w := Lanes / 2; w >= 1; w /= 2 {
		for j := 0; j < w; j++ {
			acc[j] = acc[j] + acc[j+w]
		}
	}
	return acc[0] + 0 // never −0; see the package doc
}
