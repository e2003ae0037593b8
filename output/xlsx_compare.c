/*
 * xlsx_compare.c - the comparison workbook: the Comparison sheet, then each
 * option's own Summary sheet (xlsx_summary.c) as `hnsim run` writes it.
 *
 * The Comparison sheet has one column per option, the reference first:
 * net cost over all the years (mean, P10, P90), the saving against the
 * reference (reference - option: positive means the option costs less)
 * with its P10-P90, the probability of saving, pupils supported,
 * permanent exclusions, exclusions avoided, the probability of fewer
 * exclusions, EHC needs assessment requests, the cost per exclusion
 * avoided, the payback year, and the standard error of the mean saving
 * with common random numbers next to what it would be from independent
 * runs. Money is in £'000 as on the
 * Summary sheet (the cost per exclusion avoided in £). A deterministic
 * comparison shows the planned values only (no bands, probabilities or
 * standard errors).
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
    XC_ROW_NOTE = 5, /* three lines of notes */
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

/* Statistic st of option i's total figure m in year y (years: all). */
static double opt_stat(const hn_report_option *o, hn_metric m, int y, hn_stat st)
{
    int col = layout_col(o->st->layout, m, HN_ENT_TOTAL, 0, y);
    if (col < 0 || o->st->n_valid[col] <= 0) return NAN;
    return stats_get(o->st, col, st);
}

/* Statistic st of option i's difference of total figure m in year y; NAN for the reference. */
static double delta_stat(const hn_report_option *o, hn_metric m, int y, hn_stat st)
{
    return o->cmp ? compare_stat(o->cmp, m, HN_ENT_TOTAL, 0, y, st) : NAN;
}

/* One row of the table: what it shows and how it is computed for an option. */
typedef enum {
    XR_NET_MEAN,
    XR_NET_P10,
    XR_NET_P90,
    XR_SAVING_MEAN,
    XR_SAVING_P10,
    XR_SAVING_P90,
    XR_P_SAVING,
    XR_SUPPORTED,
    XR_EXCLUSIONS,
    XR_AVOIDED,
    XR_P_FEWER,
    XR_EHCNA,
    XR_COST_PER_AVOIDED,
    XR_PAYBACK,
    XR_SE_CRN,
    XR_SE_INDEPENDENT,
    XR_PRECISION
} xc_row;

/* Which rows a deterministic comparison keeps: the planned values only. */
static bool row_in_deterministic(xc_row r)
{
    switch (r) {
    case XR_NET_MEAN:
    case XR_SAVING_MEAN:
    case XR_SUPPORTED:
    case XR_EXCLUSIONS:
    case XR_AVOIDED:
    case XR_EHCNA:
    case XR_COST_PER_AVOIDED:
    case XR_PAYBACK: return true;
    default: return false;
    }
}

