/*
 * xlsx_summary.c - the Summary sheet: the page a Schools Forum appendix shows.
 *
 * Left, from the top: a title block (title, authority, an "Appendix" line,
 * run date, iterations or "Planned (deterministic)", seed); the
 * costed-plan table of a Schools Forum paper (paragraph 6.2 of
 * seeds/001): a Baseline column, one column per academic year and a total,
 * in £'000, with the rows "Cost of proposal" (the baseline, then the mean
 * total net cost of each year), "In year costs compared to baseline" and
 * "Cumulative payback". The last two rows and the totals are live formulas
 * on the cost row with their values cached, so a viewer that does not
 * recalculate shows them and an officer who edits a cost sees the payback
 * move. Values are pounds / 1000 at full precision; the format rounds and
 * shows savings in brackets.
 *
 * Beneath, in a Monte Carlo run, the uncertainty: P10 / P50 / P90 of the
 * cost and of the cumulative payback, two payback probabilities per year
 * (paid back at the end of the year, which can fall again; the payback
 * year reached and held by then, MODEL.md section 5), P(within budget)
 * when there is a budget, and pupils supported (the total column: each
 * pupil once over the years), the net cost per pupil supported (the
 * Bromley paper's unit cost, para 6.1; over all years per distinct pupil)
 * and permanent exclusions (mean, P10, P90). A deterministic run shows
 * the planned pupil figures and cost per pupil only, and says "Planned
 * (deterministic)".
 *
 * Right: two charts. The fan of net cost per year is a stacked area chart
 * (libxlsxwriter 1.1.4 cannot combine an area and a line chart): an
 * undrawn base at P5, then bands P5-P25 and P75-P95 (light), P25-P50 and
 * P50-P75 (dark), and between them a band of zero height whose outline is
 * the median line; the baseline is the horizontal axis itself, made to
 * cross the value axis at the baseline and drawn as a dashed red line
 * (labels stay at the bottom). In deterministic mode it is a line chart of
 * the planned net cost and the baseline. The second chart stacks the mean
 * pupils supported by each provision per year (a pupil who moves between
 * provisions counts in each).
 *
 * The charts read a block of cells under the printed page, "Data behind
 * the charts": the percentiles, the band heights (formulas on the
 * percentiles) and the pupils by provision. Everything refers to cells of
 * the sheet being written, whatever its name, so a comparison workbook can
 * write one Summary per option (xlsx_sheet_summary with the context
 * switched). The print area is the title block, tables and charts, on one
 * A4 landscape page.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "xlsx_internal.h"

/* Fixed rows and columns (0-based). Rows below the plan table follow one another. */
enum {
    XS_ROW_TITLE = 0,
    XS_ROW_AUTHORITY = 1,
    XS_ROW_APPENDIX = 2,
    XS_ROW_RUN_DATE = 3,
    XS_ROW_ITERATIONS = 4,
    XS_ROW_SEED = 5,
    XS_ROW_HEADER = 7,
    XS_ROW_UNITS = 8,
    XS_ROW_COST = 9,
    XS_ROW_IN_YEAR = 10,
    XS_ROW_CUMULATIVE = 11,
    XS_ROW_NOTE = 12,
    XS_ROW_BAND = 14,
    XS_COL_LABEL = 0,
    XS_COL_BASELINE = 1,
    XS_COL_Y1 = 2
};

/* Chart geometry, pixels; a default row is 15 points = 20 pixels. */
#define XS_CHART_W   560
#define XS_GAP_WIDTH 2.0
/* Width over height of the printed page, less margins: about A4 landscape's. */
#define XS_PAGE_RATIO  1.45
#define XS_CHART_MIN_H 250
#define XS_CHART_GAP   12
#define XS_ROW_PX      20
#define XS_TITLE_PT    21.0

/* Height of the title row in pixels. */
static int xs_title_px(void)
{
    return (int)(XS_TITLE_PT * 4.0 / 3.0 + 0.5);
}

/*
 * Colours of the fan: light and dark blue bands, navy median, red baseline.
 * The bands are partly transparent so that the baseline (the axis, drawn
 * beneath the series) shows through them.
 */
#define XS_OUTER      0x9ECAE1
#define XS_INNER      0x4292C6
#define XS_BAND_CLEAR 45
#define XS_MEDIAN     0x08306B
#define XS_BASELINE   0xC00000

/* Percentiles drawn in the fan, low to high, and their labels in the chart data. */
static const hn_stat xs_fan_stats[] = { HN_STAT_P5, HN_STAT_P25, HN_STAT_P50, HN_STAT_P75,
                                        HN_STAT_P95 };
