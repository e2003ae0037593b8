/*
 * test_solve.c - break-even: scaling a key (engine/scenario_scale.c),
 * parsing targets (engine/target.c) and the search (engine/solve.c).
 *
 * Scaling: the admissible range of every kind of key in
 * tests/fixtures/solve/ranges.ini against the loader's rules worked out by
 * hand, distributions scaled parameter by parameter, whole counts rounded,
 * the values restored exactly, and the keys that cannot be scaled refused.
 * Search: on tests/fixtures/solve/linear.ini net cost over all years is
 * 180000 + 360000 * scale + 3 * noise, so the scale meeting a mean or a P90
 * target is known in closed form from the noise draws; on payback.ini
 * the probability of paying back is #{scale * U_i <= 100000} / n, a step
 * function whose boundary is 100000 / (the 1600th smallest U of 2000).
 * Unreachable targets, and targets met everywhere, are errors.
 */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/dist.h"
#include "scenario/domain.h"
#include "model/engine.h"
#include "model/layout.h"
#include "scenario/scenario.h"
#include "scenario/scenario_scale.h"
#include "analysis/solve.h"
#include "analysis/target.h"
#include "support/testutil.h"

#define FIX "tests/fixtures/solve/"

/* Begins scaling key; fails the test on error. */
static void begin(hn_scenario *sc, const char *key, hn_scale *s)
{
    hn_error err;
    hn_status st = scenario_scale_begin(sc, key, s, &err);
    if (st != HN_OK) print_error("%s: %s\n", key, err.message);
    assert_int_equal(st, HN_OK);
}

/* Admissible range of key in ranges.ini. */
static void check_range(hn_scenario *sc, const char *key, double lo, double hi, const char *why)
{
    hn_scale s;
    begin(sc, key, &s);
    assert_double_rel(s.lo, lo, 1e-12);
    if (isinf(hi))
        assert_true(isinf(s.hi));
    else
        assert_double_rel(s.hi, hi, 1e-11);
    if (why)
        assert_contains(s.limit, why);
    else
        assert_string_equal(s.limit, "");
    scenario_scale_end(&s);
}

/* The loader's rules, one key at a time (ranges.ini's comments give each). */
static void test_admissible_ranges(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "ranges.ini");
    check_range(sc, "provision.unit.exit.mainstream", 0, 0.7 / 0.3, "exit probabilities");
    check_range(sc, "provision.unit.exit.left", 0, 0.65 / 0.25, "[provision.unit]");
    check_range(sc, "demand.kids.exclusion", 0, 3.0, "year 2");
    check_range(sc, "demand.kids.resolve", 0, 2.0, "exclusion + resolve of [demand.kids]");
    /* Above: at most HN_MAX_COUNT places (decisions item R2), so 1e6 / 16. */
    check_range(sc, "provision.unit.places", 10.0 / 16.0, HN_MAX_COUNT / 16,
                "places must stay >= 10");
    check_range(sc, "provision.unit.initial", 0, 1.6, "within its year-1 places (16)");
    check_range(sc, "scenario.inflation", 0, 4.0, "above -1");
    check_range(sc, "cost.posts.amount", 0, HN_MAX_MONEY / 120000,
                "money values lie within +/-1e12 pounds");
    check_range(sc, "demand.kids.referrals", 0, HN_MAX_COUNT / 10,
                "a count of pupils or places is at most 1000000");
    scenario_free(sc);
}

/*
 * The value limits of decisions item R2 bound a scale as they bound the
 * file (the loader's rule, scenario/domain.h): money within HN_MAX_MONEY,
 * counts within HN_MAX_COUNT, rates within HN_MAX_RATE, for an unbounded
 * distribution its mean and sd. A scale that would push a value past its
 * limit is outside the admissible range, with the reason, and the value
 * at the end of the range is one the loader accepts.
 */
