/*
 * stats.c - statistics of every figure across iterations (MODEL.md section
 * 5, decisions 18 and 21).
 *
 * Each column of the results is copied without its non-finite values,
 * sorted, and summarised: the mean of a compensated sum taken while sorting,
 * the sd about it in a second pass (n - 1; 0 when n < 2; both agree with
 * GSL's gsl_stats_mean and gsl_stats_sd_m to about 1e-15, at a fraction of
 * their cost: they divide, and the sd in long double, once per value),
 * se = sd / sqrt(n), min, max and the percentiles by GSL's linear
 * interpolation between order statistics
 * (gsl_stats_quantile_from_sorted_data). Probability figures hold the share
 * of iterations equal to 1 in the mean slot; deterministic results hold the
 * one value in every slot, with se = sd = 0.
 *
 * Sorting is an LSD radix sort on the doubles' order-preserving bit
 * patterns: the sorted array is exactly gsl_sort's (tests/test_stats.c
 * checks this bit for bit) but about six times faster, which matters at
 * 100,000 iterations x 600 columns. Columns are shared among r->threads
 * threads through an atomic counter; each column's statistics depend only
 * on that column, so the results do not depend on the thread count.
 *
 * The statistics of one column (stats_column) and of a whole column-major
 * matrix (stats_columns) are public so that other tables of per-iteration
 * numbers, such as a comparison's differences (compare.c), are summarised
 * by the same code.
 */
#include "analysis/stats.h"

#include <assert.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"

static const char *const stat_names[HN_STAT__COUNT] = {
    [HN_STAT_MEAN] = "mean", [HN_STAT_SE] = "se",   [HN_STAT_SD] = "sd",   [HN_STAT_MIN] = "min",
    [HN_STAT_P5] = "p5",     [HN_STAT_P10] = "p10", [HN_STAT_P25] = "p25", [HN_STAT_P50] = "p50",
    [HN_STAT_P75] = "p75",   [HN_STAT_P90] = "p90", [HN_STAT_P95] = "p95", [HN_STAT_MAX] = "max",
};

static const double stat_levels[HN_STAT__COUNT] = {
    [HN_STAT_MEAN] = -1,  [HN_STAT_SE] = -1,    [HN_STAT_SD] = -1,    [HN_STAT_MIN] = -1,
    [HN_STAT_P5] = 0.05,  [HN_STAT_P10] = 0.10, [HN_STAT_P25] = 0.25, [HN_STAT_P50] = 0.50,
    [HN_STAT_P75] = 0.75, [HN_STAT_P90] = 0.90, [HN_STAT_P95] = 0.95, [HN_STAT_MAX] = -1,
};

/* Name of a statistic as in the CSV; "unknown" when out of range (static string). */
const char *stat_name(hn_stat st)
{
    if ((int)st < 0 || st >= HN_STAT__COUNT) return "unknown";
    return stat_names[st];
}

double stat_level(hn_stat st)
{
    if ((int)st < 0 || st >= HN_STAT__COUNT) return -1;
    return stat_levels[st];
}

void stats_fill_probability(long ones, long n, double *out)
{
    for (int k = 0; k < HN_STAT__COUNT; k++) out[k] = NAN;
    out[HN_STAT_MEAN] = (double)ones / (double)n;
}

double stats_mean(double sum, long n, double min, double max)
{
    return fmin(fmax(sum / (double)n, min), max);
}

void stats_fill_moments(double sum, double ss, long n, double min, double max, double *out)
{
    double sd = n < 2 ? 0.0 : sqrt(ss / (double)(n - 1));
    out[HN_STAT_MEAN] = stats_mean(sum, n, min, max);
    out[HN_STAT_SD] = sd;
    out[HN_STAT_SE] = sd / sqrt((double)n);
    out[HN_STAT_MIN] = min;
    out[HN_STAT_MAX] = max;
}

/* Scratch space for stats_column: n keys twice and n doubles (stats_ranks: two index arrays). */
struct hn_stats_scratch {
    long cap;
    uint64_t *keys, *tmp;
    double *sorted;
};

hn_stats_scratch *stats_scratch_new(long n)
{
    size_t cap = (size_t)(n > 0 ? n : 1);
    hn_stats_scratch *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cap = (long)cap;
    s->keys = malloc(cap * sizeof *s->keys);
    s->tmp = malloc(cap * sizeof *s->tmp);
    s->sorted = malloc(cap * sizeof *s->sorted);
    if (!s->keys || !s->tmp || !s->sorted) {
        stats_scratch_free(s);
        return NULL;
    }
    return s;
}

