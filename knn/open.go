package knn

import (
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/lanes-go/lanes/internal/dataset"
	"github.com/lanes-go/lanes/internal/npymap"
	"github.com/lanes-go/lanes/kernels/f32"
)

// Open returns an index over the 2-D .npy array at path (rows × dim; a
// 1-D array is one row).
// A little-endian float32 array in C order is memory-mapped and used in
// place, so an index larger than memory works, its pages read from the
// file as searches need them; any other layout whose values are exactly
// float32 is read into memory. A NaN or infinite value is an error naming
// its row and column. Close releases the map.
func Open(path string, opt Options) (*Index, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a .npy file", path)
	}
	a, err := npymap.OpenFloat32(path)
	if errors.Is(err, npymap.ErrNotMappable) {
		data, _, cols, err := dataset.ReadFloat32Npy(path)
		if err != nil {
			return nil, err
		}
		return New(data, cols, opt)
	}
	if err != nil {
		return nil, err
	}
	ix, err := openMapped(path, a, opt)
	if err != nil {
		a.Close()
		return nil, err
	}
	return ix, nil
}

func openMapped(path string, a *npymap.Array, opt Options) (*Index, error) {
	shape := a.Shape()
	if len(shape) == 1 { // one vector
		shape = []int{1, shape[0]}
	}
	switch {
	case len(shape) != 2:
		return nil, fmt.Errorf("%s: an array of shape %v: the vectors must be a 2-D array, rows × dimensions", path, shape)
	case shape[0] == 0:
		return nil, fmt.Errorf("%s: an array of shape %v: no rows", path, shape)
	case shape[1] == 0:
		return nil, fmt.Errorf("%s: an array of shape %v: no columns", path, shape)
	}
	data := a.Float32s()
	if err := checkFinite(path, data, shape[1]); err != nil {
		return nil, err
	}
	ix, err := New(data, shape[1], opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ix.mapped = a
	return ix, nil
}

// checkFinite names the first NaN or infinity of the rows of data. A row
// whose sum is finite holds neither (an infinity makes the sum infinite
// or NaN), so only rows whose sum is not are looked at element by element.
func checkFinite(path string, data []float32, dim int) error {
	for i := 0; i*dim < len(data); i++ {
		row := data[i*dim : (i+1)*dim]
		if s := f32.Sum(row); s-s == 0 {
			continue
		}
		for j, v := range row {
			if v != v || math.IsInf(float64(v), 0) {
				return fmt.Errorf("%s: row %d, column %d: %v is not allowed (rows and columns count from 1)", path, i+1, j+1, v)
			}
		}
	}
	return nil
}
