#!/bin/sh
# hnsim_checked.sh - runs hnsim as given ("$@": the binary, maybe behind
# valgrind, and its arguments), then, when it succeeded and wrote a tidy CSV
# (-o FILE.csv or --output FILE.csv), checks that file with
# tests/check_invariants.py. scripts/run-tests.sh puts it in front of every
# end-to-end script's $HNSIM, so that every CSV a test writes is checked.
# Exit status: hnsim's own, or 3 when its CSV breaks an invariant (a status
# hnsim never uses, so the calling test fails on it).
set -u
out=""
prev=""
for a in "$@"; do
    case "$prev" in -o | --output) out=$a ;; esac
    case "$a" in --output=*) out=${a#--output=} ;; esac
    prev=$a
done
"$@"
rc=$?
if [ "$rc" -eq 0 ] && [ -n "$out" ] && [ "${out%.csv}" != "$out" ] && [ -f "$out" ]; then
    if ! /usr/bin/python3 "$(dirname "$0")/../check_invariants.py" "$out" >&2; then
        echo "hnsim_checked.sh: $out breaks the invariants above" >&2
        exit 3
    fi
fi
exit $rc
