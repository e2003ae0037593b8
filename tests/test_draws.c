/*
 * test_draws.c - the term's counts (engine/model/draws.h): certain outcomes
 * draw nothing, counts that differ keep the stream in step, the prepared
 * samplers give GSL's counts and leave the generator where GSL's leave it
 * (decisions P12), and multinomial draws against the multinomial's moments (mean n p_k, variance n p_k (1 - p_k), covariance -n p_j p_k) with
 * a fixed seed, N draws and a bound of 5 standard errors: for a mean
 * SE = sqrt(var / N); for a variance or covariance the sample's own
 * fourth-moment standard error, computed from the draws.
 */
#include "support/testutil.h"

#include <gsl/gsl_pow_int.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "model/draws.h"
#include "model/rng.h"

#define N_DRAWS 200000
#define K_OUT   5

/* A fresh generator positioned on a fixed stream. */
static gsl_rng *generator(void)
{
    gsl_rng *r = rng_new();
    assert_non_null(r);
    rng_seek(r, UINT64_C(20261202), 7, rng_name_hash("provision.test"));
    return r;
}

/* Certain outcomes draw nothing: the generator's next number is unchanged. */
static void test_certain_outcomes_draw_nothing(void **state)
{
    (void)state;
    gsl_rng *a = generator(), *b = generator();
    unsigned int out[3];
    const double prob[3] = { 0.2, 0.3, 0.5 }, stay[3] = { 0, 0, 1 };
    draws_binom plan[3] = { { 0 } }, zero = { 0 }, one = { 0 }, some = { 0 };
    draws_multinomial_set(plan, prob, 3);
    draws_multinomial(a, 0, plan, 3, true, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 0);
    draws_multinomial_set(plan, stay, 3);
    draws_multinomial(a, 12, plan, 3, false, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 12);
    draws_binom_set(&zero, 0);
    draws_binom_set(&one, 1);
    draws_binom_set(&some, 0.4);
    assert_true(draws_binomial(a, &zero, 9) == 0 && draws_binomial(a, &one, 9) == 9);
    assert_true(draws_binomial(a, &some, 0) == 0);
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Two draws of counts that differ by one pupil consume the same uniforms (one per outcome, in
 * GSL's inversion range), so the draws after them stay in step: what keeps two options'
 * streams paired (decisions P2). */
static void test_streams_stay_in_step(void **state)
{
    (void)state;
    const double prob[K_OUT] = { 0.1, 0.25, 0, 0.05, 0.6 };
    unsigned int out[K_OUT];
    draws_binom plan[K_OUT] = { { 0 } };
    draws_multinomial_set(plan, prob, K_OUT);
    for (unsigned int n = 1; n < 40; n++) {
        gsl_rng *a = generator(), *b = generator();
        draws_multinomial(a, n, plan, K_OUT, true, out);
        draws_multinomial(b, n + 1, plan, K_OUT, true, out);
        assert_true(gsl_rng_get(a) == gsl_rng_get(b));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}

/* Whether two generators are in the same state (the whole of it, byte for byte). */
static bool same_state(const gsl_rng *a, const gsl_rng *b)
{
    return gsl_rng_size(a) == gsl_rng_size(b) &&
           memcmp(gsl_rng_state(a), gsl_rng_state(b), gsl_rng_size(a)) == 0;
}

/* One probability of a test vector: 0, 1, 0.5, a small rate, or any in (0, 1), drawn from d. */
static double test_prob(gsl_rng *d)
{
    switch (gsl_rng_uniform_int(d, 6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 0.5;
    case 3: return 0.1 * gsl_rng_uniform(d);
    default: return gsl_rng_uniform(d);
    }
}

/* A count for a test draw from d: mostly small (GSL's inversion and the kept powers), some past
 * the kept powers, some large enough for GSL's rejection sampler. */
static unsigned int test_count(gsl_rng *d)
{
    switch (gsl_rng_uniform_int(d, 8)) {
    case 0: return (unsigned int)gsl_rng_uniform_int(d, 3);
    case 1: return DRAWS_POW_N - 2 + (unsigned int)gsl_rng_uniform_int(d, 4);
    case 2: return (unsigned int)gsl_rng_uniform_int(d, 2000);
    case 3: return (unsigned int)gsl_rng_uniform_int(d, 100000);
    default: return (unsigned int)gsl_rng_uniform_int(d, 200);
    }
}

#define N_PLANS 8
#define K_MAX   6

/*
 * The prepared multinomial is GSL's: over 200,000 draws from 8 prepared vectors (K of 1 to 6,
 * with zeros, ones, 0.5, some summing to 1 with the last the rest as the term's do, some plain
 * weights), each prepared again now and then to a new vector or to the same one, the counts
 * equal gsl_ran_multinomial's and the two generators stay in the same state.
 */
static void test_multinomial_is_gsl(void **state)
{
    (void)state;
    gsl_rng *d = generator(), *a = generator(), *b = generator();
    rng_seek(d, 1, 2, rng_name_hash("cases"));
    static draws_binom plan[N_PLANS][K_MAX];
    double prob[N_PLANS][K_MAX];
    int K[N_PLANS];
    unsigned int got[K_MAX], want[K_MAX];
    long draws = 0, inverted = 0;
    for (long i = 0; i < 200000; i++) {
        int j = (int)gsl_rng_uniform_int(d, N_PLANS);
        if (i < N_PLANS * 4 || gsl_rng_uniform_int(d, 50) == 0) {
            if (i < N_PLANS * 4) j = (int)(i % N_PLANS);
            if (i < N_PLANS || gsl_rng_uniform_int(d, 2) == 0) { /* else: the same again */
                K[j] = 1 + (int)gsl_rng_uniform_int(d, K_MAX);
                double sum = 0;
                for (int k = 0; k < K[j]; k++) {
                    prob[j][k] = test_prob(d) / (gsl_rng_uniform_int(d, 2) ? K[j] : 1);
                    sum += prob[j][k];
                }
                if (gsl_rng_uniform_int(d, 2) == 0) /* as load_year: the last is the rest */
                    prob[j][K[j] - 1] =
                        sum - prob[j][K[j] - 1] < 1 ? 1 - (sum - prob[j][K[j] - 1]) : 0;
                if (!(sum > 0)) prob[j][K[j] - 1] = 1;
            }
            draws_multinomial_set(plan[j], prob[j], K[j]);
        }
        unsigned int n = test_count(d);
        draws_multinomial(a, n, plan[j], K[j], true, got);
        gsl_ran_multinomial(b, (size_t)K[j], n, prob[j], want);
        for (int k = 0; k < K[j]; k++) assert_int_equal(got[k], want[k]);
        assert_true(same_state(a, b));
        draws++;
        inverted += n > 0 && n < 200;
    }
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    assert_true(inverted > draws / 2);
    gsl_rng_free(d);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* The prepared binomial is GSL's: 100,000 draws of probabilities in (0, 1) (either side of 0.5)
 * and counts from 1 to 100,000: the same counts as gsl_ran_binomial, the same state after. */
static void test_binomial_is_gsl(void **state)
{
    (void)state;
    gsl_rng *d = generator(), *a = generator(), *b = generator();
    rng_seek(d, 3, 4, rng_name_hash("cases"));
    static draws_binom plan[N_PLANS];
    double p[N_PLANS];
    for (long i = 0; i < 100000; i++) {
        int j = (int)gsl_rng_uniform_int(d, N_PLANS);
        if (i < N_PLANS || gsl_rng_uniform_int(d, 100) == 0) {
            if (i < N_PLANS) j = (int)i;
            double u = gsl_rng_uniform_pos(d);
            p[j] = gsl_rng_uniform_int(d, 2) ? u : 0.05 * u;
            draws_binom_set(&plan[j], p[j]);
        }
        unsigned int n = 1 + test_count(d);
        assert_int_equal(draws_binomial(a, &plan[j], n), gsl_ran_binomial(b, p[j], n));
        assert_true(same_state(a, b));
    }
    gsl_rng_free(d);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* draws_pow_uint is gsl_pow_uint to the bit: every n below 4096 and 20,000 random n up to 2^32 - 1
 * of 2,000 bases (in (0, 1], just above 1, 0 and 1). */
static void test_pow_is_gsl(void **state)
{
    (void)state;
    gsl_rng *d = generator();
    for (int i = 0; i < 2000; i++) {
        double x = i == 0 ? 0 : i == 1 ? 1 : i < 20 ? 1 + 1e-12 * i : gsl_rng_uniform_pos(d);
        for (unsigned int n = 0; n < 4096; n++) {
            double a = draws_pow_uint(x, n), b = gsl_pow_uint(x, n);
            assert_memory_equal(&a, &b, sizeof a);
        }
        for (int j = 0; j < 10; j++) {
            unsigned int n = (unsigned int)gsl_rng_get(d);
            double a = draws_pow_uint(x, n), b = gsl_pow_uint(x, n);
            assert_memory_equal(&a, &b, sizeof a);
        }
    }
    gsl_rng_free(d);
}

/* The last outcome (probability 1 given the others) still consumes its uniform, as GSL's does:
 * a multinomial of 5 over {0.3, 0.7} draws exactly two uniforms. */
static void test_last_outcome_draws(void **state)
{
    (void)state;
    const double prob[2] = { 0.3, 0.7 };
    draws_binom plan[2] = { { 0 } };
    unsigned int out[2];
    draws_multinomial_set(plan, prob, 2);
    gsl_rng *a = generator(), *b = generator();
    draws_multinomial(a, 5, plan, 2, true, out);
    assert_int_equal(out[0] + out[1], 5);
    gsl_rng_uniform(b);
    gsl_rng_uniform(b);
    assert_true(same_state(a, b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* N multinomials of n = 20 over {0.1, 0.25, 0, 0.05, stay 0.6}: counts add up to n, the zero
 * exit never happens, and means, variances and one covariance are the multinomial's. */
static void test_multinomial_moments(void **state)
{
    (void)state;
    const double prob[K_OUT] = { 0.1, 0.25, 0, 0.05, 0.6 };
    const unsigned int n = 20;
    gsl_rng *r = generator();
    static double x[K_OUT][N_DRAWS];
    unsigned int out[K_OUT];
    static draws_binom plan[K_OUT];
    draws_multinomial_set(plan, prob, K_OUT);
    for (long i = 0; i < N_DRAWS; i++) {
        draws_multinomial(r, n, plan, K_OUT, true, out);
        unsigned int sum = 0;
        for (int k = 0; k < K_OUT; k++) {
            x[k][i] = out[k];
            sum += out[k];
        }
        assert_true(sum == n);
        assert_true(out[2] == 0);
    }
    double mean[K_OUT];
    for (int k = 0; k < K_OUT; k++) {
        double s = 0;
        for (long i = 0; i < N_DRAWS; i++) s += x[k][i];
        mean[k] = s / N_DRAWS;
    }
    for (int k = 0; k < K_OUT; k++) {
        if (prob[k] == 0) continue;
        double want_mean = n * prob[k], want_var = n * prob[k] * (1 - prob[k]);
        assert_true(fabs(mean[k] - want_mean) < 5 * sqrt(want_var / N_DRAWS));
        double m2 = 0, m4 = 0;
        for (long i = 0; i < N_DRAWS; i++) {
            double d = x[k][i] - mean[k];
            m2 += d * d;
            m4 += d * d * d * d;
        }
        m2 /= N_DRAWS;
        m4 /= N_DRAWS;
        assert_true(fabs(m2 - want_var) < 5 * sqrt((m4 - m2 * m2) / N_DRAWS));
    }
    /* cov(out0, out1) = -n p0 p1 = -0.5 */
    double c = 0, c2 = 0;
    for (long i = 0; i < N_DRAWS; i++) {
        double v = (x[0][i] - mean[0]) * (x[1][i] - mean[1]);
        c += v;
        c2 += v * v;
    }
    c /= N_DRAWS;
    c2 /= N_DRAWS;
    assert_true(fabs(c - (-(double)n * prob[0] * prob[1])) < 5 * sqrt((c2 - c * c) / N_DRAWS));
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certain_outcomes_draw_nothing),
        cmocka_unit_test(test_streams_stay_in_step),
        cmocka_unit_test(test_multinomial_is_gsl),
        cmocka_unit_test(test_binomial_is_gsl),
        cmocka_unit_test(test_pow_is_gsl),
        cmocka_unit_test(test_last_outcome_draws),
        cmocka_unit_test(test_multinomial_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
