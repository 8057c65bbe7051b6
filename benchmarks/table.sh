#!/usr/bin/env bash
# table.sh runs the headline comparisons of lanes against its peers and
# prints a benchstat table with one column per implementation.
#
#   Dot        n = 16, 64, 1024, 1<<22
#   Axpy       n = 1024
#   SumSqDiff  n = 1024
#   GemvN      1000×128
#   GemvT      1000×128
#
# every implementation in kernels.Available() plus gonum, gonum-subdot
# (SumSqDiff only) and plain. It takes about two minutes on a 2-core
# machine with three lanes implementations. The table has time per call
# and GFLOP/s; the raw output also has MB/s (benchstat -col /impl FILE).
# Environment:
#
#   COUNT=6          runs of each benchmark (benchstat wants 6 or more)
#   BENCHTIME=0.5s   go test -benchtime for each run
#   OUT=file         keep the raw go test output there (default: a temp file,
#                    whose name is printed)
#
# Run it from anywhere: bash benchmarks/table.sh
set -euo pipefail

cd "$(dirname "$0")"
count=${COUNT:-6}
benchtime=${BENCHTIME:-0.5s}
out=${OUT:-$(mktemp "${TMPDIR:-/tmp}/lanes-bench.XXXXXX")}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One test binary for all runs: compiled once, identical for each.
go test -c -o "$tmp/bench.test" .

# A -bench pattern is matched level by level, so one pattern cannot pick
# different sizes for different kernels: run each group separately. Each
# run repeats its benchmark count times over all implementations in turn,
# so machine noise spreads over the columns instead of hitting one.
patterns=(
	'^BenchmarkDot$/^n=(16|64|1024|4194304)$/'
	'^Benchmark(Axpy|SumSqDiff)$/^n=1024$/'
	'^BenchmarkGemv[NT]$/^shape=1000x128$/'
)
: >"$out"
for p in "${patterns[@]}"; do
	echo "running -bench '$p' -count $count -benchtime $benchtime" >&2
	"$tmp/bench.test" -test.run '^$' -test.bench "$p" \
		-test.count "$count" -test.benchtime "$benchtime" | tee -a "$out" >&2
done
echo "raw results: $out" >&2

if command -v benchstat >/dev/null; then
	benchstat=(benchstat)
elif [ -x "$(go env GOPATH)/bin/benchstat" ]; then
	benchstat=("$(go env GOPATH)/bin/benchstat")
else
	benchstat=(go run golang.org/x/perf/cmd/benchstat@latest)
fi
# Columns: the lanes implementations fastest first (the first is the base
# every other column is compared with), then gonum, gonum-subdot, plain.
# That is the order in which the results name them, except that
# gonum-subdot, which only SumSqDiff has, shows up late.
order=$(awk '
	match($1, /\/impl=[^\/]+/) {
		v = substr($1, RSTART + 6, RLENGTH - 6)
		sub(/-[0-9]+$/, "", v) # the -GOMAXPROCS suffix
		if (!(v in seen)) { seen[v] = 1; list[n++] = v }
	}
	END {
		for (i = 0; i < n; i++) {
			if (list[i] == "gonum-subdot") continue
			printf "%s ", list[i]
			if (list[i] == "gonum" && ("gonum-subdot" in seen)) printf "gonum-subdot "
		}
	}' "$out")
"${benchstat[@]}" -col "/impl@(${order% })" -filter '.unit:(ns/op OR GFLOP/s)' "$out"
