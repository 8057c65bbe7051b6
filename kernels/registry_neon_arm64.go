//go:build !purego && !noasm

package kernels

import "golang.org/x/sys/cpu"

func init() {
	register(newImplementation(NEON, 20, kindNEON,
		// Advanced SIMD with double-precision lanes is part of every ARMv8-A
		// core Linux runs on, but the kernel still reports it, and a
		// missing bit means the code must not run.
		func() bool { return cpu.ARM64.HasASIMD && cpu.ARM64.HasFP }))
}
