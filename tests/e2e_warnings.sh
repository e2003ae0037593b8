#!/bin/sh
# e2e_warnings.sh - figures that would mislead a committee although the
# scenario is valid (issue 10; engine/analysis/warnings.c): `check` and `run`
# print each as "hnsim: FILE:LINE: warning: [section] key: ..." on stderr and
# keep exit status 0; --strict makes them errors (exit 2, nothing written).
# The Run sheet of a run's workbook and of a sweep's lists them.
# Fixtures: tests/fixtures/warnings/, each one warning over a clean base.
set -u
HNSIM=${HNSIM:-build/hnsim}
W=tests/fixtures/warnings
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

# none FILE: check prints no warning.
none() {
    $HNSIM check "$1" >"$tmp/stdout" 2>"$tmp/out"; check "$1: check" 0 $?
    if grep -q warning "$tmp/out"; then echo "FAIL: $1 warns:"; cat "$tmp/out"; fail=1; else echo "ok: $1: no warning"; fi
}
# warns NAME FILE PATTERN: check and run print PATTERN (one warning) and exit 0.
warns() {
    $HNSIM check "$2" >"$tmp/stdout" 2>"$tmp/out"; check "$1: check exits 0" 0 $?
    grep_check "$1: check warns" "$3" "$tmp/out"
    [ "$(grep -c 'warning:' "$tmp/out")" -eq 1 ] && echo "ok: $1: one warning" || { echo "FAIL: $1: not one warning:"; cat "$tmp/out"; fail=1; }
    $HNSIM run "$2" -n 20 -q -o "$tmp/$1.csv" 2>"$tmp/out"; check "$1: run exits 0" 0 $?
    grep_check "$1: run warns" "$3" "$tmp/out"
    [ -s "$tmp/$1.csv" ] && echo "ok: $1: run wrote its output" || { echo "FAIL: $1: no output"; fail=1; }
    $HNSIM run "$2" -n 20 -q --strict -o "$tmp/$1-strict.csv" 2>"$tmp/out"; check "$1: run --strict exits 2" 2 $?
    grep_check "$1: --strict says why" "^hnsim: --strict: 1 warning taken as error; nothing was run$" "$tmp/out"
    [ ! -e "$tmp/$1-strict.csv" ] && echo "ok: $1: --strict wrote nothing" || { echo "FAIL: $1: --strict wrote an output"; fail=1; }
    $HNSIM check --strict "$2" >"$tmp/stdout" 2>"$tmp/out"; check "$1: check --strict exits 2" 2 $?
}

none $W/base.ini
none scenarios/bromley_ap_5yr.ini
warns baseline_thousands $W/baseline_thousands.ini \
    "^hnsim: $W/baseline_thousands.ini:5: warning: \[scenario\] baseline_cost: 100 is less than a third of the planned year-1 net cost (£88,000): is it in £'000?"
warns baseline_pence $W/baseline_pence.ini \
    "^hnsim: $W/baseline_pence.ini:5: warning: \[scenario\] baseline_cost: 10000000 is more than 3 times the planned year-1 net cost (£88,000)"
warns separators $W/separators.ini \
    "^hnsim: $W/separators.ini:8: warning: \[cost.posts\] amount: \`1, 250, 000\` is read as a list of 3 yearly amounts, but looks like one number .* write 1250000"
warns free_places $W/free_places.ini \
    "^hnsim: $W/base.ini:24: warning: \[provision.unit\] places: places in 2025/26, 2026/27 cost nothing"

# The Run sheet lists the warnings as printed, or "none".
run_sheet_warnings() {
    /usr/bin/python3 -c 'import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Run"]
rows = [r[:2] for r in ws.iter_rows(values_only=True)]
i = next(k for k, r in enumerate(rows) if r[0] == "Warnings")
print(rows[i][1])
while rows[i + 1][0] is None and rows[i + 1][1]:
    i += 1
    print(rows[i][1])' "$1"
}
$HNSIM run $W/separators.ini -n 20 -q -o "$tmp/sep.xlsx" 2>/dev/null; check "separators workbook" 0 $?
run_sheet_warnings "$tmp/sep.xlsx" >"$tmp/out" 2>&1
grep_check "the Run sheet lists the warning" "^$W/separators.ini:8: warning: \[cost.posts\] amount: \`1, 250, 000\` is read as a list" "$tmp/out"
[ "$(wc -l <"$tmp/out")" -eq 1 ] && echo "ok: one warning on the Run sheet" || { echo "FAIL: Run sheet warnings:"; cat "$tmp/out"; fail=1; }
$HNSIM run $W/base.ini -n 20 -q -o "$tmp/base.xlsx" 2>/dev/null; check "base workbook" 0 $?
run_sheet_warnings "$tmp/base.xlsx" >"$tmp/out" 2>&1
grep_check "the Run sheet says none" "^none$" "$tmp/out"
# A sweep's Run sheet: each scenario's warnings, named by the scenario (decisions P15).
$HNSIM sweep $W/base.ini $W/separators.ini -n 20 -q -o "$tmp/sweep.xlsx" 2>/dev/null; check "sweep workbook" 0 $?
run_sheet_warnings "$tmp/sweep.xlsx" >"$tmp/out" 2>&1
grep_check "the sweep's Run sheet lists the warning" "^warn_separators: $W/separators.ini:8: warning: \[cost.posts\] amount: \`1, 250, 000\` is read as a list" "$tmp/out"
[ "$(wc -l <"$tmp/out")" -eq 1 ] && echo "ok: one warning on the sweep's Run sheet" || { echo "FAIL: sweep Run sheet warnings:"; cat "$tmp/out"; fail=1; }

run_check "compare refuses --strict" 2 $HNSIM compare $W/base.ini $W/free_places.ini --strict -n 5 -o "$tmp/c.csv"
grep_check "compare says where --strict applies" "strict applies to .hnsim run. and .hnsim check. only" "$tmp/out"
exit $fail
