#!/bin/sh
# run-tests.sh - run every cmocka suite given on the command line, then the
# end-to-end scripts tests/e2e_*.sh, and print one summary line:
#   tests: N passed, N failed
# HN_WRAP, when set, prefixes every command (valgrind). Exit 1 on any failure.
# The end-to-end scripts' hnsim runs through tests/support/hnsim_checked.sh,
# which checks every tidy CSV they write against tests/check_invariants.py.
set -u
BUILD=${BUILD:-build}
export BUILD
passed=0
failed=0
failed_names=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for bin in "$@"; do
    ${HN_WRAP:-} "$bin" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\./\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:/\1/p' "$log" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1   # crashed, or a valgrind error
        echo "run-tests.sh: $bin exited with status $rc" >&2
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -eq 0 ] || failed_names="$failed_names $(basename "$bin")"
done

for script in tests/e2e_*.sh; do
    [ -e "$script" ] || continue
    # Every tidy CSV a script writes is checked (tests/check_invariants.py);
    # HNSIM_UNCHECKED is the plain binary, for scripts that signal its process.
    if HNSIM="$PWD/tests/support/hnsim_checked.sh ${HN_WRAP:-} $BUILD/hnsim" \
       HNSIM_UNCHECKED="${HN_WRAP:-} $BUILD/hnsim" sh "$script" >"$log" 2>&1; then
        echo "[       OK ] $script"
        # Cases the machine could not build, and measurements, are shown even on success.
        grep -E '^(SKIP|measured):' "$log" | sed 's/^/             /'
        passed=$((passed + 1))
    else
        cat "$log"
        echo "[  FAILED  ] $script"
        failed=$((failed + 1))
        failed_names="$failed_names $(basename "$script")"
    fi
done

[ -z "$failed_names" ] || echo "failing:$failed_names"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
