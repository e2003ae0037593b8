/*
 * test_backtest.c - the back-test (engine/analysis/backtest.c) is honest:
 * on histories the model itself generates, the P10-P90 band of the
 * calibrated projection covers about 80% of the held-out observations.
 *
 * The truth is a scenario with known constant rates; each Monte Carlo
 * iteration of it is one history (exclusions of both segments and
 * referrals of one, ten years: its flows drawn as the model draws them).
 * A copy whose keys are written with other values is back-tested on each
 * history; the scores of every held-out observation are pooled. Then the
 * bookkeeping of one origin and of rolling origins, and the errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/backtest.h"
#include "analysis/stats.h"
#include "support/testutil.h"

static const char *const keys[3] = { "demand.primary.exclusion", "demand.secondary.exclusion",
                                     "demand.primary.referrals" };

/* The truth scenario with the given texts for referrals and the two exclusion rates. */
static hn_scenario *load_with(const char *referrals, const char *primary, const char *secondary)
{
    return testutil_truth_scenario(referrals, primary, secondary);
}

/* Fills h with iteration it of res: exclusions of both segments and primary referrals, each year. */
static void history_of(const hn_results *res, long it, hn_history *h)
{
    const hn_layout *lay = &res->layout;
    static const struct {
        hn_obs_metric obs;
        hn_metric m;
        int seg;
    } figs[3] = { { HN_OBS_EXCLUSIONS, HN_M_EXCLUSIONS, 0 },
                  { HN_OBS_EXCLUSIONS, HN_M_EXCLUSIONS, 1 },
                  { HN_OBS_REFERRALS, HN_M_REFERRALS, 0 } };
    h->n = 0;
    for (int f = 0; f < 3; f++)
        for (int y = 0; y < lay->years; y++) {
            int col = layout_col(lay, figs[f].m, HN_ENT_SEGMENT, figs[f].seg, y);
            h->obs[h->n] = (hn_observation){ .year = y,
                                             .metric = figs[f].obs,
                                             .kind = HN_OBS_SEGMENT,
                                             .index = figs[f].seg,
                                             .value = results_get(res, col, it),
                                             .line = h->n + 2 };
            h->n++;
        }
    h->first_year = 0;
    h->last_year = lay->years - 1;
}

/*
 * 60 histories from the model, the last 3 years held out, 400 iterations
 * per projection: the P10-P90 band covers 70-90% of the 540 held-out
 * observations (about 80% if honest), P5-P95 more.
 */
static void test_coverage_on_model_histories(void **state)
{
    (void)state;
    hn_scenario *truth = load_with("45", "0.035", "0.065");
    hn_run_opts gen = { .iterations = 60, .seed = 31337, .threads = 2 };
    hn_results *res = testutil_run(truth, &gen);
    hn_scenario *sc = load_with("30", "pert(0.01, 0.05, 0.09)", "0.1");
    hn_observation obs[64];
    hn_history h = { .path = "model.csv", .sha256 = "0", .obs = obs };
    int scored = 0, inside = 0, inside90 = 0;
    double mape = 0;
    for (long it = 0; it < res->n_iter; it++) {
        history_of(res, it, &h);
        hn_run_opts opts = { .iterations = 400, .seed = 1000 + (uint64_t)it, .threads = 1 };
        hn_backtest *bt = NULL;
        hn_error err;
        if (backtest_run(sc, &h, keys, 3, 3, &opts, NULL, NULL, &bt, &err) != HN_OK)
            fail_msg("history %ld: %s", it, err.message);
        assert_int_equal(bt->n, 9);
        scored += bt->n;
        for (int i = 0; i < bt->n; i++) {
            inside += bt->rows[i].inside;
            inside90 += bt->rows[i].inside90;
        }
        mape += bt->mape;
        backtest_free(bt);
    }
    double cov = (double)inside / scored, cov90 = (double)inside90 / scored;
    printf("measured: back-test on %ld model-generated histories (last 3 years held out, %d "
           "observations): P10-P90 covers %.1f%%, P5-P95 %.1f%%, mean MAPE %.1f%%\n",
           res->n_iter, scored, 100 * cov, 100 * cov90, mape / res->n_iter);
    assert_true(cov >= 0.70 && cov <= 0.90);
    assert_true(cov90 >= cov && cov90 >= 0.82 && cov90 <= 0.98);
    results_free(res);
    scenario_free(sc);
    scenario_free(truth);
}

