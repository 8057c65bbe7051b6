package lsq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lanes-go/lanes/kernels"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// The helpers of the TSQR tests are named tsqr… so that they cannot
// collide with the other tests of the package.

// tsqrRandom returns an n×p row-major matrix of values uniform in
// [−1, 1), column k scaled by 2^(k mod 5 − 2): well-conditioned.
func tsqrRandom(seed uint64, n, p int) []float64 {
	rng := rand.New(rand.NewPCG(seed, uint64(n)<<20|uint64(p)))
	a := make([]float64, n*p)
	for i := range n {
		for k := range p {
			a[i*p+k] = math.Ldexp(2*rng.Float64()-1, k%5-2)
		}
	}
	return a
}

// tsqrFill is the fill of a QRTask over the rows of the row-major
// matrix a, p to a row.
func tsqrFill(a []float64, p int) func(lo, hi int, rows []float64) {
	return func(lo, hi int, rows []float64) { copy(rows, a[lo*p:hi*p]) }
}

// tsqrPass returns R of the n×p matrix a by a TSQR pass through a
// BlockPlan of the given workers, window rows at a time (a multiple of
// kernels.BlockRows).
func tsqrPass(a []float64, n, p, workers, window int) []float64 {
	plan := kernels.NewBlockPlan(workers)
	defer plan.Close()
	task, sink := NewQRTask(p, tsqrFill(a, p)), NewRSink(p)
	for lo := 0; lo < n; lo += window {
		plan.Run(lo, min(lo+window, n), task, sink)
	}
	r := make([]float64, p*p)
	sink.Result(r)
	return r
}

// tsqrSequential returns R of the n×p matrix a block by block on the
// calling goroutine, without a plan or a task.
func tsqrSequential(a []float64, n, p int) []float64 {
	sink := NewRSink(p)
	work := make([]float64, kernels.BlockRows*p)
	part := make([]float64, p*p)
	for lo := 0; lo < n; lo += kernels.BlockRows {
		hi := min(lo+kernels.BlockRows, n)
		BlockQR(hi-lo, p, a[lo*p:hi*p], work, part)
		sink.Add(part)
	}
	r := make([]float64, p*p)
	sink.Result(r)
	return r
}

// tsqrGonum returns R of the n×p matrix a by gonum's Householder QR of
// the whole matrix (lapack64.Geqrf), p×p, zero below the diagonal and in
// the rows from n on.
func tsqrGonum(a []float64, n, p int) []float64 {
	g := blas64.General{Rows: n, Cols: p, Stride: max(p, 1), Data: slices.Clone(a)}
	tau := make([]float64, min(n, p))
	work := []float64{0}
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(g, tau, work, len(work))
	r := make([]float64, p*p)
	for i := range min(n, p) {
		copy(r[i*p+i:(i+1)*p], g.Data[i*p+i:(i+1)*p])
	}
	return r
}

// tsqrPositive returns r with each row negated where its diagonal is
// negative: R is unique up to the signs of its rows.
func tsqrPositive(r []float64, p int) []float64 {
	r = slices.Clone(r)
	for i := range p {
		if math.Signbit(r[i*p+i]) {
			for k := i; k < p; k++ {
				r[i*p+k] = -r[i*p+k]
			}
		}
	}
	return r
}

// tsqrColNorms returns the Euclidean norms of the columns of the n×p
// row-major a, which are those of R's columns.
func tsqrColNorms(a []float64, n, p int) []float64 {
	norms := make([]float64, p)
	col := make([]float64, n)
	for k := range p {
		for i := range n {
			col[i] = a[i*p+k]
		}
		norms[k] = kernels.Nrm2(col)
	}
	return norms
}

