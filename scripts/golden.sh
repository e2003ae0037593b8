#!/bin/sh
# golden.sh - the pinned numbers of the scenario library (tests/golden/).
#
# For every scenario file under scenarios/ it writes the tidy CSV of the
# deterministic run and of a 200-iteration Monte Carlo run with a fixed seed
# (one thread, sensitivity included), and for every set folder the tidy CSV
# of `compare` with its options in the order scenarios/README.md gives
# (the reference first). A file's name is its path with '/' as '__'.
#
#   scripts/golden.sh write      regenerate tests/golden/ (`make golden`)
#   scripts/golden.sh check      compare against tests/golden/ (make test)
#
# Nothing varies between runs of the same engine (the CSV has no dates), so
# the files are compared byte for byte; `check` prints the first differing
# lines of each file that moved and exits 1. Under valgrind (HNSIM names it)
# floating point is emulated and the last digits of sums differ (4e-14
# relative, measured), so there every row must match and every value agree
# to 1e-9 of its magnitude instead (same_numbers below).
set -u
HNSIM=${HNSIM:-build/hnsim}
GOLDEN=${GOLDEN:-tests/golden}
SEED=20261201
ITER=200
mode=${1:-check}
case "$mode" in write|check) ;; *) echo "usage: scripts/golden.sh write|check" >&2; exit 2 ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# Option lists of the compare sets, reference first (scenarios/README.md).
compare_sets() {
    cat <<'SETS'
bromley_ap baseline plan
bromley_primary_outreach no_outreach outreach_pilot outreach_block_year3 outreach_two_years
plymouth_commission ap_as_now early_intervention
south_glos_send_clusters no_clusters pilot_clusters all_clusters
bromley_vocational_ap no_vocational vocational_250k
bromley_exclusions no_outreach outreach
bromley_dsg unmitigated ap_plan early_intervention
SETS
}

# produce NAME COMMAND...: runs COMMAND writing $tmp/NAME.csv.
produce() {
    name=$1
    shift
    if ! "$@" -q -o "$tmp/$name.csv" >"$tmp/log" 2>&1; then
        echo "golden.sh: $name: the command failed:" >&2
        cat "$tmp/log" >&2
        status=1
    fi
}

for f in $(find scenarios -name '*.ini' | LC_ALL=C sort); do
    stem=$(echo "${f#scenarios/}" | sed 's|\.ini$||; s|/|__|g')
    produce "$stem.det" $HNSIM run "$f" --deterministic
    produce "$stem.mc" $HNSIM run "$f" --iterations $ITER --seed $SEED --threads 1
done
compare_sets | while read -r set ref rest; do
    args="scenarios/$set/$ref.ini"
    for o in $rest; do args="$args scenarios/$set/$o.ini"; done
    # shellcheck disable=SC2086
    produce "compare__$set" $HNSIM compare $args --iterations $ITER --seed $SEED --threads 1
    [ "$status" -eq 0 ] || exit 1
done || status=1

if [ "$mode" = write ]; then
    [ "$status" -eq 0 ] || exit 1
    mkdir -p "$GOLDEN"
    rm -f "$GOLDEN"/*.csv
    cp "$tmp"/*.csv "$GOLDEN"/
    echo "golden.sh: wrote $(ls "$GOLDEN"/*.csv | wc -l) files to $GOLDEN"
    exit 0
fi

# same_numbers A B: the same rows, and values equal to a relative 1e-9.
same_numbers() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import csv, sys
a = list(csv.reader(open(sys.argv[1]))); b = list(csv.reader(open(sys.argv[2])))
if len(a) != len(b):
    sys.exit("%d rows, not %d" % (len(b), len(a)))
for n, (x, y) in enumerate(zip(a, b), start=1):
    if x[:5] != y[:5] or (n == 1 and x != y):
        sys.exit("line %d: %s, not %s" % (n, ",".join(y), ",".join(x)))
    if n > 1:
        u, v = float(x[5]), float(y[5])
        if abs(u - v) > 1e-9 * max(abs(u), abs(v), 1e-3):
            sys.exit("line %d: %s is %r, not %r" % (n, ",".join(x[:5]), v, u))
PY
}
exact=1
case "$HNSIM" in *valgrind*) exact=0 ;; esac

n=0
for g in "$GOLDEN"/*.csv; do
    b=$(basename "$g")
    n=$((n + 1))
    if [ ! -e "$tmp/$b" ]; then
        echo "golden.sh: $b: no longer produced" >&2
        status=1
    elif [ "$exact" -eq 0 ] && ! cmp -s "$g" "$tmp/$b"; then
        if ! msg=$(same_numbers "$g" "$tmp/$b" 2>&1); then
            echo "golden.sh: $b: the numbers moved beyond valgrind's rounding: $msg" >&2
            status=1
        fi
    elif [ "$exact" -eq 1 ] && ! cmp -s "$g" "$tmp/$b"; then
        echo "golden.sh: $b: the numbers moved (make golden regenerates; say why in the commit):" >&2
        diff "$g" "$tmp/$b" | head -n 10 >&2
        status=1
    fi
done
for t in "$tmp"/*.csv; do
    [ -e "$GOLDEN/$(basename "$t")" ] || { echo "golden.sh: $(basename "$t"): new, not in $GOLDEN (make golden)" >&2; status=1; }
done
[ "$status" -ne 0 ] || echo "golden.sh: $n files unchanged"
exit $status
