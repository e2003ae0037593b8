#!/bin/sh
# bench-draws.sh - the cost of one random draw of each kind the engine makes
# (scripts/bench/bench_draws.c), for the floor analysis of docs/performance.md.
#
#   scripts/bench-draws.sh
#
# Builds the engine's library, compiles the benchmark against it with the
# project's flags and prints nanoseconds per draw. Numbers are for this
# machine only, and only when nothing else runs on it.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/libhnsim.a" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -Iengine \
    scripts/bench/bench_draws.c "$BUILD/libhnsim.a" $(pkg-config --cflags --libs gsl) -lm \
    -o "$out/bench_draws"
"$out/bench_draws"
