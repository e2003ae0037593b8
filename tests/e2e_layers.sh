#!/bin/sh
# e2e_layers.sh - no #include points up a layer (scripts/layer-check.sh), and
# the check itself catches one: a copy of the tree with a model header that
# includes an analysis header, and a scenario file that names a header
# without its layer, must both be refused with the file and line.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

run_check "the tree keeps its layers" 0 scripts/layer-check.sh

mkdir -p "$tmp/tree"
cp -r engine output cli scripts "$tmp/tree/"
printf '#include "analysis/stats.h"\n' >>"$tmp/tree/engine/model/sim.h"
printf '#include "params.h"\n' >>"$tmp/tree/engine/scenario/dist.c"
(cd "$tmp/tree" && scripts/layer-check.sh) >"$tmp/out" 2>&1
check "an upward include is refused" 1 $?
grep_check "names the upward include" 'engine/model/sim.h:[0-9]*: includes "analysis/stats.h" from engine/analysis, a layer above engine/model' "$tmp/out"
grep_check "names the header without a layer" 'engine/scenario/dist.c:[0-9]*: "params.h": name an engine header with its layer' "$tmp/out"
exit $fail
