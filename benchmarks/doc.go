// Package benchmarks compares the lanes kernels with their peers under
// go test -bench: every implementation in kernels.Available() (switched
// with kernels.Use), gonum (gonum.org/v1/gonum/blas/gonum and
// gonum.org/v1/gonum/floats) and a plain Go loop. See README.md for how to
// run them and read the results with benchstat.
//
// The package has no API. Its non-test files hold the plain Go reference
// loops and the input helpers, so that they are documented and vetted like
// any other code; the benchmarks and the tests that check every peer
// against the kernels live in the _test.go files.
package benchmarks
