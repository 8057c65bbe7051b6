//go:build linux

package kernels

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/lanes-go/lanes/kernels/generic"
)

// The guard-page tests prove that no kernel reads or writes even one byte
// outside its slices, which guard values cannot show for reads: a vector
// implementation that loads a whole register past the end of a slice
// usually gets away with it, until the slice ends at an unmapped page.
// Here every slice is placed flush against an inaccessible (PROT_NONE)
// page, after its end or before its start, so such an access faults.
// debug.SetPanicOnFault turns the fault into a panic the test reports
// with the kernel, length and placement, instead of a crash.

// guardedRegion is an anonymous mapping of usable pages between two PROT_NONE
// pages.
type guardedRegion struct {
	name   string
	mem    []byte
	page   int
	usable int // bytes between the guard pages
}

// mapGuarded maps room for at least elems float64s between guard pages.
func mapGuarded(name string, elems int) (*guardedRegion, error) {
	page := os.Getpagesize()
	usable := max(1, (elems*8+page-1)/page) * page
	mem, err := syscall.Mmap(-1, 0, usable+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	g := &guardedRegion{name: name, mem: mem, page: page, usable: usable}
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		g.unmap()
		return nil, fmt.Errorf("mprotect: %w", err)
	}
	if err := syscall.Mprotect(mem[page+usable:], syscall.PROT_NONE); err != nil {
		g.unmap()
		return nil, fmt.Errorf("mprotect: %w", err)
	}
	return g, nil
}

func (g *guardedRegion) unmap() { _ = syscall.Munmap(g.mem) }

// atEnd returns n float64s ending exactly where the trailing guard page
// begins. For n = 0 the slice's pointer is the guard page itself, so a
// kernel must not even peek at element 0 of an empty slice.
func (g *guardedRegion) atEnd(n int) []float64 {
	p := unsafe.Pointer(&g.mem[g.page+g.usable-8*n])
	return unsafe.Slice((*float64)(p), n)
}

// atStart returns n float64s starting exactly where the leading guard
// page ends.
func (g *guardedRegion) atStart(n int) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(&g.mem[g.page])), n)
}

// describe names the place of a faulting address relative to g.
func (g *guardedRegion) describe(addr uintptr) string {
	base := uintptr(unsafe.Pointer(&g.mem[0]))
	switch {
	case addr >= base && addr < base+uintptr(g.page):
		return fmt.Sprintf("%d bytes before the start of %s's region", base+uintptr(g.page)-addr, g.name)
	case addr >= base+uintptr(g.page+g.usable) && addr < base+uintptr(len(g.mem)):
		return fmt.Sprintf("%d bytes past the end of %s's region", addr-(base+uintptr(g.page+g.usable)), g.name)
	}
	return ""
}

// faultOf runs f with faults turned into panics and describes the fault
// (or other panic) it raised, or returns "".
func faultOf(f func(), regions ...*guardedRegion) (d string) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		e := recover()
		if e == nil {
			return
		}
		if fe, ok := e.(interface{ Addr() uintptr }); ok {
			d = fmt.Sprintf("memory fault at %#x", fe.Addr())
			for _, g := range regions {
				if w := g.describe(fe.Addr()); w != "" {
					d += " (" + w + ")"
				}
			}
			return
		}
		d = fmt.Sprintf("panic: %v", e)
	}()
	f()
	return ""
}

// guardPageMaxLen is the longest vector placed against guard pages:
// several blocks and every tail length.
const guardPageMaxLen = 300

func TestGuardPages(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepGuardPages(t, im) })
}

func TestGuardPagesGemv(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) { sweepGuardPagesGemv(t, im) })
}

// placement says which end of its region each operand is flush against.
type placement struct{ xAtEnd, yAtEnd bool }

func (p placement) String() string {
	side := func(end bool) string {
		if end {
			return "end"
		}
		return "start"
	}
	return "x at " + side(p.xAtEnd) + ", y at " + side(p.yAtEnd)
}

var placements = []placement{{true, true}, {false, false}, {true, false}, {false, true}}

func place(g *guardedRegion, n int, atEnd bool) []float64 {
	if atEnd {
		return g.atEnd(n)
	}
	return g.atStart(n)
}

