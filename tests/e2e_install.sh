#!/bin/sh
# e2e_install.sh - `make install` and `make uninstall` into a temporary
# prefix, as a user would use them.
#
# The prefix is laid out like a real one beforehand (bin and
# share/man/man1, each holding another program's file). After
# `make install PREFIX=...` the binary, the manual page and the scenario
# library are there with their modes, the installed binary checks and runs
# an installed scenario from another folder (and gives the same numbers as
# the binary under test on the source's scenario), a set's `extends` and a
# scenario's `history` file still resolve, and `man` renders the installed
# page without a warning, naming the prefix's library. `make uninstall` must leave the prefix's listing
# (paths, types and modes) exactly as it was. Then the same with DESTDIR: the
# files land under the staging folder while the page names PREFIX, and
# uninstall keeps a file of the user's in the library, and says so.
# The installed binary is built from $BUILD (build/ or build-asan/); HN_WRAP
# (valgrind) prefixes it as it does the binary under test.
set -u
HNSIM=${HNSIM:-build/hnsim}
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/support/e2e_lib.sh

# make_here ARGS...: this tree's Makefile, apart from any make running the
# tests (its jobserver and command-line variables stay with it).
make_here() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s BUILD="$BUILD" "$@"
}

# listing DIR: every path under DIR with its type and mode, sorted.
listing() {
    (cd "$1" && find . -printf '%p %y %m\n' | LC_ALL=C sort)
}

# same DESCRIPTION WANT ACTUAL: two texts are equal.
same() {
    if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: got '$3', expected '$2'"; fail=1; fi
}

# mode_check DESCRIPTION FILE MODE
mode_check() {
    m=$(stat -c %a "$2" 2>/dev/null)
    if [ "$m" = "$3" ]; then echo "ok: $1 ($3)"; else echo "FAIL: $1: mode '$m', expected $3"; fail=1; fi
}

p="$tmp/prefix"
lib="$p/share/hnsim/scenarios"
mkdir -p "$p/bin" "$p/share/man/man1" "$tmp/work"
printf '#!/bin/sh\n' >"$p/bin/other-tool"
chmod 755 "$p/bin/other-tool"
printf '.TH OTHER 1\n' >"$p/share/man/man1/other.1"
listing "$p" >"$tmp/before"

