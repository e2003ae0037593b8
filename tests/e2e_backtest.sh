#!/bin/sh
# e2e_backtest.sh - `hnsim backtest` as a user meets it: help; --holdout N
# to the tidy CSV (backtest_METRIC rows with observed, mean, p10, p90,
# inside and error, the fit of the origin, the backtest scores, checked
# against each other); --holdout all to a workbook whose Back-test sheet
# is read back with openpyxl; the default output name; and exit status 2
# with a message for each mistake. Times a rolling back-test of a
# scenario the size of the default one on a 10-year history at 2,000
# iterations per origin on one thread (MODEL.md section 9 asks for under
# 30 s).
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
F=tests/fixtures/calibrate
B=$F/bromley_10yr.ini
H=$F/bromley_10yr_history.csv
KEYS=demand.primary.exclusion,demand.secondary.exclusion,demand.primary.referrals
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

run_check "backtest --help" 0 $HNSIM backtest --help
grep_check "backtest --help shows the synopsis" "usage: hnsim backtest SCENARIO.ini \[HISTORY.csv\] --fit KEY\[,KEY...\] --holdout N|all" "$tmp/out"
$HNSIM --help >"$tmp/out" 2>&1; grep_check "hnsim --help lists backtest" "hnsim backtest" "$tmp/out"

run_check "--holdout 3 to CSV" 0 $HNSIM backtest "$B" "$H" --fit "$KEYS" --holdout 3 -n 500 -o "$tmp/bt.csv"
grep_check "prints the origin" "^origin 2027/28 (calibrated on 2020/21 to 2026/27): 12 observations scored" "$tmp/out"
grep_check "prints the scores" "^back-test: 12 observations scored from 1 origin: [0-9.]*% inside P10-P90" "$tmp/out"
head -n 1 "$tmp/bt.csv" | grep -qx 'scenario,metric,entity,year,stat,value' && echo "ok: the tidy CSV header" || { echo "FAIL: header"; fail=1; }
grep_check "held-out row: observed" "^bromley_ap_10yr,backtest_exclusions,secondary,9,observed,11$" "$tmp/bt.csv"
for st in mean p10 p90 inside error pct_error; do
    grep_check "held-out row: $st" "^bromley_ap_10yr,backtest_exclusions,secondary,9,$st," "$tmp/bt.csv"
done
grep_check "the origin's fit" "^bromley_ap_10yr,backtest_fit,demand.primary.exclusion,all,estimate," "$tmp/bt.csv"
for st in coverage_p10_p90 coverage_p5_p95 mape bias n; do
    grep_check "summary: $st" "^bromley_ap_10yr,backtest,total,all,$st," "$tmp/bt.csv"
done
# The summary agrees with the rows: coverage = share of inside = 1, n = rows with stat observed.
awk -F, '$5 == "inside" { n++; s += $6 } $2 == "backtest" && $5 == "coverage_p10_p90" { c = $6 }
         $2 == "backtest" && $5 == "n" { m = $6 }
         END { exit !(n == m && n == 12 && (s / n - c) < 1e-12 && (c - s / n) < 1e-12) }' "$tmp/bt.csv" \
    && echo "ok: coverage and n agree with the rows" || { echo "FAIL: summary disagrees with the rows"; fail=1; }
awk -F, '$5 == "observed" { o[$2 FS $3 FS $4] = $6 } $5 == "mean" { m[$2 FS $3 FS $4] = $6 }
         $5 == "error" { e[$2 FS $3 FS $4] = $6 }
         END { for (k in e) { d = m[k] - o[k] - e[k]; if (d > 1e-6 || d < -1e-6) exit 1 } }' "$tmp/bt.csv" \
    && echo "ok: error = mean - observed" || { echo "FAIL: error is not mean - observed"; fail=1; }

