package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// elementwiseUnroll is the number of YMM registers an Axpy or Scal loop
// iteration handles.
const elementwiseUnroll = numAcc

// elementwise emits an elementwise update of len(x) elements of x (and y).
// op(xm, ym, t, scalar) computes the new value of one register (or, if
// scalar, one element) at xm/ym into t; store(t, ym) writes it back. Y0
// holds alpha.
//
// The elements past the last whole group are done as whole registers and,
// for the final n mod V, by one register over the last V elements. That
// register is computed before anything is stored, so it reads only
// original values, and is stored last: the elements it shares with the
// whole registers get the same value twice. Vectors shorter than V are done
// element by element.
func (g *gen) elementwise(twoInputs bool, op func(xm, ym Mem, t VecPhysical, scalar bool), store func(t VecPhysical, ym Mem)) {
	x, y, n, end, k := RSI, RDI, RCX, RDX, RBX
	Load(Param("x").Base(), x)
	Load(Param("x").Len(), n)
	if twoInputs {
		Load(Param("y").Base(), y)
	} else {
		y = x
	}
	alpha, err := Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	adv := func(bytes int) {
		ADDQ(U32(bytes), x)
		if twoInputs {
			ADDQ(U32(bytes), y)
		}
	}
	V := g.PerVec()

	CMPQ(n, U8(V))
	JB(LabelRef("short"))
	g.Broadcast(alpha.Addr, Y0)

	// The last register, from the original values.
	last := func(p GPPhysical) Mem { return Mem{Base: p, Index: n, Scale: g.Scale()}.Offset(-vecBytes) }
	op(last(x), last(y), Y15, false)
	MOVQ(n, end)
	if twoInputs {
		// end → y end for the final store; n stays the count.
		LEAQ(last(y), k)
	} else {
		LEAQ(last(x), k)
	}

	// Whole groups.
	group := elementwiseUnroll * V
	ANDQ(I32(-group), end)
	JZ(LabelRef("vectors"))
	SHLQ(U8(g.Shift()), end)
	ADDQ(x, end)
	Label("groups")
	for j := 0; j < elementwiseUnroll; j++ {
		xm, ym := Mem{Base: x}.Offset(vecBytes*j), Mem{Base: y}.Offset(vecBytes*j)
		op(xm, ym, ymm[1+j], false)
		store(ymm[1+j], ym)
	}
	adv(elementwiseUnroll * vecBytes)
	CMPQ(x, end)
	JNE(LabelRef("groups"))

	// Whole registers: at most elementwiseUnroll−1 of them.
	Label("vectors")
	ANDQ(U32(group-1), n)
	SHRQ(U8(log2(V)), n)
	for j := 0; j < elementwiseUnroll-1; j++ {
		if j == 0 {
			TESTQ(n, n)
		} else {
			CMPQ(n, U8(j))
		}
		JE(LabelRef("lastreg"))
		xm, ym := Mem{Base: x}.Offset(vecBytes*j), Mem{Base: y}.Offset(vecBytes*j)
		op(xm, ym, ymm[1+j], false)
		store(ymm[1+j], ym)
	}
	Label("lastreg")
	store(Y15, Mem{Base: k})
	VZEROUPPER()
	RET()

	// Fewer than V elements, one at a time.
	Label("short")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	g.MovS(alpha.Addr, X0)
	for j := 0; j < V-1; j++ {
		if j > 0 {
			CMPQ(n, U8(j))
			JE(LabelRef("scalardone"))
		}
		xm, ym := Mem{Base: x}.Offset(g.Size*j), Mem{Base: y}.Offset(g.Size*j)
		op(xm, ym, X1, true)
		g.MovS(X1, ym)
	}
	Label("scalardone")
	VZEROUPPER()
	Label("done")
	RET()
}

// axpy emits y[i] = fma(alpha, x[i], y[i]).
func (g *gen) axpy() {
	g.elementwise(true, func(xm, ym Mem, t VecPhysical, scalar bool) {
		if scalar {
			g.MovS(xm, t)
			g.FMA213S(ym, X0, t) // t = alpha·t + y
			return
		}
		g.MovU(xm, t)
		g.FMA213(ym, Y0, t) // t = alpha·t + y
	}, g.store)
}

// scal emits x[i] = alpha·x[i].
func (g *gen) scal() {
	g.elementwise(false, func(xm, _ Mem, t VecPhysical, scalar bool) {
		if scalar {
			g.MulS(xm, X0, t)
			return
		}
		g.Mul(xm, Y0, t)
	}, g.store)
}

func (g *gen) store(t VecPhysical, m Mem) { g.MovU(t, m) }
