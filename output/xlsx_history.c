/*
 * xlsx_history.c - observed beside projected: the History sheet, and the
 * band charts that it, the Back-test sheet and the Summary share.
 *
 * The History sheet (a run of a scenario with a history, MODEL.md section
 * 9) holds the "Observed" table: one row per observation, with the figure,
 * its entity, the academic year, the observed value, the projection's
 * mean, P10 and P90 for that figure and year, and whether the observation
 * falls inside the P10-P90 band (about 8 in 10 would, if the model is
 * honest and the band is the model's own). A deterministic run shows the
 * planned value and the difference instead. Beneath the table, one chart
 * per observed figure: the projection's mean as a line, its P10 and P90 as
 * dashed lines, the observations as points (docs/decisions.md H6), two
 * charts side by side. The cells the charts draw on are below them, under
 * "Data behind the charts", outside the print area.
 *
 * libxlsxwriter 1.1.4 cannot put points on an area chart (it cannot
 * combine chart types), so a chart with observations is a line chart whose
 * band is two dashed lines, as on the Comparison sheet; the Summary's fan
 * becomes such a chart when the net cost is observed
 * (xlsx_history_fan_chart).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_internal.h"

/* Colours: the band's dashed lines, the mean or median, observations, held-out observations. */
#define XH_BAND     0x4292C6
#define XH_OUTER    0x9ECAE1
#define XH_MEAN     0x08306B
#define XH_OBSERVED 0x252525
#define XH_HELD     0xE6550D
#define XH_BASELINE 0xC00000

/* Chart size (pixels) and the gap between two side by side; rows of 20 pixels. */
#define XH_CHART_W   480
#define XH_CHART_H   288
#define XH_CHART_GAP 16
#define XH_ROW_PX    20

/* Rows of the History sheet. */
enum { XH_ROW_TITLE = 0, XH_ROW_NOTE = 1, XH_ROW_NOTE2 = 2, XH_ROW_HEADER = 4 };

const char *xw_figure_label(hn_metric m)
{
    switch (m) {
    case HN_M_EXCLUSIONS: return "Permanent exclusions";
    case HN_M_REFERRALS: return "Referrals";
    case HN_M_EHCNA: return "EHC needs assessment requests";
    case HN_M_WAITING: return "Pupils waiting at the end of the year";
    case HN_M_SUPPORTED: return "Pupils supported";
    case HN_M_STARTS: return "Starts";
    case HN_M_OCCUPANCY: return "Average occupancy";
    case HN_M_NET_COST: return "Net cost";
    default: return metric_name(m);
    }
}

lxw_format *xw_figure_format(const xw_ctx *c, hn_metric m)
{
    return m == HN_M_NET_COST ? c->f.pounds : c->f.pupils;
}

/* "Permanent exclusions, Primary pupils at risk" for figure (m, k, index) into buf. */
static void figure_title(const xw_ctx *c, hn_metric m, hn_entity_kind k, int index, char *buf,
                         size_t cap)
{
    snprintf(buf, cap, "%s: %s", xw_figure_label(m), c->rep->lay->labels[k][index]);
}

/* Writes a labelled row of Y values from col0 (non-finite values: empty cells). */
static void values_row(xw_ctx *c, lxw_worksheet *ws, int row, int col0, const char *label,
                       const double *v, int Y, lxw_format *f)
{
    xw_str(c, ws, row, 0, label, NULL);
    for (int y = 0; y < Y; y++) xw_num(c, ws, row, col0 + y, v[y], f);
}

/* Lowest and highest finite value of the n arrays of Y values (NULL arrays skipped). */
static void limits(const double *const *arrays, int n, int Y, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int a = 0; a < n; a++)
        for (int y = 0; arrays[a] && y < Y; y++) {
            double v = arrays[a][y];
            if (!isfinite(v)) continue;
            if (v < *lo) *lo = v;
            if (v > *hi) *hi = v;
        }
    if (!isfinite(*lo)) *lo = *hi = 0;
}

/* A series drawn as points only: no line, a marker of colour color. */
static void points_style(lxw_chart_series *s, long color, uint8_t marker)
{
    if (!s) return;
    lxw_chart_line none = { .none = LXW_TRUE };
    chart_series_set_line(s, &none);
    chart_series_set_marker_type(s, marker);
    chart_series_set_marker_size(s, 8);
    lxw_chart_fill fill = { .color = (lxw_color_t)color };
    lxw_chart_line edge = { .color = (lxw_color_t)color };
    chart_series_set_marker_fill(s, &fill);
    chart_series_set_marker_line(s, &edge);
}

