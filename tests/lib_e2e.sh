# lib_e2e.sh - what the end-to-end scripts share (sourced, not run: the test
# runner runs tests/e2e_*.sh only). Sets HNSIM (the binary, maybe under
# valgrind), tmp (a temporary folder removed on exit) and fail (0; set to 1
# by a failed check), and defines the checks.
HNSIM=${HNSIM:-build/hnsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: exit status $3, expected $2"; fail=1
    else
        echo "ok: $1"
    fi
}
grep_check() { # grep_check DESCRIPTION PATTERN FILE
    if grep -q -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: no '$2' in:"; cat "$3"; fail=1; fi
}
