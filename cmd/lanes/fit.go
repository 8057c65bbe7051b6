package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lanes-go/lanes/gd"
	"github.com/lanes-go/lanes/internal/dataset"
	"github.com/lanes-go/lanes/internal/lossplot"
	"github.com/lanes-go/lanes/internal/outfile"
	"github.com/lanes-go/lanes/linreg"
)

const fitHelp = `Usage: lanes fit --data FILE [--labels FILE] [--target NAME|INDEX]
          [--method gd|sgd|minibatch|exact] [--lr X|auto] [--schedule SPEC]
          [--optimizer plain|momentum|nesterov|adam] [--epochs N] [--batch N]
          [--shuffle-block N] [--workers N] [--release-pages auto|always|never]
          [--l1 A] [--l2 A] [--tol X] [--seed N] [--val-fraction F]
          [--summary] [--conf-level X] [--cov classical|hc0|hc1|hc2|hc3]
          [--out model.json] [--plot loss.svg|loss.png] [--quiet]

Trains a linear model y ≈ x·w + b on a CSV file (a header line, then one
example per line; the target is the last column unless --target names
another) or on NumPy .npy files (X from --data, y from --labels).

The objective is (1/(2n))·Σ residual² + l1·‖w‖₁ + (l2/2)·‖w‖²: --l1 alone
is scikit-learn's Lasso(alpha), --l2 alone Ridge(alpha·n). Features are
standardised internally and the coefficients come back in the data's
units. The defaults need no tuning: full-batch gradient descent with
Nesterov momentum at a rate derived from the data, until the gradient
vanishes.

Every method starts with one pass over the rows (two when the first row
lies far from the means) that sums their d×d statistics, the Gram matrix
of [x | 1 | y]: the standardisation and the automatic rate come from
them, and gd takes its steps on them without reading the rows again;
sgd and minibatch read rows, step by step. --method exact solves the
problem on the same statistics, by a Cholesky factorisation, or by
coordinate descent with --l1; when they are too ill-conditioned to be
trusted, one more pass factors the rows themselves (QR).

A .npy X of dtype float64 ('<f8', C order), with .npy labels of the same
kind, is memory-mapped read-only and used in place by every method,
exact included: no copy is made. When the files are large for this
machine's memory (more than half of the memory available: on Linux,
MemAvailable, or the control group's limit if lower), every pass over
the rows goes window by window (about 32 MiB of rows), each window's
pages given back once the pass is done with them, so files larger than
memory train with a small resident set; a file that fits keeps its pages
and is read as fast as an array in memory. --release-pages always or
never overrides that choice (auto keeps the pages where the available
memory is unknown). For large files --method minibatch (or sgd) is the
out-of-core path: when the file has more rows than one window and
--shuffle-block is not given, it shuffles whole windows (rows inside a
window in their stored order) so that the steps read one window at a
time; shuffle data that are sorted beforehand. With --val-fraction the
rows are copied from the mapped files into memory, as the validation
rows are a seeded sample from the whole file; other dtypes and Fortran
order are read into memory. The results are the same bits as from the
same data in memory (with the same --shuffle-block), whatever
--release-pages.

--summary adds to the summary what R's summary(lm()) says of a fit by
least squares: per coefficient the estimate, standard error, t
statistic, two-sided p-value and significance code; the residual
standard error, R², adjusted R² and F test; then the confidence
intervals at --conf-level (as R's confint), the log-likelihood, AIC and
BIC, and the condition number of the standardised columns. --out saves
them in the model file. It is on by default for --method exact without
--l1 and --l2 (--summary=false turns it off); there a rank-deficient X
fits as R's lm fits it, each column that depends on the ones before it
aliased (coefficient 0, NA in the table) rather than refused. --method gd
computes it once it has converged: a run that stops before, or a
rank-deficient X, is a failed run. Classical inference does not apply
to --l1 and --l2 (the penalty biases the estimates) nor to sgd and
minibatch (they stop near the estimates, not at them): --summary with
them is a usage error. --cov hc0, hc1, hc2 or hc3 takes the standard
errors from a heteroskedasticity-consistent (sandwich) covariance, as R's
sandwich::vcovHC, and the F test is then the Wald test with it.

A progress bar shows on a terminal for runs longer than a second; every
run ends with a summary. Ctrl-C stops a run (a second Ctrl-C quits at
once); nothing is written.

Outputs (--out, --plot) are checked before any work: each must be a
regular file or a new name in an existing directory, never a directory,
a device or a FIFO, never an input of the run (under any name), and
never the other output. A symbolic link is followed: the file it points
to is replaced. The outputs are written only when the whole run has
succeeded, summary printed included, each to a temporary file renamed
over its target, so a run that fails leaves every file as it was.

Exit status: 0 success, 1 training failed (e.g. diverged, interrupted),
2 bad usage or bad input.

Examples:
  lanes fit --data houses.csv --target price --out model.json
  lanes fit --data x.npy --labels y.npy --method minibatch --batch 64 --epochs 20
  lanes fit --data houses.csv --l1 0.1 --val-fraction 0.2 --plot loss.svg
  lanes fit --data houses.csv --method exact --cov hc3 --conf-level 0.99
  lanes fit --data houses.csv --method sgd --lr 0.01 --schedule inverse-scaling:power=0.25
`

