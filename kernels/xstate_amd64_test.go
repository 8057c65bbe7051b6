//go:build !purego && !noasm

package kernels

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"

	"github.com/lanes-go/lanes/kernels/internal/xstate"
)

// TestUpperStateClean proves every kernel returns with the upper halves of
// the vector registers in their initial state, as VZEROUPPER leaves them.
// An AVX kernel that forgets VZEROUPPER makes later SSE code (all of Go's
// float64 arithmetic) pay a transition penalty or a false dependency on
// some CPUs. The processor reports the state in XINUSE (XGETBV with
// ECX = 1): the bits for YMM0-15 upper halves, ZMM0-15 bits 511:256 and
// ZMM16-31 must be clear right after the call. The state is cleared
// before each call (VZEROUPPER, and ZMM16-31 zeroed), so a dirty state can
// only come from the kernel. VZEROUPPER does not touch ZMM16-31: a kernel
// that uses them must zero them before returning (on CPUs that track them
// by value, such as AMD Zen 4, that returns them to their initial state).
func TestUpperStateClean(t *testing.T) {
	if !xstate.Supported() {
		t.Skip("XGETBV with ECX = 1 (XINUSE) is not supported on this CPU or OS")
	}
	if !cpu.X86.HasAVX {
		t.Skip("no AVX: no implementation can leave upper register state behind")
	}
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, k := range kernelTests {
			u, ok := k.family.(upperStater)
			if !ok {
				t.Fatalf("kernel %s has no upper-state calls", k.name)
			}
			u.upperState(im, func(size string, call func()) bool {
				t.Helper()
				what := k.name + "[" + im.name + "] " + size
				before := cleanUpperState()
				if before&(xstate.YMMUpper|xstate.ZMMHi256) != 0 {
					t.Fatalf("%s: XINUSE=%#x right after VZEROUPPER", what, before)
				}
				// Hi16ZMM may stay in use when the CPU does not track it by
				// value (then it cannot be cleared from user code), or when
				// an earlier failure left it: then only bits 2 and 6 can be
				// attributed to this call.
				mask := uint64(xstate.Upper)
				if before&xstate.Hi16ZMM != 0 {
					mask &^= xstate.Hi16ZMM
				}
				call()
				if after := xstate.InUse() & mask; after != 0 {
					t.Errorf("%s returned with upper register state in use, XINUSE=%#x: %s",
						what, after, describeXInUse(after))
					return false // report each kernel once
				}
				return true
			})
		}
	})
}

// upperStater is a family of kernels that can list the calls of the
// upper-state test.
type upperStater interface {
	// upperState calls check with a description and a call of the kernel
	// of im for each size the test tries, until check returns false.
	upperState(im *implementation, check func(size string, call func()) bool)
}

// upperState tries every tail length of a block, then whole blocks with
// tails, and for IndexAbs every target, found and not found.
func (v *vecTest) upperState(im *implementation, check func(size string, call func()) bool) {
	p := pools[classRandom]
	var lengths []int
	for n := 0; n <= 40; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range append(lengths, 63, 64, 65, 100, 257, 1000) {
		xs, ys := p.window(n, n)
		x, y := append([]float64(nil), xs...), append([]float64(nil), ys...)
		ss := []float64{0.5}
		if v.scalar == searchScalar {
			ss = indexAbsTargets(x)
		}
		for _, s := range ss {
			size := fmt.Sprintf("n=%d", n)
			if v.scalar == searchScalar {
				size += fmt.Sprintf(" v=%v", s)
			}
			if !check(size, func() { v.run(im, s, x, y) }) {
				return
			}
		}
	}
}

// upperStateShapes are the matrix shapes of the upper-state test.
var upperStateShapes = [][2]int{{0, 0}, {0, 5}, {1, 1}, {3, 5}, {17, 33}, {33, 17}, {64, 64}}