static void test_scale_value_limits(void **state)
{
    (void)state;
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(testutil_load_text("[scenario]\nname = limits\nstart_year = 2024\n"
                                        "years = 2\nbaseline_cost = 1000\n"
                                        "[demand.kids]\nreferrals = lognormal(1000, 300)\n"
                                        "growth = 0.05, 0.04\n"
                                        "[cost.big]\namount = 250000000000\n"
                                        "[cost.wide]\namount = normal(4e11, 1e11)\n",
                                        &sc, &err),
                     HN_OK);
    /* A constant: 2.5e11 x 4 = 1e12 is the most money may be. */
    hn_scale s;
    begin(sc, "cost.big.amount", &s);
    assert_double_rel(s.hi, 4.0, 1e-15);
    assert_contains(s.limit, "cost.big.amount can reach 2.5e+11: money values lie within +/-1e12");
    assert_int_equal(scenario_scale_set(&s, 4.0, &err), HN_OK);
    char msg[400];
    assert_true(domain_check_item(HN_DOMAIN_MONEY, false, "amount", &s.param->items[0], NULL, "",
                                  msg, sizeof msg));
    assert_int_equal(scenario_scale_set(&s, 4.01, &err), HN_ERR_USAGE);
    assert_contains(err.message, "scale 4.01 of cost.big.amount is outside its admissible range 0 "
                                 "to 4: cost.big.amount can reach 2.5e+11: money values lie");
    /* Past the end of the range the loader's own check refuses the value. */
    hn_dist over = s.original[0];
    over.p[0] *= 4.01;
    assert_false(
        domain_check_item(HN_DOMAIN_MONEY, false, "amount", &over, NULL, "", msg, sizeof msg));
    assert_contains(msg, "is more than 1000000000000: money values lie within +/-1e12 pounds");
    scenario_scale_end(&s);
    /* Unbounded: the mean 4e11 may reach 1e12 (scale 2.5) before the sd 1e11 would (scale 10). */
    check_range(sc, "cost.wide.amount", 0, 2.5, "has mean 4e+11 and sd 1e+11: money values lie");
    /* A count: lognormal(1000, 300) up to a mean of 1e6. */
    check_range(sc, "demand.kids.referrals", 0, 1000, "a count of pupils or places is at most");
    /* A rate list: its largest item, 0.05, up to 1. */
    check_range(sc, "demand.kids.growth", 0, 20,
                "demand.kids.growth can reach 0.05: a yearly rate");
    scenario_free(sc);

    /* Decisions R16: a normal rate's 0.01% point stays >= -1. normal(0, 0.1) reaches it at
     * scale 1 / 0.3719 = 2.689, before its sd reaches 1 (scale 10); the loader accepts the
     * value at that end and refuses it just beyond. */
    assert_int_equal(testutil_load_text("[scenario]\nname = limits\nstart_year = 2024\n"
                                        "baseline_cost = 1000\ninflation = normal(0, 0.1)\n",
                                        &sc, &err),
                     HN_OK);
    hn_dist unit = { HN_DIST_NORMAL, { 0, 1, 0 } };
    double end = -1.0 / (0.1 * dist_quantile(&unit, HN_RATE_TAIL));
    check_range(sc, "scenario.inflation", 0, end,
                "scenario.inflation falls to -0.371902 in its lowest 1 draw in 10000, which a "
                "yearly rate must keep at -1 or above");
    begin(sc, "scenario.inflation", &s);
    assert_int_equal(scenario_scale_set(&s, s.hi, &err), HN_OK);
    assert_true(domain_check_item(HN_DOMAIN_RATE, false, "inflation", &s.param->items[0], NULL, "",
                                  msg, sizeof msg));
    over = s.original[0];
    over.p[1] *= end * 1.001;
    assert_false(
        domain_check_item(HN_DOMAIN_RATE, false, "inflation", &over, NULL, "", msg, sizeof msg));
    /* 0.0101% of draws: never rounded onto the limit's 0.01% (R18). */
    assert_contains(msg, "falls below -1 (a fall of more than 100%) in 0.0101");
    scenario_scale_end(&s);
    scenario_free(sc);
}

