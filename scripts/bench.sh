#!/bin/sh
# bench.sh - throughput and peak memory of a full run of the default scenario.
#
#   scripts/bench.sh [SCENARIO.ini] [ITERATIONS]
#
# Runs `hnsim run` at ITERATIONS (default 100,000) with 1 thread and with
# every online processor, writing the workbook to a temporary folder, and
# prints iterations per second and peak resident memory as measured by
# GNU time (/usr/bin/time -v). Numbers are for this machine only. The
# sensitivity analysis's held runs are left out (--swing-iterations 0) so
# that the figure is the engine's; scripts/bench_sensitivity.sh measures them.
set -eu
cd "$(dirname "$0")/.."
SCENARIO=${1:-scenarios/bromley_ap_5yr.ini}
ITER=${2:-100000}
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/hnsim" >/dev/null
[ -x /usr/bin/time ] || { echo "bench.sh: /usr/bin/time missing (Debian package 'time')" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
all=$(getconf _NPROCESSORS_ONLN)

echo "scenario $SCENARIO, $ITER iterations, $(uname -m), $all processors online"
printf '%-8s %12s %14s %14s\n' threads "wall s" "iterations/s" "peak RSS MiB"
for t in 1 "$all"; do
    /usr/bin/time -v "$BUILD/hnsim" run "$SCENARIO" --iterations "$ITER" --threads "$t" \
        --swing-iterations 0 --quiet -o "$out/bench.xlsx" 2>"$out/time.txt"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
    awk -v t="$t" -v w="$wall" -v n="$ITER" -v r="$rss" \
        'BEGIN { printf "%-8s %12.2f %14.0f %14.1f\n", t, w, n / w, r / 1024 }'
    [ "$t" = "$all" ] && break
done
