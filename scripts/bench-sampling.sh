#!/bin/sh
# bench-sampling.sh - what sampling control costs on the default scenario.
#
#   scripts/bench-sampling.sh [ITERATIONS]
#
# Runs `hnsim run` at ITERATIONS (default 100,000) on every online
# processor with plain Monte Carlo, with a Latin hypercube, and with plain
# Monte Carlo plus three rank correlations (a child scenario extending the
# default one), and prints the engine's wall time and iterations per
# second as `hnsim run` reports them. Numbers are for this machine only.
set -eu
cd "$(dirname "$0")/.."
ITER=${1:-100000}
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/hnsim" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat >"$out/correlated.ini" <<INI
[scenario]
name    = bromley_correlated
extends = $(pwd)/scenarios/bromley_ap_5yr.ini

[correlation]
provision.primary_pru.cost_per_pupil, provision.secondary_pru.cost_per_pupil = 0.6
provision.secondary_pru.cost_per_pupil, provision.independent_ap.cost_per_pupil = 0.4
demand.primary.exclusion, demand.secondary.exclusion = 0.5
INI
echo "default scenario, $ITER iterations, $(getconf _NPROCESSORS_ONLN) processors online"
printf '%-34s %10s %14s\n' run "wall s" "iterations/s"
run() { # run LABEL SCENARIO ARGS...
    label=$1
    shift
    line=$("$BUILD/hnsim" run "$@" --iterations "$ITER" -o "$out/bench.csv" | sed -n 's/^wrote .*, \([0-9.]*\) s)$/\1/p')
    awk -v l="$label" -v w="$line" -v n="$ITER" 'BEGIN { printf "%-34s %10.2f %14.0f\n", l, w, n / w }'
}
run "plain Monte Carlo" scenarios/bromley_ap_5yr.ini
run "Latin hypercube" scenarios/bromley_ap_5yr.ini --sampling lhs
run "plain Monte Carlo + 3 correlations" "$out/correlated.ini"
run "Latin hypercube + 3 correlations" "$out/correlated.ini" --sampling lhs
