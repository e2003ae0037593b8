/*
 * xlsx_sensitivity.c - the Sensitivity sheet: which sampled inputs move the
 * results most, and a tornado chart for net cost.
 *
 * Written only when the run was analysed (the report's sens, computed by
 * engine/sensitivity.c; this module only formats). One block per output -
 * net cost, permanent exclusions and pupils supported, each the total over
 * all years - listing every sampled input ranked by the engine (the
 * report's sens_order, from sensitivity_rank: width of the swing, or
 * |Spearman| without swings): the input in words (its section's label and
 * its key, a list element's year: "BTA secondary PRU: cost per pupil,
 * 2021/22"), the values it was held at, its Spearman rank correlation with
 * the output, the output's mean with the input at its P10 and at its P90,
 * the swing between them, that swing's standard error, and last the
 * input's name as the CSV and [correlation] write it. The tornado is a bar
 * chart of the top ten net-cost rows, its axis in £'000: two bars per
 * input (input at P10, at P90) drawn from the run's mean, which is where
 * the vertical axis crosses. The page reads top down and prints one page
 * wide at a readable size: the explanation wrapped across the table's
 * width, the tornado beneath it as wide as the table, then the three
 * blocks (docs/decisions.md item I7).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/keys.h"
#include "xlsx_internal.h"

#define SENS_SHEET  "Sensitivity"
#define TORNADO_TOP 10
/* Height of the tornado, pixels, and of a default row (15 points). */
#define TORNADO_H 340
#define ROW_PX    20
/* Narrowest and widest the Input and Key columns are, in characters (longer inputs wrap). */
#define TEXT_MIN    20.0
#define INPUT_WIDTH 60.0
#define KEY_WIDTH   48.0

/* Columns of a block. */
enum {
    C_RANK,
    C_INPUT,
    C_HELD10,
    C_HELD90,
    C_SPEARMAN,
    C_MEAN10,
    C_MEAN90,
    C_SWING,
    C_SE,
    C_KEY,
    C__N
};

/* The sheet being written: its worksheet, the analysis, column widths and its own formats. */
typedef struct {
    xw_ctx *c;
    lxw_worksheet *ws;
    const hn_sensitivity *s;
    double w[C__N];    /* column widths, characters */
    lxw_format *input; /* an input in words: wrapped, bottom-aligned with its numbers, indented */
    lxw_format *key;   /* an input's name: indented, clear of the number before it */
    lxw_format *note;  /* the explanation: italic, wrapped across the table, top-aligned */
    lxw_format *corr;  /* Spearman: 0.00 */
    lxw_format *fine;  /* probabilities and rates held: 0.0000 */
} xs_sens;

/* Heading and unit of each output's block. */
static const char *const block_title[HN_SENS__COUNT] = {
    [HN_SENS_NET_COST] = "Net cost, all years (£)",
    [HN_SENS_EXCLUSIONS] = "Permanent exclusions, all years (pupils)",
    [HN_SENS_SUPPORTED] = "Pupils supported, all years (pupil-years)",
};

/* An input in words (keys_param_words, with ", YEAR" for a list element), into buf. */
static void input_words(const xw_ctx *c, const hn_input *in, char *buf, size_t cap)
{
    const hn_param *p = c->rep->sc->params[in->param];
    keys_param_words(c->rep->sc, p->name, buf, cap);
    if (p->n > 1) {
        char year[16];
        layout_year_label(c->rep->lay, in->item, year, sizeof year);
        size_t used = strlen(buf);
        if (used < cap) snprintf(buf + used, cap - used, ", %s", year);
    }
}

/* Sets the columns' widths: fixed ones for numbers, the Input and Key columns' from their content. */
static void size_columns(xs_sens *x)
{
    static const double fixed[C__N] = { 6, 0, 12, 12, 10, 16, 16, 16, 14, 0 };
    xw_widths wd = { { 0 } };
    char buf[256];
    for (int r = 0; r < x->s->n_inputs; r++) {
        input_words(x->c, &x->s->inputs[r].input, buf, sizeof buf);
        xw_widths_str(&wd, C_INPUT, buf, false);
        xw_widths_str(&wd, C_KEY, x->s->inputs[r].input.name, false);
    }
    for (int k = 0; k < C__N; k++) x->w[k] = fixed[k];
    x->w[C_INPUT] = xw_widths_of(&wd, C_INPUT, TEXT_MIN, INPUT_WIDTH);
    x->w[C_KEY] = xw_widths_of(&wd, C_KEY, TEXT_MIN, KEY_WIDTH);
    for (int k = 0; k < C__N; k++) xw_width(x->c, x->ws, k, k, x->w[k]);
}

