/*
 * test_stats_stream.c - the bounded-memory statistics accumulator
 * (engine/analysis/stats_stream.c) against the exact ones (stats_column).
 *
 * Simulated columns of known shape (normal around 5e6, one around 1e7 of sd
 * 1e5, lognormal, a mixture
 * crossing zero with exact zeros, a constant non-integer, Poisson counts,
 * large rounded integers, a column with NaN and infinities, a probability
 * column, all zeros, and long runs of the first value between other
 * integers - the columns whose runs are added at once, decisions P25), for
 * n from 1 to 200,000: every slot of stats_stream_column
 * against stats_column on the same values - mean, se and sd within 1e-12,
 * min and max equal, every percentile within 2^-15 of the exact
 * interpolation of the exact order statistics (exactly equal for the
 * integer counts, the constant, the zeros and the runs), the count of finite
 * values equal. Then:
 * values split over calls, columns over calls and threads, give identical
 * bits; the bins are increasing, sum to the count, and are the distinct
 * values of a count column; bad arguments and limits are errors.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "analysis/stats.h"
#include "analysis/stats_stream.h"

typedef enum {
    SH_NORMAL,
    SH_NARROW,
    SH_LOGNORMAL,
    SH_MIXTURE,
    SH_CONSTANT,
    SH_POISSON,
    SH_BIG_INTEGERS,
    SH_NONFINITE,
    SH_PROBABILITY,
    SH_ZERO,
    SH_RUNS,
    SH__COUNT
} shape;

static const char *const shape_names[SH__COUNT] = {
    "normal",       "narrow",     "lognormal",   "mixture", "constant", "poisson",
    "big integers", "non-finite", "probability", "zero",    "runs",
};

/* Fills v[0..n) with values of shape sh from rng. */
static void fill(shape sh, gsl_rng *rng, double *v, long n)
{
    for (long i = 0; i < n; i++) {
        double u = gsl_rng_uniform(rng);
        switch (sh) {
        case SH_NORMAL: v[i] = 5e6 + gsl_ran_gaussian(rng, 5e5); break;
        case SH_NARROW: v[i] = 1e7 + gsl_ran_gaussian(rng, 1e5); break; /* the sd's hard case */
        case SH_LOGNORMAL: v[i] = gsl_ran_lognormal(rng, log(2e5), 0.8); break;
        case SH_MIXTURE: /* negative and positive modes, 10% exact zeros */
            v[i] = u < 0.1   ? 0.0
                   : u < 0.4 ? gsl_ran_gaussian(rng, 5e4) - 2e5
                             : gsl_ran_gaussian(rng, 2e5) + 6e5;
            break;
        case SH_CONSTANT: v[i] = 1234.567; break;
        case SH_POISSON: v[i] = gsl_ran_poisson(rng, 40); break;
        case SH_BIG_INTEGERS: v[i] = round(1e6 + gsl_ran_gaussian(rng, 1e5)); break;
        case SH_NONFINITE:
            v[i] = u < 0.04   ? NAN
                   : u < 0.05 ? -NAN /* x86's own NaN has the sign bit set */
                   : u < 0.07 ? INFINITY
                   : u < 0.08 ? -INFINITY
                              : 5e6 + gsl_ran_gaussian(rng, 5e5);
            break;
        case SH_PROBABILITY: v[i] = u < 0.02 ? NAN : u < 0.32 ? 1.0 : 0.0; break;
        case SH_ZERO: v[i] = 0.0; break; /* a provision that never closes */
        case SH_RUNS: /* 700 copies of the first value, then 700 integers about it, and so on */
            v[i] = (i / 700) % 2 == 0 ? 3000.0 : 2960.0 + gsl_ran_poisson(rng, 40);
            break;
        default: fail();
        }
    }
}

/* The finite values of v[0..n), sorted, into x; returns how many. */
static long sorted_finite(const double *v, long n, double *x)
{
    long m = 0;
    for (long i = 0; i < n; i++)
        if (isfinite(v[i])) x[m++] = v[i];
    gsl_sort(x, 1, (size_t)m);
    return m;
}

/* Whether exact should hold to the bit: integer counts and constants. */
static bool exact_shape(shape sh)
{
    return sh == SH_POISSON || sh == SH_CONSTANT || sh == SH_ZERO || sh == SH_RUNS;
}