// tsqrBitsDiff returns "" if got and want have the same bits, else where
// they first differ.
func tsqrBitsDiff(got, want []float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf("len %d, want %d", len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			return fmt.Sprintf("element %d: %v (%#016x), want %v (%#016x)",
				i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
	return ""
}

// tsqrShapes are the row counts of the tests: 1, 2, 3 and 7 whole blocks,
// and 3 blocks and a ragged one.
var tsqrShapes = []struct {
	desc string
	rows int
}{
	{"1 block", kernels.BlockRows},
	{"2 blocks", 2 * kernels.BlockRows},
	{"3 blocks", 3 * kernels.BlockRows},
	{"7 blocks", 7 * kernels.BlockRows},
	{"3 blocks+1234 rows", 3*kernels.BlockRows + 1234},
}

// TestTSQRMatchesGonum: R from the block tree is gonum's R of the whole
// matrix, up to the signs of the rows (signs included for one block,
// whose sign convention is LAPACK's), to 1e-12 relative, every element
// relative to the norm of its column. (That is the accuracy Householder
// QR promises: an error of a few units of rounding times the column's
// norm. An element much smaller than its column, an off-diagonal element
// of random data that happens to be near zero, has a relative error of
// its own that nothing bounds.)
func TestTSQRMatchesGonum(t *testing.T) {
	const tol = 1e-12
	for _, p := range []int{1, 2, 5, 40} {
		for _, sh := range tsqrShapes {
			n := sh.rows
			if testing.Short() && n*p > 3*kernels.BlockRows*5 {
				continue // emulated: the Householder of 40 columns is slow
			}
			t.Run(fmt.Sprintf("p=%d/%s", p, sh.desc), func(t *testing.T) {
				a := tsqrRandom(1, n, p)
				got, want := tsqrPass(a, n, p, 2, n), tsqrGonum(a, n, p)
				if n > kernels.BlockRows {
					// The tree's R has its own signs; one block's has
					// LAPACK's, which are checked as they are.
					got, want = tsqrPositive(got, p), tsqrPositive(want, p)
				}
				norms := tsqrColNorms(a, n, p)
				worst, worstElem := 0.0, 0.0
				for i := range p {
					for k := range p {
						d := math.Abs(got[i*p+k] - want[i*p+k])
						if k < i && got[i*p+k] != 0 {
							t.Fatalf("R[%d][%d] = %v below the diagonal", i, k, got[i*p+k])
						}
						if e := d / norms[k]; e > worst {
							worst = e
						}
						if e := d / math.Abs(want[i*p+k]); d > 0 && e > worstElem {
							worstElem = e
						}
						if d > tol*norms[k] {
							t.Errorf("R[%d][%d] = %v, gonum %v: error %.3g of the column's norm %v, want ≤ %g",
								i, k, got[i*p+k], want[i*p+k], d/norms[k], norms[k], tol)
						}
					}
				}
				t.Logf("largest error %.3g of the column norm, %.3g of the element", worst, worstElem)
			})
		}
	}
}

// TestTSQRSameBits: the bits of R depend on the matrix only: not on the
// number of workers, the windows of a pass, a plan or a task, or the
// implementation of the kernels.
func TestTSQRSameBits(t *testing.T) {
	workerCounts := []int{1, 2, 3, 8}
	wideRows, wide := 2*kernels.BlockRows+17, 40
	if testing.Short() { // emulated
		workerCounts, wideRows, wide = []int{1, 3}, kernels.BlockRows+17, 24
	}
	for _, sh := range []struct{ n, p int }{
		{3*kernels.BlockRows + 1234, 5},
		{7 * kernels.BlockRows, 3},
		{wideRows, wide},
		{100, 7},
	} {
		n, p := sh.n, sh.p
		a := tsqrRandom(2, n, p)
		restore, err := kernels.Use(kernels.Generic)
		if err != nil {
			t.Fatal(err)
		}
		want := tsqrSequential(a, n, p)
		restore()
		for _, impl := range kernels.Available() {
			restore, err := kernels.Use(impl)
			if err != nil {
				t.Fatal(err)
			}
			for _, workers := range workerCounts {
				for _, window := range []int{n, kernels.BlockRows, 2 * kernels.BlockRows} {
					got := tsqrPass(a, n, p, workers, window)
					if d := tsqrBitsDiff(got, want); d != "" {
						t.Errorf("%d×%d on %s, %d workers, windows of %d rows: %s", n, p, impl, workers, window, d)
					}
				}
			}
			if d := tsqrBitsDiff(tsqrSequential(a, n, p), want); d != "" {
				t.Errorf("%d×%d on %s, block by block: %s", n, p, impl, d)
			}
			restore()
		}
	}
}

// TestStackQR: the merge is gonum's QR of the stacked factors, and the
// exact cases are exact: merging a zero factor changes nothing.
func TestStackQR(t *testing.T) {
	for _, p := range []int{1, 2, 3, 8, 33} {
		r1 := tsqrPass(tsqrRandom(3, 50, p), 50, p, 1, 50)
		r2 := tsqrPass(tsqrRandom(4, 60, p), 60, p, 1, 60)
		stacked := append(slices.Clone(r1), r2...)
		want := tsqrPositive(tsqrGonum(stacked, 2*p, p), p)
		got := slices.Clone(r1)
		StackQR(p, got, slices.Clone(r2))
		got = tsqrPositive(got, p)
		norms := tsqrColNorms(stacked, 2*p, p)
		for i := range p {
			for k := range p {
				if d := math.Abs(got[i*p+k] - want[i*p+k]); d > 1e-14*norms[k] || k < i && got[i*p+k] != 0 {
					t.Errorf("p=%d: R[%d][%d] = %v, gonum %v", p, i, k, got[i*p+k], want[i*p+k])
				}
			}
		}

		same := slices.Clone(r1)
		StackQR(p, same, make([]float64, p*p))
		if d := tsqrBitsDiff(same, r1); d != "" {
			t.Errorf("p=%d: [R; 0] gives another R: %s", p, d)
		}
	}
}

// TestTSQRDegenerate: empty, narrow, short, zero and rank-deficient
// matrices give a finite R with RᵀR = AᵀA, without a panic, and a zero
// column gives a zero column of R.
func TestTSQRDegenerate(t *testing.T) {
	zeroCol := func(a []float64, n, p, k int) {
		for i := range n {
			a[i*p+k] = 0
		}
	}
	repeat := func(a []float64, n, p, from, to int) {
		for i := range n {
			a[i*p+to] = a[i*p+from]
		}
	}
	for _, c := range []struct {
		desc  string
		n, p  int
		edit  func(a []float64, n, p int)
		zeros []int // columns that are zero
	}{
		{"p=0", 5000, 0, nil, nil},
		{"p=0, no rows", 0, 0, nil, nil},
		{"no rows", 0, 3, nil, nil},
		{"p=1", 5000, 1, nil, nil},
		{"p=1, one row", 1, 1, nil, nil},
		{"one row", 1, 4, nil, nil},
		{"rows < p", 3, 7, nil, nil},
		{"rows < p in the last block", kernels.BlockRows + 2, 5, nil, nil},
		{"all zero", 5000, 4, func(a []float64, n, p int) { clear(a) }, []int{0, 1, 2, 3}},
		{"zero first column", 5000, 4, func(a []float64, n, p int) { zeroCol(a, n, p, 0) }, []int{0}},
		{"zero middle column", 9000, 5, func(a []float64, n, p int) { zeroCol(a, n, p, 2) }, []int{2}},
		{"zero last column", 9000, 5, func(a []float64, n, p int) { zeroCol(a, n, p, 4) }, []int{4}},
		{"repeated column", 9000, 5, func(a []float64, n, p int) { repeat(a, n, p, 1, 3) }, nil},
		{"repeated first column, short", 3, 5, func(a []float64, n, p int) { repeat(a, n, p, 0, 1) }, nil},
		// Columns of norm below 2⁻⁹⁶⁹: the reflectors scale them up.
		{"tiny", 5000, 3, func(a []float64, n, p int) { kernels.Scal(0x1p-1000, a) }, nil},
		// Products underflow: no accuracy to check, but no NaN or Inf.
		{"subnormal", 5000, 3, func(a []float64, n, p int) {
			for i := range a {
				a[i] = math.Float64frombits(uint64(i%97+1) | uint64(i%3)<<63)
			}
		}, nil},
		{"huge", 5000, 3, func(a []float64, n, p int) { kernels.Scal(0x1p1000, a) }, nil},
	} {
		t.Run(c.desc, func(t *testing.T) {
			a := tsqrRandom(5, c.n, c.p)
			if c.edit != nil {
				c.edit(a, c.n, c.p)
			}
			r := tsqrPass(a, c.n, c.p, 2, c.n+1)
			p := c.p
			for i, v := range r {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("R[%d][%d] = %v", i/p, i%p, v)
				}
				if i%p < i/p && v != 0 {
					t.Fatalf("R[%d][%d] = %v below the diagonal", i/p, i%p, v)
				}
				if i/p >= c.n && v != 0 {
					t.Fatalf("R[%d][%d] = %v in a row beyond the %d rows", i/p, i%p, v, c.n)
				}
			}
			for _, k := range c.zeros {
				for i := range p {
					if r[i*p+k] != 0 {
						t.Errorf("zero column %d: R[%d][%d] = %v", k, i, k, r[i*p+k])
					}
				}
			}
			if c.desc != "subnormal" {
				tsqrCheckGram(t, a, c.n, p, r)
			}
		})
	}
}

// tsqrCheckGram checks RᵀR = AᵀA to 1e-13 of the columns' norms, in
// units where the largest column has norm 1 (so that huge and tiny
// matrices are checked too).
func tsqrCheckGram(t *testing.T, a []float64, n, p int, r []float64) {
	t.Helper()
	norms := tsqrColNorms(a, n, p)
	top := slices.Max(append([]float64{0}, norms...))
	if top == 0 {
		if slices.ContainsFunc(r, func(v float64) bool { return v != 0 }) {
			t.Errorf("A = 0, R ≠ 0: %v", r)
		}
		return
	}
	// A power of two: scaling is exact, and keeps squares finite.
	_, e := math.Frexp(top)
	scale := math.Ldexp(1, -e)
	sa, sr := slices.Clone(a), slices.Clone(r)
	kernels.Scal(scale, sa)
	kernels.Scal(scale, sr)
	ci, ck, ri, rk := make([]float64, n), make([]float64, n), make([]float64, p), make([]float64, p)
	for i := range p {
		for k := range p {
			for row := range n {
				ci[row], ck[row] = sa[row*p+i], sa[row*p+k]
			}
			for row := range p {
				ri[row], rk[row] = sr[row*p+i], sr[row*p+k]
			}
			want, got := kernels.Dot(ci, ck), kernels.Dot(ri, rk)
			if d := math.Abs(got - want); d > 1e-13 {
				t.Errorf("(RᵀR)[%d][%d] = %v, (AᵀA)[%d][%d] = %v (scaled by %v)", i, k, got, i, k, want, scale)
			}
		}
	}
}

// TestTSQRAllocs: once warm, a pass allocates nothing: not the task, the
// sink, the merge or the kernels, on one goroutine or several.
func TestTSQRAllocs(t *testing.T) {
	n, p := 2*kernels.BlockRows+100, 6
	a := tsqrRandom(6, n, p)
	r := make([]float64, p*p)
	for _, workers := range []int{1, 2} {
		plan := kernels.NewBlockPlan(workers)
		task, sink := NewQRTask(p, tsqrFill(a, p)), NewRSink(p)
		pass := func() {
			plan.Run(0, n, task, sink)
			sink.Result(r)
		}
		pass()
		// With 2 workers a later pass may be the first whose two blocks
		// run at once, and take a second scratch (3 allocations, once):
		// over 20 passes that rounds to 0, while a per-pass allocation
		// would not.
		if allocs := testing.AllocsPerRun(20, pass); allocs != 0 {
			t.Errorf("%d workers: %v allocations per pass", workers, allocs)
		}
		// A reset mid-pass recycles the buffers in the tree.
		plan.Run(0, 2*kernels.BlockRows, task, sink)
		sink.Reset()
		if allocs := testing.AllocsPerRun(20, pass); allocs != 0 {
			t.Errorf("%d workers, after a reset: %v allocations per pass", workers, allocs)
		}
		plan.Close()
	}
	work, part := make([]float64, kernels.BlockRows*p), make([]float64, p*p)
	r1, r2 := make([]float64, p*p), make([]float64, p*p)
	if allocs := testing.AllocsPerRun(5, func() {
		BlockQR(kernels.BlockRows, p, a[:kernels.BlockRows*p], work, part)
		copy(r1, part)
		copy(r2, part)
		StackQR(p, r1, r2)
	}); allocs != 0 {
		t.Errorf("BlockQR and StackQR: %v allocations", allocs)
	}
}

// TestTSQRResetAndEmpty: a sink with no block gives a zero R; a reset
// sink forgets what it had; Result resets.
func TestTSQRResetAndEmpty(t *testing.T) {
	n, p := 2*kernels.BlockRows+5, 4
	a := tsqrRandom(7, n, p)
	want := tsqrSequential(a, n, p)
	task, sink := NewQRTask(p, tsqrFill(a, p)), NewRSink(p)
	r := make([]float64, p*p)
	for i := range r {
		r[i] = math.NaN()
	}
	sink.Result(r)
	if slices.ContainsFunc(r, func(v float64) bool { return v != 0 }) {
		t.Errorf("no block: R = %v, want zeros", r)
	}
	plan := kernels.NewBlockPlan(1)
	defer plan.Close()
	plan.Run(0, kernels.BlockRows, task, NewRSink(p)) // warm, elsewhere
	plan.Run(kernels.BlockRows, n, task, sink)
	sink.Reset()
	if sink.Blocks() != 0 {
		t.Errorf("Blocks() = %d after Reset", sink.Blocks())
	}
	for range 2 { // the second pass after Result's reset
		plan.Run(0, n, task, sink)
		if sink.Blocks() != 3 {
			t.Errorf("Blocks() = %d, want 3", sink.Blocks())
		}
		sink.Result(r)
		if d := tsqrBitsDiff(r, want); d != "" {
			t.Errorf("after a reset: %s", d)
		}
	}
}

// TestTSQRPanics: wrong sizes panic with the function and the sizes.
func TestTSQRPanics(t *testing.T) {
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"lsq.BlockQR: rows=3, p=2, len(a)=5", func() { BlockQR(3, 2, make([]float64, 5), make([]float64, 6), make([]float64, 4)) }},
		{"len(work)=5", func() { BlockQR(3, 2, make([]float64, 6), make([]float64, 5), make([]float64, 4)) }},
		{"len(r)=3", func() { BlockQR(3, 2, make([]float64, 6), make([]float64, 6), make([]float64, 3)) }},
		{"lsq.BlockQR: rows=-1", func() { BlockQR(-1, 2, nil, nil, make([]float64, 4)) }},
		{"lsq.StackQR: p=2, len(r1)=4, len(r2)=3", func() { StackQR(2, make([]float64, 4), make([]float64, 3)) }},
		{"lsq.RSink.Add: len(part)=3, want p·p = 4", func() { NewRSink(2).Add(make([]float64, 3)) }},
		{"lsq.RSink.Result: len(dst)=5", func() { NewRSink(2).Result(make([]float64, 5)) }},
		{"lsq.NewRSink: p=-1", func() { NewRSink(-1) }},
		{"lsq.NewQRTask: p=-1", func() { NewQRTask(-1, nil) }},
		{"lsq.QRTask.Block: rows [0, 4097)", func() {
			NewQRTask(1, func(int, int, []float64) {}).Block(0, kernels.BlockRows+1, make([]float64, 1))
		}},
		{"len(out)=2", func() { NewQRTask(1, func(int, int, []float64) {}).Block(0, 5, make([]float64, 2)) }},
	} {
		func() {
			defer func() {
				e := recover()
				if msg, _ := e.(string); !strings.Contains(msg, c.want) {
					t.Errorf("panic %v, want one containing %q", e, c.want)
				}
			}()
			c.f()
		}()
	}
}