/* Value of row r for option o (NAN: empty cell). */
static double row_value(const hn_report_option *o, xc_row r, int Y)
{
    const hn_comparison *c = o->cmp;
    int net = c ? compare_find(c, HN_M_NET_COST, HN_ENT_TOTAL, 0) : -1;
    switch (r) {
    case XR_NET_MEAN: return opt_stat(o, HN_M_NET_COST, Y, HN_STAT_MEAN) / 1000.0;
    case XR_NET_P10: return opt_stat(o, HN_M_NET_COST, Y, HN_STAT_P10) / 1000.0;
    case XR_NET_P90: return opt_stat(o, HN_M_NET_COST, Y, HN_STAT_P90) / 1000.0;
    case XR_SAVING_MEAN: return -delta_stat(o, HN_M_NET_COST, Y, HN_STAT_MEAN) / 1000.0;
    case XR_SAVING_P10: /* the saving's P10 is minus the difference's P90 */
        return -delta_stat(o, HN_M_NET_COST, Y, HN_STAT_P90) / 1000.0;
    case XR_SAVING_P90: return -delta_stat(o, HN_M_NET_COST, Y, HN_STAT_P10) / 1000.0;
    case XR_P_SAVING: return c ? c->p_cheaper[Y] : NAN;
    case XR_SUPPORTED: return opt_stat(o, HN_M_SUPPORTED, Y, HN_STAT_MEAN);
    case XR_EXCLUSIONS: return opt_stat(o, HN_M_EXCLUSIONS, Y, HN_STAT_MEAN);
    case XR_AVOIDED: return -delta_stat(o, HN_M_EXCLUSIONS, Y, HN_STAT_MEAN);
    case XR_P_FEWER: return c ? c->p_fewer_exclusions[Y] : NAN;
    case XR_EHCNA: return opt_stat(o, HN_M_EHCNA, Y, HN_STAT_MEAN);
    case XR_COST_PER_AVOIDED: return c ? c->cost_per_exclusion_avoided : NAN;
    case XR_SE_CRN: return c ? compare_get(c, net, Y, HN_STAT_SE) / 1000.0 : NAN;
    case XR_SE_INDEPENDENT: return c ? compare_se_independent(c, net, Y) / 1000.0 : NAN;
    case XR_PRECISION: {
        if (!c) return NAN;
        double paired = compare_get(c, net, Y, HN_STAT_SE);
        return paired > 0 ? compare_se_independent(c, net, Y) / paired : NAN;
    }
    case XR_PAYBACK: break;
    }
    return NAN;
}

/* Payback year of option o: the first year by whose end at least half the iterations have
 * paid back; 0 when none. */
static int payback_year(const hn_report_option *o, int Y)
{
    for (int y = 0; y < Y; y++)
        if (opt_stat(o, HN_M_PAYBACK_BY_YEAR, y, HN_STAT_MEAN) >= 0.5) return y + 1;
    return 0;
}

/* Writes the title block and the notes. */
static void title_block(xw_ctx *c, lxw_worksheet *ws, const xc_job *j)
{
    const hn_report_meta *m = j->opts[0].meta;
    char buf[512];
    snprintf(buf, sizeof buf, "Comparison of options against %s",
             m->title && *m->title ? m->title : m->name);
    xw_str(c, ws, XC_ROW_TITLE, 0, buf, c->f.title);
    xw_str(c, ws, XC_ROW_AUTHORITY, 0, m->authority, c->f.bold);
    _Static_assert(XC_ROW_ITERATIONS == XC_ROW_RUN_DATE + 1 && XC_ROW_SEED == XC_ROW_RUN_DATE + 2,
                   "xw_run_rows writes three rows in a row");
    xw_run_rows(c, ws, m, XC_ROW_RUN_DATE, " (every option)", NULL, c->f.integer);
    snprintf(buf, sizeof buf,
             "Reference option: %s. Saving = reference - option: positive when the option "
             "costs less.",
             m->name);
    xw_str(c, ws, XC_ROW_NOTE, 0, buf, c->f.note);
    xw_str(c, ws, XC_ROW_NOTE + 1, 0,
           "Every option is run with the same seed and iterations: iteration i of each faces the "
           "same draws wherever the options describe demand alike (common random numbers).",
           c->f.note);
    xw_str(c, ws, XC_ROW_NOTE + 2, 0,
           "A provision or line present in only one option has no difference of its own (it "
           "counts in the totals). Each option's own Summary sheet follows this one.",
           c->f.note);
}