/* Asserts the streamed statistics of column sh's n values v against the exact ones. */
static void check_column(shape sh, const double *v, long n, const hn_stats_stream *st, int col)
{
    double want[HN_STAT__COUNT], got[HN_STAT__COUNT];
    hn_stats_scratch *scr = stats_scratch_new(n);
    assert_non_null(scr);
    bool prob = sh == SH_PROBABILITY;
    long nv = stats_column(v, n, prob, false, scr, want);
    stats_scratch_free(scr);
    assert_int_equal(stats_stream_column(st, col, got), nv);
    double *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
    assert_non_null(x);
    assert_int_equal(sorted_finite(v, n, x), nv);
    for (int k = 0; k < HN_STAT__COUNT; k++) {
        if (isnan(want[k])) {
            if (!isnan(got[k]))
                fail_msg("%s n=%ld %s: want NaN, got %.17g", shape_names[sh], n,
                         stat_name((hn_stat)k), got[k]);
            continue;
        }
        double p = stat_level((hn_stat)k), tol;
        if (k == HN_STAT_MIN || k == HN_STAT_MAX || prob || (exact_shape(sh) && p >= 0)) {
            tol = 0;
        } else if (p < 0) {
            tol = 1e-12 * fabs(want[k]);
        } else {
            /* The bound of stats_stream.h: 2^-15 of each order statistic interpolated. */
            double idx = p * (double)(nv - 1), delta = idx - floor(idx);
            long lhs = (long)idx;
            double scale = lhs == nv - 1 ? fabs(x[lhs])
                                         : (1 - delta) * fabs(x[lhs]) + delta * fabs(x[lhs + 1]);
            tol = ldexp(scale, -(HN_STREAM_MANT_BITS + 1)) * (1 + 1e-9);
        }
        if (!(fabs(got[k] - want[k]) <= tol))
            fail_msg("%s n=%ld %s: want %.17g, got %.17g (tolerance %.3g)", shape_names[sh], n,
                     stat_name((hn_stat)k), want[k], got[k], tol);
    }
    free(x);
}

/* (1) Every shape at several sizes, one column per shape in one accumulator, one call each. */
static void test_against_exact(void **state)
{
    (void)state;
    static const long sizes[] = { 1, 2, 3, 4, 5, 7, 10, 20, 21, 100, 1001, 12345, 200000 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    bool prob[SH__COUNT] = { [SH_PROBABILITY] = true };
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
        long n = sizes[z];
        gsl_rng_set(rng, (unsigned long)(1000 + z));
        double *v = malloc((size_t)n * SH__COUNT * sizeof *v);
        assert_non_null(v);
        hn_stats_stream *st = stats_stream_new(SH__COUNT, prob);
        assert_non_null(st);
        for (int sh = 0; sh < SH__COUNT; sh++) fill((shape)sh, rng, v + (size_t)sh * (size_t)n, n);
        hn_error err;
        assert_int_equal(stats_stream_add(st, 0, SH__COUNT, v, n, n, &err), HN_OK);
        for (int sh = 0; sh < SH__COUNT; sh++)
            check_column((shape)sh, v + (size_t)sh * (size_t)n, n, st, sh);
        stats_stream_free(st);
        free(v);
    }
    gsl_rng_free(rng);
}

/* An empty column: NaN everywhere, 0 values; an all-NaN column the same. */
static void test_empty_columns(void **state)
{
    (void)state;
    hn_stats_stream *st = stats_stream_new(2, NULL);
    assert_non_null(st);
    double v[6] = { 0, 0, 0, NAN, NAN, INFINITY }; /* column 1 at stride 3 */
    hn_error err;
    assert_int_equal(stats_stream_add(st, 1, 2, v + 3, 3, 3, &err), HN_OK);
    double out[HN_STAT__COUNT];
    for (int c = 0; c < 2; c++) {
        assert_int_equal(stats_stream_column(st, c, out), 0);
        for (int k = 0; k < HN_STAT__COUNT; k++) assert_true(isnan(out[k]));
    }
    double *bv;
    long *bc;
    assert_int_equal(stats_stream_bins(st, 1, &bv, &bc), 0);
    assert_null(bv);
    stats_stream_free(st);
}

/* Every column's statistics of st, n_cols of them, into out (n_cols * HN_STAT__COUNT). */
static void all_stats(const hn_stats_stream *st, int n_cols, double *out)
{
    for (int c = 0; c < n_cols; c++) stats_stream_column(st, c, out + (size_t)c * HN_STAT__COUNT);
}

