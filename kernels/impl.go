package kernels

// kind identifies an implementation to the direct-call dispatch of
// direct_*.go.
type kind uint8

const (
	kindGeneric kind = iota
	kindAVX2
	kindAVX512
	kindNEON
)

// implementation is one complete set of kernels. Its functions assume
// checked arguments: the exported wrappers check them.
//
// The exported kernels do not call the function fields: they call the
// per-kind switches of direct_*.go, whose direct calls let the compiler see
// that no slice escapes (a call through a function value would move every
// caller's stack array to the heap). The fields of every registered
// implementation are built from those same switches by newImplementation,
// so tests that call them run exactly what the exported kernels run; tests
// may also build deliberately broken implementations from plain functions.
type implementation struct {
	name string
	// rank orders implementations by preference: the highest supported
	// one is the default.
	rank int
	kind kind
	// supported reports whether this CPU and OS can run it.
	supported func() bool

	dot       func(x, y []float64) float64
	sum       func(x []float64) float64
	sumSqDiff func(x, y []float64) float64
	axpy      func(alpha float64, x, y []float64)
	scal      func(alpha float64, x []float64)
	gemvN     func(m, n int, a []float64, lda int, x, y []float64)
	gemvT     func(m, n int, a []float64, lda int, x, y []float64)

	asum        func(x []float64) float64
	amax        func(x []float64) float64
	indexAbs    func(v float64, x []float64) int
	scaledSumSq func(alpha float64, x []float64) float64
	// nrm2 and iamax are compositions of the kernels above (nrm2.go,
	// iamax.go); they are fields so that tests can run them per
	// implementation.
	nrm2  func(x []float64) float64
	iamax func(x []float64) int

	lossGrad func(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64)
}

// newImplementation returns the implementation of kind k, its kernels
// routed through the same direct-call switches as the exported functions.
func newImplementation(name string, rank int, k kind, supported func() bool) *implementation {
	return &implementation{
		name: name, rank: rank, kind: k, supported: supported,
		dot:       func(x, y []float64) float64 { return dotKind(k, x, y) },
		sum:       func(x []float64) float64 { return sumKind(k, x) },
		sumSqDiff: func(x, y []float64) float64 { return sumSqDiffKind(k, x, y) },
		axpy:      func(alpha float64, x, y []float64) { axpyKind(k, alpha, x, y) },
		scal:      func(alpha float64, x []float64) { scalKind(k, alpha, x) },
		gemvN: func(m, n int, a []float64, lda int, x, y []float64) {
			gemvNKind(k, m, n, a, lda, x, y)
		},
		gemvT: func(m, n int, a []float64, lda int, x, y []float64) {
			gemvTKind(k, m, n, a, lda, x, y)
		},
		asum:        func(x []float64) float64 { return asumKind(k, x) },
		amax:        func(x []float64) float64 { return amaxKind(k, x) },
		indexAbs:    func(v float64, x []float64) int { return indexAbsKind(k, v, x) },
		scaledSumSq: func(alpha float64, x []float64) float64 { return scaledSumSqKind(k, alpha, x) },
		nrm2:        func(x []float64) float64 { return nrm2Kind(k, x) },
		iamax:       func(x []float64) int { return iamaxKind(k, x) },
		lossGrad: func(m, n int, a []float64, lda int, w []float64, c float64, y, g []float64) (ssr, sr float64) {
			return lossGradKind(k, m, n, a, lda, w, c, y, g)
		},
	}
}

// registry holds every implementation compiled into this binary, whether
// or not the CPU supports it. ISA files add theirs from init.
var registry = []*implementation{
	newImplementation(Generic, 0, kindGeneric, func() bool { return true }),
}

// register adds an implementation; ISA files call it from init.
func register(im *implementation) { registry = append(registry, im) }

// Implementation names accepted by LANES_KERNELS and Use.
const (
	Generic = "generic"
	AVX2    = "avx2"
	AVX512  = "avx512"
	NEON    = "neon"
)
