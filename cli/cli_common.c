/*
 * cli_common.c - what every subcommand shares: printing errors, usage
 * errors, strict number parsing and the signal handlers.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "base/par.h"
#include "cli.h"
#include "cli_progress.h"

volatile sig_atomic_t cli_stop = 0;

int cli_fail(const hn_error *err)
{
    cli_progress_clear();
    fprintf(stderr, "hnsim: %s\n", err->message[0] ? err->message : hn_status_name(err->status));
    return hn_status_exit_code(err->status);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hnsim %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see hnsim %s --help)\n", cmd);
    return 2;
}

/* Set once the run is over (cli_signals_run_ended): from then on a signal exits at once. */
static volatile sig_atomic_t exit_now = 0;

/*
 * SIGINT, SIGTERM, SIGHUP. While an output is being written: remove its
 * temporary file and exit at once. While the engine runs: ask it to stop
 * (it checks between blocks of iterations) and give it one second, after
 * which SIGALRM exits anyway, so a run always stops within a second
 * however slow its iterations. After the run, or at a second signal: exit
 * at once. Nothing is written outside the atomic write, so exiting leaves
 * no partial file (docs/reliability.md).
 */
static void on_signal(int sig)
{
    (void)sig;
    const char *pending = atomic_pending_path();
    if (pending) {
        unlink(pending);
        _exit(130);
    }
    if (cli_stop || exit_now) _exit(130);
    cli_stop = 1;
    alarm(1);
}

/* The engine did not stop within a second of the signal: exit without it. */
static void on_alarm(int sig)
{
    (void)sig;
    const char *pending = atomic_pending_path();
    if (pending) unlink(pending);
    _exit(130);
}

void cli_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaddset(&sa.sa_mask, SIGALRM);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    /* A write past a file-size limit (ulimit -f) then fails with EFBIG, reported as an error. */
    signal(SIGXFSZ, SIG_IGN);
}

/* Call when the run (and whatever computes on its results) has ended; see cli.h. */
int cli_signals_run_ended(void)
{
    exit_now = 1;
    alarm(0);
    return cli_stop != 0;
}

hn_status cli_run_ended(hn_error *err)
{
    hn_status st = HN_OK;
    if (cli_signals_run_ended()) st = hn_error_set(err, HN_ERR_INTERRUPTED, "interrupted");
    return par_agree(st, err); /* a signal may reach one process only */
}

int cli_warnings(const hn_scenario *sc, int strict, hn_warnings *out)
{
    hn_warnings w;
    hn_error err;
    hn_error_clear(&err);
    if (warnings_collect(sc, &w, &err) != HN_OK) return cli_fail(&err);
    char line[2048];
    for (int i = 0; i < w.n; i++) {
        warning_format(&w.items[i], line, sizeof line);
        fprintf(stderr, "hnsim: %s\n", line);
    }
    int rc = -1;
    if (strict && w.n > 0) {
        fprintf(stderr, "hnsim: --strict: %d warning%s taken as error%s; nothing was run\n", w.n,
                w.n == 1 ? "" : "s", w.n == 1 ? "" : "s");
        rc = 2;
    }
    if (out)
        *out = w;
    else
        warnings_free(&w);
    return rc;
}

int cli_parse_long(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !*s || *s == ' ' || *s == '+') return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

int cli_parse_u64(const char *s, unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9') return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return 0;
    *out = v;
    return 1;
}
