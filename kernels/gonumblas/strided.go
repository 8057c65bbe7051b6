package gonumblas

import "sync"

// BLAS addresses element i of an n-vector at increment inc as
// x[start(n, inc) + i·inc]: a negative increment walks the slice from the
// end towards the start.

// start is the index of element 0.
func start(n, inc int) int {
	if inc < 0 {
		return (1 - n) * inc
	}
	return 0
}

// buffers recycles the gather buffers of the strided paths, so that a
// strided Dgemv in a loop does not allocate on every call.
var buffers sync.Pool

// contiguous returns the n elements of x at increment inc as one
// contiguous slice: x itself for inc == 1, otherwise a gathered copy in a
// pooled buffer, which the caller hands back with release (nil is fine).
func contiguous(x []float64, n, inc int) (s []float64, buf *[]float64) {
	if inc == 1 {
		return x[:n], nil
	}
	s, buf = scratch(n)
	ix := start(n, inc)
	for i := range s {
		s[i] = x[ix]
		ix += inc
	}
	return s, buf
}

// scratch returns a pooled buffer of n elements, with unspecified
// contents, and its handle for release.
func scratch(n int) ([]float64, *[]float64) {
	buf, _ := buffers.Get().(*[]float64)
	if buf == nil || cap(*buf) < n {
		b := make([]float64, n)
		buf = &b
	}
	return (*buf)[:n], buf
}

// release returns a buffer from contiguous to the pool.
func release(buf *[]float64) {
	if buf != nil {
		buffers.Put(buf)
	}
}

// scatter writes s back to the elements of x at increment inc.
func scatter(x []float64, inc int, s []float64) {
	ix := start(len(s), inc)
	for _, v := range s {
		x[ix] = v
		ix += inc
	}
}
