/*
 * xlsx_dsg.c - the "DSG plan" sheet: the High Needs Block in the shape of
 * a DSG management plan (MODEL.md section 8, issue 13), only for a
 * scenario with [dsg].
 *
 * On one A4 landscape page, printed like the Summary (xlsx_print.c):
 *   - the financial summary in £'000 per year: the allocation, transfers in,
 *     the spend by Section 251 line (each line's mean; a line with no money
 *     left out; "not assigned" last), total spend, the in-year position and
 *     the cumulative position (mean, P10, P90);
 *   - the deficit limit and the probability of staying within it, each
 *     year's target and the probability of meeting it;
 *   - the year-end of the statutory override (31 March of override_ends)
 *     marked in its column, and a sentence with the position projected
 *     there;
 *   - right of the tables, a chart of the cumulative position: the fan
 *     (P5-P95 and P25-P75 filled, as the Summary's), the mean, the deficit
 *     limit and the targets (dashed) as lines, all in one stacked area
 *     chart (band_data; libxlsxwriter 1.1.4 cannot combine an area chart
 *     with a line chart: decisions D7), and the override's year marked in
 *     the categories.
 * Transfers in are not a figure of their own: per iteration the in-year
 * position is allocation + transfers - spend, so their mean is mean(in-year)
 * - mean(allocation) + mean(spend), exactly. The limit and the targets are
 * the means of the scenario's values for each year. A deterministic run
 * shows the planned figures and one planned line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/domain.h"
#include "xlsx_internal.h"

enum {
    XD_ROW_TITLE = 0,
    XD_ROW_AUTHORITY = 1,
    XD_ROW_NOTE = 2,
    XD_ROW_SOURCE = 3,
    XD_ROW_HEADER = 4
};
enum { XD_COL_LABEL = 0, XD_COL_Y1 = 1 };

/* Chart geometry, pixels. */
#define XD_CHART_W 640
#define XD_CHART_H 600
#define XD_ROW_PX  20
#define XD_GAP_W   2.0

/* Colours: the fan as the Summary's, the limit red, the targets green. */
#define XD_OUTER          0x9ECAE1
#define XD_INNER          0x4292C6
#define XD_MEAN           0x08306B
#define XD_LIMIT          0xC00000
#define XD_TARGET         0x238B45
#define XD_CLEAR          45 /* the bands' transparency, as the Summary's */
#define XD_MAX_BANDS_ROWS 10

/* The percentile rows of the chart's data, for the reader (band_data draws the chart's bands
 * from the same statistics). */
static const struct {
    hn_stat stat;
    const char *label;
} xd_fan[] = { { HN_STAT_P5, "Cumulative position, P5" },
               { HN_STAT_P25, "Cumulative position, P25" },
               { HN_STAT_MEAN, "Cumulative position, mean" },
               { HN_STAT_P75, "Cumulative position, P75" },
               { HN_STAT_P95, "Cumulative position, P95" } };
#define XD_FAN_N 5

/* The sheet being written. */
typedef struct {
    xw_ctx *c;
    lxw_worksheet *ws;
    const hn_dsg *d;
    int Y;
    int row;        /* next free row */
    int override_y; /* the year (0-based) ending on 31 March of override_ends; -1: none */
    bool det;       /* a deterministic run */
    xw_widths wd;   /* widths of the table's cells */
    int cat_row;    /* chart data: the categories */
    int fan_row;    /* first of the XD_FAN_N rows (Monte Carlo) or the planned row */
    int limit_row;  /* -1: no deficit limit */
    int target_row; /* -1: no targets */
    int band_row;   /* Monte Carlo: first of the n_bands rows the stacked chart draws */
    int n_bands;
    int band_of[XD_MAX_BANDS_ROWS]; /* the xd_bands entry of each of those rows */
    int last_printed;               /* last row of the page */
} xd_sheet;

