package lsq

import (
	"fmt"

	"github.com/lanes-go/lanes/kernels"
)

// An RSink is the kernels.BlockSink of a TSQR pass: it takes the R
// factors of consecutive blocks (p·p each, row-major, zero below the
// diagonal, as BlockQR writes them) in block order and merges them with
// StackQR in kernels.Tree's fixed order, so the final R depends on the
// blocks only, never on the goroutines that computed them. A pass may run
// window by window into one sink, as into a kernels.BlockSum.
//
// It copies what it is given and recycles its buffers, so after the first
// pass it allocates nothing. It is not safe for concurrent use.
type RSink struct {
	p    int
	tree *kernels.Tree[[]float64]
	all  [][]float64 // every buffer the sink owns
	free [][]float64 // those not in the tree
}

// NewRSink returns an empty sink of p×p factors.
func NewRSink(p int) *RSink {
	if p < 0 {
		panic(fmt.Sprintf("lsq.NewRSink: p=%d < 0", p))
	}
	s := &RSink{p: p}
	s.tree = kernels.NewTree(s.merge)
	return s
}

// Width returns p·p, the length of a factor.
func (s *RSink) Width() int { return s.p * s.p }

// merge is the tree's merge: the factor of [left; right], into left.
func (s *RSink) merge(left, right []float64) []float64 {
	StackQR(s.p, left, right)
	s.free = append(s.free, right)
	return left
}

// Add adds a copy of the next block's R factor. It panics if len(part)
// is not p·p.
func (s *RSink) Add(part []float64) {
	if len(part) != s.Width() {
		panic(fmt.Sprintf("lsq.RSink.Add: len(part)=%d, want p·p = %d", len(part), s.Width()))
	}
	var buf []float64
	if n := len(s.free); n > 0 {
		buf, s.free = s.free[n-1], s.free[:n-1]
	} else {
		buf = make([]float64, len(part))
		s.all = append(s.all, buf)
	}
	copy(buf, part)
	s.tree.Add(buf)
}

// Blocks returns the number of factors added since the sink was new or
// last reset.
func (s *RSink) Blocks() int { return s.tree.Blocks() }

// Result writes the R factor of every block added into dst (p·p,
// row-major, zero below the diagonal) and resets the sink. With no block
// added, R is zero. It panics if len(dst) is not p·p.
func (s *RSink) Result(dst []float64) {
	if len(dst) != s.Width() {
		panic(fmt.Sprintf("lsq.RSink.Result: len(dst)=%d, want p·p = %d", len(dst), s.Width()))
	}
	r, ok := s.tree.Result()
	if !ok {
		clear(dst)
		return
	}
	copy(dst, r)
	s.free = append(s.free, r)
}

// Reset empties the sink, keeping its buffers.
func (s *RSink) Reset() {
	s.tree.Reset()
	s.free = append(s.free[:0], s.all...)
}
