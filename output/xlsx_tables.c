/*
 * xlsx_tables.c - the Costs, Placements and Exclusions sheets.
 *
 * Each is one long table with a filter: Entity (its label), Name (as in
 * the CSV), Figure, Statistic, then one column per academic year and "All
 * years". A Monte Carlo run gives each figure three rows, Mean, P10 and
 * P90; a deterministic run one, Planned. Costs are pounds (#,##0); pupil
 * figures keep one decimal (means and percentiles of counts are rarely
 * whole).
 *   Costs:      total, each provision, each cost line, each income line x
 *               gross cost, income, net cost.
 *   Placements: each provision x pupils supported, average occupancy,
 *               starts, blocked transfers; then pupils supported in total.
 *   Exclusions: each segment, then the total x referrals, permanent
 *               exclusions, EHC needs assessment requests, pupils waiting.
 */
#include <stdio.h>

#include "xlsx_internal.h"

enum {
    XT_ROW_TITLE = 0,
    XT_ROW_NOTE = 1,
    XT_ROW_HEADER = 3,
    XT_ROW_FIRST = 4,
    XT_COL_ENTITY = 0,
    XT_COL_NAME = 1,
    XT_COL_FIGURE = 2,
    XT_COL_STAT = 3,
    XT_COL_Y1 = 4
};

/* A sheet being written: its worksheet and next free row. */
typedef struct {
    lxw_worksheet *ws;
    int row;
} xt_sheet;

/* Adds sheet `name` with its title, note and header row; ws NULL after an error. */
static xt_sheet begin(xw_ctx *c, const char *name, const char *title, const char *note)
{
    xt_sheet t = {xw_sheet(c, name), XT_ROW_FIRST};
    if (!t.ws)
        return t;
    int Y = c->lay->years;
    char heading[256], label[16], n[32];
    xw_thousands(c->meta->iterations, n, sizeof n);
    if (c->meta->deterministic)
        snprintf(heading, sizeof heading, "%s: planned (deterministic)", title);
    else
        snprintf(heading, sizeof heading, "%s: mean, P10 and P90 across %s iterations", title, n);
    xw_str(c, t.ws, XT_ROW_TITLE, 0, heading, c->f.title);
    xw_str(c, t.ws, XT_ROW_NOTE, 0, note, c->f.note);
    xw_str(c, t.ws, XT_ROW_HEADER, XT_COL_ENTITY, "Entity", c->f.header_l);
    xw_str(c, t.ws, XT_ROW_HEADER, XT_COL_NAME, "Name", c->f.header_l);
    xw_str(c, t.ws, XT_ROW_HEADER, XT_COL_FIGURE, "Figure", c->f.header_l);
    xw_str(c, t.ws, XT_ROW_HEADER, XT_COL_STAT, "Statistic", c->f.header_l);
    for (int y = 0; y < Y; y++) {
        layout_year_label(c->lay, y, label, sizeof label);
        xw_str(c, t.ws, XT_ROW_HEADER, XT_COL_Y1 + y, label, c->f.header);
    }
    xw_str(c, t.ws, XT_ROW_HEADER, XT_COL_Y1 + Y, "All years", c->f.header);
    xw_width(c, t.ws, XT_COL_ENTITY, XT_COL_ENTITY, 38);
    xw_width(c, t.ws, XT_COL_NAME, XT_COL_NAME, 24);
    xw_width(c, t.ws, XT_COL_FIGURE, XT_COL_FIGURE, 36);
    xw_width(c, t.ws, XT_COL_STAT, XT_COL_STAT, 9);
    xw_width(c, t.ws, XT_COL_Y1, XT_COL_Y1 + Y, 12);
    if (!c->err)
        worksheet_freeze_panes(t.ws, XT_ROW_FIRST, XT_COL_Y1);
    return t;
}

