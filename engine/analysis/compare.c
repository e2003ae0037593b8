/*
 * compare.c - an option against the reference, iteration by iteration
 * (compare.h).
 *
 * Figures are paired by metric, entity kind and entity name, in the
 * option's layout order. The per-iteration differences of every pair are
 * formed into one temporary column-major matrix, summarised by
 * stats_columns (the same statistics as every other figure) and freed, so
 * a comparison holds only statistics; compare_diff recomputes one column's
 * differences on demand. Under MPI each rank summarises its share of the
 * difference columns (stats_share) and stats_gather gives every rank all
 * of them, so compare_new and compare_stream_end are collective. A
 * difference is non-finite when either value is (cost per pupil with no
 * pupil supported) and is then left out.
 *
 * The standard error without common random numbers is what the difference
 * of two independent runs of the same size would have:
 * sqrt(sd_ref^2 / n_ref + sd_opt^2 / n_opt), with each option's own sd of
 * the figure; for a probability figure sd^2 = p (1 - p). The payback
 * figures (paid_back, payback_year) are the option's payback against the
 * reference, worked out per iteration from the cumulative difference in
 * total net cost by the one payback rule (model/accounts.h); they have a
 * probability and no standard error without common random numbers (two
 * independent runs have no such pairing).
 */
#include "analysis/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats_run.h"
#include "analysis/stats_stream.h"
#include "model/accounts.h"

/* Path of the scenario's own file (the first of its sources), for messages. */
static const char *scenario_path(const hn_scenario *sc)
{
    return sc->n_sources > 0 && sc->sources[0].path ? sc->sources[0].path : sc->name;
}

/* True when two values of a one-item parameter are the same constant or distribution. */
static bool same_dist(const hn_param *a, const hn_param *b)
{
    if (a->n != b->n) return false;
    for (int i = 0; i < a->n; i++) {
        const hn_dist *x = &a->items[i], *y = &b->items[i];
        if (x->kind != y->kind) return false;
        for (int k = 0; k < dist_param_count(x->kind); k++)
            if (x->p[k] != y->p[k]) return false;
    }
    return true;
}

hn_status compare_check(const hn_scenario *ref, const hn_scenario *opt, hn_error *err)
{
    const char *rp = scenario_path(ref), *op = scenario_path(opt);
    const char *why = "(every option of a comparison must cover the same academic years)";
    if (ref->start_year != opt->start_year)
        return hn_error_set(err, HN_ERR_SCENARIO,
                            "cannot compare %s with %s: start_year %d in %s but %d in %s %s", op,
                            rp, opt->start_year, op, ref->start_year, rp, why);
    if (ref->years != opt->years)
        return hn_error_set(err, HN_ERR_SCENARIO,
                            "cannot compare %s with %s: years %d in %s but %d in %s %s", op, rp,
                            opt->years, op, ref->years, rp, why);
    if (ref->terms != opt->terms)
        return hn_error_set(err, HN_ERR_SCENARIO,
                            "cannot compare %s with %s: terms %d in %s but %d in %s (per-term "
                            "rates mean different things with different terms, and the options "
                            "would not share their random draws)",
                            op, rp, opt->terms, op, ref->terms, rp);
    if (!same_dist(&ref->baseline_cost, &opt->baseline_cost))
        return hn_error_set(err, HN_ERR_SCENARIO,
                            "cannot compare %s with %s: baseline_cost '%s' in %s but '%s' in %s "
                            "(the baseline is today's spend, the same for every option; put it in "
                            "the shared base)",
                            op, rp, opt->baseline_cost.text ? opt->baseline_cost.text : "", op,
                            ref->baseline_cost.text ? ref->baseline_cost.text : "", rp);
    return HN_OK;
}

/* Figure of lay with metric m, kind k and entity name `name`; -1 when absent. */
static int find_figure(const hn_layout *lay, hn_metric m, hn_entity_kind k, const char *name)
{
    int first = lay->first[m][k];
    if (first < 0) return -1;
    for (int i = 0; i < lay->count[k]; i++)
        if (!strcmp(lay->names[k][i], name)) return first + i;
    return -1;
}

