/*
 * stats_stream.c - statistics of figure columns in bounded memory (issue 14,
 * decisions P11). The rules are in stats_stream.h; the slots' conventions
 * (levels, probability columns, mean clamp, sd with n - 1, se) are
 * stats.c's, through stats_fill_moments, stats_fill_probability and
 * stat_level.
 *
 * Speed (scripts/bench-stats-stream.sh): a segment is taken CHUNK values at
 * a time - their bin keys, then the table (the slot of the value PREFETCH
 * ahead prefetched, so that cache misses overlap: 600 columns' tables do
 * not fit in the caches), then the moments, in locals. Slots are found by
 * Fibonacci hashing of the whole key; a hash keeping each power of two's
 * bins side by side was tried and let two powers' runs overlap into long
 * probe clusters (4 times slower).
 */
#include "analysis/stats_stream.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SHIFT (64 - 12 - HN_STREAM_MANT_BITS)
#define MANT_MASK ((UINT32_C(1) << HN_STREAM_MANT_BITS) - 1)
#define EMPTY     UINT32_MAX
#define PREFETCH  16 /* values ahead whose slot add_values prefetches */
/* Tables of at most 2^PREFETCH_LOG2 slots (32 KB) are not prefetched: they stay in the caches
 * (decisions P33). */
#define PREFETCH_LOG2 12
#define CHUNK         256 /* values whose keys add_values computes at a time */
#define BLOCK         64  /* values summed plainly before their sums join the compensated ones */
#define MIN_LOG2      4   /* a new table's 16 slots */
#define MAX_VALUES    UINT32_MAX /* finite values a column may hold (counts are uint32) */
/* The radix select's two digits of a bin key. */
#define KEY_BITS (12 + HN_STREAM_MANT_BITS)
#define LO_BITS  (KEY_BITS / 2)
#define HI_BITS  (KEY_BITS - LO_BITS)

/* One slot of a column's table: a bin key (EMPTY when free) and its count. */
typedef struct {
    uint32_t key, count;
} slot;

/* One column's accumulator; a cache line of its own, so threads on other columns do not share it. */
typedef struct {
    _Alignas(64) slot *table; /* NULL until the first value of a non-probability column */
    uint32_t log2;            /* the table has 2^log2 slots */
    uint32_t used;            /* occupied slots */
    long n;                   /* finite values */
    long ones;                /* probability columns: values equal to 1 */
    /* Sums of x, d = x - shift and d^2: plain within blocks of BLOCK values (part), each
     * block's added to a Neumaier sum (tot, comp) when it is full. */
    double part[3], tot[3], comp[3];
    double shift; /* the first finite value */
    double min, max;
    bool probability;
    bool all_int; /* every finite value so far an integer */
} column;

struct hn_stats_stream {
    int n_cols;
    column *cols;
};

/* The bin key of a finite value: the top bits of its order-preserving key. */
static inline uint32_t bin_key(double x)
{
    return (uint32_t)(stats_sort_key(x) >> KEY_SHIFT);
}

/* The slot where key's probe starts in a table of 2^log2 slots: Fibonacci hashing. */
static inline uint32_t home(uint32_t key, uint32_t log2)
{
    return (key * UINT32_C(0x9E3779B9)) >> (32 - log2);
}

/* Neumaier's step: adds x to the sum *s with compensation *c. */
static inline void neumaier(double *s, double *c, double x)
{
    double t = *s + x;
    *c += fabs(*s) >= fabs(x) ? (*s - t) + x : (x - t) + *s;
    *s = t;
}

/* Joins a full block's plain sums part[0..3) (x, d, d^2) to col's compensated ones and empties
 * them: what add_moments and add_run do when a column's count reaches a multiple of BLOCK. */
static inline void join_block(column *col, double *part)
{
    for (int j = 0; j < 3; j++) {
        neumaier(&col->tot[j], &col->comp[j], part[j]);
        part[j] = 0;
    }
}

/* Whether x (finite) is an integer. */
static inline bool is_integer(double x)
{
    return fabs(x) >= 0x1p52 || (double)(int64_t)x == x;
}

