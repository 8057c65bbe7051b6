// Command avx512 generates the AVX-512F kernels of package
// github.com/lanes-go/lanes/kernels/amd64 with avo.
//
// Every reduction reproduces the canonical order of package
// github.com/lanes-go/lanes/kernels/generic bit for bit: L = 256/S lanes
// held in four ZMM accumulators (register k holds lanes kV … kV+V−1, with
// V = 64/S elements per register), a partial last block whose element t
// feeds lane t (whole V-chunks unmasked, the final chunk with a zero-masking
// or merge-masking load), and the halving fold z0+z2, z1+z3, z0+z1,
// 512→256→128→64 bits, plus the final +0 that keeps a result from being −0.
// Amax and IndexAbs have no canonical order to keep (a maximum and a first
// match do not depend on it); they walk x a block at a time with the same
// masked tail.
//
// The code uses only Z0–Z15, which VZEROUPPER returns to their initial
// state, and only AVX-512F, AVX, AVX2 and FMA instructions (plus SSE2 for
// the scalar result store): a pass checks both before printing.
package main

//go:generate go run . -out ../../../kernels/amd64/avx512_amd64.s -stubs ../../../kernels/amd64/avx512_amd64.go -pkg amd64

import (
	"flag"
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/pass"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// isa is the suffix of every generated symbol and the name used in the docs.
const isa = "AVX512"

// emitters maps a kernel name from spec.Kernels to the function that emits
// its body. The TEXT header, doc and pragmas are written by main.
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
}

func main() {
	// package build registers the same flags on flag.CommandLine for its
	// Generate; this program runs its own passes, so it uses its own set.
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	flags := build.NewFlags(fs)
	fs.Parse(os.Args[1:])

	ctx := build.NewContext()
	// avo parses the old "+build" syntax (comma is and) and prints
	// "//go:build !purego && !noasm".
	ctx.ConstraintExpr("!purego,!noasm")

	for _, e := range []elem{float64Elem} {
		for _, k := range spec.Kernels {
			emit, ok := emitters[k.Name]
			if !ok {
				fmt.Fprintf(os.Stderr, "avx512: no emitter for kernel %s\n", k.Name)
				os.Exit(1)
			}
			ctx.Function(k.Symbol(e.Elem, isa))
			ctx.Attributes(attr.NOSPLIT)
			ctx.SignatureExpr(k.Signature(e.Elem))
			ctx.Doc(k.Doc(e.Elem, isa)...)
			ctx.Pragma("noescape")
			emit(&gen{Context: ctx, e: e, name: k.Symbol(e.Elem, isa)})
		}
	}

	cfg := flags.Config()
	// Compile first, then check the compiled code, then print.
	passes := []pass.Interface{cfg.Passes[0], pass.FunctionPass(check)}
	cfg.Passes = append(passes, cfg.Passes[1:]...)
	os.Exit(build.Main(cfg, ctx))
}
