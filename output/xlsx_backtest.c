/*
 * xlsx_backtest.c - the back-test workbook: one Back-test sheet.
 *
 * From the top: the title and how the back-test was made (history file
 * and SHA-256, keys, iterations, seed); the scores (observations scored,
 * the share inside P10-P90 with "about 80% if the model is honest", inside
 * P5-P95, the mean absolute and the mean signed percentage error); the
 * table of scored observations (BacktestTable: origin, the years
 * calibrated on, figure, entity, year, observed, mean, P10, P90, inside,
 * error, % error); the fit of each origin (BacktestFits: key, estimate,
 * standard error, 80% interval, the distribution used, or why the origin
 * was skipped); then a chart per observed figure: the observations the
 * fit used as dark points, the held-out ones as orange points, against the
 * projected band (xlsx_history.c's band charts). With one origin the band
 * is that origin's projection; rolling, each year shows the projection
 * from the latest origin at or before it (the nearest forecast, docs/
 * decisions.md H14).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report_backtest.h"
#include "xlsx_internal.h"

/* The back-test being written. */
typedef struct {
    const hn_report_backtest *r;
    const char *sheet;
} xb_user;

/* "2012/13 to 2015/16": the years origin o was calibrated on (from the history's first) into buf. */
static void calibrated_on(const xw_ctx *c, const hn_history *h, int origin, char *buf, size_t cap)
{
    char a[16], b[16];
    layout_year_label(c->rep->lay, h->first_year, a, sizeof a);
    layout_year_label(c->rep->lay, origin - 1, b, sizeof b);
    snprintf(buf, cap, "%s to %s", a, b);
}

/* Writes the scores from row; returns the next row. */
static int scores(xw_ctx *c, lxw_worksheet *ws, int row, const hn_backtest *bt)
{
    int calibrated = 0, skipped = 0;
    for (int o = 0; o < bt->n_origins; o++) {
        calibrated += bt->origins[o].fit != NULL;
        skipped += bt->origins[o].fit == NULL;
    }
    xw_str(c, ws, row++, 0, "Scores", c->f.bold);
    const struct {
        const char *label;
        double v;
        lxw_format *f;
        const char *note;
    } rows[] = {
        { "Observations scored", bt->n, c->f.integer, "held-out observations, all origins" },
        { "Origins", calibrated, c->f.integer,
          skipped ? "calibrated; the others could not be (see the fits)" : "calibrated" },
        { "Inside P10-P90", bt->coverage_p10_p90, c->f.percent1,
          "about 80% if the model, with its uncertainty, is honest" },
        { "Inside P5-P95", bt->coverage_p5_p95, c->f.percent1, "about 90% if honest" },
        { "Mean absolute % error of the mean", bt->mape / 100, c->f.percent1,
          "MAPE, over observations above 0" },
        { "Bias: mean signed % error", bt->bias / 100, c->f.percent1,
          "positive: the projection ran above what happened" },
    };
    /* The labels run across the table's first three columns; values beside them. */
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        xw_str(c, ws, row, 0, rows[i].label, NULL);
        xw_num(c, ws, row, 3, rows[i].v, rows[i].f);
        xw_str(c, ws, row, 4, rows[i].note, c->f.note);
        row++;
    }
    return row + 1;
}

/* Writes the table of scored observations from row (its column widths into *wd); returns the row after it. */
static int scored_table(xw_ctx *c, lxw_worksheet *ws, int row, const hn_report_backtest *r,
                        xw_widths *wd)
{
    const hn_backtest *bt = r->bt;
    xw_grid g;
    xw_grid_begin(c, &g, ws, "BacktestTable", row, 0);
    static const struct {
        const char *head;
        bool numeric;
    } cols[] = { { "Origin", false },
                 { "Calibrated on", false },
                 { "Figure", false },
                 { "Entity", false },
                 { "Name", false },
                 { "Year", false },
                 { "Observed", true },
                 { "Mean", true },
                 { "P10", true },
                 { "P90", true },
                 { "Inside P10-P90", false },
                 { "Error (mean - observed)", true },
                 { "% error", true } };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        xw_grid_column(c, &g, cols[i].head, cols[i].numeric);
    for (int i = 0; i < bt->n; i++) {
        const hn_scored *s = &bt->rows[i];
        lxw_format *f = xw_figure_format(c, s->metric);
        char origin[16], on[48], name[160], year[16];
        layout_year_label(c->rep->lay, s->origin, origin, sizeof origin);
        calibrated_on(c, r->history, s->origin, on, sizeof on);
        layout_entity_name(c->rep->lay, s->kind, s->index, name, sizeof name);
        layout_year_label(c->rep->lay, s->year, year, sizeof year);
        xw_grid_str(c, &g, 0, origin, NULL);
        xw_grid_str(c, &g, 1, on, NULL);
        xw_grid_str(c, &g, 2, xw_figure_label(s->metric), NULL);
        xw_grid_str(c, &g, 3, c->rep->lay->labels[s->kind][s->index], NULL);
        xw_grid_str(c, &g, 4, name, NULL);
        xw_grid_str(c, &g, 5, year, NULL);
        xw_grid_num(c, &g, 6, s->observed, f);
        xw_grid_num(c, &g, 7, s->mean, f);
        xw_grid_num(c, &g, 8, s->p10, f);
        xw_grid_num(c, &g, 9, s->p90, f);
        xw_grid_str(c, &g, 10, xw_inside_text(s), NULL);
        xw_grid_num(c, &g, 11, s->mean - s->observed, f);
        xw_grid_num(c, &g, 12, s->observed > 0 ? (s->mean - s->observed) / s->observed : NAN,
                    c->f.percent1);
        xw_grid_next(c, &g);
    }
    int next = g.row;
    *wd = g.wd;
    xw_grid_end(c, &g, -1);
    return next + 1;
}

