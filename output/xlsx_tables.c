/*
 * xlsx_tables.c - the Costs, Placements and Exclusions sheets.
 *
 * Each is one Excel table (filter buttons, banded rows, columns sized to
 * their content, headings frozen and repeated on every printed page):
 * Entity (its label, wrapped when long), Name (as in the CSV), Figure, Statistic, then one
 * column per academic year and "All years". A Monte Carlo run gives each
 * figure three rows, Mean, P10 and P90; a deterministic run one, Planned.
 * Costs are pounds, negative figures (an income line's net cost) in
 * brackets; pupil figures keep one decimal (means and percentiles of
 * counts are rarely whole).
 *   Costs:      total, each provision, each cost line, each income line x
 *               gross cost, income, net cost.
 *   Placements: each provision x pupils supported, average occupancy,
 *               starts, blocked transfers, and pupils moved out by a
 *               closure for a provision that closes in some iteration;
 *               then pupils supported in total. Pupils supported over
 *               all years count each pupil once (MODEL.md section 5).
 *   Exclusions: each segment, then the total x referrals, permanent
 *               exclusions, EHC needs assessment requests, pupils waiting.
 */
#include <stdio.h>

#include "xlsx_internal.h"

enum {
    XT_ROW_TITLE = 0,
    XT_ROW_NOTE = 1,
    XT_ROW_HEADER = 3,
    XT_COL_ENTITY = 0,
    XT_COL_NAME = 1,
    XT_COL_FIGURE = 2,
    XT_COL_STAT = 3,
    XT_COL_Y1 = 4
};

/* Adds sheet `name` with its title and note and starts its table (ws NULL after an error). */
static void begin(xw_ctx *c, xw_grid *g, const char *name, const char *table, const char *title,
                  const char *note)
{
    lxw_worksheet *ws = xw_sheet(c, name);
    char heading[256];
    xw_heading(c, title, "mean, P10 and P90", heading, sizeof heading);
    xw_str(c, ws, XT_ROW_TITLE, 0, heading, c->f.title);
    xw_str(c, ws, XT_ROW_NOTE, 0, note, c->f.note);
    xw_grid_begin(c, g, ws, table, XT_ROW_HEADER, 0);
    xw_grid_column(c, g, "Entity", false);
    xw_grid_column(c, g, "Name", false);
    xw_grid_column(c, g, "Figure", false);
    xw_grid_column(c, g, "Statistic", false);
    xw_grid_year_columns(c, g, true);
}

/* Ends the table (first column frozen) and sets the sheet's print setup. */
static void finish(xw_ctx *c, xw_grid *g)
{
    xw_grid_end(c, g, 1);
    xw_print_setup(c, g->ws, XT_ROW_HEADER);
}

/* Writes the rows of figure (m, k, index): Mean, P10, P90 (or Planned), each year and "all". */
static void figure_rows(xw_ctx *c, xw_grid *g, hn_entity_kind k, int index, hn_metric m,
                        const char *figure, lxw_format *f)
{
    static const struct {
        hn_stat st;
        const char *label;
    } mc[] = { { HN_STAT_MEAN, "Mean" }, { HN_STAT_P10, "P10" }, { HN_STAT_P90, "P90" } },
      det[] = { { HN_STAT_MEAN, "Planned" } };
    if (!g->ws || layout_col(c->rep->lay, m, k, index, 0) < 0) return;
    bool is_det = c->rep->res->deterministic;
    int n = is_det ? 1 : 3;
    char name[160];
    layout_entity_name(c->rep->lay, k, index, name, sizeof name);
    for (int i = 0; i < n; i++) {
        hn_stat st = is_det ? det[i].st : mc[i].st;
        /* A long label wraps (beyond 60 characters) rather than being cut by the Name column. */
        xw_grid_str(c, g, XT_COL_ENTITY, c->rep->lay->labels[k][index], c->f.label_wrap);
        xw_grid_str(c, g, XT_COL_NAME, name, NULL);
        xw_grid_str(c, g, XT_COL_FIGURE, figure, NULL);
        xw_grid_str(c, g, XT_COL_STAT, is_det ? det[i].label : mc[i].label, NULL);
        for (int y = 0; y <= c->rep->lay->years; y++)
            xw_grid_num(c, g, XT_COL_Y1 + y, report_stat(c->rep, m, k, index, y, st), f);
        xw_grid_next(c, g);
    }
}

