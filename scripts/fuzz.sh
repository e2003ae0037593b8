#!/bin/sh
# fuzz.sh - run a libFuzzer target: the scenario loader's (tests/fuzz/fuzz_scenario.c)
# or the workbook writer's (tests/fuzz/fuzz_workbook.c, `make fuzz FUZZ_TARGET=workbook`).
#
#   scripts/fuzz.sh BINARY SECONDS [JOBS]
#   scripts/fuzz.sh --check-toolchain [CC]   (used by `make fuzz` before building)
#
# Seeds a working corpus in the binary's folder (corpus/, kept between runs
# so that runs add up) with scenarios/, tests/bad/, the test fixtures and
# every saved regression input, then fuzzes for SECONDS with JOBS processes
# (libFuzzer's -fork mode when JOBS > 1) using tests/fuzz/scenario.dict.
# Inputs that crash, leak, hang (-timeout) or break a promise of the target
# are written to artifacts/; fix the loader (or writer), then copy each one into
# tests/fuzz/regressions/ (regressions-workbook/ for the writer's) under a name that says what it was, so that
# `make test` replays it under the sanitizers for ever.
set -eu
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--check-toolchain" ]; then
    cc=${2:-clang}
    probe=$(mktemp -d)
    trap 'rm -rf "$probe"' EXIT
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe/t.c"
    if "$cc" -fsanitize=fuzzer,address,undefined "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then
        exit 0
    fi
    echo "fuzz.sh: '$cc -fsanitize=fuzzer' does not link: libFuzzer is missing." >&2
    echo "fuzz.sh: on Debian it comes with clang and libclang-rt-14-dev; installing them." >&2
    scripts/install-deps.sh --fuzz
    "$cc" -fsanitize=fuzzer,address,undefined "$probe/t.c" -o "$probe/t" || {
        echo "fuzz.sh: still cannot link a fuzz target with $cc; install clang and its compiler-rt (libclang-rt-dev) by hand" >&2
        exit 1
    }
    exit 0
fi

bin=${1:?usage: fuzz.sh BINARY SECONDS [JOBS]}
seconds=${2:-60}
jobs=${3:-1}
work=$(dirname "$bin")
mkdir -p "$work/corpus" "$work/artifacts" "$work/seeds"
# Seeds: every scenario we have, good and bad (copied flat; names keep them apart).
for f in scenarios/*.ini scenarios/*/*.ini tests/bad/* tests/fixtures/*/*.ini tests/fuzz/regressions/* \
    tests/fuzz/regressions-workbook/*; do
    [ -f "$f" ] || continue
    cp "$f" "$work/seeds/$(echo "$f" | tr '/' '_')"
done
before=$(ls "$work/artifacts" | wc -l)
echo "fuzz.sh: fuzzing for $seconds s with $jobs job(s); corpus $work/corpus ($(ls "$work/corpus" | wc -l) inputs)"
set +e
if [ "$jobs" -gt 1 ]; then
    "$bin" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -use_value_profile=1 \
        -dict=tests/fuzz/scenario.dict -artifact_prefix="$work/artifacts/" \
        -print_final_stats=1 "$work/corpus" "$work/seeds" 2>"$work/last-run.log"
else
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -use_value_profile=1 \
        -dict=tests/fuzz/scenario.dict -artifact_prefix="$work/artifacts/" \
        -print_final_stats=1 "$work/corpus" "$work/seeds" 2>"$work/last-run.log"
fi
rc=$?
set -e
# The summary: libFuzzer's final stats (one process), or the last status line (-fork).
grep -E '^(stat::|Done [0-9]+ runs|INFO: fuzzed for)' "$work/last-run.log" || true
grep -E '^#[0-9]+: cov' "$work/last-run.log" | tail -n 1 || true
after=$(ls "$work/artifacts" | wc -l)
if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
    tail -n 40 "$work/last-run.log" >&2
    echo "fuzz.sh: FINDINGS in $work/artifacts/ (exit status $rc): fix them, then keep each input in tests/fuzz/regressions/" >&2
    exit 1
fi
echo "fuzz.sh: no findings; log in $work/last-run.log"
