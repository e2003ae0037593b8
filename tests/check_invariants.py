#!/usr/bin/python3
"""check_invariants.py - what must hold in every tidy CSV hnsim writes.

Usage: tests/check_invariants.py FILE.csv [FILE.csv ...]
Prints one line per broken invariant (FILE: scenario metric entity year:
what) and exits 1 when any is broken, 0 otherwise. A file that is not a
tidy CSV (another header) is an error too.

The invariants (MODEL.md sections 5 and 7, docs/reliability.md):
  - every value is a finite number;
  - a figure's statistics are ordered: min <= p5 <= p10 <= ... <= p95 <= max,
    and its mean lies within [min, max]; sd >= 0;
  - se = sd / sqrt(N), N the run's iterations (the `run,iterations` row);
  - a probability (stat `p`) lies in [0, 1];
  - money is not negative: gross cost and income of the total and of each
    provision and line (min >= 0);
  - net = gross - income, per entity and year (means: a mean is linear);
  - the lines sum to the total: gross, income and net cost over provisions
    and cost/income lines; referrals, exclusions, EHC needs assessment
    requests and waiting pupils over segments (means);
  - `all` is the sum of the years for flows and money, the last year for
    the cumulative payback, the mean of the years for occupancy (means);
  - the cumulative payback is the running sum of the net cost against the
    baseline (means);
  - pupils supported by a provision over all years are distinct pupils: its
    occupants at the start of year 1 (supported minus starts in year 1)
    plus all its starts (means);
  - the year column holds 1..Y or `all` and nothing else, in every kind of
    row (figures, run, convergence, sensitivity; MODEL.md section 7);
  - in a comparison, delta_X's mean equals the option's X mean minus the
    reference's (the first scenario in the file);
  - a history's rows (MODEL.md section 9): an observation `observed_X` is
    a number >= 0 beside the run's own figure X of the same entity and year;
  - a back-test's rows: each scored observation `backtest_X` is >= 0, its
    `inside` is 1 exactly when p10 <= observed <= p90 (and `inside_p5_p95`
    for p5 and p95), its error is mean - observed; the scores' `n` counts
    the scored observations and `coverage_p10_p90` is the share inside.
Equalities are checked to a relative tolerance of 1e-9 (of the largest
magnitude involved), since sums in another order round differently.
"""
import csv
import math
import re
import sys

HEADER = ["scenario", "metric", "entity", "year", "stat", "value"]
ORDER = ["min", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "max"]
MONEY = ("gross_cost", "income")
# Flows and money whose `all` is the sum of the years.
SUMMED = ("gross_cost", "income", "net_cost", "vs_baseline", "referrals", "exclusions",
          "ehcna", "starts", "blocked", "closed_out")
# Figures whose total is the sum of their per-segment values.
SEGMENT_SUMS = ("referrals", "exclusions", "ehcna", "waiting")
REL = 1e-9


def close(a, b, *scale):
    """True when a and b agree to REL of the largest magnitude involved (at least 1)."""
    m = max([1.0, abs(a), abs(b)] + [abs(s) for s in scale])
    return abs(a - b) <= REL * m