/* Pairs the option's figures with the reference's; false on OOM. */
static bool build_matches(hn_comparison *c)
{
    const hn_layout *ol = c->opt_layout, *rl = c->ref_layout;
    c->matches = calloc((size_t)(ol->n_figures > 0 ? ol->n_figures : 1), sizeof *c->matches);
    if (!c->matches) return false;
    for (int f = 0; f < ol->n_figures; f++) {
        const hn_figure *fg = &ol->figures[f];
        int r = find_figure(rl, fg->metric, fg->kind, ol->names[fg->kind][fg->index]);
        if (r >= 0) c->matches[c->n_matches++] = (hn_match){ f, r };
    }
    return true;
}

/* Column of match k's figure in year y, in the option's (opt true) or the reference's results. */
static int match_col(const hn_comparison *c, int k, int y, bool opt)
{
    int fig = opt ? c->matches[k].opt_fig : c->matches[k].ref_fig;
    return fig * (c->years + 1) + y;
}

/* Difference columns of a comparison: every match in every year and all years. */
static size_t compare_columns(const hn_comparison *c)
{
    return (size_t)c->n_matches * (size_t)(c->years + 1);
}

bool compare_is_payback(hn_metric m)
{
    return m == HN_M_PAID_BACK || m == HN_M_PAYBACK_YEAR;
}

/* Both options' figures for iterations 0..n-1 of a stretch: column col of one at
 * values[col * stride + i]. */
typedef struct {
    const double *ref, *opt;
    long ref_stride, opt_stride, n;
} pair_view;

/* The iterations two runs kept (every one, unless streamed). */
static pair_view stored_view(const hn_comparison *c)
{
    return (pair_view){ c->ref->values, c->opt->values, c->ref->n_kept, c->opt->n_kept,
                        c->ref->n_kept < c->opt->n_kept ? c->ref->n_kept : c->opt->n_kept };
}

/* Option's and reference's value of match k in year y, iteration i of the view. */
static inline double opt_at(const hn_comparison *c, const pair_view *v, int k, int y, long i)
{
    return v->opt[(size_t)match_col(c, k, y, true) * (size_t)v->opt_stride + (size_t)i];
}
static inline double ref_at(const hn_comparison *c, const pair_view *v, int k, int y, long i)
{
    return v->ref[(size_t)match_col(c, k, y, false) * (size_t)v->ref_stride + (size_t)i];
}

/*
 * The option's payback against the reference in year y (years: "all") of
 * every iteration of the view, into out: the payback rule on the running
 * sum of the total net cost, option - reference; m says which of its
 * figures (paid_back or payback_year).
 */
static void payback_against_reference(const hn_comparison *c, const pair_view *v, hn_metric m,
                                      int y, double *out)
{
    int k = compare_find(c, HN_M_NET_COST, HN_ENT_TOTAL, 0);
    int Y = c->years;
    for (long i = 0; i < v->n; i++) {
        double cum[HN_MAX_YEARS], paid[HN_MAX_YEARS + 1], by_year[HN_MAX_YEARS + 1];
        for (int t = 0; t < Y; t++)
            cum[t] = (t > 0 ? cum[t - 1] : 0) + (opt_at(c, v, k, t, i) - ref_at(c, v, k, t, i));
        accounts_payback(cum, Y, paid, by_year);
        out[i] = m == HN_M_PAID_BACK ? paid[y] : by_year[y];
    }
}

/* The per-iteration differences (or paybacks) of match k in year y over the view, into out. */
static void diff_view(const hn_comparison *c, const pair_view *v, int k, int y, double *out)
{
    hn_metric m = c->opt_layout->figures[c->matches[k].opt_fig].metric;
    if (compare_is_payback(m)) {
        payback_against_reference(c, v, m, y, out);
        return;
    }
    for (long i = 0; i < v->n; i++) out[i] = opt_at(c, v, k, y, i) - ref_at(c, v, k, y, i);
}