static const char *const xs_fan_labels[] = { "Net cost, P5", "Net cost, P25", "Net cost, P50",
                                             "Net cost, P75", "Net cost, P95" };
#define XS_FAN_N 5
/* Series of the fan chart: an undrawn base, four bands and the median. */
#define XS_BANDS 6

/* The Summary being written. */
typedef struct {
    xw_ctx *c;
    lxw_worksheet *ws;
    const char *sheet; /* its name, for chart references */
    int Y;             /* years */
    int col_total;     /* the total column; the gap and chart columns follow */
    int row;           /* next free row */
    int last_row;      /* last printed row: the tables', or lower when the charts are taller */
    int chart_h;       /* height of each chart, pixels */
    xw_widths wd;      /* widths of the table cells */
    /* the data behind the charts */
    int cat_row;     /* academic-year labels: the charts' categories */
    int pct_row;     /* first of the XS_FAN_N percentile rows (Monte Carlo) */
    int band_row;    /* first of the 6 band rows (Monte Carlo) */
    int planned_row; /* planned net cost (deterministic) */
    int baseline_row;
    int prov_row; /* first provision row of pupils supported */
    int obs_row;  /* observed net cost (a history), -1 when none */
} xs_sheet;

/* Writes text in the table area, noting its width. */
static void cell_str(xs_sheet *s, int row, int col, const char *text, lxw_format *f)
{
    xw_str(s->c, s->ws, row, col, text, f);
    xw_widths_str(&s->wd, col, text,
                  f == s->c->f.bold || f == s->c->f.header || f == s->c->f.header_l);
}

/* Writes a number in the table area, noting its width. */
static void cell_num(xs_sheet *s, int row, int col, double v, lxw_format *f)
{
    xw_num(s->c, s->ws, row, col, v, f);
    xw_widths_num(s->c, &s->wd, col, v, f);
}

/* Writes a formula and its cached value in the table area, noting its width. */
static void cell_formula(xs_sheet *s, int row, int col, const char *formula, double cached,
                         lxw_format *f)
{
    xw_formula(s->c, s->ws, row, col, formula, cached, f);
    xw_widths_num(s->c, &s->wd, col, cached, f);
}

/* A1 reference of (row, col), absolute when abs. */
static void ref(char *buf, int row, int col, bool abs)
{
    if (abs)
        lxw_rowcol_to_cell_abs(buf, (lxw_row_t)row, (lxw_col_t)col, 1, 1);
    else
        lxw_rowcol_to_cell(buf, (lxw_row_t)row, (lxw_col_t)col);
}

/* "N-year total" into buf. */
static void total_label(const xs_sheet *s, char *buf, size_t cap)
{
    snprintf(buf, cap, "%d-year total", s->Y);
}

/* Writes the title block. */
static void title_block(xs_sheet *s)
{
    xw_ctx *c = s->c;
    lxw_worksheet *ws = s->ws;
    char text[256], first[16], last[16];
    xw_row_height(c, ws, XS_ROW_TITLE, XS_TITLE_PT);
    xw_str(c, ws, XS_ROW_TITLE, 0, report_title(c->rep), c->f.title);
    xw_str(c, ws, XS_ROW_AUTHORITY, 0, c->rep->sc->authority, c->f.subtitle);
    layout_year_label(c->rep->lay, 0, first, sizeof first);
    layout_year_label(c->rep->lay, s->Y - 1, last, sizeof last);
    snprintf(text, sizeof text, "Appendix: High Needs Block projection, %s to %s (%s)", first, last,
             c->rep->res->deterministic ? "Planned (deterministic)" : "Monte Carlo");
    xw_str(c, ws, XS_ROW_APPENDIX, 0, text, c->f.note);
    _Static_assert(XS_ROW_ITERATIONS == XS_ROW_RUN_DATE + 1 && XS_ROW_SEED == XS_ROW_RUN_DATE + 2,
                   "xw_run_rows writes three rows in a row");
    xw_run_rows(c, ws, XS_ROW_RUN_DATE, "", c->f.bold, c->f.integer_l);
}

/* Writes the heading row of a table at row: label heading, unit heading, years, total. */
static void year_header(xs_sheet *s, int row, const char *label, const char *unit)
{
    char text[32];
    cell_str(s, row, XS_COL_LABEL, label, s->c->f.header_l);
    cell_str(s, row, XS_COL_BASELINE, unit, s->c->f.header);
    for (int y = 0; y < s->Y; y++) {
        layout_year_label(s->c->rep->lay, y, text, sizeof text);
        cell_str(s, row, XS_COL_Y1 + y, text, s->c->f.header);
    }
    total_label(s, text, sizeof text);
    cell_str(s, row, s->col_total, text, s->c->f.header);
}

