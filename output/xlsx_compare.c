/*
 * xlsx_compare.c - the comparison workbook: the Comparison sheet, each
 * option's own Summary sheet (xlsx_summary.c) as `hnsim run` writes it,
 * the options' Assumptions side by side (xlsx_assumptions.c) and the Run
 * sheet of them all (xlsx_run.c).
 *
 * The Comparison sheet prints on one A4 landscape page in two panels that
 * share rows (docs/decisions.md I11). Left: the title block, the notes,
 * and the table of options: one column per option headed by its title,
 * the reference first, its sheet's name beneath, and a row for every row
 * of the comparison table (compare_rows.c, which the terminal prints
 * too): net cost over all the years, the saving against the reference
 * with its band, the probabilities, pupils (each counted once over the
 * years) and the net cost per pupil, exclusions, the cost per exclusion
 * avoided (or the outcome in words), the payback against the reference,
 * the standard errors, and the saving line by line (each provision, cost
 * line and income line, mean, P10 and P90), so that a calibrated residual
 * line shows. A deterministic comparison shows the planned values only
 * (no bands, probabilities or standard errors).
 *
 * Right: the paper's measures per year, years down and options across
 * (net cost, AP places used, EHC needs assessment requests, permanent
 * exclusions, net cost per pupil supported), each block appended by one
 * year_block() call; beneath them a line chart of net cost per year: one
 * solid line per option for the mean, its P10 and P90 as dashed lines of
 * the same colour (libxlsxwriter 1.1.4 cannot combine a line chart with
 * shaded areas, and stacked-area bands cannot overlap for several
 * options), and the baseline as a grey line. The chart's data sits below
 * the printed page.
 */
#include <inttypes.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_compare.h"
#include "xlsx_internal.h"

#define XC_SHEET       "Comparison"
#define XC_LINES_SHEET "Saving by line"

/* Rows and columns of the sheet (0-based). */
enum {
    XC_ROW_TITLE = 0,
    XC_ROW_AUTHORITY = 1,
    XC_ROW_RUN_DATE = 2,
    XC_ROW_ITERATIONS = 3,
    XC_ROW_SEED = 4,
    XC_ROW_NOTE = 5, /* four lines of notes */
    XC_ROW_HEADER = 9,
    XC_ROW_NAMES = 10,
    XC_ROW_FIRST = 11,
    XC_COL_LABEL = 0,
    XC_COL_UNIT = 1,
    XC_COL_OPT = 2
};

/* Column widths, in characters. */
#define XC_W_LABEL 52.0
#define XC_W_UNIT  9.0
#define XC_W_OPT   22.0 /* an option's column: its title wraps within it */
#define XC_W_YEAR  10.0
/* The chart's least width and height, pixels; a default row is 20 pixels. */
#define XC_CHART_MIN_W 480
#define XC_CHART_MIN_H 360
#define XC_ROW_PX      20
/* Width over height of an A4 landscape page less its margins. */
#define XC_PAGE_RATIO 1.45

/* Line colours of the options in the chart, in turn. */
static const lxw_color_t palette[] = { 0x1F4E79, 0xC00000, 0x548235, 0x7030A0,
                                       0xED7D31, 0x2E75B6, 0x7F6000, 0xFF66CC };

/* The comparison being written. */
typedef struct {
    const hn_report_option *opts;
    int n;
    char (*sheet)[32]; /* each option's Summary sheet name */
} xc_job;

/*
 * The Comparison sheet being laid out. Two panels side by side share the
 * rows: left, the title block, the notes and the table of options (one
 * column per option, compare_rows.c); right, from the same heading row,
 * the per-year blocks (years down, one column per option, the same
 * titles above) and the chart beneath them. Each panel keeps its next
 * free row, so a block is appended by one call (year_block).
 */
typedef struct {
    xw_ctx *c;
    lxw_worksheet *ws;
    const xc_job *j;
    int n, Y;
    bool det;
    int col_year;  /* right panel: the years' column; its options follow */
    double w_ropt; /* width of an option's column in the right panel */
    int row_left, row_right;
    lxw_format *title_fmt; /* an option's title: bold, wrapped, right-aligned, grey like a header */
    lxw_format *name_fmt;  /* its sheet's name beneath: italic, shrunk to fit */
    lxw_format *right;     /* words in an option's cell, right-aligned */
    lxw_format *year_fmt;  /* a year beside the left panel's figures: indented */
    lxw_format *block_fmt; /* a block's heading there: bold, indented */
    lxw_format *fit_fmt;   /* a line's name in the table: shrunk to fit its column */
    lxw_format *year_head; /* "Per year": a heading, indented off the titles on its left */
} xc_page;

