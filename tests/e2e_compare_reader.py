#!/usr/bin/python3
"""e2e_compare_reader.py - check a comparison workbook against its CSV.

Called by tests/e2e_compare.sh on the workbook and the CSV that
`hnsim compare` wrote for the same options, seed and iterations:

  e2e_compare_reader.py BOOK.xlsx COMPARE.csv NAME [NAME ...]

NAME... are the options' scenario names, the reference first. It opens
the workbook with openpyxl (a reader independent of the library that
wrote it) and checks: the sheets are Comparison, then one per option named
after it; the Comparison sheet has one column per option, headed by its
name, and its rows hold what the CSV holds - net cost over all years
(mean, P10, P90, in £'000), the saving (minus the difference's mean, P90
and P10), the probability of saving (p_cheaper), pupils supported (each
pupil once) and the net cost per pupil, exclusions, exclusions avoided,
the probability of fewer exclusions, EHC needs assessment requests, the
cost per exclusion avoided (or the outcome in words when the CSV has no
such row), the payback year and probability against the reference
(delta_payback_year), the standard error of the saving with and without
common random numbers, and the saving line by line (minus each
delta_net_cost of a provision or line); the reference's own column has
no saving and says "reference"; the net cost per year table agrees
with the CSV; the line chart has three series per option and the
baseline. The options are headed by their titles (wrapped, in a row tall
enough) with their sheet names beneath; right of the table, the paper's
measures per year (net cost, AP places used, EHC needs assessment
requests, permanent exclusions, net cost per pupil supported) agree with
the CSV's yearly means. Each option's sheet is a Summary (its
paragraph-6.2 labels) whose notes point only at sheets of this workbook;
the Assumptions sheet sets the options side by side (a differing value
filled, an equal one not), the Run sheet names each option with its files
and SHA-256s; every formula and chart refers only to sheets the workbook
has.
Prints every failure; exit status 0 when all pass, 1 otherwise, 2 on bad
usage.
"""
import csv
import sys

# The shared checks (and the openpyxl import) of the run workbook's reader.
from e2e_xlsx_reader import check, close, failures, find_row
import openpyxl