hn_stats_stream *stats_stream_new(int n_cols, const bool *probability)
{
    if (n_cols < 0) return NULL;
    hn_stats_stream *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->n_cols = n_cols;
    size_t bytes = (size_t)(n_cols > 0 ? n_cols : 1) * sizeof(column);
    s->cols = aligned_alloc(64, bytes); /* sizeof(column) is a multiple of 64 */
    if (!s->cols) {
        free(s);
        return NULL;
    }
    memset(s->cols, 0, bytes);
    for (int c = 0; c < n_cols; c++) {
        s->cols[c].probability = probability && probability[c];
        s->cols[c].all_int = true;
        s->cols[c].min = INFINITY;
        s->cols[c].max = -INFINITY;
    }
    return s;
}

void stats_stream_free(hn_stats_stream *s)
{
    if (!s) return;
    for (int c = 0; c < s->n_cols; c++) free(s->cols[c].table);
    free(s->cols);
    free(s);
}

/*
 * Makes col's table 2^log2 slots (the first allocation or a doubling), moving
 * the occupied slots. false on OOM, col unchanged.
 */
static bool table_resize(column *col, uint32_t log2)
{
    size_t cap = (size_t)1 << log2;
    slot *t = malloc(cap * sizeof *t);
    if (!t) return false;
    memset(t, 0xff, cap * sizeof *t); /* every key EMPTY */
    uint32_t mask = (uint32_t)cap - 1;
    if (col->table) {
        size_t old = (size_t)1 << col->log2;
        for (size_t i = 0; i < old; i++) {
            if (col->table[i].key == EMPTY) continue;
            uint32_t h = home(col->table[i].key, log2);
            while (t[h].key != EMPTY) h = (h + 1) & mask;
            t[h] = col->table[i];
        }
        free(col->table);
    }
    col->table = t;
    col->log2 = log2;
    return true;
}

/*
 * Puts the new bin key (not in the table) into col's table with a count of 1, first doubling
 * the table when the load would pass 0.7. false on OOM (nothing counted).
 */
static bool table_insert(column *col, uint32_t key)
{
    if ((uint64_t)(col->used + 1) * 10 > (UINT64_C(7) << col->log2) &&
        !table_resize(col, col->log2 + 1))
        return false;
    uint32_t mask = (UINT32_C(1) << col->log2) - 1, h = home(key, col->log2);
    while (col->table[h].key != EMPTY) h = (h + 1) & mask;
    col->table[h].key = key;
    col->table[h].count = 1;
    col->used++;
    return true;
}

/*
 * Counts m finite values, whose bin keys are keys[0..m), in col's table,
 * prefetching the slot of the value PREFETCH ahead so that cache misses overlap when the table
 * has more than 2^PREFETCH_LOG2 slots (a smaller one stays in the caches). Returns how
 * many of the m values were dealt with: m, or fewer on OOM (the values before it counted).
 */
static long count_keys(column *col, const uint32_t *keys, long m)
{
    slot *t = col->table;
    uint32_t lg = col->log2, mask = (UINT32_C(1) << lg) - 1;
    long ahead = lg > PREFETCH_LOG2 ? m - PREFETCH : 0; /* values with a slot to prefetch */
    for (long j = 0; j < m; j++) {
        if (j < ahead) __builtin_prefetch(&t[home(keys[j + PREFETCH], lg)], 1);
        uint32_t k = keys[j], h = home(k, lg);
        for (;;) {
            if (t[h].key == k) {
                t[h].count++;
                break;
            }
            if (t[h].key == EMPTY) {
                if (!table_insert(col, k)) return j;
                t = col->table;
                lg = col->log2;
                mask = (UINT32_C(1) << lg) - 1;
                ahead = lg > PREFETCH_LOG2 ? m - PREFETCH : 0;
                break;
            }
            h = (h + 1) & mask;
        }
    }
    return m;
}

/*
 * Adds the m finite values w[0..m) to col's moments, min, max and integer flag. The state
 * lives in locals during the loops: written through col it would be reloaded after every
 * store, as w might alias it. A block's plain sums join the compensated ones when the
 * column's count of values reaches a multiple of BLOCK, so the sums do not depend on how the
 * values were split into calls. The sums, min and max go value by value in order, a block's
 * values in a loop with no test for its end; the integer flag in a loop of its own that stops
 * at the first fraction (decisions P27).
 */