/* Lines text s takes wrapped at blanks in a column of width characters (a word longer than a
 * line takes lines of its own, as a spreadsheet breaks it). */
static int word_lines(const char *s, double width)
{
    int per_line = (int)(width - 2), lines = 1, used = 0;
    if (per_line < 1) per_line = 1;
    while (*s) {
        while (*s == ' ') s++;
        int len = 0;
        for (const char *p = s; *p && *p != ' '; p++)
            if (((unsigned char)*p & 0xC0) != 0x80) len++;
        if (len == 0) break;
        int need = used == 0 ? len : used + 1 + len;
        if (need > per_line && used > 0) {
            lines++;
            used = 0;
            need = len;
        }
        while (need > per_line) { /* a word longer than a line */
            lines++;
            need -= per_line;
        }
        used = need;
        while (*s && *s != ' ') s++;
    }
    return lines;
}

/* Adds a format to the workbook (NULL after an error, which it records). */
static lxw_format *new_format(xw_ctx *c)
{
    if (c->err) return NULL;
    lxw_format *f = workbook_add_format(c->wb);
    if (!f) xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a format");
    return f;
}

/* Width of the left panel, in characters. */
static double left_width(const xc_page *p)
{
    return XC_W_LABEL + XC_W_UNIT + p->n * XC_W_OPT;
}

/* Writes one line of the notes, merged across the left panel and wrapped. */
static void note_row(xc_page *p, int row, const char *text)
{
    xw_ctx *c = p->c;
    if (!c->err)
        xw_check(c,
                 worksheet_merge_range(p->ws, (lxw_row_t)row, XC_COL_LABEL, (lxw_row_t)row,
                                       (lxw_col_t)(XC_COL_OPT + p->n - 1), "", c->f.wrap),
                 "merging the Comparison notes");
    xw_str(c, p->ws, row, XC_COL_LABEL, text, c->f.wrap);
    int lines = word_lines(text, left_width(p) * 1.25);
    if (lines > 1) xw_row_height(c, p->ws, row, 15.0 * lines);
}

/* Writes the title block and the notes. */
static void title_block(xc_page *p)
{
    xw_ctx *c = p->c;
    lxw_worksheet *ws = p->ws;
    const hn_run_report *ref = p->j->opts[0].run;
    char buf[512];
    xw_str(c, ws, XC_ROW_TITLE, 0, c->title, c->f.title);
    xw_str(c, ws, XC_ROW_AUTHORITY, 0, ref->sc->authority, c->f.bold);
    _Static_assert(XC_ROW_ITERATIONS == XC_ROW_RUN_DATE + 1 && XC_ROW_SEED == XC_ROW_RUN_DATE + 2,
                   "xw_run_rows writes three rows in a row");
    xw_run_rows(c, ws, XC_ROW_RUN_DATE, " (every option)", NULL, c->f.integer_l);
    snprintf(buf, sizeof buf,
             "Reference option: %s. Saving = reference - option: positive when the option "
             "costs less.",
             report_scenario_title(ref));
    note_row(p, XC_ROW_NOTE, buf);
    note_row(p, XC_ROW_NOTE + 1,
             "Every option is run with the same seed and iterations: iteration i of each faces "
             "the same draws wherever the options describe demand alike (common random "
             "numbers). A provision or line present in only one option has no difference of its "
             "own (it counts in the totals).");
    note_row(p, XC_ROW_NOTE + 2,
             "Payback against the reference: from the end of its payback year on, the option's "
             "cumulative net cost stays at or below the reference's; the year shown is the first "
             "by whose end half the iterations have reached theirs.");
    note_row(p, XC_ROW_NOTE + 3,
             "Each line's saving with its P10 and P90: the Saving by line sheet, which follows "
             "this one; then each option's own Summary sheet, under the name beneath its title; "
             "their inputs side by side: Assumptions; files and method: Run.");
}

