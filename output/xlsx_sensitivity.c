/*
 * xlsx_sensitivity.c - the Sensitivity sheet: which sampled inputs move the
 * results most, and a tornado chart for net cost.
 *
 * Written only when the run was analysed (the report's sens, computed by
 * engine/sensitivity.c; this module only formats). One block per output -
 * net cost, permanent exclusions and pupils supported, each the total over
 * all years - listing every sampled input ranked by the engine (the
 * report's sens_order, from sensitivity_rank: width of the swing, or
 * |Spearman| without swings):
 * the values the input was held at, its Spearman rank correlation with the
 * output, the output's mean with the input at its P10 and at its P90, the
 * swing between them and that swing's standard error. The tornado is a bar
 * chart of the top ten net-cost rows: two bars per input (input at P10, at
 * P90) drawn from the run's mean, which is where the vertical axis crosses.
 */
#include <math.h>
#include <stdio.h>

#include "xlsx_internal.h"

#define SENS_SHEET  "Sensitivity"
#define TORNADO_TOP 10

/* Columns of a block. */
enum { C_RANK, C_INPUT, C_HELD10, C_HELD90, C_SPEARMAN, C_MEAN10, C_MEAN90, C_SWING, C_SE, C__N };

/* Heading and unit of each output's block. */
static const char *const block_title[HN_SENS__COUNT] = {
    [HN_SENS_NET_COST] = "Net cost, all years (£)",
    [HN_SENS_EXCLUSIONS] = "Permanent exclusions, all years (pupils)",
    [HN_SENS_SUPPORTED] = "Pupils supported, all years (pupil-years)",
};

/* Writes the explanation above the blocks; returns the next free row. */
static int write_notes(xw_ctx *c, lxw_worksheet *ws, int row, const hn_sensitivity *s)
{
    char buf[512], n1[32], n2[32];
    report_thousands(s->n_iter, n1, sizeof n1);
    snprintf(buf, sizeof buf,
             "Spearman: rank correlation between an input's draws and the output over the "
             "run's %s iterations (+1: they always rise together, -1: one rises as the other "
             "falls, 0: no monotone link).",
             n1);
    xw_str(c, ws, row++, 0, buf, c->f.note);
    char capped[200] = "";
    if (s->swing_default > 0) { /* the held runs' budget cut the default (decisions R20) */
        report_thousands(s->swing_default, n2, sizeof n2);
        snprintf(capped, sizeof capped,
                 " (not the default %s, so that 2 runs per input take at most about %d times "
                 "the run's iterations; --swing-iterations sets it)",
                 n2, HN_SENS_HELD_FACTOR);
    }
    if (s->swing_iterations > 0) {
        report_thousands(s->swing_iterations, n2, sizeof n2);
        snprintf(buf, sizeof buf,
                 "Swing: the output's mean with the input held at its own P10 (or P90) and "
                 "every other input and flow sampled, from %s iterations per held run%s with "
                 "the run's seed (common random numbers)%s.",
                 n2, capped,
                 s->swing_iterations < s->n_iter
                     ? ", shifted by the difference between the run's mean and the unheld mean "
                       "of as many iterations"
                     : "");
        xw_str(c, ws, row++, 0, buf, c->f.note);
        xw_str(c, ws, row++, 0,
               "Inputs are ranked by the width of the swing. A list element is named "
               "key[year]; a single distribution is held in every year.",
               c->f.note);
    } else {
        if (s->swing_default > 0)
            snprintf(buf, sizeof buf,
                     "Swings were not computed: 2 held runs per input would have taken more than "
                     "about %d times the run's iterations (--swing-iterations N runs them): "
                     "inputs are ranked by the size of the Spearman coefficient.",
                     HN_SENS_HELD_FACTOR);
        else
            snprintf(buf, sizeof buf,
                     "Swings were not computed (--swing-iterations 0): inputs are ranked by the "
                     "size of the Spearman coefficient.");
        xw_str(c, ws, row++, 0, buf, c->f.note);
    }
    return row + 1;
}

