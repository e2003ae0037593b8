/*
 * test_engine.c - the simulator (sim.c) and the multi-threaded run
 * (engine_run.c): a scenario worked out by hand, conservation of pupils
 * every term, Monte Carlo means against the deterministic values,
 * capacity/overflow/blocked transfers, closures to each kind of
 * destination (on_close), bit-for-bit identity across thread
 * counts, independence of the random streams of unrelated sections, and
 * the run's refusals (memory limit, interruption, bad options), the one
 * memory admission rule (memlimit_admit) and the one payback rule
 * (accounts_payback).
 *
 * Scenarios are INI fixtures in tests/fixtures/engine/ read with
 * scenario_load(); tests run from the repository root.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bigmem.h"
#include "base/memlimit.h"
#include "model/accounts.h"
#include "model/engine.h"
#include "model/layout.h"
#include "model/params.h"
#include "model/rng.h"
#include "scenario/scenario.h"
#include "model/sim.h"
#include "support/testutil.h"

#define FIXTURES "tests/fixtures/engine/"

/* Loads a fixture; fails the test with the loader's message on error. */
static hn_scenario *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, FIXTURES "%s", name);
    return testutil_load(path);
}

/* Runs sc; fails the test on error. */
static hn_results *run(const hn_scenario *sc, long iterations, int threads, bool det, uint64_t seed)
{
    hn_run_opts opts = {
        .iterations = iterations, .seed = seed, .threads = threads, .deterministic = det
    };
    return testutil_run(sc, &opts);
}

/* Value of (metric, kind, index) in year y (years: "all") of iteration i. */
static double val(const hn_results *r, hn_metric m, hn_entity_kind k, int index, int y, long i)
{
    int c = layout_col(&r->layout, m, k, index, y);
    assert_true(c >= 0);
    return results_get(r, c, i);
}

/* Same, for iteration 0 (a deterministic run). */
static double det(const hn_results *r, hn_metric m, hn_entity_kind k, int index, int y)
{
    return val(r, m, k, index, y, 0);
}

/* ------------------------------------------------------------------ */
/* Conservation of pupils, checked after every term through the trace. */

typedef struct {
    int P, S;
    double expected; /* initial + entered - left so far */
    bool exact;      /* Monte Carlo: whole numbers, exact equality */
    int terms;
    /* capacity checks (capacity.ini): provisions with places, -1 for none */
    int capped[4];
    double cap[4];
    int n_capped;
} conserve_ctx;

/* Trace callback: the pupils in provisions and pools equal those who came in minus those who left. */
static void conserve_trace(void *user, const hn_sim_trace *t)
{
    conserve_ctx *c = user;
    c->expected += t->entered - t->left;
    double held = 0;
    for (int i = 0; i < c->P * c->S; i++) {
        assert_true(t->occupancy[i] >= 0);
        if (c->exact) assert_true(t->occupancy[i] == floor(t->occupancy[i]));
        held += t->occupancy[i];
    }
    for (int g = 0; g < c->S; g++) {
        assert_true(t->pool[g] >= 0);
        held += t->pool[g];
    }
    if (c->exact)
        assert_true(held == c->expected);
    else
        assert_double_abs(held, c->expected, 1e-9);
    for (int k = 0; k < c->n_capped; k++) {
        double occ = 0;
        for (int g = 0; g < c->S; g++) occ += t->occupancy[c->capped[k] * c->S + g];
        assert_true(occ <= c->cap[k] + 1e-9);
    }
    c->terms++;
}

/* Pupils at the start: provisions' initial occupants plus the pools. */
static double initial_pupils(const hn_scenario *sc, const double *pv)
{
    double n = 0;
    for (int p = 0; p < sc->n_provisions; p++)
        for (int g = 0; g < sc->n_segments; g++)
            n += params_get(pv, &sc->provisions[p].initial[g], 0);
    for (int g = 0; g < sc->n_segments; g++) n += params_get(pv, &sc->segments[g].initial, 0);
    return n;
}

/* Runs `iters` iterations of fixture `name` through the simulator with the conservation trace. */
static void check_conservation(const char *name, bool deterministic, int iters,
                               const char *const *capped, const double *cap, int n_capped)
{
    hn_scenario *sc = load(name);
    hn_layout lay;
    assert_int_equal(layout_init(&lay, sc, NULL), HN_OK);
    hn_sim *sim = sim_new(sc, &lay);
    assert_non_null(sim);
    double *pv = calloc((size_t)sc->n_slots, sizeof *pv);
    double *row = calloc((size_t)lay.n_cols, sizeof *row);
    gsl_rng *r = rng_new();
    assert_true(pv && row && r);
    conserve_ctx c = {
        .P = sc->n_provisions, .S = sc->n_segments, .exact = !deterministic, .n_capped = n_capped
    };
    for (int k = 0; k < n_capped; k++) {
        c.capped[k] = scenario_provision_index(sc, capped[k]);
        assert_true(c.capped[k] >= 0);
        c.cap[k] = cap[k];
    }
    sim_set_trace(sim, conserve_trace, &c);
    hn_clamps clamped = { 0, 0 };
    for (int i = 0; i < iters; i++) {
        if (deterministic)
            params_means(sc, pv, &clamped);
        else
            params_draw(sc, 77, (uint64_t)i, r, pv, &clamped);
        c.expected = initial_pupils(sc, pv);
        c.terms = 0;
        assert_int_equal(sim_iteration(sim, pv, 77, (uint64_t)i, deterministic, row, NULL),
                         HN_SIM_OK);
        assert_int_equal(c.terms, sc->years * sc->terms);
    }
    /* Tracing off: no more calls. */
    sim_set_trace(sim, NULL, NULL);
    c.terms = 0;
    assert_int_equal(sim_iteration(sim, pv, 77, 0, deterministic, row, NULL), HN_SIM_OK);
    assert_int_equal(c.terms, 0);

    gsl_rng_free(r);
    free(row);
    free(pv);
    sim_free(sim);
    layout_free(&lay);
    scenario_free(sc);
}

/* Expected flows conserve pupils to 1e-9 every term. */
static void test_conservation_deterministic(void **state)
{
    (void)state;
    check_conservation("hand.ini", true, 1, NULL, NULL, 0);
    check_conservation("linear.ini", true, 1, NULL, NULL, 0);
    check_conservation("streams_base.ini", true, 1, NULL, NULL, 0);
    check_conservation("closure.ini", true, 1, NULL, NULL, 0);
}

/* Random flows conserve pupils exactly every term; capped provisions never overfill. */
static void test_conservation_monte_carlo(void **state)
{
    (void)state;
    check_conservation("hand.ini", false, 200, NULL, NULL, 0);
    check_conservation("linear.ini", false, 200, NULL, NULL, 0);
    check_conservation("streams_base.ini", false, 300, NULL, NULL, 0);
    static const char *const capped[] = { "small", "spill", "closed" };
    static const double cap[] = { 3, 2, 2 };
    check_conservation("capacity.ini", false, 300, capped, cap, 3);
    /* Closures move pupils as a year begins: to mainstream they leave the model (reported as
     * the first term's leavers), to the pool or a provision they stay in it. */
    static const char *const closing[] = { "receiver", "spill" };
    static const double closing_cap[] = { 3, 3 };
    check_conservation("closure.ini", false, 5, closing, closing_cap, 2);
}

/* ------------------------------------------------------------------ */
/* The hand-worked scenario. */

