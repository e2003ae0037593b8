#!/bin/sh
# layer-check.sh - no #include points up a layer.
#
# The layers, lowest first (README, "Where things live"):
#   engine/base  engine/scenario  engine/model  engine/analysis  output  cli
# A file may include headers of its own layer and of the layers below it.
# Engine headers are always named with their layer ("scenario/dist.h"), so a
# reader knows where each lives; output and cli headers by their name alone.
# Prints every include that breaks a rule, as FILE:LINE: ..., and exits 1.
set -u
rank() {
    case "$1" in
    engine/base) echo 0 ;; engine/scenario) echo 1 ;; engine/model) echo 2 ;;
    engine/analysis) echo 3 ;; output) echo 4 ;; cli) echo 5 ;; *) echo -1 ;;
    esac
}
status=0
n=0
for f in engine/*/*.[ch] output/*.[ch] cli/*.[ch]; do
    [ -e "$f" ] || continue
    dir=$(dirname "$f")
    own=$(rank "$dir")
    if [ "$own" -lt 0 ]; then
        echo "layer-check.sh: $f: $dir is not a layer (add it to scripts/layer-check.sh and the README)" >&2
        status=1
        continue
    fi
    n=$((n + 1))
    # Each quoted include as LINE:HEADER.
    for inc in $(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
                 sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1:\2/'); do
        line=${inc%%:*}
        h=${inc#*:}
        case "$h" in
        */*) hdir=engine/$(dirname "$h")
             [ -e "engine/$h" ] || { echo "$f:$line: \"$h\" is not an engine header" >&2; status=1; continue; } ;;
        *) if [ -e "$dir/$h" ] && [ "${dir#engine/}" = "$dir" ]; then
               hdir=$dir
           elif [ -e "output/$h" ]; then
               hdir=output
           else
               echo "$f:$line: \"$h\": name an engine header with its layer (\"model/$h\"); no such header in $dir or output" >&2
               status=1
               continue
           fi ;;
        esac
        r=$(rank "$hdir")
        if [ "$r" -gt "$own" ]; then
            echo "$f:$line: includes \"$h\" from $hdir, a layer above $dir" >&2
            status=1
        fi
    done
done
[ "$status" -ne 0 ] || echo "layer-check.sh: $n files, no include points up a layer"
exit $status