/* Writes the costed-plan table: headings, units, cost row, its two formula rows and the totals. */
static void plan_table(xs_sheet *s)
{
    xw_ctx *c = s->c;
    const xw_formats *f = &c->f;
    int Y = s->Y;
    char n[32], label[96];
    report_thousands(c->rep->res->n_iter, n, sizeof n);
    if (c->rep->res->deterministic)
        snprintf(label, sizeof label, "Planned (deterministic)");
    else
        snprintf(label, sizeof label, "Mean of %s iterations", n);
    year_header(s, XS_ROW_HEADER, label, "Baseline");
    xw_blank(c, s->ws, XS_ROW_UNITS, XS_COL_LABEL, f->units);
    for (int col = XS_COL_BASELINE; col <= s->col_total; col++)
        cell_str(s, XS_ROW_UNITS, col, "£'000", f->units);

    cell_str(s, XS_ROW_COST, XS_COL_LABEL, "Cost of proposal", NULL);
    cell_str(s, XS_ROW_IN_YEAR, XS_COL_LABEL, "In year costs compared to baseline", NULL);
    cell_str(s, XS_ROW_CUMULATIVE, XS_COL_LABEL, "Cumulative payback", NULL);

    double baseline = c->rep->baseline_cost / 1000.0;
    cell_num(s, XS_ROW_COST, XS_COL_BASELINE, baseline, f->thousands);
    char base_ref[LXW_MAX_CELL_NAME_LENGTH];
    ref(base_ref, XS_ROW_COST, XS_COL_BASELINE, true);

    double cumulative = 0, cost_sum = 0;
    char cost_ref[LXW_MAX_CELL_NAME_LENGTH], in_ref[LXW_MAX_CELL_NAME_LENGTH];
    char prev_ref[LXW_MAX_CELL_NAME_LENGTH], formula[96];
    for (int y = 0; y < Y; y++) {
        int col = XS_COL_Y1 + y;
        double cost = report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) / 1000.0;
        double in_year = cost - baseline;
        cumulative += in_year;
        cost_sum += cost;
        cell_num(s, XS_ROW_COST, col, cost, f->thousands);
        ref(cost_ref, XS_ROW_COST, col, false);
        ref(in_ref, XS_ROW_IN_YEAR, col, false);
        snprintf(formula, sizeof formula, "=%s-%s", cost_ref, base_ref);
        cell_formula(s, XS_ROW_IN_YEAR, col, formula, in_year, f->thousands);
        if (y == 0) {
            snprintf(formula, sizeof formula, "=%s", in_ref);
        } else {
            ref(prev_ref, XS_ROW_CUMULATIVE, col - 1, false);
            snprintf(formula, sizeof formula, "=%s+%s", prev_ref, in_ref);
        }
        cell_formula(s, XS_ROW_CUMULATIVE, col, formula, cumulative, f->thousands);
    }
    /* Totals over the years: the cost and the in-year change (a running total has none). */
    char first_ref[LXW_MAX_CELL_NAME_LENGTH], last_ref[LXW_MAX_CELL_NAME_LENGTH];
    const struct {
        int row;
        double cached;
    } totals[] = { { XS_ROW_COST, cost_sum }, { XS_ROW_IN_YEAR, cumulative } };
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
        ref(first_ref, totals[i].row, XS_COL_Y1, false);
        ref(last_ref, totals[i].row, XS_COL_Y1 + Y - 1, false);
        snprintf(formula, sizeof formula, "=SUM(%s:%s)", first_ref, last_ref);
        cell_formula(s, totals[i].row, s->col_total, formula, totals[i].cached, f->thousands_b);
    }
    xw_str(c, s->ws, XS_ROW_NOTE, XS_COL_LABEL,
           "Figures in brackets are savings. The second and third rows and the totals are "
           "formulas on the cost row.",
           f->note);
}

