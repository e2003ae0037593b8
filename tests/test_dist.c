/*
 * test_dist.c - the distributions: parameter checks, closed-form moments,
 * support, quantiles, formatting, and statistical tests of the samplers.
 *
 * Statistical tests draw N = 200,000 values with a fixed seed and accept a
 * sample moment within 4 standard errors of its closed form:
 *   mean:     SE = sqrt(var / N)
 *   variance: SE = var * sqrt((kurt - 1) / N), where kurt = mu4 / var^2 is
 *             the distribution's (non-excess) kurtosis, computed in closed
 *             form for each kind: Var(s^2) ~ (mu4 - var^2) / N for large N.
 * Parameters are "high-entropy" (2.385, not 1) so that formula slips show.
 */
#include "support/testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/dist.h"
#include "model/rng.h"

#define N_DRAWS 200000
#define SEED    20210323UL

/* Makes a distribution value. */
static hn_dist mk(hn_dist_kind k, double a, double b, double c)
{
    hn_dist d = { k, { a, b, c } };
    return d;
}

/* Non-excess kurtosis mu4 / var^2 of a beta(a, b). */
static double beta_kurtosis(double a, double b)
{
    double ex = 6.0 * ((a - b) * (a - b) * (a + b + 1.0) - a * b * (a + b + 2.0)) /
                (a * b * (a + b + 2.0) * (a + b + 3.0));
    return ex + 3.0;
}

/* Non-excess kurtosis of each test distribution, in closed form. */
static double kurtosis(const hn_dist *d)
{
    switch (d->kind) {
    case HN_DIST_NORMAL: return 3.0;
    case HN_DIST_UNIFORM: return 9.0 / 5.0;
    case HN_DIST_TRIANGULAR: return 12.0 / 5.0;
    case HN_DIST_PERT: {
        double a = d->p[0], m = d->p[1], b = d->p[2];
        return beta_kurtosis(1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a));
    }
    case HN_DIST_BETA: return beta_kurtosis(d->p[0], d->p[1]);
    case HN_DIST_LOGNORMAL: {
        double cv = d->p[1] / d->p[0], s2 = log1p(cv * cv);
        return exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 3.0;
    }
    default: return 0.0;
    }
}

/*
 * Draws N values of d, checks every one lies in [lower, upper] and is not
 * NaN, and checks the sample mean and variance within 4 SE (see the top).
 */
static void check_moments(hn_dist d)
{
    gsl_rng *r = rng_new();
    assert_non_null(r);
    gsl_rng_set(r, SEED);
    double lo = dist_lower(&d), hi = dist_upper(&d);
    double mean = dist_mean(&d), var = dist_variance(&d);
    /* Welford's running mean and sum of squared deviations. */
    double m = 0.0, s = 0.0;
    for (int i = 1; i <= N_DRAWS; i++) {
        double x = dist_sample(&d, r);
        assert_false(isnan(x));
        assert_true(x >= lo && x <= hi);
        double delta = x - m;
        m += delta / i;
        s += delta * (x - m);
    }
    gsl_rng_free(r);
    double svar = s / (N_DRAWS - 1);
    double se_mean = sqrt(var / N_DRAWS);
    double se_var = var * sqrt((kurtosis(&d) - 1.0) / N_DRAWS);
    assert_double_abs(m, mean, 4 * se_mean);
    assert_double_abs(svar, var, 4 * se_var);
}

static void test_normal_moments(void **state)
{
    (void)state;
    check_moments(mk(HN_DIST_NORMAL, 2.385, 0.917, 0));
    check_moments(mk(HN_DIST_NORMAL, -10.25, 3.75, 0));
}

static void test_uniform_moments(void **state)
{
    (void)state;
    check_moments(mk(HN_DIST_UNIFORM, -1.25, 3.5, 0));
}