/* The sheet's format of a row of the comparison table (standard errors are small: £'000 with one decimal). */
static lxw_format *row_format(const xw_ctx *c, const hn_compare_row *row)
{
    switch (row->value.format) {
    case CR_THOUSANDS: return c->f.thousands;
    case CR_POUNDS: return c->f.pounds;
    case CR_PERCENT: return c->f.percent;
    default: return c->f.pupils;
    }
}

/* Writes one row of the table (compare_table's visitor): its words, units and each option's cell. */
static void table_row(void *user, const hn_compare_item *it)
{
    xc_page *p = user;
    xw_ctx *c = p->c;
    bool heading = it->row->value.source == CR_HEADING;
    int row = p->row_left;
    xw_str(c, p->ws, row, XC_COL_LABEL, it->label,
           !heading       ? (it->has_line ? p->fit_fmt : NULL)
           : it->has_line ? c->f.note
                          : c->f.bold);
    xw_str(c, p->ws, row, XC_COL_UNIT, it->row->sheet.unit, NULL);
    for (int i = 0; i < p->n && !heading; i++) {
        hn_compare_cell cell;
        compare_cell(it, p->j->opts, i, false, &cell);
        if (cell.text)
            xw_str(c, p->ws, row, XC_COL_OPT + i, cell.text, p->right);
        else
            xw_num(c, p->ws, row, XC_COL_OPT + i, compare_row_shown(it->row, cell.value),
                   row_format(c, it->row));
    }
    p->row_left++;
}

/*
 * Writes the options' titles (wrapped, "(reference)" after the first) in
 * row XC_ROW_HEADER from column col and their sheets' names beneath, the
 * heading row as tall as the longest title needs in columns of width w.
 * Returns the heading row's lines.
 */
static int option_heads(xc_page *p, int col, double w)
{
    int lines = 1;
    for (int i = 0; i < p->n; i++) {
        const hn_scenario *sc = p->j->opts[i].run->sc;
        char title[512];
        snprintf(title, sizeof title, "%s%s", sc->title && *sc->title ? sc->title : sc->name,
                 i == 0 ? " (reference)" : "");
        xw_str(p->c, p->ws, XC_ROW_HEADER, col + i, title, p->title_fmt);
        xw_str(p->c, p->ws, XC_ROW_NAMES, col + i, p->j->sheet[i], p->name_fmt);
        int k = word_lines(title, w);
        if (k > lines) lines = k;
    }
    return lines;
}

/* Writes the table of options from XC_ROW_FIRST, a row per row of compare_table(). */
static void options_table(xc_page *p)
{
    xw_ctx *c = p->c;
    xw_str(c, p->ws, XC_ROW_HEADER, XC_COL_LABEL, "Option", c->f.header_l);
    xw_str(c, p->ws, XC_ROW_HEADER, XC_COL_UNIT, "Units", c->f.header);
    xw_str(c, p->ws, XC_ROW_NAMES, XC_COL_LABEL, "Its sheet in this workbook", c->f.note);
    int lines = option_heads(p, XC_COL_OPT, XC_W_OPT);
    int rlines = option_heads(p, p->col_year + 1, p->w_ropt);
    if (rlines > lines) lines = rlines;
    xw_row_height(c, p->ws, XC_ROW_HEADER, 15.0 * lines + 3);

    p->row_left = XC_ROW_FIRST;
    hn_error err;
    if (compare_table(p->j->opts, p->n, COMPARE_SHEET, table_row, p, &err) != HN_OK)
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the comparison table");
}

/*
 * Adds and writes the Saving by line sheet: each provision, cost line and
 * income line with its saving's mean, P10 and P90 for every option
 * (compare_table, COMPARE_SHEET_LINES), the options' titles above as on the
 * Comparison sheet (whose formats p holds; p->ws becomes the new sheet). The
 * Comparison sheet shows the means only, so that it prints on one page
 * whatever the number of lines. One page wide, its heading row repeated.
 */
