#!/usr/bin/python3
"""e2e_xlsx_reader.py - open an hnsim workbook with openpyxl and check it.

Called by tests/test_xlsx.c (through system()) on a workbook written from
the hand-made run of tests/results_fixture.h, so that the file is checked by
an independent reader and not only by the library that wrote it:

  e2e_xlsx_reader.py BOOK.xlsx --mode mc|det --baseline POUNDS
                     --cost K1,K2,... [--budget] [--first-label 2020/21]

It checks the sheet names and order; the Summary's paragraph-6.2 table (the
"Baseline" and year headings, the "£'000" units, the three row labels, the
cost row's cached values in £'000 and its number format, and that "In year
costs compared to baseline" and "Cumulative payback" are formulas whose
cached values are cost - baseline and its running sum); the uncertainty rows
(present in Monte Carlo runs, absent in deterministic ones); the Costs,
Placements, Exclusions and Run sheets' headings and key rows; and the
document properties. Prints every failure; exit status 0 when all pass,
1 otherwise, 2 on bad usage.
"""
import argparse
import datetime
import sys

try:
    import openpyxl
except ImportError:  # the Makefile's deps target installs python3-openpyxl
    print("e2e_xlsx_reader.py: openpyxl is not installed", file=sys.stderr)
    sys.exit(1)

failures = []


def check(cond, what):
    """Record a failure message when cond is false."""
    if not cond:
        failures.append(what)


