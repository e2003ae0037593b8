/*
 * stats_stream.h - statistics of figure columns in bounded memory (issue 14,
 * decisions P11): an accumulator that is given each column's values in
 * segments and never holds them.
 *
 * Per column it keeps:
 *  - the mean: the sum of the finite values in the order they are added;
 *  - the sd (n - 1): sums of d = x - K and d^2 about a shift K, the
 *    column's first finite value; ss = S2 - S1 * (S1 / n). Sound for values
 *    ~1e7 with a spread ~1e5 and n up to 1e8 (the shift removes the
 *    cancellation a raw sum of squares would suffer); se = sd / sqrt(n).
 *    Each sum is plain within blocks of 64 values and a block's total joins
 *    a Neumaier-compensated sum when the column's count reaches a multiple
 *    of 64, so the sums depend on the values and their order only, not on
 *    how they were split into calls;
 *  - min and max, exact;
 *  - a sparse log-histogram for the percentiles: a value's bin is the top
 *    25 bits of its order-preserving key
 *    (stats_sort_key: sign, 11 exponent bits, the top 13 mantissa bits), so
 *    a bin spans a relative width of 2^-13 (1.2e-4); +0 and -0 share one
 *    bin. Counts sit in an open-addressing hash table per column (Fibonacci
 *    hashing, linear probing, doubled at load 0.7, 8 bytes a slot).
 *
 * The order statistic x[k] (0-based, ascending) is the representative of the
 * bin holding it: x[0] is the min and x[n-1] the max, exactly; otherwise the
 * bin's midpoint clamped to [min, max] (the zero bin's is 0); and when every
 * finite value of the column so far was an integer and the bin holds only
 * one integer, that integer (so integers below 2^14 = 16384, counts of
 * pupils for instance, and constant columns are exact). For |x| >= DBL_MIN
 * the representative is within 2^-14 (6.1e-5, relative) of x[k], inside the
 * 1e-4 that issue 14 allows. Percentile p is
 * GSL's rule (gsl_stats_quantile_from_sorted_data) on these order
 * statistics: idx = p (n - 1), lhs = floor(idx), delta = idx - lhs,
 * (1 - delta) x[lhs] + delta x[lhs + 1] (x[lhs] when lhs = n - 1), so it is
 * within 6.1e-5 of the exact percentile when both order statistics have the
 * same sign.
 *
 * Probability columns count their 1s and finite values only (no
 * histogram). Non-finite values are left out and not counted. A column
 * holds at most 2^32 - 1 finite values (HN_ERR_LIMIT beyond). Every result
 * depends only on the values of its column and their order, never on how
 * the values were split into calls or among threads. Deterministic results
 * (one iteration) are not streamed: stats_column handles them.
 */
#ifndef HN_STATS_STREAM_H
#define HN_STATS_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/stats.h"
#include "base/hn_error.h"

/* Mantissa bits kept in a bin key (the bins' relative width is 2^-HN_STREAM_MANT_BITS). */
#define HN_STREAM_MANT_BITS 13

typedef struct hn_stats_stream hn_stats_stream;

/*
 * New accumulator for n_cols columns (n_cols >= 0); probability[c] (NULL:
 * no probability columns) is copied. NULL on OOM. The caller frees it with
 * stats_stream_free.
 */
hn_stats_stream *stats_stream_new(int n_cols, const bool *probability);

/* Frees an accumulator. NULL is fine. */
void stats_stream_free(hn_stats_stream *s);

/*
 * Adds `count` values of each column col_first..col_end-1: column c's values
 * are values[(size_t)(c - col_first) * stride + i], i in [0, count) (values
 * starts at the first column's), added in index order.
 * Threads may call it at the same time for disjoint column ranges (columns
 * share no mutable state). HN_ERR_NOMEM when a histogram cannot grow,
 * HN_ERR_LIMIT when a column would exceed 2^32 - 1 finite values,
 * HN_ERR_INTERNAL on a bad column range or count; after a failure each
 * column holds a prefix of its values (consistently: every statistic and the
 * histogram agree), the accumulator stays usable and freeable, and the run
 * should be abandoned.
 */
hn_status stats_stream_add(hn_stats_stream *s, int col_first, int col_end, const double *values,
                           long stride, long count, hn_error *err);

/*
 * Statistics of column col into out[0..HN_STAT__COUNT), with the slots and
 * conventions of stats_column (non-deterministic): NAN where there is no
 * value; a probability column has the share of 1s in the mean slot and NAN
 * elsewhere; sd and se are 0 with one value. Returns the number of finite
 * values. Allocates nothing (a radix select over the table, 64 KB of stack);
 * nothing fails; safe to call while other threads add to other columns.
 */
long stats_stream_column(const hn_stats_stream *s, int col, double *out);

/*
 * Column col's distribution as its occupied bins in increasing order: the
 * bins' representatives (as for the order statistics, without the min/max
 * rule for the first and last) in *value and their counts in *count, new
 * arrays the caller frees (both NULL when there are no bins); returns the
 * number of bins, or -1 on OOM (*value and *count NULL). A probability
 * column has no bins (0).
 */
long stats_stream_bins(const hn_stats_stream *s, int col, double **value, long **count);

/* Bytes the accumulator holds now (its columns and their tables). */
size_t stats_stream_bytes(const hn_stats_stream *s);

/*
 * Bytes the tables of columns col_first..col_end-1 are expected to take
 * once each holds n values, projected from the values they hold now (a
 * run's first segment, for the memory check of decisions P19). For each
 * power of two of each sign: the bins seen, plus new ones at most f1 for
 * each v more values (f1 of its v values alone in their bin: Good and
 * Turing's chance that the next value takes a new bin, which only falls)
 * and at most twice Chao's estimate f1^2 / (2 f2) of the bins not yet
 * seen; at most its 8192 bins (its integers below 2^13 while the column
 * holds only integers); nothing for a power of two not seen. Plus, for the
 * values beyond the range seen - above the max, below the min and nearer
 * zero than any - n / (held + 1) each, as the order statistics of
 * exchangeable draws have it, a bin each (none when no bin holds a single
 * value; in a column of integers at most the range seen). Tables sized as
 * stats_stream_add grows them, plus half the largest (a doubling table
 * holds its old slots while it moves them). A column that already holds n
 * values or more counts its table as it is; a probability column, or one
 * with no value yet, nothing. Not a bound: a column whose first values are
 * not like its later ones can take more. Allocates nothing (48 KB of
 * stack).
 */
double stats_stream_project(const hn_stats_stream *s, int col_first, int col_end, long n);

/*
 * Bytes an accumulator is expected to need for n_cols columns of n values
 * each, for a memory check before a run. Assumes no column occupies more
 * than 16384 bins (2 << HN_STREAM_MANT_BITS), i.e. its values fill at most
 * two binary orders of magnitude (a normal of mean 5e6 and sd 5e5 occupies
 * about 22,000 at 1e6 and at 1e7 values: 262 KB; the estimate says 524 KB);
 * each further filled power of two costs up to 16384 bins (about 190 KB at
 * load 0.7). Tables are sized as stats_stream_add grows them (powers of two
 * at load <= 0.7), so this is their size at min(n, 16384) bins.
 */
double stats_stream_estimate(int n_cols, long n);

#endif
