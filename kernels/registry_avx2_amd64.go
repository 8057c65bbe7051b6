//go:build !purego && !noasm

package kernels

import (
	"golang.org/x/sys/cpu"

	"github.com/lanes-go/lanes/kernels/amd64"
)

func init() {
	register(&implementation{
		name: AVX2,
		rank: 20,
		// The generated code uses AVX (VEX encoding, YMM registers, masked
		// loads and stores), AVX2 is the level it is written for, and FMA3.
		// x/sys/cpu reports AVX and AVX2 only when the OS saves YMM state.
		supported: func() bool { return cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA },
		dot:       amd64.DotAVX2,
		sum:       amd64.SumAVX2,
		sumSqDiff: amd64.SumSqDiffAVX2,
		axpy:      amd64.AxpyAVX2,
		scal:      amd64.ScalAVX2,
		gemvN:     amd64.GemvNAVX2,
		gemvT:     amd64.GemvTAVX2,
	})
}