static void test_triangular_moments(void **state)
{
    (void)state;
    check_moments(mk(HN_DIST_TRIANGULAR, 1.5, 2.385, 4.75));
    check_moments(mk(HN_DIST_TRIANGULAR, 1.5, 1.5, 4.75));  /* mode at min */
    check_moments(mk(HN_DIST_TRIANGULAR, 1.5, 4.75, 4.75)); /* mode at max */
}

static void test_pert_moments(void **state)
{
    (void)state;
    check_moments(mk(HN_DIST_PERT, 0.01, 0.02, 0.04));
    check_moments(mk(HN_DIST_PERT, 1.5, 2.385, 4.75));
    check_moments(mk(HN_DIST_PERT, 1.5, 1.5, 4.75));
}

static void test_beta_moments(void **state)
{
    (void)state;
    check_moments(mk(HN_DIST_BETA, 2.385, 4.1, 0));
    check_moments(mk(HN_DIST_BETA, 0.5, 0.75, 0));  /* Johnk's method */
    check_moments(mk(HN_DIST_BETA, 0.35, 7.25, 0)); /* gamma with a < 1 */
}

static void test_lognormal_moments(void **state)
{
    (void)state;
    check_moments(mk(HN_DIST_LOGNORMAL, 2.385, 0.917, 0));
    check_moments(mk(HN_DIST_LOGNORMAL, 15000.5, 2385.0, 0));
}

/* The closed forms themselves, against values worked by hand. */
static void test_closed_forms(void **state)
{
    (void)state;
    hn_dist d = mk(HN_DIST_PERT, 0.01, 0.02, 0.04);
    assert_double_rel(dist_mean(&d), 0.13 / 6.0, 1e-14);
    /* alpha = 7/3, beta = 11/3: var = 0.03^2 * alpha beta / (36 * 7) */
    assert_double_rel(dist_variance(&d), 0.0009 * (77.0 / 9.0) / 252.0, 1e-13);

    d = mk(HN_DIST_TRIANGULAR, 1.5, 2.385, 4.75);
    assert_double_rel(dist_mean(&d), 8.635 / 3.0, 1e-14);
    assert_double_rel(
        dist_variance(&d),
        (2.25 + 2.385 * 2.385 + 4.75 * 4.75 - 1.5 * 2.385 - 1.5 * 4.75 - 2.385 * 4.75) / 18.0,
        1e-13);

    d = mk(HN_DIST_UNIFORM, -1.25, 3.5, 0);
    assert_double_rel(dist_mean(&d), 1.125, 1e-15);
    assert_double_rel(dist_variance(&d), 4.75 * 4.75 / 12.0, 1e-15);

    d = mk(HN_DIST_BETA, 2.385, 4.1, 0);
    assert_double_rel(dist_mean(&d), 2.385 / 6.485, 1e-15);
    assert_double_rel(dist_variance(&d), 2.385 * 4.1 / (6.485 * 6.485 * 7.485), 1e-14);

    d = mk(HN_DIST_LOGNORMAL, 2.385, 0.917, 0);
    assert_double_rel(dist_mean(&d), 2.385, 1e-15);
    assert_double_rel(dist_variance(&d), 0.917 * 0.917, 1e-15);

    d = mk(HN_DIST_NORMAL, 0.03, 0.01, 0);
    assert_double_rel(dist_mean(&d), 0.03, 1e-15);
    assert_double_rel(dist_variance(&d), 1e-4, 1e-15);

    d = mk(HN_DIST_CONST, 4258000, 0, 0);
    assert_double_rel(dist_mean(&d), 4258000, 0);
    assert_double_abs(dist_variance(&d), 0, 0);
    assert_false(dist_is_random(&d));
    d = mk(HN_DIST_NORMAL, 0.03, 0.01, 0);
    assert_true(dist_is_random(&d));
}

