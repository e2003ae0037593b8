#!/bin/sh
# e2e_fuzz_replay.sh - replays, under AddressSanitizer and UBSan, every input
# the fuzzers ever failed on (tests/fuzz/regressions/ for the loader,
# tests/fuzz/regressions-workbook/ for the workbook writer), every bad
# scenario (tests/bad/) and every good one (scenarios/, test fixtures)
# through both fuzz targets: the loader's (tests/fuzz/fuzz_scenario.c: no
# crash, leak or undefined behaviour, refusals well formed, accepted
# scenarios run) and the writer's (tests/fuzz/fuzz_workbook.c: every
# accepted scenario's workbook is written and every XML part well-formed).
# $BUILD/fuzz-replay and $BUILD/fuzz-replay-workbook are built by `make test`
# with gcc's sanitizers.
set -u
BUILD=${BUILD:-build}
REPLAY="$BUILD/fuzz-replay"
[ -x "$REPLAY" ] || { echo "FAIL: $REPLAY is missing (make $REPLAY)"; exit 1; }
n=$(ls tests/fuzz/regressions 2>/dev/null | wc -l)
mkdir -p tests/fuzz/regressions
# Leaks are errors; a report aborts with a non-zero status.
# Every folder of scenarios: the library's subfolders and the fixtures' included.
set -- tests/fuzz/regressions tests/bad
for d in scenarios scenarios/*/ tests/fixtures/*/; do
    [ -d "$d" ] && set -- "$@" "$d"
done
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$REPLAY" "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: fuzz replay exited with status $rc"
    exit 1
fi
WB="$BUILD/fuzz-replay-workbook"
[ -x "$WB" ] || { echo "FAIL: $WB is missing (make $WB)"; exit 1; }
shift 2
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$WB" tests/fuzz/regressions-workbook tests/fuzz/regressions "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: workbook fuzz replay exited with status $rc"
    exit 1
fi
echo "ok: $n regression inputs and the scenario corpora replayed clean"
