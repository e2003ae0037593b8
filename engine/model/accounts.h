/*
 * accounts.h - the yearly accounts of one iteration (MODEL.md section 5).
 *
 * The simulator (sim.c) runs a year's terms and hands the accounts what
 * they tallied (hn_year_tally); the accounts turn that and the year's
 * parameters into the row of figures (layout.h): money per provision, cost
 * and income line with inflation, pupils supported, pupils moved out by a
 * closure, net cost against the baseline, the cumulative payback, within
 * budget, the per-segment counts, and at the end of the iteration the "all"
 * columns (pupils supported over all years as distinct pupils) and the
 * payback, and with [dsg] the DSG view of MODEL.md section 8 (allocation,
 * spend by Section 251 line, in-year position, cumulative balance, within
 * the deficit limit, on target).
 *
 * The payback rule - what "paid back at the end of year k" and "the payback
 * year" mean for one cumulative series - is written once, in
 * accounts_payback; everything that needs it calls it: the accounts for
 * the payback against the baseline, and a comparison (analysis/compare.c)
 * for an option's payback against the reference option.
 */
#ifndef HN_ACCOUNTS_H
#define HN_ACCOUNTS_H

#include "model/layout.h"
#include "scenario/scenario.h"

/* What the terms of one year tallied (borrowed arrays, read by accounts_year only). */
typedef struct {
    const double *occ_start;  /* [p]: occupants of provision p at the start of the year */
    const double *occ_sum;    /* [p]: sum of its end-of-term occupancy over the year's terms */
    const double *starts;     /* [p]: arrivals into it from anywhere */
    const double *blocked;    /* [p]: transfers to it sent back to their source */
    const double *closed_out; /* [p]: occupants its closure moved out as the year began */
    const double *referrals;  /* [s]: new at-risk pupils of segment s */
    const double *exclusions; /* [s]: its permanent exclusions */
    const double *ehcna;      /* [s]: its EHC needs assessment requests */
    const double *waiting;    /* [s]: its pool at the end of the year */
    double entries;           /* entries into provisions from outside them */
    double closed_in; /* pupils a closure moved into another provision as the year began: in the
                         system's occupants at the start of the year, not in occ_start */
} hn_year_tally;

/* One iteration's accounts in progress: the caller's (no allocation), set up by accounts_begin. */
typedef struct {
    const hn_scenario *sc; /* borrowed */
    const hn_layout *lay;  /* borrowed */
    const double *pv;      /* the iteration's parameter vector (params.h), borrowed */
    double *row;           /* the row being written, lay->n_cols values, borrowed */
    double baseline;       /* baseline_cost */
    double infl;           /* (1 + inflation) compounded to the current year */
    double sum_net, sum_budget;
    double first_occupants;     /* the system's occupants at the start of year 1 */
    double sum_entries;         /* entries from outside the provisions, all years so far */
    double cum[HN_MAX_YEARS];   /* cumulative payback at the end of each year so far */
    double *total[HN_M__COUNT]; /* [m]: year 0 of metric m's total in row; NULL without one */
    /* The DSG view ([dsg], MODEL.md section 8); unused without it. */
    double dsg_line[HN_S251_COUNT + 1]; /* the year's spend per Section 251 line (the last:
                                           unassigned), booked with the money */
    double dsg_alloc_f, dsg_other_f;    /* allocation_growth, other_growth compounded */
    double dsg_balance;                 /* the cumulative balance at the end of the year */
    bool dsg_all_within, dsg_all_on;    /* within the limit, on target, every year so far */
} hn_accounts;

/*
 * Starts the accounts of one iteration: zeroes row (lay->n_cols values) and
 * remembers sc, lay, pv and row, which must outlive the accounts. Never
 * fails.
 */
void accounts_begin(hn_accounts *a, const hn_scenario *sc, const hn_layout *lay, const double *pv,
                    double *row);

/*
 * Books year y (0-based; years in order from 0): every figure of year y
 * from the tally t and the year's parameters, with the year's inflation.
 * Never fails.
 */
void accounts_year(hn_accounts *a, int y, const hn_year_tally *t);

/*
 * Closes the accounts after the last year: the "all" columns (the layout's
 * rules, then pupils supported as distinct pupils - the occupants at the
 * start of year 1 plus the entries from outside (per provision: plus all
 * its starts) -, cost per pupil supported over them, within budget, paid
 * back and the payback year) and the payback. Returns the payback year
 * (accounts_payback). Never fails.
 */
int accounts_end(hn_accounts *a);

/*
 * The payback rule (MODEL.md section 5), for one cumulative series
 * cum[0..years) (the running sum of a net cost minus what it is measured
 * against, at the end of each year). Returns the payback year: the first
 * year k (1-based) from whose end the series stays <= 0 through the last
 * year, or 0 when there is none (a series that dips to 0 or below and
 * rises above again has not paid back). When paid_back is not NULL it
 * receives years + 1 yes/no values (1 or 0): paid_back[k - 1] whether the
 * series is <= 0 at the end of year k (it can turn back to 0), and
 * paid_back[years] the last year's. When by_year is not NULL it receives
 * years + 1 values: by_year[k - 1] whether the payback year is 1..k, and
 * by_year[years] whether there is one. Never fails.
 */
int accounts_payback(const double *cum, int years, double *paid_back, double *by_year);

#endif