static void test_support_bounds(void **state)
{
    (void)state;
    hn_dist d = mk(HN_DIST_NORMAL, 2.385, 1, 0);
    assert_true(isinf(dist_lower(&d)) && dist_lower(&d) < 0);
    assert_true(isinf(dist_upper(&d)) && dist_upper(&d) > 0);
    d = mk(HN_DIST_LOGNORMAL, 2.385, 1, 0);
    assert_double_abs(dist_lower(&d), 0, 0);
    assert_true(isinf(dist_upper(&d)));
    d = mk(HN_DIST_BETA, 2.385, 1, 0);
    assert_double_abs(dist_lower(&d), 0, 0);
    assert_double_abs(dist_upper(&d), 1, 0);
    d = mk(HN_DIST_UNIFORM, -1.25, 3.5, 0);
    assert_double_abs(dist_lower(&d), -1.25, 0);
    assert_double_abs(dist_upper(&d), 3.5, 0);
    d = mk(HN_DIST_TRIANGULAR, 1.5, 2.385, 4.75);
    assert_double_abs(dist_lower(&d), 1.5, 0);
    assert_double_abs(dist_upper(&d), 4.75, 0);
    d = mk(HN_DIST_PERT, 1.5, 2.385, 4.75);
    assert_double_abs(dist_lower(&d), 1.5, 0);
    assert_double_abs(dist_upper(&d), 4.75, 0);
    d = mk(HN_DIST_CONST, 7.5, 0, 0);
    assert_double_abs(dist_lower(&d), 7.5, 0);
    assert_double_abs(dist_upper(&d), 7.5, 0);
}

/* Extreme but valid shapes: every draw is a number inside the support. */
static void test_support_extreme_shapes(void **state)
{
    (void)state;
    const hn_dist ds[] = {
        mk(HN_DIST_BETA, 0.001, 0.001, 0),      mk(HN_DIST_BETA, 0.001, 1e5, 0),
        mk(HN_DIST_BETA, 1e5, 0.001, 0),        mk(HN_DIST_BETA, 1e5, 1e5, 0),
        mk(HN_DIST_PERT, 0, 0, 1e-9),           mk(HN_DIST_PERT, -3, 7, 7),
        mk(HN_DIST_TRIANGULAR, 0, 1, 1),        mk(HN_DIST_LOGNORMAL, 1e-3, 1e3, 0),
        mk(HN_DIST_UNIFORM, 1e15, 1e15 + 1, 0),
    };
    gsl_rng *r = rng_new();
    assert_non_null(r);
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        assert_null(dist_check(&ds[k]));
        gsl_rng_set(r, SEED + k);
        for (int i = 0; i < 20000; i++) {
            double x = dist_sample(&ds[k], r);
            assert_false(isnan(x));
            assert_true(x >= dist_lower(&ds[k]) && x <= dist_upper(&ds[k]));
        }
    }
    gsl_rng_free(r);
}

