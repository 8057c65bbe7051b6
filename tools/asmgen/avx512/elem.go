package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
	"github.com/mmcloughlin/avo/x86"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

type (
	instFn   func(ops ...operand.Op) (*ir.Instruction, error)
	instFn3  func(a, b, c operand.Op) (*ir.Instruction, error)
	instFn4  func(a, b, c, d operand.Op) (*ir.Instruction, error)
	foldStep func(g *gen, x, tmp reg.Register)
)

// elem is an element type with the instructions that depend on it:
// float64Elem (the PD/SD forms, 8 elements per ZMM register) and
// float32Elem (the PS/SS forms, 16 elements, and a fold128 with one more
// halving step).
// Instructions that only move bits between registers (VXORPD to clear a
// register, VEXTRACTF64X4, VEXTRACTF128) serve both: unmasked, they do not
// depend on the element size.
type elem struct {
	spec.Elem

	movu   instFn  // VMOVUPD
	movuZ  instFn3 // VMOVUPD.Z (zero-masking load)
	add    instFn  // VADDPD
	sub    instFn  // VSUBPD
	subZ   instFn4 // VSUBPD.Z
	mul    instFn  // VMULPD
	mulZ   instFn4 // VMULPD.Z
	fma231 instFn  // VFMADD231PD: acc = a*b + acc
	bcast  instFn  // VBROADCASTSD
	max    instFn  // VMAXPD
	cmp    instFn  // VCMPPD
	andZ   instFn4 // VPANDQ.Z: bitwise, so it needs only AVX-512F, unlike VANDPD
	and    instFn  // VPANDQ
	// bcastGP broadcasts a general-purpose register (VPBROADCASTQ).
	bcastGP instFn
	// Scalar forms, on the low element of an XMM register.
	addS, subS, mulS, fma231S, movS instFn
	// bcastX broadcasts the low element of an XMM register over an XMM
	// register with VEX encoding (VMOVDDUP; VBROADCASTSS, AVX2), which
	// needs no AVX512VL.
	bcastX instFn
	// absMask has every bit but the sign bit of one element set.
	absMask uint64
	// fold128 folds the lanes of the 128-bit register x into its lowest
	// lane with the halving tree, using tmp.
	fold128 foldStep
	// max128 is fold128 with max in place of +.
	max128 foldStep
}

var float64Elem = elem{
	Elem:    spec.Float64,
	movu:    x86.VMOVUPD,
	movuZ:   x86.VMOVUPD_Z,
	add:     x86.VADDPD,
	sub:     x86.VSUBPD,
	subZ:    x86.VSUBPD_Z,
	mul:     x86.VMULPD,
	mulZ:    x86.VMULPD_Z,
	fma231:  x86.VFMADD231PD,
	bcast:   x86.VBROADCASTSD,
	max:     x86.VMAXPD,
	cmp:     x86.VCMPPD,
	and:     x86.VPANDQ,
	andZ:    x86.VPANDQ_Z,
	bcastGP: x86.VPBROADCASTQ,
	addS:    x86.VADDSD,
	subS:    x86.VSUBSD,
	mulS:    x86.VMULSD,
	fma231S: x86.VFMADD231SD,
	movS:    x86.VMOVSD,
	bcastX:  x86.VMOVDDUP,
	absMask: 1<<63 - 1,
	fold128: func(g *gen, x, tmp reg.Register) {
		// acc[0] = acc[0] + acc[1].
		g.inst(x86.VPERMILPD(operand.U8(1), x, tmp))
		g.inst(x86.VADDSD(tmp, x, x))
	},
	max128: func(g *gen, x, tmp reg.Register) {
		g.inst(x86.VPERMILPD(operand.U8(1), x, tmp))
		g.inst(x86.VMAXSD(tmp, x, x))
	},
}

// float32Elem has 16 elements per ZMM register and 16-bit masks, so every
// mask fits KMOVW as the float64 ones do.
var float32Elem = elem{
	Elem:    spec.Float32,
	movu:    x86.VMOVUPS,
	movuZ:   x86.VMOVUPS_Z,
	add:     x86.VADDPS,
	sub:     x86.VSUBPS,
	subZ:    x86.VSUBPS_Z,
	mul:     x86.VMULPS,
	mulZ:    x86.VMULPS_Z,
	fma231:  x86.VFMADD231PS,
	bcast:   x86.VBROADCASTSS,
	max:     x86.VMAXPS,
	cmp:     x86.VCMPPS,
	and:     x86.VPANDD,
	andZ:    x86.VPANDD_Z, // dword granules: a masked-off element is not read
	bcastGP: x86.VPBROADCASTD,
	addS:    x86.VADDSS,
	subS:    x86.VSUBSS,
	mulS:    x86.VMULSS,
	fma231S: x86.VFMADD231SS,
	movS:    x86.VMOVSS,
	bcastX:  x86.VBROADCASTSS,
	absMask: 1<<31 - 1,
	fold128: func(g *gen, x, tmp reg.Register) {
		// (acc[0], acc[1], acc[2], acc[3]): acc[j] = acc[j] + acc[j+2],
		// then acc[0] = acc[0] + acc[1]. The upper lanes of tmp and x
		// are left with values nothing reads.
		g.inst(x86.VMOVHLPS(x, x, tmp))
		g.inst(x86.VADDPS(tmp, x, x))
		g.inst(x86.VMOVSHDUP(x, tmp))
		g.inst(x86.VADDSS(tmp, x, x))
	},
	max128: func(g *gen, x, tmp reg.Register) {
		g.inst(x86.VMOVHLPS(x, x, tmp))
		g.inst(x86.VMAXPS(tmp, x, x))
		g.inst(x86.VMOVSHDUP(x, tmp))
		g.inst(x86.VMAXSS(tmp, x, x))
	},
}

