// Command avx512 generates the AVX-512F kernels of package
// github.com/lanes-go/lanes/kernels/internal/amd64 with avo: every kernel
// for float64 (DotAVX512, …), then the float32 twins of
// spec.For(spec.Float32) (DotF32AVX512, …), the same code on 16 elements
// per register with the PS/SS forms.
//
// Every reduction reproduces the canonical order of package
// github.com/lanes-go/lanes/kernels/generic bit for bit: L = 256/S lanes
// held in four ZMM accumulators (register k holds lanes kV … kV+V−1, with
// V = 64/S elements per register), a partial last block whose element t
// feeds lane t (whole V-chunks unmasked, the final chunk with a zero-masking
// or merge-masking load), and the halving fold z0+z2, z1+z3, z0+z1,
// 512→256→128→64 bits (→32 for float32), plus the final +0 that keeps a
// result from being −0.
// Amax and IndexAbs have no canonical order to keep (a maximum and a first
// match do not depend on it); they walk x a block at a time with the same
// masked tail.
//
// The code uses only Z0–Z15, which VZEROUPPER returns to their initial
// state, and only AVX-512F, AVX, AVX2 and FMA instructions besides the
// amd64 baseline, and ends in VZEROUPPER on every path: the check pass of
// package avogen refuses anything else before a file is written.
package main

//go:generate go run .

import (
	"github.com/mmcloughlin/avo/build"

	"github.com/lanes-go/lanes/tools/asmgen/internal/avogen"
	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// isa is the instruction set this program generates.
var isa = spec.LookupISA("AVX512")

// emitters maps a kernel name from spec.Kernels to the function that emits
// its body. The TEXT header, doc and pragmas are written by avogen.
var emitters = map[string]func(g *gen){
	"Dot":         (*gen).dot,
	"Sum":         (*gen).sum,
	"SumSqDiff":   (*gen).sumSqDiff,
	"Axpy":        (*gen).axpy,
	"Scal":        (*gen).scal,
	"Asum":        (*gen).asum,
	"Amax":        (*gen).amax,
	"IndexAbs":    (*gen).indexAbs,
	"ScaledSumSq": (*gen).scaledSumSq,
	"GemvN":       (*gen).gemvN,
	"GemvT":       (*gen).gemvT,
	"LossGrad":    (*gen).lossGrad,
	"Gram":        (*gen).gram,
	"ShiftScale":  (*gen).shiftScale,
	"GramDiag":    (*gen).gramDiag,
	"DotNorms":    (*gen).dotNorms,
}

// files are the outputs, from this directory.
var files = avogen.Files{
	Asm:   "../../../kernels/internal/amd64/avx512_amd64.s",
	Stubs: "../../../kernels/internal/amd64/avx512_amd64.go",
	Pkg:   "amd64",
}

func main() { avogen.Main("avx512", files, avogen.Check(isa), emit) }

// emit writes every kernel for float64, then, once isa.Float32 is set,
// the float32 twins of spec.For(spec.Float32) (DotF32AVX512, …).
func emit(ctx *build.Context) error {
	elems := []elem{float64Elem}
	if isa.Float32 {
		elems = append(elems, float32Elem)
	}
	for _, e := range elems {
		err := avogen.Kernels(ctx, isa, e.Elem, emitters, func(sym string) *gen {
			return &gen{Context: ctx, e: e, name: sym}
		})
		if err != nil {
			return err
		}
	}
	return nil
}
