#!/usr/bin/python3
"""e2e_xlsx_reader.py - open an hnsim workbook with openpyxl and check it.

The workbook is read by a reader we did not write (Debian's openpyxl) and
checked against the tidy CSV of the same run (same scenario, seed and
iterations), so every number is compared with the engine's own output:

  e2e_xlsx_reader.py BOOK.xlsx --csv RUN.csv --mode mc|det
                     [--scenario FILE.ini] [--title T] [--authority A]
                     [--start-year Y] [--seed S] [--baseline POUNDS]
                     [--created ISO]

With --scenario the title, authority, start year and seed come from the
file, every key of it (after `extends`) is expected on the Assumptions
sheet with its source (the comment on its line, else the comment lines
directly above it, in its own file), file, line and means (a per-year
list's in the year columns, as numbers), every file read is expected on the
Run sheet with its SHA-256, and the model's own identities are checked
(in-year = the CSV's vs_baseline, cumulative = cumulative_payback); a
hand-made run (tests/test_xlsx.c) gives the rest as options.

Checked: the sheet names and order (a Sensitivity sheet may stand before
Run), the Summary opening first; the
paragraph-6.2 table (labels, headings, units, the cost row against the
CSV, the in-year and cumulative rows and the totals being formulas whose
cached values are what the formulas compute from the cells they name);
the uncertainty rows against the CSV (absent in deterministic mode, which
says "Planned (deterministic)"); the charts (the fan's series add up to
the CSV's percentiles, the pupils chart holds each provision's mean, the
histogram counts every iteration); every cell of the Costs, Placements,
Exclusions and Distribution tables against the CSV; the Excel tables,
frozen headings and column widths; the Assumptions and Run sheets; the
print set-up of every sheet; the document properties. Prints every failure;
exit status 0 when all pass, 1 otherwise, 2 on bad usage.
"""
import argparse
import codecs
import csv
import datetime
import hashlib
import math
import os
import re
import sys
import zipfile

try:
    import openpyxl
    from openpyxl.utils import column_index_from_string, get_column_letter
except ImportError:  # the Makefile's deps target installs python3-openpyxl
    print("e2e_xlsx_reader.py: openpyxl is not installed", file=sys.stderr)
    sys.exit(1)

SHEETS = ["Summary", "Costs", "Placements", "Exclusions", "Distribution", "Assumptions", "Run"]
ACCOUNTING = '[>=0.5]#,##0_);[<=-0.5](#,##0);"-"_)'
failures = []


def check(cond, what):
    """Record a failure message when cond is false; return cond."""
    if not cond:
        failures.append(what)
    return cond


def close(a, b, rel=1e-9, absolute=1e-9):
    """True when a and b are numbers within rel (relative) or absolute."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    return abs(a - b) <= max(absolute, rel * max(abs(a), abs(b)))


# --------------------------------------------------------------- the CSV

def load_csv(path):
    """{(metric, entity, year, stat): value} of a tidy CSV's figures; year is '1'.. or 'all'.

    Sensitivity rows (metrics `sensitivity_net_cost`, `sensitivity_exclusions`,
    `sensitivity_supported`) describe the Sensitivity sheet, not a figure,
    and are left out here."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["metric"].startswith("sensitivity_"):
                continue
            out[(row["metric"], row["entity"], row["year"], row["stat"])] = float(row["value"])
    return out


def csv_get(data, metric, entity, year, stat):
    """The CSV's value (a probability figure's stat is 'p'); None when absent."""
    if metric in ("paid_back", "payback_year", "within_budget"):
        stat = "p"
    return data.get((metric, entity, str(year), stat))


# ------------------------------------------------- scenario files (INI)

def strip_comment(line):
    """The line without a ' ;' / ' #' comment, trimmed (docs/decisions.md item 3)."""
    m = re.search(r"[ \t][;#]", line)
    return (line[:m.start()] if m else line).strip()


def comment_of(raw):
    """(comment, alone) of a raw line (bytes): the text after its marker, trimmed (None when
    it has none), and whether the line holds nothing else. Bytes that are not UTF-8 are
    read as Windows-1252 (decisions R11)."""
    m = re.search(rb"(^|[ \t])[;#]", raw)
    if not m:
        return None, False
    text = raw[m.end():].decode("utf-8", errors="hn_cp1252")
    return text.strip(" \t\r\n"), not raw[:m.end() - 1].strip(b" \t")