void stats_scratch_free(hn_stats_scratch *s)
{
    if (!s) return;
    free(s->keys);
    free(s->tmp);
    free(s->sorted);
    free(s);
}

/*
 * Counts, for each of the 8 bytes of key k, one more key with that byte (a radix sort's
 * histograms, filled while the keys are made).
 */
static inline void radix_count(size_t cnt[8][256], uint64_t k)
{
    for (int b = 0; b < 8; b++) cnt[b][(k >> (8 * b)) & 0xff]++;
}

/*
 * LSD radix sort of the n keys in *keys (8 passes of 8 bits, histograms cnt from
 * radix_count; a pass in which every key has the same byte is skipped), with *tmp as the
 * second buffer. When *idx is not NULL the indices there (with *itmp as their second buffer)
 * move with their keys. The buffers swap roles as the passes go: on return *keys (and *idx)
 * point at the sorted arrays. Nothing is allocated; nothing fails.
 */
static void radix_sort(uint64_t **keys, uint64_t **tmp, uint32_t **idx, uint32_t **itmp, size_t n,
                       size_t cnt[8][256])
{
    uint64_t *src = *keys, *dst = *tmp;
    uint32_t *isrc = idx ? *idx : NULL, *idst = idx ? *itmp : NULL;
    for (int b = 0; b < 8 && n > 0; b++) {
        int shift = 8 * b;
        if (cnt[b][(src[0] >> shift) & 0xff] == n) continue;
        size_t sum = 0;
        for (int j = 0; j < 256; j++) {
            size_t c = cnt[b][j];
            cnt[b][j] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = cnt[b][(src[i] >> shift) & 0xff]++;
            dst[to] = src[i];
            if (isrc) idst[to] = isrc[i];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
        uint32_t *it = isrc;
        isrc = idst;
        idst = it;
    }
    *keys = src;
    *tmp = dst;
    if (idx) {
        *idx = isrc;
        *itmp = idst;
    }
}

/*
 * Copies the finite values of v[0..n) into s->sorted in ascending order;
 * returns how many there were, and their sum in *sum (compensated:
 * Neumaier's algorithm, accumulated while the keys are turned back into
 * values, so the mean costs no pass of its own). Radix sorted (radix_sort).
 */
static size_t sorted_finite(const double *v, long n_in, hn_stats_scratch *s, double *sum_out)
{
    *sum_out = 0;
    size_t n = 0;
    size_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (long i = 0; i < n_in; i++) {
        if (!isfinite(v[i])) continue;
        uint64_t x = stats_sort_key(v[i]);
        s->keys[n++] = x;
        radix_count(cnt, x);
    }
    if (n == 0) return 0;
    uint64_t *src = s->keys, *other = s->tmp;
    radix_sort(&src, &other, NULL, NULL, n, cnt);
    double sum = 0, comp = 0;
    for (size_t i = 0; i < n; i++) {
        double x = stats_sort_unkey(src[i]);
        s->sorted[i] = x;
        double t = sum + x;
        comp += fabs(sum) >= fabs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
    *sum_out = sum + comp;
    return n;
}

/*
 * Average ranks of the n finite values x (n at most the scratch's size, below 2^32) into
 * ranks[0..n): 1 for the smallest, tied values sharing the mean of their positions, as GSL's
 * Spearman coefficient ranks them. The keys are radix sorted as in sorted_finite with each
 * value's index carried along; the scratch's `sorted` array holds the two index arrays.
 */
void stats_ranks(const double *x, long n_in, hn_stats_scratch *s, double *ranks)
{
    assert(n_in <= s->cap);
    size_t n = (size_t)n_in;
    if (n == 0) return;
    uint32_t *idx = (uint32_t *)(void *)s->sorted, *itmp = idx + s->cap;
    size_t cnt[8][256];
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = stats_sort_key(x[i]);
        s->keys[i] = k;
        idx[i] = (uint32_t)i;
        radix_count(cnt, k);
    }
    uint64_t *src = s->keys, *other = s->tmp;
    radix_sort(&src, &other, &idx, &itmp, n, cnt);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && src[j] == src[i]) j++;
        double r = 0.5 * (double)(i + 1 + j); /* mean of positions i+1..j */
        for (size_t m = i; m < j; m++) ranks[idx[m]] = r;
        i = j;
    }
}

/*
 * Pearson correlation of two columns of average ranks of n values (stats_ranks): Spearman's
 * coefficient. Both means are (n + 1) / 2 whatever the ties, so one pass suffices. NAN when a
 * column does not vary or n < 2.
 */
