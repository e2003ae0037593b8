/*
 * test_stats.c - statistics across iterations (engine/analysis/stats.c).
 *
 * Hand-computed means, sds, standard errors and interpolated percentiles
 * of small known columns; non-finite values left out and counted; an
 * all-NaN column; probability figures (share of 1s in the mean slot, the
 * other slots NaN); deterministic results (every slot the value, se and sd
 * 0); the radix sort agreeing bit for bit with gsl_sort and GSL's
 * quantiles on awkward data; and the thread count not changing a bit.
 */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdint.h>

#include "results_fixture.h"
#include "analysis/stats.h"

/* Overwrites column col of fx with the n values v (n must be fx's n_iter). */
static void set_column(fixture *fx, int col, const double *v, long n)
{
    assert_int_equal(n, fx->res.n_iter);
    memcpy(fx->res.values + (size_t)col * (size_t)n, v, (size_t)n * sizeof *v);
}

/* Computes the statistics of fx; fails the test on error. */
static hn_stats *compute(const fixture *fx)
{
    hn_stats *st = NULL;
    hn_error err;
    assert_int_equal(stats_compute(&fx->res, &st, &err), HN_OK);
    assert_non_null(st);
    return st;
}

static void test_names(void **state)
{
    (void)state;
    static const char *const want[] = { "mean", "se",  "sd",  "min", "p5",  "p10",
                                        "p25",  "p50", "p75", "p90", "p95", "max" };
    for (int k = 0; k < HN_STAT__COUNT; k++) assert_string_equal(stat_name((hn_stat)k), want[k]);
    assert_string_equal(stat_name(HN_STAT__COUNT), "unknown");
}

/*
 * 1..101: mean 51; sd^2 = n(n+1)/12 = 101*102/12 = 858.5, sd = 29.300170647967224;
 * se = sqrt(858.5/101) = sqrt(8.5) = 2.9154759474226504; P(q) sits at index
 * q*100 exactly: P5 = 6, P10 = 11, P25 = 26, P50 = 51, P75 = 76, P90 = 91, P95 = 96.
 */
static void test_one_to_101(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 101, false, false);
    fixture_fill(&fx);
    int col = fixture_col(&fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 0);
    double v[101];
    for (int i = 0; i < 101; i++) v[i] = 101 - i; /* descending: the sort must do its work */
    set_column(&fx, col, v, 101);
    hn_stats *st = compute(&fx);
    assert_int_equal(st->n_valid[col], 101);
    assert_double_rel(stats_get(st, col, HN_STAT_MEAN), 51.0, 1e-15);
    assert_double_rel(stats_get(st, col, HN_STAT_SD), 29.300170647967224, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_SE), 2.9154759474226504, 1e-14);
    assert_double_abs(stats_get(st, col, HN_STAT_MIN), 1, 0);
    assert_double_abs(stats_get(st, col, HN_STAT_MAX), 101, 0);
    assert_double_rel(stats_get(st, col, HN_STAT_P5), 6, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P10), 11, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P25), 26, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P50), 51, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P75), 76, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P90), 91, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P95), 96, 1e-14);
    stats_free(st);
    fixture_free(&fx);
}

/*
 * {2.385, 7.25, -1.5, 3.0}: sorted -1.5, 2.385, 3.0, 7.25; mean 11.135/4 = 2.78375;
 * sd (n-1) = 3.5825348916653974, se = sd/2 = 1.7912674458326987.
 * Linear interpolation at index q*(n-1) = 3q:
 *   P10: 0.3 -> -1.5 + 0.3*(2.385 + 1.5) = -0.3345
 *   P50: 1.5 -> 2.385 + 0.5*(3.0 - 2.385) = 2.6925
 *   P90: 2.7 -> 3.0 + 0.7*(7.25 - 3.0)  = 5.975
 *   P95: 2.85 -> 3.0 + 0.85*4.25         = 6.6125
 */
