/*
 * test_sensitivity.c - the sensitivity analysis (engine/analysis/sensitivity.c)
 * and the engine's fixed inputs (hn_run_opts.fixed) that its held runs rest on.
 *
 * Spearman against hand-computed coefficients (with and without ties) and
 * against gsl_stats_spearman on the run's own columns; swings on
 * tests/fixtures/sensitivity/linear.ini, where net cost over all years is
 * 30 * cost_per_pupil + 3 * noise + 3 * max(neg, 0), so that with common
 * random numbers every swing is known exactly: the width is the slope
 * times (Q90 - Q10) in every iteration, and the level is the run's mean
 * moved by the slope times (Q - mean of the draws). Held values of a count
 * are rounded and of money clamped at 0; a fixed input keeps every other draw.
 */
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/dist.h"
#include "model/engine.h"
#include "scenario/scenario.h"
#include "analysis/sensitivity.h"
#include "support/testutil.h"

#define LINEAR "tests/fixtures/sensitivity/linear.ini"

/* Inputs of linear.ini in params_inputs order. */
enum { IN_REFERRALS, IN_CPP, IN_NOISE, IN_NEG, IN__N };

/* Runs sc (Monte Carlo, seed 2385); fails the test on error. */
static hn_results *run(const hn_scenario *sc, const hn_run_opts *opts)
{
    return testutil_run(sc, opts);
}

/* Analyses r; fails the test on error. */
static hn_sensitivity *analyse(const hn_scenario *sc, const hn_run_opts *opts, const hn_results *r,
                               long swing_n)
{
    hn_sensitivity *s = NULL;
    hn_error err;
    hn_status st = sensitivity_compute(sc, opts, r, NULL, swing_n, &s, &err);
    if (st != HN_OK) print_error("sensitivity_compute: %s\n", err.message);
    assert_int_equal(st, HN_OK);
    assert_non_null(s);
    return s;
}

/* Column of the total of metric m, all years (what the sensitivity outputs read). */
static const double *out_col(const hn_results *r, hn_metric m)
{
    int col = layout_col(&r->layout, m, HN_ENT_TOTAL, 0, r->layout.years);
    assert_true(col >= 0);
    return r->values + (long)col * r->n_iter;
}

/* Mean of input k's draws over the first n iterations of r. */
static double input_mean(const hn_results *r, int k, long n)
{
    return gsl_stats_mean(r->input_values + (long)k * r->n_iter, 1, (size_t)n);
}

/* The coefficients of a run are GSL's on the stored draws and columns (to 1e-13: the sums run
 * in another order); undefined for outputs
 * that do not vary (no exclusions, always the same 10 pupils supported). */
static void test_spearman_matches_gsl(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    hn_run_opts opts = { .iterations = 3000, .seed = 2385, .threads = 2 };
    hn_results *r = run(sc, &opts);
    assert_int_equal(r->n_inputs, IN__N);
    hn_sensitivity *s = analyse(sc, &opts, r, 0);
    assert_int_equal(s->swing_iterations, 0);
    double *work = malloc(2 * (size_t)r->n_iter * sizeof *work);
    assert_non_null(work);
    for (int k = 0; k < IN__N; k++) {
        double want = gsl_stats_spearman(r->input_values + (long)k * r->n_iter, 1,
                                         out_col(r, HN_M_NET_COST), 1, (size_t)r->n_iter, work);
        assert_double_rel(s->inputs[k].spearman[HN_SENS_NET_COST], want, 1e-13);
        assert_true(isnan(s->inputs[k].spearman[HN_SENS_EXCLUSIONS]));
        assert_true(isnan(s->inputs[k].spearman[HN_SENS_SUPPORTED]));
        assert_true(isnan(s->inputs[k].swing_p10[HN_SENS_NET_COST]));
    }
    /* The noise line's uniform(0, 50000) times 3 dominates 30 x triangular(4000, 6000, 9000). */
    assert_true(s->inputs[IN_NOISE].spearman[HN_SENS_NET_COST] > 0.7);
    assert_true(s->inputs[IN_CPP].spearman[HN_SENS_NET_COST] > 0.4);
    assert_true(fabs(s->inputs[IN_REFERRALS].spearman[HN_SENS_NET_COST]) < 4.0 / sqrt(3000.0));
    free(work);
    sensitivity_free(s);
    results_free(r);
    scenario_free(sc);
}

