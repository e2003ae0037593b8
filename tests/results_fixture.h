/*
 * results_fixture.h - a small hand-made run for the statistics and writer
 * tests (test_stats.c, test_csv.c, test_xlsx.c).
 *
 * A scenario built by hand, without the loader: "fixture_scn", 3 years
 * from 2020 (2020/21, 2021/22, 2022/23), two segments (secondary,
 * primary), two provisions (pru, outreach), one cost line (new_posts), one
 * income line (contrib), a budget when asked. Its layout has 44 figures:
 *   gross_cost, income, net_cost  x (total, 2 provisions, 1 cost, 1 income) = 15
 *   vs_baseline, cumulative_payback, cost_per_supported (total)             =  3
 *   supported (total + 2 provisions)                                        =  3
 *   occupancy, starts, blocked, closed_out (2 provisions each)              =  8
 *   referrals, exclusions, ehcna, waiting (total + 2 segments each)         = 12
 *   within_budget (with a budget), paid_back, payback_year (total,
 *   probabilities)                                                          =  3
 * i.e. 41 statistic figures and 3 probability figures, 4 columns each.
 *
 * fixture_fill gives every column known numbers: a plain column col holds
 * col * 1000 + i in iteration i (so with n iterations its mean is
 * col * 1000 + (n - 1) / 2 and its P(q) is col * 1000 + q (n - 1)); a
 * probability column holds 1 in iteration i when i % 10 < year + 3 (year
 * 0-based; "all" counts as year 3), so its share is known; cost per
 * supported in year 1 is NaN in every iteration (no pupils), and in year 2
 * NaN in every odd iteration. The writers' description of the run
 * (fx->rep, report.h) is built by fixture_report once the statistics are
 * computed; fixture_at points it at an output path. Header-only: every
 * function is static inline.
 */
#ifndef HN_RESULTS_FIXTURE_H
#define HN_RESULTS_FIXTURE_H

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/engine.h"
#include "model/layout.h"
#include "report.h"
#include "scenario/scenario.h"
#include "support/testutil.h"

typedef struct {
    hn_scenario sc;
    hn_segment seg[2];
    hn_provision prov[2];
    hn_money_line cost[1], inc[1];
    hn_source src[2];
    hn_entry entries[3];
    hn_dist baseline; /* the scenario's baseline_cost: a constant */
    hn_results res;
    hn_report_origin origin; /* command line, run date and output path of the run */
    hn_run_report rep;       /* built by fixture_report */
} fixture;

