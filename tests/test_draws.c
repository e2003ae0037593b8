/*
 * test_draws.c - the term's counts (engine/model/draws.h, decisions P20):
 * certain outcomes draw nothing; a binomial's and a Poisson's count is the
 * inverse of the distribution function (GSL's gsl_cdf_*, an independent
 * computation) at its uniform, checked at uniforms on a grid and just either
 * side of every step; each draw consumes one uniform, so counts that differ
 * keep the stream in step; past the inversion's range the draws are GSL's;
 * and multinomial draws against the multinomial's moments (mean n p_k,
 * variance n p_k (1 - p_k), covariance -n p_j p_k) with a fixed seed, N
 * draws and a bound of 5 standard errors: for a mean SE = sqrt(var / N);
 * for a variance or covariance the sample's own fourth-moment standard
 * error, computed from the draws.
 */
#include "support/testutil.h"

#include <gsl/gsl_cdf.h>
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

/* Two draws of counts that differ by one pupil consume the same uniforms (one per outcome of
 * weight > 0 but the last), so the draws after them stay in step: what keeps two options'
 * streams paired (decisions P2, P20). Counts up to 500 at an exit rate of 0.45, whose means
 * GSL's rejection sampler drew before P20 with a varying number of uniforms. */
static void test_streams_stay_in_step(void **state)
{
    (void)state;
    const double prob[K_OUT] = { 0.45, 0.25, 0, 0.05, 0.25 };
    unsigned int out[K_OUT];
    static draws_binom plan[K_OUT];
    draws_multinomial_set(plan, prob, K_OUT);
    for (unsigned int n = 1; n < DRAWS_POW_N; n += n < 40 ? 1 : 7) {
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

/* Whether u lies within 1e-10 of x: the tests' bound for the distribution function's rounding
 * (GSL's incomplete beta and gamma, the inversion's sums; both are near 1e-14). */
static bool near(double u, double x)
{
    return fabs(u - x) < 1e-10;
}

/* A distribution function: F(k) of the distribution ctx describes. */
typedef double (*cdf_fn)(unsigned int k, const double *ctx);

/* F(k) of binomial(ctx[0] trials, probability ctx[1]) (GSL's). */
static double binomial_cdf(unsigned int k, const double *ctx)
{
    return gsl_cdf_binomial_P(k, ctx[1], (unsigned int)ctx[0]);
}

/* F(k) of Poisson(mean ctx[0]) (GSL's). */
static double poisson_cdf(unsigned int k, const double *ctx)
{
    return gsl_cdf_poisson_P(k, ctx[0]);
}

/* Asserts that k is the inverse of F at u, F(k - 1) <= u < F(k) with F(-1) = 0, unless u lies
 * within the rounding bound of one of the two. */
static void assert_inverse(unsigned int k, double u, cdf_fn cdf, const double *ctx)
{
    double lo = k > 0 ? cdf(k - 1, ctx) : 0, hi = cdf(k, ctx);
    if (!near(u, lo) && !near(u, hi)) assert_true(lo <= u && u < hi);
}

/* Fills us[0..max) with uniforms to test a count at: a grid over [0, 1), and each step F(j),
 * j <= kmax, at and 1e-9 either side where those lie in [0, 1); returns how many. */
static int test_uniforms(double *us, int max, cdf_fn cdf, const double *ctx, unsigned int kmax)
{
    int n = 0;
    for (int g = 0; g < 200 && n < max; g++) us[n++] = (g + 0.5) / 200;
    for (unsigned int j = 0; j <= kmax && n + 3 <= max; j++) {
        double F = cdf(j, ctx);
        for (int side = -1; side <= 1; side++) {
            double u = F + side * 1e-9;
            if (u >= 0 && u < 1) us[n++] = u;
        }
    }
    return n;
}

/*
 * A binomial's count is the inverse of its distribution function at the uniform: for counts of
 * 1 to 5,000 (kept starts below DRAWS_POW_N, computed each time above) and probabilities either
 * side of 1/2 (flipped), tiny and near 1, at uniforms on a grid and beside every step of
 * gsl_cdf_binomial_P, each drawn after the others (kept starts, windows) and as a first draw;
 * and the draw consumes exactly one uniform of the generator.
 */
static void test_binomial_is_inverse(void **state)
{
    (void)state;
    const unsigned int ns[] = { 1, 2, 7, 20, 33, 90, 200, 511, 512, 700, 5000 };
    const double ps[] = { 1e-9, 0.003, 0.02, 0.1, 0.3, 0.45, 0.5, 0.55, 0.9, 0.98, 1 - 1e-9 };
    static draws_binom b;
    static double us[4000];
    long checked = 0;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        unsigned int n = ns[i];
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            double p = ps[j];
            double mean = n * (p > 0.5 ? 1 - p : p);
            if (n >= DRAWS_POW_N && mean >= DRAWS_WALK_MEAN) continue; /* GSL's: below */
            draws_binom_set(&b, p);
            /* Flipped (p > 1/2), the walk counts failures: u inverts n - k's distribution. */
            const double ctx[2] = { n, p > 0.5 ? 1 - p : p };
            int nu = test_uniforms(us, 4000, binomial_cdf, ctx, n);
            for (int t = 0; t < nu; t++) {
                unsigned int k = draws_binomial_at(&b, n, us[t]);
                assert_true(k <= n);
                assert_inverse(p > 0.5 ? n - k : k, us[t], binomial_cdf, ctx);
                checked++;
            }
            /* The same uniforms each as a first draw of the count (the search up from 0, which
             * keeps the start only when it reaches the mode): another probability set between
             * them makes every kept start stale. */
            for (int t = 0; t < nu; t++) {
                draws_binom_set(&b, p / 2);
                draws_binom_set(&b, p);
                unsigned int k = draws_binomial_at(&b, n, us[t]);
                assert_inverse(p > 0.5 ? n - k : k, us[t], binomial_cdf, ctx);
                checked++;
            }
            /* One uniform a draw: the count of the generator's next uniform, and its state. */
            gsl_rng *a = generator(), *c = generator();
            for (int t = 0; t < 50; t++) {
                unsigned int k = draws_binomial(a, &b, n);
                assert_int_equal(k, draws_binomial_at(&b, n, gsl_rng_uniform(c)));
                assert_true(same_state(a, c));
            }
            gsl_rng_free(a);
            gsl_rng_free(c);
        }
    }
    assert_true(checked > 10000);
}

