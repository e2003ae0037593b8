/*
 * test_draws.c - the term's counts (engine/model/draws.h): certain outcomes
 * draw nothing, counts that differ keep the stream in step, and multinomial
 * draws against the multinomial's moments (mean n p_k, variance n p_k (1 - p_k), covariance -n p_j p_k) with
 * a fixed seed, N draws and a bound of 5 standard errors: for a mean
 * SE = sqrt(var / N); for a variance or covariance the sample's own
 * fourth-moment standard error, computed from the draws.
 */
#include "support/testutil.h"

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
    draws_multinomial(a, 0, prob, 3, true, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 0);
    draws_multinomial(a, 12, stay, 3, false, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 12);
    assert_true(draws_binomial(a, 9, 0) == 0 && draws_binomial(a, 9, 1) == 9);
    assert_true(draws_binomial(a, 0, 0.4) == 0);
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
    for (unsigned int n = 1; n < 40; n++) {
        gsl_rng *a = generator(), *b = generator();
        draws_multinomial(a, n, prob, K_OUT, true, out);
        draws_multinomial(b, n + 1, prob, K_OUT, true, out);
        assert_true(gsl_rng_get(a) == gsl_rng_get(b));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
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
    for (long i = 0; i < N_DRAWS; i++) {
        draws_multinomial(r, n, prob, K_OUT, true, out);
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
        cmocka_unit_test(test_multinomial_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
