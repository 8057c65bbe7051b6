package kernels

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels/generic"
)

// The overlap tests prove the rule of the package documentation: a call
// whose output shares memory with one of its inputs panics, naming the
// function and the two slices, before it writes anything, on every
// implementation; Axpy(alpha, y, y) is allowed and gives the same bits
// everywhere; and slices that share a backing array but no element, or an
// output in a's storage past the end of the matrix, work as if apart.

// The shape of the gemv and LossGrad calls: 3 rows of 4 columns with row
// stride 5, so the matrix spans 14 elements and has one element of
// padding after each row but the last.
const (
	olM, olN, olLda = 3, 4, 5
	olSpan          = (olM-1)*olLda + olN
)

// olKernel is a kernel with an output, called on operand slices; the
// output is the last operand (the last two for GramDiag: olOutputs). It
// returns the kernel's scalar results.
type olKernel struct {
	fn    string   // the name in panic messages
	names []string // the operands
	lens  []int    // their lengths; a's is the matrix span
	call  func(ops [][]float64) []float64
}

var olPlan = NewLossGradPlan(olN, 2)

var olKernels = map[string]olKernel{
	"Axpy": {"Axpy", []string{"x", "y"}, []int{8, 8}, func(o [][]float64) []float64 {
		Axpy(0.75, o[0], o[1])
		return nil
	}},
	"GemvN": {"GemvN", []string{"a", "x", "y"}, []int{olSpan, olN, olM}, func(o [][]float64) []float64 {
		GemvN(olM, olN, o[0], olLda, o[1], o[2])
		return nil
	}},
	"GemvT": {"GemvT", []string{"a", "x", "y"}, []int{olSpan, olM, olN}, func(o [][]float64) []float64 {
		GemvT(olM, olN, o[0], olLda, o[1], o[2])
		return nil
	}},
	"GemvN square": {"GemvN", []string{"a", "x", "y"}, []int{olN * olN, olN, olN}, func(o [][]float64) []float64 {
		GemvN(olN, olN, o[0], olN, o[1], o[2])
		return nil
	}},
	// One column, row stride 3: y, one element, fits between the rows.
	"GemvT thin": {"GemvT", []string{"a", "x", "y"}, []int{4, 2, 1}, func(o [][]float64) []float64 {
		GemvT(2, 1, o[0], 3, o[1], o[2])
		return nil
	}},
	"GemvT square": {"GemvT", []string{"a", "x", "y"}, []int{olN * olN, olN, olN}, func(o [][]float64) []float64 {
		GemvT(olN, olN, o[0], olN, o[1], o[2])
		return nil
	}},
	"LossGrad": {"LossGrad", []string{"a", "w", "y", "g"}, []int{olSpan, olN, olM, olN}, func(o [][]float64) []float64 {
		ssr, sr := LossGrad(olM, olN, o[0], olLda, o[1], 0.5, o[2], o[3])
		return []float64{ssr, sr}
	}},
	"Gram": {"Gram", []string{"a", "g"}, []int{olSpan, olN * olN}, func(o [][]float64) []float64 {
		Gram(olM, olN, o[0], olLda, o[1])
		return nil
	}},
	"ShiftScale": {"ShiftScale", []string{"a", "shift", "scale", "z"}, []int{olSpan, olN, olN, olSpan}, func(o [][]float64) []float64 {
		ShiftScale(olM, olN, o[0], olLda, o[1], o[2], o[3], olLda)
		return nil
	}},
	"GramDiag": {"GramDiag", []string{"a", "sums", "squares"}, []int{olSpan, olN, olN}, func(o [][]float64) []float64 {
		GramDiag(olM, olN, o[0], olLda, o[1], o[2])
		return nil
	}},
	"LossGradPlan": {"LossGradPlan.LossGrad", []string{"a", "w", "y", "g"}, []int{olSpan, olN, olM, olN}, func(o [][]float64) []float64 {
		ssr, sr := olPlan.LossGrad(olM, o[0], olLda, o[1], 0.5, o[2], o[3])
		return []float64{ssr, sr}
	}},
}

// olOutputs is the number of operands a kernel writes, at the end of its
// list, where it is not one.
var olOutputs = map[string]int{"GramDiag": 2}

// firstOutput returns the index of the first operand k writes.
func (k olKernel) firstOutput() int { return len(k.names) - max(1, olOutputs[k.fn]) }

// overlapCase places the operands of a kernel in one backing array.
type overlapCase struct {
	kernel string
	what   string
	at     []int  // where each operand starts
	extraA int    // elements of a's slice past the matrix
	want   string // the operands the panic names, "x and y"; "" for none
}

func (c overlapCase) String() string { return c.kernel + ", " + c.what }

// operands slices the operands out of buf.
func (c overlapCase) operands(buf []float64) [][]float64 {
	k := olKernels[c.kernel]
	ops := make([][]float64, len(k.lens))
	for i, n := range k.lens {
		if k.names[i] == "a" {
			n += c.extraA
		}
		ops[i] = buf[c.at[i] : c.at[i]+n : c.at[i]+n]
	}
	return ops
}

