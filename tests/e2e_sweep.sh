#!/bin/sh
# e2e_sweep.sh - `hnsim sweep` (issue 14, decisions P3-P6).
#
#  - The CSV of a sweep of two library scenarios (one with [dsg]) is,
#    row for row, the two `hnsim run ... -o x.csv` files with the same seed
#    and iterations, one after the other, with the second header left out;
#    likewise with --deterministic.
#  - The workbook's Sweep sheet (read by Debian's openpyxl) has one row per
#    scenario whose net cost, exclusions and pupils supported (mean, P10,
#    P90, over all years) and DSG balance (last year) are the CSV's values;
#    the DSG cells are empty for the scenario without [dsg], P10 and P90
#    empty when deterministic; every filled cell of a row top-aligned (a
#    wrapped title reads as its row's); each scenario's Summary sheet follows, and
#    last the Run sheet: each scenario named, every file it read with the
#    SHA-256 `sha256sum` gives, the seed and iterations "(every scenario)";
#    each Summary's notes and the Sweep sheet name only sheets that exist,
#    and every formula, chart and link refers only to them
#    (tests/e2e_compare_reader.py's check_references).
#  - With --target-se, where scenarios stop at different counts, the Run
#    sheet gives each scenario's iterations, as its Sweep row does.
#  - Names longer than Excel's 31 characters that share their first 31
#    get distinct sheet names, and a scenario named run is not the Run sheet;
#    with no scenario having [dsg] the Sweep sheet has no DSG columns.
#  - A bad third scenario: exit 2, file:line named, nothing run, nothing
#    written (an existing output unchanged, no temporary file left).
#  - Two scenarios with the same name: exit 2, nothing written.
#  - SIGINT during the runs: exit 130, no output, no temporary file.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
A=scenarios/bromley_ap_5yr.ini
B=scenarios/bromley_dsg/ap_plan.ini
N=300
SEED=11
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

# same_as_runs TAG [options]: sweep A B to CSV equals run A + run B (second header dropped).
same_as_runs() {
    tag=$1
    shift
    if $HNSIM run "$A" -q "$@" -o "$tmp/$tag.a.csv" && $HNSIM run "$B" -q "$@" -o "$tmp/$tag.b.csv" &&
        $HNSIM sweep "$A" "$B" -q "$@" -o "$tmp/$tag.sweep.csv"; then
        { cat "$tmp/$tag.a.csv"; tail -n +2 "$tmp/$tag.b.csv"; } >"$tmp/$tag.cat.csv"
        if cmp -s "$tmp/$tag.cat.csv" "$tmp/$tag.sweep.csv"; then
            ok "$tag: sweep CSV = the two run CSVs, row for row ($(wc -l <"$tmp/$tag.sweep.csv") lines)"
        else
            bad "$tag: sweep CSV differs from the two run CSVs"
        fi
        [ "$(grep -c '^scenario,metric,' "$tmp/$tag.sweep.csv")" = 1 ] && ok "$tag: one header" ||
            bad "$tag: the header is not there exactly once"
    else
        bad "$tag: a run or the sweep failed"
    fi
}
same_as_runs mc --iterations $N --seed $SEED --threads 2
same_as_runs det --deterministic