// V is the number of elements in one ZMM register.
func (e elem) V() int { return 64 / e.Size }

// fullMask is the opmask value selecting every element of a register.
func (e elem) fullMask() int { return 1<<e.V() - 1 }

// gen emits one function.
type gen struct {
	*build.Context
	e    elem
	name string // symbol, prefix of labels
}

func (g *gen) inst(i *ir.Instruction, err error) {
	if err != nil {
		panic(fmt.Sprintf("%s: %v", g.name, err))
	}
	g.Instruction(i)
}

func (g *gen) movu(ops ...operand.Op)   { g.inst(g.e.movu(ops...)) }
func (g *gen) movuZ(m, k, z operand.Op) { g.inst(g.e.movuZ(m, k, z)) }
func (g *gen) add(ops ...operand.Op)    { g.inst(g.e.add(ops...)) }
func (g *gen) sub(ops ...operand.Op)    { g.inst(g.e.sub(ops...)) }
func (g *gen) subZ(a, b, k, d operand.Op) {
	g.inst(g.e.subZ(a, b, k, d))
}
func (g *gen) mul(ops ...operand.Op) { g.inst(g.e.mul(ops...)) }
func (g *gen) mulZ(a, b, k, d operand.Op) {
	g.inst(g.e.mulZ(a, b, k, d))
}
func (g *gen) fma231(ops ...operand.Op) { g.inst(g.e.fma231(ops...)) }
func (g *gen) bcast(ops ...operand.Op)  { g.inst(g.e.bcast(ops...)) }
func (g *gen) max(ops ...operand.Op)    { g.inst(g.e.max(ops...)) }
func (g *gen) cmp(ops ...operand.Op)    { g.inst(g.e.cmp(ops...)) }
func (g *gen) and(ops ...operand.Op)    { g.inst(g.e.and(ops...)) }
func (g *gen) andZ(a, b, k, d operand.Op) {
	g.inst(g.e.andZ(a, b, k, d))
}

// loadAbsMask broadcasts absMask into dst, clobbering DX: ANDing an
// element with it clears the sign bit, which is exactly math.Abs (NaN
// included, payload kept).
func (g *gen) loadAbsMask(dst reg.VecPhysical) {
	g.MOVQ(operand.U64(g.e.absMask), reg.RDX)
	var src reg.Register = reg.RDX
	if g.e.Size == 4 {
		src = reg.EDX // VPBROADCASTD takes a 32-bit register
	}
	g.inst(g.e.bcastGP(src, dst))
}

// label returns a function-local label name.
func (g *gen) label(s string, args ...any) string {
	return g.name + "_" + fmt.Sprintf(s, args...)
}

func (g *gen) at(s string, args ...any) { g.Label(g.label(s, args...)) }

func (g *gen) ref(s string, args ...any) operand.LabelRef {
	return operand.LabelRef(g.label(s, args...))
}

// mem addresses base + index*S + disp (index may be nil).
func (g *gen) mem(base, index reg.Register, disp int) operand.Mem {
	m := operand.Mem{Base: base, Disp: disp}
	if index != nil {
		m.Index = index
		m.Scale = uint8(g.e.Size)
	}
	return m
}

// z returns ZMM register i; only Z0–Z15 are ever used.
func z(i int) reg.VecPhysical {
	if i < 0 || i > 15 {
		panic(fmt.Sprintf("Z%d outside Z0-Z15", i))
	}
	return []reg.VecPhysical{
		reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
		reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
	}[i]
}

// zero clears ZMM register i (the VEX-encoded XOR of its XMM part clears
// the whole register and needs no AVX-512DQ).
func (g *gen) zero(i int) {
	x := z(i).AsX()
	g.VXORPD(x, x, x)
}

