package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"unsafe"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/gotypes"
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
// order (sources first, destination last), for both element sizes: the
// PD/SD/Q forms on 8-byte lanes and the PS/SS/D forms on 4-byte lanes, a
// ZMM register holding 8 or 16 of them and an opmask bit selecting one.
// The kernels already run on AVX-512 hardware check it (GemvT, Axpy and
// Scal in emulate_kernels_test.go, and the float64 twins of the float32
// kernels in emulate_twins_test.go, which proves the float32 ones).

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

// emuArg is one argument: a []float64 or []float32 slice, an int, a
// float64 or a float32.
type emuArg any

// region is memory the emulated code may touch: a slice's elements, the
// frame (the signature's bytes, no more) or the locals, at the address lo.
// Every access to a slice must be one whole element, aligned (elem bytes);
// the frame and locals take any naturally aligned load, and a store into
// the frame must be exactly one result (see resultSlot).
type region struct {
	lo   uintptr
	b    []byte
	elem int // 0 for the frame and locals
}

type emulator struct {
	fn      *ir.Function
	gp      [16]uint64
	vec     [32][64]byte // ZMM registers, little-endian
	k       [8]uint64
	zf, sf  bool
	cf, of  bool
	frame   []uint64 // the arguments and results, ABI0 layout
	locals  []uint64
	allowed []region
	steps   int
	// results are the frame slots of the results, in order; stored
	// counts the stores into each.
	results []resultSlot
	stored  []int
}

// resultSlot is the frame offset and size of one result.
type resultSlot struct{ off, size int }

// bytesOf returns the bytes of a slice's elements, which keep the slice
// alive.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}

// offset returns the frame offset of a component of the signature.
func offset(c gotypes.Component) int {
	b, err := c.Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr.Disp
}

// emulate runs the kernel named sym on args, in the order of its spec
// parameter list, and returns an error for an unknown instruction, an
// access outside the arguments' slices, or a run past maxSteps.
func emulate(fn *ir.Function, k spec.Kernel, args ...emuArg) error {
	_, err := emulateResults(fn, k, args...)
	return err
}

// emulateResults is emulate that also returns the bits of the kernel's
// results (a float32 in the low 32 bits).
func emulateResults(fn *ir.Function, k spec.Kernel, args ...emuArg) ([]uint64, error) {
	e := &emulator{fn: fn, locals: make([]uint64, fn.FrameBytes()/8+1)}
	ps, err := spec.ParseParams(k.Params)
	if err != nil {
		return nil, err
	}
	if len(ps) != len(args) {
		return nil, fmt.Errorf("%s takes %d arguments, got %d", k.Name, len(ps), len(args))
	}
	sig := fn.Signature
	e.frame = make([]uint64, (sig.Bytes()+7)/8+1)
	fb := bytesOf(e.frame)
	put := func(c gotypes.Component, v uint64, size int) {
		off := offset(c)
		if off%size != 0 || off+size > sig.Bytes() {
			panic(fmt.Sprintf("argument at %d of %d bytes", off, size))
		}
		switch size {
		case 8:
			binary.LittleEndian.PutUint64(fb[off:], v)
		case 4:
			binary.LittleEndian.PutUint32(fb[off:], uint32(v))
		}
	}
	for i, p := range ps {
		c := sig.Params().At(i)
		var data []byte
		var elem, n int
		switch v := args[i].(type) {
		case []float64:
			data, elem, n = bytesOf(v), 8, len(v)
		case []float32:
			data, elem, n = bytesOf(v), 4, len(v)
		case int:
			put(c, uint64(v), 8)
			continue
		case float64:
			put(c, math.Float64bits(v), 8)
			continue
		case float32:
			put(c, uint64(math.Float32bits(v)), 4)
			continue
		default:
			return nil, fmt.Errorf("argument %s: %T", p.Name, v)
		}
		base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
		put(c.Base(), uint64(base), 8)
		put(c.Len(), uint64(n), 8)
		put(c.Cap(), uint64(n), 8)
		if n > 0 {
			e.allowed = append(e.allowed, region{lo: base, b: data, elem: elem})
		}
	}
	// The frame region ends with the signature: a store past the last
	// result, or a result stored too wide, is refused.
	e.allowed = append(e.allowed,
		region{lo: uintptr(unsafe.Pointer(&fb[0])), b: fb[:sig.Bytes()]},
		region{lo: uintptr(unsafe.Pointer(&e.locals[0])), b: bytesOf(e.locals)})
	for i := 0; ; i++ {
		b, err := sig.Results().At(i).Resolve()
		if err != nil {
			break // past the last result
		}
		e.results = append(e.results, resultSlot{b.Addr.Disp, int(gotypes.Sizes.Sizeof(b.Type))})
	}
	e.stored = make([]int, len(e.results))
	if err := e.run(); err != nil {
		return nil, err
	}
	var out []uint64
	for i, r := range e.results {
		if e.stored[i] == 0 {
			return nil, fmt.Errorf("%s: result %d (at %d(FP)) is never stored", fn.Name, i, r.off)
		}
		switch r.size {
		case 8:
			out = append(out, binary.LittleEndian.Uint64(fb[r.off:]))
		case 4:
			out = append(out, uint64(binary.LittleEndian.Uint32(fb[r.off:])))
		default:
			return nil, fmt.Errorf("%s: result %d of %d bytes", fn.Name, i, r.size)
		}
	}
	return out, nil
}

