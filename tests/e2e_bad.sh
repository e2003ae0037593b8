#!/bin/sh
# e2e_bad.sh - the bad-scenario corpus: one finance officer's mistake per
# file in tests/bad/, each with NAME.expect beside it:
#   # MISTAKE: what is wrong
#   where: FILE[:LINE]            (relative to tests/bad/)
#   at: [section] key:            (as printed; empty for a file-level error)
#   message: a fragment of the message
# For each, `hnsim run tests/bad/FILE -o OUT.xlsx` must exit with status 2,
# print exactly one error line that starts
#   hnsim: tests/bad/FILE:LINE: [section] key: 
# and contains the fragment, and create neither OUT.xlsx nor a temporary
# file. Every file in tests/bad/ must have its .expect, and there must be
# at least 40 cases. Run by scripts/run-tests.sh with HNSIM set.
set -u
HNSIM=${HNSIM:-build/hnsim}
DIR=tests/bad
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cases=0

# field NAME.expect KEY: the value after "KEY: " (trailing blanks removed).
field() {
    sed -n "s/^$2: *//p" "$1" | sed 's/[[:space:]]*$//' | head -n 1
}

for expect in "$DIR"/*.expect; do
    name=$(basename "$expect" .expect)
    input=""
    for f in "$DIR/$name".*; do
        [ "$f" = "$expect" ] || input=$f
    done
    if [ -z "$input" ]; then
        echo "FAIL: $name: no input file beside $expect"; fail=1; continue
    fi
    where=$(field "$expect" where)
    at=$(field "$expect" at)
    frag=$(field "$expect" message)
    if [ -z "$where" ] || [ -z "$frag" ]; then
        echo "FAIL: $name: $expect needs where: and message: lines"; fail=1; continue
    fi
    prefix="hnsim: $DIR/$where: "
    [ -n "$at" ] && prefix="$prefix$at "
    cases=$((cases + 1))
    $HNSIM run "$input" -o "$tmp/out.xlsx" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    errs=$(grep -c '^hnsim: ' "$tmp/stderr")
    line=$(grep '^hnsim: ' "$tmp/stderr" | head -n 1)
    problem=""
    if [ "$rc" -ne 2 ]; then
        problem="exit status $rc, expected 2"
    elif [ "$errs" -ne 1 ]; then
        problem="$errs error lines, expected 1"
    else
        case "$line" in
        "$prefix"*) ;;
        *) problem="error does not start with '$prefix'" ;;
        esac
        case "$line" in
        *"$frag"*) ;;
        *) problem="${problem:+$problem; }message lacks '$frag'" ;;
        esac
    fi
    if [ -e "$tmp/out.xlsx" ] || ls -a "$tmp" | grep -q 'hnsim-'; then
        problem="${problem:+$problem; }an output or temporary file was created"
        rm -f "$tmp/out.xlsx" "$tmp"/.out.xlsx.hnsim-*
    fi
    if [ -n "$problem" ]; then
        echo "FAIL: $name: $problem"
        cat "$tmp/stderr"
        fail=1
    else
        echo "ok: $name"
    fi
done

# Every input has its expectation.
for f in "$DIR"/*; do
    case "$f" in *.expect) continue ;; esac
    stem=$(basename "$f")
    stem=${stem%.*}
    [ -f "$DIR/$stem.expect" ] || { echo "FAIL: $f has no $stem.expect"; fail=1; }
done
if [ "$cases" -lt 40 ]; then
    echo "FAIL: only $cases bad scenarios (at least 40)"; fail=1
fi
echo "$cases bad scenarios checked"
exit $fail