/* Writes one row of statistic st of (m, total) per year, and the total when with_total; returns the next row. */
static int band_row(xs_sheet *s, int row, const char *label, const char *unit, hn_metric m,
                    hn_stat st, double scale, lxw_format *f, bool with_total)
{
    xw_ctx *c = s->c;
    if (layout_col(c->rep->lay, m, HN_ENT_TOTAL, 0, 0) < 0) return row;
    cell_str(s, row, XS_COL_LABEL, label, NULL);
    cell_str(s, row, XS_COL_BASELINE, unit, c->f.right);
    for (int y = 0; y < s->Y; y++)
        cell_num(s, row, XS_COL_Y1 + y, report_stat(c->rep, m, HN_ENT_TOTAL, 0, y, st) * scale, f);
    if (with_total)
        cell_num(s, row, s->col_total, report_stat(c->rep, m, HN_ENT_TOTAL, 0, s->Y, st) * scale,
                 f);
    return row + 1;
}

/* Writes the three rows mean (or planned), P10, P90 of a figure in unit (format f); returns the next row. */
static int stat_rows(xs_sheet *s, int row, const char *what, const char *unit, hn_metric m,
                     lxw_format *f)
{
    char label[96];
    if (s->c->rep->res->deterministic) {
        snprintf(label, sizeof label, "%s, planned", what);
        return band_row(s, row, label, unit, m, HN_STAT_MEAN, 1, f, true);
    }
    static const struct {
        hn_stat st;
        const char *name;
    } rows[] = { { HN_STAT_MEAN, "mean" }, { HN_STAT_P10, "P10" }, { HN_STAT_P90, "P90" } };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(label, sizeof label, "%s, %s", what, rows[i].name);
        row = band_row(s, row, label, unit, m, rows[i].st, 1, f, true);
    }
    return row;
}

/* Writes the notes on how to read the page from row; returns the row after them. */
static int notes(xs_sheet *s, int row)
{
    xw_ctx *c = s->c;
    char first[200], n[32], total[200];
    const char *lines[10];
    int k = 0;
    report_thousands(c->rep->res->n_iter, n, sizeof n);
    if (c->rep->res->deterministic) {
        lines[k++] = "Planned (deterministic): every uncertain input at its mean and every flow at "
                     "its expected value.";
        lines[k++] = "These are the figures of a costed plan, without a range; a Monte Carlo run "
                     "adds the range.";
    } else {
        snprintf(first, sizeof first,
                 "Cost of proposal: the mean net cost to the High Needs Block over %s simulated "
                 "futures.",
                 n);
        lines[k++] = first;
        lines[k++] = "P10, P50, P90: 1 run in 10 falls below P10, half below P50 (the median), 9 "
                     "in 10 below P90.";
        lines[k++] = "Paid back by the end of the year: the share of runs whose cumulative payback "
                     "is 0 or less then (it can fall again).";
        lines[k++] = "Payback reached and held: the share of runs that are paid back by then and "
                     "stay paid back to the last year.";
    }
    snprintf(total, sizeof total,
             "Pupils supported: in a provision at the start of the year, plus entries; a pupil "
             "who moves counts once, and once in the %d-year total.",
             s->Y);
    lines[k++] = total;
    lines[k++] = "Net cost per pupil supported: the year's net cost over its pupils supported; "
                 "the total column, over every pupil once.";
    /* Only sheets of this workbook: a comparison or a sweep has no Costs ... Distribution. */
    lines[k++] = c->summary_detail ? c->summary_detail
                                   : "Detail: the Costs, Placements, Exclusions and Distribution "
                                     "sheets; inputs: Assumptions; method: Run.";
    xw_str(c, s->ws, row++, XS_COL_LABEL, "How to read this page", c->f.bold);
    for (int i = 0; i < k; i++) xw_str(c, s->ws, row++, XS_COL_LABEL, lines[i], c->f.note);
    return row;
}

