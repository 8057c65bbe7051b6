package main

import "fmt"

// Go 1.26's arm64 assembler knows VFMLA but not the vector forms of FADD,
// FSUB, FMUL, FMAX and FCMEQ, nor the scalar pairwise FADDP and FMAXP, so
// the generator writes those as WORD directives. Every such word comes
// from this table, and encoding_test.go checks each entry against two
// decoders that share no code with it: binutils'
// aarch64-linux-gnu-objdump and golang.org/x/arch/arm64/arm64asm.

// form is the operand layout of an encoded instruction.
type form uint8

const (
	// threeSame is "op Vd.T, Vn.T, Vm.T": Vd = Vn op Vm, lane by lane.
	threeSame form = iota
	// pairScalar is "op Dd, Vn.2D" (or Sd, Vn.2S): the sum of the two
	// lowest lanes of Vn, written to the scalar register d.
	pairScalar
)

// encoding is one instruction the assembler lacks.
type encoding struct {
	mnemonic string // as binutils prints it: "fadd"
	arr      string // arrangement as binutils prints it: "2d", "4s", "2s"
	form     form
	// base is the instruction word with every register field zero.
	base uint32
}

// encodings is the table. The base words are from the Arm A64 encoding
// index ("Advanced SIMD three same" and "Advanced SIMD scalar pairwise"),
// with sz selecting double or single precision.
var encodings = []encoding{
	{"fadd", "2d", threeSame, 0x4e60d400},
	{"fadd", "4s", threeSame, 0x4e20d400},
	{"fsub", "2d", threeSame, 0x4ee0d400},
	{"fsub", "4s", threeSame, 0x4ea0d400},
	{"fmul", "2d", threeSame, 0x6e60dc00},
	{"fmul", "4s", threeSame, 0x6e20dc00},
	{"fmax", "2d", threeSame, 0x4e60f400},
	{"fmax", "4s", threeSame, 0x4e20f400},
	// fcmeq (register): all ones in each lane where Vn == Vm as numbers,
	// so fcmeq x, x is all ones exactly where x is not NaN.
	{"fcmeq", "2d", threeSame, 0x4e60e400},
	{"fcmeq", "4s", threeSame, 0x4e20e400},
	{"faddp", "2d", pairScalar, 0x7e70d800},
	{"faddp", "2s", pairScalar, 0x7e30d800},
	{"fmaxp", "2d", pairScalar, 0x7e70f800},
	{"fmaxp", "2s", pairScalar, 0x7e30f800},
}

// lookup returns the table entry for a mnemonic and arrangement.
func lookup(mnemonic, arr string) encoding {
	for _, e := range encodings {
		if e.mnemonic == mnemonic && e.arr == arr {
			return e
		}
	}
	panic(fmt.Sprintf("neon: no encoding for %s.%s", mnemonic, arr))
}

// encode returns the instruction word for registers d, n and m (m is
// ignored by pairScalar).
func (e encoding) encode(d, n, m int) uint32 {
	for _, r := range []int{d, n, m} {
		if r < 0 || r > 31 {
			panic(fmt.Sprintf("neon: register V%d out of range", r))
		}
	}
	w := e.base | uint32(n)<<5 | uint32(d)
	if e.form == threeSame {
		w |= uint32(m) << 16
	}
	return w
}

// text returns the instruction as binutils disassembles it, for the
// comment beside the WORD and for the test.
func (e encoding) text(d, n, m int) string {
	switch e.form {
	case threeSame:
		return fmt.Sprintf("%s v%d.%s, v%d.%s, v%d.%s", e.mnemonic, d, e.arr, n, e.arr, m, e.arr)
	case pairScalar:
		s := "d"
		if e.arr == "2s" {
			s = "s"
		}
		return fmt.Sprintf("%s %s%d, v%d.%s", e.mnemonic, s, d, n, e.arr)
	}
	panic("neon: unknown form")
}
