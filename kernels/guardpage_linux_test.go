//go:build linux

package kernels

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
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

// guardPager is a family of kernels with a guard-page sweep.
type guardPager interface {
	guardPages(tb failer, name string, im *implementation)
}

// TestGuardPages runs the guard-page sweep of every kernel of kernelTests
// on every implementation this CPU runs.
func TestGuardPages(t *testing.T) {
	for _, k := range kernelTests {
		t.Run(k.name, func(t *testing.T) {
			sweep := guardSweepOf(k.name)
			forEachImpl(t, func(t *testing.T, im *implementation) { sweep(t, im) })
		})
	}
}

// guardSweepOf returns the guard-page sweep of the named kernel.
func guardSweepOf(name string) func(tb failer, im *implementation) {
	k := kernelByName(name)
	g, ok := k.family.(guardPager)
	if !ok {
		panic(fmt.Sprintf("kernel %s has no guard-page sweep", name))
	}
	return func(tb failer, im *implementation) {
		tb.Helper()
		g.guardPages(tb, k.name, im)
	}
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

// guardPages runs a vector kernel of im on every length up to
// guardPageMaxLen with each placement, and checks the results against the
// reference as well.
func (v *vecTest) guardPages(tb failer, name string, im *implementation) {
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
			for _, s := range v.scalars(p, n, xs) {
				x, y := place(gx, n, pl.xAtEnd), place(gy, n, pl.yAtEnd)
				copy(x, xs)
				copy(y, ys)
				var got []float64
				d := faultOf(func() { got = v.run(im, s, x, y) }, gx, gy)
				if d == "" {
					wx, wy := slices.Clone(xs), slices.Clone(ys)
					want := v.ref(s, wx, wy)
					switch v.out {
					case "x":
						d = firstDiff("x", x, wx)
					case "y":
						d = firstDiff("y", y, wy)
					default:
						d = v.diffResults(got, want)
					}
				}
				if d != "" {
					tb.Fatalf("%s[%s] n=%d, %s: %s", name, im.name, n, pl, v.scalarNote(s, d))
				}
			}
		}
	}
}

// guardMaxDim is the largest m and n of the matrix guard-page sweeps: 40,
// or 33 in short mode, which is still every remainder mod 32 and one block
// more.
func guardMaxDim() int {
	if testing.Short() {
		return 33
	}
	return 40
}

// guardRegions maps one guarded region for each name, room for any
// operand of a guardMaxDim() shape, and returns them with a function that
// unmaps them all.
func guardRegions(tb failer, names ...string) ([]*guardedRegion, func()) {
	tb.Helper()
	var regions []*guardedRegion
	unmap := func() {
		for _, g := range regions {
			g.unmap()
		}
	}
	for _, name := range names {
		g, err := mapGuarded(name, guardMaxDim()*(guardMaxDim()+3))
		if err != nil {
			unmap()
			tb.Fatalf("%v", err)
		}
		regions = append(regions, g)
	}
	return regions, unmap
}

// guardShapes calls f for every shape up to guardMaxDim(), dense and with
// padded rows, with the matrix as from the random pool, once with every
// operand flush against the end of its region and once against the start.
func guardShapes(f func(m, n, lda int, as []float64, atEnd bool)) {
	p := pools[classRandom]
	for m := 0; m <= guardMaxDim(); m++ {
		for n := 0; n <= guardMaxDim(); n++ {
			for _, lda := range []int{max(1, n), n + 3} {
				as := make([]float64, matrixLen(m, n, lda))
				for i := range as {
					as[i], _ = p.at(m*n + i)
				}
				for _, atEnd := range []bool{true, false} {
					f(m, n, lda, as, atEnd)
				}
			}
		}
	}
}

func side(atEnd bool) string { return map[bool]string{true: "end", false: "start"}[atEnd] }

// guardPages runs GemvN or GemvT of im on every shape of guardShapes, with
// a, x and y all flush against the ends of their regions, then all against
// the starts.
func (g *gemvTest) guardPages(tb failer, name string, im *implementation) {
	tb.Helper()
	regions, unmap := guardRegions(tb, "a", "x", "y")
	defer unmap()
	ga, gx, gy := regions[0], regions[1], regions[2]
	p := pools[classRandom]
	guardShapes(func(m, n, lda int, as []float64, atEnd bool) {
		xLen, yLen := g.lens(m, n)
		xs, _ := p.window(xLen, m+n)
		want := make([]float64, yLen)
		if d := panicOf(func() { g.ref(m, n, as, lda, xs, want) }); d != "" {
			tb.Fatalf("%s[%s] m=%d n=%d lda=%d: reference generic panicked: %s", name, im.name, m, n, lda, d)
		}
		a, x, y := place(ga, len(as), atEnd), place(gx, xLen, atEnd), place(gy, yLen, atEnd)
		copy(a, as)
		copy(x, xs)
		for i := range y {
			y[i] = guard // must be overwritten
		}
		d := faultOf(func() { g.run(im, m, n, a, lda, x, y) }, ga, gx, gy)
		if d == "" {
			d = firstDiff("y", y, want)
		}
		if d != "" {
			tb.Fatalf("%s[%s] m=%d n=%d lda=%d, a, x and y at the %s of their regions: %s",
				name, im.name, m, n, lda, side(atEnd), d)
		}
	})
}

