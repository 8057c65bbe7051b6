//go:build linux || darwin || freebsd || netbsd || openbsd

package npymap

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Open maps the .npy file at path read-only (PROT_READ, MAP_SHARED: its
// pages are the page cache's, never copied) and advises the kernel that
// it will be read sequentially. A file that is valid but not '<f8' in C
// order (see the package doc) returns an error wrapping ErrNotMappable.
func Open(path string) (*Array, error) { return open(path, f8) }

// OpenFloat32 is Open for a '<f4' (little-endian float32) array, whose
// elements Float32s returns.
func OpenFloat32(path string) (*Array, error) { return open(path, f4) }

func open(path string, dt dtype) (*Array, error) {
	f, h, size, err := openHeader(path)
	if err != nil {
		return nil, err
	}
	// The descriptor stays open with the mapping, for Shrank.
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	count, err := h.check(size, dt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(int(size)) != size {
		return nil, fmt.Errorf("%s: %w: %d bytes do not fit the address space", path, ErrNotMappable, size)
	}
	a := &Array{offset: int(h.dataOffset), shape: h.shape, pageSz: os.Getpagesize(), file: f, size: size, elemSize: int(dt.size)}
	if size == 0 || count == 0 {
		if dt == f4 {
			a.data32 = []float32{}
		} else {
			a.data = []float64{}
		}
		return a, nil
	}
	a.mapping, err = unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("%s: mmap: %w", path, err)
	}
	// Sequential: read ahead generously; pages behind are Release's job.
	_ = unix.Madvise(a.mapping, unix.MADV_SEQUENTIAL)
	if dt == f4 {
		a.data32 = unsafe.Slice((*float32)(unsafe.Pointer(&a.mapping[a.offset])), count)
	} else {
		a.data = unsafe.Slice((*float64)(unsafe.Pointer(&a.mapping[a.offset])), count)
	}
	return a, nil
}

// Release tells the kernel that elements [lo, hi) are not needed for now
// (madvise MADV_DONTNEED on the whole pages inside their bytes; a page
// shared with an element outside the range is kept). The process's
// resident set drops; the data stay readable, and a later read faults the
// pages back in from the file (or the page cache). lo and hi are clamped
// to the array.
func (a *Array) Release(lo, hi int) {
	lo, hi = max(lo, 0), min(hi, len(a.data)+len(a.data32))
	if a.mapping == nil || lo >= hi {
		return
	}
	ps := a.pageSz
	start := a.offset + lo*a.elemSize
	end := a.offset + hi*a.elemSize
	start = (start + ps - 1) / ps * ps // round inward
	end = end / ps * ps
	if end <= start {
		return
	}
	_ = unix.Madvise(a.mapping[start:end], unix.MADV_DONTNEED)
}

// Shrank reports whether the file is now shorter than when it was
// mapped: reading the pages past its new end faults (SIGBUS). Some
// platforms (qemu's user-mode emulation among them) report such a fault
// without its address, so this is how a fault is traced to the file.
func (a *Array) Shrank() bool {
	if a.file == nil {
		return false
	}
	fi, err := a.file.Stat()
	return err == nil && fi.Size() < a.size
}

// Close unmaps the file. Slices from Float64s must not be used afterwards.
func (a *Array) Close() error {
	if a.file != nil {
		a.file.Close()
		a.file = nil
	}
	if a.mapping == nil {
		return nil
	}
	m := a.mapping
	a.mapping, a.data, a.data32 = nil, nil, nil
	return unix.Munmap(m)
}
