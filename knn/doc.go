// Package knn is exact k-nearest-neighbour search over a row-major float32
// matrix: every row is scored against the query, and the k best come back
// with their scores. It is what an embedding store or a RAG program runs
// when it wants the true neighbours, or the ground truth an approximate
// index is measured against.
//
// Scores are those of package github.com/lanes-go/lanes/kernels/f32, so
// each has the same bits on every CPU and GOARCH, and the order of the
// results is a total order on (score, row): the same ids and scores come
// back on every machine, for every implementation and for any number of
// workers.
//
// # Metrics
//
//   - L2, the default: the squared Euclidean distance f32.SumSqDiff;
//     smaller is nearer.
//   - InnerProduct: f32.Dot; larger is nearer.
//   - Cosine: f32.Cosine, from each row's squared norm computed once when
//     the index is built; larger is nearer. A zero row scores 0.
//
// # Order and ties
//
// Results are sorted nearest first. Equal scores are ordered by the lower
// row number. A row whose score is NaN (a row holding NaN, or a cosine
// whose norm overflowed) ranks after every number, NaN rows again by row
// number, so it is returned only when fewer than k rows score a number
// (Open refuses files holding NaN or ±Inf, naming the row). A query holding
// NaN or ±Inf is an error.
//
// # Speed
//
// A search is one pass over the matrix in fixed blocks of rows, each block
// scored by the row kernels into a small buffer that a bounded heap
// consumes at once: no score array for the whole matrix. With Workers > 1
// the blocks are shared among goroutines that live as long as the index,
// and their heaps merged; the total order makes the result independent of
// who scored what. Once its pools are warm, a search allocates nothing but
// the slice Search returns, and SearchInto not even that.
//
// Open maps a float32 .npy file in place, so the matrix may be larger than
// memory; the pages are then read from the file as searches need them.
package knn
