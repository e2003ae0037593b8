/*
 * xlsx_convergence.c - the Run sheet's sampling and convergence section.
 *
 * Beneath the run's description: how the inputs were sampled (plain Monte
 * Carlo or Latin hypercube), how many rank correlations were imposed, the
 * target standard error and whether it was reached; one row per block of
 * iterations with the running mean of the net cost over all years and its
 * standard error after it; and a chart of the running mean with its 95%
 * band (mean +/- 1.96 standard errors) against the iterations, from a table
 * of about 100 points (the report's curve) written beside it. A
 * deterministic run has one line: nothing was sampled.
 */
#include <math.h>
#include <stdio.h>

#include "xlsx_internal.h"

/* Writes "label | text" at row and returns the next row. */
static int label_row(xw_ctx *c, lxw_worksheet *ws, int row, const char *label, const char *text)
{
    xw_str(c, ws, row, 0, label, c->f.bold);
    xw_str(c, ws, row, 1, text, NULL);
    return row + 1;
}

/* Writes the description lines: sampling, correlations, target, outcome. */
static int describe(xw_ctx *c, lxw_worksheet *ws, int row)
{
    const hn_results *res = c->rep->res;
    int n_correlations = c->rep->n_correlations;
    char buf[200], n1[32], n2[32];
    row = label_row(c, ws, row, "Sampling",
                    res->sampling == HN_SAMPLING_LHS
                        ? "Latin hypercube (--sampling lhs; each block of iterations is one "
                          "hypercube)"
                        : "Plain Monte Carlo (--sampling mc)");
    if (n_correlations > 0)
        snprintf(buf, sizeof buf, "%d pair%s of inputs, imposed by the Iman-Conover method",
                 n_correlations, n_correlations == 1 ? "" : "s");
    else
        snprintf(buf, sizeof buf, "none (inputs drawn independently)");
    row = label_row(c, ws, row, "Rank correlations", buf);
    if (res->target_se_pct <= 0)
        return label_row(c, ws, row, "Target standard error",
                         "none (a fixed number of iterations)");
    snprintf(buf, sizeof buf, "%g%% of the mean net cost over all years (--target-se)",
             res->target_se_pct);
    row = label_row(c, ws, row, "Target standard error", buf);
    report_thousands(res->max_iterations, n1, sizeof n1);
    row = label_row(c, ws, row, "Most iterations allowed", n1);
    report_thousands(res->n_iter, n2, sizeof n2);
    const hn_block *last = res->n_blocks > 0 ? &res->blocks[res->n_blocks - 1] : NULL;
    double pct = last && last->mean != 0 ? 100.0 * last->se / fabs(last->mean) : 0;
    if (res->converged)
        snprintf(buf, sizeof buf, "yes, after %s iterations in %d block%s (%.3g%% of the mean)", n2,
                 res->n_blocks, res->n_blocks == 1 ? "" : "s", pct);
    else
        snprintf(buf, sizeof buf,
                 "no: %.3g%% of the mean after %s iterations, the most allowed (raise "
                 "--max-iterations)",
                 pct, n2);
    return label_row(c, ws, row, "Target reached", buf);
}

/* Writes one row per block; returns the next row. */
static int block_table(xw_ctx *c, lxw_worksheet *ws, int row)
{
    const hn_results *res = c->rep->res;
    static const char *const head[] = { "Block",    "Iterations", "So far",
                                        "Mean (£)", "SE (£)",     "SE % of mean" };
    for (int j = 0; j < 6; j++) xw_str(c, ws, row, j, head[j], j ? c->f.header : c->f.header_l);
    row++;
    for (int b = 0; b < res->n_blocks; b++, row++) {
        const hn_block *k = &res->blocks[b];
        char name[24];
        snprintf(name, sizeof name, "Block %d", b + 1);
        xw_str(c, ws, row, 0, name, NULL);
        xw_num(c, ws, row, 1, (double)k->size, c->f.integer);
        xw_num(c, ws, row, 2, (double)k->total, c->f.integer);
        xw_num(c, ws, row, 3, k->mean, c->f.pounds);
        xw_num(c, ws, row, 4, k->se, c->f.pounds);
        xw_num(c, ws, row, 5, k->mean != 0 ? k->se / fabs(k->mean) : NAN, c->f.percent2);
    }
    return row;
}