class Checker:
    """Collects one file's rows and reports what they break."""

    def __init__(self, path):
        self.path = path
        self.errors = []
        self.v = {}          # (scenario, metric, entity, year, stat) -> float
        self.scenarios = []  # in file order
        self.iterations = {}

    def fail(self, key, what):
        """Records one broken invariant for the figure named by key."""
        self.errors.append("%s: %s: %s" % (self.path, " ".join(key[:4]), what))

    def load(self):
        """Reads the file; False (with an error) when it is not a tidy CSV."""
        with open(self.path, newline="") as f:
            rows = csv.reader(f)
            header = next(rows, None)
            if header != HEADER:
                self.errors.append("%s: header is %r, not %r" % (self.path, header, HEADER))
                return False
            for n, row in enumerate(rows, start=2):
                if len(row) != 6:
                    self.errors.append("%s:%d: %d fields, not 6" % (self.path, n, len(row)))
                    continue
                try:
                    x = float(row[5])
                except ValueError:
                    self.errors.append("%s:%d: value %r is not a number" % (self.path, n, row[5]))
                    continue
                key = tuple(row[:5])
                if not re.fullmatch(r"[1-9][0-9]*|all", row[3]):
                    self.fail(key, "year %r is not 1..Y or all" % row[3])
                if not math.isfinite(x):
                    self.fail(key, "%s is %s" % (row[4], row[5]))
                    continue
                if key in self.v:
                    self.errors.append("%s:%d: a second row for %s" % (self.path, n, " ".join(key)))
                self.v[key] = x
                if row[0] not in self.scenarios:
                    self.scenarios.append(row[0])
                if row[1] == "run" and row[2] == "iterations":
                    self.iterations[row[0]] = x
        return True

    def get(self, sc, metric, entity, year, stat="mean"):
        """The value, or None when the file has no such row."""
        return self.v.get((sc, metric, entity, year, stat))

    def figures(self):
        """Every (scenario, metric, entity, year) that has a mean."""
        return sorted({k[:4] for k in self.v if k[4] == "mean"})

    def years(self, sc):
        """The numbered years of scenario sc, as strings, in order."""
        ys = {k[3] for k in self.v if k[0] == sc and k[3].isdigit()}
        return sorted(ys, key=int)

    def entities(self, sc, metric):
        """The entities of a metric in scenario sc."""
        return sorted({k[2] for k in self.v if k[0] == sc and k[1] == metric and k[4] == "mean"})

    def check_stats(self):
        """Order of the statistics, mean within range, sd >= 0, se = sd/sqrt(N), p in [0, 1]."""
        for key, x in self.v.items():
            if key[4] == "p" and not (0 <= x <= 1):
                self.fail(key, "probability %r outside [0, 1]" % x)
        for fig in self.figures():
            st = {s: self.v.get(fig + (s,)) for s in ORDER + ["mean", "sd", "se"]}
            have = [(s, st[s]) for s in ORDER if st[s] is not None]
            for (s1, a), (s2, b) in zip(have, have[1:]):
                if a > b and not close(a, b):
                    self.fail(fig, "%s %r > %s %r" % (s1, a, s2, b))
            lo, hi, mean = st["min"], st["max"], st["mean"]
            if lo is not None and hi is not None and not (lo <= mean <= hi
                                                          or close(mean, lo) or close(mean, hi)):
                self.fail(fig, "mean %r outside [min %r, max %r]" % (mean, lo, hi))
            if st["sd"] is not None and st["sd"] < 0:
                self.fail(fig, "sd %r < 0" % st["sd"])
            n = self.iterations.get(fig[0])
            if n and st["sd"] is not None and st["se"] is not None:
                want = st["sd"] / math.sqrt(n)
                if not close(st["se"], want, st["sd"]):
                    self.fail(fig, "se %r is not sd / sqrt(%d) = %r" % (st["se"], n, want))

    def check_money(self):
        """Gross cost and income are never negative."""
        for key, x in self.v.items():
            if key[1] in MONEY and key[4] in ("min", "mean") and x < 0 and not close(x, 0):
                self.fail(key, "%s %s %r < 0" % (key[1], key[4], x))

    def check_accounts(self, sc, prefix=""):
        """net = gross - income; lines sum to totals; all = sum of years; the running payback."""
        ys = self.years(sc)
        g = lambda m, e, y: self.get(sc, prefix + m, e, y)
        for e in self.entities(sc, prefix + "net_cost"):
            for y in ys + ["all"]:
                n, gr, inc = g("net_cost", e, y), g("gross_cost", e, y), g("income", e, y)
                if None not in (n, gr, inc) and not close(n, gr - inc, gr, inc):
                    self.fail((sc, prefix + "net_cost", e, y), "net %r != gross %r - income %r"
                              % (n, gr, inc))
        for m in ("gross_cost", "income", "net_cost"):
            parts = [e for e in self.entities(sc, prefix + m) if e != "total"]
            self.sum_check(sc, prefix + m, parts, ys + ["all"])
        for m in SEGMENT_SUMS:
            parts = [e for e in self.entities(sc, prefix + m) if e != "total"]
            self.sum_check(sc, prefix + m, parts, ys + ["all"])
        for m in SUMMED:
            for e in self.entities(sc, prefix + m):
                vals = [g(m, e, y) for y in ys]
                a = g(m, e, "all")
                if a is not None and None not in vals and not close(a, sum(vals), *vals):
                    self.fail((sc, prefix + m, e, "all"), "all %r != sum of years %r"
                              % (a, sum(vals)))
        for e in self.entities(sc, prefix + "occupancy"):
            vals = [g("occupancy", e, y) for y in ys]
            a = g("occupancy", e, "all")
            if a is not None and ys and None not in vals and \
                    not close(a, sum(vals) / len(vals), *vals):
                self.fail((sc, prefix + "occupancy", e, "all"), "all %r != mean of years" % a)
        for e in self.entities(sc, prefix + "starts"):
            s1, st1 = g("supported", e, ys[0] if ys else "1"), g("starts", e, ys[0] if ys else "1")
            a, sa = g("supported", e, "all"), g("starts", e, "all")
            if None not in (s1, st1, a, sa) and not close(a, s1 - st1 + sa, s1, st1, sa):
                self.fail((sc, prefix + "supported", e, "all"),
                          "all %r != occupants at the start of year 1 %r + all starts %r"
                          % (a, s1 - st1, sa))
        cum = 0.0
        vs = [g("vs_baseline", "total", y) for y in ys]
        cp = [g("cumulative_payback", "total", y) for y in ys]
        if ys and None not in vs and None not in cp:
            for y, a, b in zip(ys, vs, cp):
                cum += a
                if not close(b, cum, *vs):
                    self.fail((sc, prefix + "cumulative_payback", "total", y),
                              "%r is not the running sum of vs_baseline %r" % (b, cum))
            a = g("cumulative_payback", "total", "all")
            if a is not None and not close(a, cp[-1]):
                self.fail((sc, prefix + "cumulative_payback", "total", "all"),
                          "all %r != the last year's %r" % (a, cp[-1]))

    def sum_check(self, sc, metric, parts, ys):
        """The total of metric equals the sum of its parts' means, each year."""
        if not parts:
            return
        for y in ys:
            t = self.get(sc, metric, "total", y)
            vals = [self.get(sc, metric, e, y) for e in parts]
            if t is None or None in vals:
                continue
            if not close(t, sum(vals), *vals):
                self.fail((sc, metric, "total", y), "total %r != sum of %d lines %r"
                          % (t, len(parts), sum(vals)))

    def check_deltas(self):
        """delta_X of an option = X(option) - X(reference), by mean."""
        if len(self.scenarios) < 2:
            return
        ref = self.scenarios[0]
        for key, x in self.v.items():
            sc, m, e, y, s = key
            if sc == ref or not m.startswith("delta_") or s != "mean":
                continue
            base = m[len("delta_"):]
            a, b = self.get(sc, base, e, y), self.get(ref, base, e, y)
            if base in ("paid_back", "payback_year"):
                continue  # measured against the reference per iteration (MODEL.md 5)
            if a is None or b is None:
                continue
            if not close(x, a - b, a, b):
                self.fail(key, "delta %r != option %r - reference %r" % (x, a, b))

    def check_history(self):
        """observed_X: >= 0, beside the figure X; backtest_X: inside, error, n and coverage agree."""
        for key, x in self.v.items():
            sc, m, e, y, s = key
            if m.startswith("observed_") and s == "value":
                if x < 0:
                    self.fail(key, "observed %r < 0" % x)
                if self.get(sc, m[len("observed_"):], e, y) is None:
                    self.fail(key, "observed beside no projection of %s" % m[len("observed_"):])
        n = inside = 0
        for key, obs in self.v.items():
            sc, m, e, y, s = key
            if not m.startswith("backtest_") or m == "backtest_fit" or s != "observed":
                continue
            g = lambda stat: self.get(sc, m, e, y, stat)
            n += 1
            inside += g("inside") == 1
            if obs < 0:
                self.fail(key, "observed %r < 0" % obs)
            for flag, lo, hi in (("inside", "p10", "p90"), ("inside_p5_p95", "p5", "p95")):
                if None in (g(flag), g(lo), g(hi)):
                    continue
                if g(flag) != (1 if g(lo) <= obs <= g(hi) else 0):
                    self.fail(key, "%s %r but %s %r, observed %r, %s %r"
                              % (flag, g(flag), lo, g(lo), obs, hi, g(hi)))
            if g("error") is not None and g("mean") is not None and \
                    not close(g("error"), g("mean") - obs, g("mean"), obs):
                self.fail(key, "error %r != mean %r - observed %r" % (g("error"), g("mean"), obs))
        for sc in self.scenarios:
            count = self.get(sc, "backtest", "total", "all", "n")
            cov = self.get(sc, "backtest", "total", "all", "coverage_p10_p90")
            if count is not None and count != n:
                self.fail((sc, "backtest", "total", "all"), "n %r but %d scored rows" % (count, n))
            if cov is not None and n and not close(cov, inside / n):
                self.fail((sc, "backtest", "total", "all"),
                          "coverage %r but %d of %d rows inside" % (cov, inside, n))

    def run(self):
        """Every check; returns the list of broken invariants."""
        if self.load():
            self.check_stats()
            self.check_money()
            for sc in self.scenarios:
                self.check_accounts(sc)
            self.check_deltas()
            self.check_history()
        return self.errors


def main(argv):
    """Checks every file named; exit 1 when any invariant is broken, 2 on usage."""
    if len(argv) < 2:
        print("usage: check_invariants.py FILE.csv [FILE.csv ...]", file=sys.stderr)
        return 2
    bad = 0
    for path in argv[1:]:
        errs = Checker(path).run()
        for e in errs[:20]:
            print(e)
        if len(errs) > 20:
            print("%s: ... and %d more" % (path, len(errs) - 20))
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