// fitOptions are the flags of lanes fit.
type fitOptions struct {
	data, labels, target                 string
	method, lr, schedule, optimizer      string
	releasePages                         string
	epochs, batch, shuffleBlock, workers int
	l1, l2, tol, valFraction             float64
	seed                                 uint64
	out, plot                            string
	quiet                                bool
	summary                              bool            // --summary, as given (see fitPlan.inference)
	confLevel                            float64         // --conf-level
	cov                                  string          // --cov
	set                                  map[string]bool // flags given explicitly
}

func cmdFit(e *env, args []string) error {
	fs := newFlags(e, "fit", fitHelp+"\n"+scheduleHelp)
	var o fitOptions
	fs.StringVar(&o.data, "data", "", "training data: a .csv or .npy `FILE` (required)")
	fs.StringVar(&o.labels, "labels", "", "the targets as a .npy `FILE`, with .npy data")
	fs.StringVar(&o.target, "target", "", "the target column of a CSV: a `NAME` or a 0-based index; default the last")
	fs.StringVar(&o.method, "method", "gd", "gd, sgd, minibatch or exact")
	fs.StringVar(&o.lr, "lr", "auto", "learning rate `X` > 0, or auto to derive it from the data")
	fs.StringVar(&o.schedule, "schedule", "", "learning-rate `SPEC` (see below); default: constant for gd, a linear decay for sgd and minibatch")
	fs.StringVar(&o.optimizer, "optimizer", "", "plain, momentum, nesterov or adam; default nesterov for gd, plain otherwise")
	fs.IntVar(&o.epochs, "epochs", 0, "passes over the data, `N` ≥ 1; default 10000 for gd (it stops when the gradient vanishes), enough for 10,000 steps (at least 100) otherwise")
	fs.IntVar(&o.batch, "batch", 32, "rows per step of minibatch, `N` ≥ 1")
	fs.IntVar(&o.shuffleBlock, "shuffle-block", 0, "sgd and minibatch: shuffle blocks of `N` consecutive rows instead of single rows, so every step reads contiguous rows (much faster on large data; see the README on what it does to convergence); 0 shuffles rows")
	fs.IntVar(&o.workers, "workers", 0, "goroutines sharing each pass over the rows, `N` ≥ 1; default GOMAXPROCS. Results are the same bits for every N")
	fs.StringVar(&o.releasePages, "release-pages", "auto", "`WHEN` to give the pages of memory-mapped .npy data back after each pass over the rows: auto (when the files take more than half the memory available), always or never")
	fs.Float64Var(&o.l1, "l1", 0, "L1 penalty `A` ≥ 0 (lasso)")
	fs.Float64Var(&o.l2, "l2", 0, "L2 penalty `A` ≥ 0 (ridge)")
	fs.Float64Var(&o.tol, "tol", 0, "stop when the loss improves by less than this relative `X` for 5 epochs; 0 is off")
	fs.Uint64Var(&o.seed, "seed", 0, "seed of the shuffling and of the validation split")
	fs.Float64Var(&o.valFraction, "val-fraction", 0, "hold out this fraction `F` in [0, 1) of the rows, chosen by --seed, for validation and early stopping")
	fs.StringVar(&o.out, "out", "", "write the model as JSON to `FILE`")
	fs.StringVar(&o.plot, "plot", "", "draw the loss curve to `FILE`.svg or .png")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	fs.BoolVar(&o.summary, "summary", false, "print R's summary(lm()) of the fit: standard errors, t tests, confidence intervals, R², F (default on for --method exact without --l1 and --l2; --summary=false turns it off)")
	fs.Float64Var(&o.confLevel, "conf-level", 0.95, "confidence level `X` in (0, 1) of the intervals of --summary")
	fs.StringVar(&o.cov, "cov", "classical", "the covariance `KIND` behind the standard errors of --summary: classical, or hc0, hc1, hc2 or hc3 (heteroskedasticity-consistent)")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return runFit(e, o)
}

