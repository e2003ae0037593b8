/*
 * test_rng.c - the xoshiro256** GSL generator type and the derivation of
 * streams from (seed, iteration, name).
 *
 * Reproducibility is checked bit for bit against known answers (computed
 * independently with a Python transcription of xoshiro256**, splitmix64 and
 * FNV-1a); randomness with a fixed seed, N draws and a bound of 4 standard
 * errors: for a mean, SE = sqrt(var / N); for a variance,
 * SE = var * sqrt((kurt - 1) / N) with kurt the non-excess kurtosis
 * (9/5 for a uniform).
 */
#include "support/testutil.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "model/rng.h"

#define N_DRAWS 200000
#define SEED    UINT64_C(20210323)

static void test_type(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    assert_string_equal(gsl_rng_name(r), "hn_xoshiro256");
    assert_true(gsl_rng_max(r) == 0xffffffffUL);
    assert_true(gsl_rng_min(r) == 0);
    assert_true(r->type == hn_rng_xoshiro256);
    gsl_rng_free(r);
}

/* Known answers: the first outputs (upper 32 bits) for seeds 0 and 20210323. */
static void test_known_answers(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    const unsigned long want0[] = { 0x99ec5f36, 0xbf6e1f78, 0x1a5f849d, 0x6aa594f1, 0xbba5ad4a };
    gsl_rng_set(r, 0);
    for (int i = 0; i < 5; i++) assert_true(gsl_rng_get(r) == want0[i]);
    const unsigned long want1[] = { 0xfbf500cb, 0xea70955c, 0xcc827ed4, 0xb0626a0c, 0x09b3b579 };
    gsl_rng_set(r, SEED);
    for (int i = 0; i < 5; i++) assert_true(gsl_rng_get(r) == want1[i]);
    gsl_rng_free(r);

    assert_true(rng_name_hash("") == UINT64_C(0xcbf29ce484222325));
    assert_true(rng_name_hash("a") == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(rng_name_hash("foobar") == UINT64_C(0x85944171f73967e8));
    assert_true(rng_stream_seed(SEED, 7, rng_name_hash("provision.secondary_pru")) ==
                UINT64_C(0x70754fbc1cf6ffbf));
}

/* A stream sought from its seed's two halves (decisions P31) is the stream rng_seek gives: the
 * same state, for iterations and names that differ in one bit and by one. */
static void test_seek_by_keys(void **state)
{
    (void)state;
    gsl_rng *a = rng_new(), *b = rng_new();
    assert_non_null(a);
    assert_non_null(b);
    const char *names[] = { "provision.secondary_pru", "demand.primary:referrals", "" };
    for (uint64_t i = 0; i < 70; i++) {
        uint64_t it = i < 64 ? UINT64_C(1) << i : i;
        for (int k = 0; k < 3; k++) {
            uint64_t h = rng_name_hash(names[k]);
            rng_seek(a, SEED, it, h);
            rng_seek_key(b, rng_iteration_key(SEED, it), rng_name_key(h));
            assert_memory_equal(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a));
            assert_true(gsl_rng_get(a) == gsl_rng_get(b));
        }
    }
    rng_seek_key(b, rng_iteration_key(SEED, 7), rng_name_key(rng_name_hash(names[0])));
    gsl_rng_set(a, rng_stream_seed(SEED, 7, rng_name_hash(names[0]))); /* the known answer's */
    assert_memory_equal(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* A freshly allocated generator is seeded like gsl_rng_set(r, 0). */
static void test_new_is_seed_zero(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    assert_true(gsl_rng_get(r) == 0x99ec5f36UL);
    gsl_rng_free(r);
}

/* The whole 64-bit seed matters: seeds differing only above bit 32 differ. */
static void test_64_bit_seeds(void **state)
{
    (void)state;
    gsl_rng *a = rng_new(), *b = rng_new();
    assert_non_null(a);
    assert_non_null(b);
    gsl_rng_set(a, 5);
    gsl_rng_set(b, 5 + (1UL << 40));
    int same = 0;
    for (int i = 0; i < 100; i++) same += gsl_rng_get(a) == gsl_rng_get(b);
    assert_true(same <= 1);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Fills out with the first n 32-bit outputs of stream (seed, iteration, name). */
static void stream(uint64_t seed, uint64_t iteration, const char *name, unsigned long *out, int n)
{
    gsl_rng *r = rng_new();
    assert_non_null(r);
    /* Some draws first: seeking must not depend on the generator's past. */
    for (int i = 0; i < 17; i++) gsl_rng_get(r);
    rng_seek(r, seed, iteration, rng_name_hash(name));
    for (int i = 0; i < n; i++) out[i] = gsl_rng_get(r);
    gsl_rng_free(r);
}

/* Number of positions where two sequences agree. */
static int agreements(const unsigned long *a, const unsigned long *b, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += a[i] == b[i];
    return k;
}

static void test_streams(void **state)
{
    (void)state;
    enum { N = 1000 };
    static unsigned long base[N], again[N], other[N];
    stream(SEED, 41, "demand.secondary", base, N);
    stream(SEED, 41, "demand.secondary", again, N);
    assert_memory_equal(base, again, sizeof base);

    /* A different iteration, name or seed: unrelated (32-bit values agree by chance 1 in 2^32). */
    stream(SEED, 42, "demand.secondary", other, N);
    assert_true(agreements(base, other, N) <= 1);
    stream(SEED, 40, "demand.secondary", other, N);
    assert_true(agreements(base, other, N) <= 1);
    stream(SEED, 41, "demand.primary", other, N);
    assert_true(agreements(base, other, N) <= 1);
    stream(SEED, 41, "demand.secondarx", other, N);
    assert_true(agreements(base, other, N) <= 1);
    stream(SEED + 1, 41, "demand.secondary", other, N);
    assert_true(agreements(base, other, N) <= 1);
    /* Swapping seed and iteration gives another stream too. */
    stream(41, SEED, "demand.secondary", other, N);
    assert_true(agreements(base, other, N) <= 1);
}

/* Nearby inputs give stream seeds that differ in about half their 64 bits. */
static void test_stream_seed_avalanche(void **state)
{
    (void)state;
    uint64_t h = rng_name_hash("provision.secondary_pru");
    double bits = 0;
    int n = 0;
    for (uint64_t i = 0; i < 2000; i++) {
        bits += __builtin_popcountll(rng_stream_seed(SEED, i, h) ^ rng_stream_seed(SEED, i + 1, h));
        bits += __builtin_popcountll(rng_stream_seed(i, 3, h) ^ rng_stream_seed(i + 1, 3, h));
        bits += __builtin_popcountll(rng_stream_seed(SEED, 3, i) ^ rng_stream_seed(SEED, 3, i + 1));
        n += 3;
    }
    /* Binomial(64, 1/2) per pair: mean 32, sd 4; the mean of 6000 has SE 0.052. */
    assert_double_abs(bits / n, 32.0, 4 * 4.0 / sqrt(n));
}

/*
 * The first uniform of adjacent iterations' streams are uncorrelated: the
 * sample correlation of N independent pairs has SE 1/sqrt(N).
 */
static void test_adjacent_iterations_uncorrelated(void **state)
{
    (void)state;
    enum { N = 20000 };
    gsl_rng *r = rng_new();
    assert_non_null(r);
    uint64_t h = rng_name_hash("demand.secondary");
    static double u[N + 1];
    for (int i = 0; i <= N; i++) {
        rng_seek(r, SEED, (uint64_t)i, h);
        u[i] = gsl_rng_uniform(r);
    }
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < N; i++) {
        double x = u[i], y = u[i + 1];
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    double cov = sxy / N - (sx / N) * (sy / N);
    double corr = cov / sqrt((sxx / N - (sx / N) * (sx / N)) * (syy / N - (sy / N) * (sy / N)));
    assert_double_abs(corr, 0.0, 4.0 / sqrt(N));
    gsl_rng_free(r);
}

/* get_double: in [0, 1), mean 1/2 and variance 1/12 within 4 SE. */
static void test_uniform_moments(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    gsl_rng_set(r, SEED);
    double m = 0, s = 0;
    for (int i = 1; i <= N_DRAWS; i++) {
        double x = gsl_rng_uniform(r);
        assert_true(x >= 0.0 && x < 1.0);
        double d = x - m;
        m += d / i;
        s += d * (x - m);
    }
    double var = s / (N_DRAWS - 1);
    assert_double_abs(m, 0.5, 4 * sqrt(1.0 / 12.0 / N_DRAWS));
    assert_double_abs(var, 1.0 / 12.0, 4 * (1.0 / 12.0) * sqrt((1.8 - 1.0) / N_DRAWS));

    /* get: the 32-bit outputs have mean (2^32 - 1) / 2 within 4 SE. */
    double mg = 0;
    for (int i = 1; i <= N_DRAWS; i++) mg += ((double)gsl_rng_get(r) - mg) / i;
    double range = 4294967296.0;
    assert_double_abs(mg, (range - 1) / 2, 4 * range * sqrt(1.0 / 12.0 / N_DRAWS));
    gsl_rng_free(r);
}

/* gsl_rng_uniform_pos and gsl_rng_uniform_int work with the type. */
static void test_uniform_pos_and_int(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    gsl_rng_set(r, SEED);
    long counts[7] = { 0 };
    for (int i = 0; i < 70000; i++) {
        double x = gsl_rng_uniform_pos(r);
        assert_true(x > 0.0 && x < 1.0);
        unsigned long k = gsl_rng_uniform_int(r, 7);
        assert_true(k < 7);
        counts[k]++;
    }
    /* Each count is binomial(70000, 1/7): mean 10000, sd 92.6. */
    for (int k = 0; k < 7; k++)
        assert_double_abs((double)counts[k], 10000.0, 4 * sqrt(70000.0 / 7 * 6 / 7));
    gsl_rng_free(r);
}

/* GSL's discrete samplers used by the simulation, with our generator. */
static void test_gsl_discrete_samplers(void **state)
{
    (void)state;
    enum { N = 100000 };
    gsl_rng *r = rng_new();
    assert_non_null(r);
    gsl_rng_set(r, SEED);

    /* Binomial(37, 0.385): mean np, SE sqrt(np(1-p)/N). */
    double mb = 0;
    for (int i = 1; i <= N; i++) mb += ((double)gsl_ran_binomial(r, 0.385, 37) - mb) / i;
    assert_double_abs(mb, 37 * 0.385, 4 * sqrt(37 * 0.385 * 0.615 / N));

    /* Poisson at a small and a large mean (GSL switches method above 10): SE sqrt(mu/N). */
    const double mus[] = { 2.385, 47.25 };
    for (int k = 0; k < 2; k++) {
        double mp = 0;
        for (int i = 1; i <= N; i++) mp += ((double)gsl_ran_poisson(r, mus[k]) - mp) / i;
        assert_double_abs(mp, mus[k], 4 * sqrt(mus[k] / N));
    }

    /* Multinomial K = 4, n = 30: each category binomial(30, p_k). */
    const double p[4] = { 0.085, 0.0315, 0.05, 0.8335 };
    double sums[4] = { 0 };
    unsigned int out[4];
    for (int i = 0; i < N; i++) {
        gsl_ran_multinomial(r, 4, 30, p, out);
        assert_int_equal(out[0] + out[1] + out[2] + out[3], 30);
        for (int k = 0; k < 4; k++) sums[k] += out[k];
    }
    for (int k = 0; k < 4; k++)
        assert_double_abs(sums[k] / N, 30 * p[k], 4 * sqrt(30 * p[k] * (1 - p[k]) / N));

    /* The ziggurat Gaussian takes its 8 + 24 bits from one 32-bit get. */
    double mz = 0, sz = 0;
    for (int i = 1; i <= N; i++) {
        double x = gsl_ran_gaussian_ziggurat(r, 2.385);
        double d = x - mz;
        mz += d / i;
        sz += d * (x - mz);
    }
    double v = 2.385 * 2.385;
    assert_double_abs(mz, 0.0, 4 * sqrt(v / N));
    assert_double_abs(sz / (N - 1), v, 4 * v * sqrt(2.0 / N));
    gsl_rng_free(r);
}

/* gsl_rng_clone and gsl_rng_memcpy copy the state (the type's size is right). */
static void test_clone(void **state)
{
    (void)state;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    rng_seek(r, SEED, 3, rng_name_hash("cost.new_posts.amount"));
    gsl_rng_get(r);
    gsl_rng *c = gsl_rng_clone(r);
    assert_non_null(c);
    for (int i = 0; i < 100; i++) assert_true(gsl_rng_get(r) == gsl_rng_get(c));
    gsl_rng_free(c);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type),
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_seek_by_keys),
        cmocka_unit_test(test_new_is_seed_zero),
        cmocka_unit_test(test_64_bit_seeds),
        cmocka_unit_test(test_streams),
        cmocka_unit_test(test_stream_seed_avalanche),
        cmocka_unit_test(test_adjacent_iterations_uncorrelated),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_uniform_pos_and_int),
        cmocka_unit_test(test_gsl_discrete_samplers),
        cmocka_unit_test(test_clone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