# check_workbook TAG: the Sweep sheet against the sweep's CSV.
# The files the two scenarios read (B extends base.ini, which extends A), as `sha256sum` hashes them.
sha256sum "$A" "$B" scenarios/bromley_dsg/base.ini >"$tmp/sha256" || bad "sha256sum"
check_workbook() {
    /usr/bin/python3 - "$tmp/$1.sweep.xlsx" "$tmp/$1.sweep.csv" "$1" "$tmp/sha256" "$SEED" "$N" <<'PY'
import csv, math, os, sys
import openpyxl
sys.path.insert(0, "tests")
import e2e_compare_reader as reader
xlsx, csvp, tag, sha_path, seed, iters = sys.argv[1:7]
det = tag == "det"
sha = {}
for line in open(sha_path):
    digest, path = line.split(None, 1)
    sha[os.path.normpath(path.strip())] = digest
vals = {}
for r in csv.DictReader(open(csvp)):
    if r["entity"] == "total":
        vals[(r["scenario"], r["metric"], r["year"], r["stat"])] = float(r["value"])
wb = openpyxl.load_workbook(xlsx)
want = ["Sweep", "bromley_ap_5yr", "bromley_dsg_ap_plan", "Run"]
assert wb.sheetnames == want, wb.sheetnames
names = want[1:3]
ws = wb["Sweep"]
rows = list(ws.iter_rows(values_only=True))
h = next(i for i, r in enumerate(rows) if r[0] == "Scenario")
head = rows[h]
body = [r for r in rows[h + 1:] if r[0]]
assert [r[0] for r in body] == names, [r[0] for r in body]
col = {name: i for i, name in enumerate(head)}
figs = [("Net cost", "net_cost", "all", 1e-3), ("Permanent exclusions", "exclusions", "all", 1),
        ("Pupils supported", "supported", "all", 1), ("DSG balance, last year", "dsg_balance", "5", 1e-3)]
checked = 0
for r in body:
    name = r[0]
    assert r[col["Summary sheet"]] == name, r
    for label, metric, year, scale in figs:
        for stat, sh in (("mean", "mean"), ("p10", "P10"), ("p90", "P90")):
            h_name = "%s, %s%s" % (label, sh, " (£'000)" if scale != 1 else "")
            got = r[col[h_name]]
            exp = vals.get((name, metric, year, stat))
            if det and stat != "mean" or exp is None:
                assert got is None, (name, h_name, got)
                continue
            assert got is not None and math.isclose(got, exp * scale, rel_tol=1e-12, abs_tol=1e-9), \
                (name, h_name, got, exp * scale)
            checked += 1
# No DSG for the first, DSG for the second: 9 + 12 figures (det: 3 + 4 means).
assert checked == (7 if det else 21), checked
# Every filled cell of a row at its top, so that a wrapped title reads as its own row's.
for row in ws.iter_rows(min_row=h + 2, max_row=h + 1 + len(body)):
    low = [(c.coordinate, c.alignment.vertical) for c in row
           if c.value is not None and c.alignment.vertical != "top"]
    assert not low, low
# Each Summary names only sheets this workbook has (issue 11): the Sweep and Run, no Costs.
for name in names:
    notes = [str(c) for row in wb[name].iter_rows(values_only=True) for c in row if c]
    detail = [t for t in notes if "side by side" in t or t.startswith("Detail:")]
    assert detail and all("Sweep" in t and "Run" in t and "Costs" not in t for t in detail), detail
sweep_notes = [str(c) for row in rows[:h] for c in row if c]
assert any("Run sheet" in t for t in sweep_notes), sweep_notes
# Every formula and chart refers only to sheets it has; every link of the Sweep sheet too.
reader.check_references(wb)
assert not reader.failures, reader.failures
links = [c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink]
targets = [l.split("!")[0].strip("'") for l in links]
assert targets == ["Run"] + names and all(t in wb.sheetnames for t in targets), links
# The Run sheet: each scenario, every file it read with its SHA-256, the seed and iterations.
run = wb["Run"]
label = {}
rr = list(run.iter_rows(min_col=1, max_col=2, values_only=True))
for k, v in rr:
    label.setdefault(k, v)
scen = [v for k, v in rr if k == "Scenario"]
assert len(scen) == 2 and all(v.endswith("(%s)" % n) for v, n in zip(scen, names)), scen
# A blank row before each scenario's block and after the last, so that the blocks read apart.
starts = [i for i, (k, _) in enumerate(rr) if k == "Scenario"]
after = next(i for i, (k, _) in enumerate(rr) if k == "Run date")
assert all(rr[i - 1] == (None, None) for i in starts + [after]), [rr[i - 1] for i in starts]
files = [(v, rr[i + 1]) for i, (k, v) in enumerate(rr) if k in ("Scenario file", "Extends")]
assert [v for v, _ in files] == ["scenarios/bromley_ap_5yr.ini", "scenarios/bromley_dsg/ap_plan.ini",
                                  "scenarios/bromley_dsg/base.ini",
                                  "scenarios/bromley_dsg/../bromley_ap_5yr.ini"], files
for path, (k, digest) in files:
    assert k == "SHA-256" and digest == sha[os.path.normpath(path)], (path, k, digest)
assert set(os.path.normpath(p) for p, _ in files) == set(sha), (files, sha)
if det:
    assert label["Deterministic"].startswith("yes"), label["Deterministic"]
else:
    assert label["Seed (every scenario)"] == seed, label.get("Seed (every scenario)")
    assert label["Iterations (every scenario)"] == int(iters), label.get("Iterations (every scenario)")
assert label["Command line"].startswith("hnsim sweep "), label["Command line"]
assert label["Warnings"] == "none", label["Warnings"]
print("checked", checked, "values,", len(files), "files on the Run sheet")
PY
}
for tag in mc det; do
    case $tag in mc) opts="--iterations $N --seed $SEED" ;; *) opts=--deterministic ;; esac
    # shellcheck disable=SC2086
    if $HNSIM sweep "$A" "$B" -q $opts -o "$tmp/$tag.sweep.xlsx" && out=$(check_workbook $tag 2>&1); then
        ok "$tag: Sweep sheet matches the CSV ($out)"
    else
        bad "$tag: workbook: ${out:-sweep failed}"
    fi
done