// sweepGuardPages runs every vector kernel of im on every length up to
// guardPageMaxLen with each placement, and checks the results against
// generic as well.
func sweepGuardPages(tb failer, im *implementation) {
	tb.Helper()
	gx, err := mapGuarded("x", guardPageMaxLen)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	defer gx.unmap()
	gy, err := mapGuarded("y", guardPageMaxLen)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	defer gy.unmap()

	p := pools[classRandom]
	for n := 0; n <= guardPageMaxLen; n++ {
		xs, ys := p.window(n, n)
		for _, pl := range placements {
			x, y := place(gx, n, pl.xAtEnd), place(gy, n, pl.yAtEnd)
			fail := func(kernel, d string) {
				tb.Helper()
				tb.Fatalf("%s[%s] n=%d, %s: %s", kernel, im.name, n, pl, d)
			}
			copy(x, xs)
			copy(y, ys)
			var got float64
			if d := faultOf(func() { got = im.dot(x, y) }, gx, gy); d != "" {
				fail("Dot", d)
			} else if want := generic.Dot(xs, ys); !sameBits(got, want) {
				fail("Dot", fmt.Sprintf("result %s, want %s", fmtBits(got), fmtBits(want)))
			}
			if d := faultOf(func() { got = im.sum(x) }, gx, gy); d != "" {
				fail("Sum", d)
			} else if want := generic.Sum(xs); !sameBits(got, want) {
				fail("Sum", fmt.Sprintf("result %s, want %s", fmtBits(got), fmtBits(want)))
			}
			if d := faultOf(func() { got = im.sumSqDiff(x, y) }, gx, gy); d != "" {
				fail("SumSqDiff", d)
			} else if want := generic.SumSqDiff(xs, ys); !sameBits(got, want) {
				fail("SumSqDiff", fmt.Sprintf("result %s, want %s", fmtBits(got), fmtBits(want)))
			}
			for _, r := range []struct {
				name    string
				f, want func(x []float64) float64
			}{
				{"Asum", im.asum, generic.Asum},
				{"Amax", im.amax, generic.Amax},
				{"Nrm2", im.nrm2, lookup(Generic).nrm2},
				{"ScaledSumSq", func(x []float64) float64 { return im.scaledSumSq(0x1p-3, x) },
					func(x []float64) float64 { return generic.ScaledSumSq(0x1p-3, x) }},
			} {
				if d := faultOf(func() { got = r.f(x) }, gx, gy); d != "" {
					fail(r.name, d)
				} else if want := r.want(xs); !sameBits(got, want) {
					fail(r.name, fmt.Sprintf("result %s, want %s", fmtBits(got), fmtBits(want)))
				}
			}
			for _, v := range indexAbsTargets(xs) {
				var i int
				if d := faultOf(func() { i = im.indexAbs(v, x) }, gx, gy); d != "" {
					fail("IndexAbs", d)
				} else if want := generic.IndexAbs(v, xs); i != want {
					fail("IndexAbs", fmt.Sprintf("v=%s: index %d, want %d", fmtBits(v), i, want))
				}
			}
			var i int
			if d := faultOf(func() { i = im.iamax(x) }, gx, gy); d != "" {
				fail("Iamax", d)
			} else if want := blasIamax(xs); i != want {
				fail("Iamax", fmt.Sprintf("index %d, want %d", i, want))
			}

			alpha := p.alpha(n)
			want := append([]float64(nil), ys...)
			generic.Axpy(alpha, xs, want)
			if d := faultOf(func() { im.axpy(alpha, x, y) }, gx, gy); d != "" {
				fail("Axpy", d)
			} else if d := firstDiff("y", y, want); d != "" {
				fail("Axpy", d)
			}
			want = append(want[:0], xs...)
			generic.Scal(alpha, want)
			if d := faultOf(func() { im.scal(alpha, x) }, gx, gy); d != "" {
				fail("Scal", d)
			} else if d := firstDiff("x", x, want); d != "" {
				fail("Scal", d)
			}
		}
	}
}