/* Held values: inverse CDFs, a count rounded, money clamped at 0. */
static void test_held_values(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    hn_run_opts opts = { .iterations = 200, .seed = 2385, .threads = 1 };
    hn_results *r = run(sc, &opts);
    hn_sensitivity *s = analyse(sc, &opts, r, 0);
    assert_double_rel(s->inputs[IN_REFERRALS].held_p10, 1.0, 0); /* 1.05 rounded */
    assert_double_rel(s->inputs[IN_REFERRALS].held_p90, 9.0, 0); /* 9.45 rounded */
    assert_double_rel(s->inputs[IN_CPP].held_p10, 5000.0,
                      1e-14); /* 4000 + sqrt(0.1 * 5000 * 2000) */
    assert_double_rel(s->inputs[IN_CPP].held_p90, 9000.0 - sqrt(0.1 * 5000 * 3000), 1e-14);
    assert_double_rel(s->inputs[IN_NOISE].held_p10, 5000.0, 1e-12);
    assert_double_rel(s->inputs[IN_NOISE].held_p90, 45000.0, 1e-12);
    assert_double_rel(s->inputs[IN_NEG].held_p10, 0.0, 0); /* 1000 - 1.2816 * 2000 < 0 */
    assert_double_rel(s->inputs[IN_NEG].held_p90, 1000.0 + 2000.0 * 1.2815515655446004, 1e-12);
    assert_int_equal(s->inputs[IN_NEG].domain, HN_DOMAIN_MONEY);
    assert_string_equal(s->inputs[IN_CPP].input.name, "provision.unit.cost_per_pupil");
    sensitivity_free(s);
    results_free(r);
    scenario_free(sc);
}

/*
 * Checks the closed-form swings of linear.ini with held runs of n iterations (of the run's
 * r->n_iter): slope * (Q90 - Q10) wide with a zero standard error (common random numbers),
 * and at the run's mean + slope * (Q10 - mean of the first n draws), which is exactly the held
 * run's mean when n is every iteration.
 */
static void check_linear_swings(const hn_results *r, const hn_sensitivity *s, long n)
{
    assert_int_equal(s->swing_iterations, n);
    static const struct {
        int k;
        double slope;
    } lin[] = { { IN_CPP, 30.0 }, { IN_NOISE, 3.0 }, { IN_NEG, 3.0 } };
    double run_mean = gsl_stats_mean(out_col(r, HN_M_NET_COST), 1, (size_t)r->n_iter);
    assert_double_rel(s->mean[HN_SENS_NET_COST], run_mean, 1e-15);
    for (size_t j = 0; j < sizeof lin / sizeof lin[0]; j++) {
        const hn_sens_input *in = &s->inputs[lin[j].k];
        double q10 = in->held_p10, q90 = in->held_p90, b = lin[j].slope;
        double width = in->swing_p90[HN_SENS_NET_COST] - in->swing_p10[HN_SENS_NET_COST];
        assert_double_rel(width, b * (q90 - q10), 1e-9);
        assert_double_abs(in->swing_se[HN_SENS_NET_COST], 0.0, 1e-6);
        /* Held, iteration i moves by b * (q10 - x_i); x_i as stored (the neg line's clamped). */
        double want10 = run_mean + b * (q10 - input_mean(r, lin[j].k, n));
        assert_double_rel(in->swing_p10[HN_SENS_NET_COST], want10, 1e-9);
        /* Exclusions and pupils supported do not depend on money: no swing. The ten pupils
         * are supported over all years once each (before issue 10: 30, the sum of the
         * years' counts). */
        assert_double_rel(in->swing_p10[HN_SENS_SUPPORTED], 10.0, 1e-15);
        assert_double_rel(in->swing_p90[HN_SENS_SUPPORTED], 10.0, 1e-15);
        assert_double_rel(in->swing_p90[HN_SENS_EXCLUSIONS], 0.0, 0);
    }
    /* Referrals wait unplaced (no route): they move no money. */
    const hn_sens_input *ref = &s->inputs[IN_REFERRALS];
    assert_double_rel(ref->swing_p10[HN_SENS_NET_COST], ref->swing_p90[HN_SENS_NET_COST], 1e-12);
}

/* Every iteration held: the swing is the held run's mean exactly. */
static void test_swings_closed_form_all(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    hn_run_opts opts = { .iterations = 4000, .seed = 2385, .threads = 3 };
    hn_results *r = run(sc, &opts);
    hn_sensitivity *s = analyse(sc, &opts, r, 1000000);
    check_linear_swings(r, s, 4000);
    /* Written out: 30 * (5000 - mean draw) below the run's mean. */
    assert_double_rel(s->inputs[IN_CPP].swing_p10[HN_SENS_NET_COST],
                      s->mean[HN_SENS_NET_COST] + 30.0 * (5000.0 - input_mean(r, IN_CPP, 4000)),
                      1e-9);
    sensitivity_free(s);
    results_free(r);
    scenario_free(sc);
}

