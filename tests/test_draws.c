/*
 * test_draws.c - the term's counts (engine/model/draws.h): the conditional
 * form by hand, and multinomial draws in that form against the multinomial's
 * moments (mean n p_k, variance n p_k (1 - p_k), covariance -n p_j p_k) with
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

/* Conditional probabilities by hand: a zero exit in the middle gets 0, the last positive exit
 * 1 exactly, exits after it 0; total is the exits' sum. */
static void test_conditional_form_by_hand(void **state)
{
    (void)state;
    const double prob[K_OUT] = { 0.1, 0.25, 0, 0.05, 0.6 };
    double cond[K_OUT - 1], total;
    draws_conditional_form(prob, K_OUT, cond, &total);
    assert_double_rel(total, 0.4, 1e-15);
    assert_double_rel(cond[0], 0.25, 1e-15);       /* 0.1 / 0.4 */
    assert_double_rel(cond[1], 0.25 / 0.3, 1e-14); /* 0.25 / (0.25 + 0 + 0.05) */
    assert_true(cond[2] == 0);
    assert_true(cond[3] == 1);
    const double tail_zero[4] = { 0.2, 0.3, 0, 0.5 };
    draws_conditional_form(tail_zero, 4, cond, &total);
    assert_double_rel(total, 0.5, 1e-15);
    assert_double_rel(cond[0], 0.4, 1e-15);
    assert_true(cond[1] == 1 && cond[2] == 0);
    const double none[3] = { 0, 0, 1 };
    draws_conditional_form(none, 3, cond, &total);
    assert_true(total == 0 && cond[0] == 0 && cond[1] == 0);
}

/* Certain outcomes draw nothing: the generator's next number is unchanged. */
static void test_certain_outcomes_draw_nothing(void **state)
{
    (void)state;
    gsl_rng *a = generator(), *b = generator();
    unsigned int out[3];
    const double cond_none[2] = { 0, 0 }, cond_all[2] = { 1, 0 };
    draws_multinomial(a, 0, cond_all, 0.5, 3, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 0);
    draws_multinomial(a, 12, cond_none, 0, 3, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 12);
    draws_multinomial(a, 12, cond_all, 1, 3, out); /* everyone leaves by exit 0 */
    assert_true(out[0] == 12 && out[1] == 0 && out[2] == 0);
    assert_true(draws_binomial(a, 9, 0) == 0 && draws_binomial(a, 9, 1) == 9);
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
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
    double cond[K_OUT - 1], total;
    draws_conditional_form(prob, K_OUT, cond, &total);
    gsl_rng *r = generator();
    static double x[K_OUT][N_DRAWS];
    unsigned int out[K_OUT];
    for (long i = 0; i < N_DRAWS; i++) {
        draws_multinomial(r, n, cond, total, K_OUT, out);
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
        cmocka_unit_test(test_conditional_form_by_hand),
        cmocka_unit_test(test_certain_outcomes_draw_nothing),
        cmocka_unit_test(test_multinomial_moments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
