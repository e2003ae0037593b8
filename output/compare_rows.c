/*
 * compare_rows.c - the rows of the comparison table, defined once.
 *
 * `hnsim compare` shows the same table twice: printed on the terminal
 * (cli/cli_compare.c) and as the Comparison sheet (xlsx_compare.c); the
 * comparison CSV (compare_csv.c) writes the rows that are not statistics
 * of a difference (p_cheaper, p_fewer_exclusions,
 * cost_per_exclusion_avoided) from the same table. Each row says which
 * figure and statistic it reads, how it is shown, and its label in each
 * place; the sheet shows every row, the terminal those with a terminal
 * label. A deterministic comparison keeps the planned values only (no
 * bands, probabilities or standard errors). Money is in £'000 as on the
 * Summary sheet (the cost per exclusion avoided in £); the saving is
 * reference - option, positive when the option costs less, so its P10 is
 * minus the difference's P90.
 */
#include <math.h>
#include <stdio.h>

#include "report_compare.h"

/*
 * The table. .value: source, figure, statistic (0 where the source reads
 * none), format, Monte Carlo only; .sheet: label, unit, the reference's
 * text, the text for an undefined value; .term: label, deterministic
 * label. The sheet and terminal wordings differ (the sheet
 * has room to say more); only the values are shared.
 */