def cp1252_fallback(err):
    """codecs error handler: the bad bytes as Windows-1252 (U+FFFD where it has none)."""
    return err.object[err.start:err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("hn_cp1252", cp1252_fallback)


def read_ini(path):
    """[(section, key, value, path, line, source)] of one file, and its `extends` (or None).

    source: the comment on the key's line; else the comment-only lines directly
    above it, joined by blanks; None when there is none (decisions I3)."""
    keys, section, extends = [], None, None
    with open(path, "rb") as f:
        raws = f.read().split(b"\n")
    if raws and raws[-1] == b"":
        raws.pop()
    if raws and raws[0].startswith(b"\xef\xbb\xbf"):
        raws[0] = raws[0][3:]
    comments = [comment_of(r) for r in raws]
    for n, raw in enumerate(raws, 1):
        s = raw.decode("utf-8", errors="hn_cp1252").strip()
        if not s or s[0] in ";#":
            continue
        s = strip_comment(s)
        if s.startswith("["):
            section = s[1:s.index("]")]
            continue
        key, value = (x.strip() for x in s.split("=", 1))
        source = comments[n - 1][0]
        if not source:
            above, i = [], n - 2
            while i >= 0 and comments[i][1]:
                above.insert(0, comments[i][0])
                i -= 1
            source = " ".join(c for c in above if c)
        keys.append((section, key, value, path, n, source or None))
        if section == "scenario" and key == "extends":
            extends = os.path.join(os.path.dirname(path), value)
    return keys, extends


def load_scenario(path):
    """({(section, key): (value, path, line, source)} after extends, [files read, the scenario first])."""
    chain = []
    while path:
        keys, parent = read_ini(path)
        chain.append((path, keys))
        path = parent
    merged = {}
    for path, keys in reversed(chain):  # parent first; the child replaces key by key
        removed = {s for (s, k, v, p, n, c) in keys if k == "remove" and v == "true"}
        merged = {sk: v for sk, v in merged.items() if sk[0] not in removed}
        for (s, k, v, p, n, c) in keys:
            if s not in removed:
                merged[(s, k)] = (v, p, n, c)
    return merged, [p for p, _ in chain]


def split_top(text):
    """Items of a list, split at commas outside parentheses."""
    items, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            items.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    items.append(cur.strip())
    return items


MEANS = {
    "normal": lambda a: a[0], "lognormal": lambda a: a[0],
    "uniform": lambda a: (a[0] + a[1]) / 2, "triangular": lambda a: sum(a) / 3,
    "pert": lambda a: (a[0] + 4 * a[1] + a[2]) / 6, "beta": lambda a: a[0] / (a[0] + a[1]),
}


def item_mean(item):
    """Mean of a number or distribution written as text; None when it is neither."""
    try:
        return float(item)
    except ValueError:
        pass
    m = re.fullmatch(r"([a-z]+)\((.*)\)", item)
    if not m or m.group(1) not in MEANS:
        return None
    try:
        return MEANS[m.group(1)]([float(x) for x in m.group(2).split(",")])
    except ValueError:
        return None


def value_means(value):
    """Means of each item of a numeric value; None for text values."""
    means = [item_mean(x) for x in split_top(value)]
    return None if any(m is None for m in means) else means


# ---------------------------------------------------------- sheet helpers

def find_row(ws, label, col=1):
    """1-based row whose column col equals label, or None."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, col).value == label:
            return row
    return None


def column_a(ws):
    """Every string in column A."""
    return [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, 1).value, str)]


def parse_ref(ref):
    """('Sheet', r0, c0, r1, c1) of "Sheet!$C$5:$G$5" or "'A b'!$C$5" (1-based)."""
    m = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?", ref)
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    c0, r0 = column_index_from_string(m.group(3)), int(m.group(4))
    c1 = column_index_from_string(m.group(5)) if m.group(5) else c0
    r1 = int(m.group(6)) if m.group(6) else r0
    return sheet, r0, c0, r1, c1


def ref_values(wv, ref):
    """Cached values of a one-row or one-column reference, in order."""
    p = parse_ref(ref)
    if not check(p is not None, "unreadable chart reference %r" % ref):
        return []
    sheet, r0, c0, r1, c1 = p
    ws = wv[sheet]
    return [ws.cell(r, c).value for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def cell_value(wv, sheet, ref):
    """Cached value of cell ref ("C9", "$B$9") of sheet."""
    m = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    return wv[sheet].cell(int(m.group(2)), column_index_from_string(m.group(1))).value


def evaluate(wv, sheet, formula):
    """Value of the workbook's own formulas (=A-B, =A+B, =A, =A/SUM(X:Y), =SUM(X:Y)) from cached cells."""
    cell = r"\$?[A-Z]+\$?\d+"
    m = re.fullmatch(r"=SUM\((%s):(%s)\)" % (cell, cell), formula)
    if m:
        return sum(v for v in ref_values(wv, "%s!%s:%s" % (sheet, m.group(1), m.group(2))))
    m = re.fullmatch(r"=(%s)/SUM\((%s):(%s)\)" % (cell, cell, cell), formula)
    if m:
        total = sum(ref_values(wv, "%s!%s:%s" % (sheet, m.group(2), m.group(3))))
        return cell_value(wv, sheet, m.group(1)) / total
    m = re.fullmatch(r"=(%s)([-+])(%s)" % (cell, cell), formula)
    if m:
        a, b = cell_value(wv, sheet, m.group(1)), cell_value(wv, sheet, m.group(3))
        return a - b if m.group(2) == "-" else a + b
    m = re.fullmatch(r"=(%s)" % cell, formula)
    if m:
        return cell_value(wv, sheet, m.group(1))
    check(False, "%s: unexpected formula %r" % (sheet, formula))
    return None


def check_formula(ws, vs, row, col, what):
    """The cell is a formula whose cached value is what it computes; returns the formula."""
    f = ws.cell(row, col).value
    if not check(isinstance(f, str) and f.startswith("="), "%s is not a formula: %r" % (what, f)):
        return None
    got = evaluate(vs.parent, ws.title, f)
    check(close(vs.cell(row, col).value, got, 1e-9, 1e-9),
          "%s: cached %r but %s gives %r" % (what, vs.cell(row, col).value, f, got))
    return f


def shown(value, fmt):
    """Text a number shows in one of the workbook's number formats (for width checks)."""
    if not isinstance(value, (int, float)):
        return str(value) if value is not None else ""
    if fmt == ACCOUNTING:
        if abs(value) < 0.5:
            return "-  "
        return "({:,.0f})".format(-value) if value < 0 else "{:,.0f} ".format(value)
    m = re.fullmatch(r"(#,##)?0(\.0+)?(%)?", fmt)
    if m:
        decimals = len(m.group(2)) - 1 if m.group(2) else 0
        v = value * 100 if m.group(3) else value
        body = ("{:,.%df}" if m.group(1) else "{:.%df}") % decimals
        return body.format(v) + ("%" if m.group(3) else "")
    if fmt == "0.0####":
        return ("%.5f" % value).rstrip("0")
    return repr(value)[:11]


def check_table_sheet(ws, vs, header_row, n_tables=1):
    """The sheet's Excel tables start at header_row, the panes freeze under it, columns fit their content (vs: cached values)."""
    tables = list(ws.tables.values())
    check(len(tables) == n_tables, "%s has %d Excel tables, expected %d" % (ws.title, len(tables), n_tables))
    for t in tables:
        first = t.ref.split(":")[0]
        check(int(re.sub(r"[A-Z]", "", first)) == header_row,
              "%s table %s starts at %s, not row %d" % (ws.title, t.displayName, t.ref, header_row))
        check(t.autoFilter is not None, "%s table %s has no filter" % (ws.title, t.displayName))
    fp = ws.freeze_panes
    check(fp is not None and int(re.sub(r"[A-Z]", "", fp)) == header_row + 1,
          "%s panes frozen at %r, expected under row %d" % (ws.title, fp, header_row))
    check(ws.print_title_rows in ("$%d:$%d" % (header_row, header_row), "%d:%d" % (header_row, header_row)),
          "%s print titles %r, expected row %d" % (ws.title, ws.print_title_rows, header_row))
    # Columns sized to their content: every table cell fits (wrapped text may wrap).
    for t in tables:
        (c0, r0), (c1, r1) = [(column_index_from_string(re.sub(r"\d", "", x)), int(re.sub(r"[A-Z]", "", x)))
                              for x in t.ref.split(":")]
        for c in range(c0, c1 + 1):
            width = ws.column_dimensions[get_column_letter(c)].width
            for r in range(r0, r1 + 1):
                cell, value = ws.cell(r, c), vs.cell(r, c).value
                text = shown(value, cell.number_format) if not isinstance(value, str) else value
                if cell.alignment is not None and cell.alignment.wrap_text and r > r0:
                    check(width >= min(len(text), 40),
                          "%s!%s: wrapped column too narrow (%.1f)" % (ws.title, cell.coordinate, width))
                    lines = math.ceil(len(text) / max(1.0, width - 2))
                    if lines > 1:
                        h = ws.row_dimensions[r].height
                        check(h is not None and h >= 15 * lines * 0.8,
                              "%s!%s: wrapped text of %d lines in a row of height %r"
                              % (ws.title, cell.coordinate, lines, h))
                    continue
                check(width >= len(text),
                      "%s!%s: %r does not fit a column of width %.1f" % (ws.title, cell.coordinate, text, width))


def year_columns(ws, header_row, first_col, labels):
    """{year ('1'.. or 'all'): column} from the heading row, checking the labels."""
    out = {}
    for i, label in enumerate(labels):
        c = first_col + i
        check(ws.cell(header_row, c).value == label,
              "%s heading %s%d %r, expected %r" % (ws.title, get_column_letter(c), header_row,
                                                  ws.cell(header_row, c).value, label))
        out[str(i + 1) if label != "All years" else "all"] = c
    return out


# ------------------------------------------------------------------ checks

def check_summary(wb, wv, data, a):
    """The Summary: title block, the paragraph-6.2 table, the uncertainty, the charts."""
    ws, vs = wb["Summary"], wv["Summary"]
    years = a.years
    labels = a.year_labels
    check(ws.cell(1, 1).value == a.title, "Summary title %r" % ws.cell(1, 1).value)
    if a.authority:
        check(ws.cell(2, 1).value == a.authority, "Summary authority %r" % ws.cell(2, 1).value)
    check(isinstance(ws.cell(3, 1).value, str) and ws.cell(3, 1).value.startswith("Appendix"),
          "no Appendix line: %r" % ws.cell(3, 1).value)
    for label in ("Run date", "Iterations", "Seed"):
        check(find_row(ws, label) is not None, "Summary title block has no %r" % label)
    it = find_row(ws, "Iterations")
    seed = find_row(ws, "Seed")
    if a.mode == "det":
        check(it and ws.cell(it, 2).value == "Planned (deterministic)",
              "deterministic iterations cell %r" % (ws.cell(it, 2).value if it else None))
    else:
        check(it and isinstance(ws.cell(it, 2).value, (int, float)), "iterations is not a number")
        check(seed and ws.cell(seed, 2).value == str(a.seed),
              "seed cell %r, expected %r" % (ws.cell(seed, 2).value if seed else None, a.seed))

    r = find_row(ws, "Cost of proposal")
    if not check(r is not None, "no 'Cost of proposal' row"):
        return
    check(ws.cell(r + 1, 1).value == "In year costs compared to baseline",
          "row after cost: %r" % ws.cell(r + 1, 1).value)
    check(ws.cell(r + 2, 1).value == "Cumulative payback",
          "second row after cost: %r" % ws.cell(r + 2, 1).value)
    head, units = r - 2, r - 1
    check(ws.cell(head, 2).value == "Baseline", "B heading %r" % ws.cell(head, 2).value)
    cols = year_columns(ws, head, 3, labels)
    total_col = 3 + years
    check(ws.cell(head, total_col).value == "%d-year total" % years,
          "total heading %r" % ws.cell(head, total_col).value)
    for c in range(2, total_col + 1):
        check(ws.cell(units, c).value == "£'000", "units cell %d: %r" % (c, ws.cell(units, c).value))

    baseline = vs.cell(r, 2).value
    if a.baseline is not None:
        check(close(baseline, a.baseline / 1000.0), "baseline %r, expected %r" % (baseline, a.baseline / 1000))
    else:  # the CSV's vs_baseline is net cost - baseline
        want = (csv_get(data, "net_cost", "total", 1, "mean") - csv_get(data, "vs_baseline", "total", 1, "mean")) / 1000
        check(close(baseline, want, 1e-9, 1e-6), "baseline %r, CSV says %r" % (baseline, want))
    check(ws.cell(r, 2).number_format == ACCOUNTING, "baseline format %r" % ws.cell(r, 2).number_format)
    check(ws.cell(r + 1, 2).value is None, "the baseline column of the in-year row is not empty")

    for y, c in cols.items():
        cost = vs.cell(r, c).value
        want = csv_get(data, "net_cost", "total", y, "mean") / 1000
        check(close(cost, want, 1e-12), "cost year %s: %r, CSV %r" % (y, cost, want))
        for dr in (0, 1, 2):
            check(ws.cell(r + dr, c).number_format == ACCOUNTING,
                  "format of row %d year %s: %r" % (r + dr, y, ws.cell(r + dr, c).number_format))
        f1 = check_formula(ws, vs, r + 1, c, "in-year year %s" % y)
        f2 = check_formula(ws, vs, r + 2, c, "cumulative year %s" % y)
        letter = get_column_letter(c)
        check(f1 == "=%s%d-$B$%d" % (letter, r, r), "in-year formula %r" % f1)
        prev = get_column_letter(c - 1)
        check(f2 == ("=%s%d" % (letter, r + 1) if y == "1" else "=%s%d+%s%d" % (prev, r + 2, letter, r + 1)),
              "cumulative formula %r" % f2)
        if a.model:
            want = csv_get(data, "vs_baseline", "total", y, "mean") / 1000
            check(close(vs.cell(r + 1, c).value, want, 1e-9, 1e-6),
                  "in-year year %s: %r, CSV vs_baseline %r" % (y, vs.cell(r + 1, c).value, want))
            want = csv_get(data, "cumulative_payback", "total", y, "mean") / 1000
            check(close(vs.cell(r + 2, c).value, want, 1e-9, 1e-6),
                  "cumulative year %s: %r, CSV %r" % (y, vs.cell(r + 2, c).value, want))
    # Totals: formulas too; the cost total is the CSV's all-years mean.
    first, last = get_column_letter(3), get_column_letter(2 + years)
    for dr in (0, 1):
        f = check_formula(ws, vs, r + dr, total_col, "total of row %d" % (r + dr))
        check(f == "=SUM(%s%d:%s%d)" % (first, r + dr, last, r + dr), "total formula %r" % f)
    if a.model:  # a real run's five-year total is the sum of its years
        want = csv_get(data, "net_cost", "total", "all", "mean") / 1000
        check(close(vs.cell(r, total_col).value, want, 1e-9, 1e-6),
              "cost total %r, CSV %r" % (vs.cell(r, total_col).value, want))
    check(ws.cell(r + 2, total_col).value is None, "the cumulative row has a total")

    # The uncertainty (Monte Carlo) or the planned pupils (deterministic), against the CSV.
    rows = {"Pupils supported": "supported", "Permanent exclusions": "exclusions"}
    stats = {"mean": "mean", "P10": "p10", "P50": "p50", "P90": "p90", "planned": "mean"}
    expect = []
    if a.mode == "mc":
        for st in ("P10", "P50", "P90"):
            expect.append(("Cost of proposal, " + st, "net_cost", stats[st], 1e-3, True))
            expect.append(("Cumulative payback, " + st, "cumulative_payback", stats[st], 1e-3, False))
        expect.append(("Paid back by the end of the year (probability)", "paid_back", "p", 1, False))
        expect.append(("Payback reached and held by this year (probability)", "payback_year", "p",
                       1, False))
        if csv_get(data, "within_budget", "total", 1, "p") is not None:
            expect.append(("Probability within budget", "within_budget", "p", 1, True))
        for label, metric in rows.items():
            for st in ("mean", "P10", "P90"):
                expect.append(("%s, %s" % (label, st), metric, stats[st], 1, True))
        expect.append(("Net cost per pupil supported, mean", "cost_per_supported", "mean", 1, True))
    else:
        for label, metric in rows.items():
            expect.append(("%s, planned" % label, metric, "mean", 1, True))
        expect.append(("Net cost per pupil supported, planned", "cost_per_supported", "mean", 1, True))
    all_labels = column_a(ws)
    check(("Probability within budget" in all_labels) ==
          (a.mode == "mc" and csv_get(data, "within_budget", "total", 1, "p") is not None),
          "within-budget row present: %r" % ("Probability within budget" in all_labels))
    if a.mode == "det":
        check(not any(re.search(r"\bP\d+\b", s) or s.startswith("Probability") for s in all_labels),
              "uncertainty rows in a deterministic Summary: %r" % all_labels)
        check(any("Planned (deterministic)" in s for s in all_labels), "Summary not labelled Planned (deterministic)")
    for label, metric, stat, scale, with_total in expect:
        row = find_row(ws, label)
        if not check(row is not None, "Summary has no row %r" % label):
            continue
        for y, c in list(cols.items()) + [("all", total_col)]:
            got = vs.cell(row, c).value
            if y == "all" and not with_total:
                check(got is None, "%r has a total %r" % (label, got))
                continue
            want = csv_get(data, metric, "total", y, stat)
            # cost per pupil has no value in a year nobody is supported: an empty cell then
            undefined = metric == "cost_per_supported" and want is None and got is None
            check(undefined or (want is not None and close(got, want * scale, 1e-12)),
                  "%r year %s: %r, CSV %r" % (label, y, got, want))
        if stat == "p":
            check(ws.cell(row, 3).number_format == "0%", "percent format %r" % ws.cell(row, 3).number_format)

    # Charts: the fan of net cost and the pupils by provision, from the sheet's own cells.
    charts = ws._charts
    if not check(len(charts) == 2, "Summary has %d charts, expected 2" % len(charts)):
        return
    fan, pupils = charts
    if a.mode == "mc":
        check(fan.tagname == "areaChart" and fan.grouping == "stacked",
              "fan chart is %s/%s" % (fan.tagname, getattr(fan, "grouping", None)))
        check(len(fan.series) == 6, "fan has %d series" % len(fan.series))
        if len(fan.series) == 6:
            bands = [ref_values(wv, s.val.numRef.f) for s in fan.series]
            for i, y in enumerate(cols):
                tops = [sum(b[i] for b in bands[:k + 1]) for k in range(6)]
                want = [csv_get(data, "net_cost", "total", y, st) / 1000
                        for st in ("p5", "p25", "p50", "p50", "p75", "p95")]
                check(all(close(t, w, 1e-9, 1e-6) for t, w in zip(tops, want)),
                      "fan year %s: stacked %r, CSV percentiles %r" % (y, tops, want))
            check(fan.series[0].spPr.noFill if fan.series[0].spPr is not None else False,
                  "the fan's base band is drawn")
    else:
        check(fan.tagname == "lineChart", "deterministic fan chart is %s" % fan.tagname)
        if check(len(fan.series) == 2, "planned chart has %d series" % len(fan.series)):
            planned = ref_values(wv, fan.series[0].val.numRef.f)
            want = [csv_get(data, "net_cost", "total", y, "mean") / 1000 for y in cols]
            check(all(close(p, w, 1e-12) for p, w in zip(planned, want)), "planned line %r vs %r" % (planned, want))
            base = ref_values(wv, fan.series[1].val.numRef.f)
            check(all(close(b, baseline) for b in base), "baseline line %r" % base)
    check(pupils.tagname == "barChart" and pupils.grouping == "stacked" and pupils.barDir == "col",
          "pupils chart is %s/%s/%s" % (pupils.tagname, pupils.grouping, getattr(pupils, "barDir", None)))
    provisions = sorted({e for (m, e, yy, st) in data if m == "occupancy"})
    check(len(pupils.series) == len(provisions),
          "pupils chart has %d series for %d provisions" % (len(pupils.series), len(provisions)))
    got = sorted(tuple(round(v, 9) for v in ref_values(wv, s.val.numRef.f)) for s in pupils.series)
    want = sorted(tuple(round(csv_get(data, "supported", p, y, "mean"), 9) for y in cols) for p in provisions)
    check(got == want, "pupils chart values %r, CSV %r" % (got, want))
    for s in list(fan.series) + list(pupils.series):
        p = parse_ref(s.val.numRef.f)
        check(p and p[0] == "Summary", "a Summary chart reads another sheet: %r" % s.val.numRef.f)
    check(ws.print_area is not None, "Summary has no print area")
    ps = ws.page_setup
    check(ps.fitToHeight in (None, 1, "1"), "Summary is not fitted to one page tall: %r" % ps.fitToHeight)


FIGURES = {"Gross cost": "gross_cost", "Income": "income", "Net cost": "net_cost",
           "Pupils supported": "supported", "Average occupancy": "occupancy", "Starts": "starts",
           "Blocked transfers": "blocked", "Moved out by a closure": "closed_out",
           "Referrals": "referrals", "Permanent exclusions": "exclusions",
           "EHC needs assessment requests": "ehcna", "Pupils waiting at the end of the year": "waiting"}
STATS = {"Mean": "mean", "P10": "p10", "P90": "p90", "Planned": "mean", "SD": "sd", "Min": "min",
         "P5": "p5", "P25": "p25", "P50": "p50", "P75": "p75", "P95": "p95", "Max": "max"}


def check_detail(wb, wv, data, a, name, metrics):
    """A Costs / Placements / Exclusions table: every cell against the CSV, every CSV figure present."""
    ws, vs = wb[name], wv[name]
    check_table_sheet(ws, vs, 4)
    check(ws.freeze_panes == "B5", "%s panes frozen at %r" % (name, ws.freeze_panes))
    check([ws.cell(4, c).value for c in range(1, 5)] == ["Entity", "Name", "Figure", "Statistic"],
          "%s headings %r" % (name, [ws.cell(4, c).value for c in range(1, 5)]))
    cols = year_columns(ws, 4, 5, a.year_labels + ["All years"])
    title = ws.cell(1, 1).value or ""
    check(("Planned (deterministic)" in title) == (a.mode == "det"), "%s title %r" % (name, title))
    seen, stats_seen = set(), set()
    for r in range(5, ws.max_row + 1):
        entity, figure, stat = ws.cell(r, 2).value, ws.cell(r, 3).value, ws.cell(r, 4).value
        if entity is None:
            continue
        metric = FIGURES.get(figure)
        if not check(metric in metrics, "%s row %d: figure %r" % (name, r, figure)):
            continue
        seen.add((metric, entity))
        stats_seen.add(stat)
        for y, c in cols.items():
            want = csv_get(data, metric, entity, y, STATS[stat])
            got = vs.cell(r, c).value
            check((want is None and got is None) or close(got, want, 1e-12),
                  "%s %s %s %s %s: %r, CSV %r" % (name, entity, figure, stat, y, got, want))
    check(stats_seen == ({"Planned"} if a.mode == "det" else {"Mean", "P10", "P90"}),
          "%s statistics %r" % (name, stats_seen))
    in_csv = {(m, e) for (m, e, y, st) in data if m in metrics}
    if name == "Placements":
        in_csv = {(m, e) for (m, e) in in_csv if e != "total" or m == "supported"}
        # pupils moved out by a closure: only for a provision a closure emptied in some iteration
        top = "mean" if a.mode == "det" else "max"
        in_csv = {(m, e) for (m, e) in in_csv
                  if m != "closed_out" or (csv_get(data, m, e, "all", top) or 0) > 0}
    check(in_csv == seen, "%s figures: missing %r, extra %r" % (name, in_csv - seen, seen - in_csv))


def check_distribution(wb, wv, data, a, iterations):
    """The percentile table against the CSV; the histogram and its chart."""
    ws, vs = wb["Distribution"], wv["Distribution"]
    figures = {"Net cost": ("net_cost", 1e-3), "Cumulative payback": ("cumulative_payback", 1e-3),
               "Pupils supported": ("supported", 1), "Permanent exclusions": ("exclusions", 1)}
    cols = year_columns(ws, 4, 4, a.year_labels + ["All years"])
    n = 0
    for r in range(5, ws.max_row + 1):
        fig, stat = ws.cell(r, 1).value, ws.cell(r, 3).value
        if fig not in figures:
            continue
        n += 1
        metric, scale = figures[fig]
        for y, c in cols.items():
            want = csv_get(data, metric, "total", y, STATS[stat])
            check(want is not None and close(vs.cell(r, c).value, want * scale, 1e-12),
                  "Distribution %s %s %s: %r, CSV %r" % (fig, stat, y, vs.cell(r, c).value, want))
    check(n == (4 if a.mode == "det" else 44), "Distribution has %d percentile rows" % n)
    if a.mode == "det":
        check_table_sheet(ws, vs, 4, 1)
        check(len(ws._charts) == 0, "a deterministic Distribution has a chart")
        check(any(isinstance(v, str) and v.startswith("No histogram") for row in ws.iter_rows(values_only=True)
                  for v in row), "no note on the missing histogram")
        return
    check_table_sheet(ws, vs, 4, 2)
    hist = ws.tables.get("HistogramTable")
    if not check(hist is not None, "no HistogramTable"):
        return
    (c0, r0), (c1, r1) = [(column_index_from_string(re.sub(r"\d", "", x)), int(re.sub(r"[A-Z]", "", x)))
                          for x in hist.ref.split(":")]
    rows = [[vs.cell(r, c).value for c in range(c0, c1 + 1)] for r in range(r0 + 1, r1 + 1)]
    counts = [row[3] for row in rows]
    check(sum(counts) == iterations, "histogram counts %d iterations of %d" % (sum(counts), iterations))
    for prev, cur in zip(rows, rows[1:]):
        check(close(prev[2], cur[1]), "histogram bands not contiguous: %r then %r" % (prev, cur))
    p50 = csv_get(data, "net_cost", "total", "all", "p50") / 1000
    for i, row in enumerate(rows):
        if row[2] <= p50:
            check(row[5] <= 0.5 + 1.0 / iterations, "cumulative share %r below the median band %r" % (row[5], row))
        if row[1] > p50 and i > 0:
            check(rows[i - 1][5] >= 0.5 - 1.0 / iterations, "cumulative share before %r is %r" % (row, rows[i - 1][5]))
    for r in range(r0 + 1, r1 + 1):
        check_formula(ws, vs, r, c0 + 4, "histogram share row %d" % r)
        check_formula(ws, vs, r, c0 + 5, "histogram cumulative share row %d" % r)
    check(close(vs.cell(r1, c0 + 5).value, 1.0), "cumulative share ends at %r" % vs.cell(r1, c0 + 5).value)
    charts = ws._charts
    if check(len(charts) == 1 and charts[0].tagname == "barChart", "Distribution charts %r" % charts):
        vals = ref_values(wv, charts[0].series[0].val.numRef.f)
        check(vals == counts, "histogram chart plots %r, table %r" % (vals, counts))


def check_assumptions(wb, wv, a):
    """Every key after extends, with its value, source, file, line and means (numbers, a list's per year)."""
    ws, vs = wb["Assumptions"], wv["Assumptions"]
    check_table_sheet(ws, vs, 4)
    want_heads = ["Section", "Key", "Value as written", "Source", "File", "Line", "Mean"] + a.year_labels
    heads = [ws.cell(4, c).value for c in range(1, len(want_heads) + 1)]
    check(heads == want_heads, "Assumptions headings %r" % heads)
    rows = {}
    for r in range(5, ws.max_row + 1):
        if ws.cell(r, 1).value is None:
            continue
        rows[(ws.cell(r, 1).value, ws.cell(r, 2).value)] = (
            ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 6).value,
            vs.cell(r, 7).value, [vs.cell(r, 8 + y).value for y in range(a.years)])
        check(isinstance(ws.cell(r, 6).value, int) and ws.cell(r, 6).value > 0,
              "Assumptions row %d line %r" % (r, ws.cell(r, 6).value))
    check(len(rows) > 0, "Assumptions is empty")
    if not a.scenario:
        return
    check(set(rows) == set(a.entries), "Assumptions keys: missing %r, extra %r"
          % (set(a.entries) - set(rows), set(rows) - set(a.entries)))
    for sk, (value, path, line, source) in a.entries.items():
        if sk not in rows:
            continue
        got_value, got_source, got_file, got_line, got_mean, got_years = rows[sk]
        check(got_value == value, "%s.%s value %r, file says %r" % (sk[0], sk[1], got_value, value))
        check(got_source == source, "%s.%s source %r, its file says %r" % (sk[0], sk[1], got_source, source))
        check(got_file is not None and os.path.samefile(got_file, path),
              "%s.%s file %r, expected %r" % (sk[0], sk[1], got_file, path))
        check(got_line == line, "%s.%s line %r, expected %r" % (sk[0], sk[1], got_line, line))
        means = value_means(value)
        plain = means is not None and len(means) == 1 and item_mean(value) is not None and re.fullmatch(r"[-+0-9.eE]+", value)
        if means is None or plain:
            check(got_mean is None and got_years == [None] * a.years,
                  "%s.%s has a mean %r / %r" % (sk[0], sk[1], got_mean, got_years))
        elif len(means) == 1:
            check(close(got_mean, means[0], 1e-12), "%s.%s mean %r, expected %r" % (sk[0], sk[1], got_mean, means[0]))
            check(got_years == [None] * a.years, "%s.%s has year means %r" % (sk[0], sk[1], got_years))
        else:
            check(got_mean is None, "%s.%s: a list has a Mean %r" % (sk[0], sk[1], got_mean))
            check(len(means) == a.years and all(close(g, m, 1e-12) for g, m in zip(got_years, means)),
                  "%s.%s year means %r, expected %r" % (sk[0], sk[1], got_years, means))


