package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/x86"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

type (
	// vop is an instruction emitter with a variable operand list, such as
	// gen.add.
	vop = func(ops ...operand.Op)

	instFn  func(ops ...operand.Op) (*ir.Instruction, error)
	instFn2 func(a, b operand.Op) (*ir.Instruction, error)
	instFn3 func(a, b, c operand.Op) (*ir.Instruction, error)
)

// elem is the element type the kernels are generated for: its size (through
// spec.Elem) and the packed and scalar instructions that operate on it,
// emitted through the gen methods of the same names.
type elem struct {
	spec.Elem

	// Packed (YMM/XMM) instructions, in Go operand order (sources first,
	// destination last).
	movu      instFn  // unaligned load/store
	add       instFn  // add(a, b, dst): dst = b + a
	sub       instFn  // sub(a, b, dst): dst = b − a
	mul       instFn  // mul(a, b, dst): dst = b·a
	fma231    instFn  // fma231(a, b, dst): dst = a·b + dst, rounded once
	fma213    instFn  // fma213(a, b, dst): dst = b·dst + a, rounded once
	broadcast instFn  // scalar from memory or XMM to every lane
	xor       instFn  // zeroing idiom
	and       instFn  // bitwise and
	or        instFn  // bitwise or
	max       instFn  // max(a, b, dst): dst = b > a ? b : a, so a if either is NaN
	cmp       instFn  // cmp(pred, a, b, dst): dst lanes all ones where b pred a
	movMsk    instFn2 // movMsk(src, r): the sign bit of each lane, lane 0 in bit 0
	maskMov   instFn3 // maskMov(src, mask, dst); masked lanes load 0 and are not stored
	// allOnes(a, a, dst) sets dst to all ones (an integer compare of a with
	// itself); shrLanes(n, a, dst) shifts each lane of a right by n bits.
	allOnes  instFn
	shrLanes instFn

	// Scalar instructions.
	movS    instFn
	addS    instFn
	subS    instFn
	mulS    instFn
	fma213S instFn
	maxS    instFn
}

// f64 is float64: four lanes per YMM register.
var f64 = elem{
	Elem:      spec.Float64,
	movu:      x86.VMOVUPD,
	add:       x86.VADDPD,
	sub:       x86.VSUBPD,
	mul:       x86.VMULPD,
	fma231:    x86.VFMADD231PD,
	fma213:    x86.VFMADD213PD,
	broadcast: x86.VBROADCASTSD,
	xor:       x86.VXORPD,
	and:       x86.VANDPD,
	or:        x86.VORPD,
	max:       x86.VMAXPD,
	cmp:       x86.VCMPPD,
	movMsk:    x86.VMOVMSKPD,
	maskMov:   x86.VMASKMOVPD,
	allOnes:   x86.VPCMPEQQ,
	shrLanes:  x86.VPSRLQ,
	movS:      x86.VMOVSD,
	addS:      x86.VADDSD,
	subS:      x86.VSUBSD,
	mulS:      x86.VMULSD,
	fma213S:   x86.VFMADD213SD,
	maxS:      x86.VMAXSD,
}

// f32 is float32: eight lanes per YMM register. It generates the kernels
// of spec.For(spec.Float32) (DotF32AVX2 …) once isa.Float32 is set. The
// float64-only kernels (LossGrad, Gram, ShiftScale, GramDiag) are not
// generated for it; LossGrad's fold in particular is still written for
// two elements per XMM register (see foldXMM for the general one).
var f32 = elem{
	Elem:      spec.Float32,
	movu:      x86.VMOVUPS,
	add:       x86.VADDPS,
	sub:       x86.VSUBPS,
	mul:       x86.VMULPS,
	fma231:    x86.VFMADD231PS,
	fma213:    x86.VFMADD213PS,
	broadcast: x86.VBROADCASTSS,
	xor:       x86.VXORPS,
	and:       x86.VANDPS,
	or:        x86.VORPS,
	max:       x86.VMAXPS,
	cmp:       x86.VCMPPS,
	movMsk:    x86.VMOVMSKPS,
	maskMov:   x86.VMASKMOVPS,
	allOnes:   x86.VPCMPEQD,
	shrLanes:  x86.VPSRLD,
	movS:      x86.VMOVSS,
	addS:      x86.VADDSS,
	subS:      x86.VSUBSS,
	mulS:      x86.VMULSS,
	fma213S:   x86.VFMADD213SS,
	maxS:      x86.VMAXSS,
}

