package gonumblas_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/lanes-go/lanes/kernels/gonumblas"
)

// The routed routines must panic exactly when gonum panics, with the same
// value, whichever argument is bad first. The tests run every combination
// of valid and invalid sizes, increments, leading dimensions and slice
// lengths through both implementations and compare the recovered values
// (nil when neither panics).

func recovered(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

var (
	ns      = []int{-2, -1, 0, 1, 3}
	incs    = []int{-2, -1, 0, 1, 2}
	lens    = []int{0, 1, 2, 3, 5, 6}
	scalars = []float64{0, 1, 2}
)

// checkSame reports whether lanes and ref panic with the same value; name
// describes the call, formatted only on a mismatch.
func checkSame(t *testing.T, name func() string, lanes, ref func()) bool {
	t.Helper()
	got, want := recovered(lanes), recovered(ref)
	if got != want {
		t.Errorf("%s: gonumblas panics with %v, gonum with %v", name(), got, want)
		return false
	}
	if want != nil {
		panicked++
	}
	return true
}

// panicked counts the compared calls that panicked, so each test can show
// it reached gonum's checks.
var panicked int

// reachedChecks fails t unless calls since before panicked.
func reachedChecks(t *testing.T, before int) {
	t.Helper()
	if panicked == before {
		t.Fatal("no call panicked: the invalid cases are not reaching the checks")
	}
	t.Logf("%d calls panicked identically", panicked-before)
}

func TestPanicsDdot(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	for _, n := range ns {
		for _, incX := range incs {
			for _, incY := range incs {
				for _, lx := range lens {
					for _, ly := range lens {
						x, y := make([]float64, lx), make([]float64, ly)
						name := func() string {
							return fmt.Sprintf("Ddot(n=%d, len(x)=%d, incX=%d, len(y)=%d, incY=%d)", n, lx, incX, ly, incY)
						}
						if !checkSame(t, name,
							func() { l.Ddot(n, x, incX, y, incY) },
							func() { g.Ddot(n, x, incX, y, incY) }) {
							return
						}
					}
				}
			}
		}
	}
}

func TestPanicsDaxpy(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	for _, n := range ns {
		for _, alpha := range scalars {
			for _, incX := range incs {
				for _, incY := range incs {
					for _, lx := range lens {
						for _, ly := range lens {
							x := make([]float64, lx)
							name := func() string {
								return fmt.Sprintf("Daxpy(n=%d, alpha=%v, len(x)=%d, incX=%d, len(y)=%d, incY=%d)", n, alpha, lx, incX, ly, incY)
							}
							if !checkSame(t, name,
								func() { l.Daxpy(n, alpha, x, incX, make([]float64, ly), incY) },
								func() { g.Daxpy(n, alpha, x, incX, make([]float64, ly), incY) }) {
								return
							}
						}
					}
				}
			}
		}
	}
}

func TestPanicsDscal(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	for _, n := range ns {
		for _, alpha := range scalars {
			for _, incX := range incs {
				for _, lx := range lens {
					name := func() string {
						return fmt.Sprintf("Dscal(n=%d, alpha=%v, len(x)=%d, incX=%d)", n, alpha, lx, incX)
					}
					if !checkSame(t, name,
						func() { l.Dscal(n, alpha, make([]float64, lx), incX) },
						func() { g.Dscal(n, alpha, make([]float64, lx), incX) }) {
						return
					}
				}
			}
		}
	}
}

func TestPanicsDgemv(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	// A few of each kind; panicking and recovering a million times would
	// be slow.
	tAs := []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans, 0}
	dims := []int{-1, 0, 2, 3}
	ldas := []int{0, 2, 3, 4}
	gincs := []int{-2, 0, 1, 2}
	vlens := []int{0, 1, 2, 3}
	alens := []int{0, 5, 6, 9}
	ab := [][2]float64{{0, 1}, {0, 0}, {2, 1}}
	for _, tA := range tAs {
		for _, m := range dims {
			for _, n := range dims {
				for _, lda := range ldas {
					for _, incX := range gincs {
						for _, incY := range gincs {
							for _, lx := range vlens {
								for _, ly := range vlens {
									for _, la := range alens {
										for _, s := range ab {
											a, x := make([]float64, la), make([]float64, lx)
											name := func() string {
												return fmt.Sprintf("Dgemv(tA=%d, m=%d, n=%d, alpha=%v, len(a)=%d, lda=%d, len(x)=%d, incX=%d, beta=%v, len(y)=%d, incY=%d)",
													tA, m, n, s[0], la, lda, lx, incX, s[1], ly, incY)
											}
											if !checkSame(t, name,
												func() { l.Dgemv(tA, m, n, s[0], a, lda, x, incX, s[1], make([]float64, ly), incY) },
												func() { g.Dgemv(tA, m, n, s[0], a, lda, x, incX, s[1], make([]float64, ly), incY) }) {
												return
											}
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestPanicsDger(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	dims := []int{-1, 0, 2, 3}
	ldas := []int{-1, 0, 1, 2, 3, 4}
	gincs := []int{-1, 0, 1, 2}
	vlens := []int{0, 1, 2, 3, 6}
	alens := []int{0, 5, 6, 7, 9, 12}
	for _, m := range dims {
		for _, n := range dims {
			for _, alpha := range []float64{0, 2} {
				for _, lda := range ldas {
					for _, incX := range gincs {
						for _, incY := range gincs {
							for _, lx := range vlens {
								for _, ly := range vlens {
									for _, la := range alens {
										x, y := make([]float64, lx), make([]float64, ly)
										name := func() string {
											return fmt.Sprintf("Dger(m=%d, n=%d, alpha=%v, len(x)=%d, incX=%d, len(y)=%d, incY=%d, len(a)=%d, lda=%d)",
												m, n, alpha, lx, incX, ly, incY, la, lda)
										}
										if !checkSame(t, name,
											func() { l.Dger(m, n, alpha, x, incX, y, incY, make([]float64, la), lda) },
											func() { g.Dger(m, n, alpha, x, incX, y, incY, make([]float64, la), lda) }) {
											return
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestPanicsOneVector covers the routines of one vector: Dasum, Dnrm2 and
// Idamax, whose results must match too when nothing panics.
func TestPanicsOneVector(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	for _, n := range ns {
		for _, incX := range incs {
			for _, lx := range lens {
				x := make([]float64, lx)
				for i := range x {
					x[i] = float64(i%3) - 1
				}
				for _, r := range []struct {
					name      string
					lanes, gn func() float64
				}{
					{"Dasum", func() float64 { return l.Dasum(n, x, incX) }, func() float64 { return g.Dasum(n, x, incX) }},
					{"Dnrm2", func() float64 { return l.Dnrm2(n, x, incX) }, func() float64 { return g.Dnrm2(n, x, incX) }},
					{"Idamax", func() float64 { return float64(l.Idamax(n, x, incX)) }, func() float64 { return float64(g.Idamax(n, x, incX)) }},
				} {
					name := func() string { return fmt.Sprintf("%s(n=%d, len(x)=%d, incX=%d)", r.name, n, lx, incX) }
					var got, want float64
					if !checkSame(t, name, func() { got = r.lanes() }, func() { want = r.gn() }) {
						return
					}
					if got != want {
						t.Errorf("%s = %v, gonum gives %v", name(), got, want)
					}
				}
			}
		}
	}
}

// TestPanicsTwoVectors covers Dcopy and Dswap.
func TestPanicsTwoVectors(t *testing.T) {
	defer reachedChecks(t, panicked)
	var l gonumblas.Implementation
	var g gonum.Implementation
	for _, n := range ns {
		for _, incX := range incs {
			for _, incY := range incs {
				for _, lx := range lens {
					for _, ly := range lens {
						for _, r := range []struct {
							name      string
							lanes, gn func(x, y []float64)
						}{
							{"Dcopy", func(x, y []float64) { l.Dcopy(n, x, incX, y, incY) }, func(x, y []float64) { g.Dcopy(n, x, incX, y, incY) }},
							{"Dswap", func(x, y []float64) { l.Dswap(n, x, incX, y, incY) }, func(x, y []float64) { g.Dswap(n, x, incX, y, incY) }},
						} {
							name := func() string {
								return fmt.Sprintf("%s(n=%d, len(x)=%d, incX=%d, len(y)=%d, incY=%d)", r.name, n, lx, incX, ly, incY)
							}
							if !checkSame(t, name,
								func() { r.lanes(make([]float64, lx), make([]float64, ly)) },
								func() { r.gn(make([]float64, lx), make([]float64, ly)) }) {
								return
							}
						}
					}
				}
			}
		}
	}
}