void compare_diff(const hn_comparison *c, int k, int y, double *out)
{
    pair_view v = stored_view(c);
    diff_view(c, &v, k, y, out);
}

/*
 * The differences over the view of the comparison columns lo..hi-1 (column k * (years + 1) + y
 * is match k's year y), column-major: column col at out[(col - lo) * v->n]. Under MPI a rank
 * computes only its share (stats_share).
 */
static void diff_matrix(const hn_comparison *c, const pair_view *v, int lo, int hi, double *out)
{
    for (int col = lo; col < hi; col++)
        diff_view(c, v, col / (c->years + 1), col % (c->years + 1),
                  out + (size_t)(col - lo) * (size_t)v->n);
}

/* Counts the iterations of the view in which the option's total figure m is below the
 * reference's, per year and all, into below[0..years]; nothing when the figure is unpaired. */
static void count_below(const hn_comparison *c, const pair_view *v, hn_metric m, long *below)
{
    int k = compare_find(c, m, HN_ENT_TOTAL, 0);
    for (int y = 0; k >= 0 && y <= c->years; y++)
        for (long i = 0; i < v->n; i++) below[y] += opt_at(c, v, k, y, i) < ref_at(c, v, k, y, i);
}

/* Share of n iterations counted below, per year and all; NAN when unpaired or n is 0. */
static void share_below(const hn_comparison *c, hn_metric m, const long *below, double *out)
{
    bool paired = compare_find(c, m, HN_ENT_TOTAL, 0) >= 0;
    for (int y = 0; y <= c->years; y++)
        out[y] = paired && c->n_iter > 0 ? (double)below[y] / (double)c->n_iter : NAN;
}

/* Variance of the mean of a figure-year column of one option's statistics; NAN when undefined. */
static double var_of_mean(const hn_stats *st, int col, bool probability)
{
    long n = st->n_valid[col];
    if (n <= 0) return NAN;
    if (st->deterministic) return 0;
    double p = stats_get(st, col, HN_STAT_MEAN);
    double sd = probability ? sqrt(p * (1 - p)) : stats_get(st, col, HN_STAT_SD);
    return sd * sd / (double)n;
}

/* Fills se_independent from the two options' own spreads (none for a payback figure). */
static void independent_se(hn_comparison *c, const hn_stats *ref_st, const hn_stats *opt_st)
{
    const hn_layout *ol = c->opt_layout;
    for (int k = 0; k < c->n_matches; k++) {
        hn_metric m = ol->figures[c->matches[k].opt_fig].metric;
        bool prob = metric_is_probability(m);
        for (int y = 0; y <= c->years; y++) {
            double v = var_of_mean(ref_st, match_col(c, k, y, false), prob) +
                       var_of_mean(opt_st, match_col(c, k, y, true), prob);
            c->se_independent[k * (c->years + 1) + y] = compare_is_payback(m) ? NAN : sqrt(v);
        }
    }
}

/* New comparison of the option's layout with the reference's: matches paired, statistics
 * allocated and unfilled; NULL on OOM. */
static hn_comparison *compare_alloc(const hn_layout *ref_lay, const hn_layout *opt_lay,
                                    bool deterministic)
{
    hn_comparison *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->ref_layout = ref_lay;
    c->opt_layout = opt_lay;
    c->years = ref_lay->years;
    c->deterministic = deterministic;
    if (!build_matches(c)) {
        compare_free(c);
        return NULL;
    }
    size_t ncols = compare_columns(c);
    c->s = malloc((ncols > 0 ? ncols : 1) * HN_STAT__COUNT * sizeof *c->s);
    c->n_valid = calloc(ncols > 0 ? ncols : 1, sizeof *c->n_valid);
    c->se_independent = malloc((ncols > 0 ? ncols : 1) * sizeof *c->se_independent);
    if (!c->s || !c->n_valid || !c->se_independent) {
        compare_free(c);
        return NULL;
    }
    return c;
}