// fitPlan is what the flags ask for, checked before any data is read.
type fitPlan struct {
	method linreg.Method
	update gd.Update
	rate   float64 // 0 for auto
	paging dataset.Paging
	// inference is what --summary, --conf-level and --cov ask of the
	// fit; nil without --summary.
	inference *linreg.InferenceOptions
}

func (o fitOptions) check() (fitPlan, error) {
	var p fitPlan
	var err error
	if o.data == "" {
		return p, usagef("--data is required (see lanes fit -h)")
	}
	if p.method, err = parseMethod(o.method, true); err != nil {
		return p, err
	}
	if p.update, err = parseOptimizer(o.optimizer); err != nil {
		return p, err
	}
	if p.paging, err = parsePaging(o); err != nil {
		return p, err
	}
	if !strings.EqualFold(o.lr, "auto") {
		p.rate, err = strconv.ParseFloat(o.lr, 64)
		if err != nil || !(p.rate > 0) || math.IsInf(p.rate, 0) {
			return p, usagef("--lr must be a number > 0 or auto, got %q", o.lr)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--l1", o.l1}, {"--l2", o.l2}, {"--tol", o.tol}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return p, usagef("%s must be ≥ 0 and finite, got %v", f.name, f.v)
		}
	}
	switch {
	case o.set["epochs"] && o.epochs < 1:
		return p, usagef("--epochs must be ≥ 1, got %d", o.epochs)
	case o.batch < 1:
		return p, usagef("--batch must be ≥ 1, got %d", o.batch)
	case o.shuffleBlock < 0:
		return p, usagef("--shuffle-block must be ≥ 0, got %d", o.shuffleBlock)
	case o.shuffleBlock > 0 && p.method != linreg.SGD && p.method != linreg.MiniBatch:
		return p, usagef("--shuffle-block is for --method sgd or minibatch, not %s", p.method)
	case o.set["workers"] && o.workers < 1:
		return p, usagef("--workers must be ≥ 1, got %d", o.workers)
	case o.set["batch"] && p.method != linreg.MiniBatch:
		return p, usagef("--batch is for --method minibatch, not %s", p.method)
	case !(o.valFraction >= 0 && o.valFraction < 1):
		return p, usagef("--val-fraction must be in [0, 1), got %v", o.valFraction)
	case p.method == linreg.Exact && (o.set["lr"] || o.set["schedule"] || o.set["optimizer"] || o.set["epochs"] || o.set["tol"]):
		return p, usagef("--lr, --schedule, --optimizer, --epochs and --tol are for the gradient methods, not --method exact")
	case p.method == linreg.Exact && o.plot != "":
		return p, usagef("--plot draws the loss of each epoch, and --method exact has no epochs: it solves the problem in one go")
	case o.set["lr"] && o.set["schedule"] && p.rate == 0:
		return p, usagef("--lr auto and --schedule: a schedule needs a base rate, from --lr X or its base=")
	}
	if o.plot != "" && lossplot.Format(o.plot) == "" {
		return p, usagef("--plot %q: the file name must end in .svg or .png", o.plot)
	}
	if p.inference, err = o.checkSummary(p.method); err != nil {
		return p, err
	}
	return p, nil
}

// checkSummary reads --summary, --conf-level and --cov: the options of
// the fit's inference, nil when the summary is off.
func (o fitOptions) checkSummary(method linreg.Method) (*linreg.InferenceOptions, error) {
	cov, err := linreg.ParseCov(o.cov) // "" (not set) is classical
	if err != nil || (o.set["cov"] && o.cov == "") {
		return nil, usagef("--cov %q is not one of classical, hc0, hc1, hc2, hc3", o.cov)
	}
	if o.set["conf-level"] && !(o.confLevel > 0 && o.confLevel < 1) {
		return nil, usagef("--conf-level must be in (0, 1), got %v", o.confLevel)
	}
	why := noInference(o, method)
	on := o.summary
	if !o.set["summary"] {
		on = method == linreg.Exact && why == ""
	}
	if on && why != "" {
		return nil, usagef("--summary: %s", why)
	}
	if !on {
		for _, f := range []string{"conf-level", "cov"} {
			switch {
			case !o.set[f]:
			case o.set["summary"]:
				return nil, usagef("--%s needs --summary, and --summary=false turns it off", f)
			case why != "":
				return nil, usagef("--%s needs --summary, and %s", f, why)
			default:
				return nil, usagef("--%s needs --summary, which is off by default for --method %s: add --summary", f, method)
			}
		}
		return nil, nil
	}
	return &linreg.InferenceOptions{Level: o.confLevel, Cov: cov}, nil // Level 0 (not set) is 0.95
}