/* Refused keys: unknown (with the closest name), not written, all zero, beta. */
static void test_refused_keys(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "ranges.ini");
    hn_scale s;
    hn_error err;
    assert_int_equal(scenario_scale_begin(sc, "demand.kids.referals", &s, &err), HN_ERR_USAGE);
    assert_contains(err.message, "no numeric key");
    assert_contains(err.message, "did you mean `demand.kids.referrals`?");
    assert_int_equal(scenario_scale_begin(sc, "scenario.years", &s, &err), HN_ERR_USAGE);
    assert_int_equal(scenario_scale_begin(sc, "demand.kids.ehcna", &s, &err), HN_ERR_USAGE);
    assert_contains(err.message, "not written");
    assert_int_equal(scenario_scale_begin(sc, "cost.zero.amount", &s, &err), HN_ERR_USAGE);
    assert_contains(err.message, "every value is 0");
    assert_int_equal(scenario_scale_begin(sc, "cost.shape.amount", &s, &err), HN_ERR_USAGE);
    assert_contains(err.message, "beta");
    assert_contains(err.message, "ranges.ini:33");
    scenario_free(sc);
}

/* Values and distribution parameters multiply; counts round; 0 makes a constant; end restores. */
static void test_scale_values(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "ranges.ini");
    hn_error err;
    hn_scale s;
    begin(sc, "demand.kids.resolve", &s);
    hn_param *p = s.param;
    assert_int_equal(scenario_scale_set(&s, 1.5, &err), HN_OK);
    assert_int_equal(p->items[0].kind, HN_DIST_PERT);
    assert_double_rel(p->items[0].p[0], 0.15, 1e-15);
    assert_double_rel(p->items[0].p[1], 0.30, 1e-15);
    assert_double_rel(p->items[0].p[2], 0.60, 1e-15);
    assert_int_equal(scenario_scale_set(&s, 0, &err), HN_OK);
    assert_int_equal(p->items[0].kind, HN_DIST_CONST);
    assert_double_rel(p->items[0].p[0], 0, 0);
    assert_int_equal(scenario_scale_set(&s, 2.0 + 1e-9, &err), HN_ERR_USAGE);
    assert_contains(err.message, "outside its admissible range 0 to 2");
    scenario_scale_end(&s);
    assert_int_equal(p->items[0].kind, HN_DIST_PERT);
    assert_double_rel(p->items[0].p[2], 0.4, 0);

    begin(sc, "demand.kids.exclusion", &s);
    assert_int_equal(scenario_scale_set(&s, 2.5, &err), HN_OK);
    assert_double_rel(s.param->items[0].p[0], 0.25, 1e-15);
    assert_double_rel(s.param->items[1].p[0], 0.5, 1e-15);
    scenario_scale_end(&s);

    begin(sc, "provision.unit.places", &s);
    /* Each end of the range has its rule: the initial occupants below, the count limit above. */
    assert_contains(s.limit, "so its year-1 places must stay >= 10; provision.unit.places can "
                             "reach 16: a count of pupils or places is at most 1000000");
    assert_int_equal(scenario_scale_set(&s, 0.95, &err), HN_OK); /* 15.2 */
    assert_double_rel(s.param->items[0].p[0], 15.0, 0);
    assert_int_equal(scenario_scale_set(&s, 0.97, &err), HN_OK); /* 15.52 */
    assert_double_rel(s.param->items[0].p[0], 16.0, 0);
    assert_int_equal(scenario_scale_set(&s, 0.6, &err), HN_ERR_USAGE);
    assert_contains(err.message, "places must stay >= 10");
    scenario_scale_end(&s);
    assert_double_rel(s.param->items[0].p[0], 16.0, 0);

    /* The audit entry shows the scaled value and the original. */
    begin(sc, "cost.posts.amount", &s);
    assert_int_equal(scenario_scale_set(&s, 0.75, &err), HN_OK);
    assert_int_equal(scenario_scale_note(&s, &err), HN_OK);
    bool found = false;
    for (int e = 0; e < sc->n_entries; e++) {
        if (!strcmp(sc->entries[e].section, "cost.posts") &&
            !strcmp(sc->entries[e].key, "amount")) {
            assert_string_equal(sc->entries[e].value, "90000 (120000 x 0.75, hnsim solve)");
            assert_double_rel(sc->entries[e].mean, 90000, 0);
            found = true;
        }
    }
    assert_true(found);
    scenario_scale_end(&s);
    scenario_free(sc);
}