static void lines_sheet(xc_page *p)
{
    xw_ctx *c = p->c;
    lxw_worksheet *ws = xw_sheet(c, XC_LINES_SHEET);
    if (!ws) return;
    p->ws = ws;
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    xw_width(c, ws, XC_COL_LABEL, XC_COL_LABEL, XC_W_LABEL);
    xw_width(c, ws, XC_COL_UNIT, XC_COL_UNIT, XC_W_UNIT);
    xw_width(c, ws, XC_COL_OPT, XC_COL_OPT + p->n - 1, XC_W_OPT);
    xw_str(c, ws, XC_ROW_TITLE, 0, "Saving by provision and line against the reference",
           c->f.title);
    xw_str(c, ws, XC_ROW_AUTHORITY, 0, p->j->opts[0].run->sc->authority, c->f.bold);
    xw_run_rows(c, ws, XC_ROW_RUN_DATE, " (every option)", NULL, c->f.integer_l);
    note_row(p, XC_ROW_NOTE,
             "Saving = reference - option, in £'000: positive when the option costs less on the "
             "line. 8 in 10 iterations lie between P10 and P90. A provision or line present in "
             "only one option counts as 0 in the other. The Comparison sheet shows the means.");
    xw_str(c, ws, XC_ROW_HEADER, XC_COL_LABEL, "Line", c->f.header_l);
    xw_str(c, ws, XC_ROW_HEADER, XC_COL_UNIT, "Units", c->f.header);
    xw_str(c, ws, XC_ROW_NAMES, XC_COL_LABEL, "Its sheet in this workbook", c->f.note);
    xw_row_height(c, ws, XC_ROW_HEADER, 15.0 * option_heads(p, XC_COL_OPT, XC_W_OPT) + 3);
    p->row_left = XC_ROW_FIRST;
    hn_error err;
    if (compare_table(p->j->opts, p->n, COMPARE_SHEET_LINES, table_row, p, &err) != HN_OK)
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the saving by line");
    xw_print_setup_titled(c, ws, XC_ROW_HEADER, c->title);
}

/* A figure per year of one option's run (year y 0-based), in the units of its block. */
typedef double (*xc_year_value)(const hn_run_report *r, int y);

/* Net cost, £'000 (mean, or planned). */
static double net_cost_k(const hn_run_report *r, int y)
{
    return report_stat(r, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) / 1000.0;
}

/* AP places used: the average occupancy of every provision, added up. */
static double places_used(const hn_run_report *r, int y)
{
    double sum = 0;
    for (int i = 0; i < r->lay->count[HN_ENT_PROVISION]; i++) {
        double v = report_stat(r, HN_M_OCCUPANCY, HN_ENT_PROVISION, i, y, HN_STAT_MEAN);
        if (isfinite(v)) sum += v;
    }
    return r->lay->count[HN_ENT_PROVISION] > 0 ? sum : NAN;
}