double stats_rank_correlation(const double *rx, const double *ry, long n)
{
    if (n < 2) return NAN;
    double m = 0.5 * ((double)n + 1), sxy = 0, sxx = 0, syy = 0;
    for (long i = 0; i < n; i++) {
        double dx = rx[i] - m, dy = ry[i] - m;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0) || !(syy > 0)) return NAN;
    return sxy / sqrt(sxx * syy);
}

long stats_column(const double *v, long n_in, bool probability, bool deterministic,
                  hn_stats_scratch *s, double *out)
{
    for (int k = 0; k < HN_STAT__COUNT; k++) out[k] = NAN;
    assert(n_in <= s->cap);

    double sum;
    size_t n = sorted_finite(v, n_in, s, &sum);
    if (n == 0) return 0;
    const double *x = s->sorted;

    if (probability) {
        size_t ones = 0;
        if (deterministic) {
            out[HN_STAT_MEAN] = x[0];
            return (long)n;
        }
        for (size_t i = 0; i < n; i++) ones += x[i] == 1.0;
        stats_fill_probability((long)ones, (long)n, out);
        return (long)n;
    }

    if (deterministic) {
        for (int k = 0; k < HN_STAT__COUNT; k++) out[k] = x[0];
        out[HN_STAT_SE] = out[HN_STAT_SD] = 0;
        return (long)n;
    }

    /* The mean from the compensated sum, clamped to [min, max] against rounding; the sd in a
     * second pass about it (n - 1 in the denominator). */
    double mean = stats_mean(sum, (long)n, x[0], x[n - 1]);
    double ss[4] = { 0, 0, 0, 0 }; /* four chains of additions, not one */
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++) ss[k] += (x[i + k] - mean) * (x[i + k] - mean);
    for (; i < n; i++) ss[0] += (x[i] - mean) * (x[i] - mean);
    stats_fill_moments(sum, (ss[0] + ss[1]) + (ss[2] + ss[3]), (long)n, x[0], x[n - 1], out);
    for (int k = 0; k < HN_STAT__COUNT; k++)
        if (stat_levels[k] >= 0)
            out[k] = gsl_stats_quantile_from_sorted_data(x, 1, n, stat_levels[k]);
    return (long)n;
}

/* What the workers share: the matrix, the outputs and the next column to take. */
typedef struct {
    const double *values;
    long n;
    int n_cols;
    const bool *probability;
    bool deterministic;
    double *out;
    long *n_valid;
    atomic_int next;
} job;

/*
 * Worker: takes columns one by one until none are left. A worker that
 * cannot allocate its scratch takes no column (the others do them).
 */
static void *worker(void *arg)
{
    job *j = arg;
    hn_stats_scratch *s = stats_scratch_new(j->n);
    if (!s) return NULL;
    for (;;) {
        int col = atomic_fetch_add(&j->next, 1);
        if (col >= j->n_cols) break;
        j->n_valid[col] = stats_column(j->values + (size_t)col * (size_t)j->n, j->n,
                                       j->probability && j->probability[col], j->deterministic, s,
                                       j->out + (size_t)col * HN_STAT__COUNT);
    }
    stats_scratch_free(s);
    return NULL;
}

hn_status stats_columns(const double *values, long n, int n_cols, const bool *probability,
                        bool deterministic, int threads, double *out, long *n_valid, hn_error *err)
{
    job j = { .values = values,
              .n = n,
              .n_cols = n_cols,
              .probability = probability,
              .deterministic = deterministic,
              .out = out,
              .n_valid = n_valid };
    atomic_init(&j.next, 0);
    int nthreads = threads > 1 ? threads : 1;
    if (nthreads > n_cols) nthreads = n_cols > 0 ? n_cols : 1;
    pthread_t *tid = NULL;
    int started = 0;
    if (nthreads > 1) {
        tid = malloc((size_t)(nthreads - 1) * sizeof *tid);
        /* Without threads the calling thread does every column: same results. */
        for (int t = 0; tid && t < nthreads - 1; t++, started++)
            if (pthread_create(&tid[t], NULL, worker, &j) != 0) break;
    }
    worker(&j);
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    free(tid);
    /* Every column taken was finished; fewer taken than exist means no worker could allocate. */
    if (atomic_load(&j.next) < n_cols)
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory computing statistics");
    return HN_OK;
}

