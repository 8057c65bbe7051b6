package kernels

import "runtime/debug"

// This file is how a LossGradPlan call shares its blocks with the plan's
// worker goroutines, and how a panic in a block reaches the caller.

// lgPanic is a panic value recovered in a worker, to be raised again by
// the caller.
type lgPanic struct{ value any }

// run runs the blocks of the call set up in s on the calling goroutine
// and up to helpers workers. It returns, or panics, only once every
// helper has finished with the call, so that the next call finds the
// plan idle: with the panic of the calling goroutine if it had one, else
// with the first panic of a helper.
func (s *lgShared) run(helpers int) {
	s.next.Store(0)
	if s.closed.Load() {
		helpers = 0
	}
	for s.started < helpers {
		s.started++
		go s.worker()
	}
	s.wg.Add(helpers)
	for range helpers {
		select {
		case s.start <- struct{}{}:
		case <-s.quit:
			// Stopped during the call (Close from another goroutine, or a
			// cleanup): the workers that have not taken their start are
			// exiting, so this one never comes. Blocks are taken, not
			// assigned, so fewer goroutines give the same bits.
			s.wg.Done()
		}
	}
	returned := false
	defer func() {
		if !returned {
			s.next.Store(int64(s.blocks)) // the call is lost: take no more blocks
		}
		s.wg.Wait()
		s.a, s.w, s.y = nil, nil, nil // keep no reference to the caller's data
		if e := s.panicked.Swap(nil); e != nil && returned {
			panic(e.value)
		}
	}()
	s.work()
	returned = true
}

// worker runs blocks whenever a call starts, until the plan stops.
func (s *lgShared) worker() {
	// A fault reading the caller's slices, say a memory-mapped file that
	// another process truncated (SIGBUS), then panics in help, which hands
	// it to the caller, instead of ending the program.
	debug.SetPanicOnFault(true)
	for {
		select {
		case <-s.start:
			s.help()
		case <-s.quit:
			return
		}
	}
}

// help runs blocks for one call. A panic is kept for the caller to raise,
// and the worker lives on for the next call.
func (s *lgShared) help() {
	defer s.wg.Done()
	defer func() {
		if e := recover(); e != nil {
			s.next.Store(int64(s.blocks)) // the call is lost: take no more blocks
			s.panicked.CompareAndSwap(nil, &lgPanic{e})
		}
	}()
	s.work()
}

// work takes blocks until none is left. Each block's result goes to its
// own slot, so the order in which blocks are taken does not matter.
func (s *lgShared) work() {
	stride := s.n + 2
	for {
		b := int(s.next.Add(1)) - 1
		if b >= s.blocks {
			return
		}
		lo := b * LossGradBlockRows
		hi := min(lo+LossGradBlockRows, s.m)
		part := s.part[b*stride : (b+1)*stride]
		var a []float64
		if s.n > 0 {
			a = s.a[lo*s.lda : (hi-1)*s.lda+s.n]
		}
		part[s.n], part[s.n+1] = lossGradKind(s.impl, hi-lo, s.n, a, s.lda, s.w, s.c, s.y[lo:hi], part[:s.n])
	}
}
