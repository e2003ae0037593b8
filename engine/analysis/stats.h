/*
 * stats.h - statistics of every figure across iterations (MODEL.md section 5).
 *
 * Exact order statistics: each column is copied and sorted (GSL sort) and
 * the percentiles are GSL's linear interpolation between order statistics
 * (gsl_stats_quantile_from_sorted_data). Mean and sd (n-1) come from GSL;
 * se = sd / sqrt(n). Probability figures hold their probability in the
 * mean slot. Non-finite values (cost per pupil with no pupils) are left out
 * and counted.
 */
#ifndef HN_STATS_H
#define HN_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model/engine.h"
#include "base/hn_error.h"
#include "model/layout.h"

typedef enum {
    HN_STAT_MEAN = 0,
    HN_STAT_SE,
    HN_STAT_SD,
    HN_STAT_MIN,
    HN_STAT_P5,
    HN_STAT_P10,
    HN_STAT_P25,
    HN_STAT_P50,
    HN_STAT_P75,
    HN_STAT_P90,
    HN_STAT_P95,
    HN_STAT_MAX,
    HN_STAT__COUNT
} hn_stat;

typedef struct {
    const hn_layout *layout; /* borrowed from the results */
    bool deterministic;
    double *s;     /* s[col * HN_STAT__COUNT + stat]; NAN where undefined */
    long *n_valid; /* finite values per column */
    /* A streamed run (stats_run.h): percentiles within 0.01% of the exact order statistic, and
     * the net cost over all years kept as its occupied histogram bins in increasing order (bin
     * value, iterations); 0 bins (NULL) for stored runs, whose every value is kept. */
    bool streamed;
    long n_hist;
    double *hist_value;
    long *hist_count;
} hn_stats;

/* Name of a statistic as in the CSV ("mean", "p90"). */
const char *stat_name(hn_stat st);

/* Level of a percentile statistic (0.05 for HN_STAT_P5, ...); -1 for the others. */
double stat_level(hn_stat st);

/*
 * Order-preserving key of a finite double: -0 is first made +0 (so a sort
 * never depends on where the two zeros came from), then the sign bit is
 * flipped for positives and every bit for negatives, so that unsigned order
 * equals numeric order. Shared by the exact sort (stats.c) and the streamed
 * histogram's bins (stats_stream.c).
 */
static inline uint64_t stats_sort_key(double d)
{
    uint64_t u;
    d += 0.0; /* -0.0 + 0.0 == +0.0 */
    memcpy(&u, &d, sizeof u);
    return (u >> 63) ? ~u : (u | UINT64_C(0x8000000000000000));
}