/* Parses text against sc's layout; returns the status. */
static hn_status parse(const hn_scenario *sc, const char *text, hn_target *t, hn_error *err)
{
    hn_layout lay;
    assert_int_equal(layout_init(&lay, sc, NULL), HN_OK);
    hn_status st = target_parse(text, &lay, t, err);
    layout_free(&lay);
    return st;
}

/* Targets: the four forms of the issue, defaults, and every syntax error named. */
static void test_target_parse(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "linear.ini"); /* 3 years */
    hn_target t;
    hn_error err;
    assert_int_equal(parse(sc, "net_cost:all <= 20000000", &t, &err), HN_OK);
    assert_int_equal(t.metric, HN_M_NET_COST);
    assert_int_equal(t.year, 3);
    assert_int_equal(t.stat, HN_STAT_MEAN);
    assert_int_equal(t.op, HN_OP_LE);
    assert_double_rel(t.value, 20000000, 0);
    assert_string_equal(t.figure, "net_cost:all:mean");
    hn_layout lay; /* the figure's column, which a solve trial's statistics are limited to */
    assert_int_equal(layout_init(&lay, sc, NULL), HN_OK);
    assert_true(t.col >= 0);
    assert_int_equal(t.col, layout_col(&lay, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3));
    layout_free(&lay);
    assert_int_equal(parse(sc, "net_cost:all:p90<=2.1e7", &t, &err), HN_OK);
    assert_int_equal(t.stat, HN_STAT_P90);
    assert_double_rel(t.value, 21000000, 0);
    /* payback_year replaces payback_by_year (issue 10); paid_back is the other payback figure */
    assert_int_equal(parse(sc, " payback_year:3 >= 0.8 ", &t, &err), HN_OK);
    assert_true(t.probability);
    assert_int_equal(t.year, 2);
    assert_int_equal(t.op, HN_OP_GE);
    assert_string_equal(t.figure, "payback_year:3:p");
    assert_int_equal(parse(sc, "paid_back:all > 0.5", &t, &err), HN_OK);
    assert_true(t.probability);
    assert_int_equal(t.metric, HN_M_PAID_BACK);
    assert_string_equal(t.figure, "paid_back:all:p");
    assert_int_equal(parse(sc, "exclusions:2:p < 10", &t, &err), HN_ERR_USAGE);
    assert_contains(err.message, "`p` only for a probability");
    assert_int_equal(parse(sc, "payback_year:2:mean >= 0.5", &t, &err), HN_ERR_USAGE);
    assert_contains(err.message, "only statistic is `p`");
    /* The old name is an error that says what replaced it. */
    assert_int_equal(parse(sc, "payback_by_year:3 >= 0.8", &t, &err), HN_ERR_USAGE);
    assert_contains(err.message, "`payback_by_year` is no longer a metric; did you mean "
                                 "`payback_year`");
    assert_contains(err.message, "or `paid_back`");
    assert_int_equal(parse(sc, "exclusions:2 > -1", &t, &err), HN_OK);
    assert_int_equal(t.op, HN_OP_GT);

    static const struct {
        const char *text, *message;
    } bad[] = {
        { "net_cost:all", "no comparison" },
        { "net_cost:all = 5", "`=` is not a comparison" },
        { "net_cost:all <= 5 <= 6", "one comparison only" },
        { "net_cost <= 5", "METRIC:YEAR or METRIC:YEAR:STAT" },
        { "net_cost:all:mean:x <= 5", "METRIC:YEAR or METRIC:YEAR:STAT" },
        { "net_cots:all <= 5", "`net_cots` is not a metric; did you mean `net_cost`?" },
        { "bogus:all <= 5", "`bogus` is not a metric (metrics with a total:" },
        { "occupancy:all <= 5", "has no total" },
        { "net_cost:4 <= 5", "not 1 to 3" },
        { "net_cost:0 <= 5", "not 1 to 3" },
        { "net_cost:all:p91 <= 5", "`p91` is not a statistic" },
        { "net_cost:all <= 20,000,000", "thousands separators" },
        { "net_cost:all <= 5k", "`5k` is not a number" },
        { "net_cost:all <=", "VALUE is missing" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(sc, bad[i].text, &t, &err), HN_ERR_USAGE);
        assert_contains(err.message, bad[i].message);
        assert_contains(err.message, "METRIC:YEAR[:STAT] OP VALUE");
    }
    assert_true(target_holds(&(hn_target){ .op = HN_OP_LE, .value = 1 }, 1));
    assert_false(target_holds(&(hn_target){ .op = HN_OP_LT, .value = 1 }, 1));
    assert_true(target_holds(&(hn_target){ .op = HN_OP_GE, .value = 1 }, 1));
    assert_false(target_holds(&(hn_target){ .op = HN_OP_GT, .value = 1 }, 1));
    scenario_free(sc);
}

