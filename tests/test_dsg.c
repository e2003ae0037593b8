/*
 * test_dsg.c - the DSG view (MODEL.md section 8, issue 13) against closed
 * form: a linear scenario whose allocation, other spend, transfers and
 * money give a balance worked out by hand year by year; place funding on
 * line 1.0.2 and the rest of a provision's money on its own line; the
 * probabilities on cases built so that they are 0, 1 or a known fraction;
 * a scenario without [dsg] has none of its figures.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/engine.h"
#include "model/layout.h"
#include "scenario/s251.h"
#include "scenario/scenario.h"
#include "support/testutil.h"

/* Loads text that must be valid. */
static hn_scenario *load(const char *text)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = testutil_load_text(text, &sc, &err);
    if (st != HN_OK) fprintf(stderr, "%s\n", err.message);
    assert_int_equal(st, HN_OK);
    return sc;
}

/* Runs sc (deterministic: one iteration). */
static hn_results *run(const hn_scenario *sc, long iterations, bool det)
{
    hn_run_opts opts = {
        .iterations = iterations, .seed = 20261, .threads = 2, .deterministic = det
    };
    return testutil_run(sc, &opts);
}

/* Value of (m, k, index) in year y (years: "all") of iteration i. */
static double val(const hn_results *r, hn_metric m, hn_entity_kind k, int index, int y, long i)
{
    int c = layout_col(&r->layout, m, k, index, y);
    assert_true(c >= 0);
    return results_get(r, c, i);
}

/* Entity index of Section 251 line `code` in r's layout ("unassigned" too). */
static int line_of(const hn_results *r, const char *code)
{
    int i = strcmp(code, "unassigned") ? s251_find(code) : HN_S251_COUNT;
    assert_true(i >= 0);
    return r->layout.s251_entity[i];
}

/*
 * Year y (1-based) of the linear scenario: money inflates by 10% a year,
 * the allocation grows 5% a year, other spend 2% a year before inflation.
 * Provision p: place funding 5000 x 10 places = 50000 (1.0.2), fixed cost
 * 20000 + 4 occupants x 10000 (its line 1.2.7); cost line 100000 (1.2.5);
 * income line 30000 without s251 (unassigned, -30000); other spend 500000
 * (1.2.3). Net cost = 180000 x 1.1^(y-1).
 */
static const char *linear =
    "[scenario]\nname = linear\nstart_year = 2025\nyears = 3\nterms = 1\n"
    "baseline_cost = 0\ninflation = 0.1\n"
    "[demand.a]\nreferrals = 0\n"
    "[provision.p]\nserves = a\nplaces = 10\ninitial = 4\nplace_funding = 5000\n"
    "fixed_cost = 20000\ncost_per_pupil = 10000\ns251 = 1.2.7\n"
    "[cost.c]\namount = 100000\ns251 = 1.2.5\n"
    "[income.i]\namount = 30000\n"
    "[dsg]\nallocation = 1000000\nallocation_growth = 0.05\nother_spend = 500000\n"
    "other_growth = 0.02\nother_s251 = 1.2.3\nopening_balance = -200000\n"
    "transfer_in = 0, 50000, 0\ndeficit_limit = 300000\ntargets = -250000, 600000, 0\n"
    "override_ends = 2027\n";