/*
 * tests/fixtures/engine/hand.ini, deterministic: Y = 2 years of T = 2 terms.
 * One segment (pool W: exclusion 0.25, resolve 0.25, ehcna 0.2; referrals 8
 * in year 1, growth 0.5 -> 12 in year 2; route outreach; excluded_route pru).
 * outreach O: places 5, exits mainstream 0.5 and pru 0.25, ehcna 0.1.
 * pru R: uncapped, exit left 0.5. Start: O = 4, R = 2, W = 2.
 *
 * Year 1 (referrals 8/2 = 4 a term):
 *  term 1: exits O 4 -> 2 mainstream, 1 to pru, 1 stays; R 2 -> 1 left, 1 stays;
 *          W 2 -> 0.5 excluded, 0.5 resolved, 1 waits. left = 2 + 1 + 0.5 = 3.5.
 *          transfer 1 -> R = 2; exclusion 0.5 -> R = 2.5 (pru starts 1.5);
 *          W 1 + 4 referrals offered outreach, free 5 - 1 = 4: O = 5, W = 1.
 *          End: O 5, R 2.5, W 1 (8 + 4 - 3.5 = 8.5). ehcna 0.4 + 0.4.
 *  term 2: O 5 -> 2.5 mainstream, 1.25 pru, 1.25 stays; R 2.5 -> 1.25 stays;
 *          W 1 -> 0.25 excl, 0.25 resolved, 0.5 waits. left = 4.
 *          R = 1.25 + 1.25 + 0.25 = 2.75 (pru starts 3); W 0.5 + 4 = 4.5,
 *          free 3.75: O = 5, W = 0.75. ehcna 0.5 + 0.2.
 *  outreach: occupancy (5+5)/2 = 5, starts 4 + 3.75 = 7.75, supported 4 + 7.75 = 11.75,
 *            gross = 1000*5 places + 6000*5 + 100*7.75 = 35775.
 *  pru: occupancy (2.5+2.75)/2 = 2.625, starts 3, supported 2 + 3 = 5,
 *       gross = 10000 + 20000*2.625 = 62500, income 2000*2.625 = 5250, net 57250.
 *  cost.team 30000, income.grant 1000.
 *  gross 35775 + 62500 + 30000 = 128275, income 6250, net 122025,
 *  vs_baseline 122025 - 116000 = 6025 = cumulative payback (> 0).
 *  system supported 6 + (0.5 + 4 + 0.25 + 3.75) = 14.5; exclusions 0.75,
 *  ehcna 1.5, referrals 8, waiting 0.75; within budget 120000: no.
 *
 * Year 2 (referrals 12/2 = 6 a term, inflation 1.1):
 *  term 3: O 5 -> 2.5, 1.25, 1.25; R 2.75 -> 1.375 stays; W 0.75 -> 0.1875,
 *          0.1875, 0.375. R = 1.375 + 1.25 + 0.1875 = 2.8125; W 0.375 + 6,
 *          free 3.75: O = 5, W = 2.625. ehcna 0.5 + 0.15.
 *  term 4: O 5 -> same; R 2.8125 -> 1.40625; W 2.625 -> 0.65625, 0.65625,
 *          1.3125. R = 1.40625 + 1.25 + 0.65625 = 3.3125; W 1.3125 + 6,
 *          free 3.75: O = 5, W = 3.5625. ehcna 0.5 + 0.525.
 *  outreach: occupancy 5, starts 7.5, supported 12.5,
 *            gross (5000 + 30000 + 750) * 1.1 = 39325.
 *  pru: occupancy (2.8125 + 3.3125)/2 = 3.0625, starts 2.5 + 0.84375 = 3.34375,
 *       supported 2.75 + 3.34375 = 6.09375, gross (10000 + 61250) * 1.1 = 78375,
 *       income 6125 * 1.1 = 6737.5.
 *  cost.team 0, income.grant 1100.
 *  gross 117700, income 7837.5, net 109862.5, vs_baseline -6137.5,
 *  cumulative -112.5 <= 0: payback in year 2.
 *  system supported 7.75 + (0.1875 + 3.75 + 0.65625 + 3.75) = 16.09375;
 *  exclusions 0.84375, ehcna 1.675, referrals 12, waiting 3.5625; within budget: yes.
 * All: net 231887.5 <= budget 240000. Pupils supported over all years are
 *  distinct pupils: the 6 occupants at the start of year 1 plus the entries
 *  from outside (8.5 + 8.34375) = 22.84375, not the sum of the years
 *  (30.59375, which counts the pupils who stay twice); per provision, the
 *  occupants at the start of year 1 plus all starts: outreach 4 + 15.25,
 *  pru 2 + 6.34375. Cost per supported 231887.5 / 22.84375.
 */
typedef struct {
    int term;
    double o[4], r[4], w[4];
} hand_ctx;

/* Trace callback for hand.ini: the end-of-term states worked out above. */
static void hand_trace(void *user, const hn_sim_trace *t)
{
    hand_ctx *h = user;
    assert_int_equal(t->term, h->term);
    assert_int_equal(t->year, h->term / 2);
    assert_double_abs(t->occupancy[0], h->o[h->term], 1e-9);
    assert_double_abs(t->occupancy[1], h->r[h->term], 1e-9);
    assert_double_abs(t->pool[0], h->w[h->term], 1e-9);
    h->term++;
}

