/*
 * xlsx_distribution.c - the Distribution sheet: how the headline figures spread.
 *
 * Left, an Excel table of percentiles: for the total net cost and the
 * cumulative payback (£'000), pupils supported and permanent exclusions,
 * the mean, sd, min, P5, P10, P25, P50, P75, P90, P95 and max of every
 * year and of all years (the CSV's `all`: the sum over the years, each
 * pupil once for pupils supported, the last year for the cumulative
 * payback). Right, a second table and its chart:
 * a histogram of the total net cost over all years, counted with
 * gsl_histogram over every iteration: about 20 bands of a round width (1,
 * 2, 2.5 or 5 times a power of ten) from P5 less a quarter of the P5-P95
 * spread to P95 plus a quarter, and an open band ("under X", "Y and over")
 * for each tail beyond, so that a long tail does not squash the middle
 * into a few bars; each band's share and the cumulative share are
 * formulas on the counts.
 *
 * A deterministic run has one planned value per figure and no
 * distribution: the table shows the planned values, labelled "Planned
 * (deterministic)", and the sheet says why there is no histogram; so does
 * a Monte Carlo run of a single iteration (in the words once used for a
 * workbook written without the per-iteration results, which every report
 * now has).
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_histogram.h>
#include <math.h>
#include <stdio.h>

#include "xlsx_internal.h"

enum {
    XD_ROW_TITLE = 0,
    XD_ROW_NOTE = 1,
    XD_ROW_HEADER = 3,
    XD_BANDS = 20,    /* round bands aimed at over the middle of the distribution */
    XD_MAX_BANDS = 60 /* at most, however the rounding falls */
};

/* Smallest histogram chart, pixels: it grows to the width of its table and down to the foot of the percentile table. */
#define XD_CHART_W 620
#define XD_CHART_H 340

/* The figures of the percentile table. */
static const struct {
    hn_metric m;
    const char *label;
    const char *unit;
    double scale;
} xd_figures[] = {
    { HN_M_NET_COST, "Net cost", "£'000", 1e-3 },
    { HN_M_CUMULATIVE_PAYBACK, "Cumulative payback", "£'000", 1e-3 },
    { HN_M_SUPPORTED, "Pupils supported", "pupils", 1 },
    { HN_M_EXCLUSIONS, "Permanent exclusions", "pupils", 1 },
};

/* The statistics of the percentile table, in order. */
static const struct {
    hn_stat st;
    const char *label;
} xd_stats[] = {
    { HN_STAT_MEAN, "Mean" }, { HN_STAT_SD, "SD" },   { HN_STAT_MIN, "Min" },
    { HN_STAT_P5, "P5" },     { HN_STAT_P10, "P10" }, { HN_STAT_P25, "P25" },
    { HN_STAT_P50, "P50" },   { HN_STAT_P75, "P75" }, { HN_STAT_P90, "P90" },
    { HN_STAT_P95, "P95" },   { HN_STAT_MAX, "Max" },
};

/* Writes the percentile table from column 0; returns the column after it. */
static int percentile_table(xw_ctx *c, lxw_worksheet *ws)
{
    bool det = c->rep->res->deterministic;
    xw_grid g;
    xw_grid_begin(c, &g, ws, "PercentilesTable", XD_ROW_HEADER, 0);
    xw_grid_column(c, &g, "Figure", false);
    xw_grid_column(c, &g, "Units", false);
    xw_grid_column(c, &g, "Statistic", false);
    int y1 = xw_grid_year_columns(c, &g, true);
    for (size_t i = 0; i < sizeof xd_figures / sizeof xd_figures[0]; i++) {
        lxw_format *f = xd_figures[i].scale == 1 ? c->f.pupils : c->f.thousands;
        size_t n = det ? 1 : sizeof xd_stats / sizeof xd_stats[0];
        for (size_t k = 0; k < n; k++) {
            xw_grid_str(c, &g, 0, xd_figures[i].label, NULL);
            xw_grid_str(c, &g, 1, xd_figures[i].unit, NULL);
            xw_grid_str(c, &g, 2, det ? "Planned" : xd_stats[k].label, NULL);
            for (int y = 0; y <= c->rep->lay->years; y++)
                xw_grid_num(
                    c, &g, y1 + y,
                    report_stat(c->rep, xd_figures[i].m, HN_ENT_TOTAL, 0, y, xd_stats[k].st) *
                        xd_figures[i].scale,
                    f);
            xw_grid_next(c, &g);
        }
    }
    int next = g.first_col + g.n_cols;
    xw_grid_end(c, &g, 0);
    return next;
}

