package kernels

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"testing"
)

// wrapN is the n whose n·n overflows int to exactly 0.
const wrapN = 1 << (bits.UintSize / 2)

// The API tests prove the checks of the exported functions: a bad call
// panics, before any implementation runs, with a message that names the
// function and the sizes involved, as the package documentation promises;
// and valid edge cases (empty vectors and matrices) do not panic.

// panicMessage returns the panic value of f as a string, or "" if f
// returned normally.
func panicMessage(f func()) (msg string) {
	defer func() {
		if e := recover(); e != nil {
			msg, _ = e.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}

func TestPanicMessages(t *testing.T) {
	v := func(n int) []float64 { return make([]float64, n) }
	cases := []struct {
		name string
		call func()
		want []string // fragments the message must contain
	}{
		{"Dot", func() { Dot(v(3), v(4)) }, []string{"kernels.Dot", "len(x)=3", "len(y)=4"}},
		{"SumSqDiff", func() { SumSqDiff(v(5), v(2)) }, []string{"kernels.SumSqDiff", "len(x)=5", "len(y)=2"}},
		{"Axpy", func() { Axpy(1, v(0), v(1)) }, []string{"kernels.Axpy", "len(x)=0", "len(y)=1"}},

		{"GemvN negative m", func() { GemvN(-1, 2, v(10), 2, v(2), v(0)) }, []string{"kernels.GemvN", "m=-1", "n=2"}},
		{"GemvT negative n", func() { GemvT(2, -3, v(10), 2, v(2), v(0)) }, []string{"kernels.GemvT", "m=2", "n=-3"}},
		{"GemvN lda < n", func() { GemvN(2, 3, v(6), 2, v(3), v(2)) }, []string{"kernels.GemvN", "lda=2", "n=3"}},
		{"GemvT lda = 0 for n = 0", func() { GemvT(2, 0, nil, 0, v(2), v(0)) }, []string{"kernels.GemvT", "lda=0", "n=0"}},
		{"GemvN short a", func() { GemvN(3, 4, v(12), 5, v(4), v(3)) }, []string{"kernels.GemvN", "len(a)=12", "m=3", "n=4", "lda=5"}},
		{"GemvT short a", func() { GemvT(2, 2, v(2), 2, v(2), v(2)) }, []string{"kernels.GemvT", "len(a)=2", "m=2", "n=2", "lda=2"}},
		{"GemvN short a, huge m", func() { GemvN(math.MaxInt/2, 4, v(12), 4, v(4), v(0)) }, []string{"kernels.GemvN", "len(a)=12"}},
		{"GemvN len(x)", func() { GemvN(2, 3, v(6), 3, v(2), v(2)) }, []string{"kernels.GemvN", "len(x)=2", "n=3"}},
		{"GemvN len(y)", func() { GemvN(2, 3, v(6), 3, v(3), v(3)) }, []string{"kernels.GemvN", "len(y)=3", "m=2"}},
		{"GemvT len(x)", func() { GemvT(2, 3, v(6), 3, v(3), v(3)) }, []string{"kernels.GemvT", "len(x)=3", "m=2"}},
		{"GemvT len(y)", func() { GemvT(2, 3, v(6), 3, v(2), v(2)) }, []string{"kernels.GemvT", "len(y)=2", "n=3"}},

		{"Gram negative m", func() { Gram(-1, 2, v(4), 2, v(4)) }, []string{"kernels.Gram", "m=-1", "n=2"}},
		{"Gram lda < n", func() { Gram(2, 3, v(6), 2, v(9)) }, []string{"kernels.Gram", "lda=2", "n=3"}},
		{"Gram short a", func() { Gram(3, 2, v(5), 2, v(4)) }, []string{"kernels.Gram", "len(a)=5", "m=3", "n=2", "lda=2"}},
		{"Gram len(g)", func() { Gram(3, 2, v(6), 2, v(3)) }, []string{"kernels.Gram", "len(g)=3", "n=2"}},
		{"Gram len(g) for n = 0", func() { Gram(3, 0, nil, 1, v(1)) }, []string{"kernels.Gram", "len(g)=1", "n=0"}},
		// n·n wraps to 0 for this n: an empty g must still be refused.
		{"Gram len(g) = n*n wrapped", func() { Gram(0, wrapN, nil, wrapN, nil) }, []string{"kernels.Gram", "len(g)=0", fmt.Sprintf("n=%d", wrapN)}},
		{"ShiftScale negative n", func() { ShiftScale(1, -1, v(1), 1, nil, nil, v(1), 1) }, []string{"kernels.ShiftScale", "m=1", "n=-1"}},
		{"ShiftScale lda < n", func() { ShiftScale(1, 3, v(3), 2, v(3), v(3), v(3), 3) }, []string{"kernels.ShiftScale", "lda=2", "n=3"}},
		{"ShiftScale short a", func() { ShiftScale(2, 3, v(5), 3, v(3), v(3), v(6), 3) }, []string{"kernels.ShiftScale", "len(a)=5", "m=2", "n=3"}},
		{"ShiftScale len(shift)", func() { ShiftScale(2, 3, v(6), 3, v(2), v(3), v(6), 3) }, []string{"kernels.ShiftScale", "len(shift)=2", "n=3"}},
		{"ShiftScale len(scale)", func() { ShiftScale(2, 3, v(6), 3, v(3), v(4), v(6), 3) }, []string{"kernels.ShiftScale", "len(scale)=4", "n=3"}},
		{"ShiftScale ldz < n", func() { ShiftScale(2, 3, v(6), 3, v(3), v(3), v(6), 2) }, []string{"kernels.ShiftScale", "ldz=2", "n=3"}},
		{"ShiftScale short z", func() { ShiftScale(2, 3, v(6), 3, v(3), v(3), v(7), 5) }, []string{"kernels.ShiftScale", "len(z)=7", "m=2", "n=3", "ldz=5"}},
		{"GramDiag negative m", func() { GramDiag(-1, 2, v(4), 2, v(2), v(2)) }, []string{"kernels.GramDiag", "m=-1", "n=2"}},
		{"GramDiag lda < n", func() { GramDiag(2, 3, v(6), 2, v(3), v(3)) }, []string{"kernels.GramDiag", "lda=2", "n=3"}},
		{"GramDiag short a", func() { GramDiag(3, 2, v(5), 2, v(2), v(2)) }, []string{"kernels.GramDiag", "len(a)=5", "m=3", "n=2", "lda=2"}},
		{"GramDiag len(sums)", func() { GramDiag(3, 2, v(6), 2, v(3), v(2)) }, []string{"kernels.GramDiag", "len(sums)=3", "n=2"}},
		{"GramDiag len(squares)", func() { GramDiag(3, 2, v(6), 2, v(2), v(1)) }, []string{"kernels.GramDiag", "len(squares)=1", "n=2"}},
		{"GramDiag len(sums) for n = 0", func() { GramDiag(3, 0, nil, 1, v(1), nil) }, []string{"kernels.GramDiag", "len(sums)=1", "n=0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := panicMessage(c.call)
			if msg == "" {
				t.Fatalf("no panic; want one mentioning %q", c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not mention %q", msg, w)
				}
			}
		})
	}
}

// TestEmptyShapes proves the valid degenerate calls run without panic on
// every implementation and give +0 sums: an empty matrix needs no
// backing array, however many rows or columns the other dimension has.
func TestEmptyShapes(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		expectZeros := func(what string, y []float64) {
			t.Helper()
			for i, v := range y {
				if math.Float64bits(v) != 0 {
					t.Errorf("%s: y[%d] = %s, want +0", what, i, fmtBits(v))
				}
			}
		}
		calls := []struct {
			name string
			call func() []float64 // returns the output to be all +0
		}{
			{"Dot(nil, nil)", func() []float64 { return []float64{Dot(nil, nil)} }},
			{"Sum(nil)", func() []float64 { return []float64{Sum(nil)} }},
			{"SumSqDiff(nil, nil)", func() []float64 { return []float64{SumSqDiff(nil, nil)} }},
			{"Axpy(nil)", func() []float64 { Axpy(2, nil, nil); return nil }},
			{"Scal(nil)", func() []float64 { Scal(2, nil); return nil }},
			{"GemvN 0×0", func() []float64 { GemvN(0, 0, nil, 1, nil, nil); return nil }},
			{"GemvT 0×0", func() []float64 { GemvT(0, 0, nil, 1, nil, nil); return nil }},
			{"GemvN 0×5, a=nil", func() []float64 { GemvN(0, 5, nil, 5, make([]float64, 5), nil); return nil }},
			{"GemvT 0×5, a=nil", func() []float64 {
				y := []float64{1, 2, 3, 4, 5}
				GemvT(0, 5, nil, 5, nil, y)
				return y
			}},
			{"GemvN 50×0, a=nil", func() []float64 {
				y := make([]float64, 50)
				for i := range y {
					y[i] = 7
				}
				GemvN(50, 0, nil, 1, nil, y)
				return y
			}},
			{"GemvT 50×0, a=nil", func() []float64 { GemvT(50, 0, nil, 1, make([]float64, 50), nil); return nil }},
			{"Gram 0×0", func() []float64 { Gram(0, 0, nil, 1, nil); return nil }},
			{"Gram 50×0, a=nil", func() []float64 { Gram(50, 0, nil, 1, nil); return nil }},
			{"Gram 0×3, a=nil", func() []float64 {
				g := make([]float64, 9)
				Gram(0, 3, nil, 3, g) // adds nothing to g
				return g
			}},
			{"ShiftScale 0×0", func() []float64 { ShiftScale(0, 0, nil, 1, nil, nil, nil, 1); return nil }},
			{"ShiftScale 50×0, a=z=nil", func() []float64 { ShiftScale(50, 0, nil, 1, nil, nil, nil, 1); return nil }},
			{"ShiftScale 0×3, a=z=nil", func() []float64 {
				ShiftScale(0, 3, nil, 3, make([]float64, 3), make([]float64, 3), nil, 3)
				return nil
			}},
			{"GramDiag 0×0", func() []float64 { GramDiag(0, 0, nil, 1, nil, nil); return nil }},
			{"GramDiag 50×0, a=nil", func() []float64 { GramDiag(50, 0, nil, 1, nil, nil); return nil }},
			{"GramDiag 0×3, a=nil", func() []float64 {
				sums, squares := make([]float64, 3), make([]float64, 3)
				GramDiag(0, 3, nil, 3, sums, squares) // adds nothing
				return append(sums, squares...)
			}},
		}
		for _, c := range calls {
			var y []float64
			if msg := panicOf(func() { y = c.call() }); msg != "" {
				t.Errorf("%s[%s] panicked: %s", c.name, im.name, msg)
				continue
			}
			expectZeros(c.name+"["+im.name+"]", y)
		}
	})
}