/* EHC needs assessment requests. */
static double ehcna(const hn_run_report *r, int y)
{
    return report_stat(r, HN_M_EHCNA, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
}

/* Permanent exclusions. */
static double exclusions(const hn_run_report *r, int y)
{
    return report_stat(r, HN_M_EXCLUSIONS, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
}

/* Net cost per pupil supported, £. */
static double cost_per_pupil(const hn_run_report *r, int y)
{
    return report_stat(r, HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
}

/*
 * Appends a block to the right panel: a heading ("HEADING, mean" or
 * "HEADING, planned"), then a row per year with each option's value(r, y)
 * in format fmt (NAN leaves the cell empty), and a blank row.
 */
static void year_block(xc_page *p, const char *heading, xc_year_value value, lxw_format *fmt)
{
    xw_ctx *c = p->c;
    char buf[256], label[16];
    snprintf(buf, sizeof buf, "%s, %s", heading, p->det ? "planned" : "mean");
    xw_str(c, p->ws, p->row_right++, p->col_year, buf, p->block_fmt);
    const hn_layout *lay = p->j->opts[0].run->lay;
    for (int y = 0; y < p->Y; y++, p->row_right++) {
        layout_year_label(lay, y, label, sizeof label);
        xw_str(c, p->ws, p->row_right, p->col_year, label, p->year_fmt);
        for (int i = 0; i < p->n; i++)
            xw_num(c, p->ws, p->row_right, p->col_year + 1 + i, value(p->j->opts[i].run, y), fmt);
    }
    p->row_right++;
}

/* Writes the right panel's blocks: the paper's measures per year for every option. */
static void year_blocks(xc_page *p)
{
    xw_ctx *c = p->c;
    xw_str(c, p->ws, XC_ROW_HEADER, p->col_year, "Per year", p->year_head);
    p->row_right = XC_ROW_FIRST;
    year_block(p, "Net cost (£'000)", net_cost_k, c->f.thousands);
    year_block(p, "AP places used (average occupancy of every provision, pupils)", places_used,
               c->f.pupils);
    year_block(p, "EHC needs assessment requests", ehcna, c->f.pupils);
    year_block(p, "Permanent exclusions", exclusions, c->f.pupils);
    year_block(p, "Net cost per pupil supported (£)", cost_per_pupil, c->f.pounds);
}

/*
 * Writes the data behind the chart from row (below the printed page): the
 * net cost per year of every option (mean, P10, P90; planned only when
 * deterministic) and the baseline. *header gets the row of the years,
 * *first the first option's first row, *baseline the baseline's row.
 */
static void chart_data(xc_page *p, int row, int *header, int *first, int *baseline)
{
    static const struct {
        hn_stat st;
        const char *label;
    } mc[] = { { HN_STAT_MEAN, "Mean" }, { HN_STAT_P10, "P10" }, { HN_STAT_P90, "P90" } },
      det[] = { { HN_STAT_MEAN, "Planned" } };
    xw_ctx *c = p->c;
    const xw_formats *f = &c->f;
    const hn_run_report *ref = p->j->opts[0].run;
    int n_st = p->det ? 1 : 3;
    char label[16];

    xw_str(c, p->ws, row++, XC_COL_LABEL, "Net cost per year (£'000)", f->bold);
    xw_str(c, p->ws, row++, XC_COL_LABEL, "Data behind the chart (not printed)", f->note);
    *header = row;
    xw_str(c, p->ws, row, XC_COL_LABEL, "Option", f->header_l);
    xw_str(c, p->ws, row, XC_COL_UNIT, "Statistic", f->header);
    for (int y = 0; y < p->Y; y++) {
        layout_year_label(ref->lay, y, label, sizeof label);
        xw_str(c, p->ws, row, XC_COL_OPT + y, label, f->header);
    }
    row++;
    *first = row;
    for (int i = 0; i < p->n; i++) {
        for (int k = 0; k < n_st; k++, row++) {
            xw_str(c, p->ws, row, XC_COL_LABEL, p->j->opts[i].run->sc->name, NULL);
            xw_str(c, p->ws, row, XC_COL_UNIT, p->det ? det[k].label : mc[k].label, NULL);
            for (int y = 0; y < p->Y; y++)
                xw_num(c, p->ws, row, XC_COL_OPT + y,
                       report_stat(p->j->opts[i].run, HN_M_NET_COST, HN_ENT_TOTAL, 0, y,
                                   p->det ? det[k].st : mc[k].st) /
                           1000.0,
                       f->thousands);
        }
    }
    *baseline = row;
    xw_str(c, p->ws, row, XC_COL_LABEL, "Baseline (spend today)", NULL);
    for (int y = 0; y < p->Y; y++)
        xw_num(c, p->ws, row, XC_COL_OPT + y, ref->baseline_cost / 1000.0, f->thousands);
}

/*
 * The line chart of net cost per year (the rows chart_data wrote): one
 * solid line per option for the mean, named by its title, its P10 and P90
 * dashed in the same colour without a legend entry of their own, and the
 * baseline grey. NULL after an error.
 */
static lxw_chart *net_cost_chart(xc_page *p, int header, int first, int baseline)
{
    xw_ctx *c = p->c;
    const hn_run_report *ref = p->j->opts[0].run;
    int Y = p->Y, n_st = p->det ? 1 : 3;
    if (c->err) return NULL;
    lxw_chart *chart = workbook_add_chart(c->wb, LXW_CHART_LINE);
    if (!chart) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the comparison chart");
        return NULL;
    }
    chart_title_set_name(chart, p->det ? "Planned net cost per year by option (£'000)"
                                       : "Net cost per year by option (£'000): mean, and "
                                         "P10 and P90 dashed");
    lxw_chart_font title_font = { .bold = LXW_TRUE, .size = 11 };
    chart_title_set_name_font(chart, &title_font);
    xw_axis_name(c, chart->y_axis, "£'000");
    /* Start the value axis near the lowest line, so that the options can be told apart. */
    double lowest = ref->baseline_cost / 1000.0;
    for (int i = 0; i < p->n; i++)
        for (int y = 0; y < Y; y++) {
            double v = report_stat(p->j->opts[i].run, HN_M_NET_COST, HN_ENT_TOTAL, 0, y,
                                   p->det ? HN_STAT_MEAN : HN_STAT_P10);
            if (isfinite(v) && v / 1000.0 < lowest) lowest = v / 1000.0;
        }
    double step = pow(10, floor(log10(lowest > 1 ? lowest : 1)));
    chart_axis_set_min(chart->y_axis, floor(0.9 * lowest / step) * step);
    chart_axis_set_num_format(chart->y_axis, "#,##0");
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    int16_t *hidden = calloc((size_t)(2 * p->n) + 1, sizeof *hidden);
    if (!hidden) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the comparison chart");
        return chart;
    }
    int n_hidden = 0, series = 0;
    for (int i = 0; i < p->n; i++) {
        for (int k = 0; k < n_st; k++, series++) {
            int data_row = first + i * n_st + k;
            lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
            if (!s) {
                xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart series");
                free(hidden);
                return chart;
            }
            chart_series_set_categories(s, XC_SHEET, (lxw_row_t)header, XC_COL_OPT,
                                        (lxw_row_t)header, (lxw_col_t)(XC_COL_OPT + Y - 1));
            chart_series_set_values(s, XC_SHEET, (lxw_row_t)data_row, XC_COL_OPT,
                                    (lxw_row_t)data_row, (lxw_col_t)(XC_COL_OPT + Y - 1));
            const hn_scenario *sc = p->j->opts[i].run->sc;
            char name[600];
            snprintf(name, sizeof name, "%s%s%s", sc->title && *sc->title ? sc->title : sc->name,
                     k == 1   ? " P10"
                     : k == 2 ? " P90"
                              : "",
                     i == 0 && k == 0 ? " (reference)" : "");
            xw_series_name(c, s, name);
            lxw_chart_line line = { .color = palette[i % (int)(sizeof palette / sizeof palette[0])],
                                    .width = k == 0 ? 2.25f : 1.0f,
                                    .dash_type = k == 0 ? LXW_CHART_LINE_DASH_SOLID
                                                        : LXW_CHART_LINE_DASH_DASH };
            chart_series_set_line(s, &line);
            /* The legend names the options; the chart's title says what the dashes are. */
            if (k > 0 && series <= INT16_MAX) hidden[n_hidden++] = (int16_t)series;
        }
    }
    lxw_chart_series *b = chart_add_series(chart, NULL, NULL);
    if (!b) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart series");
        free(hidden);
        return chart;
    }
    chart_series_set_categories(b, XC_SHEET, (lxw_row_t)header, XC_COL_OPT, (lxw_row_t)header,
                                (lxw_col_t)(XC_COL_OPT + Y - 1));
    chart_series_set_values(b, XC_SHEET, (lxw_row_t)baseline, XC_COL_OPT, (lxw_row_t)baseline,
                            (lxw_col_t)(XC_COL_OPT + Y - 1));
    xw_series_name(c, b, "Baseline (spend today)");
    lxw_chart_line grey = { .color = 0x808080,
                            .width = 1.5f,
                            .dash_type = LXW_CHART_LINE_DASH_ROUND_DOT };
    chart_series_set_line(b, &grey);
    if (n_hidden > 0) {
        hidden[n_hidden] = -1;
        xw_check(c, chart_legend_delete_series(chart, hidden), "hiding legend entries");
    }
    free(hidden);
    return chart;
}