static void test_known_array_interpolates(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 4, false, false);
    fixture_fill(&fx);
    int col = fixture_col(&fx, HN_M_GROSS_COST, HN_ENT_PROVISION, 1, 2);
    const double v[4] = { 2.385, 7.25, -1.5, 3.0 };
    set_column(&fx, col, v, 4);
    hn_stats *st = compute(&fx);
    assert_double_rel(stats_get(st, col, HN_STAT_MEAN), 2.78375, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_SD), 3.5825348916653974, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_SE), 1.7912674458326987, 1e-14);
    assert_double_abs(stats_get(st, col, HN_STAT_MIN), -1.5, 0);
    assert_double_abs(stats_get(st, col, HN_STAT_MAX), 7.25, 0);
    assert_double_rel(stats_get(st, col, HN_STAT_P10), -0.3345, 1e-13);
    assert_double_rel(stats_get(st, col, HN_STAT_P50), 2.6925, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P90), 5.975, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P95), 6.6125, 1e-14);
    stats_free(st);
    fixture_free(&fx);
}

/*
 * The public per-column function on a bare array (what compare.c uses):
 * the same known array with a NaN and an infinity mixed in gives the same
 * numbers as above and counts 4 valid values; a scratch sized for more
 * values serves a shorter column; the deterministic and probability forms.
 */
static void test_stats_column_on_an_array(void **state)
{
    (void)state;
    const double v[6] = { 2.385, NAN, 7.25, -1.5, INFINITY, 3.0 };
    hn_stats_scratch *s = stats_scratch_new(100);
    assert_non_null(s);
    double out[HN_STAT__COUNT];
    assert_int_equal(stats_column(v, 6, false, false, s, out), 4);
    assert_double_rel(out[HN_STAT_MEAN], 2.78375, 1e-14);
    assert_double_rel(out[HN_STAT_SE], 1.7912674458326987, 1e-14);
    assert_double_rel(out[HN_STAT_P10], -0.3345, 1e-13);
    assert_double_rel(out[HN_STAT_P95], 6.6125, 1e-14);

    const double one[1] = { -42.5 };
    assert_int_equal(stats_column(one, 1, false, true, s, out), 1);
    for (int k = 0; k < HN_STAT__COUNT; k++)
        assert_double_abs(out[k], k == HN_STAT_SE || k == HN_STAT_SD ? 0 : -42.5, 0);

    const double yes_no[5] = { 1, 0, 1, 1, 0 };
    assert_int_equal(stats_column(yes_no, 5, true, false, s, out), 5);
    assert_double_abs(out[HN_STAT_MEAN], 0.6, 1e-15);
    assert_true(isnan(out[HN_STAT_SD]));

    const double none[2] = { NAN, NAN };
    assert_int_equal(stats_column(none, 2, false, false, s, out), 0);
    assert_true(isnan(out[HN_STAT_MEAN]));
    stats_scratch_free(s);
    stats_scratch_free(NULL);
}

/*
 * NaN and infinities are left out: {NaN, 1..10 interleaved with NaN, +inf, -inf}
 * gives the statistics of 1..10: mean 5.5, sd 3.0276503540974917,
 * se 0.9574271077563381, P10 at index 0.9 -> 1.9, P90 at 8.1 -> 9.1.
 * An all-NaN column has n_valid 0 and every statistic NaN. A single value has sd = se = 0.
 */
static void test_non_finite_values(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 20, false, false);
    fixture_fill(&fx);
    int col = fixture_col(&fx, HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 1);
    double v[20];
    for (int i = 0; i < 20; i++) v[i] = i % 2 ? (double)(i / 2 + 1) : NAN;
    v[0] = INFINITY;
    v[2] = -INFINITY;
    set_column(&fx, col, v, 20);

    int one = fixture_col(&fx, HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 2);
    double w[20];
    for (int i = 0; i < 20; i++) w[i] = i == 13 ? 42.5 : NAN;
    set_column(&fx, one, w, 20);

    hn_stats *st = compute(&fx);
    assert_int_equal(st->n_valid[col], 10);
    assert_double_rel(stats_get(st, col, HN_STAT_MEAN), 5.5, 1e-15);
    assert_double_rel(stats_get(st, col, HN_STAT_SD), 3.0276503540974917, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_SE), 0.9574271077563381, 1e-14);
    assert_double_abs(stats_get(st, col, HN_STAT_MIN), 1, 0);
    assert_double_abs(stats_get(st, col, HN_STAT_MAX), 10, 0);
    assert_double_rel(stats_get(st, col, HN_STAT_P10), 1.9, 1e-14);
    assert_double_rel(stats_get(st, col, HN_STAT_P90), 9.1, 1e-14);

    /* cost per supported, year 1: NaN in every iteration (the fixture) */
    int nan_col = fixture_col(&fx, HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 0);
    assert_int_equal(st->n_valid[nan_col], 0);
    for (int k = 0; k < HN_STAT__COUNT; k++) assert_true(isnan(stats_get(st, nan_col, (hn_stat)k)));
    /* year 2: NaN in odd iterations, so the 10 even ones 2000*... remain */
    int half = fixture_col(&fx, HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 1);
    assert_int_equal(st->n_valid[half], 10);
    /* even i = 0, 2, ..., 18: mean half*1000 + 9 */
    assert_double_rel(stats_get(st, half, HN_STAT_MEAN), half * 1000.0 + 9, 1e-15);

    assert_int_equal(st->n_valid[one], 1);
    assert_double_abs(stats_get(st, one, HN_STAT_MEAN), 42.5, 0);
    assert_double_abs(stats_get(st, one, HN_STAT_SD), 0, 0);
    assert_double_abs(stats_get(st, one, HN_STAT_SE), 0, 0);
    assert_double_abs(stats_get(st, one, HN_STAT_P10), 42.5, 0);
    assert_double_abs(stats_get(st, one, HN_STAT_P95), 42.5, 0);
    stats_free(st);
    fixture_free(&fx);
}

