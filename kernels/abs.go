package kernels

// Asum returns Σ |x[i]|, the 1-norm.
func Asum(x []float64) float64 { return asumKind(current().kind, x) }

// Iamax returns the index of the first element of largest absolute value,
// or −1 if x is empty. NaN elements are passed over, except that a NaN
// x[0] makes the result 0, as in reference BLAS IDAMAX and gonum, whose
// loops compare each |x[i]| with the largest so far and never find
// anything larger than NaN.
//
// It reads x twice: one pass for the largest |x[i]|, one to find where it
// first occurs, which stops there.
func Iamax(x []float64) int { return iamaxKind(current().kind, x) }

func iamaxKind(k kind, x []float64) int {
	if len(x) == 0 {
		return -1
	}
	if x[0] != x[0] {
		return 0
	}
	return indexAbsKind(k, amaxKind(k, x), x)
}
