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
 * 2..y. Pupils supported by the whole system are the occupants of any
 * provision at the start of the year (a pupil a closure moved into another
 * provision as the year began included) plus the entries from outside the
 * provisions; a provision's are its own occupants at the start of the year
 * plus its starts (a pupil a closure moved in is a start).
 *
 * The "all" columns follow the layout's rules (sum, last year, mean) except
 * pupils supported, which counts distinct pupils (the occupants at the
 * start of year 1 plus the entries from outside over all years; per
 * provision, plus all its starts: never the sum of the years, which counts
 * a pupil once a year), cost per pupil supported (all net cost over those
 * distinct pupils), within budget (all net cost against all budget), and
 * paid back and the payback year (accounts_payback).
 *
 * The DSG view (MODEL.md section 8), year y with [dsg]: the allocation is
 * allocation_y, times (1 + allocation_growth) compounded over years 2..y
 * when it is one value; other spend is other_spend_y likewise compounded
 * with other_growth and inflated like the model's money; High Needs spend
 * is the net cost plus other spend, booked by Section 251 line as it is
 * formed (a provision's place funding on 1.0.2, the rest of its net cost on
 * its own line, a cost line's amount and minus an income line's on theirs,
 * other spend on other_s251; no s251: unassigned); the in-year position is
 * allocation + transfer_in - spend; the balance is opening_balance plus
 * the running sum of the in-year positions; within the limit is balance >=
 * -deficit_limit_y, on target balance >= targets_y, and their "all"
 * columns say whether that held at the end of every year. Allocation,
 * transfers and balances are cash: not inflated.
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
    a->sum_net = a->sum_budget = a->first_occupants = a->sum_entries = 0;
    for (int m = 0; m < HN_M__COUNT; m++) a->total[m] = fig(lay, row, m, HN_ENT_TOTAL, 0);
    if (!sc->has_budget) a->total[HN_M_WITHIN_BUDGET] = NULL;
    a->dsg_alloc_f = a->dsg_other_f = 1;
    a->dsg_balance = sc->n_dsg ? params_get(pv, &sc->dsg[0].opening_balance, 0) : 0;
    a->dsg_all_within = a->dsg_all_on = true;
}