// overlapCases: for every kernel, partial overlaps of the output with
// each input in both directions, exact aliasing where it is refused, and
// near misses. Inputs not under test sit from element 100 on.
var overlapCases = func() []overlapCase {
	cs := []overlapCase{
		{"Axpy", "y starts inside x", []int{0, 7}, 0, "x and y"},
		{"Axpy", "y ends inside x", []int{5, 0}, 0, "x and y"},
		{"Axpy", "y one element after x", []int{0, 1}, 0, "x and y"},
		{"Axpy", "y one element before x", []int{1, 0}, 0, "x and y"},
		{"Axpy", "y right after x", []int{0, 8}, 0, ""},
		{"Axpy", "y right before x", []int{8, 0}, 0, ""},
		{"GemvN square", "y is x", []int{0, 100, 100}, 0, "x and y"},
		{"GemvT square", "y is x", []int{0, 100, 100}, 0, "x and y"},
		// The rule takes the matrix as one span, the padding between its
		// rows included, though no kernel reads the padding.
		{"GemvT thin", "y between the rows of a", []int{0, 100, 1}, 0, "a and y"},
		{"GemvT thin", "y right after a", []int{0, 100, 4}, 0, ""},
	}
	for _, kn := range []string{"GemvN", "GemvT"} {
		x, y := olKernels[kn].lens[1], olKernels[kn].lens[2]
		cs = append(cs,
			overlapCase{kn, "y starts in the last row of a", []int{0, 100, olSpan - 1}, 0, "a and y"},
			overlapCase{kn, "y ends in the first row of a", []int{20, 100, 20 - y + 1}, 0, "a and y"},
			overlapCase{kn, "y starts inside x", []int{0, 100, 100 + x - 1}, 0, "x and y"},
			overlapCase{kn, "y ends inside x", []int{0, 100, 100 - y + 1}, 0, "x and y"},
			overlapCase{kn, "a, y, x back to back", []int{0, olSpan + y, olSpan}, 0, ""},
			overlapCase{kn, "y, a, x back to back", []int{y, y + olSpan, 0}, 0, ""},
			overlapCase{kn, "y in a's slice past the matrix", []int{0, 100, olSpan}, 10, ""},
		)
	}
	for _, kn := range []string{"LossGrad", "LossGradPlan"} {
		cs = append(cs,
			overlapCase{kn, "g starts in the last row of a", []int{0, 100, 110, olSpan - 1}, 0, "a and g"},
			overlapCase{kn, "g ends in the first row of a", []int{20, 100, 110, 20 - olN + 1}, 0, "a and g"},
			overlapCase{kn, "g starts inside w", []int{0, 100, 110, 100 + olN - 1}, 0, "w and g"},
			overlapCase{kn, "g ends inside w", []int{0, 100, 110, 100 - olN + 1}, 0, "w and g"},
			overlapCase{kn, "g is w", []int{0, 100, 110, 100}, 0, "w and g"},
			overlapCase{kn, "g starts inside y", []int{0, 100, 110, 110 + olM - 1}, 0, "y and g"},
			overlapCase{kn, "g ends inside y", []int{0, 100, 110, 110 - olN + 1}, 0, "y and g"},
			overlapCase{kn, "a, g, w, y back to back", []int{0, olSpan + olN, olSpan + 2*olN, olSpan}, 0, ""},
			overlapCase{kn, "y, w, g, a back to back", []int{olM + 2*olN, olM, 0, olM + olN}, 0, ""},
			overlapCase{kn, "g in a's slice past the matrix", []int{0, 100, 110, olSpan}, olN, ""},
		)
	}
	cs = append(cs,
		overlapCase{"Gram", "g starts in the last row of a", []int{0, olSpan - 1}, 0, "a and g"},
		overlapCase{"Gram", "g ends in the first row of a", []int{olN * olN, 1}, 0, "a and g"},
		overlapCase{"Gram", "g between the rows of a", []int{0, olN}, 0, "a and g"},
		overlapCase{"Gram", "a, g back to back", []int{0, olSpan}, 0, ""},
		overlapCase{"Gram", "g, a back to back", []int{olN * olN, 0}, 0, ""},
		overlapCase{"Gram", "g in a's slice past the matrix", []int{0, olSpan}, olN * olN, ""},
		overlapCase{"ShiftScale", "z is a", []int{0, 100, 110, 0}, 0, "a and z"},
		overlapCase{"ShiftScale", "z starts in the last row of a", []int{0, 100, 110, olSpan - 1}, 0, "a and z"},
		overlapCase{"ShiftScale", "z ends inside shift", []int{0, 100, 110, 100 - olSpan + 1}, 0, "shift and z"},
		overlapCase{"ShiftScale", "z starts inside scale", []int{0, 100, 110, 110 + olN - 1}, 0, "scale and z"},
		overlapCase{"ShiftScale", "shift between the rows of z", []int{20, olN, 0, 0}, 0, "shift and z"},
		overlapCase{"ShiftScale", "a, z, shift, scale back to back", []int{0, 2 * olSpan, 2*olSpan + olN, olSpan}, 0, ""},
		overlapCase{"ShiftScale", "z in a's slice past the matrix", []int{0, 100, 110, olSpan}, olSpan, ""},
		overlapCase{"GramDiag", "sums starts in the last row of a", []int{0, olSpan - 1, 100}, 0, "a and sums"},
		overlapCase{"GramDiag", "sums ends in the first row of a", []int{20, 20 - olN + 1, 100}, 0, "a and sums"},
		overlapCase{"GramDiag", "squares starts in the last row of a", []int{0, 100, olSpan - 1}, 0, "a and squares"},
		overlapCase{"GramDiag", "squares ends in the first row of a", []int{20, 100, 20 - olN + 1}, 0, "a and squares"},
		overlapCase{"GramDiag", "squares is sums", []int{0, 100, 100}, 0, "sums and squares"},
		overlapCase{"GramDiag", "squares starts inside sums", []int{0, 100, 100 + olN - 1}, 0, "sums and squares"},
		overlapCase{"GramDiag", "squares ends inside sums", []int{0, 100, 100 - olN + 1}, 0, "sums and squares"},
		overlapCase{"GramDiag", "a, sums, squares back to back", []int{0, olSpan, olSpan + olN}, 0, ""},
		overlapCase{"GramDiag", "squares, sums, a back to back", []int{2 * olN, olN, 0}, 0, ""},
		overlapCase{"GramDiag", "sums and squares in a's slice past the matrix", []int{0, olSpan, olSpan + olN}, 2 * olN, ""},
	)
	return cs
}()

