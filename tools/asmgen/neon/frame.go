package main

import (
	"fmt"
	"strings"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// frame is the ABI0 argument layout of a kernel: the name+offset of every
// argument word, as go vet's asmdecl check expects them.
type frame struct {
	slots map[string]int // "x_base" → 0, "alpha" → 0, "ret" → 48
	size  int            // bytes of arguments and results
}

// layout parses a spec parameter list such as "m, n int, a []T, lda int"
// and lays it out on a 64-bit target: slices are base, len, cap words,
// scalars are aligned to their size, and the results start at the next
// pointer-aligned offset. A single unnamed result ("T", "int") is "ret",
// as asmdecl names it; a parenthesised list of named results such as
// "(ssr, sr T)" is laid out like parameters, under its own names.
func layout(k spec.Kernel, e elem) frame {
	f := frame{slots: map[string]int{}}
	off := 0
	place := func(name string, size int) {
		off = (off + size - 1) / size * size
		f.slots[name] = off
		off += size
	}
	// list lays out a Go parameter list, names grouped before their type.
	list := func(what, params string) {
		ps, err := spec.ParseParams(params)
		if err != nil {
			panic(fmt.Sprintf("neon: %s: %s: %v", k.Name, what, err))
		}
		for _, p := range ps {
			_, dup := f.slots[p.Name]
			if _, slice := f.slots[p.Name+"_base"]; dup || slice {
				panic(fmt.Sprintf("neon: %s: %s %q named twice", k.Name, what, p.Name))
			}
			switch p.Type {
			case "[]T":
				place(p.Name+"_base", 8)
				place(p.Name+"_len", 8)
				place(p.Name+"_cap", 8)
			case "T":
				place(p.Name, e.Size)
			case "int":
				place(p.Name, 8)
			default:
				panic(fmt.Sprintf("neon: %s: %s type %q", k.Name, what, p.Type))
			}
		}
	}
	list("parameter", k.Params)
	off = (off + 7) / 8 * 8
	switch r := k.Result; {
	case r == "":
	case r == "T":
		place("ret", e.Size)
	case r == "int":
		place("ret", 8)
	case strings.HasPrefix(r, "(") && strings.HasSuffix(r, ")"):
		list("result", r[1:len(r)-1])
	default:
		panic(fmt.Sprintf("neon: %s: result type %q", k.Name, k.Result))
	}
	f.size = off
	return f
}

// arg returns the operand that names an argument word: "x_len+8(FP)".
func (f frame) arg(name string) string {
	off, ok := f.slots[name]
	if !ok {
		panic("neon: no argument " + name)
	}
	return fmt.Sprintf("%s+%d(FP)", name, off)
}