/* Inverse of stats_sort_key. */
static inline double stats_sort_unkey(uint64_t u)
{
    u = (u >> 63) ? (u & UINT64_C(0x7fffffffffffffff)) : ~u;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/*
 * The slots of a probability column of n > 0 finite values, `ones` of them
 * equal to 1, into out[0..HN_STAT__COUNT): the share of 1s in the mean slot,
 * NAN elsewhere. Shared by stats_column and stats_stream_column.
 */
void stats_fill_probability(long ones, long n, double *out);

/*
 * The moment slots of a column of n > 0 finite values from their sum, the
 * sum of squared deviations ss about their mean, and their min and max:
 * mean = sum / n clamped to [min, max] (against rounding), sd = sqrt(ss /
 * (n - 1)) (0 when n < 2), se = sd / sqrt(n), min, max. The percentile slots
 * are not touched. stats_mean gives the mean alone (ss is taken about it).
 * Shared by stats_column and stats_stream_column.
 */
double stats_mean(double sum, long n, double min, double max);
void stats_fill_moments(double sum, double ss, long n, double min, double max, double *out);

/* Statistic st of column col. */
static inline double stats_get(const hn_stats *s, int col, hn_stat st)
{
    return s->s[col * HN_STAT__COUNT + st];
}

/* Scratch space for stats_column (sorting buffers for up to n values). */
typedef struct hn_stats_scratch hn_stats_scratch;

/* New scratch space for columns of up to n values; caller frees with stats_scratch_free; NULL on OOM. */
hn_stats_scratch *stats_scratch_new(long n);

/* Frees scratch space. NULL is fine. */
void stats_scratch_free(hn_stats_scratch *s);

/*
 * Statistics of the n values v (at most the scratch's n) into
 * out[0..HN_STAT__COUNT): non-finite values are left out; a probability
 * column gets the share of 1s in the mean slot (NAN elsewhere); a
 * deterministic column gets its value in every slot, se and sd 0. Slots
 * without a value are NAN. Returns how many values were finite.
 */
long stats_column(const double *v, long n, bool probability, bool deterministic,
                  hn_stats_scratch *s, double *out);

/*
 * Average ranks (1 = smallest; ties share the mean of their positions, as in
 * GSL's Spearman coefficient) of the n finite values x into ranks[0..n), the
 * caller's. n is at most the scratch's size and below 2^32. Radix sort in
 * the scratch; nothing is allocated, nothing fails.
 */
void stats_ranks(const double *x, long n, hn_stats_scratch *s, double *ranks);

/*
 * Spearman's coefficient from two columns of average ranks of the same n
 * values (stats_ranks): their Pearson correlation, in one pass. NAN when n
 * < 2 or either column does not vary.
 */
double stats_rank_correlation(const double *rx, const double *ry, long n);

/*
 * stats_column for every column of the column-major matrix values[col * n + i]
 * (n_cols columns of n values), on up to `threads` threads; the results do
 * not depend on the thread count. out[col * HN_STAT__COUNT + stat] and
 * n_valid[col] are the caller's; probability[col] may be NULL (none).
 * HN_ERR_NOMEM when no scratch space could be allocated.
 */
hn_status stats_columns(const double *values, long n, int n_cols, const bool *probability,
                        bool deterministic, int threads, double *out, long *n_valid, hn_error *err);

/*
 * Which of lay's n_cols columns hold a probability (their figure's metric
 * is one): a new array the caller frees (at least one element), NULL on
 * OOM. What stats_compute passes to stats_columns, and what a streamed run
 * passes to stats_stream_new.
 */
bool *stats_probability_columns(const hn_layout *lay);

/* New statistics of lay's columns, not yet computed (every statistic NAN, n_valid 0); the
 * caller frees them with stats_free. NULL on OOM. */
hn_stats *stats_new(const hn_layout *lay, bool deterministic);

/*
 * The columns of [first, end) whose statistics this process computes under
 * MPI (par.h): [*lo, *hi), its par_share of them; all of them for one
 * process.
 */
void stats_share(int first, int end, int *lo, int *hi);

/*
 * Collective (par.h): each rank has computed the statistics of its share
 * (stats_share) of the columns [first, end) into s[col * HN_STAT__COUNT +
 * stat] and n_valid[col], with status st; afterwards every rank holds every
 * one of those columns' (one MPI_Allgatherv of rows of HN_STAT__COUNT + 1
 * doubles, n_valid exact as a double) and the status every rank agrees on
 * (par_agree): st's if any rank failed, nothing exchanged; HN_ERR_NOMEM or
 * HN_ERR_LIMIT from the exchange itself. The other columns are not
 * touched. One process: returns st, touches nothing. s and n_valid may be
 * NULL when st is not HN_OK.
 */
hn_status stats_gather(hn_status st, double *s, long *n_valid, int first, int end, hn_error *err);

/*
 * Computes every statistic of the columns [first, end) of r (first 0 and end
 * r's n_cols: every column); the other columns' statistics are NAN, with
 * n_valid 0 (a solve trial reads one figure: decisions P23). Caller frees
 * *out with stats_free. Collective under MPI: each rank computes its share
 * of those columns (stats_share) and stats_gather gives every rank all of
 * them; the status is the same on every rank. HN_ERR_NOMEM on allocation
 * failure (on every rank), *out NULL.
 */
hn_status stats_compute_range(const hn_results *r, int first, int end, hn_stats **out,
                              hn_error *err);

/* stats_compute_range of every column of r. */
hn_status stats_compute(const hn_results *r, hn_stats **out, hn_error *err);

/* Frees statistics. NULL is fine. */
void stats_free(hn_stats *s);

#endif