/* Writes the uncertainty beneath the plan (or the planned pupil figures) from XS_ROW_BAND. */
static void band(xs_sheet *s)
{
    xw_ctx *c = s->c;
    const xw_formats *f = &c->f;
    bool det = c->rep->res->deterministic;
    int row = XS_ROW_BAND;
    char heading[160], n[32];
    report_thousands(c->rep->res->n_iter, n, sizeof n);
    if (det)
        snprintf(heading, sizeof heading,
                 "Pupils and cost per pupil: Planned (deterministic), no range");
    else
        snprintf(heading, sizeof heading,
                 "Range across %s iterations: 8 in 10 lie between P10 and P90; P50 is the median",
                 n);
    xw_str(c, s->ws, row++, XS_COL_LABEL, heading, f->bold);
    year_header(s, row++, det ? "Figure" : "Figure and statistic", "Units");

    if (!det) {
        static const struct {
            hn_metric m;
            hn_stat st;
            const char *label;
            bool total;
        } money[] = {
            { HN_M_NET_COST, HN_STAT_P10, "Cost of proposal, P10", true },
            { HN_M_NET_COST, HN_STAT_P50, "Cost of proposal, P50", true },
            { HN_M_NET_COST, HN_STAT_P90, "Cost of proposal, P90", true },
            { HN_M_CUMULATIVE_PAYBACK, HN_STAT_P10, "Cumulative payback, P10", false },
            { HN_M_CUMULATIVE_PAYBACK, HN_STAT_P50, "Cumulative payback, P50", false },
            { HN_M_CUMULATIVE_PAYBACK, HN_STAT_P90, "Cumulative payback, P90", false },
        };
        for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
            row = band_row(s, row, money[i].label, "£'000", money[i].m, money[i].st, 1e-3,
                           f->thousands, money[i].total);
        row = band_row(s, row, "Paid back by the end of the year (probability)", "%",
                       HN_M_PAID_BACK, HN_STAT_MEAN, 1, f->percent, false);
        row = band_row(s, row, "Payback reached and held by this year (probability)", "%",
                       HN_M_PAYBACK_YEAR, HN_STAT_MEAN, 1, f->percent, false);
        if (c->rep->lay->has_budget)
            row = band_row(s, row, "Probability within budget", "%", HN_M_WITHIN_BUDGET,
                           HN_STAT_MEAN, 1, f->percent, true);
    }
    row = stat_rows(s, row, "Pupils supported", "pupils", HN_M_SUPPORTED, f->pupils);
    row = band_row(s, row,
                   det ? "Net cost per pupil supported, planned"
                       : "Net cost per pupil supported, mean",
                   "£", HN_M_COST_PER_SUPPORTED, HN_STAT_MEAN, 1, f->pounds, true);
    row = stat_rows(s, row, "Permanent exclusions", "pupils", HN_M_EXCLUSIONS, f->pupils);
    s->row = notes(s, row + 1);
    s->last_row = s->row - 1;
}

/* Writes a labelled row of the chart data: values v[y] (NULL: none written), returns the next row. */
static int data_row(xs_sheet *s, int row, const char *label, const double *v, lxw_format *f)
{
    xw_str(s->c, s->ws, row, XS_COL_LABEL, label, NULL);
    for (int y = 0; v && y < s->Y; y++) xw_num(s->c, s->ws, row, XS_COL_Y1 + y, v[y], f);
    return row + 1;
}

/* Writes a row of formulas "=A-B" (or "=A" when row_b < 0) on the cells of rows row_a and row_b, with cached values. */
static int formula_row(xs_sheet *s, int row, const char *label, int row_a, int row_b,
                       const double *cached, lxw_format *f)
{
    xw_str(s->c, s->ws, row, XS_COL_LABEL, label, NULL);
    for (int y = 0; y < s->Y; y++) {
        int col = XS_COL_Y1 + y;
        char a[LXW_MAX_CELL_NAME_LENGTH], b[LXW_MAX_CELL_NAME_LENGTH], formula[64];
        ref(a, row_a, col, false);
        if (row_b >= 0) {
            ref(b, row_b, col, false);
            snprintf(formula, sizeof formula, "=%s-%s", a, b);
        } else {
            snprintf(formula, sizeof formula, "=%s", a);
        }
        xw_formula(s->c, s->ws, row, col, formula, cached[y], f);
    }
    return row + 1;
}

