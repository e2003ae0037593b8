/*
 * backtest.c - calibrate on the past up to an origin, project, score what
 * came after (backtest.h).
 *
 * Every origin calibrates the scenario as loaded (the keys' written values
 * are the fit's starting point each time), applies the fit in memory
 * (calibrate_apply: the same distributions and correlations the calibrated
 * file would have), runs it with the caller's options and undoes it. Rows
 * are scored with observed.c, so a back-test row and a History row of the
 * same run are the same numbers.
 */
#include "analysis/backtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/stats.h"
#include "analysis/stats_run.h"

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double backtest_band(const hn_backtest *bt, int o, int f, int y, int k)
{
    return bt
        ->band[(((size_t)o * (size_t)bt->n_figures + (size_t)f) * (size_t)bt->years + (size_t)y) *
                   3 +
               (size_t)k];
}

int backtest_figure(const hn_backtest *bt, int col0)
{
    for (int f = 0; f < bt->n_figures; f++)
        if (bt->figure_col0[f] == col0) return f;
    return -1;
}

void backtest_free(hn_backtest *bt)
{
    if (!bt) return;
    for (int o = 0; o < bt->n_origins; o++) calibrate_free(bt->origins[o].fit);
    free(bt->origins);
    free(bt->rows);
    free(bt->figure_col0);
    free(bt->band);
    free(bt);
}

/* Observations of h in years [from, to]. */
static int count_years(const hn_history *h, int from, int to)
{
    int n = 0;
    for (int i = 0; i < h->n; i++) n += h->obs[i].year >= from && h->obs[i].year <= to;
    return n;
}

/* Lists the origins to try into bt (allocated); HN_ERR_USAGE when there are none. */
static hn_status plan_origins(hn_backtest *bt, const hn_scenario *sc, const hn_history *h,
                              int n_keys, hn_error *err)
{
    int first = h->first_year, last = h->last_year;
    int cap = last - first + 1;
    bt->origins = calloc((size_t)cap, sizeof *bt->origins);
    if (!bt->origins) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    if (bt->holdout != HN_BACKTEST_ALL) {
        int origin = last - bt->holdout + 1;
        int y0 = sc->start_year + first, y1 = sc->start_year + last;
        if (bt->holdout < 1 || origin <= first)
            return hn_error_set(err, HN_ERR_USAGE,
                                "--holdout %d: the history covers %d year%s (%d/%02d to %d/%02d), "
                                "so holding out %d leaves none to calibrate on; hold out fewer",
                                bt->holdout, cap, cap == 1 ? "" : "s", y0, (y0 + 1) % 100, y1,
                                (y1 + 1) % 100, bt->holdout);
        bt->origins[bt->n_origins++].origin = origin;
        return HN_OK;
    }
    for (int origin = first + 1; origin <= last; origin++)
        if (count_years(h, first, origin - 1) >= n_keys)
            bt->origins[bt->n_origins++].origin = origin;
    if (bt->n_origins == 0)
        return hn_error_set(err, HN_ERR_USAGE,
                            "--holdout all: no origin has as many observations before it as the "
                            "%d key%s fitted (the history has %d observations over %d years)",
                            n_keys, n_keys == 1 ? "" : "s", h->n, cap);
    return HN_OK;
}

/* The distinct observed figures of h (their year-1 columns in lay), in bt. */
static hn_status list_figures(hn_backtest *bt, const hn_history *h, const hn_layout *lay,
                              hn_error *err)
{
    bt->figure_col0 = calloc((size_t)h->n, sizeof *bt->figure_col0);
    if (!bt->figure_col0) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    for (int i = 0; i < h->n; i++) {
        int col0 = observed_column(lay, &h->obs[i]) - h->obs[i].year;
        if (backtest_figure(bt, col0) < 0) bt->figure_col0[bt->n_figures++] = col0;
    }
    bt->years = lay->years;
    bt->band = calloc((size_t)bt->n_origins * (size_t)bt->n_figures * (size_t)bt->years * 3 + 1,
                      sizeof *bt->band);
    if (!bt->band) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < (size_t)bt->n_origins * bt->n_figures * bt->years * 3; i++)
        bt->band[i] = NAN;
    return HN_OK;
}

/* Scores the observations from origin o on against st, appending to bt->rows. */
static hn_status score_origin(hn_backtest *bt, int oi, const hn_history *h, const hn_stats *st,
                              hn_error *err)
{
    hn_bt_origin *o = &bt->origins[oi];
    o->first = bt->n;
    for (int i = 0; i < h->n; i++) {
        if (h->obs[i].year < o->origin) continue;
        hn_scored *r = &bt->rows[bt->n];
        hn_status s = observed_fill(&h->obs[i], st, r, err);
        if (s != HN_OK) return s;
        r->origin = o->origin;
        bt->n++;
    }
    o->n = bt->n - o->first;
    qsort(bt->rows + o->first, (size_t)o->n, sizeof *bt->rows, observed_order);
    for (int f = 0; f < bt->n_figures; f++)
        for (int y = 0; y < bt->years; y++) {
            int col = bt->figure_col0[f] + y;
            double *b = &bt->band[(((size_t)oi * bt->n_figures + f) * bt->years + y) * 3];
            b[0] = stats_get(st, col, HN_STAT_P10);
            b[1] = stats_get(st, col, HN_STAT_MEAN);
            b[2] = stats_get(st, col, HN_STAT_P90);
        }
    return HN_OK;
}

