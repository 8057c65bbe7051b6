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
		p := pools[classRandom]
		failed := map[string]bool{} // report each kernel once
		check := func(kernel, size string, call func()) {
			t.Helper()
			if failed[kernel] {
				return
			}
			what := kernel + "[" + im.name + "] " + size
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
				failed[kernel] = true
				t.Errorf("%s returned with upper register state in use, XINUSE=%#x: %s",
					what, after, describeXInUse(after))
			}
		}
		// Every tail length of a block, then whole blocks with tails.
		var lengths []int
		for n := 0; n <= 40; n++ {
			lengths = append(lengths, n)
		}
		for _, n := range append(lengths, 63, 64, 65, 100, 257, 1000) {
			xs, ys := p.window(n, n)
			x, y := append([]float64(nil), xs...), append([]float64(nil), ys...)
			check("Dot", fmt.Sprintf("n=%d", n), func() { sink = im.dot(x, y) })
			check("Sum", fmt.Sprintf("n=%d", n), func() { sink = im.sum(x) })
			check("SumSqDiff", fmt.Sprintf("n=%d", n), func() { sink = im.sumSqDiff(x, y) })
			check("Axpy", fmt.Sprintf("n=%d", n), func() { im.axpy(0.5, x, y) })
			check("Scal", fmt.Sprintf("n=%d", n), func() { im.scal(0.5, y) })
			check("Asum", fmt.Sprintf("n=%d", n), func() { sink = im.asum(x) })
			check("Amax", fmt.Sprintf("n=%d", n), func() { sink = im.amax(x) })
			check("ScaledSumSq", fmt.Sprintf("n=%d", n), func() { sink = im.scaledSumSq(0.5, x) })
			for _, v := range indexAbsTargets(x) { // found and not found
				check("IndexAbs", fmt.Sprintf("n=%d v=%v", n, v), func() { sink = float64(im.indexAbs(v, x)) })
			}
		}
		for _, s := range [][2]int{{0, 0}, {0, 5}, {1, 1}, {3, 5}, {17, 33}, {33, 17}, {64, 64}} {
			m, n := s[0], s[1]
			lda := max(1, n)
			a, _ := p.window(matrixLen(m, n, lda), m+n)
			xn, xm := make([]float64, n), make([]float64, m)
			ym, yn := make([]float64, m), make([]float64, n)
			check("GemvN", fmt.Sprintf("m=%d n=%d", m, n), func() { im.gemvN(m, n, a, lda, xn, ym) })
			check("GemvT", fmt.Sprintf("m=%d n=%d", m, n), func() { im.gemvT(m, n, a, lda, xm, yn) })
			check("LossGrad", fmt.Sprintf("m=%d n=%d", m, n), func() { sink, sink = im.lossGrad(m, n, a, lda, xn, 0.5, ym, yn) })
		}
	})
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
