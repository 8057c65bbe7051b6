package f32

import (
	"github.com/lanes-go/lanes/kernels"
	"github.com/lanes-go/lanes/kernels/internal/choice"
)

// kind identifies an implementation to the direct-call switches of
// direct_*.go. The exported functions call them with current(): the
// implementation package kernels chose, so float32 and float64 kernels
// always run the same one. The switches make direct calls, so that escape
// analysis sees the assembly's //go:noescape and the generic code.
type kind = choice.Kind

const (
	kindGeneric = choice.Generic
	kindAVX2    = choice.AVX2
	kindAVX512  = choice.AVX512
	kindNEON    = choice.NEON
)

func current() kind { return choice.Current() }

// Impl names the implementation in use, as kernels.Impl does: "avx512",
// "avx2", "neon" or "generic". It is the same for both packages.
func Impl() string { return kernels.Impl() }
