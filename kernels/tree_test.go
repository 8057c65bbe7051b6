package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// treeReference is the tree as LossGradPlan has always folded its blocks,
// written out independently: block k+s into block k for s = 1, 2, 4, …
// and k = 0, 2s, 4s, …, while block k+s exists.
func treeReference[P any](blocks []P, merge func(left, right P) P) P {
	b := append([]P(nil), blocks...)
	for s := 1; s < len(b); s *= 2 {
		for k := 0; k+s < len(b); k += 2 * s {
			b[k] = merge(b[k], b[k+s])
		}
	}
	return b[0]
}

// TestTreeShape: the streaming tree builds exactly the reference's
// expression, parentheses and all, for every number of blocks to 300.
func TestTreeShape(t *testing.T) {
	merge := func(l, r string) string { return "(" + l + " " + r + ")" }
	for n := 1; n <= 300; n++ {
		blocks := make([]string, n)
		tr := NewTree(merge)
		for i := range blocks {
			blocks[i] = fmt.Sprint(i)
			tr.Add(blocks[i])
		}
		if tr.Blocks() != n {
			t.Fatalf("%d blocks: Blocks() = %d", n, tr.Blocks())
		}
		got, ok := tr.Result()
		if want := treeReference(blocks, merge); !ok || got != want {
			t.Fatalf("%d blocks:\n got %s\nwant %s", n, got, want)
		}
		if tr.Blocks() != 0 {
			t.Fatalf("%d blocks: not reset by Result", n)
		}
	}
	if _, ok := NewTree(merge).Result(); ok {
		t.Error("an empty tree has a result")
	}
	if n := 5; true {
		tr := NewTree(merge)
		for i := range n {
			tr.Add(fmt.Sprint(i))
		}
		if got, _ := tr.Result(); got != "(((0 1) (2 3)) 4)" {
			t.Errorf("the doc's example: %s", got)
		}
	}
}

// TestBlockSumBits: BlockSum's total is the reference tree's sum of the
// same vectors, bit for bit, on every implementation, and does not depend
// on how the blocks were cut into Adds of earlier and later windows.
func TestBlockSumBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, width := range []int{1, 3, 37, 260} {
		for _, n := range []int{1, 2, 3, 7, 8, 9, 64, 100} {
			blocks := make([][]float64, n)
			for i := range blocks {
				blocks[i] = make([]float64, width)
				for j := range blocks[i] {
					// Wide exponents, so that the order of the additions
					// shows in the bits.
					blocks[i][j] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(80)-40)
				}
			}
			want := treeReference(copies(blocks), func(l, r []float64) []float64 {
				for j := range l {
					l[j] += r[j]
				}
				return l
			})
			forEachImpl(t, func(t *testing.T, im *implementation) {
				s := NewBlockSum(width)
				got := make([]float64, width)
				for round := range 2 { // the second reuses the buffers
					for _, b := range blocks {
						s.Add(b)
					}
					s.Sum(got)
					if d := firstDiffSame("sum", got, want); d != "" {
						t.Fatalf("width %d, %d blocks, round %d: %s", width, n, round, d)
					}
				}
				if allocs := testing.AllocsPerRun(5, func() {
					for _, b := range blocks {
						s.Add(b)
					}
					s.Sum(got)
				}); allocs != 0 {
					t.Errorf("width %d, %d blocks: %v allocations per pass once warm", width, n, allocs)
				}
			})
		}
	}
	s := NewBlockSum(2)
	got := []float64{7, 7}
	s.Sum(got)
	if got[0] != 0 || got[1] != 0 {
		t.Errorf("an empty sum is %v, want zeros", got)
	}
	s.Add([]float64{1, 2})
	s.Reset()
	s.Add([]float64{3, 4})
	if s.Sum(got); got[0] != 3 || got[1] != 4 {
		t.Errorf("after Reset: %v, want [3 4]", got)
	}
	for want, f := range map[string]func(){
		"kernels.BlockSum.Add: len(part)=3, want the width 2": func() { s.Add(make([]float64, 3)) },
		"kernels.BlockSum.Sum: len(dst)=1, want the width 2":  func() { s.Sum(make([]float64, 1)) },
	} {
		if got := panicMessage(f); got != want {
			t.Errorf("panic %q, want %q", got, want)
		}
	}
}

func copies(v [][]float64) [][]float64 {
	out := make([][]float64, len(v))
	for i := range v {
		out[i] = append([]float64(nil), v[i]...)
	}
	return out
}
