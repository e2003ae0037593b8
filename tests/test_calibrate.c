/*
 * test_calibrate.c - calibration (engine/analysis/calibrate.c) is honest:
 * checked by simulation, then every failure case with its message.
 *
 * A scenario with known values (the truth) gives its deterministic figures;
 * histories are drawn from them with Poisson noise (and, in one test, with
 * overdispersion: a gamma-Poisson mixture of dispersion 3), each with its
 * own seed; a copy of the scenario whose keys are written with other values
 * is calibrated to each history. Over the histories the estimates must be
 * unbiased within their standard errors, the standard errors must match
 * the spread of the estimates, and the 80% intervals must cover the truth
 * in 70-90% of the histories, for each fitted key. The numbers are printed
 * ("measured:") so that a reader sees them.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/calibrate.h"
#include "model/layout.h"
#include "model/params.h"
#include "model/sim.h"
#include "scenario/history.h"
#include "support/testutil.h"

/* The truth: two segments excluded into a PRU, ten years from 2012. */
#define TRUTH_PRIMARY_EXCLUSION   0.035
#define TRUTH_SECONDARY_EXCLUSION 0.065
#define TRUTH_PRIMARY_REFERRALS   45.0

/* The scenario with the three fitted keys as %s placeholders (their written values). */
static const char *const fit_keys[3] = { "demand.primary.exclusion", "demand.secondary.exclusion",
                                         "demand.primary.referrals" };
static const double truth[3] = { TRUTH_PRIMARY_EXCLUSION, TRUTH_SECONDARY_EXCLUSION,
                                 TRUTH_PRIMARY_REFERRALS };

/* The truth scenario with the given texts for referrals and the two exclusion rates. */
static hn_scenario *load_with(const char *referrals, const char *primary, const char *secondary)
{
    return testutil_truth_scenario(referrals, primary, secondary);
}

/* The deterministic figures of sc (a row of its layout; caller frees both). */
static double *deterministic_row(const hn_scenario *sc, hn_layout *lay)
{
    hn_error err;
    assert_int_equal(layout_init(lay, sc, &err), HN_OK);
    hn_sim *sim = sim_new(sc, lay);
    double *pv = calloc((size_t)sc->n_slots, sizeof *pv);
    double *row = calloc((size_t)lay->n_cols, sizeof *row);
    assert_non_null(sim);
    params_means(sc, pv, NULL);
    sim_iteration(sim, pv, 0, 0, true, row, NULL);
    sim_free(sim);
    free(pv);
    return row;
}

/* The observed figures: exclusions of both segments and referrals of primary, every year. */
typedef struct {
    hn_obs_metric metric;
    int segment;
} observed_figure;
static const observed_figure figures[3] = { { HN_OBS_EXCLUSIONS, 0 },
                                            { HN_OBS_EXCLUSIONS, 1 },
                                            { HN_OBS_REFERRALS, 0 } };

/*
 * Fills h (30 observations) with draws about the truth's figures: Poisson,
 * or gamma-Poisson with dispersion phi when phi > 1 (variance phi x mean).
 */
static void draw_history(const hn_layout *lay, const double *row, gsl_rng *r, double phi,
                         hn_history *h)
{
    h->n = 0;
    for (int f = 0; f < 3; f++)
        for (int y = 0; y < lay->years; y++) {
            hn_metric m = figures[f].metric == HN_OBS_EXCLUSIONS ? HN_M_EXCLUSIONS : HN_M_REFERRALS;
            double mu = row[layout_col(lay, m, HN_ENT_SEGMENT, figures[f].segment, y)];
            double lambda = mu;
            if (phi > 1) lambda = gsl_ran_gamma(r, mu / (phi - 1), phi - 1);
            hn_observation *o = &h->obs[h->n];
            *o = (hn_observation){ .year = y,
                                   .metric = figures[f].metric,
                                   .kind = HN_OBS_SEGMENT,
                                   .index = figures[f].segment,
                                   .value = gsl_ran_poisson(r, lambda),
                                   .line = h->n + 2 };
            h->n++;
        }
    h->first_year = 0;
    h->last_year = lay->years - 1;
}

/* Per key over the histories: estimates, standard errors, coverage. */
typedef struct {
    double sum_est, sum_est2, sum_se, sum_z;
    int covered, n;
} key_tally;