/* Adds the filter over the header and every row written. */
static void finish(xw_ctx *c, xt_sheet *t)
{
    if (c->err || !t->ws || t->row == XT_ROW_FIRST)
        return;
    xw_check(c,
             worksheet_autofilter(t->ws, XT_ROW_HEADER, XT_COL_ENTITY, (lxw_row_t)(t->row - 1),
                                  (lxw_col_t)(XT_COL_Y1 + c->lay->years)),
             "adding a filter");
}

/* Writes the rows of figure (m, k, index): Mean, P10, P90 (or Planned), each year and "all". */
static void figure_rows(xw_ctx *c, xt_sheet *t, hn_entity_kind k, int index, hn_metric m,
                        const char *figure, lxw_format *f)
{
    static const struct {
        hn_stat st;
        const char *label;
    } mc[] = {{HN_STAT_MEAN, "Mean"}, {HN_STAT_P10, "P10"}, {HN_STAT_P90, "P90"}},
      det[] = {{HN_STAT_MEAN, "Planned"}};
    if (!t->ws || layout_col(c->lay, m, k, index, 0) < 0)
        return;
    bool is_det = c->meta->deterministic;
    int n = is_det ? 1 : 3;
    char name[160];
    layout_entity_name(c->lay, k, index, name, sizeof name);
    for (int i = 0; i < n; i++) {
        hn_stat st = is_det ? det[i].st : mc[i].st;
        xw_str(c, t->ws, t->row, XT_COL_ENTITY, c->lay->labels[k][index], NULL);
        xw_str(c, t->ws, t->row, XT_COL_NAME, name, NULL);
        xw_str(c, t->ws, t->row, XT_COL_FIGURE, figure, NULL);
        xw_str(c, t->ws, t->row, XT_COL_STAT, is_det ? det[i].label : mc[i].label, NULL);
        for (int y = 0; y <= c->lay->years; y++)
            xw_num(c, t->ws, t->row, XT_COL_Y1 + y, xw_stat(c, m, k, index, y, st), f);
        t->row++;
    }
}

/* Adds and writes the Costs sheet. */
void xlsx_sheet_costs(xw_ctx *c)
{
    xt_sheet t = begin(c, "Costs", "Costs (£)",
                       "All years: the sum over the years. A cost line has no income; an "
                       "income line's net cost is minus its amount.");
    static const hn_entity_kind kinds[] = {HN_ENT_TOTAL, HN_ENT_PROVISION, HN_ENT_COST,
                                           HN_ENT_INCOME};
    for (size_t ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++) {
        hn_entity_kind k = kinds[ki];
        for (int i = 0; i < c->lay->count[k]; i++) {
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
    xt_sheet t = begin(c, "Placements", "Placements (pupils)",
                       "All years: the sum over the years; for average occupancy, the mean "
                       "of the years. Pupils supported in total counts a pupil who moves "
                       "between provisions once.");
    const xw_formats *f = &c->f;
    for (int p = 0; p < c->lay->count[HN_ENT_PROVISION]; p++) {
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_SUPPORTED, "Pupils supported", f->pupils);
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_OCCUPANCY, "Average occupancy", f->pupils);
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_STARTS, "Starts", f->pupils);
        figure_rows(c, &t, HN_ENT_PROVISION, p, HN_M_BLOCKED, "Blocked transfers", f->pupils);
    }
    figure_rows(c, &t, HN_ENT_TOTAL, 0, HN_M_SUPPORTED, "Pupils supported", f->pupils);
    finish(c, &t);
}

/* Adds and writes the Exclusions sheet. */
void xlsx_sheet_exclusions(xw_ctx *c)
{
    xt_sheet t = begin(c, "Exclusions", "Demand and exclusions (pupils)",
                       "All years: the sum over the years; for pupils waiting, the end of "
                       "the last year.");
    const xw_formats *f = &c->f;
    int n_seg = c->lay->count[HN_ENT_SEGMENT];
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