/* hand.ini's figures and term-by-term states equal the arithmetic above. */
static void test_hand_deterministic(void **state)
{
    (void)state;
    hn_scenario *sc = load("hand.ini");
    hn_results *r = run(sc, 1000, 4, true, 5);
    assert_int_equal(r->n_iter, 1);
    assert_true(r->deterministic);
    assert_int_equal(r->threads, 1);
    assert_int_equal(r->payback_year[0], 2);

    const double tol = 1e-9;
    int O = scenario_provision_index(sc, "outreach"), R = scenario_provision_index(sc, "pru");
    assert_int_equal(O, 0);
    assert_int_equal(R, 1);
#define EQ(m, k, i, y, v) assert_double_rel(det(r, m, k, i, y), (v), tol)
    /* occupancy, starts, supported, blocked per provision */
    EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, O, 0, 5);
    EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, O, 1, 5);
    EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, O, 2, 5);
    EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, R, 0, 2.625);
    EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, R, 1, 3.0625);
    EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, R, 2, (2.625 + 3.0625) / 2);
    EQ(HN_M_STARTS, HN_ENT_PROVISION, O, 0, 7.75);
    EQ(HN_M_STARTS, HN_ENT_PROVISION, O, 1, 7.5);
    EQ(HN_M_STARTS, HN_ENT_PROVISION, O, 2, 15.25);
    EQ(HN_M_STARTS, HN_ENT_PROVISION, R, 0, 3);
    EQ(HN_M_STARTS, HN_ENT_PROVISION, R, 1, 3.34375);
    EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, O, 0, 11.75);
    EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, O, 1, 12.5);
    EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, R, 0, 5);
    EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, R, 1, 6.09375);
    EQ(HN_M_BLOCKED, HN_ENT_PROVISION, O, 2, 0);
    EQ(HN_M_BLOCKED, HN_ENT_PROVISION, R, 2, 0);
    /* money per provision and line */
    EQ(HN_M_GROSS_COST, HN_ENT_PROVISION, O, 0, 35775);
    EQ(HN_M_GROSS_COST, HN_ENT_PROVISION, O, 1, 39325);
    EQ(HN_M_INCOME, HN_ENT_PROVISION, O, 0, 0);
    EQ(HN_M_NET_COST, HN_ENT_PROVISION, O, 1, 39325);
    EQ(HN_M_GROSS_COST, HN_ENT_PROVISION, R, 0, 62500);
    EQ(HN_M_INCOME, HN_ENT_PROVISION, R, 0, 5250);
    EQ(HN_M_NET_COST, HN_ENT_PROVISION, R, 0, 57250);
    EQ(HN_M_GROSS_COST, HN_ENT_PROVISION, R, 1, 78375);
    EQ(HN_M_INCOME, HN_ENT_PROVISION, R, 1, 6737.5);
    EQ(HN_M_NET_COST, HN_ENT_PROVISION, R, 1, 71637.5);
    EQ(HN_M_NET_COST, HN_ENT_PROVISION, R, 2, 57250 + 71637.5);
    EQ(HN_M_GROSS_COST, HN_ENT_COST, 0, 0, 30000);
    EQ(HN_M_GROSS_COST, HN_ENT_COST, 0, 1, 0);
    EQ(HN_M_INCOME, HN_ENT_COST, 0, 0, 0);
    EQ(HN_M_NET_COST, HN_ENT_COST, 0, 2, 30000);
    EQ(HN_M_GROSS_COST, HN_ENT_INCOME, 0, 0, 0);
    EQ(HN_M_INCOME, HN_ENT_INCOME, 0, 0, 1000);
    EQ(HN_M_INCOME, HN_ENT_INCOME, 0, 1, 1100);
    EQ(HN_M_NET_COST, HN_ENT_INCOME, 0, 1, -1100);
    EQ(HN_M_NET_COST, HN_ENT_INCOME, 0, 2, -2100);
    /* totals */
    EQ(HN_M_GROSS_COST, HN_ENT_TOTAL, 0, 0, 128275);
    EQ(HN_M_GROSS_COST, HN_ENT_TOTAL, 0, 1, 117700);
    EQ(HN_M_INCOME, HN_ENT_TOTAL, 0, 0, 6250);
    EQ(HN_M_INCOME, HN_ENT_TOTAL, 0, 1, 7837.5);
    EQ(HN_M_NET_COST, HN_ENT_TOTAL, 0, 0, 122025);
    EQ(HN_M_NET_COST, HN_ENT_TOTAL, 0, 1, 109862.5);
    EQ(HN_M_NET_COST, HN_ENT_TOTAL, 0, 2, 231887.5);
    EQ(HN_M_VS_BASELINE, HN_ENT_TOTAL, 0, 0, 6025);
    EQ(HN_M_VS_BASELINE, HN_ENT_TOTAL, 0, 1, -6137.5);
    EQ(HN_M_VS_BASELINE, HN_ENT_TOTAL, 0, 2, -112.5);
    EQ(HN_M_CUMULATIVE_PAYBACK, HN_ENT_TOTAL, 0, 0, 6025);
    EQ(HN_M_CUMULATIVE_PAYBACK, HN_ENT_TOTAL, 0, 1, -112.5);
    EQ(HN_M_CUMULATIVE_PAYBACK, HN_ENT_TOTAL, 0, 2, -112.5);
    /* cumulative 6025 then -112.5: paid back at the end of year 2 and staying so (payback_year,
     * formerly payback_by_year, has the values that figure had) */
    EQ(HN_M_PAID_BACK, HN_ENT_TOTAL, 0, 0, 0);
    EQ(HN_M_PAID_BACK, HN_ENT_TOTAL, 0, 1, 1);
    EQ(HN_M_PAID_BACK, HN_ENT_TOTAL, 0, 2, 1);
    EQ(HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, 0, 0);
    EQ(HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, 1, 1);
    EQ(HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, 2, 1);
    EQ(HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, 0, 0);
    EQ(HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, 1, 1);
    EQ(HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, 2, 1);
    /* the system */
    EQ(HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 0, 14.5);
    EQ(HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 1, 16.09375);
    /* Over all years, distinct pupils (it was the sum of the years, 30.59375): the 6 at the
     * start plus the entries from outside, 8.5 in year 1 and 8.34375 in year 2. */
    EQ(HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 2, 6 + 8.5 + 8.34375);
    EQ(HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 0, 122025 / 14.5);
    EQ(HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 1, 109862.5 / 16.09375);
    EQ(HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 2, 231887.5 / (6 + 8.5 + 8.34375));
    /* Per provision: the occupants at the start of year 1 plus all starts. */
    EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, O, 2, 4 + 15.25);
    EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, R, 2, 2 + 3 + 3.34375);
    EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, O, 2, 0);
    EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, R, 2, 0);
    /* the segment and the totals over segments */
    for (int k = 0; k < 2; k++) {
        hn_entity_kind kind = k ? HN_ENT_SEGMENT : HN_ENT_TOTAL;
        EQ(HN_M_REFERRALS, kind, 0, 0, 8);
        EQ(HN_M_REFERRALS, kind, 0, 1, 12);
        EQ(HN_M_REFERRALS, kind, 0, 2, 20);
        EQ(HN_M_EXCLUSIONS, kind, 0, 0, 0.75);
        EQ(HN_M_EXCLUSIONS, kind, 0, 1, 0.84375);
        EQ(HN_M_EHCNA, kind, 0, 0, 1.5);
        EQ(HN_M_EHCNA, kind, 0, 1, 1.675);
        EQ(HN_M_WAITING, kind, 0, 0, 0.75);
        EQ(HN_M_WAITING, kind, 0, 1, 3.5625);
        EQ(HN_M_WAITING, kind, 0, 2, 3.5625);
    }
#undef EQ

    /* The same states term by term through the trace. */
    hn_layout lay;
    assert_int_equal(layout_init(&lay, sc, NULL), HN_OK);
    hn_sim *sim = sim_new(sc, &lay);
    double *pv = calloc((size_t)sc->n_slots, sizeof *pv);
    double *row = calloc((size_t)lay.n_cols, sizeof *row);
    assert_true(sim && pv && row);
    hn_clamps clamped = { 0, 0 };
    params_means(sc, pv, &clamped);
    assert_int_equal(clamped.money, 0);
    assert_int_equal(clamped.rate, 0);
    hand_ctx h = { 0, { 5, 5, 5, 5 }, { 2.5, 2.75, 2.8125, 3.3125 }, { 1, 0.75, 2.625, 3.5625 } };
    sim_set_trace(sim, hand_trace, &h);
    int payback = -1;
    assert_int_equal(sim_iteration(sim, pv, 5, 0, true, row, &payback), HN_SIM_OK);
    assert_int_equal(payback, 2);
    assert_int_equal(h.term, 4);
    for (int c = 0; c < lay.n_cols; c++)
        assert_memory_equal(&row[c], &r->values[c], sizeof(double));

    free(row);
    free(pv);
    sim_free(sim);
    layout_free(&lay);
    results_free(r);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Closures (MODEL.md section 4, Closing). */

/*
 * tests/fixtures/engine/closure.ini: 2 years of 1 term, no flows at all.
 * Year 1: to_pool 6, to_mainstream 4, to_provision 7, receiver 0 (places
 * 3), spill 1 (places 2, then 3), default_pool 2; the pool holds 1. All 20
 * in provisions are supported.
 * Year 2 begins with four closures (places 0), in file order:
 *   to_pool      6 -> the pool (on_close = pool)
 *   to_mainstream 4 -> leave the model (mainstream)
 *   to_provision 7 -> receiver takes 3 (its places), its overflow spill
 *                    takes 2 (3 places, 1 there), 2 back to the pool (full)
 *   default_pool 2 -> the pool (the default)
 * closed_out 6, 4, 7, 2; receiver starts 3, spill starts 2, and their
 * occupants at the start of the year are 0 and 1 (a pupil moved in is a
 * start, not an occupant at the start); the system's occupants at the
 * start of year 2 are the 6 now in receiver and spill; the pool 1 + 6 + 2
 * + 2 = 11. A closed provision charges no per-pupil cost but its fixed
 * cost still: year 1 6500 + 4000 + 7000 + 3000 + 1000 = 21500; year 2
 * 500 + 3 x 2000 + 3 x 3000 = 15500. Over all years 20 distinct pupils
 * (nobody entered from outside) and a net cost per pupil of 37000 / 20.
 */