/* Mean of figure (m, total) in year y, pounds. */
static double mean_of(const xd_sheet *s, hn_metric m, int y)
{
    return report_stat(s->c->rep, m, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
}

/* Text in the table, its width noted. */
static void put_str(xd_sheet *s, int row, int col, const char *text, lxw_format *f)
{
    xw_str(s->c, s->ws, row, col, text, f);
    xw_widths_str(&s->wd, col, text,
                  f == s->c->f.bold || f == s->c->f.header || f == s->c->f.header_l);
}

/* A row of the table: label, then v[0..Y) (pounds, shown in £'000) or probabilities. */
static void value_row(xd_sheet *s, const char *label, const double *v, bool prob, bool bold)
{
    xw_ctx *c = s->c;
    put_str(s, s->row, XD_COL_LABEL, label, bold ? c->f.bold : NULL);
    for (int y = 0; y < s->Y; y++) {
        lxw_format *f = prob ? c->f.percent : bold ? c->f.thousands_b : c->f.thousands;
        double x = prob ? v[y] : v[y] / 1000.0;
        xw_num(c, s->ws, s->row, XD_COL_Y1 + y, x, f);
        xw_widths_num(c, &s->wd, XD_COL_Y1 + y, x, f);
    }
    s->row++;
}

/* A row of the mean of figure (m, kind, index) per year. */
static void figure_row(xd_sheet *s, const char *label, hn_metric m, hn_entity_kind k, int index,
                       hn_stat st, bool bold)
{
    double v[HN_MAX_YEARS];
    for (int y = 0; y < s->Y; y++) v[y] = report_stat(s->c->rep, m, k, index, y, st);
    value_row(s, label, v, metric_is_probability(m), bold);
}

/* The title block: what the sheet is, the authority, the basis of the figures. */
static void title_block(xd_sheet *s)
{
    xw_ctx *c = s->c;
    char first[16], last[16], text[400], heading[200];
    layout_year_label(c->rep->lay, 0, first, sizeof first);
    layout_year_label(c->rep->lay, s->Y - 1, last, sizeof last);
    snprintf(text, sizeof text, "DSG management plan: High Needs Block position, %s to %s", first,
             last);
    xw_str(c, s->ws, XD_ROW_TITLE, XD_COL_LABEL, text, c->f.title);
    xw_str(c, s->ws, XD_ROW_AUTHORITY, XD_COL_LABEL, c->rep->sc->authority, c->f.subtitle);
    xw_heading(c, "Figures", "means", heading, sizeof heading);
    snprintf(text, sizeof text,
             "%s. £'000; a negative position is a deficit. Spend is the scenario's net cost "
             "plus the High Needs spend it does not model line by line.",
             heading);
    xw_str(c, s->ws, XD_ROW_NOTE, XD_COL_LABEL, text, c->f.note);
    /* Where the [dsg] figures come from (its `note`): they are often assumptions, and the page
     * must not pass them off as the council's. Merged across the table, wrapped. */
    if (s->d->note && *s->d->note) {
        snprintf(text, sizeof text, "Source of the figures ([dsg] note): %s", s->d->note);
        if (!c->err)
            xw_check(c,
                     worksheet_merge_range(s->ws, XD_ROW_SOURCE, XD_COL_LABEL, XD_ROW_SOURCE,
                                           (lxw_col_t)(XD_COL_Y1 + s->Y - 1), "", c->f.wrap),
                     "merging the DSG plan's source note");
        xw_str(c, s->ws, XD_ROW_SOURCE, XD_COL_LABEL, text, c->f.wrap);
        xw_row_height(c, s->ws, XD_ROW_SOURCE, strlen(text) > 150 ? 30.0 : 15.0);
    }
}

/* The heading row: the years, the override's year marked. */
static void header_row(xd_sheet *s, const char *label)
{
    xw_ctx *c = s->c;
    put_str(s, s->row, XD_COL_LABEL, label, c->f.header_l);
    for (int y = 0; y < s->Y; y++) {
        char text[32];
        layout_year_label(c->rep->lay, y, text, sizeof text);
        put_str(s, s->row, XD_COL_Y1 + y, text, c->f.header);
    }
    s->row++;
}

/* The financial summary: allocation, transfers, spend by line, positions. */
static void financial_summary(xd_sheet *s)
{
    xw_ctx *c = s->c;
    const hn_layout *lay = c->rep->lay;
    s->row = XD_ROW_HEADER;
    header_row(s, "Financial summary, £'000");
    figure_row(s, "High Needs Block allocation", HN_M_DSG_ALLOCATION, HN_ENT_TOTAL, 0, HN_STAT_MEAN,
               false);
    double v[HN_MAX_YEARS];
    for (int y = 0; y < s->Y; y++)
        v[y] = mean_of(s, HN_M_DSG_IN_YEAR, y) - mean_of(s, HN_M_DSG_ALLOCATION, y) +
               mean_of(s, HN_M_DSG_SPEND, y);
    value_row(s, "Transfers in (Schools Block)", v, false, false);
    put_str(s, s->row++, XD_COL_LABEL, "Spend by Section 251 line", c->f.bold);
    for (int i = 0; i < lay->count[HN_ENT_S251]; i++) {
        bool money = false;
        for (int y = 0; y < s->Y; y++) {
            double m = report_stat(c->rep, HN_M_DSG_SPEND, HN_ENT_S251, i, y, HN_STAT_MEAN);
            money |= isfinite(m) && fabs(m) >= 0.5;
        }
        if (!money) continue;
        char label[160];
        int line = lay->s251_line[i];
        if (line == HN_S251_NONE)
            snprintf(label, sizeof label, "  Not assigned to a line");
        else
            snprintf(label, sizeof label, "  %s %s", lay->names[HN_ENT_S251][i],
                     lay->labels[HN_ENT_S251][i]);
        figure_row(s, label, HN_M_DSG_SPEND, HN_ENT_S251, i, HN_STAT_MEAN, false);
    }
    figure_row(s, "Total High Needs spend", HN_M_DSG_SPEND, HN_ENT_TOTAL, 0, HN_STAT_MEAN, true);
    /* Brought forward: the opening balance, then the year before's cumulative position, so that
     * brought forward + in-year = cumulative can be read off the page (means add up). */
    for (int y = 0; y < s->Y; y++)
        v[y] = y == 0 ? dist_mean(param_item(&s->d->opening_balance, 0))
                      : mean_of(s, HN_M_DSG_BALANCE, y - 1);
    value_row(s, "Balance brought forward", v, false, false);
    figure_row(s, "In-year position", HN_M_DSG_IN_YEAR, HN_ENT_TOTAL, 0, HN_STAT_MEAN, true);
    if (s->det) {
        figure_row(s, "Cumulative position (planned)", HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0,
                   HN_STAT_MEAN, true);
    } else {
        figure_row(s, "Cumulative position, mean", HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, HN_STAT_MEAN,
                   true);
        figure_row(s, "Cumulative position, P10", HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, HN_STAT_P10,
                   false);
        figure_row(s, "Cumulative position, P90", HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, HN_STAT_P90,
                   false);
    }
}

/* The mean of each year's value of p into v, pounds, times sign. */
static void param_means(const xd_sheet *s, const hn_param *p, double sign, double *v)
{
    for (int y = 0; y < s->Y; y++) v[y] = sign * dist_mean(param_item(p, y));
}

/* The deficit limit, the targets, their probabilities, and the override's row. */
static void plan_tests(xd_sheet *s)
{
    xw_ctx *c = s->c;
    double v[HN_MAX_YEARS];
    s->row++;
    header_row(s, "Recovery plan");
    if (s->d->deficit_limit.set) {
        param_means(s, &s->d->deficit_limit, -1, v);
        value_row(s, "Deficit limit, £'000", v, false, false);
        figure_row(s, "Probability within the deficit limit", HN_M_DSG_WITHIN_LIMIT, HN_ENT_TOTAL,
                   0, HN_STAT_MEAN, false);
    }
    if (s->d->targets.set) {
        param_means(s, &s->d->targets, 1, v);
        value_row(s, "Target year-end position, £'000", v, false, false);
        figure_row(s, "Probability of meeting the target", HN_M_DSG_ON_TARGET, HN_ENT_TOTAL, 0,
                   HN_STAT_MEAN, false);
    }
    if (s->override_y >= 0) {
        char text[48];
        put_str(s, s->row, XD_COL_LABEL, "Statutory override", NULL);
        snprintf(text, sizeof text, "ends 31/3/%d", s->d->override_ends);
        put_str(s, s->row, XD_COL_Y1 + s->override_y, text, c->f.header);
        s->row++;
    }
}

/* "a deficit of £7,212k" or "a surplus of £1,193k" for pounds v, into buf. */
static void position_words(double v, char *buf, size_t cap)
{
    char k[32];
    report_thousands(lround(fabs(v) / 1000.0), k, sizeof k);
    snprintf(buf, cap, "%s of £%sk", v < 0 ? "a deficit" : "a surplus", k);
}

/* The sentences on the override's end, two lines under the tables: the position projected there,
 * or that it falls outside the years. */
static void override_note(xd_sheet *s)
{
    xw_ctx *c = s->c;
    if (!s->d->override_ends) return;
    char one[200], two[600], year[16], mean[64], p10[64], p90[64], extra[160] = "";
    int y = s->override_y;
    s->row++;
    if (y < 0) {
        snprintf(one, sizeof one,
                 "The statutory override ends on 31 March %d, outside the years modelled.",
                 s->d->override_ends);
        xw_str(c, s->ws, s->row++, XD_COL_LABEL, one, c->f.note);
        return;
    }
    layout_year_label(c->rep->lay, y, year, sizeof year);
    snprintf(one, sizeof one, "The statutory override ends on 31 March %d, at the end of %s.",
             s->d->override_ends, year);
    position_words(mean_of(s, HN_M_DSG_BALANCE, y), mean, sizeof mean);
    if (s->det) {
        snprintf(two, sizeof two, "The planned cumulative position then: %s.", mean);
    } else {
        position_words(report_stat(c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, HN_STAT_P10), p10,
                       sizeof p10);
        position_words(report_stat(c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, HN_STAT_P90), p90,
                       sizeof p90);
        if (s->d->deficit_limit.set)
            snprintf(extra, sizeof extra, "; within the deficit limit with probability %.0f%%",
                     100 * mean_of(s, HN_M_DSG_WITHIN_LIMIT, y));
        snprintf(two, sizeof two,
                 "Projected cumulative position then: %s on average (P10 %s, P90 %s)%s.", mean, p10,
                 p90, extra);
    }
    xw_str(c, s->ws, s->row++, XD_COL_LABEL, one, c->f.note);
    xw_str(c, s->ws, s->row++, XD_COL_LABEL, two, c->f.note);
}

/* A row of chart data: label and v[0..Y) pounds, shown in £'000. */
static int data_row(xd_sheet *s, int row, const char *label, const double *v)
{
    xw_str(s->c, s->ws, row, XD_COL_LABEL, label, NULL);
    for (int y = 0; y < s->Y; y++)
        xw_num(s->c, s->ws, row, XD_COL_Y1 + y, v[y] / 1000.0, s->c->f.thousands);
    return row + 1;
}

/*
 * The series of the Monte Carlo chart, a stacked area (as the Summary's fan:
 * libxlsxwriter 1.1.4 cannot combine an area chart with lines): a base up
 * to P5 that is not drawn, the bands P5-P25, P25-P75 and P75-P95, then each
 * line (the mean, the deficit limit, the targets) drawn as a band of height
 * 0 reached by an undrawn step from the level before it, so that the line's
 * outline lies at its own level. A row of data per series, in this order.
 */
typedef enum { XD_HIDDEN, XD_BAND_OUTER, XD_BAND_INNER, XD_LINE } xd_band_kind;
#define XD_MAX_BANDS XD_MAX_BANDS_ROWS
static const struct {
    xd_band_kind kind;
    const char *label;  /* the data row's label */
    const char *legend; /* NULL: not in the legend */
} xd_bands[XD_MAX_BANDS] = {
    { XD_HIDDEN, "Base: P5 (not drawn)", NULL },
    { XD_BAND_OUTER, "Band: P25 less P5", "P5 to P95" },
    { XD_BAND_INNER, "Band: P75 less P25", "P25 to P75" },
    { XD_BAND_OUTER, "Band: P95 less P75", NULL },
    { XD_HIDDEN, "Step to the mean (not drawn)", NULL },
    { XD_LINE, "Line: the mean", "Mean" },
    { XD_HIDDEN, "Step to the deficit limit (not drawn)", NULL },
    { XD_LINE, "Line: the deficit limit", "Deficit limit" },
    { XD_HIDDEN, "Step to the target (not drawn)", NULL },
    { XD_LINE, "Line: the target", "Target" },
};

/* Writes the stacked chart's rows from row (Monte Carlo): s->band_row, s->n_bands (the limit's
 * and the targets' two rows left out when the scenario has none). */
static void band_data(xd_sheet *s, int row)
{
    double pct[4][HN_MAX_YEARS], v[HN_MAX_YEARS], level[HN_MAX_YEARS];
    static const hn_stat st[4] = { HN_STAT_P5, HN_STAT_P25, HN_STAT_P75, HN_STAT_P95 };
    for (int k = 0; k < 4; k++)
        for (int y = 0; y < s->Y; y++)
            pct[k][y] = report_stat(s->c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, st[k]);
    s->band_row = row;
    s->n_bands = 0;
    for (int b = 0; b < XD_MAX_BANDS; b++) {
        bool limit = b == 6 || b == 7, target = b == 8 || b == 9;
        if ((limit && !s->d->deficit_limit.set) || (target && !s->d->targets.set)) continue;
        double to[HN_MAX_YEARS];
        if (b >= 4 && xd_bands[b].kind == XD_HIDDEN) {
            if (b == 4)
                for (int y = 0; y < s->Y; y++)
                    to[y] =
                        report_stat(s->c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
            else
                param_means(s, limit ? &s->d->deficit_limit : &s->d->targets, limit ? -1 : 1, to);
        }
        for (int y = 0; y < s->Y; y++) {
            if (b < 4) /* the base and the bands: P5, then the differences of percentiles */
                v[y] = b == 0 ? pct[0][y]
                              : pct[b == 1   ? 1
                                    : b == 2 ? 2
                                             : 3][y] -
                                    pct[b == 1   ? 0
                                        : b == 2 ? 1
                                                 : 2][y];
            else
                v[y] = xd_bands[b].kind == XD_LINE ? 0 : to[y] - level[y];
            level[y] = b == 0 ? v[y] : level[y] + v[y];
        }
        row = data_row(s, row, xd_bands[b].label, v);
        s->band_of[s->n_bands++] = b;
    }
}

/* The data behind the chart, below the printed page. */
static void chart_data(xd_sheet *s)
{
    xw_ctx *c = s->c;
    int row = s->last_printed + 3;
    double v[HN_MAX_YEARS] = { 0 };
    xw_str(c, s->ws, row++, XD_COL_LABEL, "Data behind the chart (not printed)", c->f.bold);
    s->cat_row = row;
    xw_str(c, s->ws, row, XD_COL_LABEL, "Cumulative position £'000", c->f.header_l);
    for (int y = 0; y < s->Y; y++) {
        char label[48];
        layout_year_label(c->rep->lay, y, label, sizeof label);
        if (y == s->override_y) snprintf(label + strlen(label), 24, " (override ends)");
        xw_str(c, s->ws, row, XD_COL_Y1 + y, label, c->f.header);
    }
    row++;
    s->fan_row = row;
    for (int k = 0; k < (s->det ? 1 : XD_FAN_N); k++) {
        hn_stat st = s->det ? HN_STAT_MEAN : xd_fan[k].stat;
        for (int y = 0; y < s->Y; y++)
            v[y] = report_stat(c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, st);
        row = data_row(s, row, s->det ? "Cumulative position (planned)" : xd_fan[k].label, v);
    }
    s->limit_row = s->target_row = -1;
    if (s->d->deficit_limit.set) {
        param_means(s, &s->d->deficit_limit, -1, v);
        s->limit_row = row;
        row = data_row(s, row, "Deficit limit", v);
    }
    if (s->d->targets.set) {
        param_means(s, &s->d->targets, 1, v);
        s->target_row = row;
        row = data_row(s, row, "Target", v);
    }
    if (!s->det) band_data(s, row + 1);
}

/* Lowest and highest value of the chart's data, £'000. */
static void chart_limits(const xd_sheet *s, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    hn_stat a = s->det ? HN_STAT_MEAN : HN_STAT_P5, b = s->det ? HN_STAT_MEAN : HN_STAT_P95;
    double v[HN_MAX_YEARS];
    for (int y = 0; y < s->Y; y++) {
        *lo = fmin(*lo, report_stat(s->c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, a) / 1000);
        *hi = fmax(*hi, report_stat(s->c->rep, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, b) / 1000);
    }
    for (int which = 0; which < 2; which++) {
        const hn_param *p = which ? &s->d->targets : &s->d->deficit_limit;
        if (!p->set) continue;
        param_means(s, p, which ? 1 : -1, v);
        for (int y = 0; y < s->Y; y++) {
            *lo = fmin(*lo, v[y] / 1000);
            *hi = fmax(*hi, v[y] / 1000);
        }
    }
    *hi = fmax(*hi, 0); /* the balance line: 0 */
    *lo = fmin(*lo, 0);
}

/* Names the x axis after the override's end, when it falls within the years. */
static void override_axis(xd_sheet *s, lxw_chart *ch)
{
    if (s->override_y < 0) return;
    char name[120];
    snprintf(name, sizeof name, "The statutory override ends on 31 March %d", s->d->override_ends);
    xw_axis_name(s->c, ch->x_axis, name);
    lxw_chart_font font = { .bold = LXW_FALSE, .size = 9 };
    chart_axis_set_name_font(ch->x_axis, &font);
}

/* Sets ch's axes - the value axis over the chart's data, the years at its foot, the override's
 * end in the axis title - and returns ch. */
static lxw_chart *chart_axes(xd_sheet *s, lxw_chart *ch)
{
    double lo, hi;
    chart_limits(s, &lo, &hi);
    xw_chart_value_axis(ch, lo, hi, NULL, "#,##0");
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    override_axis(s, ch);
    return ch;
}

/*
 * The Monte Carlo chart of the cumulative position: the stacked area of
 * band_data - the fan's bands filled as the Summary's, the mean, the
 * deficit limit and the targets as lines (the last two dashed). NULL after
 * an error.
 */
static lxw_chart *fan_chart(xd_sheet *s, const char *sheet)
{
    xw_ctx *c = s->c;
    lxw_chart *ch =
        xw_chart(c, LXW_CHART_AREA_STACKED, "Cumulative DSG position, £'000: mean and range");
    if (!ch) return NULL;
    xw_range cats = xw_row_range(s->cat_row, XD_COL_Y1, XD_COL_Y1 + s->Y - 1);
    int16_t hidden[XD_MAX_BANDS_ROWS + 1];
    int n_hidden = 0;
    for (int i = 0; i < s->n_bands; i++) {
        int b = s->band_of[i];
        lxw_chart_series *sr =
            xw_chart_series(c, ch, sheet, cats,
                            xw_row_range(s->band_row + i, XD_COL_Y1, XD_COL_Y1 + s->Y - 1), -1, 0);
        if (!sr) return ch;
        xw_series_name(c, sr, xd_bands[b].legend ? xd_bands[b].legend : xd_bands[b].label);
        if (!xd_bands[b].legend) hidden[n_hidden++] = (int16_t)i;
        switch (xd_bands[b].kind) {
        case XD_HIDDEN: xw_series_style(sr, -1, 0, -1, 0, false); break;
        case XD_BAND_OUTER: xw_series_style(sr, XD_OUTER, XD_CLEAR, -1, 0, false); break;
        case XD_BAND_INNER: xw_series_style(sr, XD_INNER, XD_CLEAR, -1, 0, false); break;
        case XD_LINE:
            xw_series_style(sr, -1, 0,
                            b == 5   ? XD_MEAN
                            : b == 7 ? XD_LIMIT
                                     : XD_TARGET,
                            b == 5 ? 2.5 : 1.75, b != 5);
            break;
        }
    }
    hidden[n_hidden] = -1;
    if (n_hidden) xw_check(c, chart_legend_delete_series(ch, hidden), "hiding legend entries");
    return chart_axes(s, ch);
}

/* The chart of the cumulative position: the fan (Monte Carlo), or the planned line with the
 * limit and the targets, dashed (deterministic). NULL after an error. */
static lxw_chart *position_chart(xd_sheet *s, const char *sheet)
{
    if (!s->det) return fan_chart(s, sheet);
    xw_ctx *c = s->c;
    lxw_chart *ch =
        xw_chart(c, LXW_CHART_LINE, "Cumulative DSG position, £'000: Planned (deterministic)");
    if (!ch) return NULL;
    xw_range cats = xw_row_range(s->cat_row, XD_COL_Y1, XD_COL_Y1 + s->Y - 1);
    static const struct {
        long color;
        double width;
        bool dashed;
    } style[3] = { { XD_MEAN, 2.5, false }, { XD_LIMIT, 1.75, true }, { XD_TARGET, 1.75, true } };
    int rows[3] = { s->fan_row, s->limit_row, s->target_row };
    for (int k = 0; k < 3; k++) {
        if (rows[k] < 0) continue;
        lxw_chart_series *sr = xw_chart_series(
            c, ch, sheet, cats, xw_row_range(rows[k], XD_COL_Y1, XD_COL_Y1 + s->Y - 1), rows[k],
            XD_COL_LABEL);
        xw_series_style(sr, -1, 0, style[k].color, style[k].width, style[k].dashed);
    }
    return chart_axes(s, ch);
}

/* Adds and writes the DSG plan sheet when the scenario has [dsg] (see xlsx_internal.h). */
void xlsx_sheet_dsg(xw_ctx *c)
{
    const hn_run_report *r = c->rep;
    if (!r->lay->has_dsg || r->sc->n_dsg < 1) return;
    const char *sheet = "DSG plan";
    lxw_worksheet *ws = xw_sheet(c, sheet);
    if (!ws) return;
    xd_sheet s = { .c = c, .ws = ws, .d = &r->sc->dsg[0], .Y = r->lay->years };
    s.det = r->res->deterministic;
    s.override_y = s.d->override_ends ? s.d->override_ends - 1 - r->sc->start_year : -1;
    if (s.override_y >= s.Y) s.override_y = -1;
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    title_block(&s);
    financial_summary(&s);
    plan_tests(&s);
    override_note(&s);

    int chart_col = XD_COL_Y1 + s.Y + 1;
    xw_widths_apply(c, ws, &s.wd, XD_COL_LABEL, XD_COL_LABEL, 30, 80);
    xw_widths_apply(c, ws, &s.wd, XD_COL_Y1, XD_COL_Y1 + s.Y - 1, 9, 16);
    xw_width(c, ws, chart_col - 1, chart_col - 1, XD_GAP_W);
    xw_width(c, ws, chart_col, chart_col, (XD_CHART_W - 5) / 7.0);
    int chart_rows = XD_ROW_HEADER + (XD_CHART_H + XD_ROW_PX - 1) / XD_ROW_PX;
    s.last_printed = s.row > chart_rows ? s.row : chart_rows;
    chart_data(&s);
    xw_print_setup(c, ws, -1);
    xw_chart_insert(c, ws, XD_ROW_HEADER, chart_col, 0, 0, position_chart(&s, sheet), XD_CHART_W,
                    XD_CHART_H);
    xw_print_one_page(c, ws, s.last_printed, chart_col);
}
