package main

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/reg"

	"github.com/lanes-go/lanes/tools/asmgen/internal/spec"
)

// An emulator of the AVX-512 kernels, for machines without AVX-512: it
// runs the compiled avo functions instruction by instruction on real
// memory, and refuses any access outside the slices it was given (or
// the function's arguments and locals), lane by lane, so that a lane a
// mask leaves out may lie past a slice, as on the hardware. It knows the
// instructions the kernels it runs use and fails on any other. The
// semantics follow the Intel SDM for each form avo emits, in Go operand
// order (sources first, destination last); the kernels already run on
// AVX-512 hardware (GemvT, Axpy, Scal) check it (emulate_kernels_test.go).

// emuFunctions compiles every kernel once and returns them by symbol.
func emuFunctions() (map[string]*ir.Function, error) {
	ctx := build.NewContext()
	if err := emit(ctx); err != nil {
		return nil, err
	}
	f, err := ctx.Result()
	if err != nil {
		return nil, err
	}
	if err := pass.Compile.Execute(f); err != nil {
		return nil, err
	}
	fns := map[string]*ir.Function{}
	for _, fn := range f.Functions() {
		fns[fn.Name] = fn
	}
	return fns, nil
}

// emuArg is one argument: a slice, an int or a float64.
type emuArg any

// region is memory the emulated code may touch: a float64 slice or the
// words of the frame, at the address lo.
type region struct {
	lo, hi uintptr
	f      []float64
	u      []uint64
}

type emulator struct {
	fn      *ir.Function
	gp      [16]uint64
	vec     [32][8]uint64 // ZMM registers, lane by lane
	k       [8]uint64
	zf, sf  bool
	cf, of  bool
	frame   []uint64 // the arguments, ABI0 layout
	locals  []uint64
	allowed []region
	steps   int
}

// emulate runs the kernel named sym on args, in the order of its spec
// parameter list, and returns an error for an unknown instruction, an
// access outside the arguments' slices, or a run past maxSteps.
func emulate(fn *ir.Function, k spec.Kernel, args ...emuArg) error {
	e := &emulator{fn: fn, locals: make([]uint64, fn.FrameBytes()/8+1)}
	ps, err := spec.ParseParams(k.Params)
	if err != nil {
		return err
	}
	if len(ps) != len(args) {
		return fmt.Errorf("%s takes %d arguments, got %d", k.Name, len(ps), len(args))
	}
	for i, p := range ps {
		switch v := args[i].(type) {
		case []float64:
			base := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
			e.frame = append(e.frame, uint64(base), uint64(len(v)), uint64(cap(v)))
			if len(v) > 0 {
				e.allowed = append(e.allowed, region{lo: base, hi: base + uintptr(8*len(v)), f: v})
			}
		case int:
			e.frame = append(e.frame, uint64(v))
		case float64:
			e.frame = append(e.frame, math.Float64bits(v))
		default:
			return fmt.Errorf("argument %s: %T", p.Name, v)
		}
	}
	for _, s := range [][]uint64{e.frame, e.locals} {
		base := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
		e.allowed = append(e.allowed, region{lo: base, hi: base + uintptr(8*len(s)), u: s})
	}
	return e.run()
}

const maxSteps = 1 << 30

func (e *emulator) run() (err error) {
	labels := map[string]int{}
	nodes := e.fn.Nodes
	for i, n := range nodes {
		if l, ok := n.(ir.Label); ok {
			labels[string(l)] = i
		}
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", e.fn.Name, r)
		}
	}()
	for pc := 0; pc < len(nodes); pc++ {
		in, ok := nodes[pc].(*ir.Instruction)
		if !ok {
			continue
		}
		if e.steps++; e.steps > maxSteps {
			return fmt.Errorf("%s: no RET after %d instructions", e.fn.Name, maxSteps)
		}
		if in.Opcode == "RET" {
			return nil
		}
		if target, jump := e.exec(in); jump {
			i, ok := labels[target]
			if !ok {
				return fmt.Errorf("%s: no label %s", e.fn.Name, target)
			}
			pc = i
		}
	}
	return fmt.Errorf("%s: ran past its last instruction", e.fn.Name)
}

