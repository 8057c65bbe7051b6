#!/bin/sh
# Out-of-core training: peak resident memory of `lanes fit` on a .npy file
# of several GB, memory-mapped (see lanes fit -h). Writes the data to
# $TMPDIR (default /tmp) in chunks with numpy, trains one epoch of
# mini-batch SGD, prints /usr/bin/time's maximum resident set size (which
# counts the file-backed pages mapped in), and deletes the files.
# ROWS (default 60,000,000) × COLS (default 8) float64: 3.84 GB + 480 MB.
set -eu
ROWS=${ROWS:-60000000}
COLS=${COLS:-8}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/outofcore.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cd "$(dirname "$0")/.."
go build -o "$DIR/lanes" ./cmd/lanes
/usr/bin/python3 - "$DIR" "$ROWS" "$COLS" <<'PY'
import sys, numpy as np
d, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fx, fy = open(d + "/X.npy", "wb"), open(d + "/y.npy", "wb")
np.lib.format.write_array_header_1_0(fx, {"descr": "<f8", "fortran_order": False, "shape": (rows, cols)})
np.lib.format.write_array_header_1_0(fy, {"descr": "<f8", "fortran_order": False, "shape": (rows,)})
rng = np.random.default_rng(1)
w = np.arange(1, cols + 1, dtype=np.float64)
chunk = 1 << 20
for lo in range(0, rows, chunk):
    n = min(chunk, rows - lo)
    x = rng.standard_normal((n, cols))
    fx.write(x.astype("<f8").tobytes())
    fy.write((x @ w + 0.5 + 0.1 * rng.standard_normal(n)).astype("<f8").tobytes())
fx.close(); fy.close()
PY
ls -l "$DIR"/X.npy "$DIR"/y.npy
/usr/bin/time -v "$DIR/lanes" fit --data "$DIR/X.npy" --labels "$DIR/y.npy" \
	--method minibatch --batch 256 --epochs 1 --quiet 2>"$DIR/time.txt"
grep -E "Maximum resident set size|Elapsed" "$DIR/time.txt"