typedef struct {
    hn_stats_stream *st;
    const double *v;
    long n;
    int first, end;
    hn_status status;
} add_job;

/* Thread body: adds columns first..end of the job's matrix in segments of 777 values. */
static void *add_segments(void *arg)
{
    add_job *j = arg;
    hn_error err;
    j->status = HN_OK;
    for (long i = 0; i < j->n && j->status == HN_OK; i += 777) {
        long cnt = j->n - i < 777 ? j->n - i : 777;
        j->status = stats_stream_add(j->st, j->first, j->end,
                                     j->v + (size_t)j->first * (size_t)j->n + i, j->n, cnt, &err);
    }
    return NULL;
}

/* (2) One call, uneven segments, and two threads on disjoint columns: the same bits. */
static void test_segments_and_threads_do_not_change_results(void **state)
{
    (void)state;
    enum { N = 50000 };
    const int n_cols = SH__COUNT;
    bool prob[SH__COUNT] = { [SH_PROBABILITY] = true };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    gsl_rng_set(rng, 7);
    double *v = malloc((size_t)N * SH__COUNT * sizeof *v);
    assert_non_null(v);
    for (int sh = 0; sh < SH__COUNT; sh++) fill((shape)sh, rng, v + (size_t)sh * N, N);
    hn_error err;

    hn_stats_stream *one = stats_stream_new(n_cols, prob);
    assert_non_null(one);
    assert_int_equal(stats_stream_add(one, 0, n_cols, v, N, N, &err), HN_OK);
    double want[SH__COUNT * HN_STAT__COUNT], got[SH__COUNT * HN_STAT__COUNT];
    all_stats(one, n_cols, want);

    /* Uneven segments: 1, 2, 3, ... values at a time, columns one by one. */
    hn_stats_stream *seg = stats_stream_new(n_cols, prob);
    assert_non_null(seg);
    for (int c = 0; c < n_cols; c++)
        for (long i = 0, len = 1; i < N; i += len, len++) {
            long cnt = N - i < len ? N - i : len;
            assert_int_equal(stats_stream_add(seg, c, c + 1, v + (size_t)c * N + i, N, cnt, &err),
                             HN_OK);
        }
    all_stats(seg, n_cols, got);
    assert_memory_equal(want, got, sizeof want);

    /* Two threads, columns 0..3 and 3..n_cols, segments of 777. */
    hn_stats_stream *thr = stats_stream_new(n_cols, prob);
    assert_non_null(thr);
    add_job jobs[2] = { { thr, v, N, 0, 3, HN_OK }, { thr, v, N, 3, n_cols, HN_OK } };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, add_segments, &jobs[1]), 0);
    add_segments(&jobs[0]);
    pthread_join(t, NULL);
    assert_int_equal(jobs[0].status, HN_OK);
    assert_int_equal(jobs[1].status, HN_OK);
    all_stats(thr, n_cols, got);
    assert_memory_equal(want, got, sizeof want);
    assert_int_equal(stats_stream_bytes(thr), stats_stream_bytes(one));

    stats_stream_free(one);
    stats_stream_free(seg);
    stats_stream_free(thr);
    free(v);
    gsl_rng_free(rng);
}

