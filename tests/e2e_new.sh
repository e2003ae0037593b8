#!/bin/sh
# e2e_new.sh - `hnsim new NAME [-o FILE.ini]` as a newcomer meets it: the
# template is written to NAME.ini in the current folder, passes `check`
# (even --strict) and runs as it is, to a workbook whose Assumptions sheet
# cites "assumption" as each value's source; it holds every key of every
# section type of docs/keys.md (generated from the same key tables), so it
# cannot fall behind them; -o writes elsewhere and -o - to standard output
# (the same text); an existing file, even a dangling link, is never
# overwritten; a bad NAME and bad usage are refused with exit status 2 and
# nothing written.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
# The command may be a wrapper and valgrind before the binary: make every word that
# names a file absolute, so that it still runs from another folder.
abs=""
for w in $HNSIM; do
    case $w in /*) ;; *) [ -e "$w" ] && w="$(pwd)/$w" ;; esac
    abs="$abs $w"
done
HNSIM=$abs
KEYS=$(pwd)/docs/keys.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

run_check "new --help" 0 $HNSIM new --help
grep_check "new --help shows the synopsis" "usage: hnsim new NAME \[-o FILE.ini\]" "$tmp/out"
$HNSIM --help >"$tmp/top" 2>&1
grep_check "hnsim --help names new" "hnsim new NAME" "$tmp/top"

mkdir "$tmp/work"
(cd "$tmp/work" && $HNSIM new plan_2027) >"$tmp/out" 2>&1; check "new writes NAME.ini" 0 $?
T=$tmp/work/plan_2027.ini
[ -s "$T" ] && echo "ok: plan_2027.ini is in the current folder" || { echo "FAIL: no $T"; fail=1; }
grep_check "it names the scenario NAME" "^name  *= plan_2027 " "$T"

run_check "the template passes check --strict (valid, no warning)" 0 $HNSIM check --strict "$T"
grep_check "check summarises it" "scenario is valid" "$tmp/out"
run_check "the template runs as it is" 0 $HNSIM run "$T" -q -n 200 -o "$tmp/work/t.xlsx"
if /usr/bin/python3 - "$tmp/work/t.xlsx" <<'PY'
import sys
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Assumptions"]
heads = [c.value for c in ws[4]]
src = {(r[0], r[1]): r[heads.index("Source")] for r in ws.iter_rows(min_row=5, values_only=True)}
bad = [k for k in [("scenario", "baseline_cost"), ("provision.pru", "cost_per_pupil"),
                   ("demand.secondary", "referrals")] if src.get(k) != "assumption"]
for k in bad:
    print("FAIL: Source of %s.%s is %r" % (k[0], k[1], src.get(k)))
sys.exit(1 if bad else 0)
PY
then echo "ok: each value's Source on the Assumptions sheet is its \"; assumption\""; else fail=1; fi

# Every key of docs/keys.md (the key tables) is in the template: set, or shown commented out.
missing=0
for key in $(sed -n 's/^| `\([a-z_.]*\)\(NAME\)\{0,1\}` | .*/\1/p' "$KEYS" | sort -u); do
    case $key in
    *.) pat="^;\{0,1\} \{0,1\}$(echo "$key" | sed 's/\./\\./')[a-z]" ;;
    *) pat="^;\{0,1\} \{0,1\}$key  *=" ;;
    esac
    if ! grep -q "$pat" "$T" || ! grep -q "^; $key\(NAME\)\{0,1\}: " "$T"; then
        echo "FAIL: key $key is not in the template with its explanation"
        missing=1
    fi
done
n=$(sed -n 's/^| `\([a-z_.]*\)\(NAME\)\{0,1\}` | .*/\1/p' "$KEYS" | sort -u | wc -l)
[ "$missing" = 0 ] && [ "$n" -gt 30 ] && echo "ok: all $n keys of docs/keys.md are explained and given" ||
    { echo "FAIL: keys missing from the template ($n keys read)"; fail=1; }

# Never over an existing file.
cp "$T" "$tmp/before.ini"
echo "; edited by hand" >>"$T"
cp "$T" "$tmp/edited.ini"
(cd "$tmp/work" && $HNSIM new plan_2027) >"$tmp/out" 2>&1; check "an existing NAME.ini is refused" 2 $?
grep_check "the refusal says why" "plan_2027.ini already exists" "$tmp/out"
cmp -s "$T" "$tmp/edited.ini" && echo "ok: the existing file is untouched" || { echo "FAIL: existing file changed"; fail=1; }
ln -s "$tmp/nowhere.ini" "$tmp/work/link.ini"
run_check "a dangling link is refused too" 2 $HNSIM new x -o "$tmp/work/link.ini"
[ ! -e "$tmp/nowhere.ini" ] && echo "ok: nothing written through the link" || { echo "FAIL: wrote through the link"; fail=1; }

# -o elsewhere, and to standard output: the same text.
run_check "-o FILE.ini" 0 $HNSIM new plan_2027 -o "$tmp/other.ini"
cmp -s "$tmp/other.ini" "$tmp/before.ini" && echo "ok: -o writes the same template" || { echo "FAIL: -o differs"; fail=1; }
$HNSIM new plan_2027 -o - >"$tmp/stdout.ini" 2>"$tmp/out"; check "-o - writes to standard output" 0 $?
cmp -s "$tmp/stdout.ini" "$tmp/before.ini" && echo "ok: -o - prints the same template" || { echo "FAIL: -o - differs"; fail=1; }
ls -a "$tmp" "$tmp/work" | grep -q 'hnsim-' && { echo "FAIL: temporary file left"; fail=1; } || echo "ok: no temporary file left"

# Bad names and usage: exit 2, nothing written.
(cd "$tmp/work" && $HNSIM new Plan-2027) >"$tmp/out" 2>&1; check "a NAME with capitals and '-'" 2 $?
grep_check "the refusal says what a name is" "lowercase letters, digits and '_'" "$tmp/out"
[ ! -e "$tmp/work/Plan-2027.ini" ] && echo "ok: nothing written for a bad NAME" || { echo "FAIL: written"; fail=1; }
run_check "no NAME" 2 $HNSIM new
run_check "two NAMEs" 2 $HNSIM new a b
run_check "an unknown option" 2 $HNSIM new a --force
run_check "-o without a file" 2 $HNSIM new a -o
run_check "a folder that does not exist" 1 $HNSIM new a -o "$tmp/missing/a.ini"

exit $fail
