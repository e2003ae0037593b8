/*
 * xlsx_summary.c - the Summary sheet: the table a Schools Forum paper shows.
 *
 * A title block (title, authority, run date, iterations or "Planned
 * (deterministic)", seed), then the costed-plan table of a Schools Forum
 * paper (e.g. paragraph 6.2 of seeds/001): a Baseline column and one column
 * per academic year, all in £'000, with the rows "Cost of proposal" (the
 * baseline, then the mean total net cost of each year), "In year costs
 * compared to baseline" and "Cumulative payback". The last two are live
 * formulas on the cost row, with their values cached, so an officer who
 * edits a cost sees the payback move. Values are pounds / 1000 at full
 * precision; the format rounds. Beneath, in Monte Carlo runs, the band
 * around the plan: P10 and P90 of the cost and of the cumulative payback,
 * P(payback by the end of each year), P(within budget); then pupils
 * supported and permanent exclusions (mean, P10, P90; the planned value
 * only in deterministic mode).
 */
#include <inttypes.h>
#include <stdio.h>

#include "xlsx_internal.h"

/* Rows and columns of the sheet (0-based). The table's first year column is XS_COL_Y1. */
enum {
    XS_ROW_TITLE = 0,
    XS_ROW_AUTHORITY = 1,
    XS_ROW_RUN_DATE = 2,
    XS_ROW_ITERATIONS = 3,
    XS_ROW_SEED = 4,
    XS_ROW_HEADER = 6,
    XS_ROW_UNITS = 7,
    XS_ROW_COST = 8,
    XS_ROW_IN_YEAR = 9,
    XS_ROW_CUMULATIVE = 10,
    XS_ROW_BAND = 12,
    XS_COL_LABEL = 0,
    XS_COL_BASELINE = 1,
    XS_COL_Y1 = 2
};

/* Writes the title block. */
static void title_block(xw_ctx *c, lxw_worksheet *ws)
{
    const hn_report_meta *m = c->meta;
    xw_str(c, ws, XS_ROW_TITLE, 0, m->title && *m->title ? m->title : m->name, c->f.title);
    xw_str(c, ws, XS_ROW_AUTHORITY, 0, m->authority, c->f.bold);
    xw_str(c, ws, XS_ROW_RUN_DATE, 0, "Run date", NULL);
    xw_str(c, ws, XS_ROW_RUN_DATE, 1, m->run_date ? m->run_date : "not recorded", NULL);
    xw_str(c, ws, XS_ROW_ITERATIONS, 0, "Iterations", NULL);
    xw_str(c, ws, XS_ROW_SEED, 0, "Seed", NULL);
    if (m->deterministic) {
        xw_str(c, ws, XS_ROW_ITERATIONS, 1, "Planned (deterministic)", NULL);
        xw_str(c, ws, XS_ROW_SEED, 1, "not used (deterministic)", NULL);
    } else {
        char seed[32];
        snprintf(seed, sizeof seed, "%" PRIu64, m->seed); /* text: a double would round it */
        xw_num(c, ws, XS_ROW_ITERATIONS, 1, (double)m->iterations, c->f.integer);
        xw_str(c, ws, XS_ROW_SEED, 1, seed, NULL);
    }
}