def check_run(wb, wv, data, a):
    """The Run sheet: provenance rows, sources with their SHA-256, precision against the CSV."""
    ws, vs = wb["Run"], wv["Run"]
    labels = column_a(ws)
    for want in ["Engine version", "Libraries", "Command line", "Scenario", "Scenario file", "SHA-256",
                 "Run date", "Seed", "Iterations", "Threads", "Wall time (seconds)", "Deterministic",
                 "Clamped money draws", "Clamped rate draws (below -1)", "Document properties", "Title", "Subject", "Author", "Company",
                 "Comments"]:
        check(want in labels, "Run has no row %r" % want)
    seed = find_row(ws, "Seed")
    check(seed and ws.cell(seed, 2).value == str(a.seed), "Run seed %r" % (ws.cell(seed, 2).value if seed else None))
    files = [(ws.cell(r, 2).value, ws.cell(r + 1, 2).value) for r in range(1, ws.max_row + 1)
             if ws.cell(r, 1).value in ("Scenario file", "Extends")]
    for path, sha in files:
        check(ws.cell(find_row(ws, path, 2) + 1, 1).value == "SHA-256", "no SHA-256 under %r" % path)
        check(isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha), "SHA-256 %r" % sha)
    if a.scenario:
        check(len(files) == len(a.sources), "Run lists %d files, the scenario reads %d" % (len(files), len(a.sources)))
        for (path, sha), want in zip(files, a.sources):
            check(os.path.samefile(path, want), "Run file %r, expected %r" % (path, want))
            with open(want, "rb") as f:
                check(sha == hashlib.sha256(f.read()).hexdigest(), "SHA-256 of %s is not %s" % (want, sha))
    det = find_row(ws, "Deterministic")
    check(det and ws.cell(det, 2).value.startswith("yes" if a.mode == "det" else "no"),
          "Deterministic row %r" % (ws.cell(det, 2).value if det else None))
    clamped = find_row(ws, "Clamped money draws")
    check(clamped and isinstance(ws.cell(clamped, 2).value, (int, float)), "clamped draws not a number")
    for label, want in [("Title", a.title), ("Author", "hnsim"), ("Comments", a.title)]:
        r = find_row(ws, label)
        check(r and ws.cell(r, 2).value == want, "Run %s %r" % (label, ws.cell(r, 2).value if r else None))
    se = find_row(ws, "Standard error of the mean", 2)
    if check(se is not None, "Run has no standard error row"):
        check(ws.cell(se, 1).value == "Total net cost (£)", "SE row is for %r" % ws.cell(se, 1).value)
        cols = year_columns(ws, se - 2, 3, a.year_labels + ["All years"])
        for y, c in cols.items():
            want = csv_get(data, "net_cost", "total", y, "se")
            check(close(vs.cell(se, c).value, want, 1e-12), "SE year %s %r, CSV %r" % (y, vs.cell(se, c).value, want))
    for want in ["Sampling and convergence", "Sampling"]:
        check(want in labels, "Run has no row %r" % want)
    if a.mode == "mc":
        for want in ["Rank correlations", "Target standard error", "Block",
                     "Running mean of the net cost over all years, with its 95% band"]:
            check(want in labels, "Run has no row %r" % want)
        check(len(ws._charts) == 1, "Run has %d charts, not the convergence chart" % len(ws._charts))
    else:
        check(len(ws._charts) == 0, "a deterministic Run sheet has a chart")
    r = find_row(ws, "Iterations")
    return vs.cell(r, 2).value if r else 0