run_check "make install PREFIX=..." 0 make_here install PREFIX="$p"
mode_check "the binary is installed, executable" "$p/bin/hnsim" 755
mode_check "the manual page is installed" "$p/share/man/man1/hnsim.1" 644
mode_check "the library's README is installed" "$lib/README.md" 644
n_src=0
n_same=0
for f in scenarios/README.md scenarios/*.ini scenarios/*/*.ini scenarios/*/*.csv; do
    n_src=$((n_src + 1))
    cmp -s "$f" "$p/share/hnsim/$f" && n_same=$((n_same + 1))
done
same "every library file is installed as it is ($n_same of $n_src)" "$n_src" "$n_same"
[ "$(find "$lib" -type f | wc -l)" -eq "$n_src" ] && echo "ok: nothing else in the library" ||
    { echo "FAIL: the installed library holds other files:"; find "$lib" -type f; fail=1; }

# The installed binary on the installed library, from another folder.
installed="${HN_WRAP:-} $p/bin/hnsim"
same "the installed binary is this version" "$($HNSIM --version)" "$($installed --version)"
(cd "$tmp/work" && $installed check "$lib/bromley_ap_5yr.ini") >"$tmp/out" 2>&1
check "installed hnsim check on the installed default scenario" 0 $?
grep_check "check reads the installed file" "files       $lib/bromley_ap_5yr.ini" "$tmp/out"
(cd "$tmp/work" && $installed check "$lib/bromley_ap/plan.ini") >"$tmp/out" 2>&1
check "an installed option's extends resolves in the library" 0 $?
grep_check "it extends the installed files" "$lib/bromley_ap/base.ini <- $lib/bromley_ap/../bromley_ap_5yr.ini" "$tmp/out"
(cd "$tmp/work" && $installed check "$lib/bromley_exclusions/outreach.ini") >"$tmp/out" 2>&1
check "an installed scenario's history file is installed beside it" 0 $?
grep_check "it reads the installed history" "history     $lib/bromley_exclusions/history.csv" "$tmp/out"
(cd "$tmp/work" && $installed run "$lib/bromley_ap_5yr.ini" -n 200 --swing-iterations 0 -q \
    -o installed.csv) >"$tmp/out" 2>&1
check "installed hnsim run, 200 iterations" 0 $?
$HNSIM run scenarios/bromley_ap_5yr.ini -n 200 --swing-iterations 0 -q -o "$tmp/source.csv" >"$tmp/out" 2>&1
check "the same run from the source tree" 0 $?
cmp -s "$tmp/work/installed.csv" "$tmp/source.csv" &&
    echo "ok: the installed run gives the source's numbers" ||
    { echo "FAIL: the installed run's CSV differs from the source's"; fail=1; }
(cd "$tmp/work" && $installed run "$lib/bromley_ap_5yr.ini" -d -q) >"$tmp/out" 2>&1
check "a run without -o" 0 $?
[ -s "$tmp/work/bromley_ap_5yr.xlsx" ] && echo "ok: it writes NAME.xlsx in the current folder" ||
    { echo "FAIL: no bromley_ap_5yr.xlsx in the current folder"; fail=1; }

# The installed page.
env -u MAN_KEEP_FORMATTING LC_ALL=C MANWIDTH=80 man --warnings=w -l "$p/share/man/man1/hnsim.1" \
    >"$tmp/page.txt" 2>"$tmp/out"
check "man -l renders the installed page" 0 $?
[ ! -s "$tmp/out" ] && echo "ok: without a warning" || { echo "FAIL: warnings:"; cat "$tmp/out"; fail=1; }
grep_check "the page names the prefix's library" "$lib/" "$tmp/page.txt"
grep -q "/usr/local/share/hnsim" "$tmp/page.txt" &&
    { echo "FAIL: the installed page still names /usr/local/share/hnsim"; fail=1; } ||
    echo "ok: the page names no other library"
same "man finds hnsim in the prefix's manual folder" "$p/share/man/man1/hnsim.1" \
    "$(MANPATH="$p/share/man" man -w hnsim 2>&1)"

run_check "make uninstall PREFIX=..." 0 make_here uninstall PREFIX="$p"
listing "$p" >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
    echo "ok: uninstall leaves the prefix as install found it"
else
    echo "FAIL: the prefix changed (< before, > after):"
    diff "$tmp/before" "$tmp/after"
    fail=1
fi

# DESTDIR: a staging folder; the paths inside the files stay PREFIX's.
stage="$tmp/stage"
run_check "make install DESTDIR=... PREFIX=/usr/local" 0 make_here install DESTDIR="$stage" PREFIX=/usr/local
[ -x "$stage/usr/local/bin/hnsim" ] && [ -f "$stage/usr/local/share/hnsim/scenarios/bromley_ap_5yr.ini" ] &&
    echo "ok: the files land under DESTDIR" || { echo "FAIL: nothing under $stage/usr/local"; fail=1; }
grep_check "the staged page names the final library" "^\.It Pa /usr/local/share/hnsim/scenarios/$" \
    "$stage/usr/local/share/man/man1/hnsim.1"
grep -q "$stage" "$stage/usr/local/share/man/man1/hnsim.1" &&
    { echo "FAIL: the staged page names the staging folder"; fail=1; } || echo "ok: not the staging folder"
printf '[scenario]\n' >"$stage/usr/local/share/hnsim/scenarios/bromley_ap/mine.ini"
run_check "make uninstall DESTDIR=... PREFIX=/usr/local" 0 make_here uninstall DESTDIR="$stage" PREFIX=/usr/local
grep_check "uninstall says what it kept" "kept $stage/usr/local/share/hnsim/scenarios/bromley_ap: it holds other files" "$tmp/out"
left=$(cd "$stage" && find . -type f | LC_ALL=C sort | tr '\n' ' ')
same "uninstall removed its files and kept the user's" "./usr/local/share/hnsim/scenarios/bromley_ap/mine.ini " "$left"
exit $fail