func (g *gemvTest) upperState(im *implementation, check func(size string, call func()) bool) {
	p := pools[classRandom]
	for _, s := range upperStateShapes {
		m, n := s[0], s[1]
		lda := max(1, n)
		a, _ := p.window(matrixLen(m, n, lda), m+n)
		xLen, yLen := g.lens(m, n)
		x, y := make([]float64, xLen), make([]float64, yLen)
		if !check(fmt.Sprintf("m=%d n=%d", m, n), func() { g.run(im, m, n, a, lda, x, y) }) {
			return
		}
	}
}

func (l *lossGradTest) upperState(im *implementation, check func(size string, call func()) bool) {
	p := pools[classRandom]
	for _, s := range upperStateShapes {
		m, n := s[0], s[1]
		lda := max(1, n)
		a, _ := p.window(matrixLen(m, n, lda), m+n)
		w, y, g := make([]float64, n), make([]float64, m), make([]float64, n)
		if !check(fmt.Sprintf("m=%d n=%d", m, n), func() { sink, sink = l.run(im, m, n, a, lda, w, 0.5, y, g) }) {
			return
		}
	}
}

func (gt *gramTest) upperState(im *implementation, check func(size string, call func()) bool) {
	p := pools[classRandom]
	for _, s := range append(upperStateShapes, [2]int{130, 27}) {
		m, n := s[0], s[1]
		lda := max(1, n)
		a, _ := p.window(matrixLen(m, n, lda), m+n)
		g := make([]float64, n*n)
		if !check(fmt.Sprintf("m=%d n=%d", m, n), func() { gt.run(im, m, n, a, lda, g) }) {
			return
		}
	}
}

func (st *shiftScaleTest) upperState(im *implementation, check func(size string, call func()) bool) {
	p := pools[classRandom]
	for _, s := range upperStateShapes {
		m, n := s[0], s[1]
		lda := max(1, n)
		a, _ := p.window(matrixLen(m, n, lda), m+n)
		shift, scale := p.window(n, n)
		z := make([]float64, matrixLen(m, n, lda))
		if !check(fmt.Sprintf("m=%d n=%d", m, n), func() { st.run(im, m, n, a, lda, shift, scale, z, lda) }) {
			return
		}
	}
}

func (gt *gramDiagTest) upperState(im *implementation, check func(size string, call func()) bool) {
	p := pools[classRandom]
	for _, s := range append(upperStateShapes, [2]int{130, 27}, [2]int{5, 66}, [2]int{3, 97}) {
		m, n := s[0], s[1]
		lda := max(1, n)
		a, _ := p.window(matrixLen(m, n, lda), m+n)
		sums, squares := make([]float64, n), make([]float64, n)
		if !check(fmt.Sprintf("m=%d n=%d", m, n), func() { gt.run(im, m, n, a, lda, sums, squares) }) {
			return
		}
	}
}

// cleanUpperState returns the upper register state to its initial
// configuration as far as user code can and reports what is left in use.
// VZEROUPPER clears YMM0-15 and ZMM0-15; ZMM16-31 need zeroing, which
// glibc's EVEX string functions (run by the race detector or cgo) leave
// in use.
func cleanUpperState() uint64 {
	xstate.ZeroUpper()
	if cpu.X86.HasAVX512F {
		xstate.ZeroHi16()
	}
	return xstate.InUse() & xstate.Upper
}

// describeXInUse names the upper-state bits set in v.
func describeXInUse(v uint64) string {
	var parts []string
	if v&xstate.YMMUpper != 0 {
		parts = append(parts, "YMM0-15 upper halves (bit 2; VZEROUPPER missing?)")
	}
	if v&xstate.ZMMHi256 != 0 {
		parts = append(parts, "ZMM0-15 bits 511:256 (bit 6; VZEROUPPER missing?)")
	}
	if v&xstate.Hi16ZMM != 0 {
		parts = append(parts, "ZMM16-31 (bit 7; VZEROUPPER does not clear these: zero them or use Z0-Z15)")
	}
	return strings.Join(parts, ", ")
}
