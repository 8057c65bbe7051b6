//go:build linux

package kernels

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"unsafe"
)

// The fault test puts one block of a plan's matrix on an inaccessible
// page, as a memory-mapped file that another process has truncated, and
// checks the promise of LossGradPlan: with panic-on-fault set by the
// caller, the call panics on the caller's goroutine with the runtime's
// own fault error, whichever goroutine read the page, and only after
// every goroutine has finished with the call; the plan then computes as
// before.

// faultCase is a matrix of several blocks with one block's first page
// inaccessible.
type faultCase struct {
	m, n, lda, bad int
	a, w, y        []float64
	page, addr     uintptr // the inaccessible page
}

// newFaultCase maps blocks blocks of n = 1 column and makes the first
// page of block bad inaccessible. lda spreads a block over at least a
// page, so that block bad alone is hit, whatever the page size.
func newFaultCase(t *testing.T, blocks, bad int) *faultCase {
	t.Helper()
	page := os.Getpagesize()
	fc := &faultCase{m: blocks * LossGradBlockRows, n: 1, lda: max(1, page/(8*LossGradBlockRows)), bad: bad, page: uintptr(page)}
	g, err := mapGuarded("a", matrixLen(fc.m, fc.n, fc.lda))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.unmap)
	fc.a = g.atStart(matrixLen(fc.m, fc.n, fc.lda))
	for i := range fc.a {
		fc.a[i] = float64(i%7) - 3
	}
	first := unsafe.Pointer(&fc.a[bad*LossGradBlockRows*fc.lda])
	fc.addr = uintptr(first)
	if fc.addr%fc.page != 0 {
		t.Fatalf("block %d starts at %#x, inside a page of %d bytes", bad, fc.addr, page)
	}
	if err := syscall.Mprotect(unsafe.Slice((*byte)(first), page), syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	fc.w, fc.y = []float64{0.5}, make([]float64, fc.m)
	return fc
}

// faultOrigin says which goroutine faulted.
type faultOrigin int

const (
	otherFailure faultOrigin = iota // no panic, or not the expected fault
	callerFault                     // the calling goroutine read the page itself
	workerFault                     // a worker did, and LossGrad raised its panic again
)

// callFaulting runs p on fc with panic-on-fault set and says where the
// fault came from, or describes what else happened.
func (fc *faultCase) callFaulting(p *LossGradPlan, precision addrPrecision) (origin faultOrigin, msg string) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		e := recover()
		if e == nil {
			origin, msg = otherFailure, "the call returned without a panic"
			return
		}
		re, ok := e.(runtime.Error)
		fe, hasAddr := e.(interface{ Addr() uintptr })
		switch {
		case !ok || !hasAddr && precision != addrNone:
			// Without a reliable address (qemu's ppc64le), the runtime may
			// report the fault as a nil dereference, an error with none.
			origin, msg = otherFailure, fmt.Sprintf("panic with a %T, want a runtime.Error with Addr: %v", e, e)
			return
		case hasAddr && precision != addrNone && (fe.Addr() < fc.addr || fe.Addr() >= fc.addr+fc.page):
			origin, msg = otherFailure, fmt.Sprintf("fault at %#x, outside the inaccessible page at %#x: %v", fe.Addr(), fc.addr, re)
			return
		}
		// A fault on this goroutine is still on its stack, under the
		// deferred calls: runtime.sigpanic turned it into the panic.
		pcs := make([]uintptr, 64)
		frames := runtime.CallersFrames(pcs[:runtime.Callers(0, pcs)])
		for {
			f, more := frames.Next()
			if f.Function == "runtime.sigpanic" {
				origin = callerFault
				return
			}
			if !more {
				break
			}
		}
		origin = workerFault
	}()
	p.LossGrad(fc.m, fc.a, fc.lda, fc.w, 0.25, fc.y, make([]float64, fc.n))
	return otherFailure, "unreachable"
}

// TestLossGradPlanFault runs plans of 2 and 4 workers over a matrix of 4
// blocks with block 1, 2 or 3 on an inaccessible page, until the fault
// has come from the calling goroutine and from a worker (each happens in
// a good share of the calls here, under -cpu 1 too), then a plan of one
// worker, where it can only come from the caller. After every fault the
// plan must give the right bits on good data.
func TestLossGradPlanFault(t *testing.T) {
	precision := faultAddrPrecision(t)
	const blocks = 4
	good := newPlanCase(blocks, 1)
	var cases []*faultCase
	for bad := 1; bad < blocks; bad++ {
		cases = append(cases, newFaultCase(t, blocks, bad))
	}
	try := func(p *LossGradPlan, fc *faultCase) faultOrigin {
		t.Helper()
		o, msg := fc.callFaulting(p, precision)
		if o == otherFailure {
			t.Fatalf("%d workers, fault in block %d of %d: %s", p.Workers(), fc.bad, blocks, msg)
		}
		if p.task.a != nil || p.task.w != nil || p.task.y != nil || p.plan.s.task != nil {
			// run lets go of them once every helper is done.
			t.Fatalf("%d workers: the call panicked before its end: the plan still holds a, w or y", p.Workers())
		}
		if err := good.call(p); err != nil {
			t.Fatalf("%d workers, after a fault: %v", p.Workers(), err)
		}
		return o
	}

	seen := map[faultOrigin]int{}
	plans := []*LossGradPlan{NewLossGradPlan(1, 2), NewLossGradPlan(1, blocks)}
	for round := 0; round < 200 && (seen[callerFault] == 0 || seen[workerFault] == 0); round++ {
		for _, p := range plans {
			for _, fc := range cases {
				seen[try(p, fc)]++
			}
		}
	}
	t.Logf("faults on the calling goroutine: %d, on a worker: %d", seen[callerFault], seen[workerFault])
	if seen[callerFault] == 0 || seen[workerFault] == 0 {
		t.Fatalf("the faults came from one side only: %d from the caller, %d from workers", seen[callerFault], seen[workerFault])
	}
	alone := NewLossGradPlan(1, 1)
	for _, fc := range cases {
		if o := try(alone, fc); o != callerFault {
			t.Fatalf("one worker, fault in block %d: the fault did not come from the calling goroutine", fc.bad)
		}
	}
	for _, p := range append(plans, alone) {
		p.Close()
	}
}
