#!/bin/sh
# e2e_workbook.sh - real runs of the default scenario, read back by a reader
# we did not write. `hnsim run scenarios/bromley_ap_5yr.ini` is written to
# .xlsx and to .csv with the same seed and iterations (a Monte Carlo run, a
# deterministic run, and a child scenario that `extends` it and overrides
# two keys, and a library scenario whose pilots close), and
# tests/e2e_xlsx_reader.py checks each workbook with
# Debian's openpyxl against the CSV and the scenario files: sheet names,
# the headline table's labels and values, that the derived rows are
# formulas, the charts, the Assumptions (every key, its source comment,
# file, line, means) and Run (files and SHA-256) sheets, and the print
# settings. The child's Source column is also checked by name: a comment
# from the lines above a key, one on the key's line saved as Windows-1252,
# and one inherited from the parent file.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
S=scenarios/bromley_ap_5yr.ini
READER=tests/e2e_xlsx_reader.py
N=300
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# run_both NAME SCENARIO [hnsim options]: writes $tmp/NAME.xlsx and $tmp/NAME.csv.
run_both() {
    name=$1 scn=$2
    shift 2
    if $HNSIM run "$scn" -q "$@" -o "$tmp/$name.xlsx" && $HNSIM run "$scn" -q "$@" -o "$tmp/$name.csv"; then
        echo "ok: $name written"
    else
        echo "FAIL: hnsim run $scn $* failed"
        fail=1
    fi
}

# read_back NAME SCENARIO MODE: the openpyxl checks.
read_back() {
    if /usr/bin/python3 "$READER" "$tmp/$1.xlsx" --csv "$tmp/$1.csv" --scenario "$2" --mode "$3"; then
        echo "ok: $1 read back by openpyxl"
    else
        echo "FAIL: $1: the workbook does not match the CSV or the scenario"
        fail=1
    fi
}

run_both mc "$S" --iterations $N --seed 20210323
read_back mc "$S" mc

run_both det "$S" --deterministic
read_back det "$S" det

# A child that extends the default scenario: keys from both files, two SHA-256s.
cp "$S" "$tmp/parent.ini"
{
    printf '%s\n' '; A variant of the default scenario for the workbook test: dearer PRU places.' \
        '[scenario]' 'extends = parent.ini' 'title   = Bromley AP & a dearer PRU (test)' '' \
        '[provision.secondary_pru]' \
        '; the override under test,' '; cited on the two lines above' \
        'cost_per_pupil = pert(8500, 9500, 11500)'
    # A comment saved by a Windows editor: 0xA3 is the pound sign in Windows-1252.
    printf 'place_funding = 10000   ; \243%s\n' '10k a place (test)'
} >"$tmp/child.ini"
run_both child "$tmp/child.ini" --iterations 200
read_back child "$tmp/child.ini" mc
# The Source column by name: from the comment lines above, converted from Windows-1252,
# and inherited with the key from the parent.
if /usr/bin/python3 - "$tmp/child.xlsx" <<'PY'
import sys
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Assumptions"]
heads = [c.value for c in ws[4]]
col = {h: i for i, h in enumerate(heads)}
got = {(r[0], r[1]): (r[col["Source"]], r[col["File"]]) for r in ws.iter_rows(min_row=5, values_only=True)}
want = {
    ("provision.secondary_pru", "cost_per_pupil"): "the override under test, cited on the two lines above",
    ("provision.secondary_pru", "place_funding"): "\u00a310k a place (test)",
    ("scenario", "baseline_cost"): '"existing annual expenditure of \u00a34,258k" (Financial 1; para 6.2)',
    ("scenario", "title"): None,
}
bad = [(k, got.get(k), v) for k, v in want.items() if got.get(k, (None,))[0] != v]
if not str(got.get(("scenario", "baseline_cost"), ("", ""))[1]).endswith("parent.ini"):
    bad.append("baseline_cost is not from parent.ini")
