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

exit $fail
