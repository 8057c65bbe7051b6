package f32

import (
	"strings"
	"testing"
)

// TestPanics: a wrong length, shape, index or overlap panics with a
// message naming the function and the sizes, before anything is written.
func TestPanics(t *testing.T) {
	a := make([]float32, 12)
	for _, c := range []struct {
		want string
		call func()
	}{
		{"f32.Dot: len(x)=3 != len(y)=2", func() { Dot(a[:3], a[:2]) }},
		{"f32.SumSqDiff: len(x)=1 != len(y)=0", func() { SumSqDiff(a[:1], nil) }},
		{"f32.Cosine: len(x)=2 != len(y)=3", func() { Cosine(a[:2], a[:3]) }},
		{"f32.Axpy: x and y overlap", func() { Axpy(1, a[:4], a[1:5]) }},
		{"f32.GemvN: lda=2 < max(1, n=3)", func() { GemvN(2, 3, a, 2, a[:3], make([]float32, 2)) }},
		{"f32.GemvN: len(a)=12 < (m-1)*lda+n for m=5, n=3, lda=3", func() { GemvN(5, 3, a, 3, make([]float32, 3), make([]float32, 5)) }},
		{"f32.GemvT: negative dimension m=-1, n=3", func() { GemvT(-1, 3, a, 3, nil, make([]float32, 3)) }},
		{"f32.GemvN: a and y overlap", func() { GemvN(2, 3, a, 3, make([]float32, 3), a[4:6]) }},
		{"f32.SumSqDiffRows: len(q)=2, want n=3", func() { SumSqDiffRows(2, 3, a, 3, make([]float32, 2), make([]float32, 2)) }},
		{"f32.CosineRows: len(q)=3, want n=3; len(sqnorms)=1", func() { CosineRows(2, 3, a, 3, make([]float32, 1), make([]float32, 3), make([]float32, 2)) }},
		{"f32.DotIdx: idx[1]=4 is not a row of a", func() { DotIdx(make([]float32, 3), a, 3, []int{0, 4}, make([]float32, 2)) }},
		{"f32.SumSqDiffIdx: len(out)=1 != len(idx)=2", func() { SumSqDiffIdx(make([]float32, 3), a, 3, []int{0, 1}, make([]float32, 1)) }},
	} {
		func() {
			defer func() {
				p := recover()
				if msg, _ := p.(string); !strings.Contains(msg, c.want) {
					t.Errorf("panic %v, want %q", p, c.want)
				}
			}()
			c.call()
		}()
	}
}
