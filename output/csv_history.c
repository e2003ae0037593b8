/*
 * csv_history.c - the tidy CSV rows of a history (MODEL.md section 9).
 *
 * A run of a scenario with a history writes, after its figure and
 * sensitivity rows and before its run rows, one row per observation:
 * metric `observed_METRIC` (`observed_exclusions`, `observed_net_cost`),
 * the observation's entity and year (1..Y, as every figure) and stat
 * `value`. The projection of the same figure is in the figure's own rows
 * (metric METRIC, same entity and year), so a script joins the two on
 * (entity, year).
 *
 * The back-test's CSV (report_backtest.h) has the same header and columns:
 * a row per statistic of each scored observation (metric backtest_METRIC),
 * the fit of each origin (backtest_fit) and the scores (backtest).
 */
#include <math.h>
#include <stdio.h>

#include "csv_internal.h"
#include "report_backtest.h"

int csv_put_observed(FILE *f, const char *scenario, const hn_layout *lay, const hn_observed *o)
{
    for (int i = 0; i < o->n; i++) {
        const hn_scored *r = &o->rows[i];
        char metric[64], entity[160], year[16];
        snprintf(metric, sizeof metric, "observed_%s", metric_name(r->metric));
        layout_entity_name(lay, r->kind, r->index, entity, sizeof entity);
        snprintf(year, sizeof year, "%d", r->year + 1);
        if (csv_put_row(f, scenario, metric, entity, year, "value", r->observed) < 0) return -1;
    }
    return 0;
}

/* A statistic's name and value, for a run of rows of one figure. */
typedef struct {
    const char *stat;
    double v;
} stat_value;

/* Writes a row per finite value of rows[0..n) (one scenario, metric, entity, year); <0 on error. */
static int put_stats(FILE *f, const char *scenario, const char *metric, const char *entity,
                     const char *year, const stat_value *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (csv_put_row(f, scenario, metric, entity, year, rows[i].stat, rows[i].v) < 0) return -1;
    return 0;
}

/* The scenario column of origin o's rows: NAME, or NAME@2016/17 in a rolling back-test. */
static void origin_scenario(const hn_report_backtest *r, int origin, char *buf, size_t cap)
{
    const char *name = report_name(r->rep);
    if (r->bt->holdout != HN_BACKTEST_ALL) {
        snprintf(buf, cap, "%s", name);
        return;
    }
    char year[16];
    layout_year_label(r->rep->lay, origin, year, sizeof year);
    snprintf(buf, cap, "%s@%s", name, year);
}

/* The rows of one scored observation; <0 on a write error. */
static int put_scored(FILE *f, const hn_report_backtest *r, const hn_scored *s)
{
    char scenario[200], metric[64], entity[160], year[16];
    origin_scenario(r, s->origin, scenario, sizeof scenario);
    snprintf(metric, sizeof metric, "backtest_%s", metric_name(s->metric));
    layout_entity_name(r->rep->lay, s->kind, s->index, entity, sizeof entity);
    snprintf(year, sizeof year, "%d", s->year + 1);
    const stat_value rows[] = {
        { "observed", s->observed },
        { "mean", s->mean },
        { "p5", s->p5 },
        { "p10", s->p10 },
        { "p90", s->p90 },
        { "p95", s->p95 },
        { "inside", s->inside ? 1 : 0 },
        { "inside_p5_p95", s->inside90 ? 1 : 0 },
        { "error", s->mean - s->observed },
        { "pct_error", s->observed > 0 ? 100 * (s->mean - s->observed) / s->observed : NAN },
    };
    return put_stats(f, scenario, metric, entity, year, rows, sizeof rows / sizeof rows[0]);
}

/* The body of a back-test's CSV. */
static int put_backtest(FILE *f, const void *user)
{
    const hn_report_backtest *r = user;
    const hn_backtest *bt = r->bt;
    if (fputs(CSV_HEADER, f) < 0) return -1;
    for (int i = 0; i < bt->n; i++)
        if (put_scored(f, r, &bt->rows[i]) < 0) return -1;
    int calibrated = 0;
    for (int o = 0; o < bt->n_origins; o++) {
        const hn_fit *fit = bt->origins[o].fit;
        if (!fit) continue;
        calibrated++;
        char scenario[200];
        origin_scenario(r, bt->origins[o].origin, scenario, sizeof scenario);
        for (int k = 0; k < fit->n_keys; k++) {
            const hn_fit_key *key = &fit->keys[k];
            const stat_value fit_rows[] = { { "estimate", key->estimate },
                                            { "se", key->se },
                                            { "lo80", key->lo },
                                            { "hi80", key->hi } };
            if (put_stats(f, scenario, "backtest_fit", key->name, "all", fit_rows, 4) < 0)
                return -1;
        }
    }
    const char *name = report_name(r->rep);
    const stat_value rows[] = {
        { "coverage_p10_p90", bt->coverage_p10_p90 },
        { "coverage_p5_p95", bt->coverage_p5_p95 },
        { "mape", bt->mape },
        { "bias", bt->bias },
        { "n", bt->n },
        { "origins", calibrated },
    };
    return put_stats(f, name, "backtest", "total", "all", rows, sizeof rows / sizeof rows[0]);
}

hn_status report_write_backtest_csv(const hn_report_backtest *r, hn_error *err)
{
    return csv_write(r->rep->origin->out_path, put_backtest, r, err);
}

hn_status report_write_backtest(const hn_report_backtest *r, hn_error *err)
{
    hn_report_format fmt;
    hn_status s = report_output_format(r->rep->origin->out_path, &fmt, err);
    if (s != HN_OK) return s;
    return fmt == REPORT_CSV ? report_write_backtest_csv(r, err)
                             : report_write_backtest_xlsx(r, err);
}