// loadTailMask sets k to select the elements of the final chunk of a
// partial block of r elements (1 ≤ r): (r−1) mod V + 1 elements, that is
// fullMask >> ((−r) mod V). It clobbers CX and tmp.
func (g *gen) loadTailMask(r, tmp reg.GPPhysical, k reg.OpmaskPhysical) {
	g.MOVL(r.As32(), reg.ECX)
	g.NEGL(reg.ECX)
	g.ANDL(operand.U32(g.e.V()-1), reg.ECX)
	g.MOVL(operand.U32(g.e.fullMask()), tmp.As32())
	g.SHRL(reg.CL, tmp.As32())
	g.KMOVW(tmp.As32(), k)
}

// tailChain emits the canonical partial block: r (1 ≤ r < L, in a
// register) elements remain. Whole chunks c = 0, 1, … are processed
// unmasked, then the final r mod V elements, if any, as chunk r/V masked
// with the tail mask (which must select r mod V elements). chunk(c,
// masked) emits chunk c. When the last chunk touched is c, the chain ends
// by jumping to done(c).
func (g *gen) tailChain(prefix string, r reg.Register, done func(last int) string, chunk func(c int, masked bool)) {
	const n = 4 // chunks in a block
	V := g.e.V()
	for c := 0; c < n-1; c++ {
		g.CMPQ(r, operand.U32((c+1)*V))
		g.JB(g.ref("%s_part%d", prefix, c))
		chunk(c, false)
	}
	for c := n - 1; c >= 0; c-- {
		// r is in [cV, (c+1)V): chunks 0 … c−1 are done.
		g.at("%s_part%d", prefix, c)
		if c > 0 {
			g.TESTL(operand.U32(V-1), r.(reg.GPPhysical).As32())
			g.JZ(g.ref("%s", done(c-1)))
		}
		chunk(c, true)
		g.JMP(g.ref("%s", done(c)))
	}
}

// to returns a done function for tailChain that always jumps to label.
func to(label string) func(int) string { return func(int) string { return label } }

// foldRegs adds the four accumulators of each row into the first, with
// the first two levels of the halving tree (z0+z2, z1+z3; z0+z1). accs[r][k]
// is register k of row r.
func (g *gen) foldRegs(accs [][4]int) {
	for _, a := range accs { // w = 2 registers: z0+z2, z1+z3
		g.add(z(a[2]), z(a[0]), z(a[0]))
		g.add(z(a[3]), z(a[1]), z(a[1]))
	}
	for _, a := range accs { // w = 1 register: z0+z1
		g.add(z(a[1]), z(a[0]), z(a[0]))
	}
}

// foldZMM folds ZMM register accs[r] of each row into its lowest lane,
// rows in lockstep; tmps[r] is a scratch register for row r and zero one
// more, shared.
//
// The canonical result is the folded sum plus +0, so that it is never −0.
// A sum is −0 only if both addends are, and x + (+0) differs from x only
// for x = −0, so adding +0 to any one partial sum of the tree gives the
// same bits as adding it to the result. It is added to the low 256 bits
// while VEXTRACTF64X4 fetches the high ones, off the critical path.
func (g *gen) foldZMM(accs []int, tmps []int, zero int) {
	g.zero(zero)
	for r, a := range accs { // 512 → 256 bits, low half plus +0
		g.VEXTRACTF64X4(operand.U8(1), z(a), z(tmps[r]).AsY())
		g.add(z(zero).AsY(), z(a).AsY(), z(a).AsY())
	}
	for r, a := range accs {
		g.add(z(tmps[r]).AsY(), z(a).AsY(), z(a).AsY())
	}
	for r, a := range accs { // 256 → 128 bits
		g.VEXTRACTF128(operand.U8(1), z(a).AsY(), z(tmps[r]).AsX())
	}
	for r, a := range accs {
		g.add(z(tmps[r]).AsX(), z(a).AsX(), z(a).AsX())
	}
	for r, a := range accs { // within 128 bits
		g.e.fold128(g, z(a).AsX(), z(tmps[r]).AsX())
	}
}

// retFloat stores the low element of the XMM register x as the kernel's
// float result, then emits VZEROUPPER and RET. float64 stores with
// avo's Store (MOVSD, SSE2) after VZEROUPPER; Store would pick MOVSS for
// float32, which is SSE and outside what the check pass allows, so
// float32 stores with VEX-encoded VMOVSS before VZEROUPPER.
func (g *gen) retFloat(x reg.Register) {
	if g.e.Size == 8 {
		g.VZEROUPPER()
		g.Store(x, g.ReturnIndex(0))
		g.RET()
		return
	}
	ret, err := g.ReturnIndex(0).Resolve()
	if err != nil {
		panic(err)
	}
	g.inst(g.e.movS(x, ret.Addr))
	g.ret()
}

// ret emits VZEROUPPER and RET.
func (g *gen) ret() {
	g.VZEROUPPER()
	g.RET()
}