/*
 * Writes the fit of each origin from row; returns the row after it. Its
 * columns are those of the table above: wd (that table's widths) seeds the
 * widths, so each column fits both.
 */
static int fits_table(xw_ctx *c, lxw_worksheet *ws, int row, const hn_report_backtest *r,
                      const xw_widths *wd)
{
    const hn_backtest *bt = r->bt;
    xw_str(c, ws, row++, 0, "The fit at each origin", c->f.bold);
    xw_grid g;
    xw_grid_begin(c, &g, ws, "BacktestFits", row, 0);
    g.wd = *wd;
    static const char *const heads[] = { "Origin",   "Calibrated on",  "Key",
                                         "Estimate", "Standard error", "80% low",
                                         "80% high", "Projected with" };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        xw_grid_column(c, &g, heads[i], i >= 3 && i <= 6);
    g.max_width[7] = 60;
    for (int o = 0; o < bt->n_origins; o++) {
        const hn_bt_origin * or = &bt->origins[o];
        char origin[16], on[48], dist[256];
        layout_year_label(c->rep->lay, or->origin, origin, sizeof origin);
        calibrated_on(c, r->history, or->origin, on, sizeof on);
        int n = or->fit ? or->fit->n_keys : 1;
        for (int k = 0; k < n; k++) {
            xw_grid_str(c, &g, 0, origin, NULL);
            xw_grid_str(c, &g, 1, on, NULL);
            if (! or->fit) {
                xw_grid_str(c, &g, 2, "(not calibrated)", NULL);
                xw_grid_str(c, &g, 7, or->skipped, c->f.wrap);
                xw_grid_next(c, &g);
                continue;
            }
            const hn_fit_key *key = & or->fit->keys[k];
            lxw_format *f = key->estimate >= 1 ? c->f.mean_large : c->f.mean_small;
            dist_format(&key->fitted, dist, sizeof dist);
            xw_grid_str(c, &g, 2, key->name, NULL);
            xw_grid_num(c, &g, 3, key->estimate, f);
            xw_grid_num(c, &g, 4, key->se, f);
            xw_grid_num(c, &g, 5, key->lo, f);
            xw_grid_num(c, &g, 6, key->hi, f);
            xw_grid_str(c, &g, 7, dist, c->f.wrap);
            xw_grid_next(c, &g);
        }
    }
    int next = g.row;
    xw_grid_end(c, &g, -1);
    return next + 1;
}

/* Per-year arrays of one observed figure for its band chart. */
typedef struct {
    double p10[HN_MAX_YEARS], mean[HN_MAX_YEARS], p90[HN_MAX_YEARS];
    double used[HN_MAX_YEARS], held[HN_MAX_YEARS];
    char title[300];
} xb_figure;

/* The origin whose projection shows year y: the latest calibrated one at or before y (-1: none). */
static int origin_for(const hn_backtest *bt, int y)
{
    int best = -1;
    for (int o = 0; o < bt->n_origins; o++)
        if (bt->origins[o].fit && bt->origins[o].origin <= y) best = o;
    if (best < 0 && bt->holdout != HN_BACKTEST_ALL) best = 0;
    return best;
}

