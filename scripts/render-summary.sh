#!/bin/sh
# render-summary.sh - regenerate docs/summary.png, the picture of the Summary
# sheet in the README: the default scenario's workbook as LibreOffice prints
# it (xlsx -> PDF with soffice --headless, page 1 -> PNG at 110 dpi with
# pdftoppm). With --comparison, docs/comparison.png instead: the Comparison
# sheet (page 1) of the bromley_primary_outreach options' comparison
# workbook. LibreOffice and poppler are needed for these pictures only (and
# tests/e2e_compare_print.sh, which skips without them), not to build or
# test hnsim, so `make` does not install them (scripts/install-deps.sh --render does):
#   apt-get install -y libreoffice-calc-nogui poppler-utils
#
#   scripts/render-summary.sh [OUT.png]                (default docs/summary.png)
#   scripts/render-summary.sh --comparison [OUT.png]   (default docs/comparison.png)
set -eu
BUILD=${BUILD:-build}
SCENARIO=${SCENARIO:-scenarios/bromley_ap_5yr.ini}
SET=${SET:-bromley_primary_outreach}
OPTIONS=${OPTIONS:-"no_outreach outreach_pilot outreach_block_year3 outreach_two_years"}
mode=summary
if [ "${1:-}" = --comparison ]; then
    mode=comparison
    shift
fi
OUT=${1:-docs/$mode.png}

for tool in soffice pdftoppm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "render-summary.sh: $tool not found; install it with" \
             "apt-get install -y libreoffice-calc-nogui poppler-utils" >&2
        exit 1
    fi
done
make -s "$BUILD/hnsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$mode" = comparison ]; then
    args=""
    for o in $OPTIONS; do args="$args scenarios/$SET/$o.ini"; done
    # shellcheck disable=SC2086
    "$BUILD/hnsim" compare $args -q -o "$tmp/$mode.xlsx"
else
    "$BUILD/hnsim" run "$SCENARIO" -q -o "$tmp/$mode.xlsx"
fi
# A throw-away profile: LibreOffice writes one into $HOME on first start.
HOME="$tmp" soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/$mode.xlsx" >/dev/null 2>&1
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$tmp/$mode.pdf" "$tmp/$mode"
cp "$tmp/$mode.png" "$OUT"
echo "render-summary.sh: wrote $OUT ($(wc -c <"$OUT") bytes)"