/*
 * Calibrates n_hist histories drawn with dispersion phi and checks each
 * key: |mean z| within 3 standard errors of a mean of n_hist z's, the sd
 * of the estimates within 25% of the mean standard error, 80% intervals
 * covering the truth in 70-90% of the histories.
 */
static void simulate_and_check(int n_hist, double phi, uint64_t seed)
{
    hn_scenario *truth_sc = load_with("45", "0.035", "0.065");
    hn_layout lay;
    double *row = deterministic_row(truth_sc, &lay);
    hn_scenario *sc = load_with("30", "pert(0.01, 0.05, 0.09)", "0.1");
    hn_history h = { .path = "generated.csv", .sha256 = "0" };
    hn_observation obs[64];
    h.obs = obs;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    key_tally t[3] = { { 0 } };
    double sum_disp = 0;
    int overdispersed = 0;
    for (int k = 0; k < n_hist; k++) {
        draw_history(&lay, row, r, phi, &h);
        hn_fit *fit = NULL;
        hn_error err;
        hn_status st = calibrate_fit(sc, &h, lay.years - 1, fit_keys, 3, &fit, &err);
        if (st != HN_OK) fail_msg("history %d: %s", k, err.message);
        for (int q = 0; q < 3; q++) {
            const hn_fit_key *key = &fit->keys[q];
            t[q].sum_est += key->estimate;
            t[q].sum_est2 += key->estimate * key->estimate;
            t[q].sum_se += key->se;
            t[q].sum_z += (key->estimate - truth[q]) / key->se;
            t[q].covered += key->lo <= truth[q] && truth[q] <= key->hi;
            t[q].n++;
        }
        sum_disp += fit->dispersion;
        overdispersed += fit->dispersion > 1;
        calibrate_free(fit);
    }
    printf("measured: %d histories, dispersion %g: the dispersion was used in %d (mean %.3f)\n",
           n_hist, phi, overdispersed, sum_disp / n_hist);
    for (int q = 0; q < 3; q++) {
        double mean = t[q].sum_est / t[q].n;
        double sd = sqrt((t[q].sum_est2 - t[q].n * mean * mean) / (t[q].n - 1));
        double se = t[q].sum_se / t[q].n, z = t[q].sum_z / t[q].n;
        double coverage = (double)t[q].covered / t[q].n;
        printf("measured: %-28s truth %-6g mean estimate %-9.5g bias %+.3g (%.2f SE), sd of "
               "estimates %.4g, mean SE %.4g, mean z %+.3f, 80%% interval covers %.1f%%\n",
               fit_keys[q], truth[q], mean, mean - truth[q], (mean - truth[q]) / se, sd, se, z,
               100 * coverage);
        /* Unbiased within the standard errors: the mean z of n_hist histories is within 3 of
         * its own standard error (1 / sqrt(n_hist)) of 0, and the bias is under 0.15 SE. */
        assert_true(fabs(z) < 3.0 / sqrt(n_hist));
        assert_true(fabs(mean - truth[q]) < 0.15 * se);
        /* The standard errors describe the spread of the estimates. */
        assert_true(fabs(sd / se - 1) < 0.25);
        /* The 80% interval covers the truth in 70-90% of the histories. */
        assert_true(coverage >= 0.70 && coverage <= 0.90);
    }
    if (phi > 1)
        assert_true(sum_disp / n_hist > 0.6 * phi);
    else
        assert_true(overdispersed < 0.15 * n_hist);
    gsl_rng_free(r);
    free(row);
    layout_free(&lay);
    scenario_free(sc);
    scenario_free(truth_sc);
}

/* Poisson histories: 400 of them. */
static void test_poisson_histories(void **state)
{
    (void)state;
    simulate_and_check(400, 1.0, 20261201);
}

/* Overdispersed histories (variance 3 x mean): the dispersion is estimated and used. */
static void test_overdispersed_histories(void **state)
{
    (void)state;
    simulate_and_check(300, 3.0, 5551212);
}

/* Adds an observation to h. */
static void observe(hn_history *h, int year, hn_obs_metric m, hn_obs_entity kind, int index,
                    double value)
{
    h->obs[h->n] = (hn_observation){
        .year = year, .metric = m, .kind = kind, .index = index, .value = value, .line = h->n + 2
    };
    h->n++;
}

/*
 * Closed forms. Referrals alone: referrals in year y are R (1.04)^(y-1), so
 * the Poisson MLE is R = sum(observed) / sum(1.04^(y-1)) with standard
 * error sqrt(R / sum(1.04^(y-1))). A cost line's net cost observed: normal
 * with sd 2% of each observation, so the MLE is the weighted mean with
 * weights 1 / (0.02 y)^2 and standard error 1 / sqrt(sum of the weights).
 */