static void test_closures(void **state)
{
    (void)state;
    hn_scenario *sc = load("closure.ini");
    int P = scenario_provision_index(sc, "to_pool"),
        M = scenario_provision_index(sc, "to_mainstream"),
        Q = scenario_provision_index(sc, "to_provision"),
        R = scenario_provision_index(sc, "receiver"), S = scenario_provision_index(sc, "spill"),
        D = scenario_provision_index(sc, "default_pool");
    assert_true(P >= 0 && M >= 0 && Q >= 0 && R >= 0 && S >= 0 && D >= 0);
    assert_int_equal(sc->provisions[P].on_close, HN_CLOSE_POOL);
    assert_int_equal(sc->provisions[M].on_close, HN_CLOSE_MAINSTREAM);
    assert_int_equal(sc->provisions[Q].on_close, R);
    assert_int_equal(sc->provisions[D].on_close, HN_CLOSE_POOL); /* the default */
    hn_results *d = run(sc, 1, 1, true, 3);
    hn_results *mc = run(sc, 5, 2, false, 3);
    for (int k = 0; k < 2; k++) {
        const hn_results *r = k ? mc : d;
        for (long i = 0; i < r->n_iter; i++) {
#define EQ(m, kind, idx, y, v) assert_double_rel(val(r, m, kind, idx, y, i), (v), 1e-12)
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, P, 0, 0);
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, P, 1, 6);
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, M, 1, 4);
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, Q, 1, 7);
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, D, 1, 2);
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, D, 2, 2);
            EQ(HN_M_CLOSED_OUT, HN_ENT_PROVISION, R, 2, 0);
            EQ(HN_M_STARTS, HN_ENT_PROVISION, R, 1, 3);
            EQ(HN_M_STARTS, HN_ENT_PROVISION, S, 1, 2);
            EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, R, 1, 0 + 3);
            EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, S, 1, 1 + 2);
            EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, P, 1, 0);
            EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, P, 1, 0);
            EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, R, 1, 3);
            EQ(HN_M_OCCUPANCY, HN_ENT_PROVISION, S, 1, 3);
            EQ(HN_M_WAITING, HN_ENT_TOTAL, 0, 0, 1);
            EQ(HN_M_WAITING, HN_ENT_TOTAL, 0, 1, 11);
            EQ(HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 0, 20);
            EQ(HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 1, 6);
            EQ(HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 2, 20);
            EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, S, 2, 1 + 2);
            EQ(HN_M_SUPPORTED, HN_ENT_PROVISION, R, 2, 3);
            EQ(HN_M_GROSS_COST, HN_ENT_PROVISION, P, 1, 500);
            EQ(HN_M_GROSS_COST, HN_ENT_PROVISION, M, 1, 0);
            EQ(HN_M_NET_COST, HN_ENT_TOTAL, 0, 0, 21500);
            EQ(HN_M_NET_COST, HN_ENT_TOTAL, 0, 1, 15500);
            EQ(HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 1, 15500.0 / 6);
            EQ(HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 2, 37000.0 / 20);
#undef EQ
        }
    }
    results_free(mc);
    results_free(d);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Monte Carlo means against the deterministic values. */

/* Mean and standard error of column c over the run's iterations. */
static void mean_se(const hn_results *r, int c, double *mean, double *se)
{
    double s = 0, ss = 0;
    long n = r->n_iter;
    for (long i = 0; i < n; i++) s += results_get(r, c, i);
    double m = s / n;
    for (long i = 0; i < n; i++) {
        double d = results_get(r, c, i) - m;
        ss += d * d;
    }
    *mean = m;
    *se = sqrt(ss / (n - 1)) / sqrt((double)n);
}

