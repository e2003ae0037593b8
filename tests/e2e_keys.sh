#!/bin/sh
# e2e_keys.sh - the key reference (docs/keys.md) and the fuzzer's dictionary
# (tests/fuzz/scenario.dict) are what the key tables give: each is written
# afresh by $BUILD/keys-doc (tests/keys_doc.c) and compared byte for byte
# with the checked-in copy. A difference means a table changed without
# `make keys`. Run by scripts/run-tests.sh.
set -u
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for pair in "md docs/keys.md" "dict tests/fuzz/scenario.dict"; do
    set -- $pair
    if ! "$BUILD/keys-doc" "$1" >"$tmp/out"; then
        echo "FAIL: $BUILD/keys-doc $1 failed"; fail=1; continue
    fi
    if cmp -s "$tmp/out" "$2"; then
        echo "ok: $2 is up to date"
    else
        echo "FAIL: $2 is out of step with the key tables; run \`make keys\` and commit it:"
        diff -u "$2" "$tmp/out" | head -n 20
        fail=1
    fi
done
exit $fail