// noInference says why classical inference does not apply to the fit
// the flags ask for (the reasons of linreg.ErrNoInference, in the words
// of the flags), or "" if it does, or may (gd, once it has converged).
func noInference(o fitOptions, method linreg.Method) string {
	what := strings.TrimPrefix(linreg.ErrNoInference.Error(), "linreg: ")
	switch {
	case o.l1 > 0 || o.l2 > 0:
		var pen []string
		if o.l1 > 0 {
			pen = append(pen, fmt.Sprintf("--l1 %g", o.l1))
		}
		if o.l2 > 0 {
			pen = append(pen, fmt.Sprintf("--l2 %g", o.l2))
		}
		return fmt.Sprintf("%s to a penalised fit (%s): the penalty shrinks the estimates toward 0, "+
			"so a standard error would measure their spread about a biased value; fit without --l1 and --l2 for inference",
			what, strings.Join(pen, ", "))
	case method == linreg.SGD || method == linreg.MiniBatch:
		return fmt.Sprintf("%s to a --method %s fit: stochastic steps stop near the least-squares estimates, "+
			"not at them; use --method exact (or gd) for inference", what, method)
	}
	return ""
}

func runFit(e *env, o fitOptions) error {
	plan, err := o.check()
	if err != nil {
		return err
	}
	outs, err := outfile.Plan(
		[]outfile.Path{{Flag: "--data", Path: o.data}, {Flag: "--labels", Path: o.labels}},
		[]outfile.Path{{Flag: "--out", Path: o.out}, {Flag: "--plot", Path: o.plot}})
	if err != nil {
		return asUsage(err)
	}
	defer outs.Discard()
	in := catchInterrupts(e)
	defer in.stop()
	in.onExit(outs.Discard)

	d, err := loadFitData(in.ctx, o, plan.paging)
	if err != nil {
		return err
	}
	if d.mapped != nil {
		defer d.mapped.Close()
	}
	ds, train, val, x, mapped := d.ds, d.train, d.val, d.x, d.mapped
	if train.Rows < 2 {
		return usagef("%s has %d data row: a fit needs at least 2", o.data, train.Rows)
	}
	if plan.method == linreg.MiniBatch && o.batch > train.Rows {
		return usagef("--batch %d is more than the %d training rows", o.batch, train.Rows)
	}
	r := linreg.Regressor{
		Method: plan.method, Rate: plan.rate, Update: plan.update,
		Epochs: o.epochs, Tol: o.tol, Seed: o.seed, L1: o.l1, L2: o.l2,
		Features: ds.Features, ShuffleBlock: o.shuffleBlock, Workers: o.workers,
		Inference: plan.inference,
	}
	if w := linreg.WindowRows(x.Cols); mapped != nil && !o.set["shuffle-block"] && x.Rows > w &&
		(plan.method == linreg.SGD || plan.method == linreg.MiniBatch) {
		// Out of core: shuffle windows, not rows, so that the steps read
		// one window of the file at a time. For every mapped file, pages
		// given back or not: the model must not depend on the memory of
		// the machine that trained it.
		r.ShuffleBlock = w
	}
	if plan.method == linreg.MiniBatch {
		r.BatchSize = o.batch
	}
	if val != nil {
		r.ValX, r.ValY = val.Matrix(), val.Y
	}
	if o.schedule != "" {
		if r.Schedule, err = parseSchedule(o.schedule, plan.rate, r.PlannedSteps(train.Rows)); err != nil {
			return err
		}
		r.Rate = 0
	}
	bar := newProgress(e.stderr, e.stderrTTY && !o.quiet && plan.method != linreg.Exact, r.PlannedEpochs(train.Rows))
	if plan.method != linreg.Exact {
		r.Callback = func(p gd.Progress) error { bar.update(p); return nil }
		r.CallbackEvery = 1000
	}

	// Train and describe the result; with mapped files, under a guard
	// that reports a file truncated meanwhile.
	var (
		m       *linreg.Model
		summary string
	)
	fitAndDescribe := func() error {
		start := time.Now()
		m, err = r.Fit(in.ctx, x, train.Y)
		elapsed := time.Since(start)
		bar.finish()
		if errors.Is(err, context.Canceled) {
			return errors.New("interrupted: no model written")
		}
		var nf *linreg.NonFiniteError
		if mapped != nil && errors.As(err, &nf) {
			if ferr := mapped.NonFinite(nf); ferr != nil {
				return asUsage(ferr) // bad input, named as the file's reader names it
			}
		}
		if err != nil {
			return trainingError(err)
		}
		summary, err = fitSummary(o, ds, train, val, m, elapsed)
		return err
	}
	if mapped != nil {
		err = noModel(mapped.Guard(fitAndDescribe))
	} else {
		err = fitAndDescribe()
	}
	if err != nil {
		return err
	}

	// Everything that can fail has run; what remains is to write. The
	// outputs are staged first, then the summary is printed, and only
	// when both have worked do the outputs replace their targets.
	if outs.Has("--out") {
		if err := outs.Stage("--out", m.Save); err != nil {
			return err
		}
	}
	if outs.Has("--plot") {
		err := outs.Stage("--plot", func(w io.Writer) error {
			return lossplot.Draw(w, o.plot, "lanes fit "+filepath.Base(o.data), m.History, m.ValHistory)
		})
		if err != nil {
			return err
		}
	}
	if err := printStaged(e, summary); err != nil {
		return fmt.Errorf("%w; no model or plot written", err)
	}
	return outs.Commit()
}