static const hn_compare_row rows[] = {
    { .value = { CR_OWN, HN_M_NET_COST, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { "Net cost over all years, mean", "£'000" },
      .term = { "Net cost, mean (£'000)", "Net cost, planned (£'000)" } },
    { .value = { CR_OWN, HN_M_NET_COST, HN_STAT_P10, CR_THOUSANDS, true },
      .sheet = { "Net cost over all years, P10", "£'000" },
      .term = { "Net cost, P10 (£'000)" } },
    { .value = { CR_OWN, HN_M_NET_COST, HN_STAT_P90, CR_THOUSANDS, true },
      .sheet = { "Net cost over all years, P90", "£'000" },
      .term = { "Net cost, P90 (£'000)" } },
    { .value = { CR_SAVING, HN_M_NET_COST, HN_STAT_MEAN, CR_THOUSANDS, false },
      .sheet = { "Saving against the reference, mean", "£'000", "reference" },
      .term = { "Saving against the reference, mean (£'000)",
                "Saving against the reference (£'000)" } },
    { .value = { CR_SAVING, HN_M_NET_COST, HN_STAT_P90, CR_THOUSANDS, true },
      .sheet = { "Saving against the reference, P10", "£'000" } },
    { .value = { CR_SAVING, HN_M_NET_COST, HN_STAT_P10, CR_THOUSANDS, true },
      .sheet = { "Saving against the reference, P90", "£'000" } },
    { .value = { CR_P_CHEAPER, 0, 0, CR_PERCENT, true },
      .sheet = { "Probability of saving (costs less over all years)", "%" },
      .term = { "Probability of saving" } },
    { .value = { CR_OWN, HN_M_SUPPORTED, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "Pupils supported, all years added up, mean", "pupils" },
      .term = { "Pupils supported, mean", "Pupils supported" } },
    { .value = { CR_OWN, HN_M_EXCLUSIONS, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "Permanent exclusions, all years, mean", "pupils" },
      .term = { "Permanent exclusions, mean", "Permanent exclusions" } },
    { .value = { CR_SAVING, HN_M_EXCLUSIONS, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "Exclusions avoided against the reference, mean", "pupils" },
      .term = { "Exclusions avoided, mean", "Exclusions avoided" } },
    { .value = { CR_P_FEWER, 0, 0, CR_PERCENT, true },
      .sheet = { "Probability of fewer exclusions than the reference", "%" },
      .term = { "Probability of fewer exclusions" } },
    { .value = { CR_OWN, HN_M_EHCNA, HN_STAT_MEAN, CR_COUNT, false },
      .sheet = { "EHC needs assessment requests, all years, mean", "requests" },
      .term = { "EHC needs assessment requests, mean", "EHC needs assessment requests" } },
    { .value = { CR_COST_PER_AVOIDED, 0, 0, CR_POUNDS, false },
      .sheet = { "Cost per exclusion avoided (negative: it saves money too)", "£", NULL,
                 "none avoided" },
      .term = { "Cost per exclusion avoided (£)" } },
    { .value = { CR_PAYBACK_YEAR, HN_M_PAYBACK_BY_YEAR, 0, CR_YEAR, false },
      .sheet = { "Payback year (half the iterations have paid back by its end)", "year" } },
    { .value = { CR_DIFF, HN_M_NET_COST, HN_STAT_SE, CR_THOUSANDS_FINE, true },
      .sheet = { "Standard error of the mean saving, common random numbers", "£'000" },
      .term = { "SE of the saving, common random nos (£'000)" } },
    { .value = { CR_SE_INDEPENDENT, HN_M_NET_COST, 0, CR_THOUSANDS_FINE, true },
      .sheet = { "Standard error of the mean saving, independent runs", "£'000" },
      .term = { "SE of the saving, independent runs (£'000)" } },
    { .value = { CR_PRECISION, HN_M_NET_COST, 0, CR_COUNT, true },
      .sheet = { "Precision gained (independent / common-random-numbers SE)", "times" } },
};

const hn_compare_row *compare_rows(int *n)
{
    *n = (int)(sizeof rows / sizeof rows[0]);
    return rows;
}

/* The first year by whose end at least half of o's iterations have paid back; 0 when none. */
static int payback_year(const hn_report_option *o)
{
    for (int y = 0; y < o->run->lay->years; y++)
        if (report_stat(o->run, HN_M_PAYBACK_BY_YEAR, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) >= 0.5)
            return y + 1;
    return 0;
}

double compare_row_value(const hn_compare_row *row, const hn_report_option *o, int y)
{
    const hn_compare_value *what = &row->value;
    const hn_comparison *c = o->cmp;
    switch (what->source) {
    case CR_OWN: return report_stat(o->run, what->metric, HN_ENT_TOTAL, 0, y, what->stat);
    case CR_PAYBACK_YEAR: return payback_year(o);
    default: break;
    }
    if (!c) return NAN; /* the reference has no difference from itself */
    int k = compare_find(c, what->metric, HN_ENT_TOTAL, 0);
    switch (what->source) {
    case CR_SAVING: return -compare_get(c, k, y, what->stat);
    case CR_DIFF: return compare_get(c, k, y, what->stat);
    case CR_SE_INDEPENDENT: return compare_se_independent(c, k, y);
    case CR_PRECISION: {
        double paired = compare_get(c, k, y, HN_STAT_SE);
        return paired > 0 ? compare_se_independent(c, k, y) / paired : NAN;
    }
    case CR_P_CHEAPER: return c->p_cheaper[y];
    case CR_P_FEWER: return c->p_fewer_exclusions[y];
    case CR_COST_PER_AVOIDED: return c->cost_per_exclusion_avoided;
    default: return NAN;
    }
}

const char *compare_row_csv_metric(const hn_compare_row *row)
{
    switch (row->value.source) {
    case CR_P_CHEAPER: return "p_cheaper";
    case CR_P_FEWER: return "p_fewer_exclusions";
    case CR_COST_PER_AVOIDED: return "cost_per_exclusion_avoided";
    default: return NULL; /* a statistic of a figure: the CSV has it as such */
    }
}

const char *compare_row_csv_stat(const hn_compare_row *row)
{
    return row->value.format == CR_PERCENT ? "p" : "mean";
}

double compare_row_shown(const hn_compare_row *row, double v)
{
    hn_compare_format f = row->value.format;
    return f == CR_THOUSANDS || f == CR_THOUSANDS_FINE ? v / 1000.0 : v;
}

void compare_row_text(const hn_compare_row *row, double v, char *buf, size_t cap)
{
    if (isnan(v)) {
        snprintf(buf, cap, "-");
        return;
    }
    hn_compare_format f = row->value.format;
    bool fine = f == CR_THOUSANDS_FINE || f == CR_COUNT;
    bool pct = f == CR_PERCENT;
    snprintf(buf, cap, "%.*f%s", fine ? 1 : 0, pct ? v * 100 : compare_row_shown(row, v),
             pct ? "%" : "");
}