/* (3) Bins: increasing, summing to the count; a count column's bins are its distinct values. */
static void test_bins(void **state)
{
    (void)state;
    enum { N = 100000 };
    bool prob[SH__COUNT] = { [SH_PROBABILITY] = true };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    gsl_rng_set(rng, 11);
    double *v = malloc((size_t)N * SH__COUNT * sizeof *v), *x = malloc(N * sizeof *x);
    assert_non_null(v);
    assert_non_null(x);
    for (int sh = 0; sh < SH__COUNT; sh++) fill((shape)sh, rng, v + (size_t)sh * N, N);
    hn_stats_stream *st = stats_stream_new(SH__COUNT, prob);
    assert_non_null(st);
    hn_error err;
    assert_int_equal(stats_stream_add(st, 0, SH__COUNT, v, N, N, &err), HN_OK);
    for (int sh = 0; sh < SH__COUNT; sh++) {
        double out[HN_STAT__COUNT], *bv;
        long *bc, nv = stats_stream_column(st, sh, out);
        long m = stats_stream_bins(st, sh, &bv, &bc);
        if (sh == SH_PROBABILITY) {
            assert_int_equal(m, 0);
            continue;
        }
        assert_true(m > 0);
        long total = 0;
        for (long i = 0; i < m; i++) {
            assert_true(bc[i] > 0);
            total += bc[i];
            if (i > 0 && !(bv[i] > bv[i - 1]))
                fail_msg("%s: bin %ld (%.17g) not above %.17g", shape_names[sh], i, bv[i],
                         bv[i - 1]);
        }
        assert_int_equal(total, nv);
        assert_true(bv[0] >= out[HN_STAT_MIN] && bv[m - 1] <= out[HN_STAT_MAX]);
        if (exact_shape((shape)sh)) { /* bins = distinct values with their counts */
            long nx = sorted_finite(v + (size_t)sh * N, N, x), b = 0;
            for (long i = 0; i < nx;) {
                long j = i;
                while (j < nx && x[j] == x[i]) j++;
                assert_true(b < m);
                assert_true(bv[b] == x[i]);
                assert_int_equal(bc[b], j - i);
                b++;
                i = j;
            }
            assert_int_equal(b, m);
        }
        free(bv);
        free(bc);
    }
    stats_stream_free(st);
    free(v);
    free(x);
    gsl_rng_free(rng);
}

/* The bin rule by hand: values in one bin, negative zero, and the integer rule's limits. */
static void test_bins_by_hand(void **state)
{
    (void)state;
    const int B = HN_STREAM_MANT_BITS;
    const double width1 = ldexp(1.0, -B), half1 = ldexp(1.0, -B - 1); /* a bin above 1 */
    /* 1 and 1 + 2^-20 share a bin (2^-B wide above 1); -0 and 0 share one. */
    double v[] = { 1.0, 1.0 + 0x1p-20, -0.0, 0.0, 1.5, 3.0 };
    hn_stats_stream *st = stats_stream_new(1, NULL);
    assert_non_null(st);
    hn_error err;
    assert_int_equal(stats_stream_add(st, 0, 1, v, 6, 6, &err), HN_OK);
    double *bv;
    long *bc;
    assert_int_equal(stats_stream_bins(st, 0, &bv, &bc), 4);
    assert_true(bv[0] == 0.0 && bc[0] == 2);
    /* Not all integers: the bin [1, 1 + 2^-B) by its midpoint. */
    assert_true(bv[1] == 1.0 + half1 && bc[1] == 2);
    assert_true(bv[2] == 1.5 + half1 && bc[2] == 1);
    assert_true(bv[3] == 3.0 && bc[3] == 1); /* the midpoint clamped to the max */
    assert_true(width1 == 2 * half1);
    free(bv);
    free(bc);
    /* p50 of 0, 0, 1, 1+2^-20, 1.5, 3: idx 2.5, between two values of the bin at 1. */
    double out[HN_STAT__COUNT];
    assert_int_equal(stats_stream_column(st, 0, out), 6);
    assert_true(out[HN_STAT_P50] == 1.0 + half1);
    assert_true(out[HN_STAT_MIN] == 0.0 && out[HN_STAT_MAX] == 3.0);
    stats_stream_free(st);

    /* All integers: in [2^(B+1), 2^(B+2)) a bin is 2 wide, so a and a + 1 (a even) share one
     * and its midpoint stands for both; 3 and 2^B + 1 (bins 1 wide or less) are exact. */
    double a = ldexp(1.0, B + 1) + 8, one = ldexp(1.0, B) + 1;
    double w[] = { 3, one, a, a + 1, 1e9 };
    st = stats_stream_new(1, NULL);
    assert_non_null(st);
    assert_int_equal(stats_stream_add(st, 0, 1, w, 5, 5, &err), HN_OK);
    assert_int_equal(stats_stream_bins(st, 0, &bv, &bc), 4);
    assert_true(bv[0] == 3.0 && bv[1] == one);
    assert_true(bv[2] > a + 0.5 && bv[2] < a + 1.5 && bc[2] == 2);
    /* 1e9 alone in a bin 2^(29-B) wide and all integers: the midpoint (at most the max),
     * within 2^-(B+1) */
    assert_true(bv[3] <= 1e9 && fabs(bv[3] - 1e9) <= 1e9 * ldexp(1.0, -B - 1));
    assert_true(bv[3] != 1e9);
    free(bv);
    free(bc);
    stats_stream_free(st);
}