// addr returns the address a memory operand names.
func (e *emulator) addr(m operand.Mem) uintptr {
	var a uintptr
	switch b := m.Base.(type) {
	case nil:
	case reg.Physical:
		switch b.Asm() {
		case "FP":
			a = uintptr(unsafe.Pointer(&e.frame[0]))
		case "SP":
			a = uintptr(unsafe.Pointer(&e.locals[0]))
		case "SB":
			panic("static data is not emulated")
		default:
			a = uintptr(e.gp[b.PhysicalIndex()])
		}
	}
	if m.Index != nil {
		a += uintptr(e.gp[m.Index.(reg.Physical).PhysicalIndex()]) * uintptr(m.Scale)
	}
	return a + uintptr(int64(m.Disp))
}

// word returns the region holding the 8-byte word at a and its index
// there, and panics unless there is one: every access of the kernels is a
// whole, aligned element.
func (e *emulator) word(a uintptr, what string) (region, int) {
	for _, r := range e.allowed {
		if a >= r.lo && a+8 <= r.hi && (a-r.lo)%8 == 0 {
			return r, int((a - r.lo) / 8)
		}
	}
	panic(fmt.Sprintf("%s of 8 bytes at %#x outside every slice", what, a))
}

func (e *emulator) load64(a uintptr) uint64 {
	r, i := e.word(a, "load")
	if r.f != nil {
		return math.Float64bits(r.f[i])
	}
	return r.u[i]
}

func (e *emulator) store64(a uintptr, v uint64) {
	r, i := e.word(a, "store")
	if r.f != nil {
		r.f[i] = math.Float64frombits(v)
		return
	}
	r.u[i] = v
}

// val reads a scalar operand: a constant, a general register (of its
// size) or memory (8 bytes, or 4 for 32-bit ops).
func (e *emulator) val(op operand.Op, size int) uint64 {
	switch o := op.(type) {
	case operand.U8:
		return uint64(o)
	case operand.U32:
		return uint64(o)
	case operand.I32:
		return uint64(int64(o))
	case operand.U64:
		return uint64(o)
	case operand.I8:
		return uint64(int64(o))
	case reg.Physical:
		return e.gp[o.PhysicalIndex()] & sizeMask(int(o.Size()))
	case operand.Mem:
		// Arguments are whole words, so a 32-bit load is the low half
		// of one.
		return e.load64(e.addr(o)) & sizeMask(size)
	}
	panic(fmt.Sprintf("operand %v (%T)", op, op))
}

func sizeMask(size int) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

// set writes a scalar result: a 32-bit register write clears the upper
// half, as on amd64.
func (e *emulator) set(op operand.Op, v uint64, size int) {
	switch o := op.(type) {
	case reg.Physical:
		e.gp[o.PhysicalIndex()] = v & sizeMask(size)
	case operand.Mem:
		e.store64(e.addr(o), v)
	default:
		panic(fmt.Sprintf("destination %v", op))
	}
}

// flags sets ZF and SF from a result and CF, OF as given.
func (e *emulator) flags(r uint64, size int, cf, of bool) {
	r &= sizeMask(size)
	e.zf = r == 0
	e.sf = r>>(8*size-1)&1 == 1
	e.cf, e.of = cf, of
}

// sub computes a − b with its flags.
func (e *emulator) sub(a, b uint64, size int) uint64 {
	m := sizeMask(size)
	a, b = a&m, b&m
	r := (a - b) & m
	sa, sb, sr := a>>(8*size-1)&1, b>>(8*size-1)&1, r>>(8*size-1)&1
	e.flags(r, size, a < b, sa != sb && sr != sa)
	return r
}

func (e *emulator) cond(cc string) bool {
	switch cc {
	case "E", "Z", "EQ":
		return e.zf
	case "NE", "NZ":
		return !e.zf
	case "B", "CS", "LO":
		return e.cf
	case "AE", "CC", "HS":
		return !e.cf
	case "BE", "LS":
		return e.cf || e.zf
	case "A", "HI":
		return !e.cf && !e.zf
	case "L", "LT":
		return e.sf != e.of
	case "GE":
		return e.sf == e.of
	case "LE":
		return e.zf || e.sf != e.of
	case "G", "GT":
		return !e.zf && e.sf == e.of
	}
	panic("condition " + cc)
}

// lanes is the number of float64 lanes of a vector register operand.
func lanes(op operand.Op) int { return int(op.(reg.Register).Size()) / 8 }

func vidx(op operand.Op) int { return int(op.(reg.Physical).PhysicalIndex()) }