/* Trial counter for the callback. */
static void count_trial(void *user, double scale, double figure, bool holds)
{
    (void)scale, (void)figure, (void)holds;
    (*(int *)user)++;
}

/* Runs a whole solve of key for target text on sc; returns the status. */
static hn_status solve(hn_scenario *sc, const char *key, const char *text, const hn_run_opts *opts,
                       double lo, double hi, hn_solve_result *res, hn_error *err)
{
    hn_target t;
    assert_int_equal(parse(sc, text, &t, err), HN_OK);
    hn_scale s;
    begin(sc, key, &s);
    int calls = 0;
    hn_status st = solve_search(sc, &s, &t, opts, fmax(lo, s.lo), fmin(hi, s.hi), HN_SOLVE_TOL,
                                count_trial, &calls, res, err);
    if (st == HN_OK) {
        assert_int_equal(calls, res->trials);
        assert_true(res->hi - res->lo <= HN_SOLVE_TOL);
        assert_true(res->lo <= res->hi);
        assert_double_rel(s.factor, res->scale, 0); /* the key is left at the answer */
        assert_true(target_holds(&t, res->figure));
        double other = res->scale == res->lo ? res->figure_hi : res->figure_lo;
        assert_false(target_holds(&t, other));
    }
    scenario_scale_end(&s);
    return st;
}

/* Noise draws of linear.ini (seed 2385), sorted; caller frees. */
static double *noise_draws(const hn_scenario *sc, long n)
{
    hn_run_opts opts = { .iterations = n, .seed = 2385, .threads = 2 };
    hn_results *r = NULL;
    hn_error err;
    assert_int_equal(engine_run(sc, &opts, &r, &err), HN_OK);
    assert_int_equal(r->n_inputs, 1);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    memcpy(x, r->input_values, (size_t)n * sizeof *x);
    results_free(r);
    gsl_sort(x, 1, (size_t)n);
    return x;
}

/* Net cost linear in cost.posts.amount: the scale meeting a mean, a P90 and a deterministic
 * target, in closed form, within the tolerance. */
static void test_solve_linear(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "linear.ini");
    const long n = 3000;
    double *noise = noise_draws(sc, n);
    hn_run_opts opts = { .iterations = n, .seed = 2385, .threads = 2 };
    hn_solve_result res;
    hn_error err;

    double mean = gsl_stats_mean(noise, 1, (size_t)n);
    double want = (400000.0 - 180000.0 - 3.0 * mean) / 360000.0;
    assert_int_equal(
        solve(sc, "cost.posts.amount", "net_cost:all <= 400000", &opts, 0, 4, &res, &err), HN_OK);
    assert_true(res.lo <= want + 1e-9 && want <= res.hi + 1e-9);
    assert_double_abs(res.scale, want, HN_SOLVE_TOL);
    assert_false(res.bisected); /* a straight line: Brent alone */
    assert_true(res.trials <= 10);

    double q90 = gsl_stats_quantile_from_sorted_data(noise, 1, (size_t)n, 0.90);
    want = (430000.0 - 180000.0 - 3.0 * q90) / 360000.0;
    assert_int_equal(
        solve(sc, "cost.posts.amount", "net_cost:all:p90 <= 430000", &opts, 0, 4, &res, &err),
        HN_OK);
    assert_true(res.lo <= want + 1e-9 && want <= res.hi + 1e-9);

    /* >= flips the side: the answer is the upper end of the bracket. */
    assert_int_equal(
        solve(sc, "cost.posts.amount", "gross_cost:all >= 700000", &opts, 0, 4, &res, &err), HN_OK);
    want = (700000.0 - 180000.0 - 3.0 * mean) / 360000.0;
    assert_true(res.lo <= want + 1e-9 && want <= res.hi + 1e-9);
    assert_double_rel(res.scale, res.hi, 0);

    hn_run_opts det = { .iterations = 1, .seed = 2385, .threads = 1, .deterministic = true };
    assert_int_equal(
        solve(sc, "cost.posts.amount", "net_cost:all <= 400000", &det, 0, 4, &res, &err), HN_OK);
    want = (400000.0 - 180000.0 - 45000.0) / 360000.0; /* noise at its mean, 15000 */
    assert_true(res.lo <= want + 1e-12 && want <= res.hi + 1e-12);
    free(noise);
    scenario_free(sc);
}