static void test_closed_forms(void **state)
{
    (void)state;
    hn_scenario *sc = load_with("30", "0.035", "0.065");
    hn_observation obs[16];
    hn_history h = { .path = "h.csv", .sha256 = "0", .obs = obs };
    static const double seen[6] = { 41, 52, 44, 57, 49, 60 };
    double sum = 0, growth = 0;
    for (int y = 0; y < 6; y++) {
        observe(&h, y, HN_OBS_REFERRALS, HN_OBS_SEGMENT, 0, seen[y]);
        sum += seen[y];
        growth += pow(1.04, y);
    }
    const char *key[1] = { "demand.primary.referrals" };
    hn_fit *fit = NULL;
    hn_error err;
    assert_int_equal(calibrate_fit(sc, &h, 9, key, 1, &fit, &err), HN_OK);
    double r = sum / growth;
    printf("measured: referrals MLE %.8g (closed form %.8g), SE %.6g (%.6g)\n",
           fit->keys[0].estimate, r, fit->keys[0].se, sqrt(r / growth));
    assert_double_rel(fit->keys[0].estimate, r, 1e-5);
    assert_double_rel(fit->keys[0].se, sqrt(r / growth), 1e-3);
    assert_double_rel(fit->dispersion, 1, 0); /* X2 = 4.9 on 5 df: no overdispersion */
    assert_int_equal(fit->df, 5);
    /* The fitted value is written as a lognormal with that mean and sd. */
    assert_int_equal(fit->keys[0].fitted.kind, HN_DIST_LOGNORMAL);
    assert_double_rel(fit->keys[0].fitted.p[0], r, 1e-5);
    /* The scenario is as loaded after the fit. */
    assert_double_rel(sc->segments[0].referrals.items[0].p[0], 30, 0);
    calibrate_free(fit);

    static const double amounts[4] = { 240000, 262000, 251000, 255000 };
    double sw = 0, swy = 0;
    h.n = 0;
    for (int y = 0; y < 4; y++) {
        observe(&h, y, HN_OBS_NET_COST, HN_OBS_COST, 0, amounts[y]);
        double w = 1 / pow(0.02 * amounts[y], 2);
        sw += w;
        swy += w * amounts[y];
    }
    const char *cost[1] = { "cost.team.amount" };
    assert_int_equal(calibrate_fit(sc, &h, 9, cost, 1, &fit, &err), HN_OK);
    printf("measured: cost MLE %.8g (closed form %.8g), SE %.6g (%.6g)\n", fit->keys[0].estimate,
           swy / sw, fit->keys[0].se, 1 / sqrt(sw));
    assert_double_rel(fit->keys[0].estimate, swy / sw, 1e-5);
    assert_double_rel(fit->keys[0].se, 1 / sqrt(sw), 1e-3);
    calibrate_free(fit);
    scenario_free(sc);
}

/* Probabilities of one source fitted together stay within the room the others leave. */
static void test_probabilities_stay_within_their_source(void **state)
{
    (void)state;
    hn_scenario *sc = load_with("45", "0.035", "0.065");
    hn_observation obs[32];
    hn_history h = { .path = "h.csv", .sha256 = "0", .obs = obs };
    /* Many exclusions and a short wait: rates whose sum is close to 1 (about 0.4 + 0.3). */
    static const double excluded[10] = { 66, 71, 75, 69, 73, 70, 68, 74, 72, 70 };
    for (int y = 0; y < 10; y++) {
        observe(&h, y, HN_OBS_EXCLUSIONS, HN_OBS_SEGMENT, 1, excluded[y]);
        observe(&h, y, HN_OBS_WAITING, HN_OBS_SEGMENT, 1, 60 + (y % 3));
    }
    const char *keys[2] = { "demand.secondary.exclusion", "demand.secondary.resolve" };
    hn_fit *fit = NULL;
    hn_error err;
    hn_status st = calibrate_fit(sc, &h, 9, keys, 2, &fit, &err);
    if (st != HN_OK) fail_msg("%s", err.message);
    double e = fit->keys[0].estimate, r = fit->keys[1].estimate;
    printf("measured: exclusion %.5g + resolve %.5g = %.5g\n", e, r, e + r);
    assert_true(e > 0 && r > 0 && e + r < 1);
    assert_true(fit->keys[0].lo > 0 && fit->keys[1].hi < 1);
    /* Two probabilities of one source are written as PERTs whose largest values sum to <= 1. */
    assert_int_equal(fit->keys[0].fitted.kind, HN_DIST_PERT);
    assert_int_equal(fit->keys[1].fitted.kind, HN_DIST_PERT);
    assert_true(dist_upper(&fit->keys[0].fitted) + dist_upper(&fit->keys[1].fitted) <= 1 + 1e-12);
    assert_double_rel(dist_mean(&fit->keys[0].fitted), e, 1e-5);
    /* Applied in memory, the planned run reproduces the fit; undone, the scenario is back. */
    hn_fit_applied a;
    assert_int_equal(calibrate_apply(sc, fit, &a, &err), HN_OK);
    assert_int_equal(sc->segments[1].exclusion.items[0].kind, HN_DIST_PERT);
    calibrate_unapply(&a);
    assert_int_equal(sc->segments[1].exclusion.items[0].kind, HN_DIST_CONST);
    assert_double_rel(sc->segments[1].exclusion.items[0].p[0], 0.065, 0);
    calibrate_free(fit);
    scenario_free(sc);
}