// vread reads n lanes of a vector register or memory, under mask (nil for
// all): a masked-out lane reads 0 and is not accessed.
func (e *emulator) vread(op operand.Op, n int, mask func(int) bool) [8]uint64 {
	var out [8]uint64
	switch o := op.(type) {
	case reg.Physical:
		v := e.vec[o.PhysicalIndex()]
		for l := range n {
			if mask == nil || mask(l) {
				out[l] = v[l]
			}
		}
	case operand.Mem:
		a := e.addr(o)
		for l := range n {
			if mask == nil || mask(l) {
				out[l] = e.load64(a + uintptr(8*l))
			}
		}
	default:
		panic(fmt.Sprintf("vector operand %v", op))
	}
	return out
}

// vwrite writes the n lanes of a vector result to a register, clearing
// the lanes above n (VEX and EVEX writes do), or to memory. Under a mask,
// a register keeps (merge) or zeroes (zeroing) the lanes left out, and
// memory is not touched there.
func (e *emulator) vwrite(op operand.Op, n int, v [8]uint64, mask func(int) bool, zeroing bool) {
	switch o := op.(type) {
	case reg.Physical:
		old := e.vec[o.PhysicalIndex()]
		var out [8]uint64
		for l := range n {
			switch {
			case mask == nil || mask(l):
				out[l] = v[l]
			case !zeroing:
				out[l] = old[l]
			}
		}
		e.vec[o.PhysicalIndex()] = out
	case operand.Mem:
		a := e.addr(o)
		for l := range n {
			if mask == nil || mask(l) {
				e.store64(a+uintptr(8*l), v[l])
			}
		}
	default:
		panic(fmt.Sprintf("vector destination %v", op))
	}
}

func (e *emulator) kmask(op operand.Op) func(int) bool {
	k := e.k[op.(reg.Physical).PhysicalIndex()]
	return func(l int) bool { return k>>l&1 == 1 }
}

func f64(u uint64) float64 { return math.Float64frombits(u) }
func u64(f float64) uint64 { return math.Float64bits(f) }

