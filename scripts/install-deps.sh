#!/bin/sh
# install-deps.sh - install the Debian packages hnsim builds and tests with.
#
# Called by `make` only when pkg-config cannot find a library (or the
# workbook reader or `man`, which the tests use, is missing). Needs root (or
# sudo) and apt. man-db renders the manual page in tests/e2e_man.sh and
# tests/e2e_install.sh; mandoc lints it there.
#   --fuzz       install only what `make fuzz` needs: clang and libFuzzer
#                (Debian's libclang-rt-14-dev); called by scripts/fuzz.sh
#   --valgrind   install only valgrind, for `make valgrind`
#   --format     install only clang-format, for `make format-check`
#   --render     install LibreOffice (Calc, no GUI) and poppler, which render
#                workbooks to PDF: scripts/render-summary.sh and
#                tests/e2e_compare_print.sh (skipped without them); .ci/run
#                installs them so that CI does not skip that test
#   --mpi        install only Open MPI (openmpi-bin, libopenmpi-dev), for
#                `make MPI=1` and `make test-mpi`
set -eu

PACKAGES="build-essential pkg-config libgsl-dev libxlsxwriter-dev libinih-dev \
libcmocka-dev python3 python3-openpyxl time man-db mandoc"
case "${1:-}" in
--fuzz) PACKAGES="clang libclang-rt-14-dev" ;;
--valgrind) PACKAGES="valgrind" ;;
--format) PACKAGES="clang-format" ;;
--render) PACKAGES="libreoffice-calc-nogui poppler-utils" ;;
--mpi) PACKAGES="openmpi-bin libopenmpi-dev" ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps.sh: need root (or sudo) to install: $PACKAGES" >&2
        exit 1
    fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: apt-get not found; install these Debian packages by hand: $PACKAGES" >&2
    exit 1
fi

echo "install-deps.sh: installing $PACKAGES" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
echo "install-deps.sh: done" >&2
