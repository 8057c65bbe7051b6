//go:build !purego && !noasm

package kernels

import (
	"golang.org/x/sys/cpu"

	"github.com/lanes-go/lanes/kernels/amd64"
)

func init() {
	register(&implementation{
		name: AVX512,
		rank: 30,
		// The generated code uses AVX-512F (ZMM and opmask instructions,
		// including its FMAs) and VEX-encoded AVX (the fold, VZEROUPPER);
		// its generator also allows AVX2 and FMA3, so they are required
		// too. Every CPU with AVX-512F has all of them. x/sys/cpu reports
		// AVX-512F only when the OS saves the ZMM and opmask state, and
		// honours GODEBUG=cpu.avx512f=off.
		supported: func() bool {
			return cpu.X86.HasAVX512F && cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA
		},
		dot:       amd64.DotAVX512,
		sum:       amd64.SumAVX512,
		sumSqDiff: amd64.SumSqDiffAVX512,
		axpy:      amd64.AxpyAVX512,
		scal:      amd64.ScalAVX512,
		gemvN:     amd64.GemvNAVX512,
		gemvT:     amd64.GemvTAVX512,
	})
}