/* Fills figure f's arrays: the band (see origin_for) and the observations, used or held out. */
static void fill_figure(const xw_ctx *c, const hn_report_backtest *r, int f, xb_figure *x)
{
    const hn_backtest *bt = r->bt;
    int first = -1; /* the earliest origin calibrated: observations before it were only fitted */
    for (int o = 0; o < bt->n_origins && first < 0; o++)
        if (bt->origins[o].fit) first = bt->origins[o].origin;
    for (int y = 0; y < bt->years; y++) {
        int o = bt->holdout == HN_BACKTEST_ALL ? origin_for(bt, y) : 0;
        x->p10[y] = o >= 0 ? backtest_band(bt, o, f, y, 0) : NAN;
        x->mean[y] = o >= 0 ? backtest_band(bt, o, f, y, 1) : NAN;
        x->p90[y] = o >= 0 ? backtest_band(bt, o, f, y, 2) : NAN;
        x->used[y] = x->held[y] = NAN;
    }
    hn_metric m = HN_M__COUNT;
    hn_entity_kind kind = HN_ENT_TOTAL;
    int index = 0;
    for (int i = 0; i < r->history->n; i++) {
        const hn_observation *ob = &r->history->obs[i];
        if (observed_column(c->rep->lay, ob) - ob->year != bt->figure_col0[f]) continue;
        m = observed_metric(ob->metric);
        kind = observed_kind(ob->kind);
        index = ob->index;
        if (ob->year < first)
            x->used[ob->year] = ob->value;
        else
            x->held[ob->year] = ob->value;
    }
    snprintf(x->title, sizeof x->title, "%s: %s", xw_figure_label(m),
             c->rep->lay->labels[kind][index]);
}

/* The Back-test sheet. */
static void backtest_sheet(xw_ctx *c, void *user)
{
    const xb_user *u = user;
    const hn_report_backtest *r = u->r;
    const hn_backtest *bt = r->bt;
    lxw_worksheet *ws = xw_sheet(c, u->sheet);
    if (!ws) return;
    char text[1200], n[32];
    snprintf(text, sizeof text, "Back-test: %s", report_title(c->rep));
    xw_str(c, ws, 0, 0, text, c->f.title);
    report_thousands(bt->iterations, n, sizeof n);
    if (bt->holdout == HN_BACKTEST_ALL)
        snprintf(text, sizeof text,
                 "Rolling origin: at each origin the keys were calibrated on the years before it "
                 "and the scenario projected with %s iterations (seed %llu); the observations "
                 "from the origin on were scored.",
                 n, (unsigned long long)bt->seed);
    else
        snprintf(text, sizeof text,
                 "The last %d year%s of the history held out: the keys were calibrated on the "
                 "years before, the scenario projected with %s iterations (seed %llu) and the "
                 "held-out observations scored.",
                 bt->holdout, bt->holdout == 1 ? "" : "s", n, (unsigned long long)bt->seed);
    xw_str(c, ws, 1, 0, text, c->f.note);
    snprintf(text, sizeof text, "History %s (SHA-256 %s). Command: %s", r->history->path,
             r->history->sha256, c->rep->origin->command_line ? c->rep->origin->command_line : "");
    xw_str(c, ws, 2, 0, text, c->f.note);
    int row = scores(c, ws, 4, bt);
    xw_widths wd;
    row = scored_table(c, ws, row, r, &wd);
    row = fits_table(c, ws, row + 1, r, &wd);

    xb_figure *figs = calloc((size_t)(bt->n_figures > 0 ? bt->n_figures : 1), sizeof *figs);
    xw_band *bands = calloc((size_t)(bt->n_figures > 0 ? bt->n_figures : 1), sizeof *bands);
    if (!figs || !bands) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "the Back-test sheet's charts");
    } else {
        for (int f = 0; f < bt->n_figures; f++) {
            fill_figure(c, r, f, &figs[f]);
            hn_metric m =
                c->rep->lay->figures[bt->figure_col0[f] / (c->rep->lay->years + 1)].metric;
            lxw_format *fmt = xw_figure_format(c, m);
            bands[f] = (xw_band){ .title = figs[f].title,
                                  .p10 = figs[f].p10,
                                  .mean = figs[f].mean,
                                  .p90 = figs[f].p90,
                                  .observed = figs[f].used,
                                  .held_out = figs[f].held,
                                  .fmt = fmt };
        }
        int last = row;
        (void)xw_band_charts(c, ws, u->sheet, row + 1, bands, bt->n_figures, &last);
        xw_print_setup(c, ws, -1);
        xw_check(c, worksheet_print_area(ws, 0, 0, (lxw_row_t)last, 12), "setting the print area");
    }
    free(figs);
    free(bands);
}

hn_status report_write_backtest_xlsx(const hn_report_backtest *r, hn_error *err)
{
    xw_ctx c = { .rep = r->rep };
    xb_user u = { r, "Back-test" };
    return xw_write_workbook(&c, backtest_sheet, &u, err);
}
