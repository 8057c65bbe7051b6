// Command neon generates the NEON kernels of package
// github.com/lanes-go/lanes/kernels/internal/arm64: the assembly and its Go
// declarations, from the kernel descriptions in internal/spec that also
// drive the amd64 generators.
//
// avo has no arm64 backend, so this is a small text emitter. It writes
// every kernel of spec.For for float64, then, if the instruction set's
// spec.ISA.Float32 is set, the float32 twins (DotF32NEON, …). Every
// reduction reproduces the canonical order of package
// github.com/lanes-go/lanes/kernels/generic bit for bit: the L = 256/S
// lanes live in sixteen 128-bit accumulators V0–V15 (register k holds
// lanes kV … kV+V−1, V = 16/S elements per register), the partial last
// block feeds lanes 0 … r−1, and the fold adds whole registers V_k + V_k+w
// for w = 8, 4, 2, 1, then halves V0 down to one lane (lanes 0+1 for
// float64; lanes 0+2 and 1+3, then their sum, for float32) and adds the
// final + 0.
//
// Go 1.26's assembler has no vector FADD, FSUB, FMUL, FMAX or FCMEQ and no
// scalar FADDP or FMAXP; those are emitted as WORD directives from the
// table in encoding.go, each with its mnemonic in a comment.
// encoding_test.go verifies every entry against binutils'
// aarch64-linux-gnu-objdump (Debian binutils-aarch64-linux-gnu) and
// against golang.org/x/arch's arm64asm decoder.
package main

//go:generate go run .

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"strings"

	"github.com/lanes-go/lanes/tools/asmgen/internal/generated"
	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// isa is the instruction set this program generates.
var isa = spec.LookupISA("NEON")

// emitters maps a kernel name from spec.Kernels to the function that emits
// its body. The TEXT line, doc and pragmas are written by main.
var emitters = map[string]func(a *asm, f frame){
	"Dot":         reduceKernel(dotOp),
	"Sum":         reduceKernel(sumOp),
	"SumSqDiff":   reduceKernel(sumSqDiffOp),
	"Axpy":        axpy,
	"Scal":        scal,
	"Asum":        reduceKernel(asumOp),
	"Amax":        reduceKernel(amaxOp),
	"IndexAbs":    indexAbs,
	"ScaledSumSq": reduceKernel(scaledSumSqOp),
	"GemvN":       gemvN,
	"LossGrad":    lossGrad,
	"GemvT":       gemvT,
	"Gram":        gram,
	"ShiftScale":  shiftScale,
	"GramDiag":    gramDiag,
	"DotNorms":    dotNorms,
}

const buildConstraint = "//go:build !purego && !noasm"

// The outputs, from this directory.
const (
	asmFile   = "../../../kernels/internal/arm64/neon_arm64.s"
	stubsFile = "../../../kernels/internal/arm64/neon_arm64.go"
	stubsPkg  = "arm64"
)

func main() {
	out := flag.String("out", asmFile, "assembly output file")
	stubs := flag.String("stubs", stubsFile, "Go declarations output file")
	pkg := flag.String("pkg", stubsPkg, "package name of the declarations")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	text, decls, err := generate(*pkg)
	if err == nil {
		err = os.WriteFile(*out, text, 0o644)
	}
	if err == nil {
		err = os.WriteFile(*stubs, decls, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "neon:", err)
		os.Exit(1)
	}
}

// elems lists the element types this program generates, in the order of
// the output: float64, then float32 once the instruction set has its
// float32 twins (spec.ISA.Float32).
func elems() []elem {
	if isa.Float32 {
		return []elem{float64Elem, float32Elem}
	}
	return []elem{float64Elem}
}

// generate returns the assembly text of every kernel and its Go declarations
// in package pkg, once every kernel has passed check.
func generate(pkg string) (text, decls []byte, err error) {
	header := generated.Header("neon") + "\n\n" + buildConstraint + "\n\n"
	var s, g bytes.Buffer
	s.WriteString(header + "#include \"textflag.h\"\n")
	g.WriteString(header + "package " + pkg + "\n")
	for _, e := range elems() {
		for _, k := range spec.ForISA(e.Elem, isa.Name) {
			emit, ok := emitters[k.Name]
			if !ok {
				return nil, nil, fmt.Errorf("no emitter for kernel %s", k.Name)
			}
			sym := k.Symbol(e.Elem, isa.Name)
			f := layout(k, e)
			a := &asm{e: e, prefix: sym + "_"}
			emit(a, f)
			if err := check(sym, a.b.String()); err != nil {
				return nil, nil, err
			}
			decl := strings.Replace(k.Signature(e.Elem), "func", "func "+sym, 1)
			fmt.Fprintf(&s, "\n// %s\nTEXT ·%s(SB), NOSPLIT, $%d-%d\n%s", decl, sym, a.locals, f.size, a.b.String())
			g.WriteString("\n")
			for _, l := range k.Doc(e.Elem, isa.Name) {
				g.WriteString(strings.TrimRight("// "+l, " ") + "\n")
			}
			fmt.Fprintf(&g, "//\n//go:noescape\n%s\n", decl)
		}
	}
	src, err := format.Source(g.Bytes())
	if err != nil {
		return nil, nil, fmt.Errorf("formatting the declarations: %v\n%s", err, g.Bytes())
	}
	return s.Bytes(), src, nil
}
