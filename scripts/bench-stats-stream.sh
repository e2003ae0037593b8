#!/bin/sh
# bench-stats-stream.sh - what the streamed statistics cost per value and hold
# (scripts/bench/bench_stats_stream.c; decisions P11).
#
#   scripts/bench-stats-stream.sh [COLS [ITER [SEGMENT]]]
#
# Builds and runs the benchmark (scripts/bench/run-c-bench.sh), which prints
# CPU nanoseconds per value and bytes held. Numbers are for this machine
# only, and only when nothing else runs on it.
set -eu
exec "$(dirname "$0")/bench/run-c-bench.sh" bench_stats_stream "$@"
