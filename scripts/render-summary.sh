#!/bin/sh
# render-summary.sh - regenerate docs/summary.png, the picture of the Summary
# sheet in the README: the default scenario's workbook as LibreOffice prints
# it (xlsx -> PDF with soffice --headless, page 1 -> PNG at 110 dpi with
# pdftoppm). LibreOffice and poppler are needed for this picture only, not
# to build or test hnsim, so scripts/install-deps.sh does not install them:
#   apt-get install -y libreoffice-calc-nogui poppler-utils
#
#   scripts/render-summary.sh [OUT.png]      (default docs/summary.png)
set -eu
BUILD=${BUILD:-build}
SCENARIO=${SCENARIO:-scenarios/bromley_ap_5yr.ini}
OUT=${1:-docs/summary.png}

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
"$BUILD/hnsim" run "$SCENARIO" -q -o "$tmp/summary.xlsx"
# A throw-away profile: LibreOffice writes one into $HOME on first start.
HOME="$tmp" soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/summary.xlsx" >/dev/null 2>&1
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$tmp/summary.pdf" "$tmp/summary"
cp "$tmp/summary.png" "$OUT"
echo "render-summary.sh: wrote $OUT ($(wc -c <"$OUT") bytes)"
