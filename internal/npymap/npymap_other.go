//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package npymap

import "fmt"

// Open returns an error wrapping ErrNotMappable: this OS has no memory
// maps in this package.
func Open(path string) (*Array, error) {
	return nil, fmt.Errorf("%s: %w: memory maps are not supported on this OS", path, ErrNotMappable)
}

// OpenFloat32 returns an error wrapping ErrNotMappable, as Open does.
func OpenFloat32(path string) (*Array, error) { return Open(path) }

// Release does nothing.
func (a *Array) Release(lo, hi int) {}

// Close does nothing.
func (a *Array) Close() error { return nil }

// Shrank reports false: nothing is mapped on this OS.
func (a *Array) Shrank() bool { return false }
