package gonumblas

// swapDirect is the length below which swap exchanges element by element.
// Above it, three memmoves through a buffer on the stack move 1.6 to 1.9
// times more bytes per second than the element loop on the machines we
// measured (see BenchmarkDswap), because memmove uses the widest vector
// loads and stores and the buffer stays in L1.
const swapDirect = 128

// swapChunk is the buffer's length: 2 KiB, well inside L1 and the stack.
const swapChunk = 256

// swap exchanges the contents of x and y, which have the same length.
// Overlapping x and y give the same result as the element loop only when
// they are the same slice; BLAS leaves overlap undefined.
func swap(x, y []float64) {
	y = y[:len(x)]
	if len(x) < swapDirect {
		for i, v := range x {
			x[i], y[i] = y[i], v
		}
		return
	}
	var buf [swapChunk]float64
	for len(x) > 0 {
		k := copy(buf[:], x)
		copy(x[:k], y[:k])
		copy(y[:k], buf[:k])
		x, y = x[k:], y[k:]
	}
}
