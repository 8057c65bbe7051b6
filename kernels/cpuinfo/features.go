package cpuinfo

import (
	"runtime"

	"golang.org/x/sys/cpu"
)

// archFeature is a row of a Report's features: its name (for the ones an
// implementation requires, the name kernels.Implementations gives it), its
// name in cpuid/v2's list, and whether golang.org/x/sys/cpu reports it.
type archFeature struct {
	name, cpuid string
	goHas       bool
}

// archFeatures lists the features of this GOARCH that lanes cares about:
// every one the implementations require, and a few that tell more about
// the CPU. It is empty on a GOARCH for which lanes has no assembly.
func archFeatures() []archFeature {
	switch runtime.GOARCH {
	case "amd64":
		return []archFeature{
			{"SSE2", "SSE2", cpu.X86.HasSSE2},
			{"SSE4.1", "SSE4", cpu.X86.HasSSE41},
			{"AVX", "AVX", cpu.X86.HasAVX},
			{"AVX2", "AVX2", cpu.X86.HasAVX2},
			{"FMA", "FMA3", cpu.X86.HasFMA},
			{"AVX-512F", "AVX512F", cpu.X86.HasAVX512F},
			{"AVX-512DQ", "AVX512DQ", cpu.X86.HasAVX512DQ},
			{"AVX-512VL", "AVX512VL", cpu.X86.HasAVX512VL},
			{"AVX-512BW", "AVX512BW", cpu.X86.HasAVX512BW},
		}
	case "arm64":
		return []archFeature{
			{"FP", "FP", cpu.ARM64.HasFP},
			{"ASIMD", "ASIMD", cpu.ARM64.HasASIMD},
			{"ASIMDDP", "ASIMDDP", cpu.ARM64.HasASIMDDP},
			{"SVE", "SVE", cpu.ARM64.HasSVE},
			{"SVE2", "SVE2", cpu.ARM64.HasSVE2},
		}
	}
	return nil
}
