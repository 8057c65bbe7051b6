package knn

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lanes-go/lanes/kernels/f32"
)

// scanner is one worker of a search: a buffer of block scores and a heap.
type scanner struct {
	scores [blockRows]float32
	top    topK
	// The search a goroutine other than the caller's works on; set before
	// it starts, so that the go statement passes nothing but the receiver.
	ix     *Index
	s      *search
	q      []float32
	k      int
	blocks int
}

// search is the scratch of one search, pooled by the index.
type search struct {
	scanners []*scanner
	merged   topK
	next     atomic.Int64 // the next block to score
	wg       sync.WaitGroup
}

func (ix *Index) getSearch() *search {
	if s, ok := ix.pool.Get().(*search); ok {
		return s
	}
	return &search{}
}

// Search returns the k rows nearest to q, nearest first (fewer if the
// index has fewer rows). It fails if q is not Dim values long, holds NaN
// or ±Inf, or k < 1.
func (ix *Index) Search(q []float32, k int) ([]Neighbor, error) {
	return ix.SearchInto(nil, q, k)
}

// SearchInto is Search writing the results into dst's storage, grown only
// if its capacity is short of k: with a dst of capacity k, a search
// allocates nothing once the index's pools are warm (see the package doc
// for Workers > 1).
func (ix *Index) SearchInto(dst []Neighbor, q []float32, k int) ([]Neighbor, error) {
	if err := ix.checkQuery(q); err != nil {
		return nil, err
	}
	if err := checkK(k); err != nil {
		return nil, err
	}
	s := ix.getSearch()
	res := ix.run(s, q, min(k, ix.rows), ix.workers)
	dst = append(dst[:0], res...)
	ix.pool.Put(s)
	return dst, nil
}

// run scores every block with up to workers goroutines and returns the k
// nearest, sorted, in s's storage.
func (ix *Index) run(s *search, q []float32, k, workers int) []Neighbor {
	blocks := (ix.rows + blockRows - 1) / blockRows
	workers = max(1, min(workers, blocks))
	for len(s.scanners) < workers {
		s.scanners = append(s.scanners, new(scanner))
	}
	larger := ix.metric.larger()
	s.next.Store(0)
	s.wg.Add(workers - 1)
	if workers > 1 {
		jobs := ix.helpers()
		for _, sc := range s.scanners[1:workers] {
			sc.ix, sc.s, sc.q, sc.k, sc.blocks = ix, s, q, k, blocks
			jobs <- sc
		}
	}
	ix.scan(s, s.scanners[0], q, k, blocks)
	s.wg.Wait()
	// The order is total, so merging the workers' heaps in any order
	// keeps the same k.
	s.merged.reset(k, larger)
	for _, sc := range s.scanners[:workers] {
		for _, c := range sc.top.items {
			s.merged.offer(c)
		}
	}
	return s.merged.sorted()
}

// helpers returns the channel that the index's helper goroutines take
// scans from, starting them on first use: Workers − 1 goroutines that
// live as long as the index, so that a search starts none and allocates
// nothing. They hold only the channel, which Close, or a cleanup once the
// index is unreachable, closes; then they end.
func (ix *Index) helpers() chan<- *scanner {
	ix.startHelpers.Do(func() {
		jobs := make(chan *scanner)
		for range ix.workers - 1 {
			go func() {
				for sc := range jobs {
					sc.scanAndDone()
				}
			}()
		}
		ix.jobs = jobs
		ix.cleanup = runtime.AddCleanup(ix, func(jobs chan *scanner) { close(jobs) }, jobs)
	})
	return ix.jobs
}

// scanAndDone is scan on another goroutine. It drops its references when
// done, so that a pooled search does not keep a closed index alive.
func (sc *scanner) scanAndDone() {
	s := sc.s
	sc.ix.scan(s, sc, sc.q, sc.k, sc.blocks)
	sc.ix, sc.s, sc.q = nil, nil, nil
	s.wg.Done()
}

// scan takes blocks until none is left, scoring each into sc.scores and
// offering the scores to sc.top.
func (ix *Index) scan(s *search, sc *scanner, q []float32, k, blocks int) {
	sc.top.reset(k, ix.metric.larger())
	n := ix.dim
	for {
		b := int(s.next.Add(1) - 1)
		if b >= blocks {
			return
		}
		lo := b * blockRows
		hi := min(lo+blockRows, ix.rows)
		a, out := ix.data[lo*n:hi*n], sc.scores[:hi-lo]
		switch ix.metric {
		case L2:
			f32.SumSqDiffRows(hi-lo, n, a, n, q, out)
		case InnerProduct:
			f32.GemvN(hi-lo, n, a, n, q, out)
		case Cosine:
			f32.CosineRows(hi-lo, n, a, n, ix.sqnorms[lo:hi], q, out)
		}
		sc.top.offerScores(lo, out)
	}
}

// SearchBatch searches every query of queries, the rows of Dim values laid
// end to end, and returns the results of each in order. Queries are shared
// among the workers, each searched by one goroutine, so the results are
// those of Search.
func (ix *Index) SearchBatch(queries []float32, k int) ([][]Neighbor, error) {
	if ix.closed {
		return nil, errClosed
	}
	if err := checkK(k); err != nil {
		return nil, err
	}
	if len(queries)%ix.dim != 0 {
		return nil, &BatchError{Query: len(queries) / ix.dim, Err: errShort(len(queries)%ix.dim, ix.dim)}
	}
	nq := len(queries) / ix.dim
	for i := range nq {
		if err := ix.checkQuery(queries[i*ix.dim : (i+1)*ix.dim]); err != nil {
			return nil, &BatchError{Query: i, Err: err}
		}
	}
	out := make([][]Neighbor, nq)
	kk := min(k, ix.rows)
	var wg sync.WaitGroup
	var next atomic.Int64
	workers := max(1, min(ix.workers, nq))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := ix.getSearch()
			for {
				i := int(next.Add(1) - 1)
				if i >= nq {
					break
				}
				res := ix.run(s, queries[i*ix.dim:(i+1)*ix.dim], kk, 1)
				out[i] = append([]Neighbor(nil), res...)
			}
			ix.pool.Put(s)
		}()
	}
	wg.Wait()
	return out, nil
}
