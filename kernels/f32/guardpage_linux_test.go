//go:build linux

package f32

import (
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
	"testing"
	"unsafe"
)

// The guard-page test proves that no float32 kernel reads or writes a byte
// outside its slices, which guard values cannot show for reads: every
// slice is placed flush against an inaccessible (PROT_NONE) page, after
// its end or before its start, so a vector load that strays faults, and
// debug.SetPanicOnFault turns the fault into a panic the test reports.

// region is an anonymous mapping of usable pages between two PROT_NONE pages.
type region struct {
	mem    []byte
	page   int
	usable int
}

func mapRegion(t *testing.T, elems int) *region {
	t.Helper()
	page := os.Getpagesize()
	usable := max(1, (elems*4+page-1)/page) * page
	mem, err := syscall.Mmap(-1, 0, usable+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if syscall.Mprotect(mem[:page], syscall.PROT_NONE) != nil || syscall.Mprotect(mem[page+usable:], syscall.PROT_NONE) != nil {
		t.Fatal("mprotect failed")
	}
	return &region{mem, page, usable}
}

// atEnd returns n float32s ending where the trailing guard page begins;
// atStart n float32s starting where the leading one ends.
func (r *region) atEnd(n int) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(&r.mem[r.page+r.usable-4*n])), n)
}

func (r *region) atStart(n int) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(&r.mem[r.page])), n)
}

// fault runs f and returns the memory fault it caused, or "".
func fault(f func()) (msg string) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprint(p)
		}
	}()
	f()
	return ""
}

// noFault runs f and turns a memory fault into a test failure naming what.
func noFault(t *testing.T, what string, f func()) {
	t.Helper()
	if msg := fault(f); msg != "" {
		t.Fatalf("%s: %s", what, msg)
	}
}

// sink keeps the self-check's stray reads from being optimized away.
var sink float32

// TestGuardPagesCatchStrayAccess proves the placement works: reading one
// element past a slice at the end, or one before a slice at the start,
// faults.
func TestGuardPagesCatchStrayAccess(t *testing.T) {
	r := mapRegion(t, 100)
	x := r.atEnd(10)
	if fault(func() { sink = unsafe.Slice(&x[0], 11)[10] }) == "" {
		t.Error("reading one element past a slice at the end did not fault")
	}
	y := r.atStart(10)
	if fault(func() { sink = *(*float32)(unsafe.Add(unsafe.Pointer(&y[0]), -4)) }) == "" {
		t.Error("reading one element before a slice at the start did not fault")
	}
}

func TestGuardPages(t *testing.T) {
	const maxN = 4200
	forEachImpl(t, func(t *testing.T, impl string) {
		rx, ry, rz := mapRegion(t, maxN), mapRegion(t, maxN), mapRegion(t, maxN)
		var ns []int
		for n := 0; n <= 200; n++ {
			ns = append(ns, n)
		}
		ns = append(ns, 255, 256, 257, 767, 768, 1000, 4099)
		for _, n := range ns {
			for side, place := range []func(r *region, n int) []float32{(*region).atEnd, (*region).atStart} {
				x, y, z := place(rx, n), place(ry, n), place(rz, n)
				for i := range x {
					x[i], y[i], z[i] = float32(i%7)-3, float32(i%5)-2, 1
				}
				what := fmt.Sprintf("n=%d side=%d", n, side)
				noFault(t, "Dot "+what, func() { Dot(x, y) })
				noFault(t, "Sum "+what, func() { Sum(x) })
				noFault(t, "SumSqDiff "+what, func() { SumSqDiff(x, y) })
				noFault(t, "Asum "+what, func() { Asum(x) })
				noFault(t, "Amax "+what, func() { Amax(x) })
				noFault(t, "Iamax "+what, func() { Iamax(x) })
				noFault(t, "ScaledSumSq "+what, func() { scaledSumSqKind(current(), 0.5, x) })
				noFault(t, "Nrm2 "+what, func() { Nrm2(x) })
				noFault(t, "Cosine "+what, func() { Cosine(x, y) })
				noFault(t, "DotNorms "+what, func() { dotNormsKind(current(), x, y) })
				noFault(t, "Axpy "+what, func() { Axpy(2, x, z) })
				noFault(t, "Scal "+what, func() { Scal(0.5, z) })
				noFault(t, "Normalize "+what, func() { Normalize(z) })
				// Matrices of n elements: m rows of n/m, the last row flush
				// against the guard (atEnd) or the first at it (atStart).
				for _, m := range []int{1, 3, 7} {
					cols := n / m
					if cols == 0 {
						continue
					}
					a := x[:m*cols]
					if side == 0 {
						a = x[n-m*cols:]
					}
					out, q := place(rz, m), place(ry, cols)
					w := fmt.Sprintf("%s m=%d cols=%d", what, m, cols)
					noFault(t, "GemvN "+w, func() { GemvN(m, cols, a, cols, q, out) })
					noFault(t, "SumSqDiffRows "+w, func() { SumSqDiffRows(m, cols, a, cols, q, out) })
					noFault(t, "SqNorms "+w, func() { SqNorms(m, cols, a, cols, out) })
					sq := make([]float32, m)
					noFault(t, "CosineRows "+w, func() { CosineRows(m, cols, a, cols, sq, q, out) })
					idx := []int{m - 1, 0, m / 2}
					noFault(t, "DotIdx "+w, func() { DotIdx(q, a, cols, idx, make([]float32, 3)) })
					xs, outT := place(ry, m), place(rz, cols)
					noFault(t, "GemvT "+w, func() { GemvT(m, cols, a, cols, xs, outT) })
				}
			}
		}
	})
}
