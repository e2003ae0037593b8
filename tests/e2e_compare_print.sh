#!/bin/sh
# e2e_compare_print.sh - the Comparison sheet prints on one A4 landscape page
# with the run sheets' page header and footer, for every comparison set of
# the library (scripts/golden.sh compare_sets) and a deterministic one: each
# workbook is printed to PDF by LibreOffice and pdftotext reads the footer
# of every page ("SHEET  Page n of m  hnsim VERSION"); the Comparison sheet
# must have exactly one page, whose header names the comparison and whose
# paper is A4 landscape (pdfinfo). Needs soffice (LibreOffice) and poppler's
# pdftotext and pdfinfo; without them it says so and passes, as they are
# needed for this check only:
#   apt-get install -y libreoffice-calc-nogui poppler-utils
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim}
N=${E2E_ITERATIONS:-200}
for tool in soffice pdftotext pdfinfo; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skip: e2e_compare_print.sh needs $tool (apt-get install -y libreoffice-calc-nogui poppler-utils)"
        exit 0
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

# The sets, as golden.sh lists them: folder, reference, options.
sed -n "/^compare_sets()/,/^}/p" scripts/golden.sh | sed -e '1,2d' -e '/^SETS$/,$d' >"$tmp/sets"
[ -s "$tmp/sets" ] && echo "ok: read the sets of scripts/golden.sh" || { echo "FAIL: no sets in scripts/golden.sh"; exit 1; }
books=""
while read -r set ref rest; do
    args="scenarios/$set/$ref.ini"
    for o in $rest; do args="$args scenarios/$set/$o.ini"; done
    # shellcheck disable=SC2086
    run_check "compare $set" 0 $HNSIM compare $args -n "$N" -q -o "$tmp/$set.xlsx"
    books="$books $set"
done <"$tmp/sets"
run_check "compare bromley_ap (deterministic)" 0 $HNSIM compare scenarios/bromley_ap/baseline.ini \
    scenarios/bromley_ap/plan.ini --deterministic -q -o "$tmp/deterministic.xlsx"
books="$books deterministic"

# One LibreOffice for all (a throw-away profile: it writes one into $HOME on first start).
# shellcheck disable=SC2086
(cd "$tmp" && HOME="$tmp" soffice --headless --convert-to pdf --outdir "$tmp" *.xlsx >"$tmp/soffice.log" 2>&1)
for b in $books; do
    pdf=$tmp/$b.pdf
    if [ ! -s "$pdf" ]; then
        echo "FAIL: $b: LibreOffice wrote no PDF"; cat "$tmp/soffice.log"; fail=1; continue
    fi
    pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
    first=0; count=0; p=1
    while [ "$p" -le "$pages" ]; do
        if pdftotext -layout -f "$p" -l "$p" "$pdf" - | grep -Eq '^ *Comparison +Page [0-9]+ of [0-9]+'; then
            count=$((count + 1)); [ "$first" -eq 0 ] && first=$p
        fi
        p=$((p + 1))
    done
    [ "$count" -eq 1 ] && echo "ok: $b: the Comparison sheet prints on 1 page" ||
        { echo "FAIL: $b: the Comparison sheet prints on $count pages"; fail=1; continue; }
    pdftotext -layout -f "$first" -l "$first" "$pdf" "$tmp/page.txt"
    grep_check "$b: the page header names the comparison" "Comparison of options against" "$tmp/page.txt"
    grep_check "$b: the page footer says the engine" "hnsim [0-9]" "$tmp/page.txt"
    # A4 landscape: 842 x 595 points.
    size=$(pdfinfo -f "$first" -l "$first" "$pdf" | sed -n 's/^Page *[0-9]* size: *\([0-9.]*\) x \([0-9.]*\).*/\1 \2/p')
    case $size in
        841.* | 842.*) echo "ok: $b: A4 landscape ($size pt)" ;;
        *) echo "FAIL: $b: the page is $size pt, not A4 landscape"; fail=1 ;;
    esac
done
exit $fail
