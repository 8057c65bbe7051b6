#!/usr/bin/env bash
# endtoend.sh compares lanes fit with scikit-learn as their users run
# them, on the same .npy files, one thread each (issue 15's targets):
#
#  1. BenchmarkEndToEnd: lanes fit in process (map, check, fit, score;
#     Workers 1, and 2 for the speed-up) against estimator.fit in one
#     long-lived python3 that loaded the data once. Raw output to OUT,
#     then benchstat tables (time, training MSE, lanes' MSE excess) and
#     the ratio of the medians per case.
#  2. Whole commands: the built `lanes fit ... --workers 1` against
#     `python3 benchmarks/sklearn/fit.py fit ...` (import, load, fit),
#     RUNS runs each, alternating, median wall time, to CLI_OUT.
#
# Run it from anywhere, on a quiet machine: bash benchmarks/endtoend.sh
# The full run takes roughly 15–30 minutes on 2 cores. Environment:
#
#   COUNT=6            go test -count (benchstat wants 6 or more)
#   BENCHTIME=1x       go test -benchtime: one fit per sample (0.05–3 s)
#   RUNS=5             runs of each whole command; 0 skips part 2
#   BENCH=pattern      go test -bench (default ^BenchmarkEndToEnd$)
#   OUT=file           raw go test output (default benchmarks/results/endtoend.txt)
#   CLI_OUT=file       whole-command table (default benchmarks/results/endtoend-cli.txt)
#   LANES_BENCH_DATA   where the .npy files are kept (default $TMPDIR or /tmp, lanes-endtoend)
#   LANES_BENCH_SMALL  if set, one tiny shape (20000x8): checks the harness in seconds
#   LANES_PYTHON       the interpreter with scikit-learn (default python3)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
count=${COUNT:-6}
benchtime=${BENCHTIME:-1x}
runs=${RUNS:-5}
bench=${BENCH:-'^BenchmarkEndToEnd$'}
out=$(realpath -m "${OUT:-benchmarks/results/endtoend.txt}")
cli_out=$(realpath -m "${CLI_OUT:-benchmarks/results/endtoend-cli.txt}")
python=${LANES_PYTHON:-python3}
export LANES_BENCH_DATA=${LANES_BENCH_DATA:-${TMPDIR:-/tmp}/lanes-endtoend}
# One thread for numpy's BLAS and OpenMP; fit.py sets them too, before
# numpy loads.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# Prerequisites. python3 runs from the repository, whose .python-version
# makes pyenv pick the system interpreter that Debian's packages serve.
command -v go >/dev/null || { echo "endtoend: go is not on PATH" >&2; exit 1; }
if ! "$python" -c 'import sklearn, numpy' 2>/dev/null; then
	echo "endtoend: scikit-learn or numpy is missing for $python." >&2
	echo "  Install them with: sudo bash benchmarks/install-sklearn.sh" >&2
	echo "  (or point LANES_PYTHON at an interpreter that has them)" >&2
	exit 1
fi
if command -v benchstat >/dev/null; then
	benchstat=(benchstat)
elif [ -x "$(go env GOPATH)/bin/benchstat" ]; then
	benchstat=("$(go env GOPATH)/bin/benchstat")
else
	# The version go.mod pins: no download needed once the module cache has it.
	benchstat=(go run golang.org/x/perf/cmd/benchstat)
fi
mkdir -p "$(dirname "$out")" "$(dirname "$cli_out")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/bench.test" ./benchmarks
if [ "$runs" -gt 0 ]; then
	go build -o "$tmp/lanes" ./cmd/lanes # before the long benchmark, to fail early
fi

# 1. The benchmark. It runs in the package directory, where it finds
# sklearn/fit.py, and writes the data files on first use.
echo "running -bench '$bench' -count $count -benchtime $benchtime (data in $LANES_BENCH_DATA)" >&2
(cd benchmarks && "$tmp/bench.test" -test.run '^$' -test.bench "$bench" \
	-test.count "$count" -test.benchtime "$benchtime" -test.timeout 0) | tee "$out" >&2
echo "raw results: $out" >&2

"${benchstat[@]}" -col '/impl@(lanes sklearn lanes-2workers)' "$out"

