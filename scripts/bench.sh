#!/bin/sh
# bench.sh - throughput and peak memory of full runs of the default scenario
# (issue 14's benchmarks; docs/performance.md quotes them).
#
#   scripts/bench.sh [SCENARIO.ini] [ITERATIONS ...]
#
# For each ITERATIONS (default: 100000 1000000; add 10000000 for the
# bounded-memory figure, a few minutes), runs `hnsim run` to a workbook
# with 1 thread and with every online processor, and prints wall time,
# iterations per second and peak resident memory as GNU time measures them
# (/usr/bin/time -v). Then, at the first ITERATIONS:
#   * per core: one thread to CSV, the figure issue 14 sets against NumPy;
#   * processes: `mpirun -n 1` and `-n 2` of the MPI build (build-mpi/,
#     `make MPI=1`; 1 thread each, to CSV), when mpirun and the build exist.
# The sensitivity analysis's held runs are left out (--swing-iterations 0)
# so that the figure is the engine's; scripts/bench_sensitivity.sh measures
# them. Numbers are for this machine only.
set -eu
cd "$(dirname "$0")/.."
SCENARIO=${1:-scenarios/bromley_ap_5yr.ini}
[ $# -gt 0 ] && shift
ITERS=${*:-100000 1000000}
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/hnsim" >/dev/null
[ -x /usr/bin/time ] || { echo "bench.sh: /usr/bin/time missing (Debian package 'time')" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
all=$(getconf _NPROCESSORS_ONLN)

. scripts/bench/measure.sh
. scripts/mpi-env.sh

echo "scenario $SCENARIO, $(uname -m), $all processors online"
measure_header
for n in $ITERS; do
    for t in 1 "$all"; do
        measure "xlsx, $t thread(s)" "$n" "$BUILD/hnsim" run "$SCENARIO" --iterations "$n" \
            --threads "$t" --swing-iterations 0 --quiet -o "$out/bench.xlsx"
        [ "$t" = "$all" ] && break
    done
done
first=${ITERS%% *}
measure "csv, 1 thread (per core)" "$first" "$BUILD/hnsim" run "$SCENARIO" --iterations "$first" \
    --threads 1 --swing-iterations 0 --quiet -o "$out/bench.csv"
if command -v mpirun >/dev/null 2>&1 && [ -x build-mpi/hnsim ]; then
    for k in 1 2; do
        measure "csv, mpirun -n $k" "$first" $MPIRUN -n "$k" build-mpi/hnsim run \
            "$SCENARIO" --iterations "$first" --threads 1 --swing-iterations 0 --quiet \
            -o "$out/bench-mpi$k.csv"
    done
    cmp -s "$out/bench-mpi1.csv" "$out/bench-mpi2.csv" && echo "mpirun -n 1 and -n 2: identical CSV" ||
        { echo "bench.sh: mpirun -n 1 and -n 2 wrote different CSVs" >&2; exit 1; }
else
    echo "(no mpirun or build-mpi/hnsim: 'make MPI=1' for the processes' rows)"
fi
