package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strconv"

	"github.com/lanes-go/lanes/internal/dataset"
	"github.com/lanes-go/lanes/internal/outfile"
	"github.com/lanes-go/lanes/linreg"
)

const predictHelp = `Usage: lanes predict --model FILE --data FILE [--out FILE]

Applies a model saved by lanes fit --out to the rows of a CSV or .npy
file and writes one prediction per row, as CSV with the header
"prediction", to stdout or to --out. A CSV needs a header with the
model's feature names, in any order; other columns, such as the target,
are ignored. A .npy file is a 2-D array with one column per feature.
The predictions are the same bits on every CPU. --out follows the rules
of lanes fit's outputs: checked first, never an input, written whole
or not at all.

Examples:
  lanes predict --model model.json --data new.csv
  lanes predict --model model.json --data new.npy --out predictions.csv
`

func cmdPredict(e *env, args []string) error {
	fs := newFlags(e, "predict", predictHelp)
	var modelPath, dataPath, out string
	fs.StringVar(&modelPath, "model", "", "the model JSON `FILE` written by lanes fit --out (required)")
	fs.StringVar(&dataPath, "data", "", "the rows to predict: a .csv or .npy `FILE` (required)")
	fs.StringVar(&out, "out", "", "write the predictions to `FILE` instead of stdout")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	switch {
	case modelPath == "":
		return usagef("--model is required (see lanes predict -h)")
	case dataPath == "":
		return usagef("--data is required (see lanes predict -h)")
	}
	outs, err := outfile.Plan(
		[]outfile.Path{{Flag: "--model", Path: modelPath}, {Flag: "--data", Path: dataPath}},
		[]outfile.Path{{Flag: "--out", Path: out}})
	if err != nil {
		return asUsage(err)
	}
	defer outs.Discard()
	in := catchInterrupts(e)
	defer in.stop()
	in.onExit(outs.Discard)
	m, err := loadModel(modelPath)
	if err != nil {
		return err
	}
	ds, err := dataset.ReadFeatures(in.ctx, dataPath, m.Features, len(m.Coef))
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted: no predictions written")
	} else if err != nil {
		return asUsage(err)
	}
	pred := make([]float64, ds.Rows)
	if err := m.Predict(linreg.NewMatrix(ds.X, ds.Rows, len(m.Coef)), pred); err != nil {
		return err
	}
	write := func(w io.Writer) error {
		io.WriteString(w, "prediction\n")
		var buf []byte
		for _, p := range pred {
			// The shortest decimal that reads back as the same bits.
			buf = strconv.AppendFloat(buf[:0], p, 'g', -1, 64)
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	}
	return writeOut(e, outs, out, write)
}

// loadModel reads a model file; every failure is an input error naming
// the file.
func loadModel(path string) (*linreg.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--model: %v", err)
	}
	defer f.Close()
	m, err := linreg.Load(bufio.NewReader(f))
	if errors.Is(err, linreg.ErrEmptyModel) {
		return nil, usagef("--model %s: the file is empty", path)
	}
	if err != nil {
		return nil, usagef("--model %s: %v", path, err)
	}
	if m.Features != nil && len(m.Features) != len(m.Coef) {
		return nil, usagef("--model %s: %d feature names for %d coefficients", path, len(m.Features), len(m.Coef))
	}
	return m, nil
}

// writeOut writes a command's table with write: to stdout if out is "",
// else to the planned output --out, in place only once it is whole.
func writeOut(e *env, outs *outfile.Set, out string, write func(io.Writer) error) error {
	if out == "" {
		w := bufio.NewWriter(e.stdout)
		write(w)
		w.Flush()
		return e.stdoutErr()
	}
	if err := outs.Stage("--out", write); err != nil {
		return err
	}
	return outs.Commit()
}
