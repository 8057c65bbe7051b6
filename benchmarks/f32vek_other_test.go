//go:build !(amd64 || arm64)

package benchmarks

// vekImpls is empty where vek32 does not build (see f32vek_test.go).
func vekImpls() []f32Impl { return nil }