/* The balance of the linear scenario, year by year, against the hand-worked figures. */
static void test_linear_balance(void **state)
{
    (void)state;
    hn_scenario *sc = load(linear);
    hn_results *r = run(sc, 1, true);
    /* By hand: f = 1.1^(y-1); net 180000 f; other 500000 x 1.02^(y-1) f; allocation
     * 1e6 x 1.05^(y-1). Year 1: spend 680000, in-year 320000, balance -200000 + 320000 =
     * 120000. Year 2: net 198000, other 561000, allocation 1050000, transfer 50000:
     * in-year 341000, balance 461000. Year 3: net 217800, other 629442, allocation
     * 1102500: in-year 255258, balance 716258. */
    const double alloc[3] = { 1000000, 1050000, 1102500 };
    const double spend[3] = { 680000, 759000, 847242 };
    const double in_year[3] = { 320000, 341000, 255258 };
    const double balance[3] = { 120000, 461000, 716258 };
    for (int y = 0; y < 3; y++) {
        assert_double_rel(val(r, HN_M_DSG_ALLOCATION, HN_ENT_TOTAL, 0, y, 0), alloc[y], 1e-12);
        assert_double_rel(val(r, HN_M_DSG_SPEND, HN_ENT_TOTAL, 0, y, 0), spend[y], 1e-12);
        assert_double_rel(val(r, HN_M_DSG_IN_YEAR, HN_ENT_TOTAL, 0, y, 0), in_year[y], 1e-12);
        assert_double_rel(val(r, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, y, 0), balance[y], 1e-12);
    }
    /* "all": sums of the flows, the last balance. */
    assert_double_rel(val(r, HN_M_DSG_ALLOCATION, HN_ENT_TOTAL, 0, 3, 0), 3152500, 1e-12);
    assert_double_rel(val(r, HN_M_DSG_IN_YEAR, HN_ENT_TOTAL, 0, 3, 0), 916258, 1e-12);
    assert_double_rel(val(r, HN_M_DSG_BALANCE, HN_ENT_TOTAL, 0, 3, 0), 716258, 1e-12);
    /* Within the limit (balance >= -300000) every year; on target in years 1 and 3 only. */
    const double on[3] = { 1, 0, 1 };
    for (int y = 0; y < 3; y++) {
        assert_double_rel(val(r, HN_M_DSG_WITHIN_LIMIT, HN_ENT_TOTAL, 0, y, 0), 1, 0);
        assert_double_rel(val(r, HN_M_DSG_ON_TARGET, HN_ENT_TOTAL, 0, y, 0), on[y], 0);
    }
    assert_double_rel(val(r, HN_M_DSG_WITHIN_LIMIT, HN_ENT_TOTAL, 0, 3, 0), 1, 0);
    assert_double_rel(val(r, HN_M_DSG_ON_TARGET, HN_ENT_TOTAL, 0, 3, 0), 0, 0);
    results_free(r);
    scenario_free(sc);
}

/* Place funding on 1.0.2, the rest of the provision's money on its own line, and so on. */
static void test_lines(void **state)
{
    (void)state;
    hn_scenario *sc = load(linear);
    hn_results *r = run(sc, 1, true);
    const hn_layout *lay = &r->layout;
    /* The lines with money, in the table's order, "unassigned" last. */
    assert_int_equal(lay->count[HN_ENT_S251], 5);
    const char *codes[5] = { "1.0.2", "1.2.3", "1.2.5", "1.2.7", "unassigned" };
    for (int i = 0; i < 5; i++) {
        char name[32];
        layout_entity_name(lay, HN_ENT_S251, i, name, sizeof name);
        assert_string_equal(name, codes[i]);
    }
    assert_string_equal(lay->labels[HN_ENT_S251][4], "Not assigned");
    assert_int_equal(line_of(r, "1.2.1"), -1);
    double f = 1;
    for (int y = 0; y < 3; y++, f *= 1.1) {
        double other = 500000 * pow(1.02, y) * f;
        assert_double_rel(val(r, HN_M_DSG_SPEND, HN_ENT_S251, line_of(r, "1.0.2"), y, 0), 50000 * f,
                          1e-12);
        assert_double_rel(val(r, HN_M_DSG_SPEND, HN_ENT_S251, line_of(r, "1.2.7"), y, 0), 60000 * f,
                          1e-12);
        assert_double_rel(val(r, HN_M_DSG_SPEND, HN_ENT_S251, line_of(r, "1.2.5"), y, 0),
                          100000 * f, 1e-12);
        assert_double_rel(val(r, HN_M_DSG_SPEND, HN_ENT_S251, line_of(r, "unassigned"), y, 0),
                          -30000 * f, 1e-12);
        assert_double_rel(val(r, HN_M_DSG_SPEND, HN_ENT_S251, line_of(r, "1.2.3"), y, 0), other,
                          1e-12);
        /* The lines add up to the total. */
        double sum = 0;
        for (int i = 0; i < 5; i++) sum += val(r, HN_M_DSG_SPEND, HN_ENT_S251, i, y, 0);
        assert_double_rel(sum, val(r, HN_M_DSG_SPEND, HN_ENT_TOTAL, 0, y, 0), 1e-12);
    }
    results_free(r);
    scenario_free(sc);
}

