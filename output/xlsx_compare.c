/*
 * xlsx_compare.c - the comparison workbook: the Comparison sheet, then each
 * option's own Summary sheet (xlsx_summary.c) as `hnsim run` writes it.
 *
 * The Comparison sheet has one column per option, the reference first, and
 * a row for every row of the comparison table (compare_rows.c, which the
 * terminal prints too): net cost over all the years, the saving against
 * the reference with its band, the probabilities, pupils (each counted
 * once over the years) and the net cost per pupil, exclusions, the cost
 * per exclusion avoided (or the outcome in words), the payback against
 * the reference, the standard errors, and the saving line by line (each
 * provision, cost line and income line, mean, P10 and P90), so that a
 * calibrated residual line shows. A deterministic comparison shows the
 * planned values only (no bands, probabilities or standard errors).
 *
 * Beneath, the net cost per year of every option (mean, P10, P90, and the
 * baseline), and a line chart of it: one solid line per option for the
 * mean, with its P10-P90 band drawn as two dashed lines of the same colour
 * (libxlsxwriter 1.1.4 cannot combine a line chart with shaded areas, and
 * stacked-area bands cannot overlap for several options), and the baseline
 * as a grey line.
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

#define XC_SHEET "Comparison"

/* Rows and columns of the sheet (0-based). */
enum {
    XC_ROW_TITLE = 0,
    XC_ROW_AUTHORITY = 1,
    XC_ROW_RUN_DATE = 2,
    XC_ROW_ITERATIONS = 3,
    XC_ROW_SEED = 4,
    XC_ROW_NOTE = 5, /* four lines of notes */
    XC_ROW_HEADER = 9,
    XC_ROW_TITLES = 10,
    XC_ROW_FIRST = 11,
    XC_COL_LABEL = 0,
    XC_COL_UNIT = 1,
    XC_COL_OPT = 2
};

/* Line colours of the options in the chart, in turn. */
static const lxw_color_t palette[] = { 0x1F4E79, 0xC00000, 0x548235, 0x7030A0,
                                       0xED7D31, 0x2E75B6, 0x7F6000, 0xFF66CC };

/* The comparison being written. */
typedef struct {
    const hn_report_option *opts;
    int n;
    char (*sheet)[32]; /* each option's Summary sheet name */
} xc_job;