/* Past the inversion's range (DRAWS_POW_N pupils or more, mean DRAWS_WALK_MEAN or more) a
 * binomial is GSL's gsl_ran_binomial: the same counts and generator state. */
static void test_large_binomial_is_gsl(void **state)
{
    (void)state;
    gsl_rng *a = generator(), *b = generator();
    static draws_binom plan;
    const double ps[] = { 0.07, 0.3, 0.5, 0.8 };
    for (int i = 0; i < 4000; i++) {
        double p = ps[i % 4];
        unsigned int n = DRAWS_POW_N + 500 + (unsigned int)(i * 37 % 100000);
        draws_binom_set(&plan, p);
        assert_int_equal(draws_binomial(a, &plan, n), gsl_ran_binomial(b, p, n));
        assert_true(same_state(a, b));
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/*
 * A Poisson's count is the inverse of its distribution function at the uniform (means from
 * 1e-6 to DRAWS_POISSON_MEAN, at uniforms on a grid and beside every step of
 * gsl_cdf_poisson_P), one uniform a draw; past DRAWS_POISSON_MEAN it is gsl_ran_poisson's.
 */
static void test_poisson_is_inverse(void **state)
{
    (void)state;
    const double means[] = {
        1e-6, 0.3, 1, 2.5, 8, 23.3, 28.333333333333332, 70, 140.5, DRAWS_POISSON_MEAN
    };
    static double us[4000];
    draws_poisson d = { 0 };
    long checked = 0;
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        double mean = means[i];
        draws_poisson_set(&d, mean);
        const double ctx[1] = { mean };
        unsigned int kmax = (unsigned int)(mean + 40 * sqrt(mean) + 40);
        int nu = test_uniforms(us, 4000, poisson_cdf, ctx, kmax);
        for (int t = 0; t < nu; t++) {
            assert_inverse(draws_poisson_at(&d, us[t]), us[t], poisson_cdf, ctx);
            checked++;
        }
        gsl_rng *a = generator(), *c = generator();
        for (int t = 0; t < 50; t++) {
            assert_int_equal(draws_poisson_draw(a, &d), draws_poisson_at(&d, gsl_rng_uniform(c)));
            assert_true(same_state(a, c));
        }
        gsl_rng_free(a);
        gsl_rng_free(c);
    }
    assert_true(checked > 3000);
    /* Mean 0 draws nothing; a mean past the range is GSL's. */
    gsl_rng *a = generator(), *c = generator();
    draws_poisson_set(&d, 0);
    assert_int_equal(draws_poisson_draw(a, &d), 0);
    assert_true(same_state(a, c));
    draws_poisson_set(&d, 2500.5);
    for (int t = 0; t < 100; t++) {
        assert_int_equal(draws_poisson_draw(a, &d), gsl_ran_poisson(c, 2500.5));
        assert_true(same_state(a, c));
    }
    gsl_rng_free(a);
    gsl_rng_free(c);
}

/* A probability set again to the same value keeps its starts, and to another value does not:
 * the counts at a grid of uniforms after switching back and forth are those of a fresh one. */
static void test_kept_starts(void **state)
{
    (void)state;
    static draws_binom kept, fresh;
    const double ps[] = { 0.1, 0.1, 0.35, 0.1, 0.7, 0.35 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        draws_binom_set(&kept, ps[i]);
        memset(&fresh, 0, sizeof fresh);
        draws_binom_set(&fresh, ps[i]);
        for (unsigned int n = 1; n < 120; n += 3)
            for (int g = 0; g < 50; g++) {
                double u = (g + 0.25) / 50;
                assert_int_equal(draws_binomial_at(&kept, n, u), draws_binomial_at(&fresh, n, u));
            }
    }
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

/*
 * A multinomial draws the same counts, and leaves the same state, whether its generator is the
 * engine's type (whose state the chain holds in registers, decisions P30) or another type with
 * the same numbers (a copy of the type under another name, which takes the chain's general
 * path): counts below and past the inversion's range, the latter drawn by GSL's sampler
 * between the chain's own draws, so that the state must go back and forth around it.
 */
static void test_multinomial_any_generator(void **state)
{
    (void)state;
    gsl_rng_type other = *hn_rng_xoshiro256;
    other.name = "xoshiro256, another type";
    gsl_rng *a = generator(), *b = gsl_rng_alloc(&other);
    assert_non_null(b);
    assert_true(a->type != b->type && gsl_rng_size(a) == gsl_rng_size(b));
    memcpy(gsl_rng_state(b), gsl_rng_state(a), gsl_rng_size(a));
    /* 0.01 first: a count of n >= DRAWS_POW_N is drawn from the local state (its mean below
     * DRAWS_WALK_MEAN), then one past the inversion's range, which needs the state written back
     * before GSL's sampler as well as read after it (found by the review of P30). */
    const double prob[K_OUT] = { 0.01, 0.45, 0, 0.05, 0.49 };
    static draws_binom plan_a[K_OUT], plan_b[K_OUT];
    draws_multinomial_set(plan_a, prob, K_OUT);
    draws_multinomial_set(plan_b, prob, K_OUT);
    int past = 0; /* multinomials with a count past the inversion's range */
    for (unsigned int i = 0; i < 3000; i++) {
        unsigned int n = i % 3 == 0 ? DRAWS_POW_N + 37 * i : 1 + i % 200, out_a[K_OUT],
                     out_b[K_OUT];
        past += n >= DRAWS_POW_N && n * 0.45 >= DRAWS_WALK_MEAN;
        draws_multinomial(a, n, plan_a, K_OUT, true, out_a);
        draws_multinomial(b, n, plan_b, K_OUT, true, out_b);
        assert_memory_equal(out_a, out_b, sizeof out_a);
        unsigned int sum = 0;
        for (int k = 0; k < K_OUT; k++) sum += out_a[k];
        assert_int_equal(sum, n);
        assert_true(same_state(a, b));
    }
    assert_true(past > 900);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* The last outcome of weight > 0 takes the rest without a draw: a multinomial of 5 over
 * {0.3, 0.7} draws exactly one uniform, and over {0.3, 0.7, 0} (a last outcome of weight 0)
 * one too, with nobody in the last. */
static void test_last_outcome_takes_rest(void **state)
{
    (void)state;
    const double prob[3] = { 0.3, 0.7, 0 };
    for (int K = 2; K <= 3; K++) {
        draws_binom plan[3] = { { 0 } };
        unsigned int out[3];
        draws_multinomial_set(plan, prob, K);
        gsl_rng *a = generator(), *b = generator();
        for (int t = 0; t < 20; t++) {
            draws_multinomial(a, 5, plan, K, true, out);
            assert_int_equal(out[0] + out[1], 5);
            if (K == 3) assert_int_equal(out[2], 0);
            assert_int_equal(out[0], draws_binomial_at(&plan[0], 5, gsl_rng_uniform(b)));
            assert_true(same_state(a, b));
        }
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
        cmocka_unit_test(test_binomial_is_inverse),
        cmocka_unit_test(test_large_binomial_is_gsl),
        cmocka_unit_test(test_poisson_is_inverse),
        cmocka_unit_test(test_kept_starts),
        cmocka_unit_test(test_pow_is_gsl),
        cmocka_unit_test(test_last_outcome_takes_rest),
        cmocka_unit_test(test_multinomial_moments),
        cmocka_unit_test(test_multinomial_any_generator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
