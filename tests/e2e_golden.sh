#!/bin/sh
# e2e_golden.sh - the scenario library's numbers are pinned: every scenario's
# deterministic and 200-iteration tidy CSV, and every set's comparison, equal
# the files under tests/golden/ byte for byte (scripts/golden.sh). A change in
# the numbers is regenerated on purpose with `make golden` and shows in review.
# Run by scripts/run-tests.sh with HNSIM set to the binary (maybe under valgrind).
set -u
HNSIM=${HNSIM:-build/hnsim} scripts/golden.sh check
