package kernels

import (
	"fmt"
	"math"
	"unsafe"
)

// A vec is a slice placed inside a larger backing array whose other
// elements all hold the guard pattern. A kernel that writes outside its slice
// changes a guard; one that reads a guard into a result gets a NaN. The
// slice's capacity runs on into the guards after it, so a kernel that
// trusts cap instead of len is caught too.
type vec struct {
	back []float64 // the whole backing array
	lo   int       // index of the slice's first element in back
	n    int       // length of the slice
}

// guardBits is the guard pattern: a quiet NaN with a payload no
// arithmetic produces, so any copy of it is recognisable.
const guardBits = 0x7ffc_0bad_f00d_0bad

// guardLen guards 256 bytes, one whole accumulator block, on each side.
const guardLen = 32

// guard is the guard pattern as a float64.
var guard = math.Float64frombits(guardBits)

// vecBuf is reusable storage for vecs, so that a sweep over thousands of
// placements does not allocate (allocation dominated the run time).
type vecBuf struct{ raw []float64 }

// place returns a vec of n elements starting off elements after a 64-byte
// boundary, in b's storage. The guards are set; the slice's elements are
// left as they were, for the caller to set.
func (b *vecBuf) place(n, off int) vec {
	// 7 spare elements let the start move to a 64-byte boundary.
	if need := guardLen + off + n + guardLen + 7; len(b.raw) < need {
		b.raw = make([]float64, max(need, 2*len(b.raw)))
	}
	shift := 0
	for uintptr(unsafe.Pointer(&b.raw[shift+guardLen]))%64 != 0 {
		shift++
	}
	end := shift + guardLen + off + n + guardLen
	v := vec{back: b.raw[shift:end:end], lo: guardLen + off, n: n}
	fillGuard(v.back[:v.lo])
	fillGuard(v.back[v.lo+n:])
	return v
}

// copyInto copies v, guards included, into b's storage at the same
// alignment and returns the copy.
func (v vec) copyInto(b *vecBuf) vec {
	c := b.place(v.n, v.lo-guardLen)
	copy(c.back, v.back)
	return c
}

func fillGuard(s []float64) {
	for i := range s {
		s[i] = guard
	}
}

// s returns the slice under test.
func (v vec) s() []float64 { return v.back[v.lo : v.lo+v.n] }

// set fills the slice from src.
func (v vec) set(src []float64) vec {
	copy(v.s(), src[:v.n])
	return v
}

// diffOut compares the backing arrays of got and want, both holding the
// same layout. Inside the slice, NaN payloads may differ unless exact is
// set; outside it, every bit must match (the guards are untouched). It
// describes the first difference as name[i], with i relative to the
// slice start (negative or ≥ n for a guard), or returns "".
func diffOut(name string, got, want vec, exact bool) string {
	for i := range got.back {
		g, w := got.back[i], want.back[i]
		k := i - got.lo
		inside := k >= 0 && k < got.n
		if inside && !exact {
			if !sameBits(g, w) {
				return fmt.Sprintf("first difference at %s[%d]: got %s, want %s", name, k, fmtBits(g), fmtBits(w))
			}
			continue
		}
		if math.Float64bits(g) != math.Float64bits(w) {
			where := "inside the slice"
			if !inside {
				where = fmt.Sprintf("outside the slice of length %d (a guard)", got.n)
			}
			return fmt.Sprintf("%s[%d] was changed %s: got %s, want %s", name, k, where, fmtBits(g), fmtBits(w))
		}
	}
	return ""
}