/*
 * Adds the chart of the curve written at rows first..last, columns 0..3,
 * anchored at (row, col); its iterations axis runs from 0 to `most`.
 */
static void curve_chart(xw_ctx *c, lxw_worksheet *ws, int first, int last, int row, int col,
                        double most)
{
    if (c->err) return;
    lxw_chart *ch = workbook_add_chart(c->wb, LXW_CHART_SCATTER_STRAIGHT);
    if (!ch) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the convergence chart");
        return;
    }
    chart_title_set_name(ch, "Mean net cost over all years as iterations are added");
    static const struct {
        const char *name;
        int col;
        uint8_t dash;
    } series[] = { { "Running mean", 1, LXW_CHART_LINE_DASH_SOLID },
                   { "95% band, lower", 2, LXW_CHART_LINE_DASH_DASH },
                   { "95% band, upper", 3, LXW_CHART_LINE_DASH_DASH } };
    for (int i = 0; i < 3; i++) {
        lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
        if (!s) {
            xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a convergence series");
            return;
        }
        chart_series_set_categories(s, "Run", (lxw_row_t)first, 0, (lxw_row_t)last, 0);
        chart_series_set_values(s, "Run", (lxw_row_t)first, (lxw_col_t)series[i].col,
                                (lxw_row_t)last, (lxw_col_t)series[i].col);
        xw_series_name(c, s, series[i].name);
        lxw_chart_line line = { .color = i ? 0x7F7F7F : 0x1F4E79,
                                .width = i ? 1.0f : 2.0f,
                                .dash_type = series[i].dash };
        chart_series_set_line(s, &line);
    }
    xw_axis_name(c, ch->x_axis, "Iterations");
    chart_axis_set_min(ch->x_axis, 0);
    chart_axis_set_max(ch->x_axis, most);
    chart_axis_set_num_format(ch->x_axis, "#,##0");
    xw_axis_name(c, ch->y_axis, "£");
    chart_axis_set_num_format(ch->y_axis, "#,##0");
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = { .x_scale = 1.6, .y_scale = 1.4 };
    xw_check(c, worksheet_insert_chart_opt(ws, (lxw_row_t)row, (lxw_col_t)col, ch, &opt),
             "inserting the convergence chart");
}

/* Writes the curve's table (and its chart beside it); returns the next row. */
static int curve(xw_ctx *c, lxw_worksheet *ws, int row)
{
    const hn_conv_point *pts = c->rep->curve;
    int n = c->rep->n_curve;
    if (n == 0) return row;
    xw_str(c, ws, row++, 0, "Running mean of the net cost over all years, with its 95% band",
           c->f.bold);
    static const char *const head[] = { "Iterations", "Running mean (£)", "Lower 95% (£)",
                                        "Upper 95% (£)" };
    for (int j = 0; j < 4; j++) xw_str(c, ws, row, j, head[j], j ? c->f.header : c->f.header_l);
    int top = ++row;
    for (int i = 0; i < n; i++, row++) {
        xw_num(c, ws, row, 0, (double)pts[i].iterations, c->f.integer);
        xw_num(c, ws, row, 1, pts[i].mean, c->f.pounds);
        xw_num(c, ws, row, 2, pts[i].mean - 1.96 * pts[i].se, c->f.pounds);
        xw_num(c, ws, row, 3, pts[i].mean + 1.96 * pts[i].se, c->f.pounds);
    }
    double most = (double)pts[n - 1].iterations;
    curve_chart(c, ws, top, row - 1, top - 1, 5, most);
    return row;
}

int xlsx_run_convergence(xw_ctx *c, lxw_worksheet *ws, int row)
{
    xw_str(c, ws, row, 0, "Sampling and convergence", c->f.bold);
    if (c->rep->res->deterministic)
        return label_row(c, ws, row + 1, "Sampling",
                         "none: deterministic (every input at its mean)");
    xw_str(c, ws, row++, 1, "SE: standard error of the mean net cost over all years", c->f.note);
    row = describe(c, ws, row) + 1;
    row = block_table(c, ws, row) + 1;
    return curve(c, ws, row);
}
