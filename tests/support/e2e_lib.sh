# e2e_lib.sh - helpers sourced by end-to-end scripts (tests/e2e_*.sh).
# The sourcing script sets $tmp (a scratch folder whose file "out" holds the
# last command's output) and fail=0 before using them; each helper prints
# "ok: ..." or "FAIL: ..." and sets fail=1 on failure.

# check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS
check() {
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: exit status $3, expected $2"; cat "$tmp/out"; fail=1
    else
        echo "ok: $1"
    fi
}

# run_check DESCRIPTION EXPECTED_STATUS COMMAND...: runs COMMAND, its output
# (stdout and stderr) into $tmp/out, and checks its exit status.
run_check() {
    _run_desc=$1; _run_want=$2; shift 2
    "$@" >"$tmp/out" 2>&1
    check "$_run_desc" "$_run_want" $?
}

# grep_check DESCRIPTION PATTERN FILE
grep_check() {
    if grep -q -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: no '$2' in:"; cat "$3"; fail=1; fi
}

# near DESCRIPTION ACTUAL WANT TOLERANCE: |ACTUAL - WANT| <= TOLERANCE
near() {
    if awk -v a="$2" -v w="$3" -v t="$4" 'BEGIN { d = a - w; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; then
        echo "ok: $1 ($2)"
    else
        echo "FAIL: $1: '$2', expected $3 within $4"; fail=1
    fi
}

# pty_run ARGS...: runs $HNSIM ARGS with stderr on a pseudo-terminal (through python's pty, so
# that the progress bar is drawn); what the terminal got goes to $tmp/tty; returns its status.
# With PTY_THROTTLE=1 the process is stopped two thirds of the time (SIGSTOP for 0.2 s after
# each 0.1 s running), so that a run whose length is capped - a comparison kept in memory -
# still outlasts the bar's one-second delay on a fast machine.
pty_run() {
    HNSIM="$HNSIM" /usr/bin/python3 - "$tmp/tty" "$@" <<'PY'
import os, pty, select, shlex, signal, subprocess, sys, time
throttle = os.environ.get("PTY_THROTTLE") == "1"
master, slave = pty.openpty()
cmd = shlex.split(os.environ.get("HNSIM", "build/hnsim")) + sys.argv[2:]
# Throttled, the command gets its own process group, so that a wrapper (tests/support/
# hnsim_checked.sh) and the hnsim it starts are stopped and continued together.
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=slave, start_new_session=throttle)
os.close(slave)
got = b""
running, switch = True, time.monotonic() + 0.1
while True:
    ready, _, _ = select.select([master], [], [], 0.05)
    if ready:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        got += chunk
    if throttle and time.monotonic() >= switch and p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGSTOP if running else signal.SIGCONT)
        except ProcessLookupError:  # the group ended meanwhile
            pass
        running = not running
        switch = time.monotonic() + (0.1 if running else 0.2)
if not running:
    try:
        os.killpg(p.pid, signal.SIGCONT)
    except ProcessLookupError:
        pass
p.wait()
open(sys.argv[1], "wb").write(got)
sys.exit(p.returncode)
PY
}