/*
 * accounts.c - the yearly accounts of one iteration (accounts.h, MODEL.md
 * sections 4 "Yearly money" and 5).
 *
 * Year y of a provision: gross = (fixed_cost + place_funding x commissioned
 * + cost_per_pupil x pupil-years of occupancy + cost_per_start x starts) x
 * inflation, income = (income_per_pupil x pupil-years + income_per_start x
 * starts) x inflation, the pupil-years being the year's end-of-term
 * occupancy summed over its terms / T (each term charges cost_per_pupil / T
 * per occupant). Cost and income lines add their amount x inflation. The
 * inflation factor of year y is the product of (1 + inflation) over years
 * 2..y. Pupils supported by the whole system are the occupants at the start
 * of the year plus the entries from outside the provisions.
 *
 * The "all" columns follow the layout's rules (sum, last year, mean) except
 * cost per pupil supported (all net cost / all supported), within budget
 * (all net cost against all budget) and paid back (accounts_payback).
 */
#include "model/accounts.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "model/params.h"

/*
 * Pointer to year 0 of figure (m, k, i) in row; NULL when the layout lacks
 * it. The same column as layout_col(lay, m, k, i, 0), inlined: i is always
 * a valid entity index here.
 */
static inline double *fig(const hn_layout *lay, double *row, hn_metric m, hn_entity_kind k, int i)
{
    int f = lay->first[m][k];
    return f < 0 ? NULL : row + (long)(f + i) * (lay->years + 1);
}

/* Stores v in year y of figure f when present. */
static void put(double *f, int y, double v)
{
    if (f) f[y] = v;
}

/* Zeroes row and finds the total figures; see accounts.h. */
void accounts_begin(hn_accounts *a, const hn_scenario *sc, const hn_layout *lay, const double *pv,
                    double *row)
{
    assert(sc->years <= HN_MAX_YEARS);
    memset(row, 0, (size_t)lay->n_cols * sizeof *row);
    a->sc = sc;
    a->lay = lay;
    a->pv = pv;
    a->row = row;
    a->baseline = params_get(pv, &sc->baseline_cost, 0);
    a->infl = 1;
    a->sum_net = a->sum_supported = a->sum_budget = 0;
    for (int m = 0; m < HN_M__COUNT; m++) a->total[m] = fig(lay, row, m, HN_ENT_TOTAL, 0);
    if (!sc->has_budget) a->total[HN_M_WITHIN_BUDGET] = NULL;
}

/* Books every provision's money and pupils of year y; adds its gross, income and occupants at
 * the start of the year to *gross, *income and *occ_start. */
static void book_provisions(hn_accounts *a, int y, const hn_year_tally *t, double *gross,
                            double *income, double *occ_start)
{
    const hn_scenario *sc = a->sc;
    const double *pv = a->pv;
    int T = sc->terms;
    for (int p = 0; p < sc->n_provisions; p++) {
        const hn_provision *pr = &sc->provisions[p];
        double commissioned = pr->commissioned_is_places ? params_get(pv, &pr->places, y)
                                                         : params_get(pv, &pr->commissioned, y);
        double occ_years = t->occ_sum[p] / T; /* pupil-years of occupancy */
        double g_p = (params_get(pv, &pr->fixed_cost, y) +
                      params_get(pv, &pr->place_funding, y) * commissioned +
                      params_get(pv, &pr->cost_per_pupil, y) * occ_years +
                      params_get(pv, &pr->cost_per_start, y) * t->starts[p]) *
                     a->infl;
        double i_p = (params_get(pv, &pr->income_per_pupil, y) * occ_years +
                      params_get(pv, &pr->income_per_start, y) * t->starts[p]) *
                     a->infl;
        put(fig(a->lay, a->row, HN_M_GROSS_COST, HN_ENT_PROVISION, p), y, g_p);
        put(fig(a->lay, a->row, HN_M_INCOME, HN_ENT_PROVISION, p), y, i_p);
        put(fig(a->lay, a->row, HN_M_NET_COST, HN_ENT_PROVISION, p), y, g_p - i_p);
        put(fig(a->lay, a->row, HN_M_SUPPORTED, HN_ENT_PROVISION, p), y,
            t->occ_start[p] + t->starts[p]);
        put(fig(a->lay, a->row, HN_M_OCCUPANCY, HN_ENT_PROVISION, p), y, occ_years);
        put(fig(a->lay, a->row, HN_M_STARTS, HN_ENT_PROVISION, p), y, t->starts[p]);
        put(fig(a->lay, a->row, HN_M_BLOCKED, HN_ENT_PROVISION, p), y, t->blocked[p]);
        *gross += g_p;
        *income += i_p;
        *occ_start += t->occ_start[p];
    }
}