/* Which difference columns are probabilities (the paybacks): a new array, NULL on OOM. */
static bool *payback_columns(const hn_comparison *c)
{
    size_t ncols = compare_columns(c);
    bool *prob = malloc((ncols > 0 ? ncols : 1) * sizeof *prob);
    for (int k = 0; prob && k < c->n_matches; k++)
        for (int y = 0; y <= c->years; y++)
            prob[(size_t)k * (size_t)(c->years + 1) + (size_t)y] =
                compare_is_payback(c->opt_layout->figures[c->matches[k].opt_fig].metric);
    return prob;
}

/* The figures that follow from the differences' statistics and the counts below. */
static void compare_complete(hn_comparison *c, const hn_stats *ref_st, const hn_stats *opt_st,
                             const long *cheaper, const long *fewer)
{
    independent_se(c, ref_st, opt_st);
    share_below(c, HN_M_NET_COST, cheaper, c->p_cheaper);
    share_below(c, HN_M_EXCLUSIONS, fewer, c->p_fewer_exclusions);
    hn_outcome oc = compare_outcome(c);
    c->cost_per_exclusion_avoided = oc.extra > 0 && oc.avoided > 0 ? oc.extra / oc.avoided : NAN;
}

/* Checks that two runs can be paired; HN_ERR_USAGE otherwise. */
static hn_status check_pair(const hn_results *ref, const hn_results *opt, hn_error *err)
{
    if (ref->n_iter != opt->n_iter || ref->seed != opt->seed ||
        ref->deterministic != opt->deterministic || ref->layout.years != opt->layout.years)
        return hn_error_set(err, HN_ERR_USAGE,
                            "cannot compare runs made with different iterations, seed, mode or "
                            "years (%ld and %ld iterations)",
                            opt->n_iter, ref->n_iter);
    return HN_OK;
}

hn_status compare_new(const hn_results *ref, const hn_stats *ref_st, const hn_results *opt,
                      const hn_stats *opt_st, int threads, hn_comparison **out, hn_error *err)
{
    *out = NULL;
    hn_status s = check_pair(ref, opt, err);
    if (s != HN_OK) return s;
    /* Under MPI no rank returns before stats_gather, which every rank must reach. */
    hn_comparison *c = compare_alloc(&ref->layout, &opt->layout, ref->deterministic);
    size_t ncols = c ? compare_columns(c) : 0, n = (size_t)ref->n_iter;
    int lo, hi; /* this process's difference columns */
    stats_share(0, (int)ncols, &lo, &hi);
    size_t share = (size_t)(hi - lo);
    double *diff = c ? malloc((share > 0 ? share : 1) * (n > 0 ? n : 1) * sizeof *diff) : NULL;
    bool *prob = c ? payback_columns(c) : NULL;
    if (!diff || !prob) s = hn_error_set(err, HN_ERR_NOMEM, "out of memory comparing options");
    pair_view v = { 0 };
    if (s == HN_OK) {
        c->ref = ref;
        c->opt = opt;
        c->n_iter = ref->n_iter;
        v = stored_view(c);
        diff_matrix(c, &v, lo, hi, diff);
        if (hi > lo)
            s = stats_columns(diff, c->n_iter, hi - lo, prob + lo, c->deterministic, threads,
                              c->s + (size_t)lo * HN_STAT__COUNT, c->n_valid + lo, err);
    }
    free(diff);
    free(prob);
    s = stats_gather(s, c ? c->s : NULL, c ? c->n_valid : NULL, 0, (int)ncols, err);
    if (s != HN_OK) {
        compare_free(c);
        return s;
    }
    long cheaper[HN_MAX_YEARS + 1] = { 0 }, fewer[HN_MAX_YEARS + 1] = { 0 };
    count_below(c, &v, HN_M_NET_COST, cheaper);
    count_below(c, &v, HN_M_EXCLUSIONS, fewer);
    compare_complete(c, ref_st, opt_st, cheaper, fewer);
    *out = c;
    return HN_OK;
}