/* Calibrates, projects and scores origin oi. A failed fit of a rolling origin is noted, not fatal. */
static hn_status run_origin(hn_backtest *bt, int oi, hn_scenario *sc, const hn_history *h,
                            const char *const *keys, int n_keys, const hn_run_opts *opts,
                            hn_error *err)
{
    hn_bt_origin *o = &bt->origins[oi];
    o->first = bt->n;
    hn_error fe;
    hn_error_clear(&fe);
    hn_status st = calibrate_fit(sc, h, o->origin - 1, keys, n_keys, &o->fit, &fe);
    if (st == HN_ERR_USAGE && bt->holdout == HN_BACKTEST_ALL) {
        _Static_assert(sizeof o->skipped == sizeof fe.message, "skipped holds a whole message");
        memcpy(o->skipped, fe.message, sizeof o->skipped);
        return HN_OK;
    }
    if (st != HN_OK) {
        *err = fe;
        return st;
    }
    hn_fit_applied applied;
    st = calibrate_apply(sc, o->fit, &applied, err);
    if (st != HN_OK) return st;
    hn_results *res = NULL;
    hn_stats *stats = NULL;
    hn_stats_want want = { .col_first = 0, .col_end = 0, .keep_first = false }; /* no analysis */
    st = stats_run(sc, opts, &want, &res, &stats, err);
    calibrate_unapply(&applied);
    if (st == HN_OK) st = score_origin(bt, oi, h, stats, err);
    stats_free(stats);
    results_free(res);
    return st;
}

/* The overall scores of every scored row. */
static void summarise(hn_backtest *bt)
{
    int inside = 0, inside90 = 0;
    double abs_pct = 0, pct = 0;
    bt->n_pct = 0;
    for (int i = 0; i < bt->n; i++) {
        const hn_scored *r = &bt->rows[i];
        inside += r->inside;
        inside90 += r->inside90;
        if (r->observed > 0) {
            double e = 100 * (r->mean - r->observed) / r->observed;
            abs_pct += fabs(e);
            pct += e;
            bt->n_pct++;
        }
    }
    bt->coverage_p10_p90 = bt->n ? (double)inside / bt->n : NAN;
    bt->coverage_p5_p95 = bt->n ? (double)inside90 / bt->n : NAN;
    bt->mape = bt->n_pct ? abs_pct / bt->n_pct : NAN;
    bt->bias = bt->n_pct ? pct / bt->n_pct : NAN;
}

/* The error when no rolling origin could be calibrated: the first origin's reason. */
static hn_status none_calibrated(const hn_backtest *bt, hn_error *err)
{
    return hn_error_set(err, HN_ERR_USAGE,
                        "--holdout all: no origin could be calibrated (%d tried); the first: %s",
                        bt->n_origins, bt->origins[0].skipped);
}

hn_status backtest_run(hn_scenario *sc, const hn_history *h, const char *const *keys, int n_keys,
                       int holdout, const hn_run_opts *opts, hn_backtest_fn fn, void *user,
                       hn_backtest **out, hn_error *err)
{
    *out = NULL;
    double t0 = now_seconds();
    if (opts->deterministic)
        return hn_error_set(err, HN_ERR_USAGE,
                            "a back-test scores observations against the projection's P10-P90 "
                            "band, which a deterministic run does not have: run it without "
                            "--deterministic");
    hn_backtest *bt = calloc(1, sizeof *bt);
    if (!bt) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    bt->holdout = holdout;
    bt->iterations = opts->iterations;
    bt->seed = opts->seed;
    hn_layout lay;
    hn_status st = layout_init(&lay, sc, err);
    if (st != HN_OK) {
        free(bt);
        return st;
    }
    st = plan_origins(bt, sc, h, n_keys, err);
    if (st == HN_OK) st = list_figures(bt, h, &lay, err);
    layout_free(&lay);
    if (st == HN_OK) {
        bt->rows = calloc((size_t)bt->n_origins * (size_t)h->n + 1, sizeof *bt->rows);
        if (!bt->rows) st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    }
    int calibrated = 0;
    for (int o = 0; st == HN_OK && o < bt->n_origins; o++) {
        st = run_origin(bt, o, sc, h, keys, n_keys, opts, err);
        if (st == HN_OK && bt->origins[o].fit) calibrated++;
        if (st == HN_OK && fn) fn(user, bt, &bt->origins[o]);
    }
    if (st == HN_OK && calibrated == 0) st = none_calibrated(bt, err);
    if (st != HN_OK) {
        backtest_free(bt);
        return st;
    }
    summarise(bt);
    bt->seconds = now_seconds() - t0;
    *out = bt;
    return HN_OK;
}