/* A series drawn as a line of colour color (dashed or not) without markers. */
static void line_style(lxw_chart_series *s, long color, double width, bool dashed)
{
    if (!s) return;
    xw_series_style(s, -1, 0, color, width, dashed);
    chart_series_set_marker_type(s, LXW_CHART_MARKER_NONE);
}

int xw_band_write(xw_ctx *c, lxw_worksheet *ws, const char *sheet, int row, const xw_band *b,
                  int chart_row, int chart_x)
{
    int Y = c->rep->lay->years, col0 = 1;
    char label[300];
    /* The categories: academic years. */
    xw_str(c, ws, row, 0, b->title, c->f.header_l);
    for (int y = 0; y < Y; y++) {
        char yl[16];
        layout_year_label(c->rep->lay, y, yl, sizeof yl);
        xw_str(c, ws, row, col0 + y, yl, c->f.header);
    }
    int cat = row++;
    struct {
        const char *name;
        const double *v;
        int row;
    } s[5] = { { b->deterministic ? "Planned" : "P10", b->deterministic ? b->mean : b->p10, -1 },
               { b->deterministic ? NULL : "Mean", b->deterministic ? NULL : b->mean, -1 },
               { b->deterministic ? NULL : "P90", b->deterministic ? NULL : b->p90, -1 },
               { b->held_out ? "Observed (calibrated on)" : "Observed", b->observed, -1 },
               { b->held_out ? "Observed (held out)" : NULL, b->held_out, -1 } };
    for (int i = 0; i < 5; i++) {
        if (!s[i].name || !s[i].v) continue;
        snprintf(label, sizeof label, "%s", s[i].name);
        s[i].row = row;
        values_row(c, ws, row++, col0, label, s[i].v, Y, b->fmt);
    }
    lxw_chart *ch = xw_chart(c, LXW_CHART_LINE, b->title);
    if (!ch) return row;
    xw_range cats = xw_row_range(cat, col0, col0 + Y - 1);
    lxw_chart_series *sr[5] = { NULL };
    for (int i = 0; i < 5; i++)
        if (s[i].row >= 0)
            sr[i] = xw_chart_series(c, ch, sheet, cats, xw_row_range(s[i].row, col0, col0 + Y - 1),
                                    s[i].row, 0);
    if (b->deterministic) {
        line_style(sr[0], XH_MEAN, 2.25, false);
    } else {
        line_style(sr[0], XH_BAND, 1.5, true);
        line_style(sr[1], XH_MEAN, 2.25, false);
        line_style(sr[2], XH_BAND, 1.5, true);
    }
    points_style(sr[3], XH_OBSERVED, LXW_CHART_MARKER_DIAMOND);
    points_style(sr[4], XH_HELD, LXW_CHART_MARKER_CIRCLE);
    const double *all[5] = { b->p10, b->mean, b->p90, b->observed, b->held_out };
    double lo, hi;
    limits(all, 5, Y, &lo, &hi);
    xw_chart_value_axis(ch, lo, hi, NULL, b->fmt == c->f.pounds ? "#,##0" : "#,##0");
    xw_chart_insert(c, ws, chart_row, 0, chart_x, 0, ch, XH_CHART_W, XH_CHART_H);
    return row;
}

/* Rows needed by one band chart, rounded up. */
static int chart_rows(void)
{
    return (XH_CHART_H + XH_ROW_PX - 1) / XH_ROW_PX + 1;
}

int xw_band_charts(xw_ctx *c, lxw_worksheet *ws, const char *sheet, int first_row,
                   const xw_band *bands, int n, int *last_printed)
{
    int per_row = 2, rows = chart_rows();
    int n_chart_rows = (n + per_row - 1) / per_row;
    int data_row = first_row + n_chart_rows * rows + 1;
    *last_printed = first_row + n_chart_rows * rows - 1;
    if (n == 0) return first_row;
    xw_str(c, ws, data_row++, 0, "Data behind the charts (not printed)", c->f.bold);
    for (int i = 0; i < n; i++) {
        int chart_row = first_row + (i / per_row) * rows;
        int x = (i % per_row) * (XH_CHART_W + XH_CHART_GAP);
        data_row = xw_band_write(c, ws, sheet, data_row, &bands[i], chart_row, x) + 1;
    }
    return data_row;
}

/* Per-year arrays of one observed figure: projection from the statistics, observations from rows. */
typedef struct {
    double p10[HN_MAX_YEARS], mean[HN_MAX_YEARS], p90[HN_MAX_YEARS], obs[HN_MAX_YEARS];
    char title[300];
} xh_figure;