// sweepGuardPagesGemv runs GemvN and GemvT of im on every shape up to
// 40×40 (33×33 in short mode), dense and with padded rows, with a, x and y all flush against
// the ends of their regions, then all against the starts.
func sweepGuardPagesGemv(tb failer, im *implementation) {
	tb.Helper()
	maxDim := 40
	if testing.Short() {
		maxDim = 33 // still every remainder mod 32, and one block more
	}
	regions := make([]*guardedRegion, 4)
	for i, name := range []string{"a", "x", "y", "g"} {
		g, err := mapGuarded(name, maxDim*(maxDim+3))
		if err != nil {
			tb.Fatalf("%v", err)
		}
		defer g.unmap()
		regions[i] = g
	}
	ga, gx, gy, gg := regions[0], regions[1], regions[2], regions[3]

	p := pools[classRandom]
	for m := 0; m <= maxDim; m++ {
		for n := 0; n <= maxDim; n++ {
			for _, lda := range []int{max(1, n), n + 3} {
				as := make([]float64, matrixLen(m, n, lda))
				for i := range as {
					as[i], _ = p.at(m*n + i)
				}
				for _, atEnd := range []bool{true, false} {
					for _, kernel := range []string{"GemvN", "GemvT"} {
						f, ref, xLen, yLen := im.gemvN, generic.GemvN, n, m
						if kernel == "GemvT" {
							f, ref, xLen, yLen = im.gemvT, generic.GemvT, m, n
						}
						xs, _ := p.window(xLen, m+n)
						want := make([]float64, yLen)
						if d := panicOf(func() { ref(m, n, as, lda, xs, want) }); d != "" {
							tb.Fatalf("%s[%s] m=%d n=%d lda=%d: reference generic panicked: %s", kernel, im.name, m, n, lda, d)
						}

						a, x, y := place(ga, len(as), atEnd), place(gx, xLen, atEnd), place(gy, yLen, atEnd)
						copy(a, as)
						copy(x, xs)
						for i := range y {
							y[i] = guard // must be overwritten
						}
						d := faultOf(func() { f(m, n, a, lda, x, y) }, ga, gx, gy)
						if d == "" {
							d = firstDiff("y", y, want)
						}
						if d != "" {
							tb.Fatalf("%s[%s] m=%d n=%d lda=%d, a, x and y at the %s of their regions: %s",
								kernel, im.name, m, n, lda, map[bool]string{true: "end", false: "start"}[atEnd], d)
						}
					}
					// LossGrad: w in x's region, y in y's, g in its own.
					ws, _ := p.window(n, m+2*n)
					ys, _ := p.window(m, 2*m+n)
					wantG := make([]float64, n)
					wssr, wsr := generic.LossGrad(m, n, as, lda, ws, 0.25, ys, wantG)
					a, w, y, g := place(ga, len(as), atEnd), place(gx, n, atEnd), place(gy, m, atEnd), place(gg, n, atEnd)
					copy(a, as)
					copy(w, ws)
					copy(y, ys)
					for i := range g {
						g[i] = guard // must be overwritten
					}
					var ssr, sr float64
					d := faultOf(func() { ssr, sr = im.lossGrad(m, n, a, lda, w, 0.25, y, g) }, ga, gx, gy, gg)
					if d == "" {
						d = firstDiff("g", g, wantG)
					}
					if d == "" && (!sameBits(ssr, wssr) || !sameBits(sr, wsr)) {
						d = fmt.Sprintf("ssr, sr = %s, %s; want %s, %s", fmtBits(ssr), fmtBits(sr), fmtBits(wssr), fmtBits(wsr))
					}
					if d != "" {
						tb.Fatalf("LossGrad[%s] m=%d n=%d lda=%d, a, w, y and g at the %s of their regions: %s",
							im.name, m, n, lda, map[bool]string{true: "end", false: "start"}[atEnd], d)
					}
				}
			}
		}
	}
}

// firstDiff describes the first element where got and want differ.
func firstDiff(name string, got, want []float64) string {
	for i := range got {
		if !sameBits(got[i], want[i]) {
			return fmt.Sprintf("first difference at %s[%d]: got %s, want %s", name, i, fmtBits(got[i]), fmtBits(want[i]))
		}
	}
	return ""
}