/* A probability target: bisected on the verdict to the empirical boundary 100000 / U_(1600). */
static void test_solve_probability(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "payback.ini");
    const long n = 2000;
    hn_run_opts opts = { .iterations = n, .seed = 2385, .threads = 3 };
    hn_results *r = NULL;
    hn_error err;
    assert_int_equal(engine_run(sc, &opts, &r, &err), HN_OK);
    double *u = malloc((size_t)n * sizeof *u);
    assert_non_null(u);
    memcpy(u, r->input_values, (size_t)n * sizeof *u);
    results_free(r);
    gsl_sort(u, 1, (size_t)n);
    double want = 100000.0 / u[1600 - 1];
    free(u);

    hn_solve_result res;
    assert_int_equal(solve(sc, "cost.x.amount", "payback_year:3 >= 0.8", &opts, 0, 4, &res, &err),
                     HN_OK);
    assert_true(res.bisected);
    assert_true(res.lo <= want * (1 + 1e-12) && want <= res.hi * (1 + 1e-12));
    assert_double_rel(res.scale, res.lo, 0); /* cheaper is better: the lower end holds */
    assert_true(res.figure >= 0.8);
    assert_true(res.figure_hi < 0.8);
    /* Closed form for the population: (100000 / s - 80000) / 50000 = 0.8 at s = 100000 / 120000. */
    assert_double_abs(res.scale, 100000.0 / 120000.0, 0.02);
    scenario_free(sc);
}

/* No scale in range meets the target, or every one does: errors with the figure's range. */
static void test_unreachable(void **state)
{
    (void)state;
    hn_scenario *sc = testutil_load(FIX "linear.ini");
    hn_run_opts opts = { .iterations = 200, .seed = 2385, .threads = 2 };
    hn_solve_result res;
    hn_error err;
    assert_int_equal(
        solve(sc, "cost.posts.amount", "net_cost:all <= 1000", &opts, 0, 4, &res, &err),
        HN_ERR_USAGE);
    assert_contains(err.message, "no scale of cost.posts.amount from 0 to 4 meets "
                                 "net_cost:all:mean <= 1000");
    assert_contains(err.message, "at scale 0 to");
    assert_int_equal(
        solve(sc, "cost.posts.amount", "net_cost:all <= 1e9", &opts, 0.5, 1.5, &res, &err),
        HN_ERR_USAGE);
    assert_contains(err.message, "every scale of cost.posts.amount tried from 0.5 to 1.5 meets");
    /* An undefined figure: nobody is ever supported, so cost per pupil supported has no value. */
    hn_scenario *pay = testutil_load(FIX "payback.ini");
    assert_int_equal(
        solve(pay, "cost.x.amount", "cost_per_supported:all <= 5", &opts, 0, 4, &res, &err),
        HN_ERR_USAGE);
    assert_contains(err.message, "undefined");
    scenario_free(pay);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admissible_ranges), cmocka_unit_test(test_refused_keys),
        cmocka_unit_test(test_scale_values),      cmocka_unit_test(test_target_parse),
        cmocka_unit_test(test_solve_linear),      cmocka_unit_test(test_solve_probability),
        cmocka_unit_test(test_unreachable),       cmocka_unit_test(test_scale_value_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