/* Runs a fit that must fail with HN_ERR_USAGE and a message containing want. */
static void expect_fail(hn_scenario *sc, const hn_history *h, const char *const *keys, int n,
                        const char *want)
{
    hn_fit *fit = NULL;
    hn_error err;
    hn_error_clear(&err);
    assert_int_equal(calibrate_fit(sc, h, sc->years - 1, keys, n, &fit, &err), HN_ERR_USAGE);
    assert_null(fit);
    printf("message: %s\n", err.message);
    assert_contains(err.message, want);
}

/* The failure cases of MODEL.md section 9 and the keys that cannot be fitted, each with its message. */
static void test_failures(void **state)
{
    (void)state;
    hn_scenario *sc = load_with("45", "0.035", "pert(0.05, 0.065, 0.08)");
    hn_observation obs[32];
    hn_history h = { .path = "h.csv", .sha256 = "0", .obs = obs };
    for (int y = 0; y < 5; y++) observe(&h, y, HN_OBS_EXCLUSIONS, HN_OBS_SEGMENT, 0, 4 + y);
    const char *unknown[1] = { "demand.primary.exclusio" };
    expect_fail(sc, &h, unknown, 1, "did you mean `demand.primary.exclusion`?");
    const char *unwritten[1] = { "demand.primary.ehcna" };
    expect_fail(sc, &h, unwritten, 1, "is not written in the scenario");
    const char *twice[2] = { "demand.primary.exclusion", "demand.primary.exclusion" };
    expect_fail(sc, &h, twice, 2, "named twice");
    /* A key the history cannot inform: no observed figure depends on the team's cost. */
    const char *cost[1] = { "cost.team.amount" };
    expect_fail(sc, &h, cost, 1,
                "--fit cost.team.amount: the history cannot inform it: none of the 5 observed "
                "figures (exclusions) changes with it");
    /* Fewer observations than keys. */
    const char *three[3] = { "demand.primary.exclusion", "demand.primary.referrals",
                             "demand.secondary.exclusion" };
    h.n = 2;
    expect_fail(sc, &h, three, 3, "3 keys to fit but only 2 observations (up to 2021/22)");
    /* Two keys the history cannot tell apart: two cost lines when only the total is observed. */
    h.n = 0;
    for (int y = 0; y < 10; y++) observe(&h, y, HN_OBS_NET_COST, HN_OBS_TOTAL, 0, 2.6e6);
    const char *money[2] = { "cost.team.amount", "cost.other.amount" };
    expect_fail(sc, &h, money, 2,
                "--fit cost.team.amount and cost.other.amount: the history cannot tell them apart");
    /* A fit that does not converge: no primary exclusion in ten years sends the rate to 0. */
    h.n = 0;
    for (int y = 0; y < 10; y++) observe(&h, y, HN_OBS_EXCLUSIONS, HN_OBS_SEGMENT, 0, 0);
    const char *one[1] = { "demand.primary.exclusion" };
    expect_fail(sc, &h, one, 1, "the fit did not converge: demand.primary.exclusion heads to");
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_forms),
        cmocka_unit_test(test_probabilities_stay_within_their_source),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_poisson_histories),
        cmocka_unit_test(test_overdispersed_histories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