/* Format of an input's held values: pounds, whole pupils, or four decimals (probabilities, rates). */
static lxw_format *held_format(const xw_ctx *c, hn_domain d, lxw_format *decimals)
{
    switch (d) {
    case HN_DOMAIN_MONEY: return c->f.pounds;
    case HN_DOMAIN_COUNT: return c->f.integer;
    case HN_DOMAIN_PROBABILITY:
    case HN_DOMAIN_RATE: break;
    }
    return decimals;
}

/* Writes the block of output o at row (ranked by order); returns the first row of its data. */
static int write_block(xw_ctx *c, lxw_worksheet *ws, int row, const hn_sensitivity *s,
                       hn_sens_output o, const int *order, lxw_format *corr, lxw_format *fine,
                       int *next_row)
{
    lxw_format *num = o == HN_SENS_NET_COST ? c->f.pounds : c->f.pupils;
    char buf[192];
    snprintf(buf, sizeof buf, "%s: mean of the run", block_title[o]);
    xw_str(c, ws, row, C_RANK, buf, c->f.bold);
    xw_num(c, ws, row, C_MEAN10, s->mean[o], num);
    row++;
    static const char *const heads[C__N] = {
        [C_RANK] = "Rank",
        [C_INPUT] = "Input",
        [C_HELD10] = "Input's P10",
        [C_HELD90] = "Input's P90",
        [C_SPEARMAN] = "Spearman",
        [C_MEAN10] = "Mean, input at P10",
        [C_MEAN90] = "Mean, input at P90",
        [C_SWING] = "Swing (P90 - P10)",
        [C_SE] = "SE of the swing",
    };
    for (int k = 0; k < C__N; k++)
        xw_str(c, ws, row, k, heads[k], k == C_INPUT ? c->f.header_l : c->f.header);
    row++;
    int first = row;
    for (int r = 0; r < s->n_inputs; r++, row++) {
        const hn_sens_input *in = &s->inputs[order[r]];
        xw_num(c, ws, row, C_RANK, r + 1, c->f.integer);
        xw_str(c, ws, row, C_INPUT, in->input.name, NULL);
        xw_num(c, ws, row, C_HELD10, in->held_p10, held_format(c, in->domain, fine));
        xw_num(c, ws, row, C_HELD90, in->held_p90, held_format(c, in->domain, fine));
        xw_num(c, ws, row, C_SPEARMAN, in->spearman[o], corr);
        xw_num(c, ws, row, C_MEAN10, in->swing_p10[o], num);
        xw_num(c, ws, row, C_MEAN90, in->swing_p90[o], num);
        xw_num(c, ws, row, C_SWING, in->swing_p90[o] - in->swing_p10[o], num);
        xw_num(c, ws, row, C_SE, in->swing_se[o], num);
    }
    *next_row = row + 1;
    return first;
}

/* A round step (1, 2 or 5 times a power of ten) giving about five steps over span. */
static double nice_unit(double span)
{
    if (!(span > 0) || !isfinite(span)) return 1.0;
    double raw = span / 5.0, p = pow(10.0, floor(log10(raw))), f = raw / p;
    return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * p;
}