# With a target standard error each scenario stops at its own count: the Run sheet gives each
# scenario's iterations (those of its Sweep row), and no "(every scenario)" count.
if $HNSIM sweep "$A" scenarios/bromley_primary_outreach/outreach_pilot.ini -q --target-se 0.08 \
    --max-iterations 40000 -o "$tmp/target.xlsx" &&
    out=$(/usr/bin/python3 -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
run = [r for r in wb["Run"].iter_rows(max_col=2, values_only=True)]
per = [v for k, v in run if k == "Iterations"]
rows = list(wb["Sweep"].iter_rows(values_only=True))
h = next(i for i, r in enumerate(rows) if r[0] == "Scenario")
sweep = [r[rows[h].index("Iterations")] for r in rows[h + 1:] if r[0]]
assert per == sweep and len(set(per)) == 2, (per, sweep)
assert not any(k == "Iterations (every scenario)" for k, _ in run)
print(per)' "$tmp/target.xlsx" 2>&1); then
    ok "--target-se: each scenario's iterations on the Run sheet $out"
else
    bad "--target-se: ${out:-sweep failed}"
fi

# Long names sharing 31 characters, and a scenario named run: distinct, valid sheet names.
for k in one two; do
    printf '[scenario]\nextends = %s/%s\nname = a_very_long_scenario_name_for_sheets_%s\n' "$PWD" "$A" $k >"$tmp/long_$k.ini"
done
printf '[scenario]\nextends = %s/%s\nname = run\n' "$PWD" "$A" >"$tmp/run.ini"
if $HNSIM sweep "$tmp/long_one.ini" "$tmp/long_two.ini" "$tmp/run.ini" -q --iterations 50 -o "$tmp/long.xlsx" &&
    out=$(/usr/bin/python3 -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
n = wb.sheetnames
assert len(n) == 5 and len({s.lower() for s in n}) == 5 and all(len(s) <= 31 for s in n), n
assert n[0] == "Sweep" and n[-1] == "Run" and n[3] != "Run", n
# No scenario has [dsg]: no DSG columns, and the note does not explain them.
cells = [str(c) for r in wb["Sweep"].iter_rows(values_only=True) for c in r if c is not None]
head = next(r for r in wb["Sweep"].iter_rows(values_only=True) if r[0] == "Scenario")
assert len([c for c in head if c]) == 13 and not any("DSG" in t for t in cells), head
print(n)' "$tmp/long.xlsx" 2>&1); then
    ok "long names, no [dsg]: sheets $out, no DSG columns"
else
    bad "long names: ${out:-sweep failed}"
fi

# A bad third scenario: exit 2, nothing run, nothing written, the old output kept.
printf '[scenario]\nextends = %s/%s\nname = broken\niterations = many\n' "$PWD" "$A" >"$tmp/broken.ini"
echo "old output" >"$tmp/keep.csv"
$HNSIM sweep "$A" "$B" "$tmp/broken.ini" --iterations $N -o "$tmp/keep.csv" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
if [ $rc = 2 ] && grep -q "broken.ini:4" "$tmp/bad.err" && [ "$(cat "$tmp/keep.csv")" = "old output" ] &&
    [ ! -s "$tmp/bad.out" ] && [ -z "$(ls -A "$tmp" | grep hnsim-)" ]; then
    ok "bad third scenario: exit 2, $(head -1 "$tmp/bad.err")"
else
    bad "bad third scenario: rc=$rc, $(cat "$tmp/bad.err" "$tmp/bad.out")"
fi
$HNSIM sweep "$A" "$B" "$tmp/broken.ini" --iterations $N -o "$tmp/none.xlsx" >/dev/null 2>&1
rc=$?
[ $rc = 2 ] && [ ! -e "$tmp/none.xlsx" ] && ok "bad third scenario, workbook: exit 2, nothing written" ||
    bad "bad third scenario, workbook: rc=$rc"

# The same name twice: refused before anything runs.
$HNSIM sweep "$A" "$B" "$A" --iterations $N -o "$tmp/dup.csv" >/dev/null 2>"$tmp/dup.err"
rc=$?
if [ $rc = 2 ] && grep -q "both are named 'bromley_ap_5yr'" "$tmp/dup.err" && [ ! -e "$tmp/dup.csv" ]; then
    ok "duplicate names refused: $(cat "$tmp/dup.err")"
else
    bad "duplicate names: rc=$rc, $(cat "$tmp/dup.err")"
fi

# SIGINT while the runs go on (the temporary output is open): 130, nothing left.
HN=${HNSIM_UNCHECKED:-$HNSIM}
mkdir "$tmp/int"
$HN sweep "$A" "$B" -q --iterations 200000 --swing-iterations 0 --threads 1 -o "$tmp/int/x.csv" &
pid=$!
i=0
while [ $i -lt 100 ] && [ -z "$(ls -A "$tmp/int")" ]; do
    sleep 0.1
    i=$((i + 1))
done
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
if [ $rc = 130 ] && [ -z "$(ls -A "$tmp/int")" ]; then
    ok "SIGINT during the runs: exit 130, nothing written"
else
    bad "SIGINT: rc=$rc, left: $(ls -A "$tmp/int")"
fi

exit $fail
