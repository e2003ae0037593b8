#!/bin/sh
# bench-accumulator.sh - what a streamed run's statistics accumulator really
# holds, scenario by scenario, against the a priori estimate and the memory
# check's projection from the first segment
# (scripts/bench/bench_accumulator.c; decisions P11, P16, P18, P19).
#
#   scripts/bench-accumulator.sh [ITERATIONS [THREADS [SCENARIO.ini...]]]
#   scripts/bench-accumulator.sh ITERATIONS THREADS --compare REFERENCE.ini OPTION.ini
#
# Defaults: 1,000,000 iterations, 2 threads, every scenario of the library.
# Prints, per scenario, the bytes held, the estimate, the projection and, by kind of figure
# (money, pupils, other), the widest column's bins and the mean bins a
# column. The bins depend on the figures' spread, not on the machine.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
threads=${2:-2}
[ $# -gt 2 ] && shift 2 || set --
if [ $# -eq 0 ]; then
    set -- $(find scenarios -name '*.ini' | sort)
fi
exec scripts/bench/run-c-bench.sh bench_accumulator "$n" "$threads" "$@"