bool *stats_probability_columns(const hn_layout *lay)
{
    bool *prob = malloc((size_t)(lay->n_cols > 0 ? lay->n_cols : 1) * sizeof *prob);
    for (int col = 0; prob && col < lay->n_cols; col++)
        prob[col] = metric_is_probability(lay->figures[col / (lay->years + 1)].metric);
    return prob;
}

hn_stats *stats_new(const hn_layout *lay, bool deterministic)
{
    hn_stats *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->layout = lay;
    st->deterministic = deterministic;
    size_t ncols = (size_t)(lay->n_cols > 0 ? lay->n_cols : 1);
    st->s = malloc(ncols * HN_STAT__COUNT * sizeof *st->s);
    st->n_valid = calloc(ncols, sizeof *st->n_valid);
    if (!st->s || !st->n_valid) {
        stats_free(st);
        return NULL;
    }
    for (size_t i = 0; i < ncols * HN_STAT__COUNT; i++) st->s[i] = NAN;
    return st;
}

void stats_share(int first, int end, int *lo, int *hi)
{
    long l, h;
    par_share(end > first ? end - first : 0, par_rank(), par_size(), &l, &h);
    *lo = first + (int)l;
    *hi = first + (int)h;
}

hn_status stats_gather(hn_status st, double *s, long *n_valid, int first, int end, hn_error *err)
{
    if (par_size() < 2) return st;
    enum { ROW = HN_STAT__COUNT + 1 }; /* a column's statistics, then its n_valid */
    int n = end > first ? end - first : 0;
    double *rows = st == HN_OK ? malloc((size_t)(n > 0 ? n : 1) * ROW * sizeof *rows) : NULL;
    if (st == HN_OK && !rows)
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory exchanging statistics");
    st = par_agree(st, err);
    if (st == HN_OK) { /* row j is column first + j */
        int lo, hi;
        stats_share(first, end, &lo, &hi);
        for (int col = lo; col < hi; col++) {
            double *row = rows + (size_t)(col - first) * ROW;
            memcpy(row, s + (size_t)col * HN_STAT__COUNT, HN_STAT__COUNT * sizeof *rows);
            row[HN_STAT__COUNT] = (double)n_valid[col]; /* exact below 2^53 */
        }
        st = par_allgather_rows(rows, n, ROW, err);
        for (int col = first; st == HN_OK && col < end; col++) {
            const double *row = rows + (size_t)(col - first) * ROW;
            memcpy(s + (size_t)col * HN_STAT__COUNT, row, HN_STAT__COUNT * sizeof *rows);
            n_valid[col] = (long)row[HN_STAT__COUNT];
        }
    }
    free(rows);
    return st;
}

/*
 * Computes every statistic of the columns [first, end) of r: under MPI
 * (par.h) each rank its share of them (stats_share), then stats_gather, so
 * it is collective. On success *out is new statistics (borrowing r's
 * layout, so r must outlive them; the other columns NAN) that the caller
 * frees with stats_free, the same on every rank. HN_ERR_NOMEM on
 * allocation failure (on every rank), *out NULL.
 */
hn_status stats_compute_range(const hn_results *r, int first, int end, hn_stats **out,
                              hn_error *err)
{
    *out = NULL;
    const hn_layout *lay = &r->layout;
    hn_stats *st = stats_new(lay, r->deterministic);
    bool *prob = stats_probability_columns(lay);
    hn_status s =
        st && prob ? HN_OK : hn_error_set(err, HN_ERR_NOMEM, "out of memory computing statistics");
    int lo, hi;
    stats_share(first, end, &lo, &hi);
    if (s == HN_OK && hi > lo)
        s = stats_columns(r->values + (size_t)lo * (size_t)r->n_iter, r->n_iter, hi - lo, prob + lo,
                          r->deterministic, r->threads, st->s + (size_t)lo * HN_STAT__COUNT,
                          st->n_valid + lo, err);
    free(prob);
    s = stats_gather(s, st ? st->s : NULL, st ? st->n_valid : NULL, first, end, err);
    if (s != HN_OK) {
        stats_free(st);
        return s;
    }
    *out = st;
    return HN_OK;
}

hn_status stats_compute(const hn_results *r, hn_stats **out, hn_error *err)
{
    return stats_compute_range(r, 0, r->layout.n_cols, out, err);
}

/* Frees statistics (not the borrowed layout). NULL is fine. */
void stats_free(hn_stats *s)
{
    if (!s) return;
    free(s->s);
    free(s->n_valid);
    free(s->hist_value);
    free(s->hist_count);
    free(s);
}