/* A constant consumes no random numbers. */
static void test_constant_consumes_nothing(void **state)
{
    (void)state;
    gsl_rng *a = rng_new(), *b = rng_new();
    assert_non_null(a);
    assert_non_null(b);
    gsl_rng_set(a, SEED);
    gsl_rng_set(b, SEED);
    hn_dist c = mk(HN_DIST_CONST, 2.385, 0, 0);
    assert_double_abs(dist_sample(&c, a), 2.385, 0);
    assert_true(gsl_rng_get(a) == gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_quantiles(void **state)
{
    (void)state;
    const double z90 = 1.281551565544600467; /* standard normal 0.9 quantile */
    hn_dist d = mk(HN_DIST_NORMAL, 2.385, 0.917, 0);
    assert_double_rel(dist_quantile(&d, 0.1), 2.385 - 0.917 * z90, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.5), 2.385, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.9), 2.385 + 0.917 * z90, 1e-12);

    d = mk(HN_DIST_UNIFORM, -1.25, 3.5, 0);
    assert_double_rel(dist_quantile(&d, 0.1), -1.25 + 0.1 * 4.75, 1e-14);
    assert_double_rel(dist_quantile(&d, 0.5), 1.125, 1e-14);
    assert_double_rel(dist_quantile(&d, 0.9), -1.25 + 0.9 * 4.75, 1e-14);

    /* triangular(1.5, 2.385, 4.75): the CDF at the mode is 0.885 / 3.25 */
    d = mk(HN_DIST_TRIANGULAR, 1.5, 2.385, 4.75);
    assert_double_rel(dist_quantile(&d, 0.1), 1.5 + sqrt(0.1 * 3.25 * 0.885), 1e-14);
    assert_double_rel(dist_quantile(&d, 0.5), 4.75 - sqrt(0.5 * 3.25 * 2.365), 1e-14);
    assert_double_rel(dist_quantile(&d, 0.9), 4.75 - sqrt(0.1 * 3.25 * 2.365), 1e-14);
    assert_double_rel(dist_quantile(&d, 0.885 / 3.25), 2.385, 1e-14);

    /* Beta and pert against 40-digit values (mpmath, regularised incomplete beta). */
    d = mk(HN_DIST_BETA, 2.385, 4.1, 0);
    assert_double_rel(dist_quantile(&d, 0.1), 0.14445685070860266501, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.5), 0.35344743877553595033, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.9), 0.61245408745849890551, 1e-12);
    d = mk(HN_DIST_BETA, 0.5, 0.75, 0);
    assert_double_rel(dist_quantile(&d, 0.1), 0.014321012711060692753, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.5), 0.33670037345192932939, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.9), 0.90149960229458835245, 1e-12);
    d = mk(HN_DIST_PERT, 1.5, 2.385, 4.75);
    assert_double_rel(dist_quantile(&d, 0.1), 1.8988814960866885936, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.5), 2.5737905917108232015, 1e-12);
    assert_double_rel(dist_quantile(&d, 0.9), 3.4517474835003127121, 1e-12);

    /* lognormal: exp(mu + sigma z) with sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2/2 */
    d = mk(HN_DIST_LOGNORMAL, 2.385, 0.917, 0);
    double s2 = log(1.0 + (0.917 / 2.385) * (0.917 / 2.385)), mu = log(2.385) - s2 / 2;
    assert_double_rel(dist_quantile(&d, 0.1), exp(mu - sqrt(s2) * z90), 1e-12);
    assert_double_rel(dist_quantile(&d, 0.5), exp(mu), 1e-12);
    assert_double_rel(dist_quantile(&d, 0.9), exp(mu + sqrt(s2) * z90), 1e-12);

    d = mk(HN_DIST_CONST, 7.5, 0, 0);
    assert_double_abs(dist_quantile(&d, 0.3), 7.5, 0);
}

/* u = 0 and u = 1 give the support's ends; quantiles never decrease. */
static void test_quantile_edges_and_monotone(void **state)
{
    (void)state;
    const hn_dist ds[] = {
        mk(HN_DIST_NORMAL, 2.385, 0.917, 0),      mk(HN_DIST_UNIFORM, -1.25, 3.5, 0),
        mk(HN_DIST_TRIANGULAR, 1.5, 2.385, 4.75), mk(HN_DIST_PERT, 1.5, 2.385, 4.75),
        mk(HN_DIST_BETA, 2.385, 4.1, 0),          mk(HN_DIST_LOGNORMAL, 2.385, 0.917, 0),
    };
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        const hn_dist *d = &ds[k];
        assert_true(dist_quantile(d, 0.0) == dist_lower(d));
        assert_true(dist_quantile(d, 1.0) == dist_upper(d));
        assert_true(isnan(dist_quantile(d, NAN)));
        double prev = dist_lower(d);
        for (int i = 1; i < 1000; i++) {
            double q = dist_quantile(d, i / 1000.0);
            assert_true(q >= prev);
            assert_true(q >= dist_lower(d) && q <= dist_upper(d));
            prev = q;
        }
    }
}

