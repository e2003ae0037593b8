#!/bin/sh
# e2e_outputs.sh - outputs never clobber inputs, and a write that cannot
# happen is exit status 1 with a clear message and the old file untouched
# (docs/reliability.md).
#
#  - `-o` naming the scenario, a file it extends, or either through a
#    symbolic link or a linked folder, is refused (status 2) before the run;
#  - a read-only destination, a destination that is a device (a link to
#    /dev/full), a folder that cannot be written (a read-only mount, or
#    permissions as an unprivileged user), a full disk (a 64 KiB tmpfs) and
#    a file-size limit (ulimit -f, standing in for a full disk anywhere)
#    each give status 1, "hnsim: cannot write ...", the old file as it was
#    and no temporary file. Where the environment cannot build a case (no
#    root to mount, no unprivileged user) it is skipped and says so.
# Run by scripts/run-tests.sh with HNSIM set (maybe valgrind + hnsim).
set -u
HNSIM=${HNSIM:-build/hnsim}
T=tests/fixtures/cli/tiny.ini
tmp=$(mktemp -d)
mounted=""
cleanup() {
    for m in $mounted; do umount "$m" 2>/dev/null; done
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
skip() { echo "SKIP: $1"; }

# expect WHAT STATUS PATTERN OUTPUT OLD: the last run exited with STATUS, its
# stderr matches PATTERN, OUTPUT is byte-for-byte OLD (or absent when OLD is
# "none"), and OUTPUT's folder holds no temporary file.
expect() {
    w=$1
    [ "$rc" = "$2" ] || { bad "$w: exit status $rc, expected $2: $(cat "$tmp/err")"; return; }
    grep -q -- "$3" "$tmp/err" || { bad "$w: no '$3' in: $(cat "$tmp/err")"; return; }
    if [ "$5" = none ]; then
        [ ! -e "$4" ] || { bad "$w: $4 was created"; return; }
    else
        cmp -s "$4" "$5" || { bad "$w: $4 changed"; return; }
    fi
    if ls -a "$(dirname "$4")" 2>/dev/null | grep -q 'hnsim-'; then
        bad "$w: a temporary file was left"
        return
    fi
    ok "$w (status $2: $(grep '^hnsim' "$tmp/err" | head -n 1 | cut -c1-120))"
}

run() { # run ARGS...: hnsim run ARGS, status in $rc, stderr in $tmp/err
    $HNSIM run "$@" >/dev/null 2>"$tmp/err"
    rc=$?
}

# --- -o naming an input -------------------------------------------------
mkdir "$tmp/in"
cp "$T" "$tmp/in/tiny.ini"
cp "$T" "$tmp/in/base.csv"    # a parent scenario that happens to end in .csv
printf '[scenario]\nextends = base.csv\nseed = 3\n' >"$tmp/in/child.ini"
cp "$tmp/in/base.csv" "$tmp/base.keep"
cp "$tmp/in/tiny.ini" "$tmp/tiny.keep"
run "$tmp/in/child.ini" -q -o "$tmp/in/base.csv"
expect "-o naming the file the scenario extends" 2 "it is the scenario file" "$tmp/in/base.csv" "$tmp/base.keep"
ln -s tiny.ini "$tmp/in/link.xlsx"
run "$tmp/in/tiny.ini" -q -o "$tmp/in/link.xlsx"
expect "-o naming a link to the scenario" 2 "it is the scenario file" "$tmp/in/tiny.ini" "$tmp/tiny.keep"
ln -s base.csv "$tmp/in/parent.csv"
run "$tmp/in/child.ini" -q -o "$tmp/in/parent.csv"
expect "-o naming a link to the extended file" 2 "it is the scenario file" "$tmp/in/base.csv" "$tmp/base.keep"
ln -s "$tmp/in" "$tmp/linked"
run "$tmp/in/child.ini" -q -o "$tmp/linked/../in/base.csv"
expect "-o naming the extended file through a linked folder and .." 2 "it is the scenario file" "$tmp/in/base.csv" "$tmp/base.keep"

# --- the destination cannot be written ------------------------------------
mkdir "$tmp/out"
run "$T" -q -o "$tmp/out/old.csv"
[ "$rc" = 0 ] || bad "first run to old.csv failed"
cp "$tmp/out/old.csv" "$tmp/old.keep"
chmod 444 "$tmp/out/old.csv"
run "$T" -q --seed 9 -o "$tmp/out/old.csv"
expect "a read-only destination" 1 "cannot write .*read-only" "$tmp/out/old.csv" "$tmp/old.keep"
chmod 644 "$tmp/out/old.csv"

if [ -e /dev/full ]; then
    ln -s /dev/full "$tmp/out/full.csv"
    run "$T" -q -o "$tmp/out/full.csv"
    if [ "$rc" = 1 ] && grep -q "cannot write .*not a regular file" "$tmp/err" && [ -c /dev/full ]; then
        ok "-o through a link to /dev/full is refused, /dev/full stays a device"
    else
        bad "-o through a link to /dev/full: status $rc: $(cat "$tmp/err")"
    fi
    rm -f "$tmp/out/full.csv"
else
    skip "no /dev/full here"
fi

mkdir "$tmp/out/taken.xlsx"
run "$T" -q -o "$tmp/out/taken.xlsx"
[ "$rc" = 1 ] && [ -d "$tmp/out/taken.xlsx" ] && grep -q "cannot write" "$tmp/err" &&
    ok "a destination that is a folder (status 1)" || bad "a destination that is a folder: status $rc"

# A file-size limit: the write fails part-way (EFBIG), as on a full disk.
( ulimit -f 64 && $HNSIM run "$T" -q --seed 9 -o "$tmp/out/old.csv" >/dev/null 2>"$tmp/err0" ) 2>/dev/null
rc=$?
cp "$tmp/err0" "$tmp/err" 2>/dev/null
# tiny's CSV is small: use the workbook of a bigger run when the CSV fits.
if [ "$rc" = 0 ]; then
    cp "$tmp/old.keep" "$tmp/out/old.csv"
    skip "ulimit -f 64: tiny's CSV fits under the limit"
else
    expect "a file-size limit (ulimit -f) part-way through the CSV" 1 "cannot write .*too large" "$tmp/out/old.csv" "$tmp/old.keep"
fi
run "$T" -q -o "$tmp/out/old.xlsx"
cp "$tmp/out/old.xlsx" "$tmp/oldx.keep"
( ulimit -f 8 && $HNSIM run "$T" -q --seed 9 -o "$tmp/out/old.xlsx" >/dev/null 2>"$tmp/err0" ) 2>/dev/null
rc=$?
cp "$tmp/err0" "$tmp/err"
expect "a file-size limit (ulimit -f) part-way through the workbook" 1 "cannot write" "$tmp/out/old.xlsx" "$tmp/oldx.keep"

# A full disk and a read-only folder need mounts (root); skip cleanly otherwise.
if [ "$(id -u)" = 0 ] && mkdir "$tmp/full" && mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
    mounted="$mounted $tmp/full"
    # Fill it nearly full, keeping an old output inside.
    cp "$tmp/old.keep" "$tmp/full/old.csv"
    dd if=/dev/zero of="$tmp/full/filler" bs=1k count=60 2>/dev/null
    run "$T" -q --seed 9 -o "$tmp/full/old.csv"
    expect "a full disk (a 64 KiB tmpfs) under the CSV" 1 "cannot write .*No space left" "$tmp/full/old.csv" "$tmp/old.keep"
    run "$T" -q --seed 9 -o "$tmp/full/new.xlsx"
    expect "a full disk (a 64 KiB tmpfs) under a new workbook" 1 "cannot write" "$tmp/full/new.xlsx" none
else
    skip "a full disk: cannot mount a small tmpfs here (needs root); the ulimit -f cases stand in"
fi
if [ "$(id -u)" = 0 ] && mkdir "$tmp/ro" && mount -t tmpfs -o size=64k tmpfs "$tmp/ro" 2>/dev/null; then
    mounted="$tmp/ro $mounted"
    cp "$tmp/old.keep" "$tmp/ro/old.csv"
    mount -o remount,ro "$tmp/ro" 2>/dev/null
    run "$T" -q -o "$tmp/ro/old.csv"
    expect "a read-only file system" 1 "cannot write .*read-only file system" "$tmp/ro/old.csv" "$tmp/old.keep"
    run "$T" -q -o "$tmp/ro/new.xlsx"
    expect "a new file on a read-only file system" 1 "cannot write" "$tmp/ro/new.xlsx" none
else
    skip "a read-only file system: cannot mount here (needs root)"
fi
# A folder without write permission: as ourselves when unprivileged, else as nobody.
mkdir "$tmp/locked"
cp "$tmp/old.keep" "$tmp/locked/old.csv"
chmod 666 "$tmp/locked/old.csv"   # the file itself may be written: only the folder may not
chmod 555 "$tmp/locked"
as=""
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
        as="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
        chmod 755 "$tmp"
    fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$as" ]; then
    $as $HNSIM run "$T" -q -o "$tmp/locked/old.csv" >/dev/null 2>"$tmp/err"
    rc=$?
    expect "a folder without write permission${as:+ (as nobody)}" 1 "cannot write .*not writable" "$tmp/locked/old.csv" "$tmp/old.keep"
    $as $HNSIM run "$T" -q -o "$tmp/locked/new.xlsx" >/dev/null 2>"$tmp/err"
    rc=$?
    expect "a new file in a folder without write permission" 1 "cannot write" "$tmp/locked/new.xlsx" none
else
    skip "a folder without write permission: running as root without setpriv"
fi
chmod 755 "$tmp/locked"

exit $fail