/* linear.ini: Monte Carlo means lie within 4 standard errors of the deterministic values. */
static void test_mc_matches_deterministic(void **state)
{
    (void)state;
    hn_scenario *sc = load("linear.ini");
    hn_results *d = run(sc, 1, 1, true, 11);
    hn_results *mc = run(sc, 20000, 2, false, 20240601);
    assert_int_equal(mc->n_iter, 20000);
    int Y = sc->years;
    struct {
        hn_metric m;
        hn_entity_kind k;
        int index;
    } figs[] = {
        { HN_M_NET_COST, HN_ENT_TOTAL, 0 },       { HN_M_EXCLUSIONS, HN_ENT_TOTAL, 0 },
        { HN_M_SUPPORTED, HN_ENT_TOTAL, 0 },      { HN_M_REFERRALS, HN_ENT_TOTAL, 0 },
        { HN_M_EHCNA, HN_ENT_TOTAL, 0 },          { HN_M_OCCUPANCY, HN_ENT_PROVISION, 0 },
        { HN_M_OCCUPANCY, HN_ENT_PROVISION, 1 },  { HN_M_STARTS, HN_ENT_PROVISION, 1 },
        { HN_M_GROSS_COST, HN_ENT_PROVISION, 1 }, { HN_M_INCOME, HN_ENT_PROVISION, 1 },
    };
    for (size_t f = 0; f < sizeof figs / sizeof figs[0]; f++) {
        for (int y = 0; y <= Y; y++) {
            int c = layout_col(&mc->layout, figs[f].m, figs[f].k, figs[f].index, y);
            assert_true(c >= 0);
            double mean, se;
            mean_se(mc, c, &mean, &se);
            double want = results_get(d, c, 0);
            assert_true(se > 0); /* the figure really varies */
            if (!(fabs(mean - want) <= 4 * se))
                print_error("%s year %d: MC mean %.6f vs deterministic %.6f (se %.6f)\n",
                            metric_name(figs[f].m), y, mean, want, se);
            assert_true(fabs(mean - want) <= 4 * se);
        }
    }
    results_free(mc);
    results_free(d);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Capacity, overflow and blocked transfers. */

/*
 * capacity.ini, deterministic, year 1 (3 terms). hub H starts at 50 and
 * sends 0.2 a term to small (places 3, full, overflow spill: places 2,
 * empty) and 0.2 to closed (places 2, full, no overflow); 0.02 leave.
 * small loses 0.3 a term to mainstream, spill 0.1 to left, closed 0.1 to
 * exclusion (excluded_route spill, hub: spill has been filled by the
 * overflow of step 2, so they are placed in hub).
 *  term 1: H 50 -> 10 small, 10 closed, 1 left, 29 stay; small 3 -> 2.1;
 *          closed 2 -> 0.2 excluded, 1.8.
 *          small takes 0.9, spill 2, 7.1 return (blocked small);
 *          closed takes 0.2, 9.8 return (blocked closed);
 *          the 0.2 excluded start in H. H = 29 + 7.1 + 9.8 + 0.2 = 46.1.
 *  term 2: H 46.1 -> 9.22, 9.22, 0.922 left, 26.738 stay; small frees 0.9,
 *          spill 0.2, closed 0.2: 8.12 and 9.02 return, 0.2 excluded.
 *          H = 26.738 + 8.12 + 9.02 + 0.2 = 44.078.
 *  term 3: H 44.078 -> 8.8156, 8.8156, 0.88156 left, 25.56524 stay;
 *          7.7156 and 8.6156 return, 0.2 excluded. H = 42.09644.
 *  starts: small 2.7, spill 2 + 0.2 + 0.2 = 2.4, closed 0.6, hub 0.6.
 *  blocked: small 7.1 + 8.12 + 7.7156 = 22.9356, closed 9.8 + 9.02 + 8.6156 = 27.4356.
 *  exclusions 0.6; system supported 55 (start of year): an exclusion from
 *  one provision into another is not an entry from outside.
 */
/* capacity.ini: overflow, blocked transfers returned to source, capacity respected. */
static void test_capacity_overflow_blocked(void **state)
{
    (void)state;
    hn_scenario *sc = load("capacity.ini");
    int H = scenario_provision_index(sc, "hub"), SM = scenario_provision_index(sc, "small"),
        SP = scenario_provision_index(sc, "spill"), CL = scenario_provision_index(sc, "closed");
    assert_true(H >= 0 && SM >= 0 && SP >= 0 && CL >= 0);

    hn_results *d = run(sc, 1, 1, true, 1);
    const double tol = 1e-9;
    assert_double_rel(det(d, HN_M_OCCUPANCY, HN_ENT_PROVISION, H, 0),
                      (46.1 + 44.078 + 42.09644) / 3, tol);
    assert_double_rel(det(d, HN_M_STARTS, HN_ENT_PROVISION, SM, 0), 2.7, tol);
    assert_double_rel(det(d, HN_M_STARTS, HN_ENT_PROVISION, SP, 0), 2.4, tol);
    assert_double_rel(det(d, HN_M_STARTS, HN_ENT_PROVISION, CL, 0), 0.6, tol);
    assert_double_rel(det(d, HN_M_STARTS, HN_ENT_PROVISION, H, 0), 0.6, tol);
    assert_double_rel(det(d, HN_M_BLOCKED, HN_ENT_PROVISION, SM, 0), 22.9356, tol);
    assert_double_rel(det(d, HN_M_BLOCKED, HN_ENT_PROVISION, CL, 0), 27.4356, tol);
    assert_double_rel(det(d, HN_M_EXCLUSIONS, HN_ENT_TOTAL, 0, 0), 0.6, tol);
    assert_double_rel(det(d, HN_M_BLOCKED, HN_ENT_PROVISION, SP, 0), 0, tol);
    assert_double_rel(det(d, HN_M_OCCUPANCY, HN_ENT_PROVISION, SM, 0), 3, tol);
    assert_double_rel(det(d, HN_M_OCCUPANCY, HN_ENT_PROVISION, SP, 0), 2, tol);
    assert_double_rel(det(d, HN_M_OCCUPANCY, HN_ENT_PROVISION, CL, 0), 2, tol);
    /* supported = start-of-year occupants + starts */
    assert_double_rel(det(d, HN_M_SUPPORTED, HN_ENT_PROVISION, SM, 0), 3 + 2.7, tol);
    assert_double_rel(det(d, HN_M_SUPPORTED, HN_ENT_PROVISION, H, 0), 50 + 0.6, tol);
    /* nobody entered from outside: system supported = start-of-year occupants */
    assert_double_rel(det(d, HN_M_SUPPORTED, HN_ENT_TOTAL, 0, 0), 55, tol);

    /*
     * Monte Carlo: never above capacity; closed starts no more pupils than
     * its exclusions freed places for (they are the segment's only
     * exclusions), and hub no more than were excluded; blocked > 0.
     */
    hn_results *mc = run(sc, 2000, 2, false, 99);
    for (long i = 0; i < mc->n_iter; i++) {
        assert_true(val(mc, HN_M_BLOCKED, HN_ENT_PROVISION, CL, 0, i) > 0);
        assert_true(val(mc, HN_M_BLOCKED, HN_ENT_PROVISION, H, sc->years, i) == 0);
        for (int y = 0; y < sc->years; y++) {
            double excl = val(mc, HN_M_EXCLUSIONS, HN_ENT_TOTAL, 0, y, i);
            assert_true(val(mc, HN_M_STARTS, HN_ENT_PROVISION, CL, y, i) <= excl);
            assert_true(val(mc, HN_M_STARTS, HN_ENT_PROVISION, H, y, i) <= excl);
            assert_true(val(mc, HN_M_OCCUPANCY, HN_ENT_PROVISION, SM, y, i) <= 3);
            assert_true(val(mc, HN_M_OCCUPANCY, HN_ENT_PROVISION, SP, y, i) <= 2);
            assert_true(val(mc, HN_M_OCCUPANCY, HN_ENT_PROVISION, CL, y, i) <= 2);
            /* no pool, no referrals: nobody enters from outside */
            double occ_start = 0;
            for (int p = 0; p < sc->n_provisions; p++)
                occ_start += val(mc, HN_M_SUPPORTED, HN_ENT_PROVISION, p, y, i) -
                             val(mc, HN_M_STARTS, HN_ENT_PROVISION, p, y, i);
            assert_true(val(mc, HN_M_SUPPORTED, HN_ENT_TOTAL, 0, y, i) == occ_start);
        }
    }
    double mean_blocked_small = 0;
    for (long i = 0; i < mc->n_iter; i++)
        mean_blocked_small += val(mc, HN_M_BLOCKED, HN_ENT_PROVISION, SM, sc->years, i);
    assert_true(mean_blocked_small / mc->n_iter > 10);
    results_free(mc);
    results_free(d);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Reproducibility: thread counts and streams. */

/* Asserts that b stores the same bytes as a: columns, every value, payback years, clamped count. */
static void assert_same_results(const hn_results *a, const hn_results *b)
{
    assert_int_equal(b->layout.n_cols, a->layout.n_cols);
    assert_int_equal(b->n_iter, a->n_iter);
    size_t bytes = (size_t)a->layout.n_cols * (size_t)a->n_iter * sizeof(double);
    assert_int_equal(memcmp(a->values, b->values, bytes), 0);
    size_t pb = (size_t)a->n_iter * sizeof(int);
    assert_int_equal(memcmp(a->payback_year, b->payback_year, pb), 0);
    assert_int_equal(a->clamped, b->clamped);
    assert_int_equal(a->rate_clamped, b->rate_clamped);
}

/* 1, 2 and 3 threads store identical bytes; payback and budget figures agree with net cost. */
static void test_threads_identical(void **state)
{
    (void)state;
    hn_scenario *sc = load("streams_base.ini");
    /* A payback after year 1 is rare here (about one seed in four has one in 1500 iterations):
     * the seed is one whose iterations include one, so that the checks below meet every case
     * they tell apart (under the payback rule of issue 10 the seed 424244 no longer had one,
     * under the draws of decisions P20 the seed 424240 no longer did). */
    hn_results *r1 = run(sc, 1500, 1, false, 424241);
    hn_results *r2 = run(sc, 1500, 2, false, 424241);
    hn_results *r3 = run(sc, 1500, 3, false, 424241);
    assert_int_equal(r1->threads, 1);
    assert_int_equal(r2->threads, 2);
    assert_int_equal(r3->threads, 3);
    assert_same_results(r1, r2);
    assert_same_results(r1, r3);
    assert_true(r1->seed == 424241);

    /* A different seed gives different numbers (the comparison above can fail). */
    hn_results *r4 = run(sc, 1500, 2, false, 424245);
    size_t bytes = (size_t)r1->layout.n_cols * (size_t)r1->n_iter * sizeof(double);
    assert_true(memcmp(r1->values, r4->values, bytes) != 0);

    /*
     * Payback year = the first year from whose end the cumulative payback
     * stays <= 0 (MODEL.md section 5), and payback_year agrees; paid_back is
     * the cumulative payback <= 0 at each year's end; within_budget agrees
     * with net cost and the (constant) budget, year by year and over all
     * years.
     */
    int Y = sc->years;
    long paid = 0, late = 0, unpaid = 0, within_all = 0, within_some_not_all = 0;
    for (long i = 0; i < r1->n_iter; i++) {
        int pbk = r1->payback_year[i];
        assert_true(pbk >= 0 && pbk <= Y);
        int first = 0;
        double cum = 0, sum_net = 0;
        bool all_years = true, was_paid = false, fell_back = false;
        for (int y = 0; y < Y; y++) {
            double net = val(r1, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, i);
            cum += net - 500000;
            fell_back = fell_back || (was_paid && cum > 0);
            was_paid = was_paid || cum <= 0;
            sum_net += net;
            assert_double_rel(val(r1, HN_M_CUMULATIVE_PAYBACK, HN_ENT_TOTAL, 0, y, i), cum, 1e-12);
            assert_true(val(r1, HN_M_PAID_BACK, HN_ENT_TOTAL, 0, y, i) == (cum <= 0 ? 1 : 0));
            if (cum > 0) first = 0; /* not paid back: a later year may start it */
            if (first == 0 && cum <= 0) first = y + 1;
            double wb = val(r1, HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, y, i);
            assert_true(wb == (net <= 520000 ? 1 : 0));
            all_years = all_years && wb == 1;
        }
        assert_int_equal(pbk, first);
        paid += pbk > 0;
        late += pbk > 1;
        unpaid += fell_back;
        double wall = val(r1, HN_M_WITHIN_BUDGET, HN_ENT_TOTAL, 0, Y, i);
        assert_true(wall == (sum_net <= 3 * 520000 ? 1 : 0));
        within_all += wall == 1;
        within_some_not_all += wall == 1 && !all_years;
        for (int y = 0; y < Y; y++)
            assert_true(val(r1, HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, y, i) ==
                        (pbk > 0 && pbk <= y + 1 ? 1 : 0));
        assert_true(val(r1, HN_M_PAYBACK_YEAR, HN_ENT_TOTAL, 0, Y, i) == (pbk > 0));
        assert_true(val(r1, HN_M_PAID_BACK, HN_ENT_TOTAL, 0, Y, i) == (cum <= 0 ? 1 : 0));
    }
    /* The scenario exercises every case the checks above tell apart. */
    assert_true(paid > 0 && paid < r1->n_iter);
    assert_true(late > 0);
    assert_true(unpaid > 0); /* paid back at the end of a year, and not at a later year's end */
    assert_true(within_all > 0 && within_all < r1->n_iter);
    assert_true(within_some_not_all > 0);
    results_free(r4);
    results_free(r3);
    results_free(r2);
    results_free(r1);
    scenario_free(sc);
}

/*
 * Runs streams_base.ini and `other` (the same plus one unrelated section)
 * with the same seed: every provision of the base keeps its flow figures
 * bit for bit, while the total net cost changes.
 */
static void check_unrelated_section(const char *other)
{
    hn_scenario *a = load("streams_base.ini");
    hn_scenario *b = load(other);
    assert_true(b->n_costs + b->n_provisions == a->n_costs + a->n_provisions + 1);
    hn_results *ra = run(a, 400, 2, false, 31337);
    hn_results *rb = run(b, 400, 3, false, 31337);
    hn_metric same[] = { HN_M_OCCUPANCY, HN_M_STARTS, HN_M_BLOCKED, HN_M_SUPPORTED };
    for (int p = 0; p < a->n_provisions; p++) {
        int q = scenario_provision_index(b, a->provisions[p].name);
        assert_true(q >= 0);
        for (size_t m = 0; m < sizeof same / sizeof same[0]; m++) {
            for (int y = 0; y <= a->years; y++) {
                int ca = layout_col(&ra->layout, same[m], HN_ENT_PROVISION, p, y);
                int cb = layout_col(&rb->layout, same[m], HN_ENT_PROVISION, q, y);
                assert_memory_equal(ra->values + (long)ca * ra->n_iter,
                                    rb->values + (long)cb * rb->n_iter,
                                    (size_t)ra->n_iter * sizeof(double));
            }
        }
    }
    /* The segment's flows too. */
    hn_metric seg[] = { HN_M_REFERRALS, HN_M_EXCLUSIONS, HN_M_EHCNA, HN_M_WAITING };
    for (size_t m = 0; m < sizeof seg / sizeof seg[0]; m++) {
        int ca = layout_col(&ra->layout, seg[m], HN_ENT_SEGMENT, 0, a->years);
        int cb = layout_col(&rb->layout, seg[m], HN_ENT_SEGMENT, 0, b->years);
        assert_memory_equal(ra->values + (long)ca * ra->n_iter, rb->values + (long)cb * rb->n_iter,
                            (size_t)ra->n_iter * sizeof(double));
    }
    /* ... while the total net cost does change (the extra section is there). */
    int ca = layout_col(&ra->layout, HN_M_NET_COST, HN_ENT_TOTAL, 0, a->years);
    int cb = layout_col(&rb->layout, HN_M_NET_COST, HN_ENT_TOTAL, 0, b->years);
    assert_true(results_get(rb, cb, 0) != results_get(ra, ca, 0));
    results_free(rb);
    results_free(ra);
    scenario_free(b);
    scenario_free(a);
}

/* An unrelated [cost.*] line leaves every provision's flows unchanged. */
static void test_streams_unrelated_cost_line(void **state)
{
    (void)state;
    check_unrelated_section("streams_extra.ini");
}

/* An unrelated provision (shifting every index) leaves the other provisions' flows unchanged. */
static void test_streams_unrelated_provision(void **state)
{
    (void)state;
    check_unrelated_section("streams_extra_provision.ini");
}

/* ------------------------------------------------------------------ */
/* Refusals. */

/* A set stop flag ends the run with HN_ERR_INTERRUPTED and no results. */
static void test_interrupted(void **state)
{
    (void)state;
    hn_scenario *sc = load("streams_base.ini");
    volatile sig_atomic_t stop = 1;
    hn_run_opts opts = { .iterations = 5000, .seed = 1, .threads = 2, .stop = &stop };
    hn_results *r = (hn_results *)1;
    hn_error err;
    assert_int_equal(engine_run(sc, &opts, &r, &err), HN_ERR_INTERRUPTED);
    assert_null(r);
    assert_int_equal(err.status, HN_ERR_INTERRUPTED);
    /* A stop flag that stays 0 changes nothing. */
    stop = 0;
    assert_int_equal(engine_run(sc, &opts, &r, &err), HN_OK);
    assert_int_equal(r->n_iter, 5000);
    results_free(r);
    scenario_free(sc);
}

/* Index of the sampled input called name in r (the test fails when there is none). */
static int input_named(const hn_results *r, const char *name)
{
    for (int k = 0; k < r->n_inputs; k++)
        if (!strcmp(r->inputs[k].name, name)) return k;
    fail_msg("no sampled input %s", name);
    return -1;
}

/*
 * Decisions R16: a rate draw below -1 is clamped to -1 and counted, so
 * that (1 + rate) never turns negative and money never goes below 0. The
 * loader keeps such draws to at most 1 in 10,000; to see many, the test
 * puts normal(0.02, 0.5) in place of the inflation and normal(0.03, 0.5)
 * of the growth after loading (each below -1 in 1.97% of draws). The count
 * is within 5 standard errors of N (p1 + p2), it is exactly the number of
 * iterations whose recorded rate is -1, every money figure of every
 * iteration is >= 0, and a clamped inflation leaves no money at all from
 * year 2 (the factor (1 + -1) is 0).
 */
static void test_rate_draws_clamped(void **state)
{
    (void)state;
    hn_scenario *sc = load("streams_base.ini");
    sc->inflation.items[0] = (hn_dist){ HN_DIST_NORMAL, { 0.02, 0.5, 0 } };
    sc->segments[0].growth.items[0] = (hn_dist){ HN_DIST_NORMAL, { 0.03, 0.5, 0 } };
    const long n = 20000;
    hn_results *r = run(sc, n, 2, false, 11);
    double p1 = 0.5 * erfc(1.02 / 0.5 / sqrt(2.0)), p2 = 0.5 * erfc(1.03 / 0.5 / sqrt(2.0));
    double want = n * (p1 + p2), se = sqrt(n * (p1 * (1 - p1) + p2 * (1 - p2)));
    print_message("rate draws clamped: %ld of %ld iterations (expected %.1f +/- %.1f)\n",
                  r->rate_clamped, n, want, se);
    assert_true(fabs((double)r->rate_clamped - want) <= 5 * se);
    int ki = input_named(r, "scenario.inflation"), kg = input_named(r, "demand.secondary.growth");
    long at_edge = 0;
    static const hn_metric money[] = { HN_M_GROSS_COST, HN_M_INCOME };
    for (long i = 0; i < n; i++) {
        assert_true(results_input(r, ki, i) >= -1 && results_input(r, kg, i) >= -1);
        at_edge += (results_input(r, ki, i) == -1) + (results_input(r, kg, i) == -1);
        for (int y = 0; y <= sc->years; y++)
            for (size_t m = 0; m < sizeof money / sizeof *money; m++)
                assert_true(val(r, money[m], HN_ENT_TOTAL, 0, y, i) >= 0);
        if (results_input(r, ki, i) == -1)
            for (int y = 1; y < sc->years; y++)
                assert_true(val(r, HN_M_GROSS_COST, HN_ENT_TOTAL, 0, y, i) == 0);
    }
    assert_int_equal(at_edge, r->rate_clamped);
    assert_int_equal(r->clamped, 0); /* no money draw was below 0 */
    results_free(r);
    scenario_free(sc);
}

/* The memory estimate covers the values; a run too big for the machine is refused. */
static void test_memory_limit(void **state)
{
    (void)state;
    hn_scenario *sc = load("streams_base.ini");
    hn_run_opts small = { .iterations = 1000, .seed = 1, .threads = 2 };
    hn_layout lay;
    assert_int_equal(layout_init(&lay, sc, NULL), HN_OK);
    double est = engine_memory_estimate(sc, &small);
    assert_true(est >= 8.0 * lay.n_cols * 1000);
    assert_true(est < 8.0 * lay.n_cols * 1000 * 2 + 4e6);
    hn_run_opts huge = { .iterations = 100000000, .seed = 1, .threads = 2 };
    assert_true(engine_memory_estimate(sc, &huge) > 8.0 * lay.n_cols * 1e8);
    layout_free(&lay);

    /* Only attempt the run where it must be refused (never allocate 100 GB). */
    double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (phys > 0 && engine_memory_estimate(sc, &huge) > 0.75 * phys) {
        hn_results *r = (hn_results *)1;
        hn_error err;
        assert_int_equal(engine_run(sc, &huge, &r, &err), HN_ERR_LIMIT);
        assert_null(r);
        assert_int_equal(err.status, HN_ERR_LIMIT);
        assert_contains(err.message, "100000000 iterations");
        assert_contains(err.message, "at most");
    }
    scenario_free(sc);
}

/*
 * The payback rule on hand-made cumulative series (MODEL.md section 5):
 * paid back at the end of year k when the series is <= 0 then (it can turn
 * back to no); the payback year is the first year from whose end it stays
 * <= 0 through the last year. Before issue 10 the rule was "the first year
 * whose cumulative payback is <= 0, paid back from then on": the second,
 * third and sixth series below paid back in year 1 under it.
 */
static void test_payback_rule(void **state)
{
    (void)state;
    static const struct {
        double cum[4];
        int year;              /* payback year */
        double paid[4 + 1];    /* paid back at the end of each year, then the last year's */
        double by_year[4 + 1]; /* the payback year is that year or earlier, then: at all */
    } cases[] = {
        { { 6025, -112.5, -112.5, -300 }, 2, { 0, 1, 1, 1, 1 }, { 0, 1, 1, 1, 1 } },
        /* 0 counts as paid back, but rising above it again un-pays */
        { { 0, 5, 7, 9 }, 0, { 1, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
        /* dips below the baseline in year 1, then costs more: not paid back */
        { { -1, 2.5, 3, 4 }, 0, { 1, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
        { { 1, 2, 3, 1e-9 }, 0, { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },  /* never */
        { { 4, 3, 2, -1e-9 }, 4, { 0, 0, 0, 1, 1 }, { 0, 0, 0, 1, 1 } }, /* in the last year */
        /* below zero, back above, below again: the payback year is the last dip's */
        { { -5, 3, -2, -1 }, 3, { 1, 0, 1, 1, 1 }, { 0, 0, 1, 1, 1 } },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double paid[5] = { -1, -1, -1, -1, -1 }, by_year[5] = { -1, -1, -1, -1, -1 };
        assert_int_equal(accounts_payback(cases[k].cum, 4, paid, by_year), cases[k].year);
        for (int y = 0; y <= 4; y++) {
            assert_true(paid[y] == cases[k].paid[y]);
            assert_true(by_year[y] == cases[k].by_year[y]);
        }
        assert_int_equal(accounts_payback(cases[k].cum, 4, NULL, NULL), cases[k].year);
    }
    /* Fewer years read fewer values: the series {4, 3, 2} never pays back. */
    double paid[4] = { -1, -1, -1, -1 };
    assert_int_equal(accounts_payback(cases[4].cum, 3, paid, NULL), 0);
    assert_true(paid[0] == 0 && paid[1] == 0 && paid[2] == 0 && paid[3] == 0);
    /* {-5, 3}: paid back at the end of year 1, not of year 2 (the last): no payback year. */
    assert_int_equal(accounts_payback(cases[5].cum, 2, paid, NULL), 0);
    assert_true(paid[0] == 1 && paid[1] == 0 && paid[2] == 0);
}

/* An affine need: 100 MiB plus 1 MiB per iteration. */
static double need_affine(const void *user, long n)
{
    (void)user;
    return 1048576.0 * (100 + (double)n);
}

/* A step need: 10 MiB up to 50 iterations, 1000 MiB above. */
static double need_step(const void *user, long n)
{
    (void)user;
    return 1048576.0 * (n <= 50 ? 10 : 1000);
}

/* A need that never fits 300 MiB: *(const double *)user MiB whatever the count. */
static double need_fixed(const void *user, long n)
{
    (void)n;
    return 1048576.0 * *(const double *)user;
}

/*
 * memlimit_admit_within, the one admission rule of run, sensitivity and
 * compare: against 400 MiB (so 300 MiB may be used) an affine need of
 * 100 + n MiB admits 200 iterations and not 201, and the refusal advises
 * exactly 200; a step need advises the last count before the step; a need
 * larger than the limit at any count advises none; no limit admits all.
 */
static void test_memory_admission(void **state)
{
    (void)state;
    const double avail = 400 * 1048576.0;
    hn_error err;
    hn_mem_request rq = { need_affine, NULL, 200, "200 iterations", "--iterations" };
    assert_int_equal(memlimit_admit_within(&rq, avail, "the test's limit", &err), HN_OK);
    rq.iterations = 201;
    rq.what = "201 iterations";
    assert_int_equal(memlimit_admit_within(&rq, avail, "the test's limit", &err), HN_ERR_LIMIT);
    assert_int_equal(err.status, HN_ERR_LIMIT);
    assert_string_equal(err.message, "201 iterations need about 301 MB of memory, more than 3/4 "
                                     "of the test's limit (400 MB); at most 200 iterations fit "
                                     "(use --iterations 200)");
    rq.iterations = 1000000000;
    rq.what = "many";
    assert_int_equal(memlimit_admit_within(&rq, avail, "the test's limit", &err), HN_ERR_LIMIT);
    assert_contains(err.message, "at most 200 iterations fit (use --iterations 200)");

    hn_mem_request step = { need_step, NULL, 51, "51 runs", "--swing-iterations" };
    assert_int_equal(memlimit_admit_within(&step, avail, "L", &err), HN_ERR_LIMIT);
    assert_contains(err.message, "51 runs need about 1000 MB of memory, more than 3/4 of L");
    assert_contains(err.message, "at most 50 iterations fit (use --swing-iterations 50)");
    step.iterations = 50;
    assert_int_equal(memlimit_admit_within(&step, avail, "L", &err), HN_OK);

    double mib = 301;
    hn_mem_request fixed = { need_fixed, &mib, 1, "1 iteration", "--iterations" };
    assert_int_equal(memlimit_admit_within(&fixed, avail, "L", &err), HN_ERR_LIMIT);
    assert_contains(err.message, "; not even 1 iteration fits");
    mib = 300;
    assert_int_equal(memlimit_admit_within(&fixed, avail, "L", &err), HN_OK);
    /* No limit known: nothing to refuse. */
    mib = 1e12;
    assert_int_equal(memlimit_admit_within(&fixed, 0, "L", &err), HN_OK);
}

/* Whether the mapping holding address p carries VmFlags `flag` in /proc/self/smaps. */
static bool smaps_flag(const void *p, const char *flag)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return false;
    char line[512];
    bool inside = false, found = false;
    uintptr_t at = (uintptr_t)p;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            inside = at >= lo && at < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0)
            found = strstr(line, flag) != NULL;
    }
    fclose(f);
    return found;
}

/* Whether this process can see a mapping's huge-page mark: the kernel has transparent huge
 * pages and /proc/self/smaps can be read. */
static bool hugepage_marks_visible(void)
{
    return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0 &&
           access("/proc/self/smaps", R_OK) == 0;
}

/*
 * bigmem_alloc (decisions P34): below a huge page it is malloc; from one, the memory is
 * aligned to BIGMEM_PAGE, holds what is written to its every byte, shrinks with realloc
 * keeping its first bytes' contents, and (where hugepage_marks_visible) its mapping is marked
 * for huge pages ("hg"); a size that cannot be rounded up is NULL, not a wrapped small block.
 */
static void test_bigmem(void **state)
{
    (void)state;
    char *small = bigmem_alloc(100);
    assert_non_null(small);
    memset(small, 1, 100);
    free(small);
    size_t bytes = BIGMEM_PAGE + 12345;
    unsigned char *big = bigmem_alloc(bytes);
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % BIGMEM_PAGE, 0);
    for (size_t i = 0; i < bytes; i++) big[i] = (unsigned char)(i * 7);
    assert_int_equal(big[bytes - 1], (unsigned char)((bytes - 1) * 7));
    if (hugepage_marks_visible()) assert_true(smaps_flag(big, " hg"));
    unsigned char first[4096];
    memcpy(first, big, sizeof first);
    unsigned char *less = realloc(big, sizeof first);
    assert_non_null(less);
    assert_memory_equal(less, first, sizeof first);
    free(less);
    assert_null(bigmem_alloc(SIZE_MAX - 10));
}

/*
 * Which runs' figures go on huge pages (decisions P34): a target run's may be filled only at
 * their start (it may converge in its first block), so they are plain malloc's and not marked;
 * a run without a target fills every value, and its array of 2 MiB or more is marked "hg".
 * Skipped unless hugepage_marks_visible.
 */
static void test_figures_pages(void **state)
{
    (void)state;
    if (!hugepage_marks_visible()) skip();
    hn_scenario *sc = load("hand.ini");
    /* Enough iterations that the figures take 2 MiB or more. */
    hn_results *probe = run(sc, 10, 1, false, 1);
    long n = (long)(2 * BIGMEM_PAGE / ((size_t)probe->layout.n_cols * sizeof(double))) + 1;
    results_free(probe);
    /* The target run first: the freed arrays of a plain run would raise malloc's threshold
     * for using mmap, and a later malloc could come from marked memory. */
    hn_run_opts target = { .iterations = n, .seed = 1, .threads = 1, .target_se_pct = 50 };
    hn_results *t = testutil_run(sc, &target);
    assert_true(t->converged);
    assert_int_equal(t->n_iter, n); /* converged in its first block: only a tenth filled */
    assert_false(smaps_flag(t->values, " hg"));
    hn_results *plain = run(sc, n, 1, false, 1);
    assert_true((size_t)plain->layout.n_cols * (size_t)n * sizeof(double) >= 2 * BIGMEM_PAGE);
    assert_true(smaps_flag(plain->values, " hg"));
    results_free(t);
    results_free(plain);
    scenario_free(sc);
}

/* Zero iterations or threads are usage errors; surplus threads are not started. */
static void test_bad_options(void **state)
{
    (void)state;
    hn_scenario *sc = load("hand.ini");
    hn_results *r = NULL;
    hn_error err;
    hn_run_opts zero = { .iterations = 0, .seed = 1, .threads = 1 };
    assert_int_equal(engine_run(sc, &zero, &r, &err), HN_ERR_USAGE);
    assert_null(r);
    hn_run_opts nothreads = { .iterations = 10, .seed = 1, .threads = 0 };
    assert_int_equal(engine_run(sc, &nothreads, &r, &err), HN_ERR_USAGE);
    assert_null(r);
    /* More threads than iterations: the extra threads are not started. */
    hn_results *few = run(sc, 3, 8, false, 2);
    assert_int_equal(few->n_iter, 3);
    assert_true(few->threads >= 1 && few->threads <= 3);
    assert_true(few->wall_seconds >= 0);
    results_free(few);
    results_free(NULL);
    sim_free(NULL);
    scenario_free(sc);
}

/* linear.ini: every sampled input's draws are stored per iteration; they stay in their
 * distribution's support, their mean is within 4 SE of the closed form, and a deterministic
 * run stores none. */
static void test_inputs_recorded(void **state)
{
    (void)state;
    hn_scenario *sc = load("linear.ini");
    const long n = 20000;
    hn_results *r = run(sc, n, 2, false, 2385);
    assert_int_equal(r->n_inputs, 3);
    for (int k = 0; k < r->n_inputs; k++) {
        const hn_dist *d = &sc->params[r->inputs[k].param]->items[r->inputs[k].item];
        double sum = 0;
        for (long i = 0; i < n; i++) {
            double v = results_input(r, k, i);
            assert_true(v >= dist_lower(d) && v <= dist_upper(d));
            sum += v;
        }
        double se = sqrt(dist_variance(d) / (double)n);
        assert_double_abs(sum / (double)n, dist_mean(d), 4 * se);
    }
    results_free(r);
    r = run(sc, 1, 1, true, 2385);
    assert_int_equal(r->n_inputs, 0);
    assert_null(r->input_values);
    results_free(r);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inputs_recorded),
        cmocka_unit_test(test_hand_deterministic),
        cmocka_unit_test(test_conservation_deterministic),
        cmocka_unit_test(test_conservation_monte_carlo),
        cmocka_unit_test(test_mc_matches_deterministic),
        cmocka_unit_test(test_capacity_overflow_blocked),
        cmocka_unit_test(test_closures),
        cmocka_unit_test(test_threads_identical),
        cmocka_unit_test(test_streams_unrelated_cost_line),
        cmocka_unit_test(test_streams_unrelated_provision),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_rate_draws_clamped),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_memory_admission),
        cmocka_unit_test(test_bigmem),
        cmocka_unit_test(test_figures_pages),
        cmocka_unit_test(test_payback_rule),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
