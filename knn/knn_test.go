package knn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/f32"
)

func randomRows(rows, dim int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 99))
	out := make([]float32, rows*dim)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return out
}

var metrics = []Metric{L2, InnerProduct, Cosine}

// bruteForce scores every row with the pairwise kernel and sorts all of
// them by the package's order: what a search must return, exactly.
func bruteForce(data []float32, dim int, m Metric, q []float32, k int) []Neighbor {
	rows := len(data) / dim
	all := make([]Neighbor, rows)
	for i := range all {
		row := data[i*dim : (i+1)*dim]
		var s float32
		switch m {
		case L2:
			s = f32.SumSqDiff(row, q)
		case InnerProduct:
			s = f32.Dot(row, q)
		case Cosine:
			s = f32.Cosine(row, q)
		}
		all[i] = Neighbor{i, s}
	}
	slices.SortStableFunc(all, func(a, b Neighbor) int {
		if nearer(a, b, m.larger()) {
			return -1
		}
		if nearer(b, a, m.larger()) {
			return 1
		}
		return 0
	})
	return all[:min(k, rows)]
}

// float64Scores scores rows in float64, the accuracy reference.
func float64Score(row, q []float32, m Metric) float64 {
	var xy, xx, qq, d2 float64
	for i := range row {
		x, y := float64(row[i]), float64(q[i])
		xy += x * y
		xx += x * x
		qq += y * y
		d2 += (x - y) * (x - y)
	}
	switch m {
	case L2:
		return d2
	case InnerProduct:
		return xy
	}
	return xy / math.Sqrt(xx*qq)
}

func sameResults(a, b []Neighbor) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || math.Float32bits(a[i].Score) != math.Float32bits(b[i].Score) && !(a[i].Score != a[i].Score && b[i].Score != b[i].Score) {
			return false
		}
	}
	return true
}

// TestSearchIsBruteForce checks every metric, several k and sizes that end
// inside and at the edge of a block, against the exhaustive sort, on every
// implementation and for several worker counts: the same ids and scores.
func TestSearchIsBruteForce(t *testing.T) {
	for _, impl := range kernels.Available() {
		restore, err := kernels.Use(impl)
		if err != nil {
			t.Fatal(err)
		}
		for _, rows := range []int{1, 5, blockRows, blockRows + 1, 3*blockRows + 77} {
			for _, dim := range []int{1, 3, 64, 100} {
				data := randomRows(rows, dim, uint64(rows*1000+dim))
				q := randomRows(1, dim, 7)
				for _, m := range metrics {
					for _, workers := range []int{1, 2, 3, 8} {
						ix, err := New(data, dim, Options{Metric: m, Workers: workers})
						if err != nil {
							t.Fatal(err)
						}
						for _, k := range []int{1, 10, rows + 5} {
							got, err := ix.Search(q, k)
							if err != nil {
								t.Fatal(err)
							}
							if want := bruteForce(data, dim, m, q, k); !sameResults(got, want) {
								t.Fatalf("%s rows=%d dim=%d %v workers=%d k=%d:\n got %v\nwant %v", impl, rows, dim, m, workers, k, got, want)
							}
						}
					}
				}
			}
		}
		restore()
	}
}

// TestSearchAccuracy compares with float64 scores: wherever two rows'
// float64 scores differ by more than the float32 accuracy bound, the
// search orders them as float64 does.
func TestSearchAccuracy(t *testing.T) {
	const rows, dim, k = 5000, 384, 50
	data := randomRows(rows, dim, 11)
	q := randomRows(1, dim, 12)
	for _, m := range metrics {
		ix, _ := New(data, dim, Options{Metric: m})
		got, _ := ix.Search(q, k)
		bound := 0.0
		for _, g := range got {
			// (n/64 + 6)·2⁻²⁴ relative to the sum of |terms|, which is
			// within a small factor of the norms for these data.
			bound = max(bound, (float64(dim)/64+6)*0x1p-24*float64Scale(ix.Row(g.ID), q, m))
		}
		ref := make([]float64, rows)
		for i := range ref {
			ref[i] = float64Score(ix.Row(i), q, m)
		}
		for i := 1; i < len(got); i++ {
			a, b := ref[got[i-1].ID], ref[got[i].ID]
			if m.larger() && b > a+2*bound || !m.larger() && b < a-2*bound {
				t.Fatalf("%v: rank %d (row %d, %g) is nearer in float64 than rank %d (row %d, %g)", m, i, got[i].ID, b, i-1, got[i-1].ID, a)
			}
		}
		// And no row left out is nearer by more than the bound than the last kept.
		last := ref[got[k-1].ID]
		kept := map[int]bool{}
		for _, g := range got {
			kept[g.ID] = true
		}
		for i, s := range ref {
			if !kept[i] && (m.larger() && s > last+2*bound || !m.larger() && s < last-2*bound) {
				t.Fatalf("%v: row %d (%g) was left out, but is nearer than the last kept (%g)", m, i, s, last)
			}
		}
	}
}

