#!/bin/sh
# profile.sh - where one thread's time goes, in four parts (docs/performance.md).
#
#   scripts/bench/profile.sh [SCENARIO] [ITERATIONS]   (defaults: the default scenario, 200000)
#
# Records `hnsim run SCENARIO -n ITERATIONS --threads 1 --swing-iterations 0 -q` to CSV under
# `perf record` and sums perf's per-function shares of processor time into:
#   sampling    - the draws: the engine's inversions (engine/model/draws.c), GSL's samplers
#                 (the sampled inputs' distributions, the largest counts) and their libm calls,
#                 the generator (xoshiro256**), stream seeding;
#   model       - the term and the year (sim_term, accounts, parameters, layout);
#   statistics  - the streamed histograms and moments, or the stored sort;
#   copying     - moving figures into the results and the kernel's page faults beside it.
# Then prints the functions of each part above 0.5%. A function is put in the first part one of
# whose name fragments it contains; anything unmatched counts as model. Needs perf (Debian's
# linux-perf); prints why and exits 1 without it.
set -eu
cd "$(dirname "$0")/../.."
SCENARIO=${1:-scenarios/bromley_ap_5yr.ini}
ITER=${2:-200000}
BUILD=${BUILD:-build}
command -v perf >/dev/null || { echo "profile.sh: perf not found (Debian package linux-perf)" >&2; exit 1; }
make -s BUILD="$BUILD" "$BUILD/hnsim" >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
perf record -q -o "$dir/perf.data" "$BUILD/hnsim" run "$SCENARIO" -o "$dir/out.csv" -n "$ITER" \
    --threads 1 --swing-iterations 0 -q >/dev/null 2>&1
perf report -i "$dir/perf.data" --no-children --stdio --sort symbol 2>/dev/null >"$dir/report.txt"
/usr/bin/python3 - "$dir/report.txt" "$SCENARIO" "$ITER" <<'PY'
import sys

parts = [
    ("sampling", ["binomial", "binom_", "poisson", "gamma", "tan", "log", "exp", "xoshiro", "rng_",
                  "multinomial", "draws_", "uniform", "pow", "gauss", "beta", "sqrt"]),
    ("statistics", ["add_values", "count_keys", "add_moments", "stats_", "sorted_finite",
                    "radix", "table_resize", "select_bins", "quantile", "curve_"]),
    ("copying", ["phase_simulate", "memset", "memcpy", "memmove", "clear_page", "page_fault",
                 "exc_", "spin_", "kallsyms"]),
]
rows, ns = [], 0.0
for line in open(sys.argv[1]):
    if line.startswith("# Event count (approx.):"):  # cpu-clock: nanoseconds in all
        ns = float(line.split(":")[1])
    words = line.split()
    if len(words) >= 3 and words[0].endswith("%") and words[1] in ("[.]", "[k]"):
        rows.append((float(words[0].rstrip("%")), words[2]))
per_iter = ns / 1000.0 / int(sys.argv[3])  # microseconds of processor time an iteration
total, members = {}, {}
for share, name in rows:
    part = next((p for p, keys in parts if any(k in name for k in keys)), "model")
    total[part] = total.get(part, 0.0) + share
    members.setdefault(part, []).append((share, name))
print(f"{sys.argv[2]}, {sys.argv[3]} iterations, one thread, to CSV: {per_iter:.1f} us of "
      f"processor time an iteration ({1e6 / per_iter:,.0f} iterations a processor-second)")
for part in ["sampling", "model", "statistics", "copying"]:
    t = total.get(part, 0.0)
    big = ", ".join(f"{n} {s:.1f}%" for s, n in sorted(members.get(part, []), reverse=True)
                    if s >= 0.5)
    print(f"{part:<11} {t:5.1f}% {t * per_iter / 100:5.1f} us  {big}")
PY
