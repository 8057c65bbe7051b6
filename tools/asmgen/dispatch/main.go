// Command dispatch generates the dispatch of package
// github.com/lanes-go/lanes/kernels from spec.Kernels and spec.ISAs: for
// every kernel, a function that calls the implementation of a given kind
// directly, and the table of kernels each implementation is built from.
//
//   - direct.go, built everywhere: the struct with one function field per
//     kernel (the fields of kernels.implementation), the constructor that
//     routes each field through its switch, and what each instruction set
//     requires of the CPU;
//   - direct_<GOARCH>.go, for each GOARCH with assembly: the switches that
//     call the assembly of each kind, and generic for any other;
//   - direct_generic.go, for every other build (other GOARCH values,
//     -tags purego or noasm): the switches that call generic only.
//
// The switches make direct calls, so that escape analysis sees the
// assembly's //go:noescape and the generic code: a call through a function
// value would move every caller's stack array to the heap.
package main

//go:generate go run .

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lanes-go/lanes/tools/asmgen/internal/generated"
	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

const genericPkg = "github.com/lanes-go/lanes/kernels/generic"

// elem is the element type of package kernels' functions.
var elem = spec.Float64

// kernelsDir is the directory of package kernels, from this one; the
// float32 switches go to its subdirectory f32.
const kernelsDir = "../../../kernels"

func main() {
	dir := flag.String("dir", kernelsDir, "directory of package kernels")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	for name, src := range files() {
		if err := os.WriteFile(filepath.Join(*dir, name), src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "dispatch:", err)
			os.Exit(1)
		}
	}
}

// files returns the generated files of package kernels, and of package
// kernels/f32 under "f32/", by name, formatted.
func files() map[string][]byte {
	fs := map[string][]byte{"direct.go": direct(), "direct_generic.go": genericOnly(elem)}
	for _, arch := range goarches() {
		fs["direct_"+arch+".go"] = withAssembly(arch, elem)
	}
	fs["f32/direct_generic.go"] = genericOnly(spec.Float32)
	for _, arch := range goarches() {
		fs["f32/direct_"+arch+".go"] = withAssembly(arch, spec.Float32)
	}
	for name, src := range fs {
		out, err := format.Source(src)
		if err != nil {
			panic(fmt.Sprintf("dispatch: %s: %v\n%s", name, err, src))
		}
		fs[name] = out
	}
	return fs
}

// goarches lists the GOARCH values with assembly, in the order of
// spec.ISAs.
func goarches() []string {
	var out []string
	for _, isa := range spec.ISAs {
		if !slices.Contains(out, isa.GOARCH) {
			out = append(out, isa.GOARCH)
		}
	}
	return out
}

// lowerFirst turns a kernel's name into the name of its field, "GemvN"
// into "gemvN".
func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

// kindFunc is the name of the switch of kernel k: "dotKind".
func kindFunc(k spec.Kernel) string { return lowerFirst(k.Name) + "Kind" }

// kindOf is the name of the kind constant of an instruction set.
func kindOf(isa spec.ISA) string { return "kind" + isa.Name }

// decl is the switch's signature: "dotKind(k kind, x, y []float64) float64".
func decl(k spec.Kernel, e spec.Elem, kindParam string) string {
	s := fmt.Sprintf("%s(%s kind, %s)", kindFunc(k), kindParam, k.GoParams(e))
	if r := k.GoResult(e); r != "" {
		s += " " + r
	}
	return s
}

// call is a call of fn with k's arguments: "generic.Dot(x, y)".
func call(fn string, k spec.Kernel) string {
	return fn + "(" + strings.Join(k.Args(), ", ") + ")"
}

// pkgName is the package that holds the kernels of element type e.
func pkgName(e spec.Elem) string {
	if e == spec.Float32 {
		return "f32"
	}
	return "kernels"
}

func header(constraint string, e spec.Elem) *bytes.Buffer {
	b := new(bytes.Buffer)
	b.WriteString(generated.Header("dispatch") + "\n\n")
	if constraint != "" {
		b.WriteString("//go:build " + constraint + "\n\n")
	}
	b.WriteString("package " + pkgName(e) + "\n\n")
	return b
}

