"""One epoch of least squares by scikit-learn and numpy, for the anchors of
the training benchmarks (BenchmarkTraining in ../training_test.go).

    /usr/bin/python3 benchmarks/sklearn/sgd_epoch.py [--repeat 6]

It prints, per shape, the median and the spread over the repeats of:
numpy's X.sum() (one read of X: the memory limit), numpy's X@w then X.T@r
(two passes), and scikit-learn's SGDRegressor for one epoch (max_iter=1,
shuffled, tol=None), all on one core (OPENBLAS_NUM_THREADS=1 and
friends are set before numpy loads). Debian: apt-get install -y
python3-sklearn.
"""
import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDRegressor

SHAPES = [(200_000, 64), (2_000_000, 8)]


def timed(f, repeat):
    f()  # warm-up
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return ts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=6)
    args = ap.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    rng = np.random.default_rng(21)
    for rows, cols in SHAPES:
        x = rng.uniform(-1, 1, size=(rows, cols))
        w = rng.uniform(-1, 1, size=cols)
        y = x @ w + 0.1 * rng.standard_normal(rows)

        def twopass():
            r = x @ w + 0.5 - y
            return x.T @ r, r @ r

        def sgd():
            SGDRegressor(max_iter=1, tol=None, shuffle=True, random_state=0,
                         learning_rate="invscaling").fit(x, y)

        for name, f in (("numpy X.sum (read limit)", x.sum),
                        ("numpy X@w, X.T@r", twopass),
                        ("sklearn SGDRegressor, 1 epoch", sgd)):
            ts = timed(f, args.repeat)
            med = statistics.median(ts)
            spread = (max(ts) - min(ts)) / 2 / med * 100
            print(f"{rows}x{cols}  {name:32s} {med * 1e3:9.2f} ms  ±{spread:.0f}%")


if __name__ == "__main__":
    main()