/* Writes the title block and the notes. */
static void title_block(xw_ctx *c, lxw_worksheet *ws, const xc_job *j)
{
    const hn_run_report *ref = j->opts[0].run;
    char buf[512];
    xw_str(c, ws, XC_ROW_TITLE, 0, c->title, c->f.title);
    xw_str(c, ws, XC_ROW_AUTHORITY, 0, ref->sc->authority, c->f.bold);
    _Static_assert(XC_ROW_ITERATIONS == XC_ROW_RUN_DATE + 1 && XC_ROW_SEED == XC_ROW_RUN_DATE + 2,
                   "xw_run_rows writes three rows in a row");
    xw_run_rows(c, ws, XC_ROW_RUN_DATE, " (every option)", NULL, c->f.integer);
    snprintf(buf, sizeof buf,
             "Reference option: %s. Saving = reference - option: positive when the option "
             "costs less.",
             ref->sc->name);
    xw_str(c, ws, XC_ROW_NOTE, 0, buf, c->f.note);
    xw_str(c, ws, XC_ROW_NOTE + 1, 0,
           "Every option is run with the same seed and iterations: iteration i of each faces the "
           "same draws wherever the options describe demand alike (common random numbers).",
           c->f.note);
    xw_str(c, ws, XC_ROW_NOTE + 2, 0,
           "A provision or line present in only one option has no difference of its own (it "
           "counts in the totals). Each option's own Summary sheet follows this one.",
           c->f.note);
    xw_str(c, ws, XC_ROW_NOTE + 3, 0,
           "Payback against the reference: from the end of its payback year on, the option's "
           "cumulative net cost stays at or below the reference's; the year shown is the first "
           "by whose end half the iterations have reached theirs.",
           c->f.note);
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

/* The Comparison sheet's table being written: the sheet, its next row and its formats. */
typedef struct {
    xw_ctx *c;
    lxw_worksheet *ws;
    const xc_job *j;
    int row;
    lxw_format *right; /* words in an option's cell, right-aligned */
} xc_table;

/* Writes one row of the table (compare_table's visitor): its words, units and each option's cell. */
static void table_row(void *user, const hn_compare_item *it)
{
    xc_table *t = user;
    xw_ctx *c = t->c;
    bool heading = it->row->value.source == CR_HEADING;
    xw_str(c, t->ws, t->row, XC_COL_LABEL, it->label,
           !heading       ? NULL
           : it->has_line ? c->f.note
                          : c->f.bold);
    xw_str(c, t->ws, t->row, XC_COL_UNIT, it->row->sheet.unit, NULL);
    for (int i = 0; i < t->j->n && !heading; i++) {
        hn_compare_cell cell;
        compare_cell(it, t->j->opts, i, false, &cell);
        if (cell.text)
            xw_str(c, t->ws, t->row, XC_COL_OPT + i, cell.text, t->right);
        else
            xw_num(c, t->ws, t->row, XC_COL_OPT + i, compare_row_shown(it->row, cell.value),
                   row_format(c, it->row));
    }
    t->row++;
}

/* Writes the table of options from XC_ROW_FIRST, a row per row of compare_table(); returns the next free row. */
static int options_table(xw_ctx *c, lxw_worksheet *ws, const xc_job *j)
{
    const xw_formats *f = &c->f;
    /* Option titles are long: wrapped, in italics, in their column. */
    lxw_format *wrap = c->err ? NULL : workbook_add_format(c->wb);
    lxw_format *right = c->err ? NULL : workbook_add_format(c->wb);
    if (wrap) {
        format_set_italic(wrap);
        format_set_text_wrap(wrap);
        format_set_align(wrap, LXW_ALIGN_RIGHT);
        format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    }
    if (right) format_set_align(right, LXW_ALIGN_RIGHT);
    if (!c->err)
        xw_check(c, worksheet_set_row(ws, XC_ROW_TITLES, 45, NULL), "setting a row height");

    xw_str(c, ws, XC_ROW_HEADER, XC_COL_LABEL, "Option", f->header_l);
    xw_str(c, ws, XC_ROW_HEADER, XC_COL_UNIT, "Units", f->header);
    for (int i = 0; i < j->n; i++) {
        const hn_scenario *sc = j->opts[i].run->sc;
        xw_str(c, ws, XC_ROW_HEADER, XC_COL_OPT + i, sc->name, f->header);
        char title[512];
        snprintf(title, sizeof title, "%s%s", sc->title ? sc->title : "",
                 i == 0 ? " (reference)" : "");
        xw_str(c, ws, XC_ROW_TITLES, XC_COL_OPT + i, title, wrap);
    }

    xc_table t = { c, ws, j, XC_ROW_FIRST, right };
    hn_error err;
    if (compare_table(j->opts, j->n, false, table_row, &t, &err) != HN_OK)
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the comparison table");
    return t.row;
}

/* Writes the net cost per year of every option (mean, P10, P90; planned only when deterministic)
 * and the baseline from `row`, then the chart beneath; returns the next free row. */
static int yearly_table_and_chart(xw_ctx *c, lxw_worksheet *ws, const xc_job *j, int row)
{
    static const struct {
        hn_stat st;
        const char *label;
    } mc[] = { { HN_STAT_MEAN, "Mean" }, { HN_STAT_P10, "P10" }, { HN_STAT_P90, "P90" } },
      det[] = { { HN_STAT_MEAN, "Planned" } };
    const xw_formats *f = &c->f;
    const hn_run_report *ref = j->opts[0].run;
    const hn_layout *lay = ref->lay;
    int Y = lay->years;
    bool is_det = ref->res->deterministic;
    int n_st = is_det ? 1 : 3;
    char label[16];

    row++;
    xw_str(c, ws, row++, XC_COL_LABEL, "Net cost per year (£'000)", f->bold);
    int header = row;
    xw_str(c, ws, header, XC_COL_LABEL, "Option", f->header_l);
    xw_str(c, ws, header, XC_COL_UNIT, "Statistic", f->header);
    for (int y = 0; y < Y; y++) {
        layout_year_label(lay, y, label, sizeof label);
        xw_str(c, ws, header, XC_COL_OPT + y, label, f->header);
    }
    row++;
    int first_data = row;
    for (int i = 0; i < j->n; i++) {
        for (int k = 0; k < n_st; k++, row++) {
            xw_str(c, ws, row, XC_COL_LABEL, j->opts[i].run->sc->name, NULL);
            xw_str(c, ws, row, XC_COL_UNIT, is_det ? det[k].label : mc[k].label, NULL);
            for (int y = 0; y < Y; y++)
                xw_num(c, ws, row, XC_COL_OPT + y,
                       report_stat(j->opts[i].run, HN_M_NET_COST, HN_ENT_TOTAL, 0, y,
                                   is_det ? det[k].st : mc[k].st) /
                           1000.0,
                       f->thousands);
        }
    }
    int baseline_row = row++;
    xw_str(c, ws, baseline_row, XC_COL_LABEL, "Baseline (spend today)", NULL);
    xw_str(c, ws, baseline_row, XC_COL_UNIT, "", NULL);
    for (int y = 0; y < Y; y++)
        xw_num(c, ws, baseline_row, XC_COL_OPT + y, ref->baseline_cost / 1000.0, f->thousands);

    if (c->err) return row;
    lxw_chart *chart = workbook_add_chart(c->wb, LXW_CHART_LINE);
    if (!chart) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the comparison chart");
        return row;
    }
    chart_title_set_name(chart, is_det ? "Planned net cost per year by option (£'000)"
                                       : "Net cost per year by option: mean and P10-P90 (£'000)");
    xw_axis_name(c, chart->y_axis, "£'000");
    /* Start the value axis near the lowest line, so that the options can be told apart. */
    double lowest = ref->baseline_cost / 1000.0;
    for (int i = 0; i < j->n; i++)
        for (int y = 0; y < Y; y++) {
            double v = report_stat(j->opts[i].run, HN_M_NET_COST, HN_ENT_TOTAL, 0, y,
                                   is_det ? HN_STAT_MEAN : HN_STAT_P10);
            if (isfinite(v) && v / 1000.0 < lowest) lowest = v / 1000.0;
        }
    double step = pow(10, floor(log10(lowest > 1 ? lowest : 1)));
    chart_axis_set_min(chart->y_axis, floor(0.9 * lowest / step) * step);
    chart_axis_set_num_format(chart->y_axis, "#,##0");
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    int16_t *hidden = calloc((size_t)j->n + 1, sizeof *hidden);
    if (!hidden) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the comparison chart");
        return row;
    }
    int n_hidden = 0, series = 0;
    for (int i = 0; i < j->n; i++) {
        for (int k = 0; k < n_st; k++, series++) {
            int data_row = first_data + i * n_st + k;
            lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
            if (!s) {
                xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart series");
                free(hidden);
                return row;
            }
            chart_series_set_categories(s, XC_SHEET, (lxw_row_t)header, XC_COL_OPT,
                                        (lxw_row_t)header, (lxw_col_t)(XC_COL_OPT + Y - 1));
            chart_series_set_values(s, XC_SHEET, (lxw_row_t)data_row, XC_COL_OPT,
                                    (lxw_row_t)data_row, (lxw_col_t)(XC_COL_OPT + Y - 1));
            char name[96];
            snprintf(name, sizeof name, "%s%s", j->opts[i].run->sc->name, k == 0 ? "" : " P10-P90");
            xw_series_name(c, s, name);
            lxw_chart_line line = { .color = palette[i % (int)(sizeof palette / sizeof palette[0])],
                                    .width = k == 0 ? 2.25f : 1.0f,
                                    .dash_type = k == 0 ? LXW_CHART_LINE_DASH_SOLID
                                                        : LXW_CHART_LINE_DASH_DASH };
            chart_series_set_line(s, &line);
            /* One legend entry for the band: the P90 line's is dropped. */
            if (k == 2 && series <= INT16_MAX) hidden[n_hidden++] = (int16_t)series;
        }
    }
    lxw_chart_series *b = chart_add_series(chart, NULL, NULL);
    if (!b) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a chart series");
        free(hidden);
        return row;
    }
    chart_series_set_categories(b, XC_SHEET, (lxw_row_t)header, XC_COL_OPT, (lxw_row_t)header,
                                (lxw_col_t)(XC_COL_OPT + Y - 1));
    chart_series_set_values(b, XC_SHEET, (lxw_row_t)baseline_row, XC_COL_OPT,
                            (lxw_row_t)baseline_row, (lxw_col_t)(XC_COL_OPT + Y - 1));
    xw_series_name(c, b, "Baseline");
    lxw_chart_line grey = { .color = 0x808080,
                            .width = 1.5f,
                            .dash_type = LXW_CHART_LINE_DASH_ROUND_DOT };
    chart_series_set_line(b, &grey);
    if (n_hidden > 0) {
        hidden[n_hidden] = -1;
        xw_check(c, chart_legend_delete_series(chart, hidden), "hiding legend entries");
    }
    free(hidden);
    lxw_chart_options opt = { .x_scale = 1.6, .y_scale = 1.4 };
    row++;
    xw_check(c, worksheet_insert_chart_opt(ws, (lxw_row_t)row, XC_COL_LABEL, chart, &opt),
             "inserting the comparison chart");
    return row + 22;
}