/* A comparison under way, a stretch of iterations at a time (compare.h). */
struct hn_compare_stream {
    hn_comparison *c; /* its ref and opt set by compare_stream_end */
    hn_stats_stream *acc;
    double *diff; /* a stretch's differences of this process's columns (stats_share) */
    long diff_n;  /* iterations diff has room for */
    long n;       /* iterations added */
    long cheaper[HN_MAX_YEARS + 1], fewer[HN_MAX_YEARS + 1];
};

hn_status compare_stream_begin(const hn_layout *ref_lay, const hn_layout *opt_lay,
                               hn_compare_stream **out, hn_error *err)
{
    *out = NULL;
    hn_compare_stream *cs = calloc(1, sizeof *cs);
    bool *prob = NULL;
    if (cs) cs->c = compare_alloc(ref_lay, opt_lay, false);
    if (cs && cs->c) prob = payback_columns(cs->c);
    if (prob) cs->acc = stats_stream_new((int)compare_columns(cs->c), prob);
    free(prob);
    if (!cs || !cs->acc) {
        compare_stream_free(cs);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory comparing options");
    }
    *out = cs;
    return HN_OK;
}

hn_status compare_stream_add(hn_compare_stream *cs, const hn_run_part *ref, const hn_run_part *opt,
                             int threads, hn_error *err)
{
    hn_comparison *c = cs->c;
    if (ref->first != opt->first || ref->count != opt->count || ref->first != cs->n)
        return hn_error_set(err, HN_ERR_INTERNAL,
                            "compared runs out of step (iterations %ld and %ld, %ld expected)",
                            ref->first, opt->first, cs->n);
    int lo, hi; /* this process's share of the columns (all of them without MPI) */
    stats_share(0, (int)compare_columns(c), &lo, &hi);
    if (ref->count > cs->diff_n) {
        size_t ncols = (size_t)(hi - lo);
        double *t = realloc(cs->diff, (ncols > 0 ? ncols : 1) * (size_t)ref->count * sizeof *t);
        if (!t) return hn_error_set(err, HN_ERR_NOMEM, "out of memory comparing options");
        cs->diff = t;
        cs->diff_n = ref->count;
    }
    pair_view v = { ref->values, opt->values, ref->stride, opt->stride, ref->count };
    diff_matrix(c, &v, lo, hi, cs->diff);
    hn_status s = hi > lo
                      ? stats_fold(cs->acc, lo, hi, cs->diff, ref->count, ref->count, threads, err)
                      : HN_OK;
    if (s != HN_OK) return s;
    count_below(c, &v, HN_M_NET_COST, cs->cheaper);
    count_below(c, &v, HN_M_EXCLUSIONS, cs->fewer);
    cs->n += ref->count;
    return HN_OK;
}

hn_status compare_stream_end(hn_compare_stream *cs, const hn_results *ref, const hn_stats *ref_st,
                             const hn_results *opt, const hn_stats *opt_st, hn_comparison **out,
                             hn_error *err)
{
    *out = NULL;
    hn_status s = check_pair(ref, opt, err);
    if (s == HN_OK && cs->n != ref->n_iter)
        s = hn_error_set(err, HN_ERR_INTERNAL, "a comparison of %ld iterations saw %ld",
                         ref->n_iter, cs->n);
    if (s != HN_OK) return s;
    hn_comparison *c = cs->c;
    c->ref = ref;
    c->opt = opt;
    c->ref_layout = &ref->layout;
    c->opt_layout = &opt->layout;
    c->n_iter = ref->n_iter;
    c->streamed = true;
    int lo, hi;
    stats_share(0, (int)compare_columns(c), &lo, &hi);
    for (int col = lo; col < hi; col++)
        c->n_valid[col] = stats_stream_column(cs->acc, col, c->s + (size_t)col * HN_STAT__COUNT);
    s = stats_gather(HN_OK, c->s, c->n_valid, 0, (int)compare_columns(c), err);
    if (s != HN_OK) return s;
    compare_complete(c, ref_st, opt_st, cs->cheaper, cs->fewer);
    cs->c = NULL;
    *out = c;
    return HN_OK;
}

