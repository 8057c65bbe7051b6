package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// colSums is a BlockTask: the column sums of a block of a row-major
// matrix (GemvT with ones), then the number of rows. If panicAt ≥ 0, the
// block starting there panics.
type colSums struct {
	n, lda  int
	a, ones []float64
	panicAt int
	calls   atomic.Int64
}

func (c *colSums) Block(lo, hi int, out []float64) {
	c.calls.Add(1)
	if lo == c.panicAt {
		panic(fmt.Sprintf("block at %d", lo))
	}
	GemvT(hi-lo, c.n, c.a[lo*c.lda:(hi-1)*c.lda+c.n], c.lda, c.ones[:hi-lo], out[:c.n])
	out[c.n] = float64(hi - lo)
}

func newColSums(m, n int) *colSums {
	rng := rand.New(rand.NewPCG(uint64(m), uint64(n)))
	c := &colSums{n: n, lda: n + 1, ones: make([]float64, BlockRows), panicAt: -1}
	c.a = make([]float64, m*c.lda)
	for i := range c.a {
		c.a[i] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(60)-30)
	}
	for i := range c.ones {
		c.ones[i] = 1
	}
	return c
}

// sequential is the pass on one goroutine, block by block, into a
// BlockSum.
func (c *colSums) sequential(m int) []float64 {
	s := NewBlockSum(c.n + 1)
	out := make([]float64, c.n+1)
	for lo := 0; lo < m; lo += BlockRows {
		c.Block(lo, min(lo+BlockRows, m), out)
		s.Add(out)
	}
	total := make([]float64, c.n+1)
	s.Sum(total)
	return total
}

// TestBlockPlanSameBits: any number of workers, and any cut of the rows
// into windows of whole blocks, gives the bits of one goroutine.
func TestBlockPlanSameBits(t *testing.T) {
	for _, shape := range [][2]int{{1, 3}, {BlockRows, 5}, {BlockRows + 1, 5}, {7*BlockRows + 13, 9}, {3 * BlockRows, 300}} {
		m, n := shape[0], shape[1]
		c := newColSums(m, n)
		want := c.sequential(m)
		for _, workers := range []int{1, 2, 3, 8} {
			p := NewBlockPlan(workers)
			for _, window := range []int{m, BlockRows, 2 * BlockRows} {
				s := NewBlockSum(n + 1)
				for lo := 0; lo < m; lo += window {
					p.Run(lo, min(lo+window, m), c, s)
				}
				got := make([]float64, n+1)
				s.Sum(got)
				if d := firstDiffSame("sums", got, want); d != "" {
					t.Fatalf("%d×%d, %d workers, windows of %d rows: %s", m, n, workers, window, d)
				}
			}
			p.Close()
		}
	}
}

// TestBlockPlanRounds: results too wide to keep one per block run a few
// blocks at a time, with the same bits.
func TestBlockPlanRounds(t *testing.T) {
	n := roundBytes/8/2 + 1 // two blocks' results exceed the budget
	m := 5 * BlockRows
	c := newColSums(m, 1)
	wide := &widened{c: c, width: n}
	want := make([]float64, n)
	{
		s := NewBlockSum(n)
		out := make([]float64, n)
		for lo := 0; lo < m; lo += BlockRows {
			wide.Block(lo, min(lo+BlockRows, m), out)
			s.Add(out)
		}
		s.Sum(want)
	}
	for _, workers := range []int{1, 3} {
		p := NewBlockPlan(workers)
		s := NewBlockSum(n)
		p.Run(0, m, wide, s)
		got := make([]float64, n)
		s.Sum(got)
		if d := firstDiffSame("wide", got, want); d != "" {
			t.Fatalf("%d workers: %s", workers, d)
		}
		p.Close()
	}
}

// widened spreads colSums' two values over a wide result.
type widened struct {
	c     *colSums
	width int
}

func (w *widened) Block(lo, hi int, out []float64) {
	var two [2]float64
	w.c.Block(lo, hi, two[:])
	for i := range out {
		out[i] = two[i%2] * float64(i+1)
	}
}

// TestBlockPlanPanics: a panicking block, on the caller or a worker,
// panics Run with its value once every goroutine is done, and the plan
// runs correctly afterwards.
func TestBlockPlanPanics(t *testing.T) {
	const m, n = 8 * BlockRows, 2
	c := newColSums(m, n)
	want := c.sequential(m)
	p := NewBlockPlan(4)
	defer p.Close()
	for _, at := range []int{0, 3 * BlockRows, 7 * BlockRows} {
		c.panicAt = at
		msg := panicMessage(func() { p.Run(0, m, c, NewBlockSum(n+1)) })
		if msg != fmt.Sprintf("block at %d", at) {
			t.Fatalf("a panic in the block at %d: Run panicked with %q", at, msg)
		}
		if p.s.task != nil {
			t.Fatalf("the plan keeps the task after a panic")
		}
		c.panicAt = -1
		s := NewBlockSum(n + 1)
		p.Run(0, m, c, s)
		got := make([]float64, n+1)
		s.Sum(got)
		if d := firstDiffSame("after a panic", got, want); d != "" {
			t.Fatal(d)
		}
	}
	for _, bad := range [][2]int{{1, 5}, {-BlockRows, 0}, {BlockRows, 0}} {
		want := fmt.Sprintf("kernels.BlockPlan.Run: rows [%d, %d): want 0 ≤ lo ≤ hi, lo a multiple of %d", bad[0], bad[1], BlockRows)
		if got := panicMessage(func() { p.Run(bad[0], bad[1], c, NewBlockSum(n+1)) }); got != want {
			t.Errorf("Run(%d, %d): panic %q, want %q", bad[0], bad[1], got, want)
		}
	}
}

// TestBlockPlanNoAllocs: a run allocates nothing once warm.
func TestBlockPlanNoAllocs(t *testing.T) {
	const m, n = 6*BlockRows + 5, 4
	c := newColSums(m, n)
	p := NewBlockPlan(3)
	defer p.Close()
	s := NewBlockSum(n + 1)
	out := make([]float64, n+1)
	run := func() { p.Run(0, m, c, s); s.Sum(out) }
	run()
	if allocs := testing.AllocsPerRun(20, run); allocs != 0 {
		t.Errorf("%v allocations per run", allocs)
	}
}