/* Held runs capped at 700 of 4000 iterations: still exact widths, levels shifted to the run. */
static void test_swings_closed_form_capped(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    hn_run_opts opts = { .iterations = 4000, .seed = 2385, .threads = 2 };
    hn_results *r = run(sc, &opts);
    hn_sensitivity *s = analyse(sc, &opts, r, 700);
    check_linear_swings(r, s, 700);
    sensitivity_free(s);
    results_free(r);
    scenario_free(sc);
}

/* Ranked by swing width: noise (120,000), cost per pupil (83,258), neg (10,689), referrals (0);
 * without swings by |Spearman|; exclusions (all zero) keep the input order. */
static void test_rank(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    hn_run_opts opts = { .iterations = 2000, .seed = 2385, .threads = 2 };
    hn_results *r = run(sc, &opts);
    hn_sensitivity *s = analyse(sc, &opts, r, 500);
    int order[IN__N];
    sensitivity_rank(s, HN_SENS_NET_COST, order);
    const int want[IN__N] = { IN_NOISE, IN_CPP, IN_NEG, IN_REFERRALS };
    assert_memory_equal(order, want, sizeof want);
    sensitivity_rank(s, HN_SENS_EXCLUSIONS, order);
    const int same[IN__N] = { IN_REFERRALS, IN_CPP, IN_NOISE, IN_NEG };
    assert_memory_equal(order, same, sizeof same);
    sensitivity_free(s);
    s = analyse(sc, &opts, r, 0);
    sensitivity_rank(s, HN_SENS_NET_COST, order);
    assert_int_equal(order[0], IN_NOISE);
    assert_int_equal(order[1], IN_CPP);
    sensitivity_free(s);
    results_free(r);
    scenario_free(sc);
}

/* A fixed input takes its value in every iteration and leaves every other draw as it was. */
static void test_fixed_input_keeps_other_draws(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    hn_run_opts opts = { .iterations = 500, .seed = 2385, .threads = 2 };
    hn_results *a = run(sc, &opts);
    hn_run_opts held = opts;
    hn_fixed_input fix = { IN_CPP, 7123.5 };
    held.fixed = &fix;
    held.n_fixed = 1;
    hn_results *b = run(sc, &held);
    for (long i = 0; i < 500; i++) {
        for (int k = 0; k < IN__N; k++) {
            double want = k == IN_CPP ? 7123.5 : results_input(a, k, i);
            assert_double_rel(results_input(b, k, i), want, 0);
        }
        /* Net cost moves by exactly 30 x the change of cost per pupil. */
        double da = out_col(a, HN_M_NET_COST)[i], db = out_col(b, HN_M_NET_COST)[i];
        assert_double_rel(db - da, 30.0 * (7123.5 - results_input(a, IN_CPP, i)), 1e-9);
    }
    results_free(b);
    results_free(a);

    /* Refused: an input that does not exist, a value that is not finite, a deterministic run. */
    hn_error err;
    hn_results *r = NULL;
    fix.input = IN__N;
    assert_int_equal(engine_run(sc, &held, &r, &err), HN_ERR_USAGE);
    assert_null(r);
    assert_contains(err.message, "4 sampled inputs");
    fix = (hn_fixed_input){ 0, NAN };
    assert_int_equal(engine_run(sc, &held, &r, &err), HN_ERR_USAGE);
    assert_null(r);
    fix.value = 1;
    held.deterministic = true;
    assert_int_equal(engine_run(sc, &held, &r, &err), HN_ERR_USAGE);
    assert_null(r);
    scenario_free(sc);
}

/* Same numbers whatever the thread count; nothing to analyse in a deterministic run. */
static void test_threads_and_deterministic(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load("scenarios/bromley_ap_5yr.ini");
    hn_sensitivity *s[2];
    for (int t = 0; t < 2; t++) {
        hn_run_opts opts = { .iterations = 300, .seed = 99, .threads = t == 0 ? 1 : 3 };
        hn_results *r = run(sc, &opts);
        s[t] = analyse(sc, &opts, r, 120);
        results_free(r);
    }
    assert_int_equal(s[0]->n_inputs, s[1]->n_inputs);
    assert_int_equal(s[0]->n_inputs, 22);
    for (int k = 0; k < s[0]->n_inputs; k++)
        for (int o = 0; o < HN_SENS__COUNT; o++) {
            const hn_sens_input *x = &s[0]->inputs[k], *y = &s[1]->inputs[k];
            assert_memory_equal(&x->spearman[o], &y->spearman[o], sizeof(double));
            assert_memory_equal(&x->swing_p10[o], &y->swing_p10[o], sizeof(double));
            assert_memory_equal(&x->swing_p90[o], &y->swing_p90[o], sizeof(double));
        }
    sensitivity_free(s[0]);
    sensitivity_free(s[1]);

    hn_run_opts det = { .iterations = 1, .seed = 99, .threads = 1, .deterministic = true };
    hn_results *r = run(sc, &det);
    hn_sensitivity *none = (hn_sensitivity *)&det; /* must be overwritten */
    hn_error err;
    assert_int_equal(sensitivity_compute(sc, &det, r, NULL, 100, &none, &err), HN_OK);
    assert_null(none);
    results_free(r);
    scenario_free(sc);
}