/*
 * Probability figures: the fixture puts 1 in iteration i when i % 10 < year + 3, so with
 * 20 iterations the shares are 0.3, 0.4, 0.5 for years 1..3 and 0.6 for "all"; a
 * hand-set column {1, 0, 1, 1, 0} gives 0.6. Other slots are NaN.
 */
static void test_probability_columns(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 20, true, false);
    fixture_fill(&fx);
    hn_stats *st = compute(&fx);
    static const double share[4] = { 0.3, 0.4, 0.5, 0.6 };
    for (int y = 0; y < 4; y++) {
        /* payback_year (formerly payback_by_year) and paid_back */
        for (int m = 0; m < 2; m++) {
            int col = fixture_col(&fx, m ? HN_M_PAID_BACK : HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, y);
            assert_double_rel(stats_get(st, col, HN_STAT_MEAN), share[y], 1e-15);
            assert_int_equal(st->n_valid[col], 20);
            for (int k = 1; k < HN_STAT__COUNT; k++)
                assert_true(isnan(stats_get(st, col, (hn_stat)k)));
        }
        int col;
        col = fixture_col(&fx, HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, y);
        assert_double_rel(stats_get(st, col, HN_STAT_MEAN), share[y], 1e-15);
    }
    stats_free(st);
    fixture_free(&fx);

    fixture_init(&fx, 5, true, false);
    fixture_fill(&fx);
    int col = fixture_col(&fx, HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, 3);
    const double v[5] = { 1, 0, 1, 1, 0 };
    set_column(&fx, col, v, 5);
    st = compute(&fx);
    assert_double_rel(stats_get(st, col, HN_STAT_MEAN), 0.6, 1e-15);
    assert_true(isnan(stats_get(st, col, HN_STAT_P50)));
    stats_free(st);
    fixture_free(&fx);
}

/* Deterministic: every statistic is the one value (col*1000 + 0.5), se = sd = 0. */
static void test_deterministic(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 1000, true, true);
    fixture_fill(&fx);
    assert_int_equal(fx.res.n_iter, 1);
    hn_stats *st = compute(&fx);
    assert_true(st->deterministic);
    int col = fixture_col(&fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3);
    for (int k = 0; k < HN_STAT__COUNT; k++) {
        double want = (k == HN_STAT_SE || k == HN_STAT_SD) ? 0.0 : col * 1000.0 + 0.5;
        assert_double_abs(stats_get(st, col, (hn_stat)k), want, 0);
    }
    int p = fixture_col(&fx, HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, 0);
    assert_double_abs(stats_get(st, p, HN_STAT_MEAN), 1.0, 0); /* 0 % 10 < 3 */
    assert_true(isnan(stats_get(st, p, HN_STAT_SD)));
    int nan_col = fixture_col(&fx, HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 0);
    assert_int_equal(st->n_valid[nan_col], 0);
    assert_true(isnan(stats_get(st, nan_col, HN_STAT_MEAN)));
    stats_free(st);
    fixture_free(&fx);
}

