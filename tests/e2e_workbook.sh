#!/bin/sh
# e2e_workbook.sh - real runs of the default scenario, read back by a reader
# we did not write. `hnsim run scenarios/bromley_ap_5yr.ini` is written to
# .xlsx and to .csv with the same seed and iterations (a Monte Carlo run, a
# deterministic run, and a child scenario that `extends` it and overrides
# two keys, and a library scenario whose pilots close), and
# tests/e2e_xlsx_reader.py checks each workbook with
# Debian's openpyxl against the CSV and the scenario files: sheet names,
# the headline table's labels and values, that the derived rows are
# formulas, the charts, the Assumptions (every key, file, line, mean) and
# Run (files and SHA-256) sheets, and the print settings.
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
cat >"$tmp/child.ini" <<'EOF'
; A variant of the default scenario for the workbook test: dearer PRU places.
[scenario]
extends = parent.ini
title   = Bromley AP & a dearer PRU (test)

[provision.secondary_pru]
cost_per_pupil = pert(8500, 9500, 11500)   ; the override under test
EOF
run_both child "$tmp/child.ini" --iterations 200
read_back child "$tmp/child.ini" mc

# A scenario whose pilots close after year 1 (on_close): the Placements sheet gains their
# "Moved out by a closure" rows, and only theirs.
P=scenarios/plymouth_commission/early_intervention.ini
run_both closing "$P" --iterations 200
read_back closing "$P" mc
grep -q '^plymouth_early_intervention,closed_out,primary_early_intervention,2,mean,[1-9]' "$tmp/closing.csv" &&
    echo "ok: the pilot's pupils move out as it closes" || { echo "FAIL: no closed_out for the closing pilot"; fail=1; }

exit $fail