/*
 * Counts v[0..n-1] (pounds), v[i] w[i] times (once each when w is NULL: a
 * streamed run gives its histogram's bins, stats.h), in bands of a round width over the middle of
 * the distribution, P5 - a quarter of (P95 - P5) to P95 + a quarter, about
 * XD_BANDS of them, plus an open band for each tail that holds values;
 * *tails says which (bit 0: low, bit 1: high); one band for all when
 * rounding leaves the bands no width. NULL on allocation failure, or when no
 * value is finite (then *tails is -1).
 */
static gsl_histogram *count_bands(const double *v, const long *w, long n, double p5, double p95,
                                  int *tails)
{
    double lo = INFINITY, hi = -INFINITY;
    for (long i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
    }
    if (!isfinite(lo)) {
        *tails = -1;
        return NULL;
    }
    double spread = p95 - p5;
    double core_lo = p5 - 0.25 * spread, core_hi = p95 + 0.25 * spread;
    if (!(spread > 0)) {
        core_lo = lo;
        core_hi = hi;
    }
    core_lo = core_lo < lo ? lo : core_lo;
    core_hi = core_hi > hi ? hi : core_hi;
    double range = core_hi - core_lo;
    if (!(range > 0)) range = fabs(hi) > 0 ? fabs(hi) * 0.01 : 1.0;
    double width = xw_nice_step(range, XD_BANDS);
    /* Bands [start + k width, start + (k + 1) width); core_hi falls inside the last. */
    double start = floor(core_lo / width) * width;
    size_t core = (size_t)floor((core_hi - start) / width) + 1;
    double end = start + (double)core * width;
    bool low = lo < start, high = hi >= end;
    *tails = (low ? 1 : 0) | (high ? 2 : 0);
    size_t bins = core + low + high;
    double edges[XD_MAX_BANDS + 3];
    if (core > XD_MAX_BANDS) return NULL;
    size_t k = 0;
    if (low) edges[k++] = lo;
    for (size_t b = 0; b <= core; b++) edges[k++] = start + (double)b * width;
    if (high) edges[k++] = nextafter(hi, INFINITY);
    gsl_histogram *h = gsl_histogram_alloc(bins);
    if (!h) return NULL;
    if (gsl_histogram_set_ranges(h, edges, bins + 1) != GSL_SUCCESS) {
        /* Edges that rounding made equal (a spread of a few units in the last place of large
         * values): one band holding every value. GSL's handler is off (decisions R19). */
        gsl_histogram_free(h);
        *tails = 0;
        h = gsl_histogram_alloc(1);
        if (!h || gsl_histogram_set_ranges_uniform(h, lo, nextafter(hi, INFINITY)) != GSL_SUCCESS) {
            if (h) gsl_histogram_free(h);
            return NULL;
        }
    }
    for (long i = 0; i < n; i++)
        if (isfinite(v[i]) &&
            gsl_histogram_accumulate(h, v[i], w ? (double)w[i] : 1.0) != GSL_SUCCESS) {
            gsl_histogram_free(h); /* cannot happen: the bands cover every finite value */
            return NULL;
        }
    return h;
}

/* Writes x (£'000) with separators and the given decimals into buf. */
static void format_k(double x, int decimals, char *buf, size_t cap)
{
    char whole[32];
    double r = round(x * pow(10, decimals)) / pow(10, decimals);
    report_thousands((long)trunc(r), whole, sizeof whole);
    if (decimals == 0) {
        snprintf(buf, cap, "%s", whole);
        return;
    }
    char frac[16];
    snprintf(frac, sizeof frac, "%.*f", decimals, fabs(r - trunc(r)));
    snprintf(buf, cap, "%s%s%s", r < 0 && trunc(r) == 0 ? "-" : "", whole, frac + 1);
}

/*
 * Writes the labels of the histogram's bars below the printed page, from
 * row on in column col under the heading "Data behind the chart (not
 * printed)", as the Summary keeps its charts' data: the lower edge of
 * every k-th core band, at round multiples of k band widths, the other
 * bars " " (a blank that LibreOffice does not number), k chosen so that
 * labels stand about 60 pixels apart in a chart chart_w pixels wide. So
 * the labels stay short and level in print, in Excel and LibreOffice alike
 * (which ignores a label interval). h's bands as counted, tails as
 * count_bands says. Returns the row of the first label.
 */
static int bar_labels(xw_ctx *c, lxw_worksheet *ws, const gsl_histogram *h, int tails, int decimals,
                      int col, int row, int chart_w)
{
    size_t bins = gsl_histogram_bins(h);
    double lower, upper;
    gsl_histogram_get_range(h, (tails & 1) ? 1 : 0, &lower, &upper);
    double width = upper - lower;
    int every = (int)ceil((double)bins * 60.0 / (chart_w > 160 ? chart_w - 100 : 60));
    xw_str(c, ws, row++, col, "Data behind the chart (not printed): the labels of its bars",
           c->f.bold);
    for (size_t b = 0; b < bins; b++) {
        gsl_histogram_get_range(h, b, &lower, &upper);
        bool tail = (b == 0 && (tails & 1)) || (b == bins - 1 && (tails & 2));
        char label[48] = " ";
        if (!tail && lround(lower / width) % every == 0)
            format_k(lower / 1000.0, decimals, label, sizeof label);
        xw_str(c, ws, row + (int)b, col, label, NULL);
    }
    return row;
}

