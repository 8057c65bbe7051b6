//go:build !amd64 || purego || noasm

package xstate

// asm reports whether this build has the XGETBV assembly.
const asm = false

// Supported reports false: without amd64 assembly there is no XGETBV.
func Supported() bool { return false }

// InUse returns 0: no upper register state can be read.
func InUse() uint64 { return 0 }

// ZeroUpper does nothing.
func ZeroUpper() {}

// ZeroHi16 does nothing.
func ZeroHi16() {}