/* Fills f for the figure of scored row r: projection of every year, observations of rows[0..n). */
static void fill_figure(const xw_ctx *c, const hn_scored *r, const hn_scored *rows, int n,
                        xh_figure *f)
{
    for (int y = 0; y < c->rep->lay->years; y++) {
        f->p10[y] = report_stat(c->rep, r->metric, r->kind, r->index, y, HN_STAT_P10);
        f->mean[y] = report_stat(c->rep, r->metric, r->kind, r->index, y, HN_STAT_MEAN);
        f->p90[y] = report_stat(c->rep, r->metric, r->kind, r->index, y, HN_STAT_P90);
        f->obs[y] = NAN;
    }
    for (int i = 0; i < n; i++) f->obs[rows[i].year] = rows[i].observed;
    figure_title(c, r->metric, r->kind, r->index, f->title, sizeof f->title);
}

/* Number of observed figures in o (its rows are grouped by figure). */
static int count_figures(const hn_observed *o)
{
    int n = 0;
    for (int i = 0; i < o->n; i++)
        n += i == 0 || o->rows[i].col - o->rows[i].year != o->rows[i - 1].col - o->rows[i - 1].year;
    return n;
}

/* "Yes", "No (below)" or "No (above)": where an observation falls against P10-P90. */
const char *xw_inside_text(const hn_scored *r)
{
    if (r->inside) return "Yes";
    return r->observed < r->p10 ? "No (below)" : "No (above)";
}

/* Writes the Observed table from XH_ROW_HEADER; returns the row after it. */
static int observed_table(xw_ctx *c, lxw_worksheet *ws, const hn_observed *o)
{
    bool det = o->deterministic;
    xw_grid g;
    xw_grid_begin(c, &g, ws, "ObservedTable", XH_ROW_HEADER, 0);
    xw_grid_column(c, &g, "Figure", false);
    xw_grid_column(c, &g, "Entity", false);
    xw_grid_column(c, &g, "Name", false);
    xw_grid_column(c, &g, "Year", false);
    xw_grid_column(c, &g, "Observed", true);
    if (det) {
        xw_grid_column(c, &g, "Planned", true);
        xw_grid_column(c, &g, "Planned - observed", true);
    } else {
        xw_grid_column(c, &g, "Mean", true);
        xw_grid_column(c, &g, "P10", true);
        xw_grid_column(c, &g, "P90", true);
        xw_grid_column(c, &g, "Inside P10-P90", false);
    }
    int line_col = xw_grid_column(c, &g, "History line", true);
    for (int i = 0; i < o->n; i++) {
        const hn_scored *r = &o->rows[i];
        lxw_format *f = xw_figure_format(c, r->metric);
        char name[160], year[16];
        layout_entity_name(c->rep->lay, r->kind, r->index, name, sizeof name);
        layout_year_label(c->rep->lay, r->year, year, sizeof year);
        xw_grid_str(c, &g, 0, xw_figure_label(r->metric), NULL);
        xw_grid_str(c, &g, 1, c->rep->lay->labels[r->kind][r->index], NULL);
        xw_grid_str(c, &g, 2, name, NULL);
        xw_grid_str(c, &g, 3, year, NULL);
        xw_grid_num(c, &g, 4, r->observed, f);
        if (det) {
            xw_grid_num(c, &g, 5, r->mean, f);
            xw_grid_num(c, &g, 6, r->mean - r->observed, f);
        } else {
            xw_grid_num(c, &g, 5, r->mean, f);
            xw_grid_num(c, &g, 6, r->p10, f);
            xw_grid_num(c, &g, 7, r->p90, f);
            xw_grid_str(c, &g, 8, xw_inside_text(r), NULL);
        }
        xw_grid_num(c, &g, line_col, r->obs->line, c->f.integer);
        xw_grid_next(c, &g);
    }
    int next = g.row;
    xw_grid_end(c, &g, 1);
    return next + 1;
}

