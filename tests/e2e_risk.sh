#!/bin/sh
# e2e_risk.sh - sampling control and progress from the command line:
# --sampling, --target-se and --max-iterations (their usage errors, the
# run rows of the CSV, the same numbers for any thread count with
# correlation + Latin hypercube + target), and the progress bar (drawn on a
# terminal for a run longer than a second, and nothing at all on a
# stderr that is not a terminal, or with --quiet).
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
T=tests/fixtures/cli/tiny.ini
C=tests/fixtures/risk/corr.ini
B=scenarios/bromley_ap_5yr.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

# Usage errors: exit 2 and a message naming the option.
$HNSIM run "$T" -q --sampling quasi -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--sampling quasi" 2 $?
grep_check "--sampling names the choices" "need mc (plain Monte Carlo) or lhs" "$tmp/out"
$HNSIM run "$T" -q --max-iterations 500 -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--max-iterations alone" 2 $?
grep_check "--max-iterations goes with --target-se" "goes with --target-se" "$tmp/out"
$HNSIM run "$T" -q -d --target-se 1 -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--target-se with -d" 2 $?
$HNSIM run "$T" -q -d --sampling lhs -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--sampling lhs with -d" 2 $?
$HNSIM run "$T" -q --target-se 0 -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--target-se 0" 2 $?
$HNSIM run "$T" -q --target-se abc -o "$tmp/x.csv" >"$tmp/out" 2>&1; check "--target-se abc" 2 $?
$HNSIM run "$T" -q --target-se 1 --iterations 300 --max-iterations 200 -o "$tmp/x.csv" >"$tmp/out" 2>&1
check "--max-iterations below the first block" 2 $?
grep_check "the maximum is named" "max-iterations 200 is less than the first block of 300" "$tmp/out"
[ ! -e "$tmp/x.csv" ] && echo "ok: nothing written" || { echo "FAIL: output written"; fail=1; }

# The CSV records the sampling, the target and what the run did.
$HNSIM run "$T" -q --sampling lhs --target-se 0.3 -o "$tmp/lhs.csv" >"$tmp/out" 2>&1; check "lhs with a target" 0 $?
grep_check "csv: sampling" "^tiny_cli,run,sampling_lhs,all,value,1$" "$tmp/lhs.csv"
grep_check "csv: target" "^tiny_cli,run,target_se_pct,all,value,0.29999999999999999$" "$tmp/lhs.csv"
grep_check "csv: converged" "^tiny_cli,run,converged,all,value,1$" "$tmp/lhs.csv"
grep_check "csv: first block" "^tiny_cli,convergence,block1,all,iterations,200$" "$tmp/lhs.csv"
$HNSIM run "$T" --target-se 0.01 --max-iterations 600 -o "$tmp/cap.csv" >"$tmp/out" 2>"$tmp/err"
check "a target not reached" 0 $?
grep_check "stops at the maximum" "^tiny_cli,run,iterations,all,value,600$" "$tmp/cap.csv"
grep_check "says the target was not reached" "not reached after 3 blocks" "$tmp/out"
grep_check "and tells how to reach it" "raise --max-iterations" "$tmp/err"

# Correlation + Latin hypercube + target: the same bytes on 1 and 3 threads.
$HNSIM run "$C" -q --iterations 600 --sampling lhs --target-se 0.01 --max-iterations 1500 --threads 1 -o "$tmp/c1.csv" &&
    $HNSIM run "$C" -q --iterations 600 --sampling lhs --target-se 0.01 --max-iterations 1500 --threads 3 -o "$tmp/c3.csv"
check "correlated runs" 0 $?
cmp -s "$tmp/c1.csv" "$tmp/c3.csv" && echo "ok: 1 and 3 threads identical" || { echo "FAIL: thread count changed results"; fail=1; }
grep_check "csv: correlations" "^risk_corr,run,correlations,all,value,3$" "$tmp/c1.csv"

# Progress. Find a run that lasts more than a second here (valgrind makes it shorter).
n=20000
for try in 1 2 3 4 5; do
    $HNSIM run "$B" --threads 1 --iterations $n -o "$tmp/b.csv" >"$tmp/out" 2>"$tmp/err"
    secs=$(sed -n 's/^wrote .*, \([0-9.]*\) s)$/\1/p' "$tmp/out")
    [ -n "$secs" ] && awk "BEGIN { exit !($secs >= 1.3) }" && break
    n=$((n * 2))
done
echo "progress runs: $n iterations, $secs s"
[ -s "$tmp/err" ] && { echo "FAIL: stderr not a terminal, yet it got:"; cat "$tmp/err"; fail=1; } || echo "ok: nothing on a stderr that is not a terminal"
# On a terminal (a pseudo-terminal, through python's pty): a bar, then erased. The run that
# lasted long enough above may not under another load, so it grows until the bar is drawn.
bar="%  [0-9,]* of [0-9,]* iterations, [0-9,]*/s, \([0-9]* min \)\{0,1\}[0-9]* s left"
for try in 1 2 3 4; do
    HNSIM="$HNSIM" pty_run run "$B" --threads 1 --iterations $n -o "$tmp/b.csv"; check "run on a terminal" 0 $?
    grep -q "$bar" "$tmp/tty" && break
    n=$((n * 2))
done
grep_check "the bar shows iterations, rate and time left" "$bar" "$tmp/tty"
grep_check "the bar names its phase" "run \[[#.]*] " "$tmp/tty"
grep_check "the bar is erased at the end" "$(printf '\r\033\\[K')\$" "$tmp/tty"
HNSIM="$HNSIM" pty_run run "$B" --threads 1 --iterations $n -q -o "$tmp/b.csv"; check "quiet run on a terminal" 0 $?
[ -s "$tmp/tty" ] && { echo "FAIL: --quiet drew:"; cat -v "$tmp/tty"; fail=1; } || echo "ok: --quiet draws nothing"

exit $fail
