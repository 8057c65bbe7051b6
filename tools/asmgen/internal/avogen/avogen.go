// Package avogen is what the avo generators (avx2, avx512 and xstate)
// share: the command line, the build context, the check pass that every
// kernel must pass before anything is written, and the printing of the
// assembly and its Go declarations under the common header.
package avogen

import (
	"flag"
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"

	"github.com/lanes-go/lanes/tools/asmgen/internal/generated"
	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// Files names the outputs of a generator, as paths from its directory.
type Files struct {
	Asm   string // the assembly
	Stubs string // the Go declarations
	Pkg   string // their package
}

// Main runs a generator: it lets emit fill a build context, compiles the
// result, runs check on every function if check is not nil, and writes
// both files only if all of that succeeded. dir is the generator's
// directory under tools/asmgen, for the header. The flags -out, -stubs and
// -pkg override files.
func Main(dir string, files Files, check func(*ir.Function) error, emit func(ctx *build.Context) error) {
	// Package build registers flags of the same names on flag.CommandLine
	// for its global API, which this program does not use.
	fs := flag.NewFlagSet(dir, flag.ExitOnError)
	fs.StringVar(&files.Asm, "out", files.Asm, "assembly output file")
	fs.StringVar(&files.Stubs, "stubs", files.Stubs, "Go declarations output file")
	fs.StringVar(&files.Pkg, "pkg", files.Pkg, "package name of the declarations")
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fs.Usage()
		os.Exit(2)
	}
	asm, stubs, err := Generate(dir, files.Pkg, check, emit)
	if err == nil {
		err = os.WriteFile(files.Asm, asm, 0o644)
	}
	if err == nil {
		err = os.WriteFile(files.Stubs, stubs, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", dir, err)
		os.Exit(1)
	}
}

// Generate returns what Main writes: the assembly and the Go declarations
// in package pkg.
func Generate(dir, pkg string, check func(*ir.Function) error, emit func(ctx *build.Context) error) (asm, stubs []byte, err error) {
	ctx := build.NewContext()
	// Every file is left out by -tags purego or noasm. avo parses the old
	// "+build" syntax (comma is and) and prints "//go:build !purego && !noasm".
	ctx.ConstraintExpr("!purego,!noasm")
	if err := emit(ctx); err != nil {
		return nil, nil, err
	}
	f, err := ctx.Result()
	if err != nil {
		return nil, nil, err
	}
	passes := []pass.Interface{pass.Compile}
	if check != nil {
		passes = append(passes, pass.FunctionPass(check))
	}
	if err := pass.Concat(passes...).Execute(f); err != nil {
		return nil, nil, err
	}
	cfg := printer.Config{Name: generated.By(dir), Pkg: pkg}
	if asm, err = printer.NewGoAsm(cfg).Print(f); err != nil {
		return nil, nil, err
	}
	if stubs, err = printer.NewStubs(cfg).Print(f); err != nil {
		return nil, nil, err
	}
	return asm, stubs, nil
}

// Function starts the function of kernel k for element type e in ctx: the
// TEXT line, the signature and the doc comment of its declaration, and
// //go:noescape. It returns the symbol.
func Function(ctx *build.Context, k spec.Kernel, e spec.Elem, isa spec.ISA) string {
	sym := k.Symbol(e, isa.Name)
	ctx.Function(sym)
	ctx.Attributes(attr.NOSPLIT)
	ctx.SignatureExpr(k.Signature(e))
	ctx.Doc(k.Doc(e, isa.Name)...)
	// The kernels keep no pointer to their slices; without this the
	// compiler moves every caller's stack array to the heap.
	ctx.Pragma("noescape")
	return sym
}

// Kernels starts the function of every kernel of spec.ForISA(e, isa) for element
// type e in turn and calls the emitter registered under the kernel's name
// to write its body. A kernel without an emitter is an error.
func Kernels[G any](ctx *build.Context, isa spec.ISA, e spec.Elem, emitters map[string]func(G), newGen func(sym string) G) error {
	for _, k := range spec.ForISA(e, isa.Name) {
		emit, ok := emitters[k.Name]
		if !ok {
			return fmt.Errorf("no %s emitter for kernel %s", isa.Name, k.Name)
		}
		emit(newGen(Function(ctx, k, e, isa)))
	}
	return nil
}

// UpToDate compares what Generate gives with the files in the tree and
// returns an error naming the first that differs: the test of each
// generator calls it, so that a generator changed but not rerun fails its
// tests, not only CI's check of the tree.
func UpToDate(dir string, files Files, check func(*ir.Function) error, emit func(ctx *build.Context) error) error {
	asm, stubs, err := Generate(dir, files.Pkg, check, emit)
	if err != nil {
		return err
	}
	for path, want := range map[string][]byte{files.Asm: asm, files.Stubs: stubs} {
		if err := generated.Same(path, want); err != nil {
			return err
		}
	}
	return nil
}