/* Inserts the tornado of the net-cost block's first n rows (first..first+n-1) at (row, col). */
static void write_tornado(xw_ctx *c, lxw_worksheet *ws, const hn_sensitivity *s, const int *order,
                          int first, int n, int row, int col)
{
    if (c->err || n <= 0) return;
    double lo = s->mean[HN_SENS_NET_COST], hi = lo;
    for (int r = 0; r < n; r++) {
        const hn_sens_input *in = &s->inputs[order[r]];
        lo = fmin(lo, fmin(in->swing_p10[HN_SENS_NET_COST], in->swing_p90[HN_SENS_NET_COST]));
        hi = fmax(hi, fmax(in->swing_p10[HN_SENS_NET_COST], in->swing_p90[HN_SENS_NET_COST]));
    }
    double unit = nice_unit(hi - lo);
    lxw_chart *ch = workbook_add_chart(c->wb, LXW_CHART_BAR);
    if (!ch) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding the tornado chart");
        return;
    }
    static const struct {
        int col;
        const char *name;
    } series[] = { { C_MEAN10, "Input at its P10" }, { C_MEAN90, "Input at its P90" } };
    for (size_t i = 0; i < sizeof series / sizeof series[0]; i++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        if (!se) {
            xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a tornado series");
            return;
        }
        chart_series_set_categories(se, SENS_SHEET, (lxw_row_t)first, C_INPUT,
                                    (lxw_row_t)(first + n - 1), C_INPUT);
        chart_series_set_values(se, SENS_SHEET, (lxw_row_t)first, (lxw_col_t)series[i].col,
                                (lxw_row_t)(first + n - 1), (lxw_col_t)series[i].col);
        xw_series_name(c, se, series[i].name);
    }
    chart_title_set_name(ch, "Net cost, all years: the ten most influential inputs");
    chart_set_series_overlap(ch, 100);
    chart_set_series_gap(ch, 40);
    /* In a bar chart x_axis is the horizontal (value) axis: bars start where the category
     * axis crosses it, at the run's mean. */
    chart_axis_set_crossing(ch->x_axis, s->mean[HN_SENS_NET_COST]);
    chart_axis_set_min(ch->x_axis, floor(lo / unit) * unit);
    chart_axis_set_max(ch->x_axis, ceil(hi / unit) * unit);
    chart_axis_set_major_unit(ch->x_axis, unit);
    chart_axis_set_num_format(ch->x_axis, "£#,##0");
    xw_axis_name(c, ch->x_axis, "Mean net cost over all years, £ (bars start at the run's mean)");
    chart_axis_set_reverse(ch->y_axis);
    chart_axis_set_crossing_max(ch->y_axis);
    chart_axis_set_label_position(ch->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = { .x_scale = 2.0, .y_scale = 1.5 };
    xw_check(c, worksheet_insert_chart_opt(ws, (lxw_row_t)row, (lxw_col_t)col, ch, &opt),
             "inserting the tornado chart");
}

/* Adds and writes the Sensitivity sheet when the run was analysed. */
void xlsx_sheet_sensitivity(xw_ctx *c)
{
    const hn_sensitivity *s = c->rep->sens;
    if (!s || s->n_inputs <= 0 || c->err) return;
    lxw_worksheet *ws = xw_sheet(c, SENS_SHEET);
    if (!ws) return;
    lxw_format *corr = workbook_add_format(c->wb), *fine = workbook_add_format(c->wb);
    if (!corr || !fine) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the Sensitivity sheet");
        return;
    }
    format_set_num_format(corr, "0.00");
    format_set_num_format(fine, "0.0000");
    xw_print_setup(c, ws, -1);
    xw_width(c, ws, C_RANK, C_RANK, 6);
    xw_width(c, ws, C_INPUT, C_INPUT, 46);
    xw_width(c, ws, C_HELD10, C_SPEARMAN, 12);
    xw_width(c, ws, C_MEAN10, C_SE, 19);

    int row = 0;
    xw_str(c, ws, row++, 0, "Sensitivity", c->f.title);
    row = write_notes(c, ws, row + 1, s);
    for (int o = 0; o < HN_SENS__COUNT; o++) {
        const int *order = c->rep->sens_order[o];
        int first = write_block(c, ws, row, s, (hn_sens_output)o, order, corr, fine, &row);
        if (o == HN_SENS_NET_COST && s->swing_iterations > 0)
            write_tornado(c, ws, s, order, first,
                          s->n_inputs < TORNADO_TOP ? s->n_inputs : TORNADO_TOP, 1, C__N + 1);
    }
}