// guardPages runs LossGrad of im on every shape of guardShapes: w in a
// region of its own, as are a, y and g.
func (l *lossGradTest) guardPages(tb failer, name string, im *implementation) {
	tb.Helper()
	regions, unmap := guardRegions(tb, "a", "x", "y", "g")
	defer unmap()
	ga, gx, gy, gg := regions[0], regions[1], regions[2], regions[3]
	p := pools[classRandom]
	guardShapes(func(m, n, lda int, as []float64, atEnd bool) {
		ws, _ := p.window(n, m+2*n)
		ys, _ := p.window(m, 2*m+n)
		wantG := make([]float64, n)
		wssr, wsr := l.ref(m, n, as, lda, ws, 0.25, ys, wantG)
		a, w, y, g := place(ga, len(as), atEnd), place(gx, n, atEnd), place(gy, m, atEnd), place(gg, n, atEnd)
		copy(a, as)
		copy(w, ws)
		copy(y, ys)
		for i := range g {
			g[i] = guard // must be overwritten
		}
		var ssr, sr float64
		d := faultOf(func() { ssr, sr = l.run(im, m, n, a, lda, w, 0.25, y, g) }, ga, gx, gy, gg)
		if d == "" {
			d = firstDiff("g", g, wantG)
		}
		if d == "" && (!sameBits(ssr, wssr) || !sameBits(sr, wsr)) {
			d = fmt.Sprintf("ssr, sr = %s, %s; want %s, %s", fmtBits(ssr), fmtBits(sr), fmtBits(wssr), fmtBits(wsr))
		}
		if d != "" {
			tb.Fatalf("%s[%s] m=%d n=%d lda=%d, a, w, y and g at the %s of their regions: %s",
				name, im.name, m, n, lda, side(atEnd), d)
		}
	})
}

// guardPages runs Gram of im on every shape of guardShapes, a and g both
// flush against the ends of their regions, then both against the starts;
// g starts at pool values, the lower triangle included.
func (gt *gramTest) guardPages(tb failer, name string, im *implementation) {
	tb.Helper()
	regions, unmap := guardRegions(tb, "a", "g")
	defer unmap()
	ga, gg := regions[0], regions[1]
	p := pools[classRandom]
	guardShapes(func(m, n, lda int, as []float64, atEnd bool) {
		gs, _ := p.window(n*n, m+n)
		want := slices.Clone(gs)
		gt.ref(m, n, as, lda, want)
		a, g := place(ga, len(as), atEnd), place(gg, n*n, atEnd)
		copy(a, as)
		copy(g, gs)
		d := faultOf(func() { gt.run(im, m, n, a, lda, g) }, ga, gg)
		if d == "" {
			d = firstDiff("g", g, want)
		}
		if d != "" {
			tb.Fatalf("%s[%s] m=%d n=%d lda=%d, a and g at the %s of their regions: %s",
				name, im.name, m, n, lda, side(atEnd), d)
		}
	})
}

// guardPages runs ShiftScale of im on every shape of guardShapes: a,
// shift, scale and z each in a region of its own, z with a's row stride.
func (st *shiftScaleTest) guardPages(tb failer, name string, im *implementation) {
	tb.Helper()
	regions, unmap := guardRegions(tb, "a", "shift", "scale", "z")
	defer unmap()
	ga, gsh, gsc, gz := regions[0], regions[1], regions[2], regions[3]
	p := pools[classRandom]
	guardShapes(func(m, n, lda int, as []float64, atEnd bool) {
		shs, scs := p.window(n, m+2*n)
		zs, _ := p.window(len(as), 3*m+n)
		want := slices.Clone(zs)
		st.ref(m, n, as, lda, shs, scs, want, lda)
		a, sh, sc, z := place(ga, len(as), atEnd), place(gsh, n, atEnd), place(gsc, n, atEnd), place(gz, len(as), atEnd)
		copy(a, as)
		copy(sh, shs)
		copy(sc, scs)
		copy(z, zs)
		d := faultOf(func() { st.run(im, m, n, a, lda, sh, sc, z, lda) }, ga, gsh, gsc, gz)
		if d == "" {
			d = firstDiff("z", z, want)
		}
		if d != "" {
			tb.Fatalf("%s[%s] m=%d n=%d lda=ldz=%d, a, shift, scale and z at the %s of their regions: %s",
				name, im.name, m, n, lda, side(atEnd), d)
		}
	})
}

// gramDiagGuardShapes are shapes GramDiag takes through the guard pages
// beside those of guardShapes: wider than an AVX-512 column block, with
// a remainder in every vector width, and taller than a chunk of rows.
var gramDiagGuardShapes = [][2]int{{130, 49}, {3, 97}, {257, 71}, {129, 66}}