/* One origin and rolling origins: what is scored from where, and the overall scores. */
static void test_origins(void **state)
{
    (void)state;
    hn_scenario *truth = load_with("45", "0.035", "0.065");
    hn_run_opts gen = { .iterations = 1, .seed = 99, .threads = 1 };
    hn_results *res = testutil_run(truth, &gen);
    hn_observation obs[64];
    hn_history h = { .path = "model.csv", .sha256 = "0", .obs = obs };
    history_of(res, 0, &h);
    hn_run_opts opts = { .iterations = 300, .seed = 5, .threads = 2 };
    hn_backtest *bt = NULL;
    hn_error err;
    assert_int_equal(backtest_run(truth, &h, keys, 3, 4, &opts, NULL, NULL, &bt, &err), HN_OK);
    assert_int_equal(bt->n_origins, 1);
    assert_int_equal(bt->origins[0].origin, 6);
    assert_int_equal(bt->origins[0].fit->last_year, 5);
    assert_int_equal(bt->origins[0].fit->n_obs, 18);
    assert_int_equal(bt->n, 12);
    int inside = 0, n_pct = 0;
    double pct = 0;
    for (int i = 0; i < bt->n; i++) {
        const hn_scored *r = &bt->rows[i];
        assert_true(r->year >= 6);
        assert_int_equal(r->origin, 6);
        inside += r->inside;
        if (r->observed > 0) {
            pct += 100 * (r->mean - r->observed) / r->observed;
            n_pct++;
        }
    }
    assert_double_rel(bt->coverage_p10_p90, (double)inside / bt->n, 1e-15);
    assert_double_rel(bt->bias, pct / n_pct, 1e-12);
    /* The band of a figure in a held-out year is the row's. */
    int f = backtest_figure(bt, bt->rows[0].col - bt->rows[0].year);
    assert_true(f >= 0);
    assert_double_rel(backtest_band(bt, 0, f, bt->rows[0].year, 1), bt->rows[0].mean, 1e-15);
    /* The scenario is as loaded afterwards. */
    assert_int_equal(truth->segments[0].exclusion.items[0].kind, HN_DIST_CONST);
    assert_int_equal(truth->n_correlations, 0);
    backtest_free(bt);

    /* Rolling: every origin from the second year (3 observations a year >= 3 keys). */
    assert_int_equal(
        backtest_run(truth, &h, keys, 3, HN_BACKTEST_ALL, &opts, NULL, NULL, &bt, &err), HN_OK);
    assert_int_equal(bt->n_origins, 9);
    int total = 0;
    for (int o = 0; o < bt->n_origins; o++) {
        const hn_bt_origin * or = &bt->origins[o];
        assert_int_equal(or->origin, o + 1);
        if (! or->fit) {
            printf("origin %d skipped: %s\n", or->origin, or->skipped);
            continue;
        }
        assert_int_equal(or->n, 3 * (10 - or->origin));
        total += or->n;
    }
    assert_int_equal(bt->n, total);
    printf("measured: rolling origins on one history: %d observations, %.1f%% inside P10-P90\n",
           bt->n, 100 * bt->coverage_p10_p90);
    backtest_free(bt);
    results_free(res);
    scenario_free(truth);
}

/* The errors, each with its message. */
static void test_errors(void **state)
{
    (void)state;
    hn_scenario *sc = load_with("45", "0.035", "0.065");
    hn_observation obs[64];
    hn_history h = { .path = "h.csv", .sha256 = "0", .obs = obs };
    for (int y = 2; y < 5; y++)
        obs[h.n++] = (hn_observation){ .year = y,
                                       .metric = HN_OBS_EXCLUSIONS,
                                       .kind = HN_OBS_TOTAL,
                                       .value = 10,
                                       .line = h.n + 2 };
    h.first_year = 2;
    h.last_year = 4;
    hn_run_opts opts = { .iterations = 100, .seed = 1, .threads = 1 };
    hn_backtest *bt = NULL;
    hn_error err;
    const char *one[1] = { "demand.primary.exclusion" };
    assert_int_equal(backtest_run(sc, &h, one, 1, 3, &opts, NULL, NULL, &bt, &err), HN_ERR_USAGE);
    assert_contains(err.message, "--holdout 3: the history covers 3 years (2014/15 to 2016/17), so "
                                 "holding out 3 leaves none to calibrate on");
    assert_int_equal(backtest_run(sc, &h, keys, 3, 1, &opts, NULL, NULL, &bt, &err), HN_ERR_USAGE);
    assert_contains(err.message, "3 keys to fit but only 2 observations");
    assert_int_equal(backtest_run(sc, &h, keys, 3, HN_BACKTEST_ALL, &opts, NULL, NULL, &bt, &err),
                     HN_ERR_USAGE);
    assert_contains(err.message, "--holdout all: no origin has as many observations before it as "
                                 "the 3 keys fitted");
    hn_run_opts det = { .deterministic = true, .threads = 1 };
    assert_int_equal(backtest_run(sc, &h, one, 1, 1, &det, NULL, NULL, &bt, &err), HN_ERR_USAGE);
    assert_contains(err.message, "which a deterministic run does not have");
    assert_null(bt);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origins),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_coverage_on_model_histories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