/*
 * Places the chart beneath the right panel's blocks, down to the foot of
 * the left panel (at least XC_CHART_MIN_H tall) and as wide as the right
 * panel, wider when the page would otherwise be taller than A4 landscape
 * and taller when it would be wider;
 * writes its data below, and prints the sheet on one page.
 */
static void chart_and_print(xc_page *p)
{
    xw_ctx *c = p->c;
    int chart_row = p->row_right;
    int rows = p->row_left - chart_row;
    if (rows * XC_ROW_PX < XC_CHART_MIN_H) rows = (XC_CHART_MIN_H + XC_ROW_PX - 1) / XC_ROW_PX;
    int last_row = chart_row + rows; /* the chart ends in this row, which is left empty */

    int left_px = 0, right_px = 0;
    for (int col = 0; col < XC_COL_OPT + p->n; col++)
        left_px += xw_col_pixels(col == XC_COL_LABEL  ? XC_W_LABEL
                                 : col == XC_COL_UNIT ? XC_W_UNIT
                                                      : XC_W_OPT);
    right_px = xw_col_pixels(XC_W_YEAR) + p->n * xw_col_pixels(p->w_ropt);
    /* The page's height: the rows (tall ones counted as default ones, a small difference). */
    int height_px = (last_row + 4) * XC_ROW_PX;
    int chart_w = right_px;
    int wanted = (int)(height_px * XC_PAGE_RATIO) - left_px;
    if (wanted > chart_w) chart_w = wanted;
    /* A page wider than A4's shape: the chart grows down into the space below. */
    int fill_rows = (int)((left_px + chart_w) / XC_PAGE_RATIO) / XC_ROW_PX - 4 - chart_row;
    if (fill_rows > rows) {
        rows = fill_rows;
        last_row = chart_row + rows;
    }
    /* The columns beyond the right panel that a wider chart covers (default width 64 pixels). */
    int last_col = p->col_year + p->n;
    if (chart_w > right_px) last_col += (chart_w - right_px + 63) / 64;

    int header, first, baseline;
    chart_data(p, last_row + 2, &header, &first, &baseline);
    lxw_chart *chart = net_cost_chart(p, header, first, baseline);
    xw_chart_insert(c, p->ws, chart_row, p->col_year, 0, 0, chart, chart_w, rows * XC_ROW_PX);
    xw_print_setup_titled(c, p->ws, -1, c->title);
    xw_print_one_page(c, p->ws, last_row, last_col);
}