static void add_moments(column *col, const double *w, long m)
{
    if (m <= 0) return;
    long n = col->n;
    double part[3] = { col->part[0], col->part[1], col->part[2] }; /* x, d, d^2 */
    double shift = n == 0 ? w[0] + 0.0 : col->shift;               /* + 0.0: -0 as +0 */
    double lo = col->min, hi = col->max;
    for (long j = 0; j < m;) {
        long end = j + (BLOCK - n % BLOCK);
        if (end > m) end = m;
        n += end - j;
        for (; j < end; j++) {
            double x = w[j] + 0.0, d = x - shift;
            part[0] += x;
            part[1] += d;
            part[2] += d * d;
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
        if (n % BLOCK == 0) join_block(col, part);
    }
    bool all_int = col->all_int;
    for (long j = 0; j < m && all_int; j++) all_int = is_integer(w[j]);
    col->n = n;
    memcpy(col->part, part, sizeof part);
    col->shift = shift;
    col->min = lo;
    col->max = hi;
    col->all_int = all_int;
}

/*
 * The bin keys of w[0..m) into keys; false when some value is not finite. An infinity's or
 * NaN's key has its 12 top bits (sign and exponent) all 1 or all 0, which no finite value's
 * has: so the test costs a few instructions a value in the keys' own loop.
 */
static bool keys_of(const double *w, long m, uint32_t *keys)
{
    uint32_t bad = 0;
    for (long j = 0; j < m; j++) {
        uint32_t k = bin_key(w[j]), top = k >> HN_STREAM_MANT_BITS;
        keys[j] = k;
        bad |= ((top + 1) & 0xfff) <= 1;
    }
    return bad == 0;
}

/* The finite values of w[0..m) into out, in order; returns how many. */
static long finite_values(const double *w, long m, double *out)
{
    long k = 0;
    for (long j = 0; j < m; j++)
        if (isfinite(w[j])) out[k++] = w[j];
    return k;
}

/* A double's bits (to compare values to the bit, -0 apart from +0). */
static inline uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/*
 * Whether w[0..m) are all, to the bit, the column's first value (its shift) and add_run may
 * add them at once: every value the column has held is an integer of at most 2^40 in size
 * (its min and max bound them), so that every partial sum of the open block, BLOCK such values
 * at most, is an integer of at most 2^46 and exact. A third of the default scenario's columns
 * never change (a fixed cost, an income, a provision that never closes or blocks); decisions
 * P25.
 */
static bool is_shift_run(const column *col, const double *w, long m)
{
    if (col->n == 0 || !col->all_int || !(fmax(fabs(col->min), fabs(col->max)) <= 0x1p40))
        return false;
    uint64_t want = bits_of(col->shift);
    if (bits_of(w[0]) != want || bits_of(w[m - 1]) != want) return false; /* most columns */
    uint64_t diff = 0;
    for (long j = 0; j < m; j++) diff |= bits_of(w[j]) ^ want;
    return diff == 0;
}

/*
 * Adds m copies of the column's first value (is_shift_run holds) with what add_values would
 * compute value by value, to the bit: the bin's count grows by m; the open block's sum of x
 * grows by whole multiples (exact: is_shift_run), those of d = x - shift and d^2 by +0 (no
 * change), and each block that fills joins the compensated sums (join_block); min,
 * max and the integer flag stay (the value is already among them). false, with nothing
 * changed, when the value's bin is not in the table (it always is: the first value was
 * counted).
 */
static bool add_run(column *col, long m)
{
    uint32_t key = bin_key(col->shift), mask = (UINT32_C(1) << col->log2) - 1;
    uint32_t h = home(key, col->log2);
    while (col->table[h].key != key) {
        if (col->table[h].key == EMPTY) return false;
        h = (h + 1) & mask;
    }
    col->table[h].count += (uint32_t)m; /* the caller keeps n within MAX_VALUES */
    double x = col->shift;
    while (m > 0) {
        long room = BLOCK - col->n % BLOCK, take = m < room ? m : room;
        col->part[0] += (double)take * x;
        col->n += take;
        m -= take;
        if (col->n % BLOCK == 0) join_block(col, col->part);
    }
    return true;
}

/*
 * Adds the finite values among v[0..count) to a non-probability column, CHUNK at a time: a
 * chunk of the column's first value repeated at once (add_run), else their bin keys (a chunk
 * holding a NaN or an infinity first copied without them), then the table, then the moments
 * of what the table took. false on OOM (a prefix of the values added, the column consistent).
 */
static bool add_values(column *col, const double *v, long count)
{
    if (!col->table && !table_resize(col, MIN_LOG2)) return false;
    uint32_t keys[CHUNK];
    double finite[CHUNK];
    for (long start = 0; start < count; start += CHUNK) {
        const double *w = v + start;
        long m = count - start < CHUNK ? count - start : CHUNK;
        if (is_shift_run(col, w, m) && add_run(col, m)) continue;
        if (!keys_of(w, m, keys)) { /* rare: the undefined figures (NaN) left out */
            m = finite_values(w, m, finite);
            w = finite;
            keys_of(w, m, keys);
        }
        long done = count_keys(col, keys, m);
        add_moments(col, w, done);
        if (done < m) return false;
    }
    return true;
}

hn_status stats_stream_add(hn_stats_stream *s, int col_first, int col_end, const double *values,
                           long stride, long count, hn_error *err)
{
    if (col_first < 0 || col_end > s->n_cols || col_first > col_end || count < 0 ||
        (count > 0 && col_end - col_first > 1 && stride < count))
        return hn_error_set(
            err, HN_ERR_INTERNAL,
            "statistics: bad segment (columns %d..%d of %d, %ld values, stride %ld)", col_first,
            col_end, s->n_cols, count, stride);
    for (int c = col_first; c < col_end; c++) {
        column *col = &s->cols[c];
        if ((unsigned long)col->n + (unsigned long)count > MAX_VALUES)
            return hn_error_set(err, HN_ERR_LIMIT,
                                "statistics: more than %lu values in one figure column",
                                (unsigned long)MAX_VALUES);
        const double *v = values + (size_t)(c - col_first) * (size_t)stride;
        if (col->probability) {
            for (long i = 0; i < count; i++) {
                if (!isfinite(v[i])) continue;
                col->n++;
                col->ones += v[i] == 1.0;
            }
        } else if (!add_values(col, v, count)) {
            return hn_error_set(err, HN_ERR_NOMEM, "out of memory accumulating statistics");
        }
    }
    return HN_OK;
}

/* The smallest and largest finite values whose bin key is key, in *lo and *hi. */
static void bin_bounds(uint32_t key, double *lo, double *hi)
{
    uint64_t k = (uint64_t)key << KEY_SHIFT;
    *lo = stats_sort_unkey(k);
    *hi = stats_sort_unkey(k | ((UINT64_C(1) << KEY_SHIFT) - 1));
}

/* The representative of col's bin key (stats_stream.h). */
static double representative(const column *col, uint32_t key)
{
    if (key == bin_key(0.0)) return 0.0;
    double lo, hi;
    bin_bounds(key, &lo, &hi);
    if (col->all_int && ceil(lo) == floor(hi)) return ceil(lo);
    double mid = 0.5 * lo + 0.5 * hi;
    return fmin(fmax(mid, col->min), col->max);
}

/*
 * The bin keys holding the order statistics ranks[0..m) (ascending, each <
 * n) of col, into keys[0..m): a radix select over the table on the keys'
 * two digits, with counts on the stack. Nothing is allocated.
 */
static void select_bins(const column *col, const long *ranks, int m, uint32_t *keys)
{
    static_assert(HI_BITS <= 13 && LO_BITS <= 13, "radix digits fit 64 KB of stack");
    uint32_t hist[1u << 13];
    size_t cap = (size_t)1 << col->log2;
    const slot *t = col->table;
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < cap; i++)
        if (t[i].key != EMPTY) hist[t[i].key >> LO_BITS] += t[i].count;
    /* The high digit of each rank and the rank within it. */
    uint32_t hi_of[2 * HN_STAT__COUNT];
    long within[2 * HN_STAT__COUNT];
    long below = 0;
    uint32_t d = 0;
    for (int j = 0; j < m; j++) {
        while (below + (long)hist[d] <= ranks[j]) below += hist[d++];
        hi_of[j] = d;
        within[j] = ranks[j] - below;
    }
    uint32_t lo_hist[1u << 13];
    for (int j = 0; j < m;) {
        uint32_t hd = hi_of[j];
        memset(lo_hist, 0, sizeof lo_hist);
        for (size_t i = 0; i < cap; i++)
            if (t[i].key != EMPTY && t[i].key >> LO_BITS == hd)
                lo_hist[t[i].key & ((1u << LO_BITS) - 1)] += t[i].count;
        long b = 0;
        uint32_t l = 0;
        for (; j < m && hi_of[j] == hd; j++) {
            while (b + (long)lo_hist[l] <= within[j]) b += lo_hist[l++];
            keys[j] = hd << LO_BITS | l;
        }
    }
}

