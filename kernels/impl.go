package kernels

import "github.com/lanes-go/lanes/kernels/generic"

// implementation is one complete set of kernels. Its functions assume
// checked arguments: the exported wrappers check them.
type implementation struct {
	name string
	// rank orders implementations by preference: the highest supported
	// one is the default.
	rank int
	// supported reports whether this CPU and OS can run it.
	supported func() bool

	dot       func(x, y []float64) float64
	sum       func(x []float64) float64
	sumSqDiff func(x, y []float64) float64
	axpy      func(alpha float64, x, y []float64)
	scal      func(alpha float64, x []float64)
	gemvN     func(m, n int, a []float64, lda int, x, y []float64)
	gemvT     func(m, n int, a []float64, lda int, x, y []float64)
}

// registry holds every implementation compiled into this binary, whether
// or not the CPU supports it. ISA files add theirs from init.
var registry = []*implementation{{
	name:      Generic,
	rank:      0,
	supported: func() bool { return true },
	dot:       generic.Dot,
	sum:       generic.Sum,
	sumSqDiff: generic.SumSqDiff,
	axpy:      generic.Axpy,
	scal:      generic.Scal,
	gemvN:     generic.GemvN,
	gemvT:     generic.GemvT,
}}

// register adds an implementation; ISA files call it from init.
func register(im *implementation) { registry = append(registry, im) }

// Implementation names accepted by LANES_KERNELS and Use.
const (
	Generic = "generic"
	AVX2    = "avx2"
	AVX512  = "avx512"
	NEON    = "neon"
)