/*
 * Adds and writes the Comparison sheet: the left panel (the table of
 * options), the right panel (the measures per year, the chart), then its
 * data below the printed page; one A4 landscape page.
 */
static void comparison_sheet(xw_ctx *c, const xc_job *j)
{
    lxw_worksheet *ws = xw_sheet(c, XC_SHEET);
    if (!ws) return;
    xc_page p = { .c = c, .ws = ws, .j = j, .n = j->n, .Y = j->opts[0].run->lay->years };
    p.det = j->opts[0].run->res->deterministic;
    p.col_year = XC_COL_OPT + p.n;
    /* The right panel is at least as wide as the chart's least width. */
    p.w_ropt = XC_W_OPT;
    double least = ((XC_CHART_MIN_W - xw_col_pixels(XC_W_YEAR)) / (double)p.n - 5) / 7.0;
    if (least > p.w_ropt) p.w_ropt = least;
    p.title_fmt = new_format(c);
    p.name_fmt = new_format(c);
    p.right = new_format(c);
    p.year_fmt = new_format(c);
    p.block_fmt = new_format(c);
    p.fit_fmt = new_format(c);
    p.year_head = new_format(c);
    if (c->err) return;
    format_set_shrink(p.fit_fmt);
    format_set_bold(p.year_head); /* as c->f.header_l, indented */
    format_set_bg_color(p.year_head, XW_HEADING_FILL);
    format_set_bottom(p.year_head, LXW_BORDER_THIN);
    format_set_align(p.year_head, LXW_ALIGN_LEFT);
    format_set_align(p.year_head, LXW_ALIGN_VERTICAL_BOTTOM);
    format_set_indent(p.year_head, 1);
    format_set_bold(p.title_fmt);
    format_set_text_wrap(p.title_fmt);
    format_set_align(p.title_fmt, LXW_ALIGN_RIGHT);
    format_set_align(p.title_fmt, LXW_ALIGN_VERTICAL_BOTTOM);
    format_set_bg_color(p.title_fmt, 0xD9D9D9);
    format_set_italic(p.name_fmt);
    format_set_shrink(p.name_fmt);
    format_set_align(p.name_fmt, LXW_ALIGN_RIGHT);
    format_set_bottom(p.name_fmt, LXW_BORDER_THIN);
    format_set_align(p.right, LXW_ALIGN_RIGHT);
    format_set_indent(p.year_fmt, 2);
    format_set_bold(p.block_fmt);
    format_set_indent(p.block_fmt, 1);

    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    xw_width(c, ws, XC_COL_LABEL, XC_COL_LABEL, XC_W_LABEL);
    xw_width(c, ws, XC_COL_UNIT, XC_COL_UNIT, XC_W_UNIT);
    xw_width(c, ws, XC_COL_OPT, XC_COL_OPT + p.n - 1, XC_W_OPT);
    xw_width(c, ws, p.col_year, p.col_year, XC_W_YEAR);
    xw_width(c, ws, p.col_year + 1, p.col_year + p.n, p.w_ropt);
    title_block(&p);
    options_table(&p);
    year_blocks(&p);
    chart_and_print(&p);
    if (!c->err) worksheet_activate(ws);
    lines_sheet(&p);
}

