package main

import "github.com/lanes-go/lanes/tools/asmgen/internal/spec"

// elem is an element type with its NEON spellings.
type elem struct {
	spec.Elem
	arr    string // Go arrangement of a full register: "D2"
	lane   string // Go lane suffix for indexing: "D"
	gnuArr string // binutils arrangement, the key of the encoding table
	fmov   string // scalar load and store
	fmadd  string // scalar fused multiply-add
	fmul   string // scalar multiply
	fadd   string // scalar add
	fsub   string // scalar subtract
	fabs   string // scalar absolute value
	fcmp   string // scalar compare
}

// absMask is an element with every bit but the sign set: x AND absMask is
// |x|, bit for bit what math.Abs does.
func (e elem) absMask() uint64 { return 1<<(8*e.Size-1) - 1 }

// perReg is the number of elements in one 128-bit register.
func (e elem) perReg() int { return 16 / e.Size }

var float64Elem = elem{
	Elem: spec.Float64,
	arr:  "D2", lane: "D", gnuArr: "2d",
	fmov: "FMOVD", fmadd: "FMADDD", fmul: "FMULD", fadd: "FADDD", fsub: "FSUBD",
	fabs: "FABSD", fcmp: "FCMPD",
}

// float32Elem is the float32 description, for the kernels of
// spec.For(spec.Float32). The kernels without a float32 twin (LossGrad,
// Gram, ShiftScale, GramDiag) still assume two elements per register in
// their tails, and mustPairs says so if one is used for float32.
var float32Elem = elem{
	Elem: spec.Float32,
	arr:  "S4", lane: "S", gnuArr: "4s",
	fmov: "FMOVS", fmadd: "FMADDS", fmul: "FMULS", fadd: "FADDS", fsub: "FSUBS",
	fabs: "FABSS", fcmp: "FCMPS",
}

// mustPairs stops the generator for an element type whose registers do
// not hold exactly two elements, which the tails of the kernels without a
// float32 twin rely on.
func (e elem) mustPairs(kernel string) {
	if e.perReg() != 2 {
		panic("neon: " + kernel + " is written for two elements per register, not " + e.GoType)
	}
}
