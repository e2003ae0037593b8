/*
 * cli_progress.c - the progress bar (cli_progress.h).
 *
 * One line: the phase ("run", a comparison's "option 2/4 NAME", or one
 * named by the engine such as "sensitivity: held runs 12/260"), a 20-character bar, the percentage,
 * for a run the iterations done of the total and the rate since it
 * started, and the time left at that rate. With a target standard error
 * the total is the most the run may take, and the line says "at most".
 * "\r" returns to the start of the line and "\033[K" erases what a longer
 * previous line left behind.
 */
#include "cli_progress.h"

#include <stdio.h>
#include <time.h>

#include "report.h"

/* Seconds a run must last before the bar appears. */
#define BAR_DELAY 1.0
#define BAR_WIDTH 20

static const bool exact_total = false, most_total = true;

/* The run being shown: when it started, whether its bar is on the screen, and its name. */
static double started;
static bool shown;
static char run_name[160] = "run";

void cli_progress_name(const char *name)
{
    snprintf(run_name, sizeof run_name, "%s", name && *name ? name : "run");
}

void *cli_progress_style(bool total_is_most)
{
    return (void *)(total_is_most ? &most_total : &exact_total);
}

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "45 s", "3 min 20 s", "2 h 05 min" into buf. */
static void duration(double s, char *buf, size_t cap)
{
    long t = (long)(s + 0.5);
    if (t < 60)
        snprintf(buf, cap, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, cap, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, cap, "%ld h %02ld min", t / 3600, t / 60 % 60);
}

void cli_progress_clear(void)
{
    if (!shown) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    shown = false;
}

/*
 * The common part of both bars: starts the clock at done == 0, erases the
 * bar at done >= total, and otherwise, once the phase has lasted
 * BAR_DELAY, writes the bar and the percentage into bar (64 bytes), the
 * rate (done per second) into *rate and the time left into left (32
 * bytes); false when nothing is to be drawn.
 */
static bool bar_due(long done, long total, char *bar, double *rate, char *left)
{
    double t = now_seconds();
    if (done == 0) {
        started = t;
        return false;
    }
    if (done >= total) {
        cli_progress_clear();
        return false;
    }
    double elapsed = t - started;
    if (elapsed < BAR_DELAY || total <= 0) return false;
    double frac = (double)done / (double)total;
    int full = (int)(frac * BAR_WIDTH), k = 0;
    bar[k++] = '[';
    for (int i = 0; i < BAR_WIDTH; i++) bar[k++] = i < full ? '#' : '.';
    snprintf(bar + k, 64 - (size_t)k, "] %3d%%", (int)(frac * 100));
    *rate = (double)done / elapsed;
    duration((double)(total - done) / *rate, left, 32);
    return true;
}

void cli_progress_update(void *user, long done, long total)
{
    bool most = user && *(const bool *)user;
    char bar[64], d[32], n[32], r[32], left[32];
    double rate;
    if (!bar_due(done, total, bar, &rate, left)) return;
    report_thousands(done, d, sizeof d);
    report_thousands(total, n, sizeof n);
    report_thousands((long)rate, r, sizeof r);
    fprintf(stderr, "\r%s %s  %s of %s%s iterations, %s/s, %s%s left\033[K", run_name, bar, d,
            most ? "at most " : "", n, r, most ? "at most " : "", left);
    fflush(stderr);
    shown = true;
}

void cli_progress_phase(void *user, const char *phase, long done, long total)
{
    (void)user;
    char bar[64], left[32];
    double rate;
    if (!bar_due(done, total, bar, &rate, left)) return;
    fprintf(stderr, "\r%s %ld/%ld %s, %s left\033[K", phase, done, total, bar, left);
    fflush(stderr);
    shown = true;
}