// direct is direct.go.
func direct() []byte {
	b := header("", elem)
	b.WriteString("import \"golang.org/x/sys/cpu\"\n\n")
	b.WriteString("// direct holds one function for every kernel of the specification\n")
	b.WriteString("// (tools/asmgen/internal/spec). It is embedded in implementation.\n")
	b.WriteString("type direct struct {\n")
	for _, k := range spec.For(elem) {
		fmt.Fprintf(b, "\t%s %s\n", lowerFirst(k.Name), k.Signature(elem))
	}
	b.WriteString("}\n\n")
	b.WriteString("// directOf returns the kernels of kind k, each routed through the\n")
	b.WriteString("// direct-call switch that the exported function uses, so that tests which\n")
	b.WriteString("// call the fields run exactly what the exported kernels run.\n")
	b.WriteString("func directOf(k kind) direct {\n\treturn direct{\n")
	for _, k := range spec.For(elem) {
		ret := ""
		if k.Result != "" {
			ret = "return "
		}
		args := append([]string{"k"}, k.Args()...)
		fmt.Fprintf(b, "\t\t%s: %s { %s%s(%s) },\n", lowerFirst(k.Name), k.Signature(elem), ret, kindFunc(k), strings.Join(args, ", "))
	}
	b.WriteString("\t}\n}\n\n")
	b.WriteString("// asmTarget returns the GOARCH the assembly of kind k is built for and\n")
	b.WriteString("// the CPU features it requires beyond that GOARCH's baseline, as\n")
	b.WriteString("// golang.org/x/sys/cpu reports them; \"\" and none for generic.\n")
	b.WriteString("func asmTarget(k kind) (goarch string, requires []feature) {\n\tswitch k {\n")
	for _, isa := range spec.ISAs {
		var fs []string
		for _, f := range isa.Requires {
			fs = append(fs, fmt.Sprintf("{%q, &cpu.%s}", f.Name, f.Go))
		}
		fmt.Fprintf(b, "\tcase %s:\n\t\treturn %q, []feature{%s}\n", kindOf(isa), isa.GOARCH, strings.Join(fs, ", "))
	}
	b.WriteString("\t}\n\treturn \"\", nil\n}\n")
	return b.Bytes()
}

// withAssembly is direct_<arch>.go for element type e: a switch per
// kernel over the instruction sets of arch that generate e, generic for
// any other kind.
func withAssembly(arch string, e spec.Elem) []byte {
	var isas []spec.ISA
	for _, isa := range spec.ISAs {
		if isa.GOARCH == arch && (e != spec.Float32 || isa.Float32) {
			isas = append(isas, isa)
		}
	}
	b := header("!purego && !noasm", e)
	if len(isas) > 0 {
		fmt.Fprintf(b, "import (\n\t%q\n\t%q\n)\n\n", isas[0].Package(), genericPkg)
	} else {
		fmt.Fprintf(b, "import %q\n\n", genericPkg)
	}
	b.WriteString("// asmBuilt reports that this build has the assembly of its GOARCH.\n")
	b.WriteString("const asmBuilt = true\n\n")
	b.WriteString("// Each switch calls the kernel of kind k directly, so that escape analysis\n")
	b.WriteString("// sees the assembly's //go:noescape and the generic code (see impl.go).\n")
	for _, k := range spec.For(e) {
		ref := "generic." + k.Name + e.Infix
		var emitting []spec.ISA
		for _, isa := range isas {
			if k.EmittedBy(isa.Name) {
				emitting = append(emitting, isa)
			}
		}
		if len(emitting) == 0 {
			fmt.Fprintf(b, "\nfunc %s { %s%s }\n", decl(k, e, "_"), returnIf(k), call(ref, k))
			continue
		}
		fmt.Fprintf(b, "\nfunc %s {\n\tswitch k {\n", decl(k, e, "k"))
		for _, isa := range emitting {
			fn := filepath.Base(isa.Package()) + "." + k.Symbol(e, isa.Name)
			fmt.Fprintf(b, "\tcase %s:\n\t\t%s%s\n", kindOf(isa), returnIf(k), call(fn, k))
		}
		if k.Result != "" {
			fmt.Fprintf(b, "\t}\n\treturn %s\n}\n", call(ref, k))
		} else {
			fmt.Fprintf(b, "\tdefault:\n\t\t%s\n\t}\n}\n", call(ref, k))
		}
	}
	return b.Bytes()
}

// returnIf is "return " for a kernel with a result.
func returnIf(k spec.Kernel) string {
	if k.Result != "" {
		return "return "
	}
	return ""
}

// genericOnly is direct_generic.go for element type e: every kind runs
// generic.
func genericOnly(e spec.Elem) []byte {
	b := header("!("+strings.Join(goarches(), " || ")+") || purego || noasm", e)
	fmt.Fprintf(b, "import %q\n\n", genericPkg)
	b.WriteString("// asmBuilt reports that this build has no assembly.\n")
	b.WriteString("const asmBuilt = false\n")
	for _, k := range spec.For(e) {
		fmt.Fprintf(b, "\nfunc %s { %s%s }\n", decl(k, e, "_"), returnIf(k), call("generic."+k.Name+e.Infix, k))
	}
	return b.Bytes()
}