/* Builds the scenario, layout and an unfilled results table of n_iter iterations (1 when deterministic). */
static inline void fixture_init(fixture *fx, long n_iter, bool has_budget, bool deterministic)
{
    memset(fx, 0, sizeof *fx);
    hn_scenario *sc = &fx->sc;
    sc->name = (char *)"fixture_scn";
    sc->title = (char *)"Fixture: a 3-year commissioning plan";
    sc->authority = (char *)"London Borough of Testing";
    sc->start_year = 2020;
    sc->years = 3;
    sc->terms = 3;
    sc->has_budget = has_budget;
    fx->seg[0].name = (char *)"secondary";
    fx->seg[0].label = (char *)"Secondary pupils at risk";
    fx->seg[1].name = (char *)"primary";
    fx->seg[1].label = (char *)"Primary pupils at risk";
    fx->prov[0].name = (char *)"pru";
    fx->prov[0].label = (char *)"Secondary PRU (BTA)";
    fx->prov[1].name = (char *)"outreach";
    fx->prov[1].label = NULL; /* the layout falls back to the name */
    fx->cost[0].name = (char *)"new_posts";
    fx->cost[0].label = (char *)"Two caseworkers";
    fx->inc[0].name = (char *)"contrib";
    fx->inc[0].label = (char *)"Schools' contribution";
    sc->segments = fx->seg;
    sc->n_segments = 2;
    sc->provisions = fx->prov;
    sc->n_provisions = 2;
    sc->costs = fx->cost;
    sc->n_costs = 1;
    sc->incomes = fx->inc;
    sc->n_incomes = 1;

    hn_results *r = &fx->res;
    hn_error err;
    assert_int_equal(layout_init(&r->layout, sc, &err), HN_OK);
    r->n_iter = r->n_kept = deterministic ? 1 : n_iter;
    r->deterministic = deterministic;
    r->threads = 1;
    r->seed = 20210323;
    r->wall_seconds = 1.25;
    r->clamped = 7;
    r->values = calloc((size_t)r->layout.n_cols * (size_t)r->n_iter, sizeof *r->values);
    r->payback_year = calloc((size_t)r->n_iter, sizeof *r->payback_year);
    assert_non_null(r->values);
    assert_non_null(r->payback_year);

    fx->src[0].path = (char *)"scenarios/fixture.ini";
    strcpy(fx->src[0].sha256, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    fx->src[1].path = (char *)"scenarios/base.ini";
    strcpy(fx->src[1].sha256, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");

    fx->baseline = (hn_dist){ .kind = HN_DIST_CONST, .p = { 4258000 } };
    sc->baseline_cost = (hn_param){ .name = (char *)"scenario.baseline_cost",
                                    .domain = HN_DOMAIN_MONEY,
                                    .n = 1,
                                    .items = &fx->baseline };
    sc->sources = fx->src;
    sc->n_sources = 2;
    /* Three keys for the Assumptions sheet: text, a distribution, a per-year list from the parent. */
    fx->entries[0] = (hn_entry){ .section = (char *)"scenario",
                                 .key = (char *)"name",
                                 .value = (char *)"fixture_scn",
                                 .file = fx->src[0].path,
                                 .line = 2 };
    fx->entries[1] = (hn_entry){ .section = (char *)"provision.pru",
                                 .key = (char *)"cost_per_pupil",
                                 .value = (char *)"pert(15000, 17000, 21000)",
                                 .file = fx->src[0].path,
                                 .line = 12,
                                 .has_mean = true,
                                 .mean = 17333.333333333332,
                                 .n_means = 1,
                                 .means = { 17333.333333333332 } };
    fx->entries[2] = (hn_entry){ .section = (char *)"income.contrib",
                                 .key = (char *)"amount",
                                 .value = (char *)"0, 0, 150000",
                                 .file = fx->src[1].path,
                                 .line = 30,
                                 .has_mean = true,
                                 .mean = 0,
                                 .n_means = 3,
                                 .means = { 0, 0, 150000 } };
    sc->entries = fx->entries;
    sc->n_entries = 3;
    fx->origin = (hn_report_origin){ .command_line = "hnsim run scenarios/fixture.ini -o out.xlsx",
                                     .run_date = "2021-03-23T10:30:00" };
}

/* Builds fx->rep from fx's scenario, results and their statistics st (fails the test on error). */
static inline void fixture_report(fixture *fx, const hn_stats *st)
{
    hn_error err;
    assert_int_equal(report_run_init(&fx->rep, &fx->origin, &fx->sc, &fx->res, st, NULL, &err),
                     HN_OK);
}

/* Points fx's run at the output path: the writers then write there. Returns the report. */
static inline const hn_run_report *fixture_at(fixture *fx, const char *path)
{
    fx->origin.out_path = path;
    return &fx->rep;
}

/* Column of figure (m, k, index), year y (0-based; 3 = "all"). Fails the test when absent. */
static inline int fixture_col(const fixture *fx, hn_metric m, hn_entity_kind k, int index, int y)
{
    int col = layout_col(&fx->res.layout, m, k, index, y);
    assert_true(col >= 0);
    return col;
}

/* Fills every column with the known numbers described at the top of this file. */
static inline void fixture_fill(fixture *fx)
{
    hn_results *r = &fx->res;
    const hn_layout *lay = &r->layout;
    for (int col = 0; col < lay->n_cols; col++) {
        int fig = col / (lay->years + 1), y = col % (lay->years + 1);
        bool prob = metric_is_probability(lay->figures[fig].metric);
        bool cps = lay->figures[fig].metric == HN_M_COST_PER_SUPPORTED;
        for (long i = 0; i < r->n_iter; i++) {
            double v;
            if (prob)
                v = (i % 10) < y + 3 ? 1.0 : 0.0;
            else if (r->deterministic)
                v = col * 1000.0 + 0.5;
            else
                v = col * 1000.0 + (double)i;
            if (cps && (y == 0 || (y == 1 && i % 2 == 1))) v = NAN;
            r->values[(size_t)col * (size_t)r->n_iter + (size_t)i] = v;
        }
    }
    for (long i = 0; i < r->n_iter; i++)
        r->payback_year[i] = (int)(i % 4); /* 0 (never), 1, 2, 3 in turn */
}

/* Frees what fixture_init allocated. */
static inline void fixture_free(fixture *fx)
{
    report_run_free(&fx->rep);
    free(fx->res.values);
    free(fx->res.payback_year);
    layout_free(&fx->res.layout);
}

/* Reads a whole file into a new string (caller frees); NULL when it cannot be read. */
static inline char *fixture_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Number of entries of dir whose name contains "hnsim-" (temporary files left behind). */
static inline int fixture_count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += strstr(e->d_name, "hnsim-") != NULL;
    closedir(d);
    return n;
}

/* Removes a test's temporary folder and everything in it (best effort). */
static inline void fixture_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char path[1400];
            if (snprintf(path, sizeof path, "%.1000s/%.255s", dir, e->d_name) >= (int)sizeof path)
                continue;
            struct stat sb;
            if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
                chmod(path, 0700);
                fixture_rmtree(path);
            } else {
                unlink(path);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

/* A writer under test, for fixture_write_limited. */
typedef hn_status (*fixture_writer)(const char *path, void *user, hn_error *err);

/*
 * Runs w(path, user) in a child process that may not write files larger
 * than limit bytes (RLIMIT_FSIZE; SIGXFSZ ignored, so writes fail with
 * EFBIG as on a full disk). Returns the writer's status and copies its
 * error message into msg. Works as root, unlike a read-only folder.
 */
static inline hn_status fixture_write_limited(fixture_writer w, const char *path, void *user,
                                              long limit, char *msg, size_t cap)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { (rlim_t)limit, (rlim_t)limit };
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0) _exit(100);
        hn_error err;
        hn_error_clear(&err);
        hn_status st = w(path, user, &err);
        ssize_t n = write(fds[1], err.message, strlen(err.message));
        (void)n;
        close(fds[1]);
        _exit((int)st);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < cap && (n = read(fds[0], msg + got, cap - 1 - got)) > 0) got += (size_t)n;
    msg[got] = '\0';
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_not_equal(WEXITSTATUS(status), 100);
    return (hn_status)WEXITSTATUS(status);
}

#endif