// fitSummary returns what ends every run: a paragraph describing it,
// then the coefficients.
func fitSummary(o fitOptions, ds, train, val *dataset.Set, m *linreg.Model, elapsed time.Duration) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Fitted y ≈ x·w + b to %d rows × %d features of %s (target %q) by %s",
		train.Rows, len(ds.Features), filepath.Base(ds.Path), ds.Target, m.Summary.Method)
	if o.l1 > 0 || o.l2 > 0 {
		fmt.Fprintf(&b, " with penalties l1 = %g and l2 = %g", o.l1, o.l2)
	}
	if m.Summary.Method != string(linreg.Exact) {
		fmt.Fprintf(&b, ", %s updates %s: %d epochs, %d steps, stopped by %s",
			m.Options.Update, rateDescription(o, m), m.Summary.Epochs, m.Summary.Steps, m.Summary.Stop)
	}
	fmt.Fprintf(&b, "; %s on the %s kernels. ", roundDuration(elapsed), m.Summary.Kernels)
	fmt.Fprintf(&b, "Training MSE %.6g, R² %.6f", m.Summary.MSE, m.Summary.R2)
	if val != nil {
		vr2, err := m.Score(val.Matrix(), val.Y)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "; validation (%d rows) MSE %.6g, R² %.6f", val.Rows, *m.Summary.ValMSE, vr2)
	}
	b.WriteString(".")
	if o.out != "" {
		fmt.Fprintf(&b, " Model written to %s.", o.out)
	}
	if o.plot != "" {
		fmt.Fprintf(&b, " Loss curve drawn to %s.", o.plot)
	}
	b.WriteString("\n")
	writeCoefficients(&b, m)
	if m.Inference != nil {
		writeInference(&b, m.Inference, shownCoefficients)
	}
	return b.String(), nil
}

// rateDescription says how the learning rate went.
func rateDescription(o fitOptions, m *linreg.Model) string {
	switch {
	case o.schedule != "":
		return "on the schedule " + o.schedule
	case m.Options.AutoRate && m.Options.Schedule != "constant":
		return fmt.Sprintf("at rate %.3g (auto), decaying linearly to %.3g", m.Options.Rate, m.Options.Rate/1000)
	case m.Options.AutoRate:
		return fmt.Sprintf("at rate %.3g (auto)", m.Options.Rate)
	}
	return fmt.Sprintf("at rate %.3g", m.Options.Rate)
}

// shownCoefficients bounds the coefficient table; the model file has all.
const shownCoefficients = 20

// writeCoefficients writes the coefficients, one per line, and the
// intercept.
func writeCoefficients(w io.Writer, m *linreg.Model) {
	width := len("intercept")
	for _, f := range m.Features[:min(len(m.Features), shownCoefficients)] {
		width = max(width, len(f))
	}
	fmt.Fprintln(w)
	for j, c := range m.Coef {
		if j == shownCoefficients {
			fmt.Fprintf(w, "  … %d more coefficients (all are in the model file of --out)\n", len(m.Coef)-j)
			break
		}
		fmt.Fprintf(w, "  %-*s % .6g\n", width, m.Features[j], c)
	}
	fmt.Fprintf(w, "  %-*s % .6g\n", width, "intercept", m.Intercept)
}
