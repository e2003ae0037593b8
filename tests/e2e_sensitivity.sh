#!/bin/sh
# e2e_sensitivity.sh - the sensitivity analysis of `hnsim run` as a user
# meets it: the CSV rows (metric sensitivity_OUTPUT, entity the input, year
# all, stats spearman / swing_p10 / swing_p90) with the
# closed-form swings of tests/fixtures/sensitivity/linear.ini, the
# Sensitivity sheet and its tornado chart read back with openpyxl, no
# analysis in a deterministic run, --swing-iterations 0 and its refusals,
# and the held runs' budget: a default count cut (or the swings left out)
# with a note naming --swing-iterations, an explicit one honoured, and the
# phase named in the progress line on a terminal.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
L=tests/fixtures/sensitivity/linear.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh
# value ENTITY OUTPUT STAT: one sensitivity value of $tmp/s.csv
value() { sed -n "s/^sens_linear,sensitivity_$2,$1,all,$3,//p" "$tmp/s.csv"; }

$HNSIM run "$L" -o "$tmp/s.csv" >"$tmp/out" 2>&1; check "run with sensitivity" 0 $?
grep_check "the run reports the analysis" "^sensitivity of 4 sampled inputs: rank correlations and P10/P90 swings" "$tmp/out"
# 3 outputs x 4 inputs x 3 stats, less the Spearman of the two outputs that never vary.
n=$(grep -c ',sensitivity_[a-z_]*,' "$tmp/s.csv")
[ "$n" -eq 28 ] && echo "ok: 28 sensitivity rows" || { echo "FAIL: $n sensitivity rows, expected 28"; fail=1; }
grep_check "the output is named in the metric, the year is all" "^sens_linear,sensitivity_net_cost,cost.noise.amount,all,spearman,0\.[0-9]" "$tmp/s.csv"
grep_check "exclusions rows" "^sens_linear,sensitivity_exclusions,cost.noise.amount,all,swing_p10,0$" "$tmp/s.csv"
# ten pupils, each counted once over the years (30 was the sum of the years, before issue 10)
grep_check "supported rows" "^sens_linear,sensitivity_supported,cost.noise.amount,all,swing_p90,10$" "$tmp/s.csv"
grep -q ',sensitivity,' "$tmp/s.csv" && { echo "FAIL: a row of the old metric sensitivity"; fail=1; } || echo "ok: no row of the old metric sensitivity"
# The year column of every row - figures, run, convergence, sensitivity - is 1..3 or all.
years=$(awk -F, 'NR > 1 { print $4 }' "$tmp/s.csv" | sort -u | tr '\n' ' ')
[ "$years" = "1 2 3 all " ] && echo "ok: the year column holds 1, 2, 3 and all only" || { echo "FAIL: year column values: $years"; fail=1; }
# Net cost over all years moves by 3 x (45000 - 5000) with the noise line, and by
# 30 x (Q90 - Q10) = 30 x (9000 - sqrt(1.5e6) - 5000) with the cost per pupil.
lo=$(value cost.noise.amount net_cost swing_p10); hi=$(value cost.noise.amount net_cost swing_p90)
near "noise swing width" "$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.6f", b - a }')" 120000 0.001
lo=$(value provision.unit.cost_per_pupil net_cost swing_p10); hi=$(value provision.unit.cost_per_pupil net_cost swing_p90)
near "cost per pupil swing width" "$(awk -v a="$lo" -v b="$hi" 'BEGIN { printf "%.6f", b - a }')" 83257.653858 0.001
! grep -q 'nan' "$tmp/s.csv" && echo "ok: no nan in the CSV" || { echo "FAIL: nan written"; fail=1; }

$HNSIM run "$L" -q --swing-iterations 0 -o "$tmp/s0.csv" >"$tmp/out" 2>&1; check "--swing-iterations 0" 0 $?
grep -q ',swing_p10,' "$tmp/s0.csv" && { echo "FAIL: swings written with --swing-iterations 0"; fail=1; } || echo "ok: no swing rows without held runs"
grep_check "Spearman rows stay" ",sensitivity_net_cost,[a-z._]*,all,spearman," "$tmp/s0.csv"

$HNSIM run "$L" -q --deterministic -o "$tmp/det.csv" >"$tmp/out" 2>&1; check "deterministic run" 0 $?
grep -q ',sensitivity_' "$tmp/det.csv" && { echo "FAIL: sensitivity rows in a deterministic run"; fail=1; } || echo "ok: no sensitivity in a deterministic run"

$HNSIM run "$L" -q --swing-iterations abc -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--swing-iterations abc" 2 $?
$HNSIM run "$L" -q --swing-iterations -1 -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--swing-iterations -1" 2 $?

# The workbook: a Sensitivity sheet before Run, ranked by swing width, with a tornado chart.
$HNSIM run "$L" -q -o "$tmp/s.xlsx" >"$tmp/out" 2>&1; check "run to xlsx" 0 $?
if /usr/bin/python3 - "$tmp/s.xlsx" <<'PY'
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
bad = []
names = wb.sheetnames
if "Sensitivity" not in names or names.index("Sensitivity") != names.index("Run") - 1:
    bad.append("sheet order %s" % names)
ws = wb["Sensitivity"]
rows = list(ws.iter_rows(values_only=True))
head = [i for i, r in enumerate(rows) if r[0] == "Rank"]
if len(head) != 3:
    bad.append("%d rank tables, expected 3" % len(head))