# The ratios of the medians, the numbers the targets are stated in
# (benchstat above gives their spread and significance).
echo
echo "Median time per fit; sklearn/lanes above 1 means lanes is faster."
awk '
	$1 ~ /^BenchmarkEndToEnd\// && $4 == "ns/op" {
		name = $1; sub(/-[0-9]+$/, "", name) # the -GOMAXPROCS suffix
		n = split(name, part, "/")
		row = part[2] "/" part[3]; impl = part[4]; sub(/^impl=/, "", impl)
		if (!(row in seen)) { seen[row] = 1; rows[nrows++] = row }
		k = row SUBSEP impl
		t[k, ++cnt[k]] = $3
	}
	function median(k,    i, j, m, v, tmp) {
		m = cnt[k]
		if (m == 0) return ""
		for (i = 1; i <= m; i++) v[i] = t[k, i]
		for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j-1] > v[j]; j--) { tmp = v[j]; v[j] = v[j-1]; v[j-1] = tmp }
		return m % 2 ? v[(m+1)/2] : (v[m/2] + v[m/2+1]) / 2
	}
	END {
		printf "%-32s %11s %11s %14s %16s %17s\n", "shape/case", "lanes", "sklearn", "sklearn/lanes", "lanes 2 workers", "2-worker speed-up"
		for (r = 0; r < nrows; r++) {
			row = rows[r]
			l = median(row SUBSEP "lanes"); s = median(row SUBSEP "sklearn"); l2 = median(row SUBSEP "lanes-2workers")
			printf "%-32s %10.4gs %11s %14s %16s %17s\n", row, l / 1e9,
				s == "" ? "-" : sprintf("%.4gs", s / 1e9), s == "" ? "-" : sprintf("%.2fx", s / l),
				l2 == "" ? "-" : sprintf("%.4gs", l2 / 1e9), l2 == "" ? "-" : sprintf("%.2fx", l / l2)
		}
	}' "$out"

# 2. Whole commands, each as its user types it, process start, imports
# and loading included. The data files are the benchmark's.
if [ "$runs" -eq 0 ]; then
	exit 0
fi
data_version=v1 # keep in step with endToEndDataVersion in endtoend_data_test.go
if [ -n "${LANES_BENCH_SMALL:-}" ]; then
	shapes=(20000x8)
else
	shapes=(200000x64 2000000x8)
fi
# case | lanes fit flags | fit.py model and options (as in endToEndCases)
cases=(
	"default||linear"
	"l2|--l2 0.5|ridge --l2 0.5"
	"l1|--l1 0.01|lasso --l1 0.01"
	"sgd|--method sgd --epochs 5|sgd --epochs 5"
	"exact|--method exact|linear"
)

# run_timed FILE CMD... runs CMD with its output in FILE and prints its
# wall time in seconds, or "failed".
run_timed() {
	local file=$1 start end
	shift
	start=$EPOCHREALTIME
	if "$@" >"$file" 2>&1; then
		end=$EPOCHREALTIME
		awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }'
	else
		echo failed
	fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "failed"; else print (NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2) }'; }

{
	echo "Whole commands: median wall time of $runs runs each, alternating; one thread each"
	echo "(lanes fit --workers 1; python3 with OMP/OPENBLAS/MKL_NUM_THREADS=1)."
	printf "%-10s %-8s %10s %10s %13s %12s %12s\n" shape case "lanes fit" "fit.py" "fit.py/lanes" "lanes MSE" "sklearn MSE"
	for shape in "${shapes[@]}"; do
		x=$LANES_BENCH_DATA/$data_version-$shape/X.npy
		y=$LANES_BENCH_DATA/$data_version-$shape/y.npy
		[ -f "$x" ] && [ -f "$y" ] || { echo "$shape: no data in $LANES_BENCH_DATA (the benchmark writes it; was it filtered out?)"; continue; }
		for c in "${cases[@]}"; do
			IFS='|' read -r name flags model <<<"$c"
			lanes_times=() py_times=()
			for ((i = 0; i < runs; i++)); do
				# Alternate which side goes first, so that neither always
				# runs right after the other's page-cache and CPU state.
				# $flags and $model are unquoted on purpose: several words.
				# shellcheck disable=SC2086
				if ((i % 2 == 0)); then
					lanes_times+=("$(run_timed "$tmp/lanes.out" "$tmp/lanes" fit --data "$x" --labels "$y" --workers 1 --quiet $flags)")
					py_times+=("$(run_timed "$tmp/py.out" "$python" benchmarks/sklearn/fit.py fit "$x" "$y" $model)")
				else
					py_times+=("$(run_timed "$tmp/py.out" "$python" benchmarks/sklearn/fit.py fit "$x" "$y" $model)")
					lanes_times+=("$(run_timed "$tmp/lanes.out" "$tmp/lanes" fit --data "$x" --labels "$y" --workers 1 --quiet $flags)")
				fi
			done
			lt=$(printf '%s\n' "${lanes_times[@]}" | { grep -v failed || true; } | median)
			pt=$(printf '%s\n' "${py_times[@]}" | { grep -v failed || true; } | median)
			lmse=$({ grep -o 'Training MSE [^,]*' "$tmp/lanes.out" || true; } | awk '{ print $3 }')
			pmse=$(awk '{ for (i = 1; i < NF; i++) if ($i == "mse") printf "%.6g", $(i+1) }' "$tmp/py.out")
			ratio=$(awk -v l="$lt" -v p="$pt" 'BEGIN { if (l + 0 > 0 && p + 0 > 0) printf "%.2fx", p / l; else print "-" }')
			printf "%-10s %-8s %9ss %9ss %13s %12s %12s\n" "$shape" "$name" "$lt" "$pt" "$ratio" "${lmse:-failed}" "${pmse:-failed}"
		done
	done
} | tee "$cli_out"
echo "whole-command table: $cli_out" >&2