def check_print(wb, a):
    """Every sheet: A4 landscape, one page wide, the title in the header, "Page n of m" in the footer."""
    for ws in wb:
        ps = ws.page_setup
        check(ps.orientation == "landscape", "%s orientation %r" % (ws.title, ps.orientation))
        check(str(ps.paperSize) == "9", "%s paper size %r (A4 is 9)" % (ws.title, ps.paperSize))
        pr = ws.sheet_properties.pageSetUpPr
        check(pr is not None and pr.fitToPage, "%s is not fitted to pages" % ws.title)
        # fitToWidth is left out of the file when it is 1, OOXML's default.
        check(ps.fitToWidth in (None, 1, "1"), "%s fitToWidth %r" % (ws.title, ps.fitToWidth))
        if ws.title != "Summary":
            check(str(ps.fitToHeight) == "0", "%s fitToHeight %r (0: as many pages as needed)"
                  % (ws.title, ps.fitToHeight))
        check(ws.oddHeader.center.text == a.title.replace("&", "&&"),
              "%s header %r" % (ws.title, ws.oddHeader.center.text))
        check(ws.oddFooter.center.text == "Page &P of &N", "%s footer %r" % (ws.title, ws.oddFooter.center.text))
        check(ws.oddFooter.left.text == "&A", "%s footer left %r" % (ws.title, ws.oddFooter.left.text))


