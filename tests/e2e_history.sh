#!/bin/sh
# e2e_history.sh - a run of a scenario with a history (MODEL.md section 9,
# observed beside projected): the tidy CSV's observed_METRIC rows, the
# workbook's History sheet (read back with openpyxl) and the Summary's
# chart of net cost with the observations as points; `--history` naming
# another file; `check` showing it; a bad history refused with the file and
# line, and nothing written.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
S=scenarios/bromley_ap_5yr.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

cat >"$tmp/h.csv" <<'CSV'
# observed figures for the test (not real)
year,metric,entity,value
2020,net_cost,total,4800000
2021/22,net_cost,total,4500000
2020,exclusions,primary,5
2020,exclusions,secondary,50
2022,exclusions,secondary,40
CSV
run_check "run --history to CSV" 0 $HNSIM run "$S" --history "$tmp/h.csv" -n 300 --swing-iterations 0 -o "$tmp/r.csv"
grep_check "prints how many fell inside the band" "^history $tmp/h.csv: [0-9] of 5 observations inside the projection's P10-P90 band" "$tmp/out"
grep_check "observed net cost row" "^bromley_ap_5yr,observed_net_cost,total,2,value,4500000$" "$tmp/r.csv"
grep_check "observed exclusions row" "^bromley_ap_5yr,observed_exclusions,secondary,3,value,40$" "$tmp/r.csv"
n=$(grep -c ',observed_' "$tmp/r.csv")
[ "$n" -eq 5 ] && echo "ok: one observed row per observation" || { echo "FAIL: $n observed rows"; fail=1; }
run_check "run without a history has no observed rows" 0 $HNSIM run "$S" -n 50 --swing-iterations 0 -q -o "$tmp/plain.csv"
! grep -q ',observed_' "$tmp/plain.csv" && echo "ok: no observed rows without a history" || { echo "FAIL: observed rows without a history"; fail=1; }

run_check "run --history to a workbook" 0 $HNSIM run "$S" --history "$tmp/h.csv" -n 300 --swing-iterations 0 -q -o "$tmp/r.xlsx"
/usr/bin/python3 - "$tmp/r.xlsx" "$tmp/r.csv" >"$tmp/py" 2>&1 <<'PY'
import csv, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames[:2] == ["Summary", "History"], wb.sheetnames
ws = wb["History"]
stats = {}
for r in csv.reader(open(sys.argv[2])):
    if len(r) == 6 and r[4] in ("mean", "p10", "p90"):
        stats[(r[1], r[2], r[3], r[4])] = float(r[5])
head = [c.value for c in ws[5]]
assert head[:9] == ["Figure", "Entity", "Name", "Year", "Observed", "Mean", "P10", "P90", "Inside P10-P90"], head
rows = 0
for row in ws.iter_rows(min_row=6, values_only=True):
    if not row[0]:
        break
    metric = {"Net cost": "net_cost", "Permanent exclusions": "exclusions"}[row[0]]
    year = str(int(row[3][:4]) - 2019)
    for col, st in ((5, "mean"), (6, "p10"), (7, "p90")):
        want = stats[(metric, row[2], year, st)]
        assert abs(row[col] - want) <= 1e-9 * max(1, abs(want)), (row, st, want)
    inside = row[6] <= row[4] <= row[7]
    assert row[8] == ("Yes" if inside else ("No (below)" if row[4] < row[6] else "No (above)")), row
    rows += 1
assert rows == 5, rows
assert len(ws._charts) == 3, len(ws._charts)  # net cost, primary and secondary exclusions
# The Summary's fan: a line chart with the observed net cost as a series of points.
summary = wb["Summary"]
names = [str(s.tx.strRef.f) for s in summary._charts[0].series if s.tx and s.tx.strRef]
print("summary series:", names)
assert any("Observed net cost" in str(summary[n.split("!")[1].replace("$", "")].value) for n in names), names
print("ok")
PY
if grep -q '^ok$' "$tmp/py"; then echo "ok: History sheet matches the CSV; fan chart shows the observations"; else echo "FAIL: workbook check:"; cat "$tmp/py"; fail=1; fi

# A deterministic run: the planned figures beside the observations.
run_check "deterministic run with a history" 0 $HNSIM run "$S" --history "$tmp/h.csv" -d -o "$tmp/d.xlsx"
grep_check "deterministic summary line" "5 observations beside the planned figures" "$tmp/out"

# The scenario's own history; check shows it.
cp "$S" "$tmp/s.ini"
sed -i 's/^budget .*/&\nhistory       = h.csv/' "$tmp/s.ini"
run_check "check shows the history" 0 $HNSIM check "$tmp/s.ini"
grep_check "history line" "^history     $tmp/h.csv: 5 observations, 2020/21 to 2022/23 (SHA-256 " "$tmp/out"
run_check "run with the scenario's history" 0 $HNSIM run "$tmp/s.ini" -n 100 --swing-iterations 0 -o "$tmp/own.csv"
n=$(grep -c ',observed_' "$tmp/own.csv")
[ "$n" -eq 5 ] && echo "ok: the scenario's history is used" || { echo "FAIL: $n observed rows"; fail=1; }

# A bad history: exit 2, file and line, nothing written.
printf 'year,metric,entity,value\n2020,exclusions,primary,5\n2019,exclusions,primary,4\n' >"$tmp/bad.csv"
run_check "bad --history" 2 $HNSIM run "$S" --history "$tmp/bad.csv" -n 50 -o "$tmp/bad.xlsx"
grep_check "bad row named" "^hnsim: $tmp/bad.csv:3: year 2019/20 is outside the scenario's years, 2020/21 to 2024/25" "$tmp/out"
[ ! -e "$tmp/bad.xlsx" ] && echo "ok: nothing written" || { echo "FAIL: wrote after a bad history"; fail=1; }
sed -i 's/^history .*/history = nowhere.csv/' "$tmp/s.ini"
run_check "missing history file" 2 $HNSIM run "$tmp/s.ini" -n 50 -o "$tmp/bad.xlsx"
line=$(grep -n '^history = nowhere.csv' "$tmp/s.ini" | cut -d: -f1)
grep_check "missing file blamed on the key" "s.ini:$line: \[scenario\] history: the history file \`nowhere.csv\` (.*nowhere.csv) cannot be opened" "$tmp/out"
exit $fail