/* Counts calls of the GSL error handler (the default one aborts). */
static int gsl_errors;

static void counting_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)gsl_errno;
    gsl_errors++;
}

/*
 * Every valid parameter set, at the limits dist_check allows, samples and
 * inverts without calling GSL's error handler, and gives a number in the
 * support (beta quantiles are our own; gsl_cdf_beta_Pinv would report
 * non-convergence for some of these).
 */
static void test_no_gsl_errors_at_limits(void **state)
{
    (void)state;
    const double shapes[] = { 0.001, 0.01, 0.37, 1, 2.385, 47.5, 1e3, 3e4, 1e5 };
    const double us[] = { 1e-300, 1e-12, 1e-4, 0.1, 0.5, 0.9, 1 - 1e-9, 1 - 1e-16 };
    const int ns = sizeof shapes / sizeof shapes[0], nu = sizeof us / sizeof us[0];
    gsl_error_handler_t *old = gsl_set_error_handler(&counting_handler);
    gsl_errors = 0;
    gsl_rng *r = rng_new();
    assert_non_null(r);
    gsl_rng_set(r, SEED);
    for (int i = 0; i < ns; i++) {
        for (int j = 0; j < ns; j++) {
            hn_dist d = mk(HN_DIST_BETA, shapes[i], shapes[j], 0);
            assert_null(dist_check(&d));
            for (int k = 0; k < nu; k++) {
                double q = dist_quantile(&d, us[k]);
                assert_true(q >= 0 && q <= 1);
                if (q > 1e-290 && q < 1) {
                    /*
                     * F(q) matches u (in the tail that keeps its precision),
                     * up to the change of F over a few ulps of q.
                     */
                    double f = us[k] <= 0.5 ? gsl_cdf_beta_P(q, d.p[0], d.p[1])
                                            : gsl_cdf_beta_Q(q, d.p[0], d.p[1]);
                    double t = us[k] <= 0.5 ? us[k] : 1 - us[k];
                    double tol =
                        1e-9 * t + 4 * DBL_EPSILON * q * gsl_ran_beta_pdf(q, d.p[0], d.p[1]);
                    if (fabs(f - t) > tol)
                        print_message("beta(%g, %g) u=%g q=%.17g F=%.17g\n", d.p[0], d.p[1], us[k],
                                      q, f);
                    assert_true(fabs(f - t) <= tol);
                }
            }
            for (int k = 0; k < 100; k++) {
                double x = dist_sample(&d, r);
                assert_true(x >= 0 && x <= 1);
            }
        }
    }
    const hn_dist others[] = {
        mk(HN_DIST_LOGNORMAL, 1e-100, 1e49, 0), mk(HN_DIST_LOGNORMAL, 1e100, 1e-100, 0),
        mk(HN_DIST_PERT, 0, 1e-300, 1e-299),    mk(HN_DIST_NORMAL, 0, 1e-300, 0),
        mk(HN_DIST_UNIFORM, -1e307, 1e307, 0),  mk(HN_DIST_TRIANGULAR, -1e307, 0, 1e307),
    };
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
        const hn_dist *d = &others[k];
        assert_null(dist_check(d));
        for (int i = 0; i < nu; i++) {
            double q = dist_quantile(d, us[i]);
            assert_false(isnan(q));
            assert_true(q >= dist_lower(d) && q <= dist_upper(d));
        }
        for (int i = 0; i < 1000; i++) assert_false(isnan(dist_sample(d, r)));
    }
    gsl_rng_free(r);
    gsl_set_error_handler(old);
    assert_int_equal(gsl_errors, 0);
}