/* Writes the data behind the charts below the printed tables. */
static void chart_data(xs_sheet *s)
{
    xw_ctx *c = s->c;
    const xw_formats *f = &c->f;
    int Y = s->Y, row = s->last_row + 3;
    char label[32];
    double v[HN_MAX_YEARS];
    xw_str(c, s->ws, row++, XS_COL_LABEL, "Data behind the charts (not printed)", f->bold);
    s->cat_row = row;
    xw_str(c, s->ws, row, XS_COL_LABEL, "Net cost £'000; pupils", f->header_l);
    xw_blank(c, s->ws, row, XS_COL_BASELINE, f->header);
    for (int y = 0; y < Y; y++) {
        layout_year_label(c->rep->lay, y, label, sizeof label);
        xw_str(c, s->ws, row, XS_COL_Y1 + y, label, f->header);
    }
    row++;

    double base = c->rep->baseline_cost / 1000.0;
    for (int y = 0; y < Y; y++) v[y] = base;
    char base_ref[LXW_MAX_CELL_NAME_LENGTH], formula[64];
    ref(base_ref, XS_ROW_COST, XS_COL_BASELINE, true);
    snprintf(formula, sizeof formula, "=%s", base_ref);
    s->baseline_row = row;
    xw_str(c, s->ws, row, XS_COL_LABEL, "Baseline", NULL);
    for (int y = 0; y < Y; y++)
        xw_formula(c, s->ws, row, XS_COL_Y1 + y, formula, base, f->thousands);
    row++;

    if (c->rep->res->deterministic) {
        s->planned_row = row;
        for (int y = 0; y < Y; y++)
            v[y] = report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) / 1000.0;
        row = formula_row(s, row, "Planned net cost", XS_ROW_COST, -1, v, f->thousands);
    } else {
        double p[XS_FAN_N][HN_MAX_YEARS];
        s->pct_row = row;
        for (int k = 0; k < XS_FAN_N; k++) {
            for (int y = 0; y < Y; y++)
                p[k][y] = report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, xs_fan_stats[k]) /
                          1000.0;
            row = data_row(s, row, xs_fan_labels[k], p[k], f->thousands);
        }
        /* Band heights, stacked from P5: the base, P5-P25, P25-P50, the median (0), P50-P75, P75-P95. */
        static const struct {
            const char *label;
            int hi,
                lo; /* percentile rows (index into xs_fan_stats); lo < 0: hi itself; hi < 0: 0 */
        } bands[XS_BANDS] = { { "Fan: base (P5, not drawn)", 0, -1 },
                              { "Fan: P5 to P25", 1, 0 },
                              { "Fan: P25 to P50", 2, 1 },
                              { "Fan: median (a line)", -1, -1 },
                              { "Fan: P50 to P75", 3, 2 },
                              { "Fan: P75 to P95", 4, 3 } };
        s->band_row = row;
        for (int k = 0; k < XS_BANDS; k++) {
            double d[HN_MAX_YEARS] = { 0 };
            if (bands[k].hi < 0) {
                row = data_row(s, row, bands[k].label, d, f->thousands);
                continue;
            }
            for (int y = 0; y < Y; y++)
                d[y] = p[bands[k].hi][y] - (bands[k].lo >= 0 ? p[bands[k].lo][y] : 0);
            row = formula_row(s, row, bands[k].label, s->pct_row + bands[k].hi,
                              bands[k].lo >= 0 ? s->pct_row + bands[k].lo : -1, d, f->thousands);
        }
    }

    double seen[HN_MAX_YEARS];
    s->obs_row = -1;
    if (xlsx_history_net_cost(c, seen)) {
        for (int y = 0; y < Y; y++) seen[y] /= 1000.0;
        s->obs_row = row;
        row = data_row(s, row, "Observed net cost", seen, f->thousands);
    }

    s->prov_row = row;
    for (int i = 0; i < c->rep->lay->count[HN_ENT_PROVISION]; i++) {
        for (int y = 0; y < Y; y++)
            v[y] = report_stat(c->rep, HN_M_SUPPORTED, HN_ENT_PROVISION, i, y, HN_STAT_MEAN);
        row = data_row(s, row, c->rep->lay->labels[HN_ENT_PROVISION][i], v, f->pupils);
    }
    s->row = row;
}

/* Lowest and highest value the fan shows (P5 and P95, or the planned cost, and the baseline), £'000. */
static void fan_limits(const xs_sheet *s, double *lo, double *hi)
{
    const xw_ctx *c = s->c;
    bool det = c->rep->res->deterministic;
    *lo = *hi = c->rep->baseline_cost / 1000.0;
    for (int y = 0; y < s->Y; y++) {
        double a =
            report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, det ? HN_STAT_MEAN : HN_STAT_P5);
        double b = report_stat(c->rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, y,
                               det ? HN_STAT_MEAN : HN_STAT_P95);
        if (isfinite(a) && a / 1000.0 < *lo) *lo = a / 1000.0;
        if (isfinite(b) && b / 1000.0 > *hi) *hi = b / 1000.0;
    }
    double seen[HN_MAX_YEARS];
    for (int y = 0; xlsx_history_net_cost(c, seen) && y < s->Y; y++) {
        if (isfinite(seen[y]) && seen[y] / 1000.0 < *lo) *lo = seen[y] / 1000.0;
        if (isfinite(seen[y]) && seen[y] / 1000.0 > *hi) *hi = seen[y] / 1000.0;
    }
}