/* Writes the costed-plan table: header, units, cost row and its two formula rows. */
static void plan_table(xw_ctx *c, lxw_worksheet *ws)
{
    int Y = c->lay->years;
    char label[16];
    xw_str(c, ws, XS_ROW_HEADER, XS_COL_BASELINE, "Baseline", c->f.header);
    xw_str(c, ws, XS_ROW_UNITS, XS_COL_BASELINE, "£'000", c->f.header);
    for (int y = 0; y < Y; y++) {
        layout_year_label(c->lay, y, label, sizeof label);
        xw_str(c, ws, XS_ROW_HEADER, XS_COL_Y1 + y, label, c->f.header);
        xw_str(c, ws, XS_ROW_UNITS, XS_COL_Y1 + y, "£'000", c->f.header);
    }

    xw_str(c, ws, XS_ROW_COST, XS_COL_LABEL, "Cost of proposal", NULL);
    xw_str(c, ws, XS_ROW_IN_YEAR, XS_COL_LABEL, "In year costs compared to baseline", NULL);
    xw_str(c, ws, XS_ROW_CUMULATIVE, XS_COL_LABEL, "Cumulative payback", NULL);

    double baseline = c->meta->baseline_cost / 1000.0;
    xw_num(c, ws, XS_ROW_COST, XS_COL_BASELINE, baseline, c->f.thousands);
    char base_ref[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell_abs(base_ref, XS_ROW_COST, XS_COL_BASELINE, 1, 1);

    double cumulative = 0;
    for (int y = 0; y < Y; y++) {
        int col = XS_COL_Y1 + y;
        double cost = xw_stat(c, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) / 1000.0;
        double in_year = cost - baseline;
        cumulative += in_year;
        xw_num(c, ws, XS_ROW_COST, col, cost, c->f.thousands);

        char cost_ref[LXW_MAX_CELL_NAME_LENGTH], in_ref[LXW_MAX_CELL_NAME_LENGTH];
        char prev_ref[LXW_MAX_CELL_NAME_LENGTH], formula[64];
        lxw_rowcol_to_cell(cost_ref, XS_ROW_COST, (lxw_col_t)col);
        lxw_rowcol_to_cell(in_ref, XS_ROW_IN_YEAR, (lxw_col_t)col);
        snprintf(formula, sizeof formula, "=%s-%s", cost_ref, base_ref);
        xw_formula(c, ws, XS_ROW_IN_YEAR, col, formula, in_year, c->f.thousands);
        if (y == 0) {
            snprintf(formula, sizeof formula, "=%s", in_ref);
        } else {
            lxw_rowcol_to_cell(prev_ref, XS_ROW_CUMULATIVE, (lxw_col_t)(col - 1));
            snprintf(formula, sizeof formula, "=%s+%s", prev_ref, in_ref);
        }
        xw_formula(c, ws, XS_ROW_CUMULATIVE, col, formula, cumulative, c->f.thousands);
    }
}

/* Writes one row of the band: label, unit, statistic st of (m, total) per year and "all", times scale. */
static int band_row(xw_ctx *c, lxw_worksheet *ws, int row, const char *label, const char *unit,
                    hn_metric m, hn_stat st, double scale, lxw_format *f)
{
    int Y = c->lay->years;
    if (layout_col(c->lay, m, HN_ENT_TOTAL, 0, 0) < 0)
        return row;
    xw_str(c, ws, row, XS_COL_LABEL, label, NULL);
    xw_str(c, ws, row, XS_COL_BASELINE, unit, NULL);
    for (int y = 0; y <= Y; y++)
        xw_num(c, ws, row, XS_COL_Y1 + y, xw_stat(c, m, HN_ENT_TOTAL, 0, y, st) * scale, f);
    return row + 1;
}

/* Writes the band around the plan and the pupil figures, from XS_ROW_BAND down. */
static void band(xw_ctx *c, lxw_worksheet *ws)
{
    int Y = c->lay->years;
    bool det = c->meta->deterministic;
    int row = XS_ROW_BAND;
    char heading[128], label[16], n[32];
    xw_thousands(c->meta->iterations, n, sizeof n);
    if (det)
        snprintf(heading, sizeof heading, "Planned figures");
    else
        snprintf(heading, sizeof heading,
                 "Uncertainty across %s iterations (80%% of iterations lie between P10 and P90)", n);
    xw_str(c, ws, row++, XS_COL_LABEL, heading, c->f.bold);
    xw_str(c, ws, row, XS_COL_BASELINE, "Units", c->f.header);
    for (int y = 0; y < Y; y++) {
        layout_year_label(c->lay, y, label, sizeof label);
        xw_str(c, ws, row, XS_COL_Y1 + y, label, c->f.header);
    }
    xw_str(c, ws, row, XS_COL_Y1 + Y, "All years", c->f.header);
    row++;

    const xw_formats *f = &c->f;
    if (!det) {
        row = band_row(c, ws, row, "Cost of proposal, P10", "£'000", HN_M_NET_COST, HN_STAT_P10,
                       1e-3, f->thousands);
        row = band_row(c, ws, row, "Cost of proposal, P90", "£'000", HN_M_NET_COST, HN_STAT_P90,
                       1e-3, f->thousands);
        row = band_row(c, ws, row, "Cumulative payback, P10", "£'000", HN_M_CUMULATIVE_PAYBACK,
                       HN_STAT_P10, 1e-3, f->thousands);
        row = band_row(c, ws, row, "Cumulative payback, P90", "£'000", HN_M_CUMULATIVE_PAYBACK,
                       HN_STAT_P90, 1e-3, f->thousands);
        row = band_row(c, ws, row, "Probability of payback by the end of the year", "%",
                       HN_M_PAYBACK_BY_YEAR, HN_STAT_MEAN, 1, f->percent);
        if (c->lay->has_budget)
            row = band_row(c, ws, row, "Probability net cost is within budget", "%",
                           HN_M_WITHIN_BUDGET, HN_STAT_MEAN, 1, f->percent);
        row++;
        row = band_row(c, ws, row, "Pupils supported (total), mean", "pupils", HN_M_SUPPORTED,
                       HN_STAT_MEAN, 1, f->pupils);
        row = band_row(c, ws, row, "Pupils supported (total), P10", "pupils", HN_M_SUPPORTED,
                       HN_STAT_P10, 1, f->pupils);
        row = band_row(c, ws, row, "Pupils supported (total), P90", "pupils", HN_M_SUPPORTED,
                       HN_STAT_P90, 1, f->pupils);
        row = band_row(c, ws, row, "Permanent exclusions (total), mean", "pupils",
                       HN_M_EXCLUSIONS, HN_STAT_MEAN, 1, f->pupils);
        row = band_row(c, ws, row, "Permanent exclusions (total), P10", "pupils",
                       HN_M_EXCLUSIONS, HN_STAT_P10, 1, f->pupils);
        (void)band_row(c, ws, row, "Permanent exclusions (total), P90", "pupils",
                       HN_M_EXCLUSIONS, HN_STAT_P90, 1, f->pupils);
    } else {
        row = band_row(c, ws, row, "Pupils supported (total), planned", "pupils",
                       HN_M_SUPPORTED, HN_STAT_MEAN, 1, f->pupils);
        (void)band_row(c, ws, row, "Permanent exclusions (total), planned", "pupils",
                       HN_M_EXCLUSIONS, HN_STAT_MEAN, 1, f->pupils);
    }
}

/* Adds and writes the Summary sheet, named `name`. */
void xlsx_sheet_summary(xw_ctx *c, const char *name)
{
    lxw_worksheet *ws = xw_sheet(c, name);
    if (!ws)
        return;
    xw_width(c, ws, XS_COL_LABEL, XS_COL_LABEL, 46);
    xw_width(c, ws, XS_COL_BASELINE, XS_COL_Y1 + c->lay->years, 11);
    title_block(c, ws);
    plan_table(c, ws);
    band(c, ws);
}