static void test_check_accepts_valid(void **state)
{
    (void)state;
    const hn_dist ok[] = {
        mk(HN_DIST_CONST, -3.5, 0, 0),          mk(HN_DIST_NORMAL, -2.385, 0.01, 0),
        mk(HN_DIST_UNIFORM, -1.25, 3.5, 0),     mk(HN_DIST_TRIANGULAR, 0, 2000, 4000),
        mk(HN_DIST_TRIANGULAR, 1.5, 1.5, 4.75), mk(HN_DIST_TRIANGULAR, 1.5, 4.75, 4.75),
        mk(HN_DIST_PERT, 0.01, 0.02, 0.04),     mk(HN_DIST_PERT, 0.01, 0.01, 0.04),
        mk(HN_DIST_BETA, 2.385, 4.1, 0),        mk(HN_DIST_BETA, 0.001, 1e5, 0),
        mk(HN_DIST_LOGNORMAL, 15000, 2385, 0),
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) assert_null(dist_check(&ok[k]));
}

/* Checks that d is refused with a message containing msg. */
static void refused(hn_dist d, const char *msg)
{
    const char *m = dist_check(&d);
    assert_non_null(m);
    assert_contains(m, msg);
}

static void test_check_refuses_invalid(void **state)
{
    (void)state;
    refused(mk(HN_DIST_CONST, NAN, 0, 0), "finite");
    refused(mk(HN_DIST_CONST, INFINITY, 0, 0), "finite");
    refused(mk(HN_DIST_NORMAL, 1, 0, 0), "sd must be > 0");
    refused(mk(HN_DIST_NORMAL, 1, -0.5, 0), "sd must be > 0");
    refused(mk(HN_DIST_NORMAL, NAN, 1, 0), "finite");
    refused(mk(HN_DIST_NORMAL, 1, INFINITY, 0), "finite");
    refused(mk(HN_DIST_UNIFORM, 2, 2, 0), "min < max");
    refused(mk(HN_DIST_UNIFORM, 3, 2, 0), "min < max");
    refused(mk(HN_DIST_UNIFORM, -INFINITY, 2, 0), "finite");
    refused(mk(HN_DIST_UNIFORM, -1e308, 1e308, 0), "finite");
    refused(mk(HN_DIST_TRIANGULAR, 1, 0.5, 2), "needs min <= mode <= max and min < max");
    refused(mk(HN_DIST_TRIANGULAR, 1, 2.5, 2), "needs min <= mode <= max and min < max");
    refused(mk(HN_DIST_TRIANGULAR, 1, 1, 1), "needs min <= mode <= max and min < max");
    refused(mk(HN_DIST_TRIANGULAR, 1, 1, NAN), "finite");
    refused(mk(HN_DIST_PERT, 0.02, 0.01, 0.04), "needs min <= mode <= max and min < max");
    refused(mk(HN_DIST_PERT, 0.01, 0.05, 0.04), "needs min <= mode <= max and min < max");
    refused(mk(HN_DIST_PERT, 0.04, 0.04, 0.04), "needs min <= mode <= max and min < max");
    refused(mk(HN_DIST_BETA, 0, 2, 0), "a and b must be > 0");
    refused(mk(HN_DIST_BETA, 2, -1, 0), "a and b must be > 0");
    refused(mk(HN_DIST_BETA, 1e-4, 2, 0), "between");
    refused(mk(HN_DIST_BETA, 2, 2e5, 0), "between");
    refused(mk(HN_DIST_LOGNORMAL, 0, 1, 0), "mean must be > 0");
    refused(mk(HN_DIST_LOGNORMAL, -2, 1, 0), "mean must be > 0");
    refused(mk(HN_DIST_LOGNORMAL, 2, 0, 0), "sd must be > 0");
    refused(mk(HN_DIST_LOGNORMAL, 1e-200, 1e200, 0), "sd / mean");
    refused(mk((hn_dist_kind)HN_DIST__COUNT, 1, 1, 1), "unknown");
    assert_non_null(dist_check(NULL));
}

