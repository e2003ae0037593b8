#!/bin/sh
# bench-stats-stream.sh - what the streamed statistics cost per value and hold
# (scripts/bench/bench_stats_stream.c; decisions P11).
#
#   scripts/bench-stats-stream.sh [COLS [ITER [SEGMENT]]]
#
# Builds the engine's library, compiles the benchmark against it with the
# project's flags and prints CPU nanoseconds per value and bytes held. Numbers are for this
# machine only, and only when nothing else runs on it.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/libhnsim.a" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -Iengine \
    scripts/bench/bench_stats_stream.c "$BUILD/libhnsim.a" $(pkg-config --cflags --libs gsl) -lm \
    -o "$out/bench_stats_stream"
"$out/bench_stats_stream" "$@"