// exec runs one instruction and returns the label to jump to, if any.
func (e *emulator) exec(in *ir.Instruction) (string, bool) {
	ops := in.Operands
	op := in.Opcode
	zeroing := len(in.Suffixes) == 1 && in.Suffixes[0] == "Z"
	if len(in.Suffixes) > 0 && !zeroing {
		panic(fmt.Sprintf("%s%v: suffixes", op, in.Suffixes))
	}
	// Vector instructions with an opmask have it second to last.
	var mask func(int) bool
	if len(ops) >= 3 && op[0] == 'V' {
		if r, ok := ops[len(ops)-2].(reg.Register); ok && r.Kind() == reg.KindOpmask {
			mask = e.kmask(ops[len(ops)-2])
			ops = append(ops[:len(ops)-2:len(ops)-2], ops[len(ops)-1])
		}
	}
	switch {
	case op == "JMP":
		return string(ops[0].(operand.LabelRef)), true
	case op[0] == 'J':
		return string(ops[0].(operand.LabelRef)), e.cond(op[1:])
	}
	switch op {
	case "MOVQ":
		e.set(ops[1], e.val(ops[0], 8), 8)
	case "MOVL":
		e.set(ops[1], e.val(ops[0], 4)&0xffffffff, 4)
	case "LEAQ":
		e.set(ops[1], uint64(e.addr(ops[0].(operand.Mem))), 8)
	case "ADDQ":
		r := e.val(ops[1], 8) + e.val(ops[0], 8)
		e.flags(r, 8, false, false)
		e.set(ops[1], r, 8)
	case "SUBQ":
		e.set(ops[1], e.sub(e.val(ops[1], 8), e.val(ops[0], 8), 8), 8)
	case "CMPQ":
		e.sub(e.val(ops[0], 8), e.val(ops[1], 8), 8)
	case "CMPL":
		e.sub(e.val(ops[0], 4), e.val(ops[1], 4), 4)
	case "TESTQ", "TESTL":
		size := map[string]int{"TESTQ": 8, "TESTL": 4}[op]
		e.flags(e.val(ops[0], size)&e.val(ops[1], size), size, false, false)
	case "ANDQ", "ANDL", "XORQ", "XORL", "ORQ":
		size := 8
		if op[len(op)-1] == 'L' {
			size = 4
		}
		a, b := e.val(ops[0], size), e.val(ops[1], size)
		var r uint64
		switch op[:len(op)-1] {
		case "AND":
			r = a & b
		case "XOR":
			r = a ^ b
		case "OR":
			r = a | b
		}
		e.flags(r, size, false, false)
		e.set(ops[1], r, size)
	case "SHLQ", "SHRQ", "SHRL", "SHLL":
		size := 8
		if op[3] == 'L' {
			size = 4
		}
		var n uint64
		if r, ok := ops[0].(reg.Physical); ok {
			n = e.gp[r.PhysicalIndex()] & 0xff
		} else {
			n = e.val(ops[0], 1)
		}
		n &= uint64(8*size - 1)
		v := e.val(ops[1], size)
		if op[:3] == "SHL" {
			v <<= n
		} else {
			v >>= n
		}
		e.flags(v, size, false, false)
		e.set(ops[1], v, size)
	case "NEGL", "NEGQ":
		size := 8
		if op == "NEGL" {
			size = 4
		}
		e.set(ops[0], e.sub(0, e.val(ops[0], size), size), size)
	case "DECQ":
		e.set(ops[0], e.sub(e.val(ops[0], 8), 1, 8), 8)
	case "INCQ":
		r := e.val(ops[0], 8) + 1
		e.flags(r, 8, false, false)
		e.set(ops[0], r, 8)
	case "IMULQ":
		e.set(ops[1], e.val(ops[1], 8)*e.val(ops[0], 8), 8)
	case "IMUL3Q":
		e.set(ops[2], e.val(ops[1], 8)*e.val(ops[0], 8), 8)
	case "CMOVQLT":
		if e.cond("LT") {
			e.set(ops[1], e.val(ops[0], 8), 8)
		}
	case "KMOVW":
		e.k[ops[1].(reg.Physical).PhysicalIndex()] = e.val(ops[0], 4) & 0xffff
	case "VZEROUPPER":
		for i := range 16 {
			for l := 2; l < 8; l++ {
				e.vec[i][l] = 0
			}
		}
	case "VMOVUPD":
		n := lanes(regOf(ops))
		e.vwrite(ops[1], n, e.vread(ops[0], n, mask), mask, zeroing)
	case "VBROADCASTSD":
		n := lanes(ops[1])
		var s uint64
		if m, ok := ops[0].(operand.Mem); ok {
			s = e.load64(e.addr(m))
		} else {
			s = e.vec[vidx(ops[0])][0]
		}
		var v [8]uint64
		for l := range n {
			v[l] = s
		}
		e.vwrite(ops[1], n, v, mask, zeroing)
	case "VXORPD":
		n := lanes(ops[2])
		a, b := e.vread(ops[0], n, nil), e.vread(ops[1], n, nil)
		var v [8]uint64
		for l := range n {
			v[l] = a[l] ^ b[l]
		}
		e.vwrite(ops[2], n, v, mask, zeroing)
	case "VADDPD", "VSUBPD", "VMULPD":
		n := lanes(ops[2])
		a, b := e.vread(ops[0], n, mask), e.vread(ops[1], n, nil)
		var v [8]uint64
		for l := range n {
			switch op {
			case "VADDPD":
				v[l] = u64(f64(b[l]) + f64(a[l]))
			case "VSUBPD":
				v[l] = u64(f64(b[l]) - f64(a[l]))
			case "VMULPD":
				v[l] = u64(f64(b[l]) * f64(a[l]))
			}
		}
		e.vwrite(ops[2], n, v, mask, zeroing)
	case "VFMADD231PD":
		n := lanes(ops[2])
		a, b, c := e.vread(ops[0], n, mask), e.vread(ops[1], n, nil), e.vread(ops[2], n, nil)
		var v [8]uint64
		for l := range n {
			v[l] = u64(math.FMA(f64(a[l]), f64(b[l]), f64(c[l])))
		}
		e.vwrite(ops[2], n, v, mask, zeroing)
	default:
		panic(fmt.Sprintf("instruction %s is not emulated", op))
	}
	return "", false
}

// regOf returns the vector register operand of a move.
func regOf(ops []operand.Op) operand.Op {
	for _, o := range ops {
		if r, ok := o.(reg.Register); ok && r.Kind() == reg.KindVector {
			return o
		}
	}
	panic("no vector register")
}