/* Books the [cost.*] and [income.*] lines of year y; adds them to *gross and *income. */
static void book_lines(hn_accounts *a, int y, double *gross, double *income)
{
    const hn_scenario *sc = a->sc;
    for (int c = 0; c < sc->n_costs; c++) {
        double v = params_get(a->pv, &sc->costs[c].amount, y) * a->infl;
        put(fig(a->lay, a->row, HN_M_GROSS_COST, HN_ENT_COST, c), y, v);
        put(fig(a->lay, a->row, HN_M_INCOME, HN_ENT_COST, c), y, 0);
        put(fig(a->lay, a->row, HN_M_NET_COST, HN_ENT_COST, c), y, v);
        *gross += v;
    }
    for (int c = 0; c < sc->n_incomes; c++) {
        double v = params_get(a->pv, &sc->incomes[c].amount, y) * a->infl;
        put(fig(a->lay, a->row, HN_M_GROSS_COST, HN_ENT_INCOME, c), y, 0);
        put(fig(a->lay, a->row, HN_M_INCOME, HN_ENT_INCOME, c), y, v);
        put(fig(a->lay, a->row, HN_M_NET_COST, HN_ENT_INCOME, c), y, -v);
        *income += v;
    }
}

/* Books each segment's counts of year y and their totals. */
static void book_segments(hn_accounts *a, int y, const hn_year_tally *t)
{
    double t_ref = 0, t_excl = 0, t_ehcna = 0, t_wait = 0;
    for (int g = 0; g < a->sc->n_segments; g++) {
        put(fig(a->lay, a->row, HN_M_REFERRALS, HN_ENT_SEGMENT, g), y, t->referrals[g]);
        put(fig(a->lay, a->row, HN_M_EXCLUSIONS, HN_ENT_SEGMENT, g), y, t->exclusions[g]);
        put(fig(a->lay, a->row, HN_M_EHCNA, HN_ENT_SEGMENT, g), y, t->ehcna[g]);
        put(fig(a->lay, a->row, HN_M_WAITING, HN_ENT_SEGMENT, g), y, t->waiting[g]);
        t_ref += t->referrals[g];
        t_excl += t->exclusions[g];
        t_ehcna += t->ehcna[g];
        t_wait += t->waiting[g];
    }
    put(a->total[HN_M_REFERRALS], y, t_ref);
    put(a->total[HN_M_EXCLUSIONS], y, t_excl);
    put(a->total[HN_M_EHCNA], y, t_ehcna);
    put(a->total[HN_M_WAITING], y, t_wait);
}

/* Books year y: money with inflation, pupils supported, payback, budget, segments. */
void accounts_year(hn_accounts *a, int y, const hn_year_tally *t)
{
    const hn_scenario *sc = a->sc;
    double *const *f = a->total;
    if (y > 0 && sc->has_inflation) a->infl *= 1 + params_get(a->pv, &sc->inflation, y);

    double gross = 0, income = 0, occ_start = 0;
    book_provisions(a, y, t, &gross, &income, &occ_start);
    book_lines(a, y, &gross, &income);
    double net = gross - income;
    double supported = occ_start + t->entries;
    a->cum[y] = (y > 0 ? a->cum[y - 1] : 0) + (net - a->baseline);
    a->sum_net += net;
    a->sum_supported += supported;
    put(f[HN_M_GROSS_COST], y, gross);
    put(f[HN_M_INCOME], y, income);
    put(f[HN_M_NET_COST], y, net);
    put(f[HN_M_VS_BASELINE], y, net - a->baseline);
    put(f[HN_M_CUMULATIVE_PAYBACK], y, a->cum[y]);
    put(f[HN_M_SUPPORTED], y, supported);
    put(f[HN_M_COST_PER_SUPPORTED], y, supported > 0 ? net / supported : NAN);
    if (f[HN_M_WITHIN_BUDGET]) {
        double b = params_get(a->pv, &sc->budget, y);
        a->sum_budget += b;
        f[HN_M_WITHIN_BUDGET][y] = net <= b ? 1 : 0;
    }
    book_segments(a, y, t);
}

/* Fills the "all" columns and the paid-back figures; returns the payback year. */
int accounts_end(hn_accounts *a)
{
    int Y = a->sc->years;
    double *const *f = a->total;
    layout_fill_all(a->lay, a->row);
    put(f[HN_M_COST_PER_SUPPORTED], Y, a->sum_supported > 0 ? a->sum_net / a->sum_supported : NAN);
    if (f[HN_M_WITHIN_BUDGET]) f[HN_M_WITHIN_BUDGET][Y] = a->sum_net <= a->sum_budget ? 1 : 0;
    return accounts_payback(a->cum, Y, f[HN_M_PAYBACK_BY_YEAR]);
}

/* The payback rule: the first year whose cumulative payback is <= 0; see accounts.h. */
int accounts_payback(const double *cum, int years, double *paid_back)
{
    int payback_year = 0;
    for (int y = 0; y < years && payback_year == 0; y++)
        if (cum[y] <= 0) payback_year = y + 1;
    if (paid_back) {
        for (int y = 0; y < years; y++)
            paid_back[y] = payback_year > 0 && payback_year <= y + 1 ? 1 : 0;
        paid_back[years] = payback_year > 0 ? 1 : 0;
    }
    return payback_year;
}