/*
 * Runs of a column's first value, added at once (decisions P25), by hand: 3005, then 1,000
 * more, then each of 3000..3010 a hundred times (2,101 integers, each in a bin of its own).
 * One call (the runs fill whole chunks) and one value a call (each a run of one) give the
 * same bits, and those are the exact statistics: the mean and sd from the sums, the
 * percentiles GSL's rule takes from the sorted values.
 */
static void test_runs_by_hand(void **state)
{
    (void)state;
    enum { N = 2101 };
    double v[N], x[N];
    long n = 0;
    for (int i = 0; i < 1001; i++) v[n++] = 3005;
    for (int k = 0; k <= 10; k++)
        for (int i = 0; i < 100; i++) v[n++] = 3000 + k;
    assert_int_equal(n, N);
    hn_stats_stream *one = stats_stream_new(1, NULL), *each = stats_stream_new(1, NULL);
    assert_non_null(one);
    assert_non_null(each);
    hn_error err;
    assert_int_equal(stats_stream_add(one, 0, 1, v, N, N, &err), HN_OK);
    for (long i = 0; i < N; i++)
        assert_int_equal(stats_stream_add(each, 0, 1, v + i, 1, 1, &err), HN_OK);
    double got[HN_STAT__COUNT], again[HN_STAT__COUNT];
    assert_int_equal(stats_stream_column(one, 0, got), N);
    assert_int_equal(stats_stream_column(each, 0, again), N);
    assert_memory_equal(got, again, sizeof got);

    /* By hand: 1,001 values of 3005 and 100 of each of 3000..3010; about the shift (3005) the
     * deviations sum to 0, so the squares are the sum of squares about the mean. */
    double sum = 1001.0 * 3005 + 100.0 * (11 * 3000 + 55), d2 = 0;
    for (int k = 0; k <= 10; k++) d2 += 100.0 * (k - 5) * (k - 5); /* about the shift, 3005 */
    assert_true(got[HN_STAT_MEAN] == sum / N);
    assert_true(fabs(got[HN_STAT_SD] - sqrt(d2 / (N - 1))) <= 1e-12 * sqrt(d2 / (N - 1)));
    assert_true(got[HN_STAT_MIN] == 3000 && got[HN_STAT_MAX] == 3010);
    memcpy(x, v, sizeof x);
    gsl_sort(x, 1, N);
    for (int k = 0; k < HN_STAT__COUNT; k++) {
        double p = stat_level((hn_stat)k);
        if (p < 0) continue;
        double want = gsl_stats_quantile_from_sorted_data(x, 1, N, p);
        if (got[k] != want)
            fail_msg("%s: want %.17g, got %.17g", stat_name((hn_stat)k), want, got[k]);
    }
    assert_true(got[HN_STAT_P50] == 3005 && got[HN_STAT_P5] == 3001 && got[HN_STAT_P95] == 3009);
    double *bv;
    long *bc;
    assert_int_equal(stats_stream_bins(one, 0, &bv, &bc), 11);
    for (int k = 0; k <= 10; k++) {
        assert_true(bv[k] == 3000 + k);
        assert_int_equal(bc[k], k == 5 ? 1101 : 100);
    }
    free(bv);
    free(bc);
    stats_stream_free(one);
    stats_stream_free(each);
}

/* The statistics of column 0 of st into out (its count asserted to be n) and its bins into *bv
 * and *bc (the caller frees them); returns the number of bins. */
static long column_bits(const hn_stats_stream *st, long n, double *out, double **bv, long **bc)
{
    assert_int_equal(stats_stream_column(st, 0, out), n);
    long m = stats_stream_bins(st, 0, bv, bc);
    assert_true(m > 0);
    return m;
}

/*
 * A run added at once gives the bits of its values added one by one (decisions P25). The
 * oracle: the same values with a NaN put after every 97th, which leaves the finite values and
 * their order as they were but gives no chunk of 256 that is a run, so every value goes the
 * general way. Columns where the two ways could part: runs, then fractions (a run's blocks
 * must join the compensated sums at the right counts); a whole number of 1e17 before a run of
 * ones in the same block (value by value the sum rounds: no run may be added at once); runs of
 * zeros; runs of 2^40 and -2^40 between fractions. Also fed in uneven segments.
 */