long stats_stream_column(const hn_stats_stream *s, int col_index, double *out)
{
    assert(col_index >= 0 && col_index < s->n_cols);
    for (int k = 0; k < HN_STAT__COUNT; k++) out[k] = NAN;
    const column *col = &s->cols[col_index];
    long n = col->n;
    if (n == 0) return 0;
    if (col->probability) {
        stats_fill_probability(col->ones, n, out);
        return n;
    }
    /* The sums with the open block's; ss about the mean from the shifted sums: S2 - S1^2 / n,
     * never below 0. */
    double sum[3];
    for (int j = 0; j < 3; j++) {
        double t = col->tot[j], c = col->comp[j];
        neumaier(&t, &c, col->part[j]);
        sum[j] = t + c;
    }
    double ss = fmax(sum[2] - sum[1] * (sum[1] / (double)n), 0.0);
    stats_fill_moments(sum[0], ss, n, col->min, col->max, out);

    /* The order statistics GSL's rule needs, in ascending order (levels ascend). */
    long ranks[2 * HN_STAT__COUNT];
    int m = 0;
    for (int k = 0; k < HN_STAT__COUNT; k++) {
        double p = stat_level((hn_stat)k);
        if (p < 0) continue;
        long lhs = (long)(p * (double)(n - 1));
        if (m == 0 || ranks[m - 1] < lhs) ranks[m++] = lhs;
        if (lhs < n - 1 && ranks[m - 1] < lhs + 1) ranks[m++] = lhs + 1;
    }
    uint32_t keys[2 * HN_STAT__COUNT];
    select_bins(col, ranks, m, keys);
    double x[2 * HN_STAT__COUNT];
    for (int j = 0; j < m; j++)
        x[j] = ranks[j] == 0       ? col->min
               : ranks[j] == n - 1 ? col->max
                                   : representative(col, keys[j]);

    /* GSL's gsl_stats_quantile_from_sorted_data on those order statistics. */
    for (int k = 0; k < HN_STAT__COUNT; k++) {
        double p = stat_level((hn_stat)k);
        if (p < 0) continue;
        double idx = p * (double)(n - 1);
        long lhs = (long)idx;
        double delta = idx - (double)lhs;
        int j = 0;
        while (ranks[j] != lhs) j++;
        out[k] = lhs == n - 1 ? x[j] : (1 - delta) * x[j] + delta * x[j + 1];
    }
    return n;
}

