#!/bin/sh
# e2e_compare.sh - `hnsim compare` and the scenario library as a user meets
# them: `check` passes on every scenario file; `compare` runs every set of
# scenarios/ (CSV and workbook, small --iterations) and the workbook agrees
# with the CSV (tests/e2e_compare_reader.py); a scenario against a renamed
# copy of itself gives zero differences; mismatched options, duplicate
# names and a missing option are refused with exit status 2; the thread
# count does not change a comparison; the default output name; on a terminal
# the progress bar names the option it runs.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
N=${E2E_ITERATIONS:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

# Every scenario file of the library is valid.
for f in scenarios/*.ini scenarios/*/*.ini; do
    $HNSIM check "$f" >"$tmp/out" 2>&1; check "check $f" 0 $?
done

# The plan option of bromley_ap/ is the default scenario under another name.
$HNSIM run scenarios/bromley_ap_5yr.ini --deterministic -q -o "$tmp/default.csv" &&
    $HNSIM run scenarios/bromley_ap/plan.ini --deterministic -q -o "$tmp/plan.csv"
cut -d, -f2- "$tmp/default.csv" >"$tmp/default.cut"
cut -d, -f2- "$tmp/plan.csv" >"$tmp/plan.cut"
if cmp -s "$tmp/default.cut" "$tmp/plan.cut"; then
    echo "ok: bromley_ap/plan.ini plans exactly what bromley_ap_5yr.ini plans"
else
    echo "FAIL: bromley_ap/plan.ini differs from bromley_ap_5yr.ini"; fail=1
fi

# The sets: folder, then its options, the reference first. Every option
# file of a folder (all but base.ini and the files below) must be listed, so
# none is forgotten. Not options: a calibrated base the options extend, and
# the file that calibrates the plan's exclusion rates.
sets="bromley_ap:baseline,plan
bromley_primary_outreach:no_outreach,outreach_pilot,outreach_block_year3,outreach_two_years
plymouth_commission:ap_as_now,early_intervention
south_glos_send_clusters:no_clusters,pilot_clusters,all_clusters
bromley_vocational_ap:no_vocational,vocational_250k
bromley_exclusions:no_outreach,outreach
bromley_dsg:unmitigated,ap_plan,early_intervention"
not_options="bromley_exclusions/calibrated bromley_ap/exclusions_2016"
for d in scenarios/*/; do
    d=${d%/}; d=${d#scenarios/}
    line=$(echo "$sets" | grep "^$d:") || { echo "FAIL: scenarios/$d is not a known set"; fail=1; continue; }
    for f in scenarios/$d/*.ini; do
        o=$(basename "$f" .ini)
        [ "$o" = base ] && continue
        echo " $not_options " | grep -q " $d/$o " && continue
        echo "${line#*:}," | grep -q "$o," || { echo "FAIL: scenarios/$d/$o.ini is in no comparison"; fail=1; }
    done
done

while IFS=: read -r d opts; do
    files=""
    names=""
    for o in $(echo "$opts" | tr ',' ' '); do
        files="$files scenarios/$d/$o.ini"
        names="$names $(sed -n 's/^name *= *\([a-z0-9_]*\).*/\1/p' "scenarios/$d/$o.ini")"
    done
    # shellcheck disable=SC2086
    $HNSIM compare $files -n "$N" -q -o "$tmp/$d.csv" >"$tmp/out" 2>&1; check "compare $d (csv)" 0 $?
    # shellcheck disable=SC2086
    $HNSIM compare $files -n "$N" -q -o "$tmp/$d.xlsx" >"$tmp/out" 2>&1; check "compare $d (xlsx)" 0 $?
    # shellcheck disable=SC2086
    /usr/bin/python3 tests/e2e_compare_reader.py "$tmp/$d.xlsx" "$tmp/$d.csv" $names >"$tmp/out" 2>&1
    check "compare $d: the workbook agrees with the CSV" 0 $?
    cat "$tmp/out"
    ref=$(echo "$names" | awk '{print $1}')
    grep -q "^$ref,delta_" "$tmp/$d.csv" && { echo "FAIL: $d: the reference has delta rows"; fail=1; }
    for n in $(echo "$names" | cut -d' ' -f3-); do
        grep -q "^$n,delta_net_cost,total,all,se_independent," "$tmp/$d.csv" || { echo "FAIL: $d: no delta rows for $n"; fail=1; }
        grep -q "^$n,p_cheaper,total,all,p," "$tmp/$d.csv" || { echo "FAIL: $d: no p_cheaper for $n"; fail=1; }
        grep -q "^$n,net_cost,total,all,mean," "$tmp/$d.csv" || { echo "FAIL: $d: no own rows for $n"; fail=1; }
    done
    echo "checked: $d CSV rows"
done <<EOF
$sets
EOF

# The CSV's names (docs: README.md and docs/decisions.md).
C=$tmp/bromley_ap.csv
grep_check "csv header" "^scenario,metric,entity,year,stat,value$" "$C"
for pat in "^bromley_ap_plan,delta_net_cost,total,1,mean," "^bromley_ap_plan,delta_supported,total,all,p95," \
           "^bromley_ap_plan,delta_exclusions,secondary,all,se," "^bromley_ap_plan,delta_net_cost,cost.other_ap,all,mean," \
           "^bromley_ap_plan,p_fewer_exclusions,total,all,p," "^bromley_ap_plan,delta_closed_out,primary_pru,all,mean," \
           "^bromley_ap_plan,delta_payback_year,total,3,p," "^bromley_ap_plan,delta_paid_back,total,1,p," \
           "^bromley_ap_baseline,net_cost,total,all,p90,"; do
    grep_check "csv has $pat" "$pat" "$C"
done
grep -Eq "^bromley_ap_plan,delta_(paid_back|payback_year|within_budget),[a-z]+,[0-9a-z]+,(p5|p50|sd|min)," "$C" && { echo "FAIL: a probability difference has percentiles"; fail=1; } || echo "ok: probability differences have mean and se only"
grep -Eq "^bromley_ap_plan,delta_(paid_back|payback_year),[a-z]+,[0-9a-z]+,(mean|se|se_independent)," "$C" && { echo "FAIL: the payback against the reference is not a probability"; fail=1; } || echo "ok: the payback against the reference has stat p only"
# The plan saves money and avoids exclusions: no cost per exclusion avoided (the sheet says so in words).
grep -q "^bromley_ap_plan,cost_per_exclusion_avoided," "$C" && { echo "FAIL: a cost per exclusion avoided for an option that saves money"; fail=1; } || echo "ok: no cost per exclusion avoided for an option that saves money"
# The CSV's year column holds 1..Y or all, nothing else (every row kind).
awk -F, 'NR > 1 && $4 !~ /^([1-9][0-9]*|all)$/ { bad = 1; print } END { exit bad }' "$C" && echo "ok: the year column holds 1..Y or all" || { echo "FAIL: a year that is not 1..Y or all"; fail=1; }
grep -q "^bromley_ap_plan,delta_net_cost,secondary_outreach," "$C" && { echo "FAIL: a provision only in the plan has delta rows"; fail=1; } || echo "ok: no delta rows for a provision in one option only"
awk -F, 'NR > 1 && $6 !~ /^-?[0-9.]+(e[-+][0-9]+)?$/ { bad = 1; print } END { exit bad }' "$C" && echo "ok: every value is a finite number" || { echo "FAIL: a value is not a finite number"; fail=1; }

# A scenario against a renamed copy of itself: every difference is 0 and never cheaper.
T=$(pwd)/tests/fixtures/cli/tiny.ini
printf '[scenario]\nextends = %s\nname = tiny_copy\n' "$T" >"$tmp/copy.ini"
$HNSIM compare "$T" "$tmp/copy.ini" -n "$N" -q -o "$tmp/self.csv" >"$tmp/out" 2>&1; check "compare with a copy" 0 $?
if awk -F, '$1 == "tiny_copy" && $2 ~ /^delta_/ && $2 !~ /^delta_(paid_back|payback_year)$/ && $5 != "se_independent" && $6 + 0 != 0 { bad = 1; print } END { exit bad }' "$tmp/self.csv"; then
    echo "ok: a scenario against itself differs by exactly 0"
else
    echo "FAIL: non-zero difference against itself"; fail=1
fi
# ... and has paid back against it from the first year (a cumulative difference of 0 counts).
if awk -F, '$1 == "tiny_copy" && $2 ~ /^delta_(paid_back|payback_year)$/ { n++; if ($6 != 1) { bad = 1; print } } END { exit bad || n == 0 }' "$tmp/self.csv"; then
    echo "ok: against itself, paid back against the reference from year 1"
else
    echo "FAIL: the payback against itself is not 1 every year"; fail=1
fi
grep_check "against itself: never cheaper" "^tiny_copy,p_cheaper,total,all,p,0$" "$tmp/self.csv"
grep -q "cost_per_exclusion_avoided" "$tmp/self.csv" && { echo "FAIL: a cost per exclusion avoided when none is avoided"; fail=1; } || echo "ok: no cost per exclusion avoided when none is avoided"

# Refusals: exit 2, both files named, nothing written.
for m in years start terms baseline; do
    F=tests/fixtures/compare/mismatch_$m.ini
    $HNSIM compare tests/fixtures/cli/tiny.ini "$F" -n 10 -o "$tmp/bad.csv" >"$tmp/out" 2>&1
    check "options with another $m are refused" 2 $?
    grep_check "the $m message names the option" "$F" "$tmp/out"
    grep_check "the $m message names the reference" "tests/fixtures/cli/tiny.ini" "$tmp/out"
done
[ ! -e "$tmp/bad.csv" ] && echo "ok: nothing written" || { echo "FAIL: output written"; fail=1; }
$HNSIM compare "$T" "$T" -n 10 -o "$tmp/bad.csv" >"$tmp/out" 2>&1; check "two options with one name" 2 $?
grep_check "duplicate names explained" "both are named 'tiny_cli'" "$tmp/out"
$HNSIM compare "$T" -o "$tmp/bad.csv" >"$tmp/out" 2>&1; check "compare without an option" 2 $?
$HNSIM compare >"$tmp/out" 2>&1; check "compare without scenarios" 2 $?
$HNSIM compare "$T" "$tmp/copy.ini" -o "$tmp/x.txt" >"$tmp/out" 2>&1; check "compare to an unknown extension" 2 $?
$HNSIM compare "$T" "$tmp/copy.ini" -o "$tmp/copy.ini" >"$tmp/out" 2>&1; check "-o naming an option" 2 $?
$HNSIM compare "$T" "$tmp/nope.ini" >"$tmp/out" 2>&1; check "a missing option" 2 $?
$HNSIM compare --help >"$tmp/out" 2>&1; check "compare --help" 0 $?
grep_check "compare --help shows the synopsis" "usage: hnsim compare BASE.ini OPTION.ini" "$tmp/out"

# The thread count changes nothing; the seed does; deterministic comparisons work.
O=tests/fixtures/compare/tiny_more_places.ini
$HNSIM compare "$T" "$O" -q -t 1 -o "$tmp/t1.csv" && $HNSIM compare "$T" "$O" -q -t 3 -o "$tmp/t3.csv"
cmp -s "$tmp/t1.csv" "$tmp/t3.csv" && echo "ok: 1 and 3 threads identical" || { echo "FAIL: thread count changed a comparison"; fail=1; }
$HNSIM compare "$T" "$O" -q -s 8 -o "$tmp/s8.csv"
cmp -s "$tmp/t1.csv" "$tmp/s8.csv" && { echo "FAIL: --seed had no effect"; fail=1; } || echo "ok: --seed changes the draws"
$HNSIM compare "$T" "$O" --deterministic -o "$tmp/det.xlsx" >"$tmp/out" 2>&1; check "deterministic comparison" 0 $?
grep_check "deterministic table" "planned (deterministic)" "$tmp/out"

# Without -o: NAME_comparison.xlsx in the current folder; the table names both options.
bin=${HNSIM##* }           # HNSIM may be "valgrind ... build/hnsim": make the binary's path absolute
case $bin in /*) abs=$bin ;; *) abs=$(pwd)/$bin ;; esac
(cd "$tmp" && ${HNSIM%"$bin"}$abs compare "$T" "$tmp/copy.ini" -n 20 >"$tmp/out" 2>&1); check "compare to the default output" 0 $?
[ -s "$tmp/tiny_cli_comparison.xlsx" ] && echo "ok: default output written" || { echo "FAIL: no tiny_cli_comparison.xlsx"; fail=1; }
grep_check "table names the reference" "Comparison against tiny_cli" "$tmp/out"
grep_check "table shows the SE without CRN" "SE of the saving, independent runs" "$tmp/out"
grep_check "table shows the saving line by line" "^Saving by provision and line" "$tmp/out"
grep_check "table says in words what an option does when a cost per exclusion would mislead" "costs the same and avoids none" "$tmp/out"

# On a terminal the bar names the option it is running, as it starts again for each. That
# needs a comparison kept in memory (above about 60,000 iterations of these options it streams
# both runs in lockstep under one bar) whose runs each last past the bar's one-second delay:
# six terms a year double the work of an iteration without adding figures, and the process is
# stopped two thirds of the time (PTY_THROTTLE), so the cap on the count cannot make the runs
# too short on a fast machine. valgrind makes the first, small try long enough.
printf '[scenario]\nextends = %s/scenarios/bromley_ap/baseline.ini\nterms = 6\n' "$PWD" >"$tmp/b6.ini"
printf '[scenario]\nextends = %s/scenarios/bromley_ap/plan.ini\nterms = 6\n' "$PWD" >"$tmp/p6.ini"
for n in 3000 25000 58000; do
    PTY_THROTTLE=1 pty_run compare "$tmp/b6.ini" "$tmp/p6.ini" -t 1 -n $n -o "$tmp/bar.csv"
    grep -q "option 2/2 bromley_ap_plan \[[#.]*\] *[0-9]*%  [0-9,]* of [0-9,]* iterations" "$tmp/tty" &&
        grep -q "option 1/2 bromley_ap_baseline \[[#.]*\]" "$tmp/tty" && break
done
echo "progress of a comparison: $n iterations"
grep_check "the bar names the reference while it runs" "option 1/2 bromley_ap_baseline \[[#.]*\]" "$tmp/tty"
grep_check "the bar names the option while it runs" "option 2/2 bromley_ap_plan \[[#.]*\]" "$tmp/tty"

exit $fail