static void test_runs_match_value_by_value(void **state)
{
    (void)state;
    enum { N = 6000 };
    double v[N], with_nan[N + N / 97 + 1];
    for (int c = 0; c < 4; c++) {
        for (long i = 0; i < N; i++) {
            switch (c) {
            case 0: v[i] = i < 768 ? 3000.0 : 3000.0 + 0.1 * (double)(i % 7); break;
            case 1: v[i] = i == 1 ? 1e17 : i < 5000 ? 1.0 : 0.5 + (double)i; break;
            case 2: v[i] = i % 1000 < 600 ? 0.0 : (double)(i % 13); break;
            default:
                v[i] = (i / 300) % 3 == 0   ? 0x1p40
                       : (i / 300) % 3 == 1 ? -0x1p40
                                            : 0.25 * (double)i;
                break;
            }
        }
        long m = 0;
        for (long i = 0; i < N; i++) {
            with_nan[m++] = v[i];
            if (i % 97 == 96) with_nan[m++] = NAN;
        }
        hn_stats_stream *one = stats_stream_new(1, NULL), *plain = stats_stream_new(1, NULL),
                        *seg = stats_stream_new(1, NULL);
        assert_non_null(one);
        assert_non_null(plain);
        assert_non_null(seg);
        hn_error err;
        assert_int_equal(stats_stream_add(one, 0, 1, v, N, N, &err), HN_OK);
        assert_int_equal(stats_stream_add(plain, 0, 1, with_nan, m, m, &err), HN_OK);
        for (long i = 0, len = 1; i < N; i += len, len++) {
            long cnt = N - i < len ? N - i : len;
            assert_int_equal(stats_stream_add(seg, 0, 1, v + i, cnt, cnt, &err), HN_OK);
        }
        double got[3][HN_STAT__COUNT], *bins[3];
        long *counts[3], nb[3];
        const hn_stats_stream *way[3] = { one, plain, seg };
        for (int w = 0; w < 3; w++) nb[w] = column_bits(way[w], N, got[w], &bins[w], &counts[w]);
        for (int w = 1; w < 3; w++) {
            for (int k = 0; k < HN_STAT__COUNT; k++)
                if (memcmp(&got[0][k], &got[w][k], sizeof got[0][k]) != 0)
                    fail_msg("column %d %s: at once %.17g, %s %.17g", c, stat_name((hn_stat)k),
                             got[0][k], w == 1 ? "one by one" : "in segments", got[w][k]);
            assert_int_equal(nb[w], nb[0]);
            assert_memory_equal(bins[w], bins[0], (size_t)nb[0] * sizeof *bins[0]);
            assert_memory_equal(counts[w], counts[0], (size_t)nb[0] * sizeof *counts[0]);
        }
        for (int w = 0; w < 3; w++) {
            free(bins[w]);
            free(counts[w]);
        }
        stats_stream_free(one);
        stats_stream_free(plain);
        stats_stream_free(seg);
    }
}

/* The ends of the doubles are finite values, counted; a NaN of either sign and an infinity are
 * left out (stats_stream.c tells them by their bin key's top bits, decisions P27). */
static void test_finite_edges(void **state)
{
    (void)state;
    double v[] = { DBL_MAX,  -DBL_MAX, 0x1p-1074, -0x1p-1074, -0.0,      0.0, DBL_MIN,
                   -DBL_MIN, NAN,      -NAN,      INFINITY,   -INFINITY, 7.0 };
    hn_stats_stream *st = stats_stream_new(1, NULL);
    assert_non_null(st);
    hn_error err;
    assert_int_equal(stats_stream_add(st, 0, 1, v, 13, 13, &err), HN_OK);
    double out[HN_STAT__COUNT];
    assert_int_equal(stats_stream_column(st, 0, out), 9);
    assert_true(out[HN_STAT_MIN] == -DBL_MAX && out[HN_STAT_MAX] == DBL_MAX);
    double *bv;
    long *bc, total = 0;
    long m = stats_stream_bins(st, 0, &bv, &bc);
    for (long i = 0; i < m; i++) total += bc[i];
    assert_int_equal(total, 9);
    free(bv);
    free(bc);
    stats_stream_free(st);
}