/* A small xorshift generator for test data. */
static uint64_t next_u64(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Awkward test data: negatives, both zeros, ties, tiny and huge magnitudes, NaN, inf. */
static double awkward(uint64_t *s, long i)
{
    uint64_t u = next_u64(s);
    switch (u % 9) {
    case 0: return -0.0;
    case 1: return 0.0;
    case 2: return (double)(u % 7) - 3; /* ties */
    case 3: return -((double)(u >> 11) * 0x1p-53) * 1e6;
    case 4: return ((double)(u >> 11) * 0x1p-53) * 4.2e6;
    case 5: return (i % 97 == 0) ? NAN : 1e-300 * (double)(u % 1000);
    case 6: return (i % 89 == 0) ? INFINITY : -1e300 * (double)(u % 3);
    default: return (double)(int64_t)(u >> 8) / 3.0;
    }
}

/* The statistics match gsl_sort + GSL's functions on awkward data: the order statistics bit for
 * bit, the mean and sd to rounding. */
static void test_matches_gsl_sort(void **state)
{
    (void)state;
    static const struct {
        hn_stat stat;
        double level;
    } levels[] = { { HN_STAT_P5, 0.05 },  { HN_STAT_P10, 0.10 }, { HN_STAT_P25, 0.25 },
                   { HN_STAT_P50, 0.50 }, { HN_STAT_P75, 0.75 }, { HN_STAT_P90, 0.90 },
                   { HN_STAT_P95, 0.95 } };
    fixture fx;
    long n = 5003;
    fixture_init(&fx, n, false, false);
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (size_t j = 0; j < (size_t)fx.res.layout.n_cols * (size_t)n; j++)
        fx.res.values[j] = awkward(&seed, (long)(j % (size_t)n));
    hn_stats *st = compute(&fx);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    for (int col = 0; col < fx.res.layout.n_cols; col++) {
        int fig = col / (fx.res.layout.years + 1);
        if (metric_is_probability(fx.res.layout.figures[fig].metric)) continue;
        size_t m = 0;
        for (long i = 0; i < n; i++) {
            double v = results_get(&fx.res, col, i);
            if (isfinite(v)) x[m++] = v + 0.0;
        }
        gsl_sort(x, 1, m);
        assert_int_equal(st->n_valid[col], (long)m);
        double mean = gsl_stats_mean(x, 1, m);
        double sd = gsl_stats_sd_m(x, 1, m, mean);
        /* mean and sd by other sums than GSL's (stats.c): equal to rounding */
        assert_double_rel(st->s[col * HN_STAT__COUNT + HN_STAT_MEAN], mean, 1e-12);
        assert_double_rel(st->s[col * HN_STAT__COUNT + HN_STAT_SD], sd, 1e-12);
        for (int k = 0; k < (int)(sizeof levels / sizeof levels[0]); k++) {
            double q = gsl_stats_quantile_from_sorted_data(x, 1, m, levels[k].level);
            double got = stats_get(st, col, levels[k].stat);
            /* equal values; the only legitimate bit difference would be -0 vs +0 */
            assert_true(q == got);
        }
        assert_true(x[0] == stats_get(st, col, HN_STAT_MIN));
        assert_true(x[m - 1] == stats_get(st, col, HN_STAT_MAX));
        assert_false(signbit(stats_get(st, col, HN_STAT_MIN)) &&
                     stats_get(st, col, HN_STAT_MIN) == 0); /* -0 normalised to +0 */
    }
    free(x);
    stats_free(st);
    fixture_free(&fx);
}

/* Spearman's coefficient of x and y from stats_ranks and stats_rank_correlation. */
static double spearman(const double *x, const double *y, long n)
{
    hn_stats_scratch *sc = stats_scratch_new(n);
    double *rx = malloc((size_t)n * sizeof *rx), *ry = malloc((size_t)n * sizeof *ry);
    assert_non_null(sc);
    assert_non_null(rx);
    assert_non_null(ry);
    stats_ranks(x, n, sc, rx);
    stats_ranks(y, n, sc, ry);
    double r = stats_rank_correlation(rx, ry, n);
    free(rx);
    free(ry);
    stats_scratch_free(sc);
    return r;
}

/* Ranks by hand (ties share the mean of their positions; -0 ties +0), and hand-computed
 * coefficients: no ties (1 - 6 sum d^2 / (n (n^2 - 1)) = 0.8), ties (Pearson of 1,2,3,4 and
 * 1,2.5,2.5,4 = 3 / sqrt(10)), reversed order (-1), undefined when one side does not vary. */
static void test_ranks_by_hand(void **state)
{
    (void)state;
    const double v[] = { 3.5, -1, 7, 3.5, -0.0, 0.0, 3.5, 1e300 };
    const double want[] = { 5, 1, 7, 5, 2.5, 2.5, 5, 8 };
    double got[8];
    hn_stats_scratch *sc = stats_scratch_new(8);
    assert_non_null(sc);
    stats_ranks(v, 8, sc, got);
    for (int i = 0; i < 8; i++) assert_true(got[i] == want[i]);
    stats_scratch_free(sc);
    const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 2.5, 1.2, 40, 3.7, 99 };
    assert_double_rel(spearman(x, y, 5), 0.8, 1e-15);
    const double xt[] = { 10, 20, 30, 40 }, yt[] = { -3, 7, 7, 8 };
    assert_double_rel(spearman(xt, yt, 4), 3.0 / sqrt(10.0), 1e-15);
    const double down[] = { 5, 4, 3, 2, 1 };
    assert_double_rel(spearman(x, down, 5), -1.0, 1e-15);
    const double flat[] = { 7, 7, 7, 7, 7 };
    assert_true(isnan(spearman(x, flat, 5)));
    assert_true(isnan(spearman(x, y, 1)));
}

