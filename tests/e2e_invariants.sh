#!/bin/sh
# e2e_invariants.sh - tests/check_invariants.py, which every end-to-end
# script's CSVs go through (scripts/run-tests.sh), passes the pinned library
# outputs and catches each kind of broken figure: a copy of a golden CSV (or
# of a back-test's CSV) with one value altered must be refused, naming the
# figure and the invariant.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh
C=tests/check_invariants.py
G=tests/golden/bromley_ap_5yr.mc.csv
K=tests/golden/compare__bromley_ap.csv

run_check "every golden CSV keeps the invariants" 0 /usr/bin/python3 $C tests/golden/*.csv

# broken NAME FILE ROW_PREFIX VALUE PATTERN: FILE with ROW_PREFIX's value set
# to VALUE must be refused with PATTERN in the message.
broken() {
    sed "s/^\($3\),.*/\1,$4/" "$2" >"$tmp/$1.csv"
    cmp -s "$2" "$tmp/$1.csv" && { echo "FAIL: $1: no row $3"; fail=1; return; }
    run_check "$1 is refused" 1 /usr/bin/python3 $C "$tmp/$1.csv"
    grep_check "$1 is named" "$5" "$tmp/out"
}
broken net_not_gross_less_income $G 'bromley_ap_5yr,net_cost,total,2,mean' 4000000 'net_cost total 2: net 4000000.0 != gross'
broken percentiles_unordered $G 'bromley_ap_5yr,gross_cost,total,3,p50' 1 'gross_cost total 3: p25 .* > p50 1.0'
broken mean_outside_range $G 'bromley_ap_5yr,exclusions,total,1,mean' 1e6 'exclusions total 1: mean 1000000.0 outside'
broken se_not_sd_over_root_n $G 'bromley_ap_5yr,referrals,total,1,se' 0.5 'referrals total 1: se 0.5 is not sd / sqrt(200)'
broken nan_value $G 'bromley_ap_5yr,income,total,1,sd' nan 'income total 1: sd is nan'
broken negative_money $G 'bromley_ap_5yr,gross_cost,secondary_pru,1,min' -5 'gross_cost secondary_pru 1: gross_cost min -5.0 < 0'
broken probability_above_one $G 'bromley_ap_5yr,within_budget,total,all,p' 1.5 'probability 1.5 outside'
broken lines_not_total $G 'bromley_ap_5yr,exclusions,secondary,4,mean' 0 'exclusions total 4: total .* != sum of'
broken all_not_sum_of_years $G 'bromley_ap_5yr,starts,secondary_pru,all,mean' 0 'starts secondary_pru all: all 0.0 != sum of years'
broken payback_not_running_sum $G 'bromley_ap_5yr,cumulative_payback,total,2,mean' 0 'cumulative_payback total 2: 0.0 is not the running sum'
broken supported_summed $G 'bromley_ap_5yr,supported,secondary_pru,all,mean' 500 'supported secondary_pru all: all 500.0 != occupants at the start of year 1'
broken delta_not_difference $K 'bromley_ap_plan,delta_exclusions,total,3,mean' -20 'delta_exclusions total 3: delta -20.0 != option'
O=tests/golden/bromley_exclusions__base.mc.csv
broken observed_negative $O 'bromley_exclusions_base,observed_exclusions,primary,5,value' -1 'observed_exclusions primary 5: observed -1.0 < 0'
sed 's/^\(bromley_exclusions_base\),exclusions,primary,5,\(.*\)/\1,exclusions,primary,9,\2/' $O >"$tmp/unprojected.csv"
run_check "an observation beside no projection is refused" 1 /usr/bin/python3 $C "$tmp/unprojected.csv"
grep_check "it is named" "observed_exclusions primary 5: observed beside no projection" "$tmp/out"
# A back-test's rows: inside, error and the scores agree.
F=tests/fixtures/calibrate
${HNSIM:-build/hnsim} backtest $F/bromley_10yr.ini $F/bromley_10yr_history.csv --fit demand.primary.referrals \
    --holdout 3 -n 100 -q -o "$tmp/bt.csv" >"$tmp/out" 2>&1
run_check "a back-test's CSV keeps the invariants" 0 /usr/bin/python3 $C "$tmp/bt.csv"
broken inside_wrong "$tmp/bt.csv" 'bromley_ap_10yr,backtest_exclusions,secondary,9,inside' 2 'backtest_exclusions secondary 9: inside 2.0 but p10'
broken error_wrong "$tmp/bt.csv" 'bromley_ap_10yr,backtest_exclusions,secondary,9,error' 12345 'backtest_exclusions secondary 9: error 12345.0 != mean'
broken coverage_wrong "$tmp/bt.csv" 'bromley_ap_10yr,backtest,total,all,coverage_p10_p90' 0.123 'backtest total all: coverage 0.123 but'
broken count_wrong "$tmp/bt.csv" 'bromley_ap_10yr,backtest,total,all,n' 99 'backtest total all: n 99.0 but 12 scored rows'
# The year column holds 1..Y or all: the former sensitivity rows (year net_cost:all) are refused.
sed 's/^\(bromley_ap_5yr,sensitivity_net_cost,[^,]*\),all,/\1,net_cost:all,/' $G >"$tmp/year.csv"
cmp -s $G "$tmp/year.csv" && { echo "FAIL: year: no sensitivity row"; fail=1; }
run_check "a year that is not 1..Y or all is refused" 1 /usr/bin/python3 $C "$tmp/year.csv"
grep_check "the year is named" "year 'net_cost:all' is not 1..Y or all" "$tmp/out"
printf 'year,metric\n1,2\n' >"$tmp/header.csv"
run_check "a file that is not a tidy CSV is refused" 1 /usr/bin/python3 $C "$tmp/header.csv"
exit $fail
