#!/bin/sh
# run-c-bench.sh - builds scripts/bench/NAME.c against the engine's library with the
# project's flags and runs it with ARGS (scripts/bench-draws.sh, scripts/bench-stats-stream.sh).
#
#   scripts/bench/run-c-bench.sh NAME [ARGS...]
set -eu
cd "$(dirname "$0")/../.."
name=$1
shift
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/libhnsim.a" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -Iengine \
    "scripts/bench/$name.c" "$BUILD/libhnsim.a" $(pkg-config --cflags --libs gsl inih) -lm -lpthread \
    -o "$out/$name"
"$out/$name" "$@"
