# measure.sh - one benchmark row, for scripts/bench.sh and scripts/national.sh (sourced).
#
# measure LABEL ITERATIONS COMMAND...: runs COMMAND under GNU time
# (/usr/bin/time -v; its output to $out/time.txt, $out a folder the caller
# made) and prints LABEL, ITERATIONS, wall and user seconds, iterations per
# wall second and peak resident memory in MiB. On failure prints what GNU
# time caught and exits 1.
measure() {
    label=$1 n=$2
    shift 2
    /usr/bin/time -v "$@" 2>"$out/time.txt" >/dev/null || { cat "$out/time.txt" >&2; exit 1; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    user=$(sed -n 's/.*User time (seconds): //p' "$out/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
    awk -v l="$label" -v w="$wall" -v u="$user" -v n="$n" -v r="$rss" \
        'BEGIN { printf "%-28s %12d %9.2f %9.2f %14.0f %14.1f\n", l, n, w, u, n / w, r / 1024 }'
}

# measure_header: the column heads of measure's rows.
measure_header() {
    printf '%-28s %12s %9s %9s %14s %14s\n' run iterations "wall s" "user s" "iterations/s" \
        "peak RSS MiB"
}
