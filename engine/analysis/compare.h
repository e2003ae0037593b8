/*
 * compare.h - an option against a reference option, iteration by iteration
 * (MODEL.md section 6: common random numbers).
 *
 * Both options are run with the same seed, iterations and mode, so that
 * iteration i of each faces the same draws wherever the two files describe
 * demand alike. A comparison pairs the option's figures with the
 * reference's by metric and entity name (a provision, segment, cost or
 * income line present in only one option has no pair, and so no
 * difference), forms the per-iteration difference option - reference of
 * every paired figure and year, and summarises it with the statistics of
 * stats.h. Next to the standard error of the mean difference it keeps what
 * that standard error would be without common random numbers,
 * sqrt(sd_ref^2 / n + sd_opt^2 / n), so a reader sees the precision gained.
 *
 * The payback figures are the exception (MODEL.md section 5): an option's
 * payback is measured against the reference, not against baseline_cost,
 * so the "difference" of paid_back and payback_year is not a difference of
 * two probabilities but, iteration by iteration, the payback rule
 * (accounts_payback) applied to the cumulative difference in total net
 * cost (option - reference): 1 when the option has paid back against the
 * reference (by the end of the year; its payback year by then), else 0.
 * Its statistic is the probability, in the mean slot (compare_is_payback).
 */
#ifndef HN_COMPARE_H
#define HN_COMPARE_H

#include <stdbool.h>

#include "model/engine.h"
#include "base/hn_error.h"
#include "model/layout.h"
#include "scenario/scenario.h"
#include "analysis/stats.h"

/* A figure of the option and the same (metric, entity) in the reference. */
typedef struct {
    int opt_fig; /* figure index in the option's layout */
    int ref_fig; /* figure index in the reference's layout */
} hn_match;

/* One option against the reference. Borrowed results must outlive it. */
typedef struct {
    const hn_results *ref, *opt;              /* borrowed */
    const hn_layout *ref_layout, *opt_layout; /* theirs (borrowed) */
    bool streamed; /* made a stretch at a time (compare_stream_*): percentiles within 0.01% */
    int years;
    long n_iter;
    bool deterministic;
    int n_matches;
    hn_match *matches; /* the option's figures the reference has, in layout order */
    /* Statistics of the difference option - reference of match k in year y
     * (0..years-1, years for "all"): s[(k * (years + 1) + y) * HN_STAT__COUNT + stat]. */
    double *s;
    long *n_valid;          /* [k * (years + 1) + y]: iterations with both values finite */
    double *se_independent; /* [k * (years + 1) + y]: the SE without common random numbers */
    /* P(option's total net cost < reference's), per year and all years. */
    double p_cheaper[HN_MAX_YEARS + 1];
    /* P(option's total permanent exclusions < reference's), per year and all years. */
    double p_fewer_exclusions[HN_MAX_YEARS + 1];
    /* Mean extra net cost / mean exclusions avoided, all years: only when the option costs more
     * and avoids exclusions on average; NAN otherwise (compare_outcome says which case). */
    double cost_per_exclusion_avoided;
} hn_comparison;

/*
 * Checks that opt can be compared with ref: the same start_year, years,
 * terms and baseline_cost. HN_ERR_SCENARIO naming both files (the first of
 * each one's sources) and both values otherwise.
 */
hn_status compare_check(const hn_scenario *ref, const hn_scenario *opt, hn_error *err);

/*
 * Compares opt with ref (their statistics ref_st and opt_st, computed by
 * stats_compute) using up to `threads` threads. Both must have the same
 * iterations, seed and mode (HN_ERR_USAGE otherwise). On success *out is a
 * new comparison borrowing ref and opt; the caller frees it with
 * compare_free. HN_ERR_NOMEM on allocation failure, *out NULL. Collective
 * under MPI (par.h): every rank calls it with the same runs, summarises its
 * share of the difference columns and receives the others' (stats_gather);
 * the status is the same on every rank.
 */
hn_status compare_new(const hn_results *ref, const hn_stats *ref_st, const hn_results *opt,
                      const hn_stats *opt_st, int threads, hn_comparison **out, hn_error *err);