def check_properties(wb, path, a):
    """Document properties: title, subject, author, company, comments (and created when given)."""
    p = wb.properties
    check(p.creator == "hnsim", "creator %r" % p.creator)
    check(p.title == a.title, "title property %r" % p.title)
    check(p.description == a.title, "comments property %r" % p.description)
    check((p.subject or "").startswith("Schools Forum appendix"), "subject %r" % p.subject)
    with zipfile.ZipFile(path) as z:
        app = z.read("docProps/app.xml").decode("utf-8")
    m = re.search(r"<Company>(.*?)</Company>", app)
    check(m is not None and m.group(1) == (a.authority or ""), "company %r" % (m.group(1) if m else None))
    if a.created:
        check(p.created == datetime.datetime.fromisoformat(a.created), "created %r" % p.created)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("book")
    ap.add_argument("--csv", required=True, help="the tidy CSV of the same run")
    ap.add_argument("--mode", choices=["mc", "det"], required=True)
    ap.add_argument("--scenario", help="the scenario file run (title, seed, keys and sources from it)")
    ap.add_argument("--title")
    ap.add_argument("--authority")
    ap.add_argument("--start-year", type=int)
    ap.add_argument("--seed")
    ap.add_argument("--baseline", type=float, help="baseline cost in pounds (else from the CSV)")
    ap.add_argument("--created", help="expected created property, ISO date-time")
    a = ap.parse_args()

    data = load_csv(a.csv)
    a.model = a.scenario is not None
    a.entries, a.sources = {}, []
    if a.scenario:
        a.entries, a.sources = load_scenario(a.scenario)
        get = lambda k: a.entries.get(("scenario", k), (None,))[0]
        a.title = a.title or get("title") or get("name")
        a.authority = a.authority if a.authority is not None else (get("authority") or "")
        a.start_year = a.start_year or int(get("start_year"))
        a.seed = a.seed or get("seed") or "1"
    a.years = max(int(y) for (m, e, y, st) in data if y != "all")
    a.year_labels = ["%d/%02d" % (a.start_year + i, (a.start_year + i + 1) % 100) for i in range(a.years)]

    wb = openpyxl.load_workbook(a.book)                  # formulas
    wv = openpyxl.load_workbook(a.book, data_only=True)  # cached values
    # A run analysed for sensitivity (issue 5) has a Sensitivity sheet before Run.
    names = [n for n in wb.sheetnames if n != "Sensitivity"]
    check(names == SHEETS and wb.sheetnames[-1] == "Run", "sheet names %r" % wb.sheetnames)
    check(wb.active.title == "Summary", "the workbook opens on %r" % wb.active.title)
    if names == SHEETS:
        check_summary(wb, wv, data, a)
        check_detail(wb, wv, data, a, "Costs", {"gross_cost", "income", "net_cost"})
        check_detail(wb, wv, data, a, "Placements",
                     {"supported", "occupancy", "starts", "blocked", "closed_out"})
        check_detail(wb, wv, data, a, "Exclusions", {"referrals", "exclusions", "ehcna", "waiting"})
        iterations = check_run(wb, wv, data, a)
        check_distribution(wb, wv, data, a, iterations)
        check_assumptions(wb, wv, a)
        check_print(wb, a)
        check_properties(wb, a.book, a)

    for f in failures[:60]:
        print("e2e_xlsx_reader.py: %s: %s" % (a.book, f))
    if len(failures) > 60:
        print("e2e_xlsx_reader.py: ... and %d more" % (len(failures) - 60))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