# A rolling back-test at 2,000 iterations per origin, one thread, timed.
start=$(date +%s%N)
run_check "--holdout all to a workbook" 0 $HNSIM backtest "$B" "$H" --fit "$KEYS" --holdout all -n 2000 -t 1 -o "$tmp/bt.xlsx"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
origins=$(grep -c '^origin ' "$tmp/out")
echo "measured: rolling back-test, $origins origins x 2,000 iterations, one thread: $ms ms"
[ "$ms" -lt 30000 ] || { case "$HNSIM" in *valgrind*) ;; *) echo "FAIL: the back-test took $ms ms (at most 30000)"; fail=1 ;; esac; }
[ "$origins" -eq 9 ] && echo "ok: nine origins" || { echo "FAIL: $origins origins"; fail=1; }
/usr/bin/python3 - "$tmp/bt.xlsx" >"$tmp/py" 2>&1 <<'PY'
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["Back-test"], wb.sheetnames
ws = wb["Back-test"]
assert ws["A1"].value.startswith("Back-test: "), ws["A1"].value
labels = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(5, 12)}
n = labels["Observations scored"]
assert n == 4 * (9 + 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1), n  # 4 figures a year, origins 2021/22..2029/30
tables = ws.tables
assert "BacktestTable" in tables and "BacktestFits" in tables, list(tables)
ref = tables["BacktestTable"].ref
rows = int(ref.split(":")[1][1:]) - int(ref.split(":")[0][1:])
assert rows == n, (rows, n)
inside = 0
first = int(ref.split(":")[0][1:]) + 1
for r in range(first, first + n):
    obs, p10, p90, txt = (ws.cell(r, c).value for c in (7, 9, 10, 11))
    assert (txt == "Yes") == (p10 <= obs <= p90), (r, obs, p10, p90, txt)
    inside += txt == "Yes"
assert abs(labels["Inside P10-P90"] - inside / n) < 1e-12, (labels["Inside P10-P90"], inside, n)
assert len(ws._charts) == 4, len(ws._charts)
print("ok", n)
PY
if grep -q '^ok ' "$tmp/py"; then echo "ok: Back-test sheet: table, scores and four charts"; else echo "FAIL: workbook check:"; cat "$tmp/py"; fail=1; fi

# The default output, in the current folder.
bin=${HNSIM##* } # HNSIM may be "wrapper valgrind ... build/hnsim": make the binary's path absolute
case $bin in /*) abs=$bin ;; *) abs=$(pwd)/$bin ;; esac
here=$PWD
( cd "$tmp" && ${HNSIM%"$bin"}$abs backtest "$here/$B" "$here/$H" --fit demand.primary.referrals --holdout 2 -n 100 -q ) >"$tmp/out" 2>&1
[ -s "$tmp/bromley_ap_10yr_backtest.xlsx" ] && echo "ok: default NAME_backtest.xlsx" || { echo "FAIL: no default output"; cat "$tmp/out"; fail=1; }

# Mistakes.
run_check "missing --holdout" 2 $HNSIM backtest "$B" "$H" --fit "$KEYS" -o "$tmp/x.csv"
grep_check "missing --holdout explained" "missing --holdout N|all" "$tmp/out"
run_check "bad --holdout" 2 $HNSIM backtest "$B" "$H" --fit "$KEYS" --holdout some -o "$tmp/x.csv"
grep_check "bad --holdout explained" "need a whole number from 1 to 20, or all" "$tmp/out"
run_check "holdout of the whole history" 2 $HNSIM backtest "$B" "$H" --fit "$KEYS" --holdout 10 -o "$tmp/x.csv"
grep_check "nothing left to calibrate on" "holding out 10 leaves none to calibrate on" "$tmp/out"
run_check "--deterministic" 2 $HNSIM backtest "$B" "$H" --fit "$KEYS" --holdout 2 -d -o "$tmp/x.csv"
grep_check "--deterministic explained" "deterministic run does not have" "$tmp/out"
run_check "missing --fit" 2 $HNSIM backtest "$B" "$H" --holdout 2 -o "$tmp/x.csv"
run_check "no history" 2 $HNSIM backtest "$B" --fit "$KEYS" --holdout 2 -o "$tmp/x.csv"
grep_check "no history explained" "no history: name one after the scenario" "$tmp/out"
run_check "bad output extension" 2 $HNSIM backtest "$B" "$H" --fit "$KEYS" --holdout 2 -o "$tmp/x.txt"
[ ! -e "$tmp/x.csv" ] && echo "ok: nothing written after an error" || { echo "FAIL: wrote after an error"; fail=1; }
exit $fail