/* qsort's order of bin keys packed above their counts. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

long stats_stream_bins(const hn_stats_stream *s, int col_index, double **value, long **count)
{
    assert(col_index >= 0 && col_index < s->n_cols);
    *value = NULL;
    *count = NULL;
    const column *col = &s->cols[col_index];
    if (col->probability || col->used == 0) return 0;
    size_t m = col->used, cap = (size_t)1 << col->log2;
    uint64_t *packed = malloc(m * sizeof *packed);
    double *v = malloc(m * sizeof *v);
    long *c = malloc(m * sizeof *c);
    if (!packed || !v || !c) {
        free(packed);
        free(v);
        free(c);
        return -1;
    }
    size_t j = 0;
    for (size_t i = 0; i < cap; i++)
        if (col->table[i].key != EMPTY)
            packed[j++] = (uint64_t)col->table[i].key << 32 | col->table[i].count;
    qsort(packed, m, sizeof *packed, cmp_u64);
    for (size_t i = 0; i < m; i++) {
        v[i] = representative(col, (uint32_t)(packed[i] >> 32));
        c[i] = (long)(packed[i] & UINT32_MAX);
    }
    free(packed);
    *value = v;
    *count = c;
    return (long)m;
}

size_t stats_stream_bytes(const hn_stats_stream *s)
{
    size_t b = sizeof *s + (size_t)s->n_cols * sizeof(column);
    for (int c = 0; c < s->n_cols; c++)
        if (s->cols[c].table) b += ((size_t)1 << s->cols[c].log2) * sizeof(slot);
    return b;
}

/* Bytes of a table holding `bins` bins, sized as add_values grows it (load <= 0.7). */
static double table_bytes(double bins)
{
    double slots = 1 << MIN_LOG2;
    while (bins * 10 > slots * 7) slots *= 2;
    return slots * sizeof(slot);
}