/*
 * Probabilities: x = allocation - other spend is uniform on [-1000, 1000]
 * (drawn once an iteration), the balance is x at the end of year 1 and 2x
 * at the end of year 2. Within the limit (500): P(x >= -500) = 0.75, P(2x
 * >= -500) = 0.625, every year 0.625. On target (-2000, 1500): year 1 1,
 * year 2 P(x >= 750) = 0.125, every year 0.125.
 */
static void test_probabilities(void **state)
{
    (void)state;
    hn_scenario *sc = load("[scenario]\nname = p\nstart_year = 2025\nyears = 2\n"
                           "baseline_cost = 0\n"
                           "[dsg]\nallocation = uniform(0, 2000)\nother_spend = 1000\n"
                           "deficit_limit = 500\ntargets = -2000, 1500\n");
    long n = 40000;
    hn_results *r = run(sc, n, false);
    const double within[3] = { 0.75, 0.625, 0.625 }, on[3] = { 1, 0.125, 0.125 };
    for (int y = 0; y <= 2; y++) {
        double pw = 0, po = 0;
        for (long i = 0; i < n; i++) {
            pw += val(r, HN_M_DSG_WITHIN_LIMIT, HN_ENT_TOTAL, 0, y, i);
            po += val(r, HN_M_DSG_ON_TARGET, HN_ENT_TOTAL, 0, y, i);
        }
        pw /= n;
        po /= n;
        /* Four standard errors of a proportion near 0.5 at n = 40000: 0.01. */
        assert_double_abs(pw, within[y], 4 * sqrt(within[y] * (1 - within[y]) / n) + 1e-12);
        assert_double_abs(po, on[y], 4 * sqrt(on[y] * (1 - on[y]) / n) + 1e-12);
    }
    results_free(r);
    scenario_free(sc);

    /* Never within: the deficit passes the limit in year 1 in every iteration. */
    sc = load("[scenario]\nname = p\nstart_year = 2025\nyears = 2\nbaseline_cost = 0\n"
              "[dsg]\nallocation = uniform(0, 2000)\nother_spend = 3000\n"
              "opening_balance = -100\ndeficit_limit = 1000\n");
    r = run(sc, 500, false);
    for (int y = 0; y <= 2; y++)
        for (long i = 0; i < 500; i++)
            assert_double_rel(val(r, HN_M_DSG_WITHIN_LIMIT, HN_ENT_TOTAL, 0, y, i), 0, 0);
    assert_int_equal(r->layout.first[HN_M_DSG_ON_TARGET][HN_ENT_TOTAL], -1);
    results_free(r);
    scenario_free(sc);
}

/* A scenario without [dsg] has no DSG figure. */
static void test_no_dsg(void **state)
{
    (void)state;
    hn_scenario *sc = load("[scenario]\nname = n\nstart_year = 2025\nbaseline_cost = 0\n"
                           "[cost.c]\namount = 5\ns251 = 1.2.5\n");
    hn_results *r = run(sc, 1, true);
    for (int m = HN_M_DSG_ALLOCATION; m <= HN_M_DSG_ON_TARGET; m++)
        for (int k = 0; k < HN_ENT__COUNT; k++) assert_int_equal(r->layout.first[m][k], -1);
    assert_int_equal(r->layout.count[HN_ENT_S251], 0);
    assert_false(r->layout.has_dsg);
    results_free(r);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_balance),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_probabilities),
        cmocka_unit_test(test_no_dsg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