// TestGuardPagesCatchStrayAccess proves the guard-page sweeps fail, with
// the place of the fault, for kernels that touch memory just outside
// their slices.
func TestGuardPagesCatchStrayAccess(t *testing.T) {
	at := func(s []float64, i int) *float64 {
		return (*float64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), 8*i))
	}
	gemv := func(tb failer, im *implementation) { sweepGuardPagesGemv(tb, im) }
	cases := []mutantCase{
		{mutant("dot-reads-one-past-end", func(im *implementation) {
			im.dot = func(x, y []float64) float64 {
				sink = *at(x, len(x))
				return generic.Dot(x, y)
			}
		}), sweepGuardPages, "0 bytes past the end of x's region"},
		{mutant("sum-peeks-empty", func(im *implementation) {
			im.sum = func(x []float64) float64 {
				if len(x) == 0 {
					sink = *at(x, 0)
				}
				return generic.Sum(x)
			}
		}), sweepGuardPages, "Sum[sum-peeks-empty] n=0, x at end"},
		{mutant("scal-writes-before-start", func(im *implementation) {
			im.scal = func(alpha float64, x []float64) {
				generic.Scal(alpha, x)
				if len(x) > 0 {
					*at(x, -1) = 0
				}
			}
		}), sweepGuardPages, "8 bytes before the start of x's region"},
		{mutant("gemvt-reads-past-a", func(im *implementation) {
			im.gemvT = func(m, n int, a []float64, lda int, x, y []float64) {
				if len(a) > 0 {
					sink = *at(a, len(a))
				}
				generic.GemvT(m, n, a, lda, x, y)
			}
		}), gemv, "past the end of a's region"},
	}
	precision := faultAddrPrecision(t)
	t.Logf("fault addresses here: %s", precision)
	for _, c := range cases {
		t.Run(c.im.name, func(t *testing.T) {
			msg := failureOf(func(tb failer) { c.sweep(tb, c.im) })
			if msg == "" {
				t.Fatalf("the guard-page sweep passed a kernel that touches memory outside its slices")
			}
			for _, want := range precision.expect(c.im.name, c.want) {
				if !strings.Contains(msg, want) {
					t.Fatalf("failure %q does not mention %q (fault addresses here: %s)", msg, want, precision)
				}
			}
			if !strings.Contains(msg, "memory fault") && !strings.Contains(msg, "invalid memory address") {
				t.Fatalf("failure %q is not a memory fault", msg)
			}
			t.Logf("caught: %s", msg)
		})
	}
}

// addrPrecision is how exactly a platform reports the address of a
// memory fault to a debug.SetPanicOnFault panic. The stray-access test
// can check only as much of a fault's place as the platform reports.
type addrPrecision int

const (
	// addrByte: the faulting byte (amd64, arm64, riscv64; ppc64le on
	// hardware).
	addrByte addrPrecision = iota
	// addrPage: the faulting page only. s390x reports no low-order bits
	// (runtime/debug's own TestPanicOnFault skips there for that reason),
	// so a write 8 bytes before a slice shows as 4096 bytes before it.
	addrPage
	// addrNone: no reliable address. qemu-user for ppc64le does not set
	// DAR, the register the runtime reads the address from: it holds zero
	// (the runtime then reports a nil dereference) or a stale value.
	addrNone
)

func (p addrPrecision) String() string {
	return [...]string{"exact", "page only", "not reported"}[p]
}

// faultAddrPrecision finds the precision of fault addresses here by
// reading 8 bytes into a guard page on purpose.
func faultAddrPrecision(t *testing.T) addrPrecision {
	t.Helper()
	g, err := mapGuarded("probe", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer g.unmap()
	target := unsafe.Pointer(&g.mem[g.page+g.usable+8]) // the address only; no access yet
	var e any
	func() {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() { e = recover() }()
		sink = *(*float64)(target)
	}()
	want := uintptr(target)
	fe, ok := e.(interface{ Addr() uintptr })
	switch {
	case e == nil:
		t.Fatalf("reading a guard page did not fault")
	case !ok:
		if err, isErr := e.(error); isErr && strings.Contains(err.Error(), "invalid memory address") {
			return addrNone
		}
		t.Fatalf("reading a guard page panicked with %v, want a memory fault", e)
	case fe.Addr() == want:
		return addrByte
	case fe.Addr() == want&^uintptr(g.page-1):
		return addrPage
	}
	if runtime.GOARCH == "ppc64le" {
		return addrNone // a stale DAR under qemu-user; see addrNone
	}
	t.Fatalf("reading %#x faulted at %#x: neither that byte nor its page", want, fe.Addr())
	return 0
}

// expect returns the fragments a stray-access failure of the mutant
// named name must contain, given want, the fragment it contains where
// faults report the byte.
func (p addrPrecision) expect(name, want string) []string {
	switch p {
	case addrPage:
		// "8 bytes before the start of x's region" can only be "before
		// the start of x's region": the count is from the page start.
		if i := strings.Index(want, " bytes "); i >= 0 && strings.Trim(want[:i], "0123456789") == "" {
			want = want[i+len(" bytes "):]
		}
		return []string{want}
	case addrNone:
		// Only the kernel that faulted can be checked; that it faulted is
		// checked by faulted.
		return []string{"[" + name + "]"}
	}
	return []string{want}
}