/* Bytes a stream holds besides its accumulator: its stretch of differences (stretch_cols
 * columns of HN_PART_ITERATIONS) and the statistics of all ncols difference columns. */
static double stream_other_bytes(double stretch_cols, double ncols)
{
    return 8.0 * stretch_cols * (double)HN_PART_ITERATIONS + 8.0 * ncols * (HN_STAT__COUNT + 2);
}

double compare_stream_memory(const hn_scenario *opt, long n)
{
    hn_layout lay;
    if (layout_init(&lay, opt, NULL) != HN_OK) return 0;
    int cols = lay.n_cols;
    layout_free(&lay);
    long first = n < HN_PART_ITERATIONS ? n : HN_PART_ITERATIONS; /* the rest: P19 */
    return stats_stream_estimate(cols, first) + stream_other_bytes(cols, cols);
}

double compare_stream_project(const hn_compare_stream *cs, long n)
{
    int lo, hi;
    size_t ncols = compare_columns(cs->c);
    stats_share(0, (int)ncols, &lo, &hi);
    return stats_stream_project(cs->acc, lo, hi, n) + stream_other_bytes(hi - lo, (double)ncols);
}

size_t compare_stream_bytes(const hn_compare_stream *cs)
{
    int lo, hi;
    stats_share(0, (int)compare_columns(cs->c), &lo, &hi);
    return stats_stream_bytes(cs->acc) + (size_t)cs->diff_n * (size_t)(hi - lo) * sizeof(double);
}

void compare_stream_free(hn_compare_stream *cs)
{
    if (!cs) return;
    compare_free(cs->c);
    stats_stream_free(cs->acc);
    free(cs->diff);
    free(cs);
}

hn_outcome compare_outcome(const hn_comparison *c)
{
    return (hn_outcome){
        .extra = compare_stat(c, HN_M_NET_COST, HN_ENT_TOTAL, 0, c->years, HN_STAT_MEAN),
        .avoided = -compare_stat(c, HN_M_EXCLUSIONS, HN_ENT_TOTAL, 0, c->years, HN_STAT_MEAN)
    };
}

void compare_free(hn_comparison *c)
{
    if (!c) return;
    free(c->matches);
    free(c->s);
    free(c->n_valid);
    free(c->se_independent);
    free(c);
}

int compare_find(const hn_comparison *c, hn_metric m, hn_entity_kind k, int index)
{
    int f = layout_col(c->opt_layout, m, k, index, 0);
    if (f < 0) return -1;
    f /= c->years + 1;
    /* Matches are in the option's figure order: binary search. */
    int lo = 0, hi = c->n_matches - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (c->matches[mid].opt_fig == f) return mid;
        if (c->matches[mid].opt_fig < f)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

double compare_get(const hn_comparison *c, int k, int y, hn_stat st)
{
    if (k < 0 || k >= c->n_matches || y < 0 || y > c->years || (int)st < 0 || st >= HN_STAT__COUNT)
        return NAN;
    size_t col = (size_t)k * (size_t)(c->years + 1) + (size_t)y;
    return c->n_valid[col] > 0 ? c->s[col * HN_STAT__COUNT + st] : NAN;
}

double compare_se_independent(const hn_comparison *c, int k, int y)
{
    if (k < 0 || k >= c->n_matches || y < 0 || y > c->years) return NAN;
    return c->se_independent[k * (c->years + 1) + y];
}

double compare_stat(const hn_comparison *c, hn_metric m, hn_entity_kind k, int index, int y,
                    hn_stat st)
{
    return compare_get(c, compare_find(c, m, k, index), y, st);
}