/* On 20,000 pairs with many ties (small counts against money, values spanning every radix
 * byte), the coefficient agrees with gsl_stats_spearman to 1e-13: only the order of the sums
 * differs. */
static void test_ranks_match_gsl_spearman(void **state)
{
    (void)state;
    long n = 20000;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    double *work = malloc(2 * (size_t)n * sizeof *work);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(work);
    uint64_t seed = 0x243f6a8885a308d3u;
    for (long i = 0; i < n; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(seed >> 11) / 9007199254740992.0;
        x[i] = floor(12 * u * u);                                /* counts 0..11: ties */
        y[i] = 1e8 * u + 3e5 * (double)((seed >> 3) % 97) - 2e7; /* related, both signs */
    }
    double want = gsl_stats_spearman(x, 1, y, 1, (size_t)n, work);
    assert_true(want > 0.5);
    assert_double_rel(spearman(x, y, n), want, 1e-13);
    for (long i = 0; i < n; i++) x[i] = -x[i];
    assert_double_rel(spearman(x, y, n), -want, 1e-13);
    free(x);
    free(y);
    free(work);
}

/* 1, 2, 3 and 7 threads give the same bits. */
static void test_threads_do_not_change_results(void **state)
{
    (void)state;
    fixture fx;
    long n = 2001;
    fixture_init(&fx, n, true, false);
    fixture_fill(&fx);
    uint64_t seed = 12345;
    for (size_t j = 0; j < (size_t)fx.res.layout.n_cols * (size_t)n; j++) {
        size_t col = j / (size_t)n;
        int fig = (int)col / (fx.res.layout.years + 1);
        if (!metric_is_probability(fx.res.layout.figures[fig].metric))
            fx.res.values[j] = awkward(&seed, (long)(j % (size_t)n));
    }
    size_t bytes = (size_t)fx.res.layout.n_cols * HN_STAT__COUNT * sizeof(double);
    fx.res.threads = 1;
    hn_stats *one = compute(&fx);
    static const int counts[] = { 2, 3, 7, 1000 };
    for (size_t t = 0; t < sizeof counts / sizeof counts[0]; t++) {
        fx.res.threads = counts[t];
        hn_stats *many = compute(&fx);
        assert_memory_equal(one->s, many->s, bytes);
        assert_memory_equal(one->n_valid, many->n_valid,
                            (size_t)fx.res.layout.n_cols * sizeof(long));
        stats_free(many);
    }
    stats_free(one);
    fixture_free(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_one_to_101),
        cmocka_unit_test(test_known_array_interpolates),
        cmocka_unit_test(test_stats_column_on_an_array),
        cmocka_unit_test(test_non_finite_values),
        cmocka_unit_test(test_probability_columns),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_matches_gsl_sort),
        cmocka_unit_test(test_threads_do_not_change_results),
        cmocka_unit_test(test_ranks_by_hand),
        cmocka_unit_test(test_ranks_match_gsl_spearman),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