/* Writes the table of options from XC_ROW_FIRST; returns the next free row. */
static int options_table(xw_ctx *c, lxw_worksheet *ws, const xc_job *j)
{
    static const struct {
        xc_row r;
        const char *label;
        const char *unit;
    } rows[] = {
        { XR_NET_MEAN, "Net cost over all years, mean", "£'000" },
        { XR_NET_P10, "Net cost over all years, P10", "£'000" },
        { XR_NET_P90, "Net cost over all years, P90", "£'000" },
        { XR_SAVING_MEAN, "Saving against the reference, mean", "£'000" },
        { XR_SAVING_P10, "Saving against the reference, P10", "£'000" },
        { XR_SAVING_P90, "Saving against the reference, P90", "£'000" },
        { XR_P_SAVING, "Probability of saving (costs less over all years)", "%" },
        { XR_SUPPORTED, "Pupils supported, all years added up, mean", "pupils" },
        { XR_EXCLUSIONS, "Permanent exclusions, all years, mean", "pupils" },
        { XR_AVOIDED, "Exclusions avoided against the reference, mean", "pupils" },
        { XR_P_FEWER, "Probability of fewer exclusions than the reference", "%" },
        { XR_EHCNA, "EHC needs assessment requests, all years, mean", "requests" },
        { XR_COST_PER_AVOIDED, "Cost per exclusion avoided (negative: it saves money too)", "£" },
        { XR_PAYBACK, "Payback year (half the iterations have paid back by its end)", "year" },
        { XR_SE_CRN, "Standard error of the mean saving, common random numbers", "£'000" },
        { XR_SE_INDEPENDENT, "Standard error of the mean saving, independent runs", "£'000" },
        { XR_PRECISION, "Precision gained (independent / common-random-numbers SE)", "times" },
    };
    const xw_formats *f = &c->f;
    int Y = j->opts[0].st->layout->years;
    bool det = j->opts[0].meta->deterministic;
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
        xw_str(c, ws, XC_ROW_HEADER, XC_COL_OPT + i, j->opts[i].meta->name, f->header);
        char title[512];
        snprintf(title, sizeof title, "%s%s", j->opts[i].meta->title ? j->opts[i].meta->title : "",
                 i == 0 ? " (reference)" : "");
        xw_str(c, ws, XC_ROW_TITLES, XC_COL_OPT + i, title, wrap);
    }

    int row = XC_ROW_FIRST;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        if (det && !row_in_deterministic(rows[r].r)) continue;
        xw_str(c, ws, row, XC_COL_LABEL, rows[r].label, NULL);
        xw_str(c, ws, row, XC_COL_UNIT, rows[r].unit, NULL);
        /* Standard errors are small: £'000 with one decimal. */
        bool se = rows[r].r == XR_SE_CRN || rows[r].r == XR_SE_INDEPENDENT;
        lxw_format *fmt = !strcmp(rows[r].unit, "%")              ? f->percent
                          : !strcmp(rows[r].unit, "£")            ? f->pounds
                          : !strcmp(rows[r].unit, "£'000") && !se ? f->thousands
                                                                  : f->pupils;
        for (int i = 0; i < j->n; i++) {
            const hn_report_option *o = &j->opts[i];
            int col = XC_COL_OPT + i;
            if (rows[r].r == XR_PAYBACK) {
                int py = payback_year(o, Y);
                char buf[64], label[16];
                if (py > 0) {
                    layout_year_label(o->st->layout, py - 1, label, sizeof label);
                    snprintf(buf, sizeof buf, "%s (year %d)", label, py);
                } else {
                    snprintf(buf, sizeof buf, "not within %d years", Y);
                }
                xw_str(c, ws, row, col, buf, right);
                continue;
            }
            if (!o->cmp && rows[r].r == XR_SAVING_MEAN) {
                xw_str(c, ws, row, col, "reference", right);
                continue;
            }
            double v = row_value(o, rows[r].r, Y);
            if (rows[r].r == XR_COST_PER_AVOIDED && o->cmp && !isfinite(v)) {
                xw_str(c, ws, row, col, "none avoided", right);
                continue;
            }
            xw_num(c, ws, row, col, v, fmt);
        }
        row++;
    }
    return row;
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
    const hn_layout *lay = j->opts[0].st->layout;
    int Y = lay->years;
    bool is_det = j->opts[0].meta->deterministic;
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
            xw_str(c, ws, row, XC_COL_LABEL, j->opts[i].meta->name, NULL);
            xw_str(c, ws, row, XC_COL_UNIT, is_det ? det[k].label : mc[k].label, NULL);
            for (int y = 0; y < Y; y++)
                xw_num(c, ws, row, XC_COL_OPT + y,
                       opt_stat(&j->opts[i], HN_M_NET_COST, y, is_det ? det[k].st : mc[k].st) /
                           1000.0,
                       f->thousands);
        }
    }
    int baseline_row = row++;
    xw_str(c, ws, baseline_row, XC_COL_LABEL, "Baseline (spend today)", NULL);
    xw_str(c, ws, baseline_row, XC_COL_UNIT, "", NULL);
    for (int y = 0; y < Y; y++)
        xw_num(c, ws, baseline_row, XC_COL_OPT + y, j->opts[0].meta->baseline_cost / 1000.0,
               f->thousands);

    if (c->err) return row;
    lxw_chart *chart = workbook_add_chart(c->wb, LXW_CHART_LINE);
    if (!chart) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the comparison chart");
        return row;
    }
    chart_title_set_name(chart, is_det ? "Planned net cost per year by option (£'000)"
                                       : "Net cost per year by option: mean and P10-P90 (£'000)");
    chart_axis_set_name(chart->y_axis, "£'000");
    /* Start the value axis near the lowest line, so that the options can be told apart. */
    double lowest = j->opts[0].meta->baseline_cost / 1000.0;
    for (int i = 0; i < j->n; i++)
        for (int y = 0; y < Y; y++) {
            double v = opt_stat(&j->opts[i], HN_M_NET_COST, y, is_det ? HN_STAT_MEAN : HN_STAT_P10);
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
            snprintf(name, sizeof name, "%s%s", j->opts[i].meta->name, k == 0 ? "" : " P10-P90");
            chart_series_set_name(s, name);
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
    chart_series_set_name(b, "Baseline");
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
    int Y = j->opts[0].st->layout->years;
    int n_cols = j->n > Y ? j->n : Y;
    xw_width(c, ws, XC_COL_LABEL, XC_COL_LABEL, 60);
    xw_width(c, ws, XC_COL_UNIT, XC_COL_UNIT, 10);
    xw_width(c, ws, XC_COL_OPT, XC_COL_OPT + n_cols - 1, 24);
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
        const hn_report_option *o = &j->opts[i];
        c->meta = o->meta;
        c->st = o->st;
        c->res = o->res;
        c->lay = o->st->layout;
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
    snprintf(names[i], 32, "%.31s", opts[i].meta->name ? opts[i].meta->name : "");
    bool taken = !strcasecmp(names[i], XC_SHEET) || names[i][0] == '\0';
    for (int k = 0; k < i && !taken; k++) taken = !strcasecmp(names[i], names[k]);
    if (taken) {
        char suffix[16];
        int len = snprintf(suffix, sizeof suffix, "~%d", i + 1);
        names[i][31 - len > 0 ? 31 - len : 0] = '\0';
        strncat(names[i], suffix, 31 - strlen(names[i]));
    }
}

hn_status report_write_compare_xlsx(const char *path, const hn_report_option *opts, int n,
                                    hn_error *err)
{
    if (n < 1) return hn_error_set(err, HN_ERR_USAGE, "a comparison needs at least one option");
    char(*names)[32] = calloc((size_t)n, sizeof *names);
    if (!names) return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing %s", path);
    for (int i = 0; i < n; i++) sheet_name(opts, names, i);

    /* The workbook's properties describe the comparison. */
    hn_report_meta meta = *opts[0].meta;
    char title[512];
    snprintf(title, sizeof title, "Comparison of options against %s",
             meta.title && *meta.title ? meta.title : (meta.name ? meta.name : ""));
    meta.title = title;

    xc_job j = { opts, n, names };
    xw_ctx c = { .meta = &meta, .st = opts[0].st, .res = opts[0].res, .lay = opts[0].st->layout };
    hn_status s = xw_write_workbook(path, &c, compare_sheets, &j, err);
    free(names);
    return s;
}