for b in bad:
    print("FAIL: Source %r" % (b,))
sys.exit(1 if bad else 0)
PY
then echo "ok: child's Source column: the lines above, Windows-1252, the parent's comment"; else fail=1; fi

# A scenario whose pilots close after year 1 (on_close): the Placements sheet gains their
# "Moved out by a closure" rows, and only theirs.
P=scenarios/plymouth_commission/early_intervention.ini
run_both closing "$P" --iterations 200
read_back closing "$P" mc
grep -q '^plymouth_early_intervention,closed_out,primary_early_intervention,2,mean,[1-9]' "$tmp/closing.csv" &&
    echo "ok: the pilot's pupils move out as it closes" || { echo "FAIL: no closed_out for the closing pilot"; fail=1; }

# A scenario with [dsg] (MODEL.md section 8, issue 13): the DSG plan sheet, second, on one A4
# landscape page, its figures those of the CSV in £'000, a line with no money left out, the
# override's year marked, one chart; the Assumptions sheet lists every [dsg] key.
D=scenarios/bromley_dsg/ap_plan.ini
run_both dsg "$D" --iterations 300
if /usr/bin/python3 - "$tmp/dsg.xlsx" "$tmp/dsg.csv" scenarios/bromley_dsg/base.ini <<'PY'
import csv, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
bad = []
if wb.sheetnames[1] != "DSG plan":
    bad.append("sheets %r" % wb.sheetnames)
ws = wb["DSG plan"]
ps = ws.page_setup
fit = ws.sheet_properties.pageSetUpPr.fitToPage
if ps.orientation != "landscape" or str(ps.paperSize) != "9" or not fit or ps.fitToWidth not in (None, 1) or ps.fitToHeight not in (None, 1):
    bad.append("print setup %r %r %r %r" % (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight))
if len(ws._charts) != 1:
    bad.append("%d charts" % len(ws._charts))
rows = {r[0]: r[1:6] for r in ws.iter_rows(min_row=5, max_row=40, values_only=True) if r[0]}
mean = {}
for r in csv.DictReader(open(sys.argv[2])):
    if r["stat"] in ("mean", "p") and r["year"] != "all":
        mean[(r["metric"], r["entity"], int(r["year"]))] = float(r["value"])
def check(label, metric, entity, scale):
    got = rows.get(label)
    if not got:
        bad.append("no row %r" % label)
        return
    for y in range(5):
        want = mean[(metric, entity, y + 1)] * scale
        if abs(got[y] - want) > 1e-6 * max(1, abs(want)):
            bad.append("%s year %d: %r, the CSV %r" % (label, y + 1, got[y], want))
check("High Needs Block allocation", "dsg_allocation", "total", 1e-3)
check("Total High Needs spend", "dsg_spend", "total", 1e-3)
check("In-year position", "dsg_in_year", "total", 1e-3)
check("Cumulative position, mean", "dsg_balance", "total", 1e-3)
check("  1.0.2 High needs place funding within Individual Schools Budget", "dsg_spend", "1.0.2", 1e-3)
check("Probability within the deficit limit", "dsg_within_limit", "total", 1)
check("Probability of meeting the target", "dsg_on_target", "total", 1)
# Brought forward: the opening balance (-£5,000k), then last year's cumulative position; plus the
# in-year position it is this year's cumulative position.
bf, iy, cum = (rows.get(k) for k in ("Balance brought forward", "In-year position", "Cumulative position, mean"))
if not bf or not iy or not cum:
    bad.append("no brought-forward rows")
else:
    if abs(bf[0] - (-5000)) > 1e-9:
        bad.append("brought forward in year 1 %r, the opening balance -5000" % (bf[0],))
    for y in range(5):
        if abs(bf[y] + iy[y] - cum[y]) > 1e-6 * max(1, abs(cum[y])) or (y and abs(bf[y] - cum[y - 1]) > 1e-9):
            bad.append("year %d: brought forward %r + in-year %r != cumulative %r" % (y + 1, bf[y], iy[y], cum[y]))
