#!/bin/sh
# bench-draws.sh - the cost of one random draw of each kind the engine makes
# (scripts/bench/bench_draws.c), for the floor analysis of docs/performance.md.
#
#   scripts/bench-draws.sh
#
# Builds and runs the benchmark (scripts/bench/run-c-bench.sh), which prints
# nanoseconds per draw. Numbers are for this machine only, and only when nothing else runs on it.
set -eu
exec "$(dirname "$0")/bench/run-c-bench.sh" bench_draws