/* Width of the whole table, in characters. */
static double table_width(const xs_sens *x)
{
    double w = 0;
    for (int k = 0; k < C__N; k++) w += x->w[k];
    return w;
}

/* Writes one paragraph of the explanation, wrapped across the table's width; returns the next row. */
static int note_row(xs_sens *x, int row, const char *text)
{
    xw_ctx *c = x->c;
    if (!c->err)
        xw_check(
            c,
            worksheet_merge_range(x->ws, (lxw_row_t)row, 0, (lxw_row_t)row, C__N - 1, "", x->note),
            "merging the Sensitivity notes");
    xw_str(c, x->ws, row, 0, text, x->note);
    int lines = xw_wrapped_lines(text, table_width(x));
    if (lines > 1) xw_row_height(c, x->ws, row, 15.0 * lines);
    return row + 1;
}

/* Writes the explanation above the blocks; returns the next free row. */
static int write_notes(xs_sens *x, int row)
{
    const hn_sensitivity *s = x->s;
    char buf[512], n1[32], n2[32], of[96] = "";
    report_thousands(s->n_iter, n1, sizeof n1);
    if (s->n_run > s->n_iter) { /* a streamed run keeps its first iterations for the ranks */
        report_thousands(s->n_run, n2, sizeof n2);
        snprintf(of, sizeof of, " first %s of its %s", n1, n2);
    } else
        snprintf(of, sizeof of, " %s", n1);
    snprintf(buf, sizeof buf,
             "Spearman: rank correlation between an input's draws and the output over the "
             "run's%s iterations (+1: they always rise together, -1: one rises as the other "
             "falls, 0: no monotone link).",
             of);
    row = note_row(x, row, buf);
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
                 s->swing_iterations < (s->n_run > s->n_iter ? s->n_run : s->n_iter)
                     ? ", shifted by the difference between the run's mean and the unheld mean "
                       "of as many iterations"
                     : "");
        row = note_row(x, row, buf);
        row = note_row(x, row,
                       "Inputs are ranked by the width of the swing. An input is named by its "
                       "section's label and its key, a list element also by its year (a "
                       "single distribution is held in every year); the last column gives its "
                       "name in the scenario file and the CSV.");
    } else {
        if (s->swing_default > 0)
            snprintf(buf, sizeof buf,
                     "Swings were not computed: 2 held runs per input would have taken more than "
                     "about %d times the run's iterations (--swing-iterations N runs them): "
                     "inputs are ranked by the size of the Spearman coefficient. The last column "
                     "gives an input's name in the scenario file and the CSV.",
                     HN_SENS_HELD_FACTOR);
        else
            snprintf(
                buf, sizeof buf,
                "Swings were not computed (--swing-iterations 0): inputs are ranked by the "
                "size of the Spearman coefficient. The last column gives an input's name in the "
                "scenario file and the CSV.");
        row = note_row(x, row, buf);
    }
    return row + 1;
}

/* Format of an input's held values: pounds, whole pupils, or four decimals (probabilities, rates). */
static lxw_format *held_format(const xs_sens *x, hn_domain d)
{
    switch (d) {
    case HN_DOMAIN_MONEY:
    case HN_DOMAIN_BALANCE: return x->c->f.pounds;
    case HN_DOMAIN_COUNT: return x->c->f.integer;
    case HN_DOMAIN_PROBABILITY:
    case HN_DOMAIN_RATE: break;
    }
    return x->fine;
}

