"""scikit-learn's side of the end-to-end comparison with lanes fit
(BenchmarkEndToEnd in ../endtoend_test.go, and ../endtoend.sh).

    python3 benchmarks/sklearn/fit.py fit X.npy y.npy MODEL [--l1 A] [--l2 A] [--epochs N]
    python3 benchmarks/sklearn/fit.py serve X.npy y.npy

fit is a user's whole script: import, load the files, fit once, and print
one line, "MODEL ROWSxCOLS fit_seconds S mse M" (M the training MSE).

serve loads the files once, prints "ready ROWSxCOLS", then reads one
command per line on stdin until its end:

    fit MODEL [options]   fits a new estimator; answers "ok S" (S seconds)
    mse                   answers "mse M" for the last fit, computed after
                          the fit so that no timing includes it

and answers "error MESSAGE" to anything that fails. The Go benchmark
times one "fit" line: the fit plus a pipe round trip of microseconds.

MODEL and its options are the counterparts of lanes fit:

    linear  LinearRegression()                      lanes fit, lanes fit --method exact
    ridge   Ridge(alpha=l2*rows)                    lanes fit --l2 l2
    lasso   Lasso(alpha=l1)                         lanes fit --l1 l1
    sgd     SGDRegressor(max_iter=epochs, tol=None) lanes fit --method sgd --epochs epochs

lanes minimises (1/(2n))·|r|² + l1·|w|₁ + (l2/2)·|w|², so Ridge's alpha
is l2·n and Lasso's is l1. Everything runs on one thread: the variables
below are set before numpy loads its BLAS. Debian: python3-sklearn
(sudo bash benchmarks/install-sklearn.sh).
"""
import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn import linear_model
from sklearn.exceptions import ConvergenceWarning

# Lasso may stop at max_iter on some data; the user sees a warning and a
# model, and so does the benchmark (it reports the MSE).
warnings.simplefilter("ignore", ConvergenceWarning)

MODELS = ("linear", "ridge", "lasso", "sgd")


def add_model_arguments(parser):
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("--l1", type=float, default=0.01)
    parser.add_argument("--l2", type=float, default=0.5)
    parser.add_argument("--epochs", type=int, default=5)


def estimator(spec, rows):
    if spec.model == "linear":
        return linear_model.LinearRegression()
    if spec.model == "ridge":
        return linear_model.Ridge(alpha=spec.l2 * rows)
    if spec.model == "lasso":
        return linear_model.Lasso(alpha=spec.l1)
    # A fixed seed so that runs repeat; everything else as users run it.
    return linear_model.SGDRegressor(max_iter=spec.epochs, tol=None, random_state=0)


def load(x_path, y_path):
    """Reads the files into memory, as np.load does in a user's script."""
    return np.load(x_path), np.load(y_path)


def timed_fit(spec, x, y):
    est = estimator(spec, x.shape[0])
    start = time.perf_counter()
    est.fit(x, y)
    return est, time.perf_counter() - start


def training_mse(est, x, y):
    r = y - est.predict(x)
    return float(r @ r) / len(y)


def fit(args):
    x, y = load(args.x, args.y)
    est, seconds = timed_fit(args, x, y)
    rows, cols = x.shape
    print(f"{args.model} {rows}x{cols} fit_seconds {seconds:.6f} mse {training_mse(est, x, y):.17g}")


class CommandError(Exception):
    pass


class CommandParser(argparse.ArgumentParser):
    """Reports a bad command line to the client instead of exiting."""

    def error(self, message):
        raise CommandError(message)


def serve(args):
    x, y = load(args.x, args.y)
    rows, cols = x.shape
    parser = CommandParser(prog="fit", add_help=False)
    add_model_arguments(parser)
    print(f"ready {rows}x{cols}", flush=True)
    est = None
    for line in sys.stdin:
        words = line.split()
        try:
            if words[:1] == ["fit"]:
                est, seconds = timed_fit(parser.parse_args(words[1:]), x, y)
                answer = f"ok {seconds:.9f}"
            elif words == ["mse"] and est is not None:
                answer = f"mse {training_mse(est, x, y):.17g}"
            else:
                answer = f"error unknown command {line.strip()!r} (fit MODEL [options] | mse after a fit)"
        except Exception as e:  # the client shows it and stops
            answer = f"error {type(e).__name__}: {e}".replace("\n", " ")
        print(answer, flush=True)


def main():
    ap = argparse.ArgumentParser(description="scikit-learn's side of lanes' end-to-end benchmark")
    sub = ap.add_subparsers(dest="cmd", required=True)
    ft = sub.add_parser("fit", help="load, fit once, print the fit time and the training MSE")
    ft.add_argument("x")
    ft.add_argument("y")
    add_model_arguments(ft)
    sv = sub.add_parser("serve", help="load once, then fit on each command line of stdin")
    sv.add_argument("x")
    sv.add_argument("y")
    args = ap.parse_args()
    {"fit": fit, "serve": serve}[args.cmd](args)


if __name__ == "__main__":
    main()