/*
 * Decisions R20: the default held runs are estimated before they start -
 * (2 x inputs + 1) runs of n iterations against max(10 x the run's
 * iterations, 100,000) - and n is cut to fit, or to 0 below 100.
 */
static void test_default_swing_budget(void **state)
{
    (void)state;
    assert_int_equal(sensitivity_default_swing(22, 10000), 1000);   /* 45,000 <= 100,000 */
    assert_int_equal(sensitivity_default_swing(22, 200), 200);      /* the run's own 200 */
    assert_int_equal(sensitivity_default_swing(49, 10000), 1000);   /* 99,000 <= 100,000 */
    assert_int_equal(sensitivity_default_swing(50, 10000), 990);    /* 100,000 / 101 */
    assert_int_equal(sensitivity_default_swing(100, 10000), 497);   /* 100,000 / 201 */
    assert_int_equal(sensitivity_default_swing(100, 100000), 1000); /* 201,000 <= 1,000,000 */
    assert_int_equal(sensitivity_default_swing(400, 10000), 124);   /* 100,000 / 801 */
    assert_int_equal(sensitivity_default_swing(400, 60000), 749);   /* 600,000 / 801 */
    assert_int_equal(sensitivity_default_swing(499, 10000), 100);   /* 100,000 / 999 */
    assert_int_equal(sensitivity_default_swing(500, 10000), 0);     /* 99 < 100: no swings */
    assert_int_equal(sensitivity_default_swing(2000, 10000), 0);    /* the 2,000 inputs */
}

/* What the phase callback saw. */
typedef struct {
    long calls, last, total;
    bool monotone, named;
} phase_log;

/* hn_phase_fn of the test: checks the phase's name and that done only grows. */
static void on_phase(void *user, const char *phase, long done, long total)
{
    phase_log *p = user;
    p->named = p->named && !strcmp(phase, "sensitivity: held runs");
    p->monotone = p->monotone && done >= p->last && (p->calls > 0 || done == 0);
    p->last = done;
    p->total = total;
    p->calls++;
}

/*
 * HN_SENS_SWING_DEFAULT within the budget is the default count itself (4
 * inputs: min(1000, 600)), nothing capped, and the phase reports each of
 * its 8 held runs (no unheld run: every iteration is held) from 0 to 8.
 */
static void test_default_swing_and_phase(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(LINEAR);
    phase_log p = { .last = 0, .monotone = true, .named = true };
    hn_run_opts opts = { .iterations = 600,
                         .seed = 2385,
                         .threads = 2,
                         .phase_progress = on_phase,
                         .progress_user = &p };
    hn_results *r = run(sc, &opts);
    hn_sensitivity *s = analyse(sc, &opts, r, HN_SENS_SWING_DEFAULT);
    assert_int_equal(s->swing_iterations, 600);
    assert_int_equal(s->swing_default, 0);
    assert_int_equal(s->held_runs, 2 * IN__N);
    assert_int_equal(p.calls, 2 * IN__N + 1);
    assert_int_equal(p.last, 2 * IN__N);
    assert_int_equal(p.total, 2 * IN__N);
    assert_true(p.monotone && p.named);
    sensitivity_free(s);
    /* Fewer held iterations than the run's: one unheld run more, 9 in all. */
    p = (phase_log){ .last = 0, .monotone = true, .named = true };
    s = analyse(sc, &opts, r, 100);
    assert_int_equal(s->held_runs, 2 * IN__N + 1);
    assert_int_equal(p.last, 2 * IN__N + 1);
    assert_true(p.monotone && p.named);
    sensitivity_free(s);
    results_free(r);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spearman_matches_gsl),
        cmocka_unit_test(test_held_values),
        cmocka_unit_test(test_swings_closed_form_all),
        cmocka_unit_test(test_swings_closed_form_capped),
        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_fixed_input_keeps_other_draws),
        cmocka_unit_test(test_threads_and_deterministic),
        cmocka_unit_test(test_default_swing_budget),
        cmocka_unit_test(test_default_swing_and_phase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