/* Writes the histogram table at column col and its chart beneath; a note instead when there is none. */
static void histogram(xw_ctx *c, lxw_worksheet *ws, int col)
{
    const hn_results *r = c->rep->res;
    int Y = c->rep->lay->years;
    char total[32];
    snprintf(total, sizeof total, "%d-year net cost", Y);
    if (r->deterministic || r->n_iter < 2) {
        xw_str(c, ws, XD_ROW_HEADER, col,
               r->deterministic
                   ? "No histogram: a deterministic run has one planned value, not a distribution."
                   : "No histogram: the per-iteration results were not given to the writer.",
               c->f.note);
        return;
    }
    int vcol = layout_col(c->rep->lay, HN_M_NET_COST, HN_ENT_TOTAL, 0, Y);
    double p5 = report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, Y, HN_STAT_P5);
    double p95 = report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, Y, HN_STAT_P95);
    int tails = 0;
    const hn_stats *st = c->rep->st;
    gsl_histogram *h =
        vcol < 0 ? NULL
        : st && st->streamed
            ? count_bands(st->hist_value, st->hist_count, st->n_hist, p5, p95, &tails)
            : count_bands(r->values + (size_t)vcol * (size_t)r->n_kept, NULL, r->n_kept, p5, p95,
                          &tails);
    if (!h && tails < 0) { /* nothing to count: a note, not a failed workbook */
        xw_str(c, ws, XD_ROW_HEADER, col, "No histogram: no iteration has a finite net cost.",
               c->f.note);
        return;
    }
    if (!h) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "counting the histogram");
        return;
    }
    size_t bins = gsl_histogram_bins(h);
    double lower, upper;
    if (gsl_histogram_get_range(h, (tails & 1) && bins > 1 ? 1 : 0, &lower, &upper) !=
        GSL_SUCCESS) {
        gsl_histogram_free(h); /* cannot happen: the band exists (GSL's handler is off: R19) */
        xw_check(c, LXW_ERROR_PARAMETER_VALIDATION, "reading the histogram's bands");
        return;
    }
    double width = (upper - lower) / 1000.0; /* £'000 */
    int decimals = width >= 1 ? 0 : width >= 0.1 ? 1 : width >= 0.01 ? 2 : 3;
    lxw_format *kf = decimals ? c->f.mean_large : c->f.thousands;

    char head[64];
    xw_grid g;
    xw_grid_begin(c, &g, ws, "HistogramTable", XD_ROW_HEADER, col);
    snprintf(head, sizeof head, "%s band (£'000)", total);
    xw_grid_column(c, &g, head, false);
    xw_grid_column(c, &g, "From (£'000)", true);
    xw_grid_column(c, &g, "To (£'000)", true);
    xw_grid_column(c, &g, "Iterations", true);
    xw_grid_column(c, &g, "Share", true);
    xw_grid_column(c, &g, "Cumulative share", true);
    int first = g.row, last = g.row + (int)bins - 1;
    int count_col = col + 3, share_col = col + 4, cum_col = col + 5;
    char count_first[LXW_MAX_CELL_NAME_LENGTH], count_last[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell_abs(count_first, (lxw_row_t)first, (lxw_col_t)count_col, 1, 1);
    lxw_rowcol_to_cell_abs(count_last, (lxw_row_t)last, (lxw_col_t)count_col, 1, 1);
    double n = gsl_histogram_sum(h), cumulative = 0;
    for (size_t b = 0; b < bins; b++) {
        double k = gsl_histogram_get(h, b);
        if (gsl_histogram_get_range(h, b, &lower, &upper) != GSL_SUCCESS)
            lower = upper = NAN; /* cannot happen: b < bins */
        cumulative += k;
        char label[128], from[48], to[48];
        format_k(lower / 1000.0, decimals, from, sizeof from);
        format_k(upper / 1000.0, decimals, to, sizeof to);
        if (b == 0 && (tails & 1))
            snprintf(label, sizeof label, "under %s", to);
        else if (b == bins - 1 && (tails & 2))
            snprintf(label, sizeof label, "%s and over", from);
        else
            snprintf(label, sizeof label, "%s to %s", from, to);
        xw_grid_str(c, &g, 0, label, NULL);
        xw_grid_num(c, &g, 1, lower / 1000.0, kf);
        xw_grid_num(c, &g, 2, upper / 1000.0, kf);
        xw_grid_num(c, &g, 3, k, c->f.integer);

        char count[LXW_MAX_CELL_NAME_LENGTH], prev[LXW_MAX_CELL_NAME_LENGTH];
        char share[LXW_MAX_CELL_NAME_LENGTH], formula[96];
        lxw_rowcol_to_cell(count, (lxw_row_t)g.row, (lxw_col_t)count_col);
        lxw_rowcol_to_cell(share, (lxw_row_t)g.row, (lxw_col_t)share_col);
        snprintf(formula, sizeof formula, "=%s/SUM(%s:%s)", count, count_first, count_last);
        xw_grid_formula(c, &g, 4, formula, k / n, c->f.percent1);
        if (b == 0) {
            snprintf(formula, sizeof formula, "=%s", share);
        } else {
            lxw_rowcol_to_cell(prev, (lxw_row_t)(g.row - 1), (lxw_col_t)cum_col);
            snprintf(formula, sizeof formula, "=%s+%s", prev, share);
        }
        xw_grid_formula(c, &g, 5, formula, cumulative / n, c->f.percent1);
        xw_grid_next(c, &g);
    }
    xw_grid_end(c, &g, 0);

    /* The chart fills the width of its table and reaches down to the foot of the percentile
     * table (20 pixels a row). */
    int chart_w = xw_grid_pixels(&g) > XD_CHART_W ? xw_grid_pixels(&g) : XD_CHART_W;
    int pct_rows =
        (int)(sizeof xd_figures / sizeof *xd_figures * (sizeof xd_stats / sizeof *xd_stats));
    int height = (XD_ROW_HEADER + 1 + pct_rows - (last + 2)) * 20;
    height = height > XD_CHART_H ? height : XD_CHART_H;
    int last_printed = last + 2 + (height + 19) / 20;
    if (last_printed < XD_ROW_HEADER + pct_rows) last_printed = XD_ROW_HEADER + pct_rows;
    int labels = bar_labels(c, ws, h, tails, decimals, col, last_printed + 3, chart_w);
    gsl_histogram_free(h);
    xw_check(c, worksheet_print_area(ws, 0, 0, (lxw_row_t)last_printed, (lxw_col_t)cum_col),
             "setting the print area");

    char title[256], p10[48], p50[48], p90[48];
    format_k(report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, Y, HN_STAT_P10) / 1000.0, decimals,
             p10, sizeof p10);
    format_k(report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, Y, HN_STAT_P50) / 1000.0, decimals,
             p50, sizeof p50);
    format_k(report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, Y, HN_STAT_P90) / 1000.0, decimals,
             p90, sizeof p90);
    snprintf(title, sizeof title, "%s, £'000: P10 %s, median %s, P90 %s", total, p10, p50, p90);
    lxw_chart *ch = xw_chart(c, LXW_CHART_COLUMN, title);
    const char *sheet = "Distribution";
    lxw_chart_series *s =
        xw_chart_series(c, ch, sheet, (xw_range){ labels, col, labels + (int)bins - 1, col },
                        (xw_range){ first, count_col, last, count_col }, XD_ROW_HEADER, count_col);
    xw_series_style(s, 0x6BAED6, 0, 0x2171B5, 0.75, false);
    if (ch) {
        chart_set_series_gap(ch, 5);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        xw_axis_name(c, ch->x_axis,
                     "£'000: a label marks the lower edge of its bar; the end bars hold the tails");
        lxw_chart_font font = { .size = 9 };
        chart_axis_set_num_font(ch->x_axis, &font);
        xw_axis_name(c, ch->y_axis, "Iterations");
        chart_axis_set_num_format(ch->y_axis, "#,##0");
    }
    xw_chart_insert(c, ws, last + 2, col, 0, 0, ch, chart_w, height);
}

/* Adds and writes the Distribution sheet. */
void xlsx_sheet_distribution(xw_ctx *c)
{
    lxw_worksheet *ws = xw_sheet(c, "Distribution");
    if (!ws) return;
    char heading[200];
    xw_heading(c, "Distribution of the headline figures", "percentiles", heading, sizeof heading);
    xw_str(c, ws, XD_ROW_TITLE, 0, heading, c->f.title);
    xw_str(c, ws, XD_ROW_NOTE, 0,
           c->rep->res->deterministic
               ? "One planned value per figure; run without --deterministic for the range."
               : "Pn: n% of iterations are at or below it. All years: the sum over the years; "
                 "pupils supported counts each pupil once; for the cumulative payback, the last "
                 "year. Money in £'000, savings in brackets.",
           c->f.note);
    int next = percentile_table(c, ws);
    histogram(c, ws, next + 1);
    xw_width(c, ws, next, next, 3);
    xw_print_setup(c, ws, XD_ROW_HEADER);
}
