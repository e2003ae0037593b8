#!/bin/sh
# e2e_xml_text.sh - every string that reaches a workbook follows one rule
# (output/xlsx_cells.c, xw_clean_utf8; decisions R15): text Excel would
# decode ("_x0041_" is Excel's escape of 'A') is kept as typed, and
# characters XML cannot hold (a control character in a file name, which
# reaches the Run sheet) become '?', so that Excel never has to "repair" the
# file. Checks every XML part of the package parses, the shared strings hold
# the escaped text, and openpyxl reads the title back as typed; then the same
# for a history file's name on the History and Back-test sheets.
set -u
HNSIM=${HNSIM:-build/hnsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

ctl=$(printf '\001')
scn="$tmp/plan${ctl}x.ini"
sed 's/^title *=.*/title = Plan _x0041_ and _X00e9_/; s/^authority *=.*/authority = Borough _x000D_/' \
    tests/fixtures/cli/tiny.ini >"$scn"
run_check "a run with Excel escapes in its text" 0 $HNSIM run "$scn" -n 20 -q -o "$tmp/o.xlsx"
/usr/bin/python3 - "$tmp/o.xlsx" >"$tmp/out" 2>&1 <<'PY'
import sys, zipfile, xml.dom.minidom
import openpyxl
z = zipfile.ZipFile(sys.argv[1])
for name in z.namelist():
    if name.endswith(".xml") or name.endswith(".rels"):
        xml.dom.minidom.parseString(z.read(name))
print("parts parse:", len(z.namelist()))
shared = z.read("xl/sharedStrings.xml").decode("utf-8")
print("escaped title:", "Plan _x005F_x0041_ and _x005F_X00e9_" in shared)
print("no control character:", not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in shared))
wb = openpyxl.load_workbook(sys.argv[1])
print("title:", wb["Summary"]["A1"].value)
run = {r[0]: r[1] for r in wb["Run"].iter_rows(values_only=True) if r[0]}
print("file:", run["Scenario file"])
print("company:", wb.properties.creator, "|", run["Company"])
PY
check "the package reads" 0 $?
grep_check "every XML part parses" "^parts parse: " "$tmp/out"
grep_check "the shared strings escape _xHHHH_" "^escaped title: True$" "$tmp/out"
grep_check "no control character in the shared strings" "^no control character: True$" "$tmp/out"
grep_check "the title reads back as typed" "^title: Plan _x0041_ and _X00e9_" "$tmp/out"
grep_check "the control character in the file name became ?" "^file: $tmp/plan?x.ini$" "$tmp/out"
grep_check "the authority reads back as typed" "| Borough _x000D_$" "$tmp/out"
# Header codes in the text: '&' before 'G' or '[' would be read by libxlsxwriter
# as an image placeholder even after "&&" (it refused the header and then used
# freed memory: the workbook fuzz target's first finding). It prints as U+FF06.
sed 's/^title *=.*/title = R\&G \&[Picture] \& Co/' tests/fixtures/cli/tiny.ini >"$tmp/amp.ini"
run_check "a title with header codes" 0 $HNSIM run "$tmp/amp.ini" -n 20 -q -o "$tmp/amp.xlsx"
/usr/bin/python3 -c 'import sys, zipfile
h = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
i = h.index("<oddHeader>"); print(h[i:h.index("</oddHeader>")])' "$tmp/amp.xlsx" >"$tmp/out" 2>&1
grep_check "the header keeps the title, with no image code" "R＆G ＆\\[Picture\\] &amp;&amp; Co" "$tmp/out"

# The history's file name reaches the History and Back-test sheets by the same rule.
hist="$tmp/history${ctl}_x0041_.csv"
cp scenarios/bromley_exclusions/history.csv "$hist"
E=scenarios/bromley_exclusions/base.ini
run_check "a run with a control character in its history's name" 0 $HNSIM run "$E" --history "$hist" -n 20 -q -o "$tmp/h.xlsx"
run_check "a back-test with it" 0 $HNSIM backtest "$E" "$hist" --fit demand.primary.exclusion --holdout 3 -n 20 -q -o "$tmp/b.xlsx"
/usr/bin/python3 - "$tmp/h.xlsx" "$tmp/b.xlsx" >"$tmp/out" 2>&1 <<'PY'
import sys, zipfile, xml.dom.minidom
import openpyxl
for path, sheet, cell in ((sys.argv[1], "History", "A2"), (sys.argv[2], "Back-test", "A3")):
    z = zipfile.ZipFile(path)
    for name in z.namelist():
        if name.endswith(".xml") or name.endswith(".rels"):
            xml.dom.minidom.parseString(z.read(name))
    print(sheet, "note:", openpyxl.load_workbook(path)[sheet][cell].value)
PY
check "both packages read" 0 $?
grep_check "the History sheet names the file with ? and the escape as typed" "^History note: .*history?_x0041_.csv" "$tmp/out"
grep_check "so does the Back-test sheet" "^Back-test note: History .*history?_x0041_.csv" "$tmp/out"
exit $fail
