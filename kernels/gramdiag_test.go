package kernels

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// TestGramDiagIsGramOfOnes proves GramDiag's contract: its sums and
// squares are, bit for bit, the elements (j, n) and (j, j) that Gram
// gives [A | 1], starting from the same values, for every data class,
// every column count up to 13 (each remainder of its four-column groups,
// several times), row counts on both sides of a group, and row strides
// whose padding holds NaN, which a read of it would spread.
func TestGramDiagIsGramOfOnes(t *testing.T) {
	for _, c := range classes {
		p := newPool(c)
		for _, m := range []int{0, 1, 2, 3, 7, 64, 257} {
			for n := 0; n <= 13; n++ {
				for _, pad := range []int{0, 3} {
					lda := max(1, n+pad)
					key := 131*m + 17*n + pad
					a := make([]float64, max(0, (m-1)*lda+n))
					ones := make([]float64, m*(n+1)) // [A | 1], row stride n+1
					for i := range a {
						a[i] = math.NaN()
					}
					for i := range m {
						for j := range n {
							v, _ := p.at(key + i*n + j)
							a[i*lda+j], ones[i*(n+1)+j] = v, v
						}
						ones[i*(n+1)+n] = 1
					}
					sums, squares := make([]float64, n), make([]float64, n)
					g := make([]float64, (n+1)*(n+1))
					for j := range n {
						_, s0 := p.at(key + 7*j)
						_, q0 := p.at(key + 7*j + 3)
						sums[j], squares[j] = s0, q0
						g[j*(n+1)+n], g[j*(n+1)+j] = s0, q0
					}
					GramDiag(m, n, a, lda, sums, squares)
					generic.Gram(m, n+1, ones, n+1, g)
					for j := range n {
						if !sameBits(sums[j], g[j*(n+1)+n]) || !sameBits(squares[j], g[j*(n+1)+j]) {
							t.Fatalf("%s m=%d n=%d lda=%d column %d: sums %s squares %s, Gram of [A|1] gives %s and %s",
								c, m, n, lda, j, fmtBits(sums[j]), fmtBits(squares[j]), fmtBits(g[j*(n+1)+n]), fmtBits(g[j*(n+1)+j]))
						}
					}
				}
			}
		}
	}
}

// TestGramDiagAccumulates: calls on rows [0, p) and then [p, m) give the
// bits of one call on [0, m), the property the block passes rely on.
func TestGramDiagAccumulates(t *testing.T) {
	p := newPool(classCancel)
	const m, n = 300, 9
	a := make([]float64, m*n)
	for i := range a {
		a[i], _ = p.at(i)
	}
	whole := [2][]float64{make([]float64, n), make([]float64, n)}
	GramDiag(m, n, a, n, whole[0], whole[1])
	for _, split := range []int{1, 4, 150, 299} {
		parts := [2][]float64{make([]float64, n), make([]float64, n)}
		GramDiag(split, n, a, n, parts[0], parts[1])
		GramDiag(m-split, n, a[split*n:], n, parts[0], parts[1])
		for k := range parts {
			for j := range n {
				if !sameBits(parts[k][j], whole[k][j]) {
					t.Fatalf("split at row %d, output %d column %d: %s, one call gives %s", split, k, j, fmtBits(parts[k][j]), fmtBits(whole[k][j]))
				}
			}
		}
	}
}

func TestGramDiagPanics(t *testing.T) {
	a := make([]float64, 12)
	s, q := make([]float64, 3), make([]float64, 3)
	for _, c := range []struct {
		name, want string
		call       func()
	}{
		{"short sums", "len(sums)=2, len(squares)=3, want n=3", func() { GramDiag(4, 3, a, 3, s[:2], q) }},
		{"short squares", "len(sums)=3, len(squares)=1, want n=3", func() { GramDiag(4, 3, a, 3, s, q[:1]) }},
		{"short a", "len(a)=12 < (m-1)*lda+n for m=5", func() { GramDiag(5, 3, a, 3, s, q) }},
		{"small lda", "lda=2 < max(1, n=3)", func() { GramDiag(4, 3, a, 2, s, q) }},
		{"sums in a", "a and sums overlap", func() { GramDiag(2, 3, a, 3, a[3:6], q) }},
		{"squares in a", "a and squares overlap", func() { GramDiag(2, 3, a, 3, s, a[0:3]) }},
		{"sums on squares", "sums and squares overlap", func() { GramDiag(2, 3, a, 3, s, s) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, "kernels.GramDiag") || !strings.Contains(msg, c.want) {
					t.Fatalf("panic %q, want kernels.GramDiag and %q", msg, c.want)
				}
			}()
			c.call()
		})
	}
}
