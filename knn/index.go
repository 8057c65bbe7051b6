package knn

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/lanes-go/lanes/internal/npymap"
	"github.com/lanes-go/lanes/kernels/f32"
)

// blockRows is the number of rows scored at once: the unit the workers
// share. Its scores (4 KiB) stay in L1 while the heap consumes them.
const blockRows = 1024

// Options configure an index.
type Options struct {
	// Metric scores rows against queries; the zero value is L2.
	Metric Metric
	// Workers is the number of goroutines a search uses; 0 means
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int
}

// Index is a row-major float32 matrix searched exhaustively. Its methods
// may be called from any number of goroutines at once; the matrix must
// not change while it is in use.
type Index struct {
	data    []float32
	rows    int
	dim     int
	metric  Metric
	workers int
	sqnorms []float32     // Dot(row, row) for Cosine, else nil
	mapped  *npymap.Array // the file under data, for Open; nil for New
	pool    sync.Pool     // *search
	closed  bool
	// jobs feeds the helper goroutines of searches with Workers > 1.
	startHelpers sync.Once
	jobs         chan *scanner
	cleanup      runtime.Cleanup
}

// New returns an index over data, the rows of dim values each laid end to
// end (row i is data[i*dim : (i+1)*dim]). The index uses data in place,
// without a copy. For Cosine, it computes every row's squared norm once.
func New(data []float32, dim int, opt Options) (*Index, error) {
	if dim <= 0 {
		return nil, fmt.Errorf("knn.New: dim=%d, want > 0", dim)
	}
	if len(data)%dim != 0 {
		return nil, fmt.Errorf("knn.New: len(data)=%d is not a multiple of dim=%d (%d whole rows and %d values left over)",
			len(data), dim, len(data)/dim, len(data)%dim)
	}
	if !opt.Metric.valid() {
		return nil, fmt.Errorf("knn.New: unknown %v", opt.Metric)
	}
	if opt.Workers < 0 {
		return nil, fmt.Errorf("knn.New: Workers=%d, want ≥ 0 (0 for every core)", opt.Workers)
	}
	w := opt.Workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	ix := &Index{data: data, rows: len(data) / dim, dim: dim, metric: opt.Metric, workers: w}
	if ix.metric == Cosine {
		ix.sqnorms = make([]float32, ix.rows)
		f32.SqNorms(ix.rows, dim, data, dim, ix.sqnorms)
	}
	return ix, nil
}

// Len returns the number of rows.
func (ix *Index) Len() int { return ix.rows }

// Dim returns the number of values in a row.
func (ix *Index) Dim() int { return ix.dim }

// Metric returns the index's metric.
func (ix *Index) Metric() Metric { return ix.metric }

// Row returns row i, in place: it must not be modified.
func (ix *Index) Row(i int) []float32 { return ix.data[i*ix.dim : (i+1)*ix.dim : (i+1)*ix.dim] }

// Close releases the memory map of an index from Open; for one from New it
// does nothing. No method may be called after it.
func (ix *Index) Close() error {
	if ix.closed {
		return nil
	}
	ix.closed = true
	if ix.jobs != nil {
		ix.cleanup.Stop()
		close(ix.jobs)
	}
	if ix.mapped == nil {
		return nil
	}
	err := ix.mapped.Close()
	ix.mapped, ix.data = nil, nil
	return err
}

// errClosed is returned by searches on a closed index.
var errClosed = errors.New("knn: search on a closed index")

// checkQuery reports what makes q unusable as a query, naming the element.
func (ix *Index) checkQuery(q []float32) error {
	if ix.closed {
		return errClosed
	}
	if len(q) != ix.dim {
		return fmt.Errorf("knn: the query has %d values, the index's rows %d", len(q), ix.dim)
	}
	for i, v := range q {
		if v != v || math.IsInf(float64(v), 0) {
			return fmt.Errorf("knn: query element %d is %v; queries must be finite", i, v)
		}
	}
	return nil
}

func checkK(k int) error {
	if k <= 0 {
		return fmt.Errorf("knn: k=%d, want ≥ 1", k)
	}
	return nil
}
