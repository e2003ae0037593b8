/*
 * compare_csv.c - the tidy CSV of a comparison (report_compare.h).
 *
 * Same header, row format and atomic writing as the run's CSV
 * (csv_internal.h). For each option in the order given: its own rows,
 * exactly as `hnsim run` writes them; then, for every option but the
 * reference, its differences from the reference, all with
 * scenario = the option's name:
 *   delta_METRIC    every figure the reference also has (same entity
 *                   name), years 1..Y and all, stats mean, se, sd, min,
 *                   p5 ... p95, max of the per-iteration difference
 *                   option - reference, plus se_independent (the standard
 *                   error the mean difference would have without common
 *                   random numbers). For within_budget only mean (the
 *                   change in probability), se and se_independent. For
 *                   the payback figures, delta_paid_back and
 *                   delta_payback_year, stat p only: the probability that
 *                   the option has paid back against the reference
 *                   (compare.h), not a difference of probabilities.
 *   p_cheaper, p_fewer_exclusions   entity total, years 1..Y and all,
 *                   stat p: the share of iterations in which the option's
 *                   total net cost (exclusions) is strictly below the
 *                   reference's.
 *   cost_per_exclusion_avoided      entity total, year all, stat mean:
 *                   mean extra net cost / mean exclusions avoided, when
 *                   the option avoids exclusions on average (else no row).
 * The last three are the rows of the comparison table (compare_rows.c)
 * that have a CSV metric, in the table's order. Non-finite values are
 * never written.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csv_internal.h"
#include "report_compare.h"

/* The options handed to the body writer. */
typedef struct {
    const hn_report_option *opts;
    int n;
} csv_compare;

/* Writes the delta_ rows of every matched figure of one option; <0 on a write error. */
static int put_deltas(FILE *f, const char *scenario, const hn_comparison *c)
{
    static const hn_stat prob_stats[] = { HN_STAT_MEAN, HN_STAT_SE };
    const hn_layout *lay = &c->opt->layout;
    for (int k = 0; k < c->n_matches; k++) {
        const hn_figure *fg = &lay->figures[c->matches[k].opt_fig];
        bool prob = metric_is_probability(fg->metric);
        char metric[64], entity[160], year[16];
        snprintf(metric, sizeof metric, "delta_%s", metric_name(fg->metric));
        layout_entity_name(lay, fg->kind, fg->index, entity, sizeof entity);
        for (int y = 0; y <= c->years; y++) {
            csv_year(lay, y, year, sizeof year);
            if (compare_is_payback(fg->metric)) {
                if (csv_put_row(f, scenario, metric, entity, year, "p",
                                compare_get(c, k, y, HN_STAT_MEAN)) < 0)
                    return -1;
                continue;
            }
            int n_stats = prob ? 2 : HN_STAT__COUNT;
            for (int i = 0; i < n_stats; i++) {
                hn_stat st = prob ? prob_stats[i] : (hn_stat)i;
                if (csv_put_row(f, scenario, metric, entity, year, stat_name(st),
                                compare_get(c, k, y, st)) < 0)
                    return -1;
            }
            if (!isnan(compare_get(c, k, y, HN_STAT_MEAN)) &&
                csv_put_row(f, scenario, metric, entity, year, "se_independent",
                            compare_se_independent(c, k, y)) < 0)
                return -1;
        }
    }
    return 0;
}

/* Writes the rows of the comparison table that have a CSV metric (compare_rows.c); <0 on a write error. */
static int put_table_rows(FILE *f, const hn_report_option *o)
{
    const char *scenario = report_name(o->run);
    const hn_layout *lay = o->run->lay;
    int n_rows;
    const hn_compare_row *rows = compare_rows(&n_rows);
    char year[16];
    for (int r = 0; r < n_rows; r++) {
        const char *metric = compare_row_csv_metric(&rows[r]);
        if (!metric) continue;
        /* The cost per exclusion avoided is a ratio of the totals over all years only. */
        int first = rows[r].value.source == CR_COST_PER_AVOIDED ? lay->years : 0;
        for (int y = first; y <= lay->years; y++) {
            csv_year(lay, y, year, sizeof year);
            if (csv_put_row(f, scenario, metric, "total", year, compare_row_csv_stat(&rows[r]),
                            compare_row_value(&rows[r], o, y)) < 0)
                return -1;
        }
    }
    return 0;
}

/* The body: header, then each option's own rows and its differences. */
static int put_compare(FILE *f, const void *user)
{
    const csv_compare *cc = user;
    if (fputs(CSV_HEADER, f) < 0) return -1;
    for (int i = 0; i < cc->n; i++) {
        const hn_report_option *o = &cc->opts[i];
        if (csv_put_figures(f, o->run) < 0) return -1;
        if (!o->cmp) continue;
        if (put_deltas(f, report_name(o->run), o->cmp) < 0 || put_table_rows(f, o) < 0) return -1;
    }
    return 0;
}

/* Writes the comparison CSV to the reference's output path atomically; HN_ERR_IO on any failed write. */
hn_status report_write_compare_csv(const hn_report_option *opts, int n, hn_error *err)
{
    if (n < 1) return hn_error_set(err, HN_ERR_USAGE, "a comparison needs at least one option");
    const csv_compare cc = { opts, n };
    return csv_write(opts[0].run->origin->out_path, put_compare, &cc, err);
}