/*
 * A comparison of two streamed runs (stats_run.h) made in lockstep, a
 * stretch of iterations at a time, so that neither run's figures are kept
 * (issue 14, decisions P13). compare_stream_begin pairs the layouts (both
 * must outlive the stream); compare_stream_add takes the two runs' same
 * iterations (engine_part of each, in order: HN_ERR_INTERNAL otherwise),
 * folding their differences on up to `threads` threads;
 * compare_stream_end makes the comparison of the finished runs (as
 * compare_new would, percentiles within 0.01%: stats_stream.h), *out new,
 * and leaves the stream to be freed. Errors: HN_ERR_NOMEM, and
 * compare_new's. compare_stream_free frees a stream; NULL is fine. Under
 * MPI each rank folds only its share of the difference columns
 * (stats_share) and compare_stream_end, collective, gathers the others'
 * statistics (stats_gather).
 */
typedef struct hn_compare_stream hn_compare_stream;
hn_status compare_stream_begin(const hn_layout *ref_lay, const hn_layout *opt_lay,
                               hn_compare_stream **out, hn_error *err);
hn_status compare_stream_add(hn_compare_stream *cs, const hn_run_part *ref, const hn_run_part *opt,
                             int threads, hn_error *err);
hn_status compare_stream_end(hn_compare_stream *cs, const hn_results *ref, const hn_stats *ref_st,
                             const hn_results *opt, const hn_stats *opt_st, hn_comparison **out,
                             hn_error *err);
void compare_stream_free(hn_compare_stream *cs);

/* Bytes a stream holds now: its differences' accumulator and its stretch of differences. */
size_t compare_stream_bytes(const hn_compare_stream *cs);

/*
 * Bytes one streamed comparison of opt with the reference holds besides the
 * two runs (stats_run_memory counts those) at n iterations, for the
 * up-front check: the differences' accumulator as one segment can fill it
 * (stats_stream_estimate of at most HN_PART_ITERATIONS values; the rest is
 * checked by compare_stream_project once that segment is in) and one
 * stretch's differences, for at most opt's figure columns (only figures
 * both options have are compared). 0 when opt's layout cannot be built
 * (the run's own check reports that).
 */
double compare_stream_memory(const hn_scenario *opt, long n);

/*
 * Bytes the stream is expected to hold at n iterations, projected from
 * what it holds (decisions P19): its accumulator's columns by
 * stats_stream_project, its stretch of differences and their statistics.
 */
double compare_stream_project(const hn_compare_stream *cs, long n);

/* Frees a comparison (not the results it borrows). NULL is fine. */
void compare_free(hn_comparison *c);

/* Index of the match of the option's figure (m, k, index), or -1 when the reference lacks it. */
int compare_find(const hn_comparison *c, hn_metric m, hn_entity_kind k, int index);

/* Statistic st of the difference of match k in year y (years: "all"); NAN when undefined. */
double compare_get(const hn_comparison *c, int k, int y, hn_stat st);

/* Standard error without common random numbers of match k in year y; NAN when undefined. */
double compare_se_independent(const hn_comparison *c, int k, int y);

/* Statistic st of the difference of the option's figure (m, k, index) in year y;
 * NAN when the reference lacks it or it is undefined. */
double compare_stat(const hn_comparison *c, hn_metric m, hn_entity_kind k, int index, int y,
                    hn_stat st);

/* Writes the n_iter per-iteration differences option - reference of match k in year y
 * into out (the caller's, n_iter doubles); for a payback figure (compare_is_payback) the
 * option's payback against the reference, 1 or 0. */
void compare_diff(const hn_comparison *c, int k, int y, double *out);

/* True for the figures whose comparison is the option's payback against the reference
 * (paid_back, payback_year) rather than a difference. */
bool compare_is_payback(hn_metric m);

/* What an option does against the reference over all years, on average. */
typedef struct {
    double extra;   /* mean extra net cost, option - reference (negative: a saving), £ */
    double avoided; /* mean permanent exclusions avoided, reference - option */
} hn_outcome;

/* The option's mean extra net cost and exclusions avoided over all years (NAN when absent). */
hn_outcome compare_outcome(const hn_comparison *c);

#endif