/* Adds the sheets: Comparison, Saving by line, each option's Summary under the option's sheet
 * name, then the options' Assumptions side by side and the Run sheet of them all. */
static void compare_sheets(xw_ctx *c, void *user)
{
    const xc_job *j = user;
    comparison_sheet(c, j);
    for (int i = 0; i < j->n; i++) {
        c->rep = j->opts[i].run;
        xlsx_sheet_summary(c, j->sheet[i]);
    }
    c->rep = j->opts[0].run;
    const hn_scenario **scs = calloc((size_t)j->n, sizeof *scs);
    const char **heads = calloc((size_t)j->n, sizeof *heads);
    const hn_run_report **reps = calloc((size_t)j->n, sizeof *reps);
    if (!scs || !heads || !reps) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the Assumptions and Run sheets");
    } else {
        for (int i = 0; i < j->n; i++) {
            reps[i] = j->opts[i].run;
            scs[i] = reps[i]->sc;
            heads[i] = report_scenario_title(reps[i]);
        }
        xlsx_sheet_assumptions_of(c, scs, heads, j->n);
        xlsx_sheet_run_of(c, reps, j->n);
    }
    free(scs);
    free(heads);
    free(reps);
}

/*
 * Sheet name of option i: its name cut to Excel's 31 characters; when that
 * is already taken (by "Comparison", "Saving by line", "Assumptions", "Run" or an earlier option, Excel ignoring
 * case) the end is replaced by "~N", N the option's number.
 */
static void sheet_name(const hn_report_option *opts, char (*names)[32], int i)
{
    static const char *const reserved[] = { XC_SHEET, XC_LINES_SHEET, "Assumptions", "Run" };
    xw_unique_sheet_name(report_name(opts[i].run), reserved, 4, names, i);
}

hn_status report_write_compare_xlsx(const hn_report_option *opts, int n, hn_error *err)
{
    if (n < 1) return hn_error_set(err, HN_ERR_USAGE, "a comparison needs at least one option");
    const char *path = opts[0].run->origin->out_path;
    char(*names)[32] = calloc((size_t)n, sizeof *names);
    if (!names) return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing %s", path);
    for (int i = 0; i < n; i++) sheet_name(opts, names, i);

    /* The workbook's title (and the Comparison sheet's) describes the comparison. */
    char title[512];
    snprintf(title, sizeof title, "Comparison of options against %s", report_title(opts[0].run));
    xc_job j = { opts, n, names };
    xw_ctx c = { .rep = opts[0].run,
                 .title = title,
                 .summary_detail = "The options side by side: Comparison and Saving by line; "
                                   "inputs: Assumptions; files and method: Run." };
    hn_status s = xw_write_workbook(&c, compare_sheets, &j, err);
    free(names);
    return s;
}

hn_status report_write_compare(const hn_report_option *opts, int n, hn_error *err)
{
    hn_report_format fmt;
    if (n < 1) return hn_error_set(err, HN_ERR_USAGE, "a comparison needs at least one option");
    hn_status s = report_output_format(opts[0].run->origin->out_path, &fmt, err);
    if (s != HN_OK) return s;
    return fmt == REPORT_CSV ? report_write_compare_csv(opts, n, err)
                             : report_write_compare_xlsx(opts, n, err);
}