static void test_names(void **state)
{
    (void)state;
    const char *names[] = { "normal", "uniform", "triangular", "pert", "beta", "lognormal" };
    const int counts[] = { 2, 2, 3, 3, 2, 2 };
    for (int i = 0; i < 6; i++) {
        hn_dist_kind k;
        assert_true(dist_kind_from_name(names[i], &k));
        assert_int_equal(k, HN_DIST_NORMAL + i);
        assert_string_equal(dist_name(k), names[i]);
        assert_int_equal(dist_param_count(k), counts[i]);
    }
    assert_string_equal(dist_name(HN_DIST_CONST), "constant");
    assert_int_equal(dist_param_count(HN_DIST_CONST), 1);
    hn_dist_kind k = HN_DIST_BETA;
    assert_false(dist_kind_from_name("constant", &k)); /* no call syntax for a constant */
    assert_false(dist_kind_from_name("gamma", &k));
    assert_false(dist_kind_from_name("Normal", &k));
    assert_false(dist_kind_from_name("", &k));
    assert_false(dist_kind_from_name(NULL, &k));
    assert_int_equal(k, HN_DIST_BETA); /* untouched on failure */
    assert_string_equal(dist_name((hn_dist_kind)99), "unknown");
    assert_int_equal(dist_param_count((hn_dist_kind)99), 0);
}

static void test_format(void **state)
{
    (void)state;
    char buf[64];
    hn_dist d = mk(HN_DIST_PERT, 0.01, 0.02, 0.04);
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "pert(0.01, 0.02, 0.04)");
    d = mk(HN_DIST_CONST, 4258000, 0, 0);
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "4258000");
    d = mk(HN_DIST_NORMAL, 0.03, 0.01, 0);
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "normal(0.03, 0.01)");
    d = mk(HN_DIST_TRIANGULAR, 0, 2000, 4000);
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "triangular(0, 2000, 4000)");
    d = mk(HN_DIST_LOGNORMAL, 1e20, 2.5e-7, 0);
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "lognormal(1e+20, 2.5e-07)");
    d = mk(HN_DIST_CONST, -3.5, 0, 0);
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "-3.5");
    d = mk(HN_DIST_CONST, 0.1 + 0.2, 0, 0); /* %.15g hides the last bits */
    dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "0.3");

    /* Truncated, always terminated. */
    d = mk(HN_DIST_PERT, 0.01, 0.02, 0.04);
    char small[8];
    memset(small, 'x', sizeof small);
    dist_format(&d, small, sizeof small);
    assert_string_equal(small, "pert(0.");
    char one[1] = { 'x' };
    dist_format(&d, one, 1);
    assert_int_equal(one[0], '\0');
    dist_format(&d, NULL, 0); /* nothing to write: no crash */
}

/* The C decimal point whatever the locale, when a comma locale is installed. */
static void test_format_locale(void **state)
{
    (void)state;
    const char *locs[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8" };
    const char *set = NULL;
    for (size_t i = 0; i < 4 && !set; i++) set = setlocale(LC_NUMERIC, locs[i]);
    if (!set) skip(); /* no comma-decimal locale on this machine */
    char buf[64];
    hn_dist d = mk(HN_DIST_PERT, 0.01, 0.02, 0.04);
    dist_format(&d, buf, sizeof buf);
    setlocale(LC_NUMERIC, "C");
    assert_string_equal(buf, "pert(0.01, 0.02, 0.04)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_moments),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_triangular_moments),
        cmocka_unit_test(test_pert_moments),
        cmocka_unit_test(test_beta_moments),
        cmocka_unit_test(test_lognormal_moments),
        cmocka_unit_test(test_closed_forms),
        cmocka_unit_test(test_support_bounds),
        cmocka_unit_test(test_support_extreme_shapes),
        cmocka_unit_test(test_constant_consumes_nothing),
        cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_quantile_edges_and_monotone),
        cmocka_unit_test(test_no_gsl_errors_at_limits),
        cmocka_unit_test(test_check_accepts_valid),
        cmocka_unit_test(test_check_refuses_invalid),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