// PerVec is the number of elements in one YMM register.
func (e elem) PerVec() int { return vecBytes / e.Size }

// Shift is log2(Size), for turning element counts into byte counts.
func (e elem) Shift() uint64 { return log2(e.Size) }

// Scale is Size as an address scale factor.
func (e elem) Scale() uint8 { return uint8(e.Size) }

func log2(v int) uint64 {
	for s := uint64(0); s < 63; s++ {
		if 1<<s == v {
			return s
		}
	}
	panic(fmt.Sprintf("log2(%d): not a power of two", v))
}

// gen emits one function for one element type.
type gen struct {
	*build.Context
	e    elem
	name string // the symbol, for error messages
	// mask is the partial-register mask table: PerVec all-ones elements
	// followed by PerVec zero elements. The mask whose first p lanes are
	// set starts p elements before the middle.
	mask operand.Mem
	// gramMask is the table of the masks of Gram (gramMaskTable).
	gramMask operand.Mem
}

// inst adds an instruction built by package x86, which fails only if
// the generator passed operands of the wrong kinds.
func (g *gen) inst(i *ir.Instruction, err error) {
	if err != nil {
		panic(fmt.Sprintf("%s: %v", g.name, err))
	}
	g.Instruction(i)
}

func (g *gen) movu(ops ...operand.Op)      { g.inst(g.e.movu(ops...)) }
func (g *gen) add(ops ...operand.Op)       { g.inst(g.e.add(ops...)) }
func (g *gen) sub(ops ...operand.Op)       { g.inst(g.e.sub(ops...)) }
func (g *gen) mul(ops ...operand.Op)       { g.inst(g.e.mul(ops...)) }
func (g *gen) fma231(ops ...operand.Op)    { g.inst(g.e.fma231(ops...)) }
func (g *gen) fma213(ops ...operand.Op)    { g.inst(g.e.fma213(ops...)) }
func (g *gen) broadcast(ops ...operand.Op) { g.inst(g.e.broadcast(ops...)) }
func (g *gen) xor(ops ...operand.Op)       { g.inst(g.e.xor(ops...)) }
func (g *gen) and(ops ...operand.Op)       { g.inst(g.e.and(ops...)) }
func (g *gen) or(ops ...operand.Op)        { g.inst(g.e.or(ops...)) }
func (g *gen) max(ops ...operand.Op)       { g.inst(g.e.max(ops...)) }
func (g *gen) cmp(ops ...operand.Op)       { g.inst(g.e.cmp(ops...)) }
func (g *gen) movMsk(src, r operand.Op)    { g.inst(g.e.movMsk(src, r)) }
func (g *gen) maskMov(src, mask, dst operand.Op) {
	g.inst(g.e.maskMov(src, mask, dst))
}
func (g *gen) allOnes(ops ...operand.Op)  { g.inst(g.e.allOnes(ops...)) }
func (g *gen) shrLanes(ops ...operand.Op) { g.inst(g.e.shrLanes(ops...)) }
func (g *gen) movS(ops ...operand.Op)     { g.inst(g.e.movS(ops...)) }
func (g *gen) addS(ops ...operand.Op)     { g.inst(g.e.addS(ops...)) }
func (g *gen) subS(ops ...operand.Op)     { g.inst(g.e.subS(ops...)) }
func (g *gen) mulS(ops ...operand.Op)     { g.inst(g.e.mulS(ops...)) }
func (g *gen) fma213S(ops ...operand.Op)  { g.inst(g.e.fma213S(ops...)) }
func (g *gen) maxS(ops ...operand.Op)     { g.inst(g.e.maxS(ops...)) }