def close(a, b, tol=1e-9):
    """True when a and b are numbers within tol (relative to their size)."""
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def find_row(ws, label):
    """1-based row whose column A equals label, or None."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value == label:
            return row
    return None


def column_a(ws):
    """Every string in column A."""
    return [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, 1).value, str)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("book")
    ap.add_argument("--mode", choices=["mc", "det"], required=True)
    ap.add_argument("--baseline", type=float, required=True)
    ap.add_argument("--cost", required=True, help="mean net cost per year, £'000, comma-separated")
    ap.add_argument("--budget", action="store_true")
    ap.add_argument("--first-label", default="2020/21")
    args = ap.parse_args()
    costs = [float(x) for x in args.cost.split(",")]
    years = len(costs)
    baseline = args.baseline / 1000.0

    wb = openpyxl.load_workbook(args.book)                  # formulas
    wv = openpyxl.load_workbook(args.book, data_only=True)  # cached values
    check(wb.sheetnames == ["Summary", "Costs", "Placements", "Exclusions", "Run"],
          "sheet names %r" % wb.sheetnames)

    # --- Summary: paragraph 6.2 ------------------------------------------
    ws, vs = wb["Summary"], wv["Summary"]
    r = find_row(ws, "Cost of proposal")
    check(r is not None, "no 'Cost of proposal' row")
    if r is not None:
        check(ws.cell(r + 1, 1).value == "In year costs compared to baseline",
              "row after cost: %r" % ws.cell(r + 1, 1).value)
        check(ws.cell(r + 2, 1).value == "Cumulative payback",
              "second row after cost: %r" % ws.cell(r + 2, 1).value)
        head, units = r - 2, r - 1
        check(ws.cell(head, 2).value == "Baseline", "B header %r" % ws.cell(head, 2).value)
        check(ws.cell(head, 3).value == args.first_label,
              "first year header %r" % ws.cell(head, 3).value)
        for c in range(2, 3 + years):
            check(ws.cell(units, c).value == "£'000", "units cell %d: %r" % (c, ws.cell(units, c).value))
        check(close(vs.cell(r, 2).value, baseline), "baseline %r" % vs.cell(r, 2).value)
        cumulative = 0.0
        for y in range(years):
            c = 3 + y
            cost = vs.cell(r, c).value
            check(close(cost, costs[y]), "cost year %d: %r != %r" % (y + 1, cost, costs[y]))
            check(ws.cell(r, c).number_format == "#,##0;-#,##0",
                  "cost format %r" % ws.cell(r, c).number_format)
            for dr in (1, 2):
                f = ws.cell(r + dr, c).value
                check(isinstance(f, str) and f.startswith("="),
                      "row %d col %d is not a formula: %r" % (r + dr, c, f))
                check(ws.cell(r + dr, c).number_format == "#,##0;-#,##0",
                      "formula format %r" % ws.cell(r + dr, c).number_format)
            in_year = costs[y] - baseline
            cumulative += in_year
            check(close(vs.cell(r + 1, c).value, in_year),
                  "in-year cache year %d: %r != %r" % (y + 1, vs.cell(r + 1, c).value, in_year))
            check(close(vs.cell(r + 2, c).value, cumulative),
                  "cumulative cache year %d: %r != %r" % (y + 1, vs.cell(r + 2, c).value, cumulative))
        check(ws.cell(r + 1, 3).value == "=C%d-$B$%d" % (r, r),
              "in-year formula %r" % ws.cell(r + 1, 3).value)
        check(ws.cell(r + 2, 4).value == "=C%d+D%d" % (r + 2, r + 1),
              "cumulative formula %r" % ws.cell(r + 2, 4).value)
        check(ws.cell(r + 1, 2).value is None, "baseline column of the in-year row is not empty")

    labels = column_a(ws)
    it = find_row(ws, "Iterations")
    check(it is not None, "no Iterations row")
    if args.mode == "det":
        check(it is not None and ws.cell(it, 2).value == "Planned (deterministic)",
              "deterministic iterations cell %r" % (ws.cell(it, 2).value if it else None))
        check(not any("P10" in s or "P90" in s or s.startswith("Probability") for s in labels),
              "uncertainty rows in a deterministic Summary: %r" % labels)
        check("Pupils supported (total), planned" in labels, "no planned pupils row")
    else:
        check(it is not None and isinstance(ws.cell(it, 2).value, (int, float)),
              "iterations is not a number")
        for want in ["Cost of proposal, P10", "Cost of proposal, P90", "Cumulative payback, P10",
                     "Cumulative payback, P90", "Probability of payback by the end of the year",
                     "Pupils supported (total), mean", "Pupils supported (total), P10",
                     "Permanent exclusions (total), P90"]:
            check(want in labels, "Summary has no row %r" % want)
        check(("Probability net cost is within budget" in labels) == args.budget,
              "within-budget row present: %r, budget: %r" % (
                  "Probability net cost is within budget" in labels, args.budget))
        pr = find_row(ws, "Probability of payback by the end of the year")
        if pr is not None:
            v = vs.cell(pr, 3).value
            check(isinstance(v, float) and 0 <= v <= 1, "payback probability %r" % v)
            check(ws.cell(pr, 3).number_format == "0%", "percent format %r" % ws.cell(pr, 3).number_format)

    # --- the table sheets ---------------------------------------------------
    want_head = ["Entity", "Name", "Figure", "Statistic", args.first_label]
    for name in ["Costs", "Placements", "Exclusions"]:
        s = wb[name]
        head = [s.cell(4, c).value for c in range(1, 6)]
        check(head == want_head, "%s header %r" % (name, head))
        check(s.cell(4, 5 + years).value == "All years", "%s last header %r" % (name, s.cell(4, 5 + years).value))
        stats = {s.cell(r, 4).value for r in range(5, s.max_row + 1)}
        want_stats = {"Planned"} if args.mode == "det" else {"Mean", "P10", "P90"}
        check(stats == want_stats, "%s statistics %r" % (name, stats))
    costs_ws = wb["Costs"]
    names = {costs_ws.cell(r, 2).value for r in range(5, costs_ws.max_row + 1)}
    check({"total", "pru", "outreach", "cost.new_posts", "income.contrib"} <= names,
          "Costs entities %r" % names)
    net_total = [r for r in range(5, costs_ws.max_row + 1)
                 if costs_ws.cell(r, 2).value == "total" and costs_ws.cell(r, 3).value == "Net cost"
                 and costs_ws.cell(r, 4).value in ("Mean", "Planned")]
    check(len(net_total) == 1, "Costs total net cost rows %r" % net_total)
    if net_total:
        v = wv["Costs"].cell(net_total[0], 5).value
        check(close(v, costs[0] * 1000.0), "Costs total net cost year 1 %r" % v)
    exc = {wb["Exclusions"].cell(r, 2).value for r in range(5, wb["Exclusions"].max_row + 1)}
    check({"secondary", "primary", "total"} <= exc, "Exclusions entities %r" % exc)

    # --- Run ------------------------------------------------------------------
    run = wb["Run"]
    run_labels = column_a(run)
    for want in ["Engine version", "Command line", "Scenario file", "Extends", "Seed", "Iterations",
                 "Threads", "Wall time (seconds)", "Deterministic", "Clamped money draws",
                 "Total net cost, standard error of the mean"]:
        check(want in run_labels, "Run has no row %r" % want)
    seed_row = find_row(run, "Seed")
    check(seed_row is not None and run.cell(seed_row, 2).value == "20210323",
          "seed cell %r" % (run.cell(seed_row, 2).value if seed_row else None))
    for want in ["Sampling and convergence", "Sampling"]:
        check(want in run_labels, "Run has no row %r" % want)
    if args.mode == "mc":
        for want in ["Rank correlations", "Target standard error", "Block",
                     "Running mean of the net cost over all years, with its 95% band"]:
            check(want in run_labels, "Run has no row %r" % want)
        check(len(run._charts) == 1, "Run has %d charts, not the convergence chart" % len(run._charts))
    else:
        check(len(run._charts) == 0, "a deterministic Run sheet has a chart")
    sf = find_row(run, "Scenario file")
    check(sf is not None and run.cell(sf, 3).value == "SHA-256" and
          run.cell(sf, 4).value == "0123456789abcdef" * 4, "scenario file row")

    # --- properties -----------------------------------------------------------
    p = wb.properties
    check(p.creator == "hnsim", "creator %r" % p.creator)
    check(p.title == "Fixture: a 3-year commissioning plan", "title %r" % p.title)
    check(p.created == datetime.datetime(2021, 3, 23, 10, 30, 0), "created %r" % p.created)

    for f in failures:
        print("e2e_xlsx_reader.py: %s: %s" % (args.book, f))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
