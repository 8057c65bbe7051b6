//go:build !purego && !noasm

package xstate

// asm reports whether this build has the XGETBV assembly.
const asm = true

// Supported reports whether XGETBV with ECX = 1 may be executed: the OS
// has enabled XSAVE (CPUID.1:ECX.OSXSAVE[bit 27]) and the CPU implements
// XINUSE reads (CPUID.(EAX=0DH,ECX=1):EAX[bit 2]). golang.org/x/sys/cpu
// does not expose the second bit, so it is read with CPUID here.
func Supported() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 0xD {
		return false
	}
	if _, _, ecx, _ := cpuid(1, 0); ecx&(1<<27) == 0 {
		return false
	}
	eax, _, _, _ := cpuid(0xD, 1)
	return eax&(1<<2) != 0
}