def main():
    if len(sys.argv) < 4:
        print(__doc__.splitlines()[6], file=sys.stderr)
        return 2
    book, csv_path, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows = {}
    with open(csv_path, newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["scenario"], r["metric"], r["entity"], r["year"], r["stat"])] = float(r["value"])

    def get(name, metric, stat, year="all", entity="total"):
        return rows.get((name, metric, entity, year, stat))

    wb = openpyxl.load_workbook(book)
    check(wb.sheetnames == ["Comparison", "Saving by line"] + names + ["Assumptions", "Run"],
          f"sheets {wb.sheetnames}, expected Comparison, Saving by line, {names}, Assumptions, Run")
    check_assumptions(wb, names)
    check_run(wb, names)
    check_references(wb)
    ws = wb["Comparison"]
    check(str(ws.cell(1, 1).value).startswith("Comparison of options against"),
          f"title {ws.cell(1, 1).value!r}")
    header = find_row(ws, "Option")
    check(header is not None, "no Option header row")
    if header is None:
        return report()
    titles = []
    for i, name in enumerate(names):
        title = ws.cell(header, 3 + i).value
        titles.append(title)
        # Headed by its title (a name with blanks, not the machine name), its sheet's name beneath.
        check(isinstance(title, str) and " " in title and name not in title,
              f"column {3 + i} headed {title!r}, expected the option's title")
        check((i == 0) == str(title).endswith(" (reference)"),
              f"column {3 + i}: only the reference's title says '(reference)': {title!r}")
        check(ws.cell(header + 1, 3 + i).value == name,
              f"column {3 + i}: sheet name {ws.cell(header + 1, 3 + i).value!r}, expected {name}")
    # The titles wrap at blanks in a heading row tall enough for them.
    cell = ws.cell(header, 3)
    check(cell.alignment.wrap_text, "the options' titles do not wrap")
    height = ws.row_dimensions[header].height
    width = ws.column_dimensions["C"].width
    longest = max(len(str(t)) for t in titles)
    check(height is not None and height >= 15 * min(4, -(-longest // int(width))),
          f"heading row {height} pt for titles of up to {longest} characters in width {width}")

    def value(label, i):
        row = find_row(ws, label)
        check(row is not None, f"no row {label!r}")
        return ws.cell(row, 3 + i).value if row else None

    for i, name in enumerate(names):
        for label, metric, stat, scale in [
            ("Net cost over all years, mean", "net_cost", "mean", 1e-3),
            ("Net cost over all years, P10", "net_cost", "p10", 1e-3),
            ("Net cost over all years, P90", "net_cost", "p90", 1e-3),
            ("Pupils supported over all years (each pupil once), mean", "supported", "mean", 1),
            ("Net cost per pupil supported over all years, mean", "cost_per_supported", "mean", 1),
            ("Permanent exclusions, all years, mean", "exclusions", "mean", 1),
            ("EHC needs assessment requests, all years, mean", "ehcna", "mean", 1),
        ]:
            want = get(name, metric, stat)
            got = value(label, i)
            check(want is not None and close(got, want * scale),
                  f"{name}: {label} is {got!r}, the CSV gives {want!r} x {scale}")
        if i == 0:
            check(value("Saving against the reference, mean", 0) == "reference",
                  "the reference's saving cell should say 'reference'")
            check(value("Probability of saving (costs less over all years)", 0) is None,
                  "the reference has no probability of saving")
            check(value("Payback year against the reference (the median)", 0) == "reference",
                  "the reference's payback cell should say 'reference'")
            continue
        for label, metric, stat, sign, scale in [
            ("Saving against the reference, mean", "delta_net_cost", "mean", -1, 1e-3),
            ("Saving against the reference, P10", "delta_net_cost", "p90", -1, 1e-3),
            ("Saving against the reference, P90", "delta_net_cost", "p10", -1, 1e-3),
            ("Exclusions avoided against the reference, mean", "delta_exclusions", "mean", -1, 1),
            ("Standard error of the mean saving, common random numbers", "delta_net_cost", "se", 1, 1e-3),
            ("Standard error of the mean saving, independent runs", "delta_net_cost",
             "se_independent", 1, 1e-3),
            ("Probability of saving (costs less over all years)", "p_cheaper", "p", 1, 1),
            ("Probability of fewer exclusions than the reference", "p_fewer_exclusions", "p", 1, 1),
            ("Probability of payback against the reference within the years", "delta_payback_year",
             "p", 1, 1),
        ]:
            want = get(name, metric, stat)
            got = value(label, i)
            check(want is not None and close(got, sign * want * scale),
                  f"{name}: {label} is {got!r}, the CSV gives {sign} x {want!r} x {scale}")
        want = get(name, "cost_per_exclusion_avoided", "mean")
        got = value("Cost per exclusion avoided, or the outcome in words", i)
        if want is None:
            check(isinstance(got, str) and got.split()[0] in ("saves", "costs"),
                  f"{name}: cost per exclusion avoided {got!r}, expected the outcome in words")
        else:
            check(close(got, want), f"{name}: cost per exclusion avoided {got!r}, the CSV gives {want!r}")
        check(isinstance(value("Payback year against the reference (the median)", i), str),
              f"{name}: no payback year")
        # The saving line by line: on the Comparison sheet one row of means named by the line;
        # on the Saving by line sheet, under each line's heading, the mean, P10 and P90; each
        # minus its delta_net_cost.
        entities = sorted({e for (n, m, e, y, st) in rows
                           if n == name and m == "delta_net_cost" and e != "total"})
        check(len(entities) > 0, f"{name}: no line of the saving")
        lines = wb["Saving by line"]
        for e in entities:
            own = next((r for r in range(1, ws.max_row + 1)
                        if str(ws.cell(r, 1).value or "").endswith(f"({e})")), None)
            if check(own is not None, f"{name}: no row for the line {e} on the Comparison sheet"):
                want = get(name, "delta_net_cost", "mean", entity=e)
                got = ws.cell(own, 3 + i).value
                check(want is not None and close(got, -want * 1e-3),
                      f"{name}: mean saving on {e} is {got!r}, the CSV gives -{want!r} x 1e-3")
            head = next((r for r in range(1, lines.max_row + 1)
                         if str(lines.cell(r, 1).value or "").endswith(f"({e})")), None)
            if not check(head is not None, f"{name}: no heading for the line {e} on Saving by line"):
                continue
            for k, (label, stat) in enumerate([("    saving, mean", "mean"), ("    saving, P10", "p90"),
                                               ("    saving, P90", "p10")]):
                check(lines.cell(head + 1 + k, 1).value == label,
                      f"{e}: row {head + 1 + k} is {lines.cell(head + 1 + k, 1).value!r}, expected {label!r}")
                want = get(name, "delta_net_cost", stat, entity=e)
                got = lines.cell(head + 1 + k, 3 + i).value
                check(want is not None and close(got, -want * 1e-3),
                      f"{name}: saving on {e} ({stat}) is {got!r}, the CSV gives -{want!r} x 1e-3")

    # The paper's measures per year, right of the table: years down, options across (the
    # same titles above), each the mean of the CSV's yearly rows; places used: the average
    # occupancy of every provision, added up.
    years = sorted({int(y) for (n, m, e, y, st) in rows if y != "all"})
    occupancy = {}
    for (n, m, e, y, st), v in rows.items():
        if m == "occupancy" and st == "mean" and y != "all":
            occupancy[(n, y)] = occupancy.get((n, y), 0) + v
    year_col = 3 + len(names)
    check(ws.cell(header, year_col).value == "Per year", "no 'Per year' heading right of the table")
    for i in range(len(names)):
        check(ws.cell(header, year_col + 1 + i).value == titles[i],
              f"per-year column {i} headed {ws.cell(header, year_col + 1 + i).value!r}")
    for heading, want in [
        ("Net cost (£'000), mean", lambda n, y: get(n, "net_cost", "mean", year=y) / 1000),
        ("AP places used (average occupancy of every provision, pupils), mean",
         lambda n, y: occupancy.get((n, y))),
        ("EHC needs assessment requests, mean", lambda n, y: get(n, "ehcna", "mean", year=y)),
        ("Permanent exclusions, mean", lambda n, y: get(n, "exclusions", "mean", year=y)),
        ("Net cost per pupil supported (£), mean",
         lambda n, y: get(n, "cost_per_supported", "mean", year=y)),
    ]:
        top = find_row(ws, heading, col=year_col)
        if not check(top is not None, f"no per-year block {heading!r}"):
            continue
        for k, y in enumerate(years):
            for i, name in enumerate(names):
                w = want(name, str(y))
                got = ws.cell(top + 1 + k, year_col + 1 + i).value
                check(w is not None and close(got, w, 1e-9, 1e-9),
                      f"{name}: {heading} year {y} is {got!r}, the CSV gives {w!r}")

    # The net cost per year table behind the chart.
    table = find_row(ws, "Net cost per year (£'000)")
    check(table is not None, "no net cost per year table")
    if table is not None:
        r = table + 3
        for name in names:
            for stat in ("mean", "p10", "p90"):
                check(ws.cell(r, 1).value == name, f"row {r} is {ws.cell(r, 1).value!r}, expected {name}")
                want = get(name, "net_cost", stat, year="1")
                check(want is not None and close(ws.cell(r, 3).value, want / 1000),
                      f"{name} {stat} year 1: {ws.cell(r, 3).value!r} vs CSV {want!r}")
                r += 1
        check(ws.cell(r, 1).value == "Baseline (spend today)", f"row {r} should be the baseline")
    charts = ws._charts
    check(len(charts) == 1, f"{len(charts)} charts on the Comparison sheet, expected 1")
    if charts:
        n_series = len(charts[0].series)
        check(n_series == 3 * len(names) + 1,
              f"chart has {n_series} series, expected {3 * len(names) + 1}")

    for name in names:
        s = wb[name]
        for label in ("Cost of proposal", "In year costs compared to baseline", "Cumulative payback"):
            check(find_row(s, label) is not None, f"sheet {name}: no {label!r} row")
        # Its notes name only sheets of this workbook.
        notes = [str(s.cell(r, 1).value) for r in range(1, s.max_row + 1) if s.cell(r, 1).value]
        check(not any("Costs" in t or "Distribution sheets" in t for t in notes),
              f"sheet {name}: its notes point at sheets a comparison has not")
        check(any(t.startswith("The options side by side: Comparison") for t in notes),
              f"sheet {name}: its notes do not point at the Comparison sheet")
    return report()


def check_assumptions(wb, names):
    """Assumptions: Section, Key, one value column per option (its title), Source, File and
    line; a value that differs from the reference's is filled, an equal one is not; every
    option's name is a row (key name), each in its own column."""
    if "Assumptions" not in wb.sheetnames:
        return
    ws = wb["Assumptions"]
    header = find_row(ws, "Section")
    if not check(header is not None, "Assumptions: no heading row"):
        return
    heads = [ws.cell(header, k).value for k in range(1, 5 + len(names))]
    check(heads[:2] == ["Section", "Key"] and heads[-2:] == ["Source", "File and line"],
          f"Assumptions headings {heads}")
    name_row = next((r for r in range(header + 1, ws.max_row + 1)
                     if ws.cell(r, 1).value == "scenario" and ws.cell(r, 2).value == "name"), None)
    if not check(name_row is not None, "Assumptions: no [scenario] name row"):
        return
    for i, name in enumerate(names):
        cell = ws.cell(name_row, 3 + i)
        check(cell.value == name, f"Assumptions: option {i} name {cell.value!r}, expected {name}")
        filled = cell.fill is not None and cell.fill.fill_type == "solid"
        check(filled == (i > 0), f"Assumptions: {name}'s name {'not ' if i else ''}filled")
    same = next((r for r in range(header + 1, ws.max_row + 1)
                 if ws.cell(r, 1).value == "scenario" and ws.cell(r, 2).value == "start_year"), None)
    if check(same is not None, "Assumptions: no start_year row"):
        for i in range(len(names)):
            cell = ws.cell(same, 3 + i)
            check(cell.value == ws.cell(same, 3).value and cell.fill.fill_type != "solid",
                  f"Assumptions: start_year of option {i} {cell.value!r} differs or is filled")


def check_references(wb):
    """Every formula and chart series of the workbook refers only to sheets it has."""
    import re
    sheet_ref = re.compile(r"(?:'((?:[^']|'')+)'|([A-Za-z0-9_.~]+))!")

    def sheets_of(formula):
        return [(q.replace("''", "'") if q else p) for q, p in sheet_ref.findall(formula or "")]

    refs = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    for name in sheets_of(cell.value):
                        refs += 1
                        check(name in wb.sheetnames, f"{ws.title}!{cell.coordinate} refers to {name!r}")
        for chart in ws._charts:
            for s in chart.series:
                for src in (s.val and s.val.numRef, s.cat and (s.cat.numRef or s.cat.strRef),
                            s.tx and s.tx.strRef):
                    for name in sheets_of(getattr(src, "f", None)):
                        refs += 1
                        check(name in wb.sheetnames, f"a chart on {ws.title} refers to {name!r}")
    check(refs > 0, "no cross-sheet reference found to check")


def check_run(wb, names):
    """Run: a row per option naming it, each scenario file with its SHA-256 beneath."""
    if "Run" not in wb.sheetnames:
        return
    ws = wb["Run"]
    options = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Option"]
    check(len(options) == len(names) and all(f"({n})" in str(o) for o, n in zip(options, names)),
          f"Run: option rows {options}")
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value in ("Scenario file", "Extends"):
            check(ws.cell(r + 1, 1).value == "SHA-256" and len(str(ws.cell(r + 1, 2).value)) == 64,
                  f"Run: no SHA-256 under {ws.cell(r, 2).value}")
    for label in ("Seed (every option)", "Iterations (every option)", "Command line"):
        check(find_row(ws, label) is not None, f"Run: no {label!r} row")


def report():
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
