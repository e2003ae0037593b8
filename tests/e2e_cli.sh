#!/bin/sh
# e2e_cli.sh - the command line as a user meets it: help, version, exit
# statuses, error format, and that a failed run writes nothing.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
T=tests/fixtures/cli/tiny.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

$HNSIM --version >"$tmp/out" 2>&1; check "--version" 0 $?
grep_check "--version names the program" "^hnsim [0-9]" "$tmp/out"
$HNSIM --help >"$tmp/out" 2>&1; check "--help" 0 $?
$HNSIM run --help >"$tmp/out" 2>&1; check "run --help" 0 $?
grep_check "run --help shows the synopsis" "usage: hnsim run SCENARIO.ini" "$tmp/out"
$HNSIM check --help >"$tmp/out" 2>&1; check "check --help" 0 $?
$HNSIM >"$tmp/out" 2>&1; check "no command" 2 $?
$HNSIM frobnicate >"$tmp/out" 2>&1; check "unknown command" 2 $?
$HNSIM run >"$tmp/out" 2>&1; check "run without a scenario" 2 $?
$HNSIM run "$T" --iterations 0 -o "$tmp/x.xlsx" >"$tmp/out" 2>&1; check "--iterations 0" 2 $?
$HNSIM run "$T" --threads abc -o "$tmp/x.xlsx" >"$tmp/out" 2>&1; check "--threads abc" 2 $?
$HNSIM run "$T" -o "$tmp/x.txt" >"$tmp/out" 2>&1; check "unknown output extension" 2 $?
$HNSIM compare "$T" "$T" --swing-iterations 5 >"$tmp/out" 2>&1; check "compare refuses --swing-iterations" 2 $?
grep_check "the refusal says why" "applies to .hnsim run. only" "$tmp/out"
$HNSIM run "$T" -o "$T" >"$tmp/out" 2>&1; check "-o naming the scenario" 2 $?
$HNSIM run "$T" -o "$tmp/missing/x.xlsx" >"$tmp/out" 2>&1; check "output folder missing" 1 $?
$HNSIM run "$tmp/nope.ini" -o "$tmp/x.xlsx" >"$tmp/out" 2>&1; check "missing scenario" 2 $?
grep_check "missing scenario is named" "nope.ini" "$tmp/out"

# A bad scenario: exit 2, FILE:LINE: [section] key: message, and no output.
sed 's/^cost_per_pupil = 4000/cost_per_pupl = 4000/' "$T" >"$tmp/bad.ini"
$HNSIM check "$tmp/bad.ini" >"$tmp/out" 2>&1; check "typo'd key" 2 $?
grep_check "error has file, line, section, key" "bad.ini:30: \[provision.outreach\] cost_per_pupl: " "$tmp/out"
grep_check "error suggests the key" "cost_per_pupil" "$tmp/out"
$HNSIM run "$tmp/bad.ini" -o "$tmp/bad.xlsx" >"$tmp/out" 2>&1; check "run of a bad scenario" 2 $?
[ ! -e "$tmp/bad.xlsx" ] && echo "ok: nothing written" || { echo "FAIL: output written"; fail=1; }

# A good run: check, xlsx and csv; an existing output survives a failed run.
$HNSIM check "$T" >"$tmp/out" 2>&1; check "check of a valid scenario" 0 $?
grep_check "check summarises" "scenario is valid" "$tmp/out"
# check's summary: money with thousands separators, each section's note, and columns that a
# long name (32 characters, the most a NAME may have) does not break.
$HNSIM new long_names -o - 2>/dev/null |
    sed -e 's/^; note = /note = /' -e 's/\bindependent\b/independent_and_out_of_borough_a/g' >"$tmp/long.ini"
$HNSIM check "$tmp/long.ini" >"$tmp/out" 2>&1; check "check of a scenario with long names" 0 $?
grep_check "money has thousands separators" "^baseline    £2,500,000; budget £2,600,000; inflation 0.02$" "$tmp/out"
grep_check "iterations have separators" "; 10,000 iterations, seed 1$" "$tmp/out"
grep_check "the scenario's note" "^note        written by hnsim new: replace each value and cite its source$" "$tmp/out"
grep_check "a provision's note" "^  *note a team of four, from the service plan$" "$tmp/out"
grep_check "a cost line in pounds" "^  cost.posts  *£90,000$" "$tmp/out"
cols=$(sed -n '/^provisions/,/^$/p' "$tmp/out" | awk '/ places / { print index($0, " places ") "," index($0, "cost/pupil") }' | sort -u)
[ "$(echo "$cols" | wc -l)" = 1 ] && grep -q "independent_and_out_of_borough_a  placement" "$tmp/out" &&
    echo "ok: the provisions' columns line up past a 32-character name ($cols)" ||
    { echo "FAIL: provisions' columns: $cols"; cat "$tmp/out"; fail=1; }
# The DSG section (MODEL.md section 8), its money with separators and a deficit signed.
$HNSIM check scenarios/bromley_dsg/ap_plan.ini >"$tmp/out" 2>&1; check "check of a DSG scenario" 0 $?
grep_check "the DSG section is summarised" "^DSG (High Needs Block)$" "$tmp/out"
grep_check "the allocation in pounds, its growth as written" "^  allocation  *£61,500,000, growth normal(0.06, 0.02)$" "$tmp/out"
grep_check "a deficit is signed" "^  opening balance  *-£5,000,000 (negative: a deficit)$" "$tmp/out"
grep_check "the targets, one a year" "^  targets  *-£5,500,000, -£5,500,000, -£5,000,000, -£4,000,000, -£3,000,000$" "$tmp/out"
grep_check "the override's end" "^  override ends  *31 March 2023$" "$tmp/out"
$HNSIM run "$T" -q -o "$tmp/good.xlsx" >"$tmp/out" 2>&1; check "run to xlsx" 0 $?
[ -s "$tmp/good.xlsx" ] && echo "ok: workbook written" || { echo "FAIL: no workbook"; fail=1; }
$HNSIM run "$T" -q -o "$tmp/good.csv" >"$tmp/out" 2>&1; check "run to csv" 0 $?
grep_check "csv header" "^scenario,metric,entity,year,stat,value$" "$tmp/good.csv"
cp "$tmp/good.csv" "$tmp/before.csv"
$HNSIM run "$tmp/bad.ini" -q -o "$tmp/good.csv" >"$tmp/out" 2>&1; check "failed run over an existing csv" 2 $?
cmp -s "$tmp/good.csv" "$tmp/before.csv" && echo "ok: existing output untouched" || { echo "FAIL: output changed"; fail=1; }
ls -a "$tmp" | grep -q 'hnsim-' && { echo "FAIL: temporary file left"; fail=1; } || echo "ok: no temporary file left"

# Same seed, different thread counts: identical CSV.
$HNSIM run "$T" -q --threads 1 -o "$tmp/t1.csv" && $HNSIM run "$T" -q --threads 3 -o "$tmp/t3.csv"
cmp -s "$tmp/t1.csv" "$tmp/t3.csv" && echo "ok: 1 and 3 threads identical" || { echo "FAIL: thread count changed results"; fail=1; }
$HNSIM run "$T" -q --seed 8 -o "$tmp/s8.csv"
cmp -s "$tmp/t1.csv" "$tmp/s8.csv" && { echo "FAIL: --seed had no effect"; fail=1; } || echo "ok: --seed changes the draws"

exit $fail