/* (4) Errors are values: bad ranges and counts; the accumulator stays usable. */
static void test_errors(void **state)
{
    (void)state;
    hn_stats_stream *st = stats_stream_new(3, NULL);
    assert_non_null(st);
    double v[4] = { 1, 2, 3, 4 };
    hn_error err;
    assert_int_equal(stats_stream_add(st, 0, 4, v, 4, 1, &err), HN_ERR_INTERNAL);
    assert_int_equal(stats_stream_add(st, -1, 1, v, 4, 1, &err), HN_ERR_INTERNAL);
    assert_int_equal(stats_stream_add(st, 0, 1, v, 4, -1, &err), HN_ERR_INTERNAL);
    assert_int_equal(stats_stream_add(st, 0, 2, v, 1, 2, &err), HN_ERR_INTERNAL); /* overlapping */
    assert_int_equal(stats_stream_add(st, 0, 1, v, 4, 4, &err), HN_OK);
    double out[HN_STAT__COUNT];
    assert_int_equal(stats_stream_column(st, 0, out), 4);
    assert_true(out[HN_STAT_MEAN] == 2.5);
    assert_true(out[HN_STAT_P50] == 2.5);
    assert_null(stats_stream_new(-1, NULL));
    stats_stream_free(st);
    stats_stream_free(NULL);
}

/* Memory: what a normal column holds, and the estimate above it. */
static void test_bytes_and_estimate(void **state)
{
    (void)state;
    enum { N = 200000 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    gsl_rng_set(rng, 3);
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    fill(SH_NORMAL, rng, v, N);
    hn_stats_stream *st = stats_stream_new(1, NULL);
    assert_non_null(st);
    size_t empty = stats_stream_bytes(st);
    hn_error err;
    assert_int_equal(stats_stream_add(st, 0, 1, v, N, N, &err), HN_OK);
    size_t b = stats_stream_bytes(st);
    assert_true(b > empty + 100000); /* some 20,000 bins at 8 bytes, load <= 0.7 */
    assert_true(b < empty + 600000);
    assert_true(stats_stream_estimate(1, N) >= (double)b);
    assert_true(stats_stream_estimate(600, 10000000) < 400e6);
    assert_true(stats_stream_estimate(1, 10) < 1000);
    stats_stream_free(st);
    free(v);
    gsl_rng_free(rng);
}

/*
 * stats_stream_project (decisions P19): each shape's column projected from its first 8,192
 * values to 300,000 against what the column then holds. The projection counts half its
 * largest table again (a doubling), so for one column it is 1.5 times the table it expects:
 * it must be at least the table reached and at most 3 times it; a probability column
 * projects to nothing; a column already holding n values projects to its table (and half).
 */
static void test_projection(void **state)
{
    (void)state;
    enum { FIRST = 8192, N = 300000 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(rng);
    double *v = malloc(N * sizeof *v);
    assert_non_null(v);
    hn_error err;
    for (int sh = 0; sh < SH__COUNT; sh++) {
        gsl_rng_set(rng, 11 + (unsigned long)sh);
        fill((shape)sh, rng, v, N);
        bool prob = sh == SH_PROBABILITY;
        hn_stats_stream *st = stats_stream_new(1, &prob);
        assert_non_null(st);
        size_t empty = stats_stream_bytes(st);
        assert_int_equal(stats_stream_add(st, 0, 1, v, N, FIRST, &err), HN_OK);
        double projected = stats_stream_project(st, 0, 1, N);
        assert_int_equal(stats_stream_add(st, 0, 1, v + FIRST, N, N - FIRST, &err), HN_OK);
        double table = (double)(stats_stream_bytes(st) - empty);
        print_message("%-12s projected %9.0f bytes, holds %9.0f\n", shape_names[sh], projected,
                      table);
        if (prob) {
            assert_true(projected == 0 && table == 0);
        } else {
            if (!(projected >= table && projected <= 3 * table))
                fail_msg("%s: projected %.0f bytes, the column holds %.0f", shape_names[sh],
                         projected, table);
            assert_true(stats_stream_project(st, 0, 1, N) == 1.5 * table);
        }
        stats_stream_free(st);
    }
    free(v);
    gsl_rng_free(rng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_exact),
        cmocka_unit_test(test_empty_columns),
        cmocka_unit_test(test_segments_and_threads_do_not_change_results),
        cmocka_unit_test(test_bins),
        cmocka_unit_test(test_bins_by_hand),
        cmocka_unit_test(test_runs_by_hand),
        cmocka_unit_test(test_runs_match_value_by_value),
        cmocka_unit_test(test_finite_edges),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bytes_and_estimate),
        cmocka_unit_test(test_projection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