// float64Scale is Σ|terms| of a row's score, the scale of its rounding error.
func float64Scale(row, q []float32, m Metric) float64 {
	s := 0.0
	for i := range row {
		x, y := float64(row[i]), float64(q[i])
		switch m {
		case L2:
			s += (x - y) * (x - y)
		default:
			s += math.Abs(x * y)
		}
	}
	if m == Cosine {
		return s / math.Sqrt(float64(f32.Dot(row, row))*float64(f32.Dot(q, q)))
	}
	return s
}

func TestTiesAndNaN(t *testing.T) {
	// Rows 0, 2 and 4 are the same vector; row 1 holds NaN; row 3 is far.
	v := []float32{1, 2, 3}
	data := slices.Concat(v, []float32{float32(math.NaN()), 0, 0}, v, []float32{100, 100, 100}, v)
	for _, m := range metrics {
		for _, workers := range []int{1, 4} {
			ix, err := New(data, 3, Options{Metric: m, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := ix.Search([]float32{1, 2, 3}, 5)
			ids := []int{got[0].ID, got[1].ID, got[2].ID, got[3].ID, got[4].ID}
			want := []int{0, 2, 4, 3, 1} // equal scores by row; NaN last
			if m == InnerProduct {
				want = []int{3, 0, 2, 4, 1} // the far row has the largest dot product
			}
			if !slices.Equal(ids, want) {
				t.Errorf("%v workers=%d: ids %v, want %v (%v)", m, workers, ids, want, got)
			}
			if s := got[4].Score; s == s {
				t.Errorf("%v: the NaN row scored %v", m, s)
			}
			top3, _ := ix.Search([]float32{1, 2, 3}, 3)
			if top3[2].ID == 1 {
				t.Errorf("%v: the NaN row was returned among 3 of 5 rows", m)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	ix, err := New(randomRows(10, 4, 1), 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		q    []float32
		k    int
		want string
	}{
		{[]float32{1, 2, 3}, 1, "the query has 3 values, the index's rows 4"},
		{[]float32{1, 2, 3, 4}, 0, "k=0"},
		{[]float32{1, 2, 3, 4}, -3, "k=-3"},
		{[]float32{1, float32(math.NaN()), 3, 4}, 1, "query element 1 is NaN"},
		{[]float32{1, 2, float32(math.Inf(-1)), 4}, 1, "query element 2 is -Inf"},
	} {
		if _, err := ix.Search(c.q, c.k); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Search(%v, %d): %v, want %q", c.q, c.k, err, c.want)
		}
	}
	_, err = ix.SearchBatch([]float32{1, 2, 3, 4, 1, 2, float32(math.NaN()), 4}, 2)
	var be *BatchError
	if !errors.As(err, &be) || be.Query != 1 || !strings.Contains(err.Error(), "query 1: knn: query element 2 is NaN") {
		t.Errorf("SearchBatch with a NaN in query 1: %v", err)
	}
	if _, err := ix.SearchBatch([]float32{1, 2, 3, 4, 5}, 2); err == nil || !strings.Contains(err.Error(), "ends with 1 values") {
		t.Errorf("SearchBatch with a partial query: %v", err)
	}
	for _, c := range []struct {
		data []float32
		dim  int
		opt  Options
		want string
	}{
		{make([]float32, 10), 0, Options{}, "dim=0"},
		{make([]float32, 10), 3, Options{}, "len(data)=10 is not a multiple of dim=3"},
		{make([]float32, 9), 3, Options{Metric: 7}, "unknown Metric(7)"},
		{make([]float32, 9), 3, Options{Workers: -1}, "Workers=-1"},
	} {
		if _, err := New(c.data, c.dim, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(len %d, %d, %+v): %v, want %q", len(c.data), c.dim, c.opt, err, c.want)
		}
	}
	ix.Close()
	if _, err := ix.Search([]float32{1, 2, 3, 4}, 1); !errors.Is(err, errClosed) {
		t.Errorf("Search after Close: %v", err)
	}
}

func TestParseMetric(t *testing.T) {
	for s, want := range map[string]Metric{"l2": L2, "Euclidean": L2, "dot": InnerProduct, "IP": InnerProduct, " cosine ": Cosine} {
		if m, err := ParseMetric(s); err != nil || m != want {
			t.Errorf("ParseMetric(%q) = %v, %v", s, m, err)
		}
		if m, _ := ParseMetric(want.String()); m != want {
			t.Errorf("ParseMetric(%v.String()) = %v", want, m)
		}
	}
	if _, err := ParseMetric("hamming"); err == nil || !strings.Contains(err.Error(), `"hamming"`) {
		t.Errorf("ParseMetric(hamming): %v", err)
	}
}

// TestBatchIsSearch: a batch returns what each search returns, for any
// number of workers, and concurrent searches do too.
func TestBatchAndConcurrency(t *testing.T) {
	const rows, dim, nq = 3000, 32, 13
	data, queries := randomRows(rows, dim, 5), randomRows(nq, dim, 6)
	ix, _ := New(data, dim, Options{Metric: Cosine, Workers: 3})
	want := make([][]Neighbor, nq)
	for i := range want {
		want[i] = bruteForce(data, dim, Cosine, queries[i*dim:(i+1)*dim], 7)
	}
	got, err := ix.SearchBatch(queries, 7)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !sameResults(got[i], want[i]) {
			t.Fatalf("batch query %d: %v, want %v", i, got[i], want[i])
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*nq)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range nq {
				j := (i + g) % nq
				res, err := ix.Search(queries[j*dim:(j+1)*dim], 7)
				if err != nil || !sameResults(res, want[j]) {
					errs <- fmt.Sprintf("goroutine %d query %d: %v %v", g, j, res, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func TestSearchIntoAllocatesNothing(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage counters allocate")
	}
	for _, workers := range []int{1, 2, 4} {
		ix, _ := New(randomRows(5000, 64, 8), 64, Options{Metric: Cosine, Workers: workers})
		q := randomRows(1, 64, 9)
		dst := make([]Neighbor, 0, 10)
		if n := testing.AllocsPerRun(50, func() { dst, _ = ix.SearchInto(dst, q, 10) }); n != 0 {
			t.Errorf("SearchInto with %d workers: %v allocations per search, want 0", workers, n)
		}
		ix.Close()
	}
}

// TestHelpersEnd: the helper goroutines end at Close, and when an index
// that was never closed becomes unreachable.
func TestHelpersEnd(t *testing.T) {
	before := settledGoroutines()
	q := randomRows(1, 8, 2)
	ix, _ := New(randomRows(5000, 8, 1), 8, Options{Workers: 4})
	ix.Search(q, 3)
	if n := runtime.NumGoroutine(); n < before+3 {
		t.Fatalf("%d goroutines after a search with 4 workers, %d before", n, before)
	}
	ix.Close()
	ix2, _ := New(randomRows(5000, 8, 1), 8, Options{Workers: 4})
	ix2.Search(q, 3)
	ix2 = nil
	if n := settledGoroutines(); n > before {
		t.Errorf("%d goroutines left, %d before: the helpers did not end", n, before)
	}
}

// settledGoroutines returns the number of goroutines once the helpers of
// indexes that earlier tests dropped have ended: the count stays the same
// over several collections.
func settledGoroutines() int {
	n, same := runtime.NumGoroutine(), 0
	for i := 0; i < 200 && same < 5; i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		if m := runtime.NumGoroutine(); m == n {
			same++
		} else {
			n, same = m, 0
		}
	}
	return n
}
