#!/bin/sh
# e2e_destinations.sh - every destination is checked before the run starts
# (issue 15), and stdout is an output like any other:
#  - an existing folder as -o (named like a workbook), a name ending in '/',
#    a file name too long for its folder once the temporary file's 14
#    characters are added (241 bytes pass, 242 do not), and a scenario whose
#    long `name` makes the default output too long: refused at once (a
#    5,000,000-iteration run is asked for, so a check after the run would
#    time out), exit 1, nothing written;
#  - a hard link to the scenario as -o is refused like a symbolic link (2);
#  - a closed pipe on stdout does not kill solve (SIGPIPE is ignored): it
#    finishes, writes its -o, and exits 1; a full stdout is exit 1 for every
#    command that prints (check, run, --help).
set -u
HNSIM=${HNSIM:-build/hnsim}
T=tests/fixtures/cli/tiny.ini
L=tests/fixtures/solve/linear.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

# refused_fast DESCRIPTION STATUS PATTERN hnsim-args...: refused within 20 s with PATTERN.
refused_fast() {
    _d=$1; _s=$2; _p=$3; shift 3
    timeout 20 $HNSIM "$@" >"$tmp/out" 2>&1
    check "$_d" "$_s" $?
    grep_check "$_d: says why" "$_p" "$tmp/out"
}

mkdir "$tmp/folder.xlsx"
refused_fast "an existing folder as -o" 1 "cannot write $tmp/folder.xlsx: it is a folder; name a file in it" \
    run $T -n 5000000 -o "$tmp/folder.xlsx"
[ -z "$(ls -A "$tmp/folder.xlsx")" ] && echo "ok: nothing written in the folder" || { echo "FAIL: the folder was written"; fail=1; }

name241=$(printf 'a%.0s' $(seq 237)).csv
name242=$(printf 'a%.0s' $(seq 238)).csv
run_check "a 241-byte file name is written" 0 $HNSIM run $T -n 20 -q -o "$tmp/$name241"
[ -s "$tmp/$name241" ] && echo "ok: 241-byte output exists" || { echo "FAIL: no 241-byte output"; fail=1; }
refused_fast "a 242-byte file name" 1 "its file name is 242 bytes long, and at most 241 fit in its folder" \
    run $T -n 5000000 -o "$tmp/$name242"
[ ! -e "$tmp/$name242" ] && echo "ok: nothing written for 242 bytes" || { echo "FAIL: 242-byte output written"; fail=1; }

long=$(printf 'b%.0s' $(seq 250))
sed "s/^name *=.*/name = $long/" $T >"$tmp/long.ini"
bin=${HNSIM##* } # HNSIM may be "wrapper valgrind ... build/hnsim": make the binary's path absolute
case $bin in /*) abs=$bin ;; *) abs=$(pwd)/$bin ;; esac
(cd "$tmp" && timeout 20 ${HNSIM%"$bin"}$abs run long.ini -n 5000000 >out 2>&1); check "a long scenario name's default output" 1 $?
grep_check "the default output is refused for its length" "its file name is 255 bytes long" "$tmp/out"

cp $T "$tmp/s.ini"
ln "$tmp/s.ini" "$tmp/hard.csv"
refused_fast "a hard link to the scenario as -o" 2 "refusing to write $tmp/hard.csv: it is the scenario file" \
    run "$tmp/s.ini" -n 20 -o "$tmp/hard.csv"
cmp -s $T "$tmp/s.ini" && echo "ok: the scenario is intact" || { echo "FAIL: the scenario changed"; fail=1; }

# A closed pipe: the reader takes one line and goes; solve must still finish and write -o.
{ $HNSIM solve $L -n 200 --vary cost.posts.amount --target 'net_cost:all <= 400000' \
      -o "$tmp/solved.csv" 2>"$tmp/err"; echo $? >"$tmp/status"; } | head -n 1 >/dev/null
check "solve into a closed pipe" 1 "$(cat "$tmp/status")"
grep_check "solve names the broken pipe" "cannot write to standard output: Broken pipe" "$tmp/err"
[ -s "$tmp/solved.csv" ] && echo "ok: solve wrote its -o" || { echo "FAIL: solve did not write -o"; fail=1; }

if [ -w /dev/full ]; then
    $HNSIM check $T >/dev/full 2>"$tmp/out"; check "check >/dev/full" 1 $?
    grep_check "check names the full device" "cannot write to standard output: No space left on device" "$tmp/out"
    $HNSIM run $T -n 20 -o "$tmp/full.csv" >/dev/full 2>"$tmp/out"; check "run >/dev/full" 1 $?
    $HNSIM --help >/dev/full 2>"$tmp/out"; check "--help >/dev/full" 1 $?
else
    echo "SKIP: no writable /dev/full"
fi
exit $fail