/* Adds and writes the Comparison sheet. */
static void comparison_sheet(xw_ctx *c, const xc_job *j)
{
    lxw_worksheet *ws = xw_sheet(c, XC_SHEET);
    if (!ws) return;
    int Y = j->opts[0].run->lay->years;
    int n_cols = j->n > Y ? j->n : Y;
    xw_width(c, ws, XC_COL_LABEL, XC_COL_LABEL, 60);
    xw_width(c, ws, XC_COL_UNIT, XC_COL_UNIT, 10);
    xw_width(c, ws, XC_COL_OPT, XC_COL_OPT + n_cols - 1, 30);
    title_block(c, ws, j);
    int row = options_table(c, ws, j);
    (void)yearly_table_and_chart(c, ws, j, row);
    if (!c->err) {
        worksheet_activate(ws);
        /* A4 landscape, one page wide: the sheet goes into a committee paper. */
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9);
        worksheet_fit_to_pages(ws, 1, 0);
    }
}

/* Adds the sheets: Comparison, then each option's Summary under the option's sheet name. */
static void compare_sheets(xw_ctx *c, void *user)
{
    const xc_job *j = user;
    comparison_sheet(c, j);
    for (int i = 0; i < j->n; i++) {
        c->rep = j->opts[i].run;
        xlsx_sheet_summary(c, j->sheet[i]);
    }
}

/*
 * Sheet name of option i: its name cut to Excel's 31 characters; when that
 * is already taken (by "Comparison" or an earlier option, Excel ignoring
 * case) the end is replaced by "~N", N the option's number.
 */
static void sheet_name(const hn_report_option *opts, char (*names)[32], int i)
{
    snprintf(names[i], 32, "%.31s", report_name(opts[i].run));
    bool taken = !strcasecmp(names[i], XC_SHEET) || names[i][0] == '\0';
    for (int k = 0; k < i && !taken; k++) taken = !strcasecmp(names[i], names[k]);
    if (taken) {
        char suffix[16];
        int len = snprintf(suffix, sizeof suffix, "~%d", i + 1);
        names[i][31 - len > 0 ? 31 - len : 0] = '\0';
        strncat(names[i], suffix, 31 - strlen(names[i]));
    }
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
    xw_ctx c = { .rep = opts[0].run, .title = title };
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
