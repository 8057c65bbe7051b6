package main

import (
	"errors"
	"flag"
	"io"
	"strconv"

	"github.com/lanes-go/lanes/internal/dataset"
	"github.com/lanes-go/lanes/internal/outfile"
	"github.com/lanes-go/lanes/knn"
)

const knnHelp = `Usage: lanes knn --data FILE --queries FILE [--k N] [--metric l2|dot|cosine]
                 [--workers N] [--out FILE]

Finds, for every query, the k nearest rows of --data by exhaustive search,
and writes them as CSV with the header "query,rank,id,score": one line per
neighbour, nearest first. query and id are row numbers of --queries and
--data counted from 0, as numpy indexes them; rank counts from 1; score is
the squared Euclidean distance (l2, the default), the dot product (dot) or
the cosine similarity (cosine), the shortest decimal that reads back as
the same float32.

--data and --queries are .npy files of float32 vectors, one per row (a
single query may be a 1-D array). A little-endian float32 --data file is
memory-mapped, not copied, so it may be larger than memory; other dtypes
are accepted when every value is exactly a float32. NaN and infinities
are refused, naming the row and column. The results are the same ids and
scores on every CPU and for any --workers: ties go to the lower id.

--out follows the rules of lanes fit's outputs: checked first, never an
input, written whole or not at all.

Examples:
  lanes knn --data vectors.npy --queries q.npy --k 10 --metric cosine
  lanes knn --data vectors.npy --queries q.npy --out neighbours.csv
`

func cmdKNN(e *env, args []string) error {
	fs := newFlags(e, "knn", knnHelp)
	var dataPath, queryPath, out, metricName string
	var k, workers int
	fs.StringVar(&dataPath, "data", "", "the vectors to search: a .npy `FILE`, one vector per row (required)")
	fs.StringVar(&queryPath, "queries", "", "the queries: a .npy `FILE`, one per row (required)")
	fs.IntVar(&k, "k", 10, "neighbours per query, `N` ≥ 1 (fewer if --data has fewer rows)")
	fs.StringVar(&metricName, "metric", "l2", "`l2` (squared Euclidean distance), dot or cosine")
	fs.IntVar(&workers, "workers", 0, "goroutines sharing the search, `N` ≥ 1; default GOMAXPROCS. Results are the same for every N")
	fs.StringVar(&out, "out", "", "write the neighbours to `FILE` instead of stdout")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case dataPath == "":
		return usagef("--data is required (see lanes knn -h)")
	case queryPath == "":
		return usagef("--queries is required (see lanes knn -h)")
	case k < 1:
		return usagef("--k must be ≥ 1, got %d", k)
	case set["workers"] && workers < 1:
		return usagef("--workers must be ≥ 1, got %d", workers)
	}
	metric, err := knn.ParseMetric(metricName)
	if err != nil {
		return usagef("--metric: %v", err)
	}
	outs, err := outfile.Plan(
		[]outfile.Path{{Flag: "--data", Path: dataPath}, {Flag: "--queries", Path: queryPath}},
		[]outfile.Path{{Flag: "--out", Path: out}})
	if err != nil {
		return asUsage(err)
	}
	defer outs.Discard()
	in := catchInterrupts(e)
	defer in.stop()
	in.onExit(outs.Discard)

	ix, err := knn.Open(dataPath, knn.Options{Metric: metric, Workers: workers})
	if err != nil {
		return usagef("--data: %v", err)
	}
	defer ix.Close()
	queries, _, dim, err := dataset.ReadFloat32Npy(queryPath)
	if err != nil {
		return usagef("--queries: %v", err)
	}
	if dim != ix.Dim() {
		return usagef("--queries %s has vectors of %d values, --data %s of %d", queryPath, dim, dataPath, ix.Dim())
	}
	res, err := ix.SearchBatch(queries, k)
	if err != nil {
		var be *knn.BatchError
		if errors.As(err, &be) {
			return usagef("--queries %s: row %d: %v", queryPath, be.Query+1, be.Err)
		}
		return err
	}
	if in.ctx.Err() != nil {
		return errors.New("interrupted: no neighbours written")
	}
	write := func(w io.Writer) error {
		io.WriteString(w, "query,rank,id,score\n")
		var buf []byte
		for q, ns := range res {
			for r, n := range ns {
				buf = strconv.AppendInt(buf[:0], int64(q), 10)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(r+1), 10)
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(n.ID), 10)
				buf = append(buf, ',')
				buf = strconv.AppendFloat(buf, float64(n.Score), 'g', -1, 32)
				buf = append(buf, '\n')
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return writeOut(e, outs, out, write)
}