# The [dsg] note (the figures are assumptions) is on the page, under the title.
if not any(str(ws.cell(r, 1).value or "").startswith("Source of the figures ([dsg] note): Bromley") for r in range(1, 6)):
    bad.append("no source note under the title")
# Transfers in: none in this scenario, so allocation - spend is the in-year position.
if any(abs(v) > 1e-6 for v in rows.get("Transfers in (Schools Block)", [1])):
    bad.append("transfers %r" % (rows.get("Transfers in (Schools Block)"),))
# Every line with money is shown; none without (the plan has no unassigned money).
lines = [k for k in rows if k.startswith("  ")]
with_money = sorted(e for (m, e, y) in mean if m == "dsg_spend" and e != "total" and abs(mean[(m, e, y)]) >= 0.5)
if len(lines) != len(set(with_money)) or any("Not assigned" in k for k in lines):
    bad.append("lines %r against %r" % (lines, sorted(set(with_money))))
# The override (31 March 2023) marked in 2022/23's column.
if rows.get("Statutory override", [None] * 5)[2] != "ends 31/3/2023":
    bad.append("override %r" % (rows.get("Statutory override"),))
# The chart's stacked series (below the page): their running sums are P5, P25, P75, P95, then
# the mean, the deficit limit and the targets, each line a band of height 0 (decisions D7).
data = {r[0]: r[1:6] for r in ws.iter_rows(min_row=40, values_only=True) if r[0]}
pct = {}
for r in csv.DictReader(open(sys.argv[2])):
    if r["metric"] == "dsg_balance" and r["entity"] == "total" and r["year"] != "all":
        pct[(r["stat"], int(r["year"]))] = float(r["value"]) * 1e-3
order = ["Base: P5 (not drawn)", "Band: P25 less P5", "Band: P75 less P25", "Band: P95 less P75",
         "Step to the mean (not drawn)", "Line: the mean", "Step to the deficit limit (not drawn)",
         "Line: the deficit limit", "Step to the target (not drawn)", "Line: the target"]
limit = list(rows.get("Deficit limit, £'000", [0] * 5))  # shown negative: (12,000)
target = rows.get("Target year-end position, £'000", [0] * 5)
levels = ["p5", "p25", "p75", "p95", None, "mean", None, limit, None, list(target)]
if any(k not in data for k in order):
    bad.append("chart data rows %r" % [k for k in order if k not in data])
else:
    for y in range(5):
        run = 0
        for k, want in zip(order, levels):
            run += data[k][y]
            if k.startswith("Line") and abs(data[k][y]) > 1e-9:
                bad.append("%s year %d is %r, not 0" % (k, y + 1, data[k][y]))
            if want is None:
                continue
            w = pct[(want, y + 1)] if isinstance(want, str) else want[y]
            if abs(run - w) > 1e-6 * max(1, abs(w)):
                bad.append("chart level after %r, year %d: %r, expected %r" % (k, y + 1, run, w))
# The Assumptions sheet: every [dsg] key of base.ini.
keys, sec = set(), None
for line in open(sys.argv[3]):
    line = line.split(" ;")[0].strip()
    if line.startswith("["):
        sec = line.strip("[]")
    elif "=" in line and sec == "dsg":
        keys.add(line.split("=")[0].strip())
shown = {r[1] for r in wb["Assumptions"].iter_rows(min_row=5, values_only=True) if r[0] == "dsg"}
if not keys or keys != shown:
    bad.append("Assumptions [dsg] keys %r, the file's %r" % (sorted(shown), sorted(keys)))
for b in bad:
    print("FAIL: DSG plan: %s" % b)
sys.exit(1 if bad else 0)
PY
then echo "ok: the DSG plan sheet agrees with the CSV, and the Assumptions list every [dsg] key"; else fail=1; fi

exit $fail
