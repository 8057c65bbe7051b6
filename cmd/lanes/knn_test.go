package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// knnFiles writes rows × dim float32 vectors and queries that are rows 0,
// 5 and 9 nudged, and returns their paths.
func knnFiles(t *testing.T, dir string, rows, dim int) (data, queries string, x []float32) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	x = make([]float32, rows*dim)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	var q []float32
	for _, i := range []int{0, 5, 9} {
		for j := range dim {
			q = append(q, x[i*dim+j]+0.001)
		}
	}
	data, queries = filepath.Join(dir, "v.npy"), filepath.Join(dir, "q.npy")
	os.WriteFile(data, npyBytes(t, "<f4", false, fmt.Sprintf("(%d, %d)", rows, dim), x, false), 0o644)
	os.WriteFile(queries, npyBytes(t, "<f4", false, fmt.Sprintf("(3, %d)", dim), q, false), 0o644)
	return data, queries, x
}

func TestCLIKNN(t *testing.T) {
	dir := t.TempDir()
	data, queries, _ := knnFiles(t, dir, 2000, 16)
	for _, metric := range []string{"l2", "dot", "cosine"} {
		r := lanes(t, dir, "knn", "--data", data, "--queries", queries, "--k", "4", "--metric", metric)
		r.expect(t, 0)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if lines[0] != "query,rank,id,score" || len(lines) != 1+3*4 {
			t.Fatalf("%s: %d lines:\n%s", metric, len(lines), r.stdout)
		}
		for i, l := range lines[1:] {
			f := strings.Split(l, ",")
			if len(f) != 4 || f[0] != strconv.Itoa(i/4) || f[1] != strconv.Itoa(i%4+1) {
				t.Fatalf("%s: line %q", metric, l)
			}
			if _, err := strconv.ParseFloat(f[3], 32); err != nil {
				t.Fatalf("%s: score in %q: %v", metric, l, err)
			}
		}
		if metric != "dot" { // the nudged row is the nearest by distance and by angle
			for q, want := range []string{"0", "5", "9"} {
				if id := strings.Split(lines[1+4*q], ",")[2]; id != want {
					t.Errorf("%s: query %d's nearest is row %s, want %s", metric, q, id, want)
				}
			}
		}
		// The same bytes for one worker and for several.
		r1 := lanes(t, dir, "knn", "--data", data, "--queries", queries, "--k", "4", "--metric", metric, "--workers", "1")
		r3 := lanes(t, dir, "knn", "--data", data, "--queries", queries, "--k", "4", "--metric", metric, "--workers", "3")
		if r1.stdout != r.stdout || r3.stdout != r.stdout {
			t.Errorf("%s: the output depends on --workers", metric)
		}
	}
	out := filepath.Join(dir, "nn.csv")
	lanes(t, dir, "knn", "--data", data, "--queries", queries, "--k", "5000", "--out", out).expect(t, 0)
	b, _ := os.ReadFile(out)
	if n := strings.Count(string(b), "\n"); n != 1+3*2000 {
		t.Errorf("--k beyond the rows: %d lines, want one per row and query", n)
	}
}

func TestCLIKNNRefuses(t *testing.T) {
	dir := t.TempDir()
	data, queries, x := knnFiles(t, dir, 50, 8)
	short := filepath.Join(dir, "short.npy")
	os.WriteFile(short, npyBytes(t, "<f4", false, "(1, 7)", make([]float32, 7), false), 0o644)
	x[3*8+2] = float32(math.NaN())
	bad := filepath.Join(dir, "bad.npy")
	os.WriteFile(bad, npyBytes(t, "<f4", false, "(50, 8)", x, false), 0o644)
	inexact := filepath.Join(dir, "f8.npy")
	os.WriteFile(inexact, npyBytes(t, "<f8", false, "(2,)", []float64{1, 0.1}, false), 0o644)
	before, _ := os.ReadFile(data)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--queries", queries}, []string{"--data is required"}},
		{[]string{"--data", data}, []string{"--queries is required"}},
		{[]string{"--data", data, "--queries", queries, "--k", "0"}, []string{"--k must be ≥ 1, got 0"}},
		{[]string{"--data", data, "--queries", queries, "--workers", "0"}, []string{"--workers must be ≥ 1"}},
		{[]string{"--data", data, "--queries", queries, "--metric", "manhattan"}, []string{`unknown metric "manhattan"`}},
		{[]string{"--data", data, "--queries", short}, []string{"short.npy has vectors of 7 values", "of 8"}},
		{[]string{"--data", bad, "--queries", queries}, []string{"bad.npy: row 4, column 3: NaN is not allowed"}},
		{[]string{"--data", data, "--queries", bad}, []string{"--queries", "row 4, column 3: NaN"}},
		{[]string{"--data", data, "--queries", inexact}, []string{"column 2: 0.1 is not exactly a float32"}},
		{[]string{"--data", data, "--queries", queries, "--out", data}, []string{"--out", "--data", "input"}},
		{[]string{"--data", data, "--queries", queries, "--out", dir}, []string{"--out"}},
	} {
		lanes(t, dir, append([]string{"knn"}, c.args...)...).expect(t, 2, c.want...)
	}
	if after, _ := os.ReadFile(data); !bytes.Equal(after, before) {
		t.Errorf("%s changed", data)
	}
}