/* Adds and writes the History sheet when the run has a history (see the file comment). */
void xlsx_sheet_history(xw_ctx *c)
{
    const hn_observed *o = c->rep->observed;
    if (!o || o->n == 0) return;
    const char *sheet = "History";
    lxw_worksheet *ws = xw_sheet(c, sheet);
    if (!ws) return;
    char text[700];
    xw_heading(c, "Observed beside projected", "mean, P10 and P90", text, sizeof text);
    xw_str(c, ws, XH_ROW_TITLE, 0, text, c->f.title);
    int inside = 0;
    for (int i = 0; i < o->n; i++) inside += o->rows[i].inside;
    if (o->deterministic)
        snprintf(text, sizeof text,
                 "%d observation%s from %s beside the planned figures (a Monte Carlo run adds "
                 "the P10-P90 band).",
                 o->n, o->n == 1 ? "" : "s", o->history->path);
    else
        snprintf(text, sizeof text,
                 "%d of %d observation%s from %s inside the projection's P10-P90 band; about 8 "
                 "in 10 would be if the model, with its uncertainty, describes the past well.",
                 inside, o->n, o->n == 1 ? "" : "s", o->history->path);
    xw_str(c, ws, XH_ROW_NOTE, 0, text, c->f.note);
    snprintf(text, sizeof text, "History file SHA-256 %s. Charts: the observations as points.",
             o->history->sha256);
    xw_str(c, ws, XH_ROW_NOTE2, 0, text, c->f.note);
    int row = observed_table(c, ws, o);

    int n = count_figures(o);
    xh_figure *figs = calloc((size_t)(n > 0 ? n : 1), sizeof *figs);
    xw_band *bands = calloc((size_t)(n > 0 ? n : 1), sizeof *bands);
    if (!figs || !bands) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "the History sheet's charts");
        free(figs);
        free(bands);
        return;
    }
    for (int i = 0, k = 0; i < o->n; k++) {
        int j = i;
        while (j < o->n && o->rows[j].col - o->rows[j].year == o->rows[i].col - o->rows[i].year)
            j++;
        fill_figure(c, &o->rows[i], &o->rows[i], j - i, &figs[k]);
        bands[k] = (xw_band){ .title = figs[k].title,
                              .deterministic = o->deterministic,
                              .p10 = figs[k].p10,
                              .mean = figs[k].mean,
                              .p90 = figs[k].p90,
                              .observed = figs[k].obs,
                              .fmt = xw_figure_format(c, o->rows[i].metric) };
        i = j;
    }
    int last = row;
    (void)xw_band_charts(c, ws, sheet, row + 1, bands, n, &last);
    free(figs);
    free(bands);
    xw_print_setup(c, ws, XH_ROW_HEADER);
    int last_col = o->deterministic ? 7 : 9;
    int chart_cols = 0;
    for (int px = 0; px < 2 * XH_CHART_W + XH_CHART_GAP; chart_cols++) px += xw_col_pixels(9);
    xw_check(c,
             worksheet_print_area(ws, 0, 0, (lxw_row_t)last,
                                  (lxw_col_t)(last_col > chart_cols ? last_col : chart_cols)),
             "setting the print area");
}

lxw_chart *xlsx_history_fan_chart(xw_ctx *c, const char *sheet, xw_range cats, int p5_row,
                                  int baseline_row, int observed_row, double lo, double hi)
{
    lxw_chart *ch =
        xw_chart(c, LXW_CHART_LINE, "Net cost per year, £'000: median, range and observed");
    if (!ch) return NULL;
    xw_chart_value_axis(ch, lo, hi, NULL, "#,##0");
    /* Percentile rows p5_row.. are P5, P25, P50, P75, P95 (xlsx_summary.c's chart data). */
    static const struct {
        long color;
        double width;
        bool dashed;
    } pct[5] = { { XH_OUTER, 1.25, true },
                 { XH_BAND, 1.5, true },
                 { XH_MEAN, 2.5, false },
                 { XH_BAND, 1.5, true },
                 { XH_OUTER, 1.25, true } };
    for (int k = 0; k < 5; k++) {
        lxw_chart_series *s = xw_chart_series(
            c, ch, sheet, cats, xw_row_range(p5_row + k, cats.c0, cats.c1), p5_row + k, 0);
        line_style(s, pct[k].color, pct[k].width, pct[k].dashed);
    }
    lxw_chart_series *b = xw_chart_series(
        c, ch, sheet, cats, xw_row_range(baseline_row, cats.c0, cats.c1), baseline_row, 0);
    line_style(b, XH_BASELINE, 1.75, true);
    lxw_chart_series *o = xw_chart_series(
        c, ch, sheet, cats, xw_row_range(observed_row, cats.c0, cats.c1), observed_row, 0);
    points_style(o, XH_OBSERVED, LXW_CHART_MARKER_DIAMOND);
    return ch;
}

void xlsx_history_observed_points(xw_ctx *c, lxw_chart *ch, const char *sheet, xw_range cats,
                                  int observed_row)
{
    lxw_chart_series *o = xw_chart_series(
        c, ch, sheet, cats, xw_row_range(observed_row, cats.c0, cats.c1), observed_row, 0);
    points_style(o, XH_OBSERVED, LXW_CHART_MARKER_DIAMOND);
}

bool xlsx_history_net_cost(const xw_ctx *c, double *v)
{
    const hn_observed *o = c->rep->observed;
    bool any = false;
    for (int y = 0; y < c->rep->lay->years; y++) v[y] = NAN;
    for (int i = 0; o && i < o->n; i++) {
        const hn_scored *r = &o->rows[i];
        if (r->metric != HN_M_NET_COST || r->kind != HN_ENT_TOTAL) continue;
        v[r->year] = r->observed;
        any = true;
    }
    return any;
}