/* Adds and writes the Costs sheet. */
void xlsx_sheet_costs(xw_ctx *c)
{
    xw_grid t;
    begin(c, &t, "Costs", "CostsTable", "Costs (£)",
          "All years: the sum over the years. A cost line has no income; an income line's net "
          "cost is minus its amount, shown in brackets.");
    static const hn_entity_kind kinds[] = { HN_ENT_TOTAL, HN_ENT_PROVISION, HN_ENT_COST,
                                            HN_ENT_INCOME };
    for (size_t ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++) {
        hn_entity_kind k = kinds[ki];
        for (int i = 0; i < c->rep->lay->count[k]; i++) {
            figure_rows(c, &t, k, i, HN_M_GROSS_COST, "Gross cost", c->f.pounds);
            figure_rows(c, &t, k, i, HN_M_INCOME, "Income", c->f.pounds);
            figure_rows(c, &t, k, i, HN_M_NET_COST, "Net cost", c->f.pounds);
        }
    }
    finish(c, &t);
}

/* Adds and writes the Placements sheet. */
void xlsx_sheet_placements(xw_ctx *c)
{
    xw_grid t;
    begin(c, &t, "Placements", "PlacementsTable", "Placements (pupils)",
          "All years: the sum over the years; for average occupancy, the mean of the years; for "
          "pupils supported, each pupil once (the occupants at the start of the first year plus "
          "the starts; in total, plus the entries from outside, so a pupil who moves between "
          "provisions counts once).");
    const xw_formats *f = &c->f;
    for (int p = 0; p < c->rep->lay->count[HN_ENT_PROVISION]; p++) {
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_SUPPORTED, "Pupils supported", f->pupils);
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_OCCUPANCY, "Average occupancy", f->pupils);
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_STARTS, "Starts", f->pupils);
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_BLOCKED, "Blocked transfers", f->pupils);
        /* Only where a closure moved someone in some iteration: elsewhere it is all zeros. */
        if (report_stat(c->rep, HN_M_CLOSED_OUT, HN_ENT_PROVISION, p, c->rep->lay->years,
                        HN_STAT_MAX) > 0)
            figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_CLOSED_OUT, "Moved out by a closure",
                        f->pupils);
    }
    figure_rows(c, &t, HN_ENT_TOTAL, 0, HN_M_SUPPORTED, "Pupils supported", f->pupils);
    finish(c, &t);
}

/* Adds and writes the Exclusions sheet. */
void xlsx_sheet_exclusions(xw_ctx *c)
{
    xw_grid t;
    begin(c, &t, "Exclusions", "ExclusionsTable", "Demand and exclusions (pupils)",
          "All years: the sum over the years; for pupils waiting, the end of the last year.");
    const xw_formats *f = &c->f;
    int n_seg = c->rep->lay->count[HN_ENT_SEGMENT];
    for (int i = 0; i <= n_seg; i++) {
        hn_entity_kind k = i < n_seg ? HN_ENT_SEGMENT : HN_ENT_TOTAL;
        int idx = i < n_seg ? i : 0;
        figure_rows(c, &t, k, idx, HN_M_REFERRALS, "Referrals", f->pupils);
        figure_rows(c, &t, k, idx, HN_M_EXCLUSIONS, "Permanent exclusions", f->pupils);
        figure_rows(c, &t, k, idx, HN_M_EHCNA, "EHC needs assessment requests", f->pupils);
        figure_rows(c, &t, k, idx, HN_M_WAITING, "Pupils waiting at the end of the year",
                    f->pupils);
    }
    finish(c, &t);
}