else:
    first = rows[head[0] + 1]
    second = rows[head[0] + 2]
    # The input in words (section label, here its NAME, and key), its name last.
    if first[1] != "noise: amount" or first[9] != "cost.noise.amount" or abs(first[7] - 120000) > 1e-3:
        bad.append("top net-cost row %r" % (first,))
    if (second[1] != "unit: cost per pupil" or second[9] != "provision.unit.cost_per_pupil"
            or abs(second[7] - 83257.653858) > 1e-3):
        bad.append("second net-cost row %r" % (second,))
    if abs(first[6] - first[5] - first[7]) > 1e-6:
        bad.append("swing is not P90 mean - P10 mean")
charts = ws._charts
if len(charts) != 1 or charts[0].tagname != "barChart" or len(charts[0].series) != 2:
    bad.append("tornado chart: %r" % charts)
else:
    # Its value axis shows the pounds of the cells in thousands, as its title says.
    ax = charts[0].y_axis  # openpyxl calls the value axis y_axis in a bar chart too
    fmt = ax.numFmt.formatCode if ax.numFmt is not None else None
    title = "".join(r.t for p in ax.title.tx.rich.p for r in (p.r or [])) if ax.title else ""
    if fmt != "£#,##0," or "£'000" not in title:
        bad.append("tornado axis %r, %r" % (fmt, title))
for b in bad:
    print("FAIL: workbook: " + b)
sys.exit(1 if bad else 0)
PY
then echo "ok: Sensitivity sheet read back"; else fail=1; fi

# The held runs' budget (decisions R20): without --swing-iterations, 2 runs per input may
# simulate at most about 10 times the run's iterations (100,000 for a small run). many.ini has
# N cost lines of ten yearly distributions: 10 x N sampled inputs.
many() { # many N: writes $tmp/manyN.ini
    awk -v n="$1" 'BEGIN {
        print "[scenario]\nname = many\nstart_year = 2024\nyears = 10\nbaseline_cost = 20000\n"
        row = "uniform(900, 1100)"; for (y = 1; y < 10; y++) row = row ", uniform(900, 1100)"
        for (i = 0; i < n; i++) printf "[cost.c%d]\namount = %s\n", i, row
    }' >"$tmp/many$1.ini"
}
many 60
many 30
many 10
# 600 inputs at 2,000 iterations: 1,201 runs of fewer than 100 iterations fit: no swings.
start=$(date +%s)
timeout -s KILL 300 $HNSIM run "$tmp/many60.ini" --iterations 2000 -o "$tmp/m60.csv" >"$tmp/out" 2>"$tmp/err"
check "600 inputs, default swings" 0 $?
echo "600 inputs: $(($(date +%s) - start)) s"
grep_check "the note says why there are no swings" "hnsim: note: sensitivity: rank correlations only, no P10/P90 swings: 2 held runs for each of the 600 sampled inputs would need fewer than 100 iterations each to stay within about 10 times the run's 2,000 (--swing-iterations N runs them" "$tmp/err"
grep -q ',swing_p10,' "$tmp/m60.csv" && { echo "FAIL: swings written"; fail=1; } || echo "ok: no swing rows"
grep_check "the rank correlations stay" "^many,sensitivity_net_cost,cost.c59.amount\[10\],all,spearman," "$tmp/m60.csv"
# 300 inputs: 100,000 / 601 = 166 iterations per held run, not 1,000.
run_check "300 inputs, default swings" 0 $HNSIM run "$tmp/many30.ini" --iterations 2000 -o "$tmp/m30.xlsx"
grep_check "the note gives the capped count" "hnsim: note: sensitivity: held runs of 166 iterations each, not 1,000, so that 2 for each of the 300 sampled inputs simulate at most about 10 times the run's 2,000 (--swing-iterations N asks for N" "$tmp/out"
if /usr/bin/python3 - "$tmp/m30.xlsx" <<'PY'
import sys
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Sensitivity"]
notes = [c.value for row in ws.iter_rows(max_col=1) for c in row if isinstance(c.value, str)]
want = "from 166 iterations per held run (not the default 1,000, so that 2 runs per input take at most about 10 times the run's iterations; --swing-iterations sets it)"
sys.exit(0 if any(want in n for n in notes) else 1)
PY
then echo "ok: the Sensitivity sheet says the count was capped"; else echo "FAIL: no capped count on the Sensitivity sheet"; fail=1; fi
# An explicit count is honoured, whatever it costs, and says nothing.
run_check "300 inputs, --swing-iterations 200" 0 $HNSIM run "$tmp/many30.ini" --iterations 2000 --swing-iterations 200 -o "$tmp/m30.csv"
grep -q "note: sensitivity" "$tmp/out" && { echo "FAIL: a note for an explicit count"; fail=1; } || echo "ok: an explicit count is honoured"
# On a terminal the held runs say which phase is running: find a count whose 201 held runs of
# 100 inputs last more than a second here (valgrind makes the first try long enough).
sw=400
for try in 1 2 3 4 5 6; do
    pty_run run "$tmp/many10.ini" --iterations 40000 --threads 1 --swing-iterations $sw -o "$tmp/m10.csv"
    grep -q "sensitivity: held runs [0-9]*/201 \[[#.]*\] *[0-9]*%, .* left" "$tmp/tty" && break
    sw=$((sw * 2))
done
echo "held runs on a terminal: --swing-iterations $sw"
grep_check "the progress line names the held runs" "sensitivity: held runs [0-9]*/201 \[[#.]*\] *[0-9]*%, .* left" "$tmp/tty"

exit $fail