// checkFrameStore panics unless a store of size bytes at a, if it falls
// in the frame, is exactly one result, which it counts as stored: the
// kernels never write their arguments.
func (e *emulator) checkFrameStore(a uintptr, size int) {
	lo := uintptr(unsafe.Pointer(&e.frame[0]))
	if a+uintptr(size) <= lo || a >= lo+uintptr(8*len(e.frame)) {
		return
	}
	off := int(a - lo)
	for i, r := range e.results {
		if r.off == off && r.size == size {
			e.stored[i]++
			return
		}
	}
	panic(fmt.Sprintf("store of %d bytes at %d(FP): not a result (results %v)", size, off, e.results))
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

// bytesAt returns the size bytes at a, and panics unless they lie in one
// region, aligned, and are a whole element of a slice.
func (e *emulator) bytesAt(a uintptr, size int, what string) []byte {
	for _, r := range e.allowed {
		if a < r.lo || a+uintptr(size) > r.lo+uintptr(len(r.b)) {
			continue
		}
		off := int(a - r.lo)
		if off%size != 0 || r.elem != 0 && size != r.elem {
			panic(fmt.Sprintf("%s of %d bytes at %#x: not a whole element of its slice", what, size, a))
		}
		return r.b[off : off+size]
	}
	panic(fmt.Sprintf("%s of %d bytes at %#x outside every slice", what, size, a))
}

func (e *emulator) load(a uintptr, size int) uint64 {
	b := e.bytesAt(a, size, "load")
	switch size {
	case 8:
		return binary.LittleEndian.Uint64(b)
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	}
	panic(fmt.Sprintf("load of %d bytes", size))
}

func (e *emulator) store(a uintptr, size int, v uint64) {
	e.checkFrameStore(a, size)
	b := e.bytesAt(a, size, "store")
	switch size {
	case 8:
		binary.LittleEndian.PutUint64(b, v)
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		panic(fmt.Sprintf("store of %d bytes", size))
	}
}

// isK reports whether op is an opmask register.
func isK(op operand.Op) bool {
	r, ok := op.(reg.Register)
	return ok && r.Kind() == reg.KindOpmask
}

// isVec reports whether op is a vector register.
func isVec(op operand.Op) bool {
	r, ok := op.(reg.Register)
	return ok && r.Kind() == reg.KindVector
}

// val reads a scalar operand: a constant, a general or opmask register
// (of its size) or memory (size bytes).
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
		if isK(o) {
			return e.k[o.PhysicalIndex()] & sizeMask(size)
		}
		if isVec(o) {
			panic(fmt.Sprintf("vector register %s as a scalar", o.Asm()))
		}
		return e.gp[o.PhysicalIndex()] & sizeMask(int(o.Size()))
	case operand.Mem:
		return e.load(e.addr(o), size)
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
// half, as on amd64; an opmask register takes size bytes and clears the
// rest.
func (e *emulator) set(op operand.Op, v uint64, size int) {
	switch o := op.(type) {
	case reg.Physical:
		if isK(o) {
			e.k[o.PhysicalIndex()] = v & sizeMask(size)
			return
		}
		if isVec(o) {
			panic(fmt.Sprintf("vector register %s as a scalar", o.Asm()))
		}
		e.gp[o.PhysicalIndex()] = v & sizeMask(size)
	case operand.Mem:
		e.store(e.addr(o), size, v)
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

// maxLanes is the most lanes of any register: 16 floats in a ZMM.
const maxLanes = 16

type lanesOf = [maxLanes]uint64

// regBytes is the size of a vector register operand: 16, 32 or 64.
func regBytes(op operand.Op) int {
	r, ok := op.(reg.Register)
	if !ok || r.Kind() != reg.KindVector {
		panic(fmt.Sprintf("%v is not a vector register", op))
	}
	return int(r.Size())
}

func vidx(op operand.Op) int { return int(op.(reg.Physical).PhysicalIndex()) }

// lane returns lane l of es bytes of vector register i.
func (e *emulator) lane(i, es, l int) uint64 {
	b := e.vec[i][l*es:]
	if es == 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}

// vread reads n lanes of es bytes of a vector register or memory, under
// mask (nil for all): a masked-out lane reads 0 and is not accessed.
func (e *emulator) vread(op operand.Op, es, n int, mask func(int) bool) lanesOf {
	var out lanesOf
	switch o := op.(type) {
	case reg.Physical:
		if 8*es*n > 8*int(o.Size()) {
			panic(fmt.Sprintf("%d lanes of %d bytes from %s", n, es, o.Asm()))
		}
		for l := range n {
			if mask == nil || mask(l) {
				out[l] = e.lane(int(o.PhysicalIndex()), es, l)
			}
		}
	case operand.Mem:
		a := e.addr(o)
		for l := range n {
			if mask == nil || mask(l) {
				out[l] = e.load(a+uintptr(es*l), es)
			}
		}
	default:
		panic(fmt.Sprintf("vector operand %v", op))
	}
	return out
}

// vwrite writes the n lanes of es bytes of a vector result to a register,
// clearing the bytes above them (VEX and EVEX writes do), or to memory.
// Under a mask, a register keeps (merge) or zeroes (zeroing) the lanes
// left out, and memory is not touched there.
func (e *emulator) vwrite(op operand.Op, es, n int, v lanesOf, mask func(int) bool, zeroing bool) {
	switch o := op.(type) {
	case reg.Physical:
		if es*n > int(o.Size()) {
			panic(fmt.Sprintf("%d lanes of %d bytes into %s", n, es, o.Asm()))
		}
		i := int(o.PhysicalIndex())
		var out [64]byte
		for l := range n {
			w := v[l]
			switch {
			case mask == nil || mask(l):
			case !zeroing:
				w = e.lane(i, es, l)
			default:
				w = 0
			}
			if es == 4 {
				binary.LittleEndian.PutUint32(out[4*l:], uint32(w))
			} else {
				binary.LittleEndian.PutUint64(out[8*l:], w)
			}
		}
		e.vec[i] = out
	case operand.Mem:
		a := e.addr(o)
		for l := range n {
			if mask == nil || mask(l) {
				e.store(a+uintptr(es*l), es, v[l])
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
func f32(u uint64) float32 { return math.Float32frombits(uint32(u)) }
func u32(f float32) uint64 { return uint64(math.Float32bits(f)) }

// elemSize returns the lane size of an instruction from its suffix: 4 for
// the single-precision and doubleword forms, 8 for the others.
func elemSize(op string) int {
	switch {
	case len(op) > 2 && (op[len(op)-2:] == "PS" || op[len(op)-2:] == "SS"):
		return 4
	case len(op) > 2 && (op[len(op)-2:] == "PD" || op[len(op)-2:] == "SD"):
		return 8
	case op[len(op)-1] == 'D':
		return 4
	case op[len(op)-1] == 'Q':
		return 8
	}
	panic("element size of " + op)
}

// arith computes src1 op src2 on one lane of es bytes: Go operand order
// passes src2 first, so a is src2 and b is src1.
func arith(op string, es int, a, b uint64) uint64 {
	if es == 4 {
		x, y := f32(b), f32(a)
		switch op {
		case "ADD":
			return u32(x + y)
		case "SUB":
			return u32(x - y)
		case "MUL":
			return u32(x * y)
		case "MAX":
			// src1 > src2 ? src1 : src2: src2 for NaN and for two zeros.
			if x > y {
				return b
			}
			return a
		}
	} else {
		x, y := f64(b), f64(a)
		switch op {
		case "ADD":
			return u64(x + y)
		case "SUB":
			return u64(x - y)
		case "MUL":
			return u64(x * y)
		case "MAX":
			if x > y {
				return b
			}
			return a
		}
	}
	panic("arithmetic " + op)
}

// fmaLane returns a·b + c rounded once.
func fmaLane(es int, a, b, c uint64) uint64 {
	if es == 4 {
		return u32(emuFMA32(f32(a), f32(b), f32(c)))
	}
	return u64(math.FMA(f64(a), f64(b), f64(c)))
}

// emuFMA32 is the float32 fused multiply-add of the hardware, computed
// with math/big: the exact a·b + c rounded once (nearest, ties to even)
// to float32, overflowing to ±Inf and rounding subnormals correctly. It
// is written independently of generic.FMA32, which the reference of the
// tests copies, so that each checks the other.
func emuFMA32(a, b, c float32) float32 {
	p := float64(a) * float64(b) // exact: 24+24 bits, in float64's range
	s := p + float64(c)
	if math.IsNaN(s) || math.IsInf(s, 0) || s == 0 {
		// Inf and NaN follow float64's rules, which are float32's; an
		// exact zero sum (|p + c| ≥ 2⁻²⁹⁸ otherwise) keeps IEEE's sign.
		return float32(s)
	}
	x := new(big.Float).SetFloat64(p)
	exact := new(big.Float).SetPrec(1000).Add(x, new(big.Float).SetFloat64(float64(c)))
	f, _ := exact.Float32()
	return f
}

// cmpLane evaluates the VCMPPS/VCMPPD predicate imm on src1 and src2.
func cmpLane(imm uint64, es int, a, b uint64) bool {
	var x, y float64 // exact for float32
	if es == 4 {
		x, y = float64(f32(b)), float64(f32(a))
	} else {
		x, y = f64(b), f64(a)
	}
	switch imm {
	case 0: // EQ_OQ
		return x == y
	}
	panic(fmt.Sprintf("comparison predicate %d", imm))
}

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
	if len(ops) >= 3 && op[0] == 'V' && isK(ops[len(ops)-2]) {
		mask = e.kmask(ops[len(ops)-2])
		ops = append(ops[:len(ops)-2:len(ops)-2], ops[len(ops)-1])
	}
	switch {
	case op == "JMP":
		return string(ops[0].(operand.LabelRef)), true
	case op[0] == 'J':
		return string(ops[0].(operand.LabelRef)), e.cond(op[1:])
	}
	noMask := func() {
		if mask != nil || zeroing {
			panic(fmt.Sprintf("%s under a mask is not emulated", op))
		}
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
	case "BSFQ":
		v := e.val(ops[0], 8)
		if v == 0 {
			panic("BSFQ of 0 leaves its destination undefined")
		}
		e.zf = false
		e.set(ops[1], uint64(bits.TrailingZeros64(v)), 8)
	case "KMOVW":
		// Between opmask registers, general registers (the low 16 bits
		// in, zero-extended out) and memory.
		e.set(ops[1], e.val(ops[0], 4)&0xffff, 4)
	case "KXORW", "KORW":
		a, b := e.val(ops[0], 2), e.val(ops[1], 2)
		r := a ^ b
		if op == "KORW" {
			r = a | b
		}
		e.set(ops[2], r, 2)
	case "KORTESTW":
		r := (e.val(ops[0], 2) | e.val(ops[1], 2)) & 0xffff
		e.zf, e.cf = r == 0, r == 0xffff
		e.sf, e.of = false, false
	case "VZEROUPPER":
		for i := range 16 {
			clear(e.vec[i][16:])
		}
	case "VMOVUPD", "VMOVUPS":
		es := elemSize(op)
		n := regBytes(regOf(ops)) / es
		e.vwrite(ops[1], es, n, e.vread(ops[0], es, n, mask), mask, zeroing)
	case "VMOVSD", "VMOVSS", "MOVSD":
		// The two-operand forms: a store of the low element, or a load
		// that clears the rest of the XMM register (and, VEX-encoded, of
		// the ZMM register; MOVSD leaves bits 128 and up alone).
		noMask()
		es := elemSize(op)
		if len(ops) != 2 {
			panic(op + " with three operands is not emulated")
		}
		if _, ok := ops[1].(operand.Mem); ok {
			e.store(e.addr(ops[1].(operand.Mem)), es, e.lane(vidx(ops[0]), es, 0))
			break
		}
		if _, ok := ops[0].(operand.Mem); !ok {
			panic(op + " between registers is not emulated")
		}
		var v lanesOf
		v[0] = e.val(ops[0], es)
		if op == "MOVSD" {
			i := vidx(ops[1])
			clear(e.vec[i][:16])
			binary.LittleEndian.PutUint64(e.vec[i][:], v[0])
			break
		}
		e.vwrite(ops[1], es, 16/es, v, nil, false)
	case "VBROADCASTSD", "VBROADCASTSS", "VPBROADCASTQ", "VPBROADCASTD":
		es := elemSize(op)
		n := regBytes(ops[1]) / es
		var s uint64
		if isVec(ops[0]) {
			s = e.lane(vidx(ops[0]), es, 0)
		} else {
			s = e.val(ops[0], es) // memory or a general register
		}
		var v lanesOf
		for l := range n {
			v[l] = s
		}
		e.vwrite(ops[1], es, n, v, mask, zeroing)
	case "VXORPD", "VXORPS", "VPANDQ", "VPANDD":
		es := elemSize(op)
		n := regBytes(ops[2]) / es
		a, b := e.vread(ops[0], es, n, mask), e.vread(ops[1], es, n, nil)
		var v lanesOf
		for l := range n {
			if op[1] == 'X' {
				v[l] = a[l] ^ b[l]
			} else {
				v[l] = a[l] & b[l]
			}
		}
		e.vwrite(ops[2], es, n, v, mask, zeroing)
	case "VADDPD", "VSUBPD", "VMULPD", "VMAXPD", "VADDPS", "VSUBPS", "VMULPS", "VMAXPS":
		es := elemSize(op)
		n := regBytes(ops[2]) / es
		a, b := e.vread(ops[0], es, n, mask), e.vread(ops[1], es, n, nil)
		var v lanesOf
		for l := range n {
			v[l] = arith(op[1:4], es, a[l], b[l])
		}
		e.vwrite(ops[2], es, n, v, mask, zeroing)
	case "VADDSD", "VSUBSD", "VMULSD", "VMAXSD", "VADDSS", "VSUBSS", "VMULSS", "VMAXSS":
		// The low element from both sources, the rest of the XMM register
		// from src1; VEX encoding clears the bits above.
		noMask()
		es := elemSize(op)
		n := 16 / es
		v := e.vread(ops[1], es, n, nil)
		var a uint64
		if isVec(ops[0]) {
			a = e.lane(vidx(ops[0]), es, 0)
		} else {
			a = e.val(ops[0], es)
		}
		v[0] = arith(op[1:4], es, a, v[0])
		e.vwrite(ops[2], es, n, v, nil, false)
	case "VFMADD231PD", "VFMADD231PS":
		es := elemSize(op)
		n := regBytes(ops[2]) / es
		a, b, c := e.vread(ops[0], es, n, mask), e.vread(ops[1], es, n, nil), e.vread(ops[2], es, n, nil)
		var v lanesOf
		for l := range n {
			v[l] = fmaLane(es, a[l], b[l], c[l])
		}
		e.vwrite(ops[2], es, n, v, mask, zeroing)
	case "VCMPPD", "VCMPPS":
		// imm, src2, src1, k: the bits of the lanes beyond the register
		// and those the write mask leaves out are cleared.
		if zeroing {
			panic(op + ".Z")
		}
		es := elemSize(op)
		n := regBytes(ops[2]) / es
		imm := e.val(ops[0], 1)
		a, b := e.vread(ops[1], es, n, mask), e.vread(ops[2], es, n, nil)
		var r uint64
		for l := range n {
			if (mask == nil || mask(l)) && cmpLane(imm, es, a[l], b[l]) {
				r |= 1 << l
			}
		}
		if !isK(ops[3]) {
			panic(op + " into a vector register is not emulated")
		}
		e.set(ops[3], r, 8)
	case "VEXTRACTF64X4", "VEXTRACTF128":
		// imm, src, dst: the 256-bit (128-bit) half imm of src.
		noMask()
		half := 32
		if op == "VEXTRACTF128" {
			half = 16
		}
		imm := int(e.val(ops[0], 1)) & (regBytes(ops[1])/half - 1)
		v := e.vread(ops[1], 8, regBytes(ops[1])/8, nil)
		var h lanesOf
		copy(h[:], v[imm*half/8:(imm+1)*half/8])
		e.vwrite(ops[2], 8, half/8, h, nil, false)
	case "VMOVHLPS":
		// src2, src1, dst: dst = (src2[2], src2[3], src1[2], src1[3]).
		noMask()
		a, b := e.vread(ops[0], 8, 2, nil), e.vread(ops[1], 8, 2, nil)
		e.vwrite(ops[2], 8, 2, lanesOf{a[1], b[1]}, nil, false)
	case "VMOVSHDUP":
		// src, dst: the odd elements, each duplicated into the even one
		// below it.
		noMask()
		n := regBytes(ops[1]) / 4
		s := e.vread(ops[0], 4, n, nil)
		var v lanesOf
		for l := range n {
			v[l] = s[l|1]
		}
		e.vwrite(ops[1], 4, n, v, nil, false)
	case "VPERMILPD":
		// imm, src, dst: within each 128-bit lane, element j takes the
		// element that bit j of imm selects.
		noMask()
		n := regBytes(ops[2]) / 8
		imm := e.val(ops[0], 1)
		s := e.vread(ops[1], 8, n, nil)
		var v lanesOf
		for l := range n {
			v[l] = s[l&^1+int(imm>>l&1)]
		}
		e.vwrite(ops[2], 8, n, v, nil, false)
	default:
		panic(fmt.Sprintf("instruction %s is not emulated", op))
	}
	return "", false
}

// regOf returns the vector register operand of a move.
func regOf(ops []operand.Op) operand.Op {
	for _, o := range ops {
		if isVec(o) {
			return o
		}
	}
	panic("no vector register")
}
