#!/bin/sh
# bench_sensitivity.sh - what the sensitivity analysis costs and how precise
# its capped swings are.
#
#   scripts/bench_sensitivity.sh [SCENARIO.ini] [ITERATIONS]
#
# Runs `hnsim run` at ITERATIONS (default: the scenario's) with
# --swing-iterations 0 (rank correlations only), 250, 500, 1000 (the
# default), 2000 and every iteration, writing the tidy CSV. For each it
# prints the analysis's wall time (as hnsim reports it) and, against the
# swings held over every iteration, the largest error of a swing's width
# (P90 mean - P10 mean) for each output and whether the ten inputs that move
# net cost most come out in the same order. Numbers are for this machine.
set -eu
cd "$(dirname "$0")/.."
SCENARIO=${1:-scenarios/bromley_ap_5yr.ini}
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/hnsim" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
iter_opt=""
[ $# -ge 2 ] && iter_opt="--iterations $2"

for n in all 0 250 500 1000 2000; do
    swing=$n
    [ "$n" = all ] && swing=100000000
    # shellcheck disable=SC2086
    "$BUILD/hnsim" run "$SCENARIO" $iter_opt --swing-iterations "$swing" -o "$out/s_$n.csv" >"$out/log_$n.txt"
    sed -n 's/^sensitivity of .*(\(.*\) s)$/\1/p' "$out/log_$n.txt" >"$out/time_$n.txt"
done
sed -n 's/^wrote .*(\([0-9]*\) iterations, \([0-9]*\) threads*, \(.*\) s)$/run: \1 iterations, \2 threads, \3 s/p' "$out/log_all.txt"

/usr/bin/python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
def load(n):
    d = {}
    for r in csv.DictReader(open("%s/s_%s.csv" % (out, n))):
        if r["metric"] == "sensitivity":
            d[(r["entity"], r["year"], r["stat"])] = float(r["value"])
    return d
def widths(d, y):
    ents = sorted({e for (e, yy, s) in d if yy == y and s == "swing_p10"})
    return {e: d[(e, y, "swing_p90")] - d[(e, y, "swing_p10")] for e in ents}
ref = load("all")
outputs = ["net_cost:all", "exclusions:all", "supported:all"]
print("%-8s %9s  %s  %s" % ("swing N", "time s", "  ".join("%26s" % ("max |width err| " + o.split(":")[0]) for o in outputs), "top-10 order"))
for n in ["all", "0", "250", "500", "1000", "2000"]:
    t = open("%s/time_%s.txt" % (out, n)).read().strip()
    d = load(n)
    cells, order = [], "-"
    for o in outputs:
        w, wr = widths(d, o), widths(ref, o)
        if not w:
            cells.append("%26s" % "-")
            continue
        err = max(abs(w[e] - wr[e]) for e in wr)
        top = max(abs(v) for v in wr.values())
        cells.append("%26s" % ("%.4g (%.2f%% of largest)" % (err, 100 * err / top if top else 0)))
        if o == "net_cost:all":
            rank = lambda ww: sorted(ww, key=lambda e: -abs(ww[e]))[:10]
            order = "same" if rank(w) == rank(wr) else "differs"
    print("%-8s %9s  %s  %s" % (n, t, "  ".join(cells), order))
PY