/* Adds v to the year's DSG spend on Section 251 line `line` (HN_S251_NONE: unassigned). */
static void dsg_book(hn_accounts *a, int line, double v)
{
    a->dsg_line[line == HN_S251_NONE ? HN_S251_COUNT : line] += v;
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
        double places_paid = params_get(pv, &pr->place_funding, y) * commissioned;
        double g_p = (params_get(pv, &pr->fixed_cost, y) + places_paid +
                      params_get(pv, &pr->cost_per_pupil, y) * occ_years +
                      params_get(pv, &pr->cost_per_start, y) * t->starts[p]) *
                     a->infl;
        double i_p = (params_get(pv, &pr->income_per_pupil, y) * occ_years +
                      params_get(pv, &pr->income_per_start, y) * t->starts[p]) *
                     a->infl;
        double place = places_paid * a->infl;
        dsg_book(a, HN_S251_PLACE, place);
        dsg_book(a, pr->s251, g_p - i_p - place);
        put(fig(a->lay, a->row, HN_M_GROSS_COST, HN_ENT_PROVISION, p), y, g_p);
        put(fig(a->lay, a->row, HN_M_INCOME, HN_ENT_PROVISION, p), y, i_p);
        put(fig(a->lay, a->row, HN_M_NET_COST, HN_ENT_PROVISION, p), y, g_p - i_p);
        double *supported = fig(a->lay, a->row, HN_M_SUPPORTED, HN_ENT_PROVISION, p);
        put(supported, y, t->occ_start[p] + t->starts[p]);
        /* Distinct pupils over all years start from the occupants at the start of year 1. */
        if (y == 0) put(supported, a->lay->years, t->occ_start[p]);
        put(fig(a->lay, a->row, HN_M_OCCUPANCY, HN_ENT_PROVISION, p), y, occ_years);
        put(fig(a->lay, a->row, HN_M_STARTS, HN_ENT_PROVISION, p), y, t->starts[p]);
        put(fig(a->lay, a->row, HN_M_BLOCKED, HN_ENT_PROVISION, p), y, t->blocked[p]);
        put(fig(a->lay, a->row, HN_M_CLOSED_OUT, HN_ENT_PROVISION, p), y, t->closed_out[p]);
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
        dsg_book(a, sc->costs[c].s251, v);
        *gross += v;
    }
    for (int c = 0; c < sc->n_incomes; c++) {
        double v = params_get(a->pv, &sc->incomes[c].amount, y) * a->infl;
        put(fig(a->lay, a->row, HN_M_GROSS_COST, HN_ENT_INCOME, c), y, 0);
        put(fig(a->lay, a->row, HN_M_INCOME, HN_ENT_INCOME, c), y, v);
        put(fig(a->lay, a->row, HN_M_NET_COST, HN_ENT_INCOME, c), y, -v);
        dsg_book(a, sc->incomes[c].s251, -v);
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

/* Books the DSG view of year y (MODEL.md section 8) from the year's net cost; see above. */
static void book_dsg(hn_accounts *a, int y, double net)
{
    const hn_dsg *d = &a->sc->dsg[0];
    const double *pv = a->pv;
    double *const *f = a->total;
    if (y > 0) {
        if (d->allocation_growth.set)
            a->dsg_alloc_f *= 1 + params_get(pv, &d->allocation_growth, y);
        if (d->other_growth.set) a->dsg_other_f *= 1 + params_get(pv, &d->other_growth, y);
    }
    double alloc = params_get(pv, &d->allocation, y) * a->dsg_alloc_f;
    double other = params_get(pv, &d->other_spend, y) * a->dsg_other_f * a->infl;
    dsg_book(a, d->other_s251, other);
    double spend = net + other;
    double in_year = alloc + params_get(pv, &d->transfer_in, y) - spend;
    a->dsg_balance += in_year;
    put(f[HN_M_DSG_ALLOCATION], y, alloc);
    put(f[HN_M_DSG_SPEND], y, spend);
    put(f[HN_M_DSG_IN_YEAR], y, in_year);
    put(f[HN_M_DSG_BALANCE], y, a->dsg_balance);
    for (int i = 0; i <= HN_S251_COUNT; i++) {
        int e = a->lay->s251_entity[i];
        if (e >= 0) put(fig(a->lay, a->row, HN_M_DSG_SPEND, HN_ENT_S251, e), y, a->dsg_line[i]);
    }
    if (f[HN_M_DSG_WITHIN_LIMIT]) {
        bool ok = a->dsg_balance >= -params_get(pv, &d->deficit_limit, y);
        f[HN_M_DSG_WITHIN_LIMIT][y] = ok;
        a->dsg_all_within &= ok;
    }
    if (f[HN_M_DSG_ON_TARGET]) {
        bool ok = a->dsg_balance >= params_get(pv, &d->targets, y);
        f[HN_M_DSG_ON_TARGET][y] = ok;
        a->dsg_all_on &= ok;
    }
}

/* Books year y: money with inflation, pupils supported, payback, budget, segments. */
void accounts_year(hn_accounts *a, int y, const hn_year_tally *t)
{
    const hn_scenario *sc = a->sc;
    double *const *f = a->total;
    if (y > 0 && sc->has_inflation) a->infl *= 1 + params_get(a->pv, &sc->inflation, y);

    double gross = 0, income = 0, occ_start = 0;
    memset(a->dsg_line, 0, sizeof a->dsg_line);
    book_provisions(a, y, t, &gross, &income, &occ_start);
    book_lines(a, y, &gross, &income);
    double net = gross - income;
    double occupants = occ_start + t->closed_in; /* the system's, at the start of the year */
    double supported = occupants + t->entries;
    a->cum[y] = (y > 0 ? a->cum[y - 1] : 0) + (net - a->baseline);
    a->sum_net += net;
    if (y == 0) a->first_occupants = occupants;
    a->sum_entries += t->entries;
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
    if (sc->n_dsg) book_dsg(a, y, net);
}

/* Fills the "all" columns, the paid-back figures and the payback year; returns the payback year. */
int accounts_end(hn_accounts *a)
{
    int Y = a->sc->years;
    double *const *f = a->total;
    layout_fill_all(a->lay, a->row);
    /* Distinct pupils: a provision's occupants at the start of year 1 (booked in its "all"
     * column by year 1) plus all its starts; the system's plus every entry from outside. */
    for (int p = 0; p < a->sc->n_provisions; p++) {
        double *supported = fig(a->lay, a->row, HN_M_SUPPORTED, HN_ENT_PROVISION, p);
        const double *starts = fig(a->lay, a->row, HN_M_STARTS, HN_ENT_PROVISION, p);
        if (supported && starts) supported[Y] += starts[Y];
    }
    double distinct = a->first_occupants + a->sum_entries;
    put(f[HN_M_SUPPORTED], Y, distinct);
    put(f[HN_M_COST_PER_SUPPORTED], Y, distinct > 0 ? a->sum_net / distinct : NAN);
    if (f[HN_M_WITHIN_BUDGET]) f[HN_M_WITHIN_BUDGET][Y] = a->sum_net <= a->sum_budget ? 1 : 0;
    if (f[HN_M_DSG_WITHIN_LIMIT]) f[HN_M_DSG_WITHIN_LIMIT][Y] = a->dsg_all_within;
    if (f[HN_M_DSG_ON_TARGET]) f[HN_M_DSG_ON_TARGET][Y] = a->dsg_all_on;
    return accounts_payback(a->cum, Y, f[HN_M_PAID_BACK], f[HN_M_PAYBACK_YEAR]);
}

/* The payback rule: the first year from which the series stays <= 0; see accounts.h. */
int accounts_payback(const double *cum, int years, double *paid_back, double *by_year)
{
    int payback_year = 0;
    for (int y = years - 1; y >= 0 && cum[y] <= 0; y--) payback_year = y + 1;
    for (int y = 0; y < years; y++) {
        if (paid_back) paid_back[y] = cum[y] <= 0 ? 1 : 0;
        if (by_year) by_year[y] = payback_year > 0 && payback_year <= y + 1 ? 1 : 0;
    }
    if (paid_back) paid_back[years] = years > 0 && cum[years - 1] <= 0 ? 1 : 0;
    if (by_year) by_year[years] = payback_year > 0 ? 1 : 0;
    return payback_year;
}
