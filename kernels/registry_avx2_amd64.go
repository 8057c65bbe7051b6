//go:build !purego && !noasm

package kernels

import "golang.org/x/sys/cpu"

func init() {
	register(newImplementation(AVX2, 20, kindAVX2,
		// The generated code uses AVX (VEX encoding, YMM registers, masked
		// loads and stores), AVX2 is the level it is written for, and FMA3.
		// x/sys/cpu reports AVX and AVX2 only when the OS saves YMM state.
		func() bool { return cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA }))
}
