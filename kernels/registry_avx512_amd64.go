//go:build !purego && !noasm

package kernels

import "golang.org/x/sys/cpu"

func init() {
	register(newImplementation(AVX512, 30, kindAVX512,
		// The generated code uses AVX-512F (ZMM and opmask instructions,
		// including its FMAs) and VEX-encoded AVX (the fold, VZEROUPPER);
		// its generator also allows AVX2 and FMA3, so they are required
		// too. Every CPU with AVX-512F has all of them. x/sys/cpu reports
		// AVX-512F only when the OS saves the ZMM and opmask state, and
		// honours GODEBUG=cpu.avx512f=off.
		func() bool {
			return cpu.X86.HasAVX512F && cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA
		}))
}
