package main

import (
	"fmt"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
	. "github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
)

// vop is the shape of an avo instruction builder with a variable operand list.
type vop = func(ops ...operand.Op)

// elem is the element type the kernels are generated for: its size (through
// spec.Elem) and the packed and scalar mnemonics that operate on it.
type elem struct {
	spec.Elem

	// Packed (YMM/XMM) instructions, in Go operand order (sources first,
	// destination last).
	MovU      vop                      // unaligned load/store
	Add       vop                      // Add(a, b, dst): dst = b + a
	Sub       vop                      // Sub(a, b, dst): dst = b − a
	Mul       vop                      // Mul(a, b, dst): dst = b·a
	FMA231    vop                      // FMA231(a, b, dst): dst = a·b + dst, rounded once
	FMA213    vop                      // FMA213(a, b, dst): dst = b·dst + a, rounded once
	Broadcast vop                      // scalar from memory or XMM to every lane
	Xor       vop                      // zeroing idiom
	And       vop                      // bitwise and
	Or        vop                      // bitwise or
	Max       vop                      // Max(a, b, dst): dst = b > a ? b : a, so a if either is NaN
	Cmp       vop                      // Cmp(pred, a, b, dst): dst lanes all ones where b pred a
	MovMsk    func(a, b operand.Op)    // MovMsk(src, r): the sign bit of each lane, lane 0 in bit 0
	MaskMov   func(a, b, c operand.Op) // MaskMov(src, mask, dst); masked lanes load 0 and are not stored
	// AllOnes(a, a, dst) sets dst to all ones (an integer compare of a with
	// itself); ShrLanes(n, a, dst) shifts each lane of a right by n bits.
	AllOnes  vop
	ShrLanes vop

	// Scalar instructions.
	MovS    vop
	AddS    vop
	SubS    vop
	MulS    vop
	FMA213S vop
	MaxS    vop
}

// f64 is float64: four lanes per YMM register.
var f64 = elem{
	Elem:      spec.Float64,
	MovU:      VMOVUPD,
	Add:       VADDPD,
	Sub:       VSUBPD,
	Mul:       VMULPD,
	FMA231:    VFMADD231PD,
	FMA213:    VFMADD213PD,
	Broadcast: VBROADCASTSD,
	Xor:       VXORPD,
	And:       VANDPD,
	Or:        VORPD,
	Max:       VMAXPD,
	Cmp:       VCMPPD,
	MovMsk:    VMOVMSKPD,
	MaskMov:   VMASKMOVPD,
	AllOnes:   VPCMPEQQ,
	ShrLanes:  VPSRLQ,
	MovS:      VMOVSD,
	AddS:      VADDSD,
	SubS:      VSUBSD,
	MulS:      VMULSD,
	FMA213S:   VFMADD213SD,
	MaxS:      VMAXSD,
}

// f32 is float32: eight lanes per YMM register. It is not generated yet
// (package kernels has no float32 kernels); it keeps the generator honest
// about the element type.
var f32 = elem{
	Elem:      spec.Float32,
	MovU:      VMOVUPS,
	Add:       VADDPS,
	Sub:       VSUBPS,
	Mul:       VMULPS,
	FMA231:    VFMADD231PS,
	FMA213:    VFMADD213PS,
	Broadcast: VBROADCASTSS,
	Xor:       VXORPS,
	And:       VANDPS,
	Or:        VORPS,
	Max:       VMAXPS,
	Cmp:       VCMPPS,
	MovMsk:    VMOVMSKPS,
	MaskMov:   VMASKMOVPS,
	AllOnes:   VPCMPEQD,
	ShrLanes:  VPSRLD,
	MovS:      VMOVSS,
	AddS:      VADDSS,
	SubS:      VSUBSS,
	MulS:      VMULSS,
	FMA213S:   VFMADD213SS,
	MaxS:      VMAXSS,
}

// elems are the element types the generator knows, by Go type name.
var elems = map[string]elem{f64.GoType: f64, f32.GoType: f32}

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