// guardPages runs GramDiag of im on every shape of guardShapes and of
// gramDiagGuardShapes: a, sums and squares each in a region of its own,
// all three flush against the ends of their regions, then all against
// the starts; sums and squares start at pool values.
func (gt *gramDiagTest) guardPages(tb failer, name string, im *implementation) {
	tb.Helper()
	need := guardMaxDim() * (guardMaxDim() + 3)
	for _, s := range gramDiagGuardShapes {
		need = max(need, s[0]*(s[1]+3))
	}
	var regions []*guardedRegion
	defer func() {
		for _, g := range regions {
			g.unmap()
		}
	}()
	for _, what := range []string{"a", "sums", "squares"} {
		g, err := mapGuarded(what, need)
		if err != nil {
			tb.Fatalf("%v", err)
		}
		regions = append(regions, g)
	}
	ga, gs, gq := regions[0], regions[1], regions[2]
	p := pools[classRandom]
	check := func(m, n, lda int, as []float64, atEnd bool) {
		ss, qs := p.window(n, m+2*n)
		ws, wq := slices.Clone(ss), slices.Clone(qs)
		gt.ref(m, n, as, lda, ws, wq)
		a, sums, squares := place(ga, len(as), atEnd), place(gs, n, atEnd), place(gq, n, atEnd)
		copy(a, as)
		copy(sums, ss)
		copy(squares, qs)
		d := faultOf(func() { gt.run(im, m, n, a, lda, sums, squares) }, ga, gs, gq)
		if d == "" {
			d = firstDiff("sums", sums, ws)
		}
		if d == "" {
			d = firstDiff("squares", squares, wq)
		}
		if d != "" {
			tb.Fatalf("%s[%s] m=%d n=%d lda=%d, a, sums and squares at the %s of their regions: %s",
				name, im.name, m, n, lda, side(atEnd), d)
		}
	}
	guardShapes(check)
	for _, s := range gramDiagGuardShapes {
		m, n := s[0], s[1]
		for _, lda := range []int{n, n + 3} {
			as := make([]float64, matrixLen(m, n, lda))
			for i := range as {
				as[i], _ = p.at(m*n + i)
			}
			for _, atEnd := range []bool{true, false} {
				check(m, n, lda, as, atEnd)
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
	cases := []mutantCase{
		{mutant("dot-reads-one-past-end", func(im *implementation) {
			im.dot = func(x, y []float64) float64 {
				sink = *at(x, len(x))
				return generic.Dot(x, y)
			}
		}), guardSweepOf("Dot"), "0 bytes past the end of x's region"},
		{mutant("sum-peeks-empty", func(im *implementation) {
			im.sum = func(x []float64) float64 {
				if len(x) == 0 {
					sink = *at(x, 0)
				}
				return generic.Sum(x)
			}
		}), guardSweepOf("Sum"), "Sum[sum-peeks-empty] n=0, x at end"},
		{mutant("scal-writes-before-start", func(im *implementation) {
			im.scal = func(alpha float64, x []float64) {
				generic.Scal(alpha, x)
				if len(x) > 0 {
					*at(x, -1) = 0
				}
			}
		}), guardSweepOf("Scal"), "8 bytes before the start of x's region"},
		{mutant("gemvt-reads-past-a", func(im *implementation) {
			im.gemvT = func(m, n int, a []float64, lda int, x, y []float64) {
				if len(a) > 0 {
					sink = *at(a, len(a))
				}
				generic.GemvT(m, n, a, lda, x, y)
			}
		}), guardSweepOf("GemvT"), "past the end of a's region"},
		{mutant("gram-reads-past-last-row", func(im *implementation) {
			// Loads a whole register of the last row, a vector past n.
			im.gram = func(m, n int, a []float64, lda int, g []float64) {
				if m > 0 && n%4 != 0 {
					sink = *at(a, (m-1)*lda+n)
				}
				generic.Gram(m, n, a, lda, g)
			}
		}), guardSweepOf("Gram"), "0 bytes past the end of a's region"},
		{mutant("shiftscale-writes-past-z", func(im *implementation) {
			im.shiftScale = func(m, n int, a []float64, lda int, shift, scale, z []float64, ldz int) {
				generic.ShiftScale(m, n, a, lda, shift, scale, z, ldz)
				if m > 0 && n > 0 {
					*at(z, (m-1)*ldz+n) = 0
				}
			}
		}), guardSweepOf("ShiftScale"), "0 bytes past the end of z's region"},
		{mutant("gramdiag-reads-past-last-row", func(im *implementation) {
			// Loads a whole register of the last row, a vector past n.
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				if m > 0 && n%4 != 0 {
					sink = *at(a, (m-1)*lda+n)
				}
				generic.GramDiag(m, n, a, lda, sums, squares)
			}
		}), guardSweepOf("GramDiag"), "0 bytes past the end of a's region"},
		{mutant("gramdiag-writes-before-squares", func(im *implementation) {
			im.gramDiag = func(m, n int, a []float64, lda int, sums, squares []float64) {
				generic.GramDiag(m, n, a, lda, sums, squares)
				if n > 0 {
					*at(squares, -1) = 0
				}
			}
		}), guardSweepOf("GramDiag"), "8 bytes before the start of squares's region"},
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