// TestOverlap: every overlapping call panics with a message naming the
// function and the two operands and leaves the memory as it was; every
// near miss gives the bits of the same call on separate copies of its
// operands and changes nothing but its output.
func TestOverlap(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		for _, c := range overlapCases {
			buf := make([]float64, 128)
			for i := range buf {
				buf[i] = float64(i%13)/8 - 0.75
			}
			before := slices.Clone(buf)
			k := olKernels[c.kernel]
			var results []float64
			msg := panicOf(func() { results = k.call(c.operands(buf)) })
			if c.want != "" {
				if !strings.Contains(msg, "kernels."+k.fn+": "+c.want+" overlap") {
					t.Errorf("%s: panic %q, want kernels.%s: %s overlap", c, msg, k.fn, c.want)
				}
				if d := firstDiffSame("buf", buf, before); d != "" {
					t.Errorf("%s: the call changed memory before panicking: %s", c, d)
				}
				continue
			}
			if msg != "" {
				t.Errorf("%s: panic %q, want none", c, msg)
				continue
			}
			if d := sameAsApart(c, before, buf, results); d != "" {
				t.Errorf("%s: %s", c, d)
			}
		}
	})
}

// sameAsApart runs c's kernel on separate copies of its operands, taken
// from before, and compares with the output and results of the run on one
// backing array, got; the rest of got must be before.
func sameAsApart(c overlapCase, before, got, results []float64) string {
	k := olKernels[c.kernel]
	apart := c.operands(slices.Clone(before))
	for i := range apart {
		apart[i] = slices.Clone(apart[i])
	}
	wantResults := k.call(apart)
	first := k.firstOutput()
	want := slices.Clone(before)
	for out := first; out < len(apart); out++ {
		copy(want[c.at[out]:], apart[out])
	}
	if d := firstDiffSame("buf", got, want); d != "" {
		return fmt.Sprintf("not the call on separate slices (%s the output, at %v): %s",
			strings.Join(k.names[first:], " and "), c.at[first:], d)
	}
	for i := range wantResults {
		if !sameBits(results[i], wantResults[i]) {
			return fmt.Sprintf("result %d is %s, %s on separate slices", i, fmtBits(results[i]), fmtBits(wantResults[i]))
		}
	}
	return ""
}

// TestAxpyExactAlias: Axpy(alpha, y, y) sets y[i] to fma(alpha, y[i],
// y[i]), the bits of generic's Axpy on a separate copy of y, on every
// implementation, length, alignment and class of data, and touches
// nothing around y.
func TestAxpyExactAlias(t *testing.T) {
	forEachImpl(t, func(t *testing.T, im *implementation) {
		var gotBuf, wantBuf vecBuf
		for _, p := range pools {
			for n := 0; n <= maxLen(); n++ {
				for _, off := range offsets() {
					ys, _ := p.window(n, n*8+off)
					alpha := p.alpha(n + off)
					got := gotBuf.place(n, off).set(ys)
					want := got.copyInto(&wantBuf)
					generic.Axpy(alpha, ys, want.s())
					Axpy(alpha, got.s(), got.s())
					if d := diffOut("y", got, want, false); d != "" {
						t.Fatalf("Axpy[%s](%s, y, y), class %d, n=%d, offset %d: %s", im.name, fmtBits(alpha), p.class, n, off, d)
					}
				}
			}
		}
	})
}