/* Writes the block of output o at row (ranked by order); returns the first row of its data. */
static int write_block(xs_sens *x, int row, hn_sens_output o, const int *order, int *next_row)
{
    xw_ctx *c = x->c;
    lxw_worksheet *ws = x->ws;
    const hn_sensitivity *s = x->s;
    lxw_format *num = o == HN_SENS_NET_COST ? c->f.pounds : c->f.pupils;
    char buf[256];
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
        [C_KEY] = "Input's name (scenario file, CSV)",
    };
    for (int k = 0; k < C__N; k++)
        xw_str(c, ws, row, k, heads[k], k == C_INPUT || k == C_KEY ? c->f.header_l : c->f.header);
    xw_row_height(c, ws, row, 30.0); /* "Mean, input at P10" takes two lines */
    row++;
    int first = row;
    for (int r = 0; r < s->n_inputs; r++, row++) {
        const hn_sens_input *in = &s->inputs[order[r]];
        input_words(c, &in->input, buf, sizeof buf);
        xw_num(c, ws, row, C_RANK, r + 1, c->f.integer);
        xw_str(c, ws, row, C_INPUT, buf, x->input);
        int lines = xw_wrapped_lines(buf, x->w[C_INPUT]);
        if (lines > 1) xw_row_height(c, ws, row, 15.0 * lines);
        xw_num(c, ws, row, C_HELD10, in->held_p10, held_format(x, in->domain));
        xw_num(c, ws, row, C_HELD90, in->held_p90, held_format(x, in->domain));
        xw_num(c, ws, row, C_SPEARMAN, in->spearman[o], x->corr);
        xw_num(c, ws, row, C_MEAN10, in->swing_p10[o], num);
        xw_num(c, ws, row, C_MEAN90, in->swing_p90[o], num);
        xw_num(c, ws, row, C_SWING, in->swing_p90[o] - in->swing_p10[o], num);
        xw_num(c, ws, row, C_SE, in->swing_se[o], num);
        xw_str(c, ws, row, C_KEY, in->input.name, x->key);
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

/*
 * Inserts at row, as wide as the table, the tornado of the net-cost block
 * whose first n rows start at first (the chart reads them; they may lie
 * below it).
 */
static void write_tornado(xs_sens *x, const int *order, int first, int n, int row)
{
    xw_ctx *c = x->c;
    const hn_sensitivity *s = x->s;
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
    /* The cells are pounds; the trailing comma shows them in thousands, as the Summary does. */
    chart_axis_set_num_format(ch->x_axis, "£#,##0,");
    xw_axis_name(c, ch->x_axis,
                 "Mean net cost over all years, £'000 (bars start at the run's mean)");
    chart_axis_set_reverse(ch->y_axis);
    chart_axis_set_crossing_max(ch->y_axis);
    chart_axis_set_label_position(ch->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    int width = 0;
    for (int k = 0; k < C__N; k++) width += xw_col_pixels(x->w[k]);
    xw_chart_insert(c, x->ws, row, 0, 0, 0, ch, width, TORNADO_H);
}

/* Adds and writes the Sensitivity sheet when the run was analysed. */
void xlsx_sheet_sensitivity(xw_ctx *c)
{
    const hn_sensitivity *s = c->rep->sens;
    if (!s || s->n_inputs <= 0 || c->err) return;
    xs_sens x = { .c = c, .s = s };
    if (!(x.ws = xw_sheet(c, SENS_SHEET))) return;
    x.corr = workbook_add_format(c->wb);
    x.fine = workbook_add_format(c->wb);
    x.input = workbook_add_format(c->wb);
    x.note = workbook_add_format(c->wb);
    x.key = workbook_add_format(c->wb);
    if (!x.corr || !x.fine || !x.input || !x.note || !x.key) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the Sensitivity sheet");
        return;
    }
    format_set_num_format(x.corr, "0.00");
    format_set_num_format(x.fine, "0.0000");
    format_set_text_wrap(x.input);
    format_set_indent(x.input, 1);
    format_set_indent(x.key, 1);
    format_set_italic(x.note);
    format_set_font_color(x.note, 0x404040);
    format_set_text_wrap(x.note);
    format_set_align(x.note, LXW_ALIGN_VERTICAL_TOP);
    xw_print_setup(c, x.ws, -1);
    size_columns(&x);

    int row = 0;
    xw_str(c, x.ws, row++, 0, "Sensitivity", c->f.title);
    row = write_notes(&x, row + 1);
    bool tornado = s->swing_iterations > 0;
    int chart_row = row;
    if (tornado) row += TORNADO_H / ROW_PX + 2;
    for (int o = 0; o < HN_SENS__COUNT; o++) {
        const int *order = c->rep->sens_order[o];
        int first = write_block(&x, row, (hn_sens_output)o, order, &row);
        if (o == HN_SENS_NET_COST && tornado)
            write_tornado(&x, order, first, s->n_inputs < TORNADO_TOP ? s->n_inputs : TORNADO_TOP,
                          chart_row);
    }
}