/* The fan chart of net cost per year (Monte Carlo) or the planned line (deterministic). */
static lxw_chart *fan_chart(xs_sheet *s)
{
    xw_ctx *c = s->c;
    bool det = c->rep->res->deterministic;
    xw_range cats = xw_row_range(s->cat_row, XS_COL_Y1, XS_COL_Y1 + s->Y - 1);
    double lo, hi;
    fan_limits(s, &lo, &hi);
    if (s->obs_row >= 0 && !det) /* points need a line chart (docs/decisions.md H6) */
        return xlsx_history_fan_chart(c, s->sheet, cats, s->pct_row, s->baseline_row, s->obs_row,
                                      lo, hi);
    lxw_chart *ch = xw_chart(c, det ? LXW_CHART_LINE : LXW_CHART_AREA_STACKED,
                             det ? "Net cost per year, £'000: Planned (deterministic)"
                                 : "Net cost per year, £'000: median and range");
    if (!ch) return NULL;
    xw_chart_value_axis(ch, lo, hi, NULL, "#,##0");
    if (det) {
        lxw_chart_series *p = xw_chart_series(
            c, ch, s->sheet, cats, xw_row_range(s->planned_row, XS_COL_Y1, XS_COL_Y1 + s->Y - 1),
            s->planned_row, XS_COL_LABEL);
        xw_series_style(p, -1, 0, XS_MEDIAN, 2.5, false);
        lxw_chart_series *b = xw_chart_series(
            c, ch, s->sheet, cats, xw_row_range(s->baseline_row, XS_COL_Y1, XS_COL_Y1 + s->Y - 1),
            s->baseline_row, XS_COL_LABEL);
        xw_series_style(b, -1, 0, XS_BASELINE, 1.75, true);
        if (s->obs_row >= 0) xlsx_history_observed_points(c, ch, s->sheet, cats, s->obs_row);
        return ch;
    }
    static const struct {
        const char *legend;
        long fill, line;
    } bands[XS_BANDS] = { { "P5", -1, -1 },
                          { "P5 to P95", XS_OUTER, -1 },
                          { "P25 to P75", XS_INNER, -1 },
                          { "Median (the table shows means)", -1, XS_MEDIAN },
                          { "P50 to P75", XS_INNER, -1 },
                          { "P75 to P95", XS_OUTER, -1 } };
    for (int i = 0; i < XS_BANDS; i++) {
        lxw_chart_series *sr =
            xw_chart_series(c, ch, s->sheet, cats,
                            xw_row_range(s->band_row + i, XS_COL_Y1, XS_COL_Y1 + s->Y - 1), -1, 0);
        if (!sr) return ch;
        xw_series_name(c, sr, bands[i].legend);
        xw_series_style(sr, bands[i].fill, XS_BAND_CLEAR, bands[i].line, 2.5, false);
    }
    int16_t hidden[] = { 0, 4, 5, -1 }; /* the base and the upper halves of the bands */
    xw_check(c, chart_legend_delete_series(ch, hidden), "hiding legend entries");
    /* The baseline: the category axis crosses the value axis there, drawn dashed red. */
    double base = c->rep->baseline_cost / 1000.0;
    chart_axis_set_crossing(ch->y_axis, base);
    chart_axis_set_label_position(ch->x_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    chart_axis_set_major_tick_mark(ch->x_axis, LXW_CHART_AXIS_TICK_MARK_NONE);
    lxw_chart_line axis = { .color = XS_BASELINE,
                            .width = 1.75f,
                            .dash_type = LXW_CHART_LINE_DASH_DASH };
    chart_axis_set_line(ch->x_axis, &axis);
    char name[96], k[32];
    report_thousands(lround(base), k, sizeof k);
    snprintf(name, sizeof name, "Dashed red line: the baseline, £%sk a year", k);
    xw_axis_name(c, ch->x_axis, name);
    lxw_chart_font font = { .bold = LXW_FALSE, .size = 9 };
    chart_axis_set_name_font(ch->x_axis, &font);
    return ch;
}

/* The stacked columns of mean (or planned) pupils supported by provision per year; NULL when there is no provision. */
static lxw_chart *pupils_chart(xs_sheet *s)
{
    xw_ctx *c = s->c;
    bool det = c->rep->res->deterministic;
    if (c->rep->lay->count[HN_ENT_PROVISION] == 0) return NULL;
    lxw_chart *ch = xw_chart(c, LXW_CHART_COLUMN_STACKED,
                             det ? "Pupils supported by provision: Planned (deterministic)"
                                 : "Pupils supported by provision (mean)");
    if (!ch) return NULL;
    xw_range cats = xw_row_range(s->cat_row, XS_COL_Y1, XS_COL_Y1 + s->Y - 1);
    double top = 0;
    for (int y = 0; y < s->Y; y++) {
        double sum = 0;
        for (int i = 0; i < c->rep->lay->count[HN_ENT_PROVISION]; i++) {
            double v = report_stat(c->rep, HN_M_SUPPORTED, HN_ENT_PROVISION, i, y, HN_STAT_MEAN);
            sum += isfinite(v) ? v : 0;
        }
        top = sum > top ? sum : top;
    }
    for (int i = 0; i < c->rep->lay->count[HN_ENT_PROVISION]; i++)
        (void)xw_chart_series(c, ch, s->sheet, cats,
                              xw_row_range(s->prov_row + i, XS_COL_Y1, XS_COL_Y1 + s->Y - 1),
                              s->prov_row + i, XS_COL_LABEL);
    chart_set_series_gap(ch, 60);
    xw_chart_value_axis(ch, 0, top, NULL, "#,##0");
    xw_axis_name(c, ch->x_axis, "A pupil who moves between provisions counts in each");
    lxw_chart_font font = { .bold = LXW_FALSE, .size = 9 };
    chart_axis_set_name_font(ch->x_axis, &font);
    return ch;
}

/*
 * Sizes the columns and works out the charts' height: one above the other
 * right of the tables, together as tall as the tables or taller, so that
 * the printed page (the whole width over the taller side) has about the
 * shape of A4 landscape and fills it. Sets s->chart_h and s->last_row (the
 * last printed row, which the charts may push down).
 */
static void size_page(xs_sheet *s)
{
    xw_ctx *c = s->c;
    int gap_col = s->col_total + 1, chart_col = s->col_total + 2;
    xw_widths_apply(c, s->ws, &s->wd, XS_COL_LABEL, XS_COL_LABEL, 20, 60);
    xw_widths_apply(c, s->ws, &s->wd, XS_COL_BASELINE, s->col_total, 9, 16);
    xw_width(c, s->ws, gap_col, gap_col, XS_GAP_WIDTH);
    xw_width(c, s->ws, chart_col, chart_col, (XS_CHART_W - 5) / 7.0);

    int width_px = xw_col_pixels(XS_GAP_WIDTH) + XS_CHART_W;
    for (int col = XS_COL_LABEL; col <= s->col_total; col++)
        width_px += xw_col_pixels(s->wd.w[col] + 2 < 9 ? 9 : s->wd.w[col] + 2);
    int tables_px = xs_title_px() + s->last_row * XS_ROW_PX;
    int page_px = (int)(width_px / XS_PAGE_RATIO);
    s->chart_h = ((tables_px > page_px ? tables_px : page_px) - XS_CHART_GAP) / 2;
    if (s->chart_h < XS_CHART_MIN_H) s->chart_h = XS_CHART_MIN_H;
    int bottom_px = 2 * s->chart_h + XS_CHART_GAP;
    if (bottom_px > tables_px)
        s->last_row = 1 + (bottom_px - xs_title_px() + XS_ROW_PX - 1) / XS_ROW_PX;
}

/* Inserts the two charts right of the tables and sets the one-page print area. */
static void place_charts(xs_sheet *s)
{
    xw_ctx *c = s->c;
    int chart_col = s->col_total + 2, h = s->chart_h;
    xw_chart_insert(c, s->ws, 0, chart_col, 0, 0, fan_chart(s), XS_CHART_W, h);
    /* The second chart starts on the row where the first ends, plus the gap. */
    int y = h + XS_CHART_GAP - xs_title_px();
    xw_chart_insert(c, s->ws, 1 + y / XS_ROW_PX, chart_col, 0, y % XS_ROW_PX, pupils_chart(s),
                    XS_CHART_W, h);
    xw_print_one_page(c, s->ws, s->last_row, chart_col);
}

/* Adds and writes the Summary sheet under sheet_name (see xlsx_internal.h). */
void xlsx_sheet_summary(xw_ctx *c, const char *sheet_name)
{
    lxw_worksheet *ws = xw_sheet(c, sheet_name);
    if (!ws) return;
    xs_sheet s = { .c = c, .ws = ws, .sheet = sheet_name, .Y = c->rep->lay->years };
    s.col_total = XS_COL_Y1 + s.Y;
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    title_block(&s);
    plan_table(&s);
    band(&s);
    size_page(&s);
    chart_data(&s);
    xw_print_setup(c, ws, -1);
    place_charts(&s);
}
