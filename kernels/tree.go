package kernels

import "fmt"

// BlockRows is the number of rows in each block of a pass over rows.
// Every pass over the rows of a matrix in lanes (LossGradPlan, and the
// statistics, Gram matrices and metrics of package linreg) cuts the rows
// into consecutive blocks of BlockRows (the last may be shorter), reduces
// each block with the kernels, in their canonical order, and combines the
// blocks' results in the fixed tree of Tree. It is part of the order of
// the sums, so it is a constant: changing it would change results.
const BlockRows = 4096

// LossGradBlockRows is BlockRows, under the name LossGradPlan was first
// documented with.
const LossGradBlockRows = BlockRows

// A Tree combines the results of consecutive blocks 0, 1, 2, … in the
// fixed pairwise tree that is part of lanes' canonical order: siblings
// first, the earlier block on the left, so that the result of blocks
// 0…B−1 is, for B = 5,
//
//	((b0 ∘ b1) ∘ (b2 ∘ b3)) ∘ b4
//
// with ∘ the merge given to NewTree. In general block k+s merges into
// block k for s = 1, 2, 4, … and k = 0, 2s, 4s, …, as long as block k+s
// exists. The result depends on the blocks and their number only, never
// on when they were added or by how many goroutines they were computed,
// so a pass window by window, or block by block on several machines,
// gives the bits of one pass in memory.
//
// Add takes the blocks in order and merges a pair as soon as both exist,
// so a Tree holds at most about log₂(B) partial results at a time. It is
// not safe for concurrent use.
type Tree[P any] struct {
	merge func(left, right P) P
	stack []treeNode[P] // levels strictly decrease from bottom to top
	added int
}

// treeNode is a merged run of 2^level consecutive blocks, or, at the
// right edge, of fewer.
type treeNode[P any] struct {
	level int
	p     P
}

// NewTree returns an empty tree that merges with merge, which may reuse
// its left argument for the result.
func NewTree[P any](merge func(left, right P) P) *Tree[P] {
	return &Tree[P]{merge: merge}
}

// Add adds the result of the next block.
func (t *Tree[P]) Add(p P) {
	node := treeNode[P]{p: p}
	// Like a binary counter: two runs of the same length are siblings.
	for len(t.stack) > 0 && t.stack[len(t.stack)-1].level == node.level {
		left := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		node = treeNode[P]{level: node.level + 1, p: t.merge(left.p, node.p)}
	}
	t.stack = append(t.stack, node)
	t.added++
}

// Blocks returns the number of blocks added since the tree was new or
// last reset.
func (t *Tree[P]) Blocks() int { return t.added }

// Result merges what remains, right to left (the last blocks of a
// number that is not a power of two form the right subtrees), returns the
// total of every block added and resets the tree. ok is false if no block
// was added.
func (t *Tree[P]) Result() (p P, ok bool) {
	if len(t.stack) == 0 {
		return p, false
	}
	p = t.stack[len(t.stack)-1].p
	for i := len(t.stack) - 2; i >= 0; i-- {
		p = t.merge(t.stack[i].p, p)
	}
	t.Reset()
	return p, true
}

// Reset empties the tree.
func (t *Tree[P]) Reset() {
	clear(t.stack)
	t.stack = t.stack[:0]
	t.added = 0
}

// A BlockSum adds vectors of block results, all of one width, in Tree's
// order: the way every pass over rows in lanes totals its blocks. It
// copies what it is given and recycles its buffers, so after the first
// pass of a width it allocates nothing.
type BlockSum struct {
	width int
	tree  *Tree[[]float64]
	free  [][]float64
}

// NewBlockSum returns an empty sum of vectors of the given width.
func NewBlockSum(width int) *BlockSum {
	s := &BlockSum{width: width}
	s.tree = NewTree(s.add)
	return s
}

// Width returns the length of the vectors the sum adds.
func (s *BlockSum) Width() int { return s.width }

// add is the merge: left += right, elementwise, each sum rounded once
// (fma(1, x, y) is x + y), on whatever kernels run: the bits are the same.
func (s *BlockSum) add(left, right []float64) []float64 {
	axpyKind(current().kind, 1, right, left)
	s.free = append(s.free, right)
	return left
}

// Add adds a copy of the next block's result. It panics if len(part) is
// not the sum's width.
func (s *BlockSum) Add(part []float64) {
	if len(part) != s.width {
		panic(fmt.Sprintf("kernels.BlockSum.Add: len(part)=%d, want the width %d", len(part), s.width))
	}
	var buf []float64
	if n := len(s.free); n > 0 {
		buf, s.free = s.free[n-1], s.free[:n-1]
	} else {
		buf = make([]float64, s.width)
	}
	copy(buf, part)
	s.tree.Add(buf)
}

// Blocks returns the number of blocks added since the sum was new or
// last reset.
func (s *BlockSum) Blocks() int { return s.tree.Blocks() }

// Sum writes the total of every block added into dst and resets the sum.
// With no block added, the total is zeros. It panics if len(dst) is not
// the width.
func (s *BlockSum) Sum(dst []float64) {
	if len(dst) != s.width {
		panic(fmt.Sprintf("kernels.BlockSum.Sum: len(dst)=%d, want the width %d", len(dst), s.width))
	}
	p, ok := s.tree.Result()
	if !ok {
		clear(dst)
		return
	}
	copy(dst, p)
	s.free = append(s.free, p)
}

// Reset empties the sum, keeping its buffers.
func (s *BlockSum) Reset() {
	for _, n := range s.tree.stack {
		s.free = append(s.free, n.p)
	}
	s.tree.Reset()
}