/*
 * The bins a power of two is expected to occupy once it has `scale` times
 * the v values it holds in b bins, f1 of them holding one value and f2
 * two: at most its `most` bins; new bins at most f1 for each v more values
 * (Good and Turing: f1 / v is the chance that the next value takes a new
 * bin, a chance that only falls as values come) and at most twice Chao's
 * estimate of the bins not yet seen, f1^2 / (2 f2) (f1 (f1 - 1) / 2 when
 * f2 is 0), which is a lower bound of them: so
 * min(most, b + min(f1 (scale - 1), f1^2 / f2)).
 */
static double project_power(double b, double f1, double f2, double most, double scale)
{
    double unseen = f2 > 0 ? f1 * f1 / (2 * f2) : f1 * (f1 - 1) / 2;
    double fresh = f1 * (scale - 1);
    if (fresh > 2 * unseen) fresh = 2 * unseen;
    double want = b + fresh;
    return want < most ? want : most;
}

/*
 * The bins column col is expected to occupy once it holds n values (n >
 * col->n > 0), projected from its table: each power of two (sign and
 * exponent: the top 12 bits of a key) by project_power, its bins at most
 * 8192 (its integers below 2^13 while the column holds only integers);
 * a power of two not seen gets none (a gap between powers seen is, in
 * these figures, rounding residue such as 1e-9 beside thousands, not a
 * density); and the values beyond the range seen (above the max, below
 * the min, nearer zero than any), n / (col->n + 1) each as the order
 * statistics of exchangeable draws have it, each in a bin of its own
 * (none when no bin holds a single value: a column of a few repeated
 * values such as a constant; in a column of integers at most as many as
 * the range seen holds).
 */
static double project_bins(const column *col, long n)
{
    enum { POWERS = 1 << 12 };
    /* Per power of two: bins, and bins holding one value, and two. */
    uint32_t bins_of[POWERS] = { 0 }, once[POWERS] = { 0 }, twice[POWERS] = { 0 };
    size_t cap = (size_t)1 << col->log2;
    for (size_t i = 0; i < cap; i++)
        if (col->table[i].key != EMPTY) {
            bins_of[col->table[i].key >> HN_STREAM_MANT_BITS]++;
            once[col->table[i].key >> HN_STREAM_MANT_BITS] += col->table[i].count == 1;
            twice[col->table[i].key >> HN_STREAM_MANT_BITS] += col->table[i].count == 2;
        }
    double scale = (double)n / (double)col->n, bins = 0;
    bool alone = false; /* some value so far alone in its bin */
    for (int p = 0; p < POWERS; p++) {
        if (!bins_of[p]) continue;
        alone = alone || once[p] > 0;
        /* The power's exponent: its key's 11 exponent bits, inverted for negatives (keys
         * below POWERS/2). */
        int e = (p >= POWERS / 2 ? p - POWERS / 2 : POWERS / 2 - 1 - p) - 1023;
        double most = (double)(MANT_MASK + 1);
        if (col->all_int && e < HN_STREAM_MANT_BITS) most = e < 0 ? 1 : ldexp(1, e);
        bins += project_power(bins_of[p], once[p], twice[p], most, scale);
    }
    double tail = alone ? ceil((double)n / ((double)col->n + 1)) : 0;
    if (col->all_int && col->max - col->min + 1 < tail) tail = col->max - col->min + 1;
    return bins + 3 * tail;
}

double stats_stream_project(const hn_stats_stream *s, int col_first, int col_end, long n)
{
    double b = 0, largest = 0;
    for (int c = col_first; c < col_end; c++) {
        const column *col = &s->cols[c];
        double t = !col->table  ? 0
                   : n > col->n ? table_bytes(project_bins(col, n))
                                : ((size_t)1 << col->log2) * sizeof(slot);
        b += t;
        if (t > largest) largest = t;
    }
    /* A table that doubles holds its old slots beside the new ones while it moves them. */
    return b + largest / 2;
}

double stats_stream_estimate(int n_cols, long n)
{
    long most = 2L << HN_STREAM_MANT_BITS; /* two powers of two's bins */
    long bins = n < most ? n : most;
    return (double)sizeof(hn_stats_stream) +
           (double)n_cols * ((double)sizeof(column) + table_bytes((double)bins));
}
