/*
 * test_params.c - one iteration's parameter vector: constants, single
 * distributions drawn once, per-year lists, the count and money domains,
 * deterministic means, and the independence of each parameter's stream.
 *
 * Scenarios are built by hand: params_draw needs only `years`, `params`,
 * `n_params`, `n_slots` and each parameter's name, domain, items and slot.
 */
#include "support/testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/params.h"
#include "model/rng.h"

#define YEARS      5
#define SEED       UINT64_C(20210323)
#define MAX_PARAMS 8

/* A hand-built scenario holding up to MAX_PARAMS parameters. */
typedef struct {
    hn_scenario sc;
    hn_param p[MAX_PARAMS];
    hn_param *ptrs[MAX_PARAMS];
    hn_dist items[MAX_PARAMS][YEARS];
} fixture;

/* Makes a distribution value. */
static hn_dist mk(hn_dist_kind k, double a, double b, double c)
{
    hn_dist d = { k, { a, b, c } };
    return d;
}

/* Empties f for a scenario of `years` years. */
static void fx_init(fixture *f, int years)
{
    memset(f, 0, sizeof *f);
    f->sc.years = years;
    f->sc.params = f->ptrs;
}

/* Appends a parameter with n items (1 or years); returns it. */
static hn_param *fx_add(fixture *f, const char *name, hn_domain dom, int n, const hn_dist *items)
{
    int k = f->sc.n_params++;
    assert_true(k < MAX_PARAMS);
    hn_param *p = &f->p[k];
    p->name = (char *)name;
    p->domain = dom;
    p->n = n;
    memcpy(f->items[k], items, (size_t)n * sizeof *items);
    p->items = f->items[k];
    p->slot = k * f->sc.years;
    p->set = true;
    p->text = (char *)"";
    f->ptrs[k] = p;
    f->sc.n_slots = f->sc.n_params * f->sc.years;
    return p;
}

/* Appends a parameter holding one value for every year. */
static hn_param *fx_add1(fixture *f, const char *name, hn_domain dom, hn_dist d)
{
    return fx_add(f, name, dom, 1, &d);
}

static void test_constants_copied(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    hn_param *a =
        fx_add1(&f, "scenario.baseline_cost", HN_DOMAIN_MONEY, mk(HN_DIST_CONST, 4258000, 0, 0));
    const hn_dist list[YEARS] = { mk(HN_DIST_CONST, 90, 0, 0), mk(HN_DIST_CONST, 85, 0, 0),
                                  mk(HN_DIST_CONST, 80, 0, 0), mk(HN_DIST_CONST, 75, 0, 0),
                                  mk(HN_DIST_CONST, 70.5, 0, 0) };
    hn_param *b = fx_add(&f, "provision.pru.places", HN_DOMAIN_COUNT, YEARS, list);
    gsl_rng *r = rng_new();
    assert_non_null(r);
    double pv[2 * YEARS];
    hn_clamps clamped = { 0, 0 };
    params_draw(&f.sc, SEED, 0, r, pv, &clamped);
    for (int y = 0; y < YEARS; y++) {
        assert_double_abs(params_get(pv, a, y), 4258000, 0);
        assert_double_abs(params_get(pv, b, y), list[y].p[0], 0); /* constants not rounded */
    }
    assert_int_equal(clamped.money, 0);
    assert_int_equal(clamped.rate, 0);
    gsl_rng_free(r);
}

/* A single distribution is drawn once: all years equal; iterations differ. */
static void test_single_distribution_drawn_once(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    hn_param *p =
        fx_add1(&f, "scenario.inflation", HN_DOMAIN_RATE, mk(HN_DIST_UNIFORM, 0.01, 0.04, 0));
    gsl_rng *r = rng_new();
    assert_non_null(r);
    double pv[YEARS], first = 0;
    int distinct = 0;
    for (uint64_t it = 0; it < 10; it++) {
        params_draw(&f.sc, SEED, it, r, pv, NULL);
        for (int y = 1; y < YEARS; y++)
            assert_double_abs(params_get(pv, p, y), params_get(pv, p, 0), 0);
        assert_true(pv[0] >= 0.01 && pv[0] <= 0.04);
        if (it == 0)
            first = pv[0];
        else
            distinct += pv[0] != first;
    }
    assert_int_equal(distinct, 9);

    /* It is the first draw of the stream (seed, iteration, name). */
    gsl_rng *s = rng_new();
    assert_non_null(s);
    rng_seek(s, SEED, 9, rng_name_hash("scenario.inflation"));
    assert_double_abs(pv[0], dist_sample(&p->items[0], s), 0);
    gsl_rng_free(s);
    gsl_rng_free(r);
}

/* A per-year list draws its items in year order from the parameter's one stream. */
static void test_list_drawn_per_year(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    const hn_dist list[YEARS] = {
        mk(HN_DIST_NORMAL, 0.03, 0.01, 0),  mk(HN_DIST_CONST, 0.025, 0, 0),
        mk(HN_DIST_PERT, 0.01, 0.02, 0.04), mk(HN_DIST_TRIANGULAR, 0, 0.02, 0.05),
        mk(HN_DIST_UNIFORM, 0.01, 0.02, 0),
    };
    hn_param *p = fx_add(&f, "demand.secondary.growth", HN_DOMAIN_RATE, YEARS, list);
    gsl_rng *r = rng_new(), *s = rng_new();
    assert_non_null(r);
    assert_non_null(s);
    double pv[YEARS];
    params_draw(&f.sc, SEED, 12, r, pv, NULL);
    rng_seek(s, SEED, 12, rng_name_hash("demand.secondary.growth"));
    for (int y = 0; y < YEARS; y++)
        assert_double_abs(params_get(pv, p, y), dist_sample(&list[y], s), 0);
    assert_double_abs(pv[1], 0.025, 0);
    assert_true(pv[0] != pv[2] && pv[2] != pv[3] && pv[3] != pv[4]);
    gsl_rng_free(s);
    gsl_rng_free(r);
}

/* A per-year list of counts: constants in years 1 and 5, three distributions between. */
static void counts_list(hn_dist list[YEARS])
{
    list[0] = mk(HN_DIST_CONST, 150.5, 0, 0);
    list[1] = mk(HN_DIST_UNIFORM, 10.2, 20.7, 0);
    list[2] = mk(HN_DIST_PERT, 100, 123.85, 160);
    list[3] = mk(HN_DIST_LOGNORMAL, 23.85, 4.5, 0);
    list[4] = mk(HN_DIST_CONST, 7.25, 0, 0);
}

/* Counts: random items rounded to the nearest integer, constants untouched. */
static void test_counts_rounded_when_random(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    hn_dist list[YEARS];
    counts_list(list);
    hn_param *p = fx_add(&f, "demand.secondary.referrals", HN_DOMAIN_COUNT, YEARS, list);
    hn_param *q = fx_add1(&f, "provision.pru.places", HN_DOMAIN_COUNT,
                          mk(HN_DIST_TRIANGULAR, 60.5, 72.385, 90.5));
    gsl_rng *r = rng_new();
    assert_non_null(r);
    double pv[2 * YEARS];
    for (uint64_t it = 0; it < 200; it++) {
        params_draw(&f.sc, SEED, it, r, pv, NULL);
        assert_double_abs(params_get(pv, p, 0), 150.5, 0);
        assert_double_abs(params_get(pv, p, 4), 7.25, 0);
        for (int y = 1; y < 4; y++) {
            double v = params_get(pv, p, y);
            assert_double_abs(v, round(v), 0);
        }
        assert_true(params_get(pv, p, 1) >= 10 && params_get(pv, p, 1) <= 21);
        double v = params_get(pv, q, 0);
        assert_double_abs(v, round(v), 0);
        assert_true(v >= 60 && v <= 91);
    }
    /* The rounded value is the draw rounded. */
    gsl_rng *s = rng_new();
    assert_non_null(s);
    params_draw(&f.sc, SEED, 3, r, pv, NULL);
    rng_seek(s, SEED, 3, rng_name_hash("provision.pru.places"));
    assert_double_abs(params_get(pv, q, 2), round(dist_sample(&q->items[0], s)), 0);
    gsl_rng_free(s);
    gsl_rng_free(r);
}

/* Money below 0 is clamped to 0, a rate below -1 to -1 (decisions R16), each counted once per
 * drawn item, apart. */
static void test_money_clamped_and_counted(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    hn_param *single = fx_add1(&f, "provision.pru.income_per_pupil", HN_DOMAIN_MONEY,
                               mk(HN_DIST_NORMAL, -10, 1, 0));
    hn_dist list[YEARS];
    for (int y = 0; y < YEARS; y++) list[y] = mk(HN_DIST_NORMAL, -10.5 - y, 1, 0);
    hn_param *perYear = fx_add(&f, "cost.posts.amount", HN_DOMAIN_MONEY, YEARS, list);
    hn_param *rate =
        fx_add1(&f, "demand.secondary.growth", HN_DOMAIN_RATE, mk(HN_DIST_NORMAL, -10, 1, 0));
    hn_param *prob = fx_add1(&f, "demand.secondary.resolve", HN_DOMAIN_PROBABILITY,
                             mk(HN_DIST_BETA, 2.385, 4.1, 0));
    hn_param *pos = fx_add1(&f, "provision.pru.cost_per_pupil", HN_DOMAIN_MONEY,
                            mk(HN_DIST_NORMAL, 18000, 2385, 0));
    gsl_rng *r = rng_new();
    assert_non_null(r);
    double pv[5 * YEARS];
    hn_clamps clamped = { 7, 5 }; /* added to, not reset */
    const int iters = 1000;
    for (uint64_t it = 0; it < (uint64_t)iters; it++) {
        params_draw(&f.sc, SEED, it, r, pv, &clamped);
        for (int y = 0; y < YEARS; y++) {
            assert_double_abs(params_get(pv, single, y), 0, 0);
            assert_double_abs(params_get(pv, perYear, y), 0, 0);
            assert_true(params_get(pv, rate, y) < 0);
            assert_double_abs(params_get(pv, rate, y), -1, 0);
            assert_true(params_get(pv, prob, y) > 0 && params_get(pv, prob, y) < 1);
            assert_true(params_get(pv, pos, y) > 0);
        }
    }
    /* P(normal(-10, 1) >= 0) ~ 8e-24: every draw clamps; one per item, not per year. */
    assert_int_equal(clamped.money, 7 + iters * (1 + YEARS));
    /* P(normal(-10, 1) >= -1) ~ 1e-19: every rate draw clamps, once per iteration. */
    assert_int_equal(clamped.rate, 5 + iters);
    gsl_rng_free(r);
}

/*
 * The two-step draw of a run: params_draw_inputs gives the raw draws of
 * the inputs (in params_inputs order, at a stride), params_fill turns them
 * into the same vector as params_draw, rounding counts and clamping and
 * counting money and rates exactly as it does; after the first iteration
 * only the inputs are filled (inputs_only), the constant kept from it.
 */
static void test_draw_inputs_then_fill(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    hn_dist list[YEARS];
    counts_list(list);
    fx_add(&f, "demand.secondary.referrals", HN_DOMAIN_COUNT, YEARS, list);
    fx_add1(&f, "scenario.baseline_cost", HN_DOMAIN_MONEY, mk(HN_DIST_CONST, 4258000, 0, 0));
    fx_add1(&f, "provision.pru.income_per_pupil", HN_DOMAIN_MONEY, mk(HN_DIST_NORMAL, 1, 2.385, 0));
    fx_add1(&f, "demand.secondary.growth", HN_DOMAIN_RATE, mk(HN_DIST_NORMAL, -0.5, 1, 0));
    hn_input *in = NULL;
    int n = params_inputs(&f.sc, &in);
    assert_int_equal(n, 5);
    gsl_rng *r = rng_new();
    assert_non_null(r);
    hn_param_plan plan;
    assert_true(params_plan_init(&plan, &f.sc));
    assert_int_equal(plan.n, 3); /* the list and the two distributions, not the constant */
    assert_int_equal(plan.param[0], 0);
    assert_int_equal(plan.param[1], 2);
    assert_int_equal(plan.param[2], 3);
    const long stride = 3;
    double x[5 * 3], want[4 * YEARS], got[4 * YEARS];
    hn_clamps c_want = { 0, 0 }, c_got = { 0, 0 };
    long raw_negative = 0, raw_below = 0;
    for (uint64_t it = 0; it < 300; it++) {
        params_draw(&f.sc, SEED, it, r, want, &c_want);
        params_draw_inputs(&f.sc, &plan, SEED, it, r, x, stride);
        raw_negative += x[3 * stride] < 0;
        raw_below += x[4 * stride] < -1;
        /* Raw: the list's uniform element is not rounded. */
        assert_true(x[0] != round(x[0]));
        params_fill(&f.sc, &plan, x, stride, it > 0, got, &c_got);
        assert_memory_equal(got, want, sizeof want);
        for (int k = 0; k < n; k++)
            if (in[k].param != 2 && in[k].param != 3)
                assert_true(got[in[k].slot] == x[k * stride] ||
                            got[in[k].slot] == round(x[k * stride]));
        assert_true(got[in[4].slot] == fmax(x[4 * stride], -1)); /* the rate, clamped at -1 */
    }
    assert_int_equal(c_got.money, c_want.money);
    assert_int_equal(c_got.money, raw_negative);
    assert_true(c_got.money > 0);
    assert_int_equal(c_got.rate, c_want.rate);
    assert_int_equal(c_got.rate, raw_below);
    assert_true(c_got.rate > 0); /* normal(-0.5, 1) is below -1 in 31% of draws */
    params_plan_free(&plan);
    free(in);
    gsl_rng_free(r);
}

/* Deterministic mode: means, not rounded; negative money means clamped and counted. */
static void test_means(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    hn_param *infl =
        fx_add1(&f, "scenario.inflation", HN_DOMAIN_RATE, mk(HN_DIST_PERT, 0.01, 0.02, 0.04));
    hn_param *cnt = fx_add1(&f, "provision.pru.places", HN_DOMAIN_COUNT,
                            mk(HN_DIST_TRIANGULAR, 60.5, 72.385, 90.5));
    hn_param *neg = fx_add1(&f, "provision.pru.income_per_pupil", HN_DOMAIN_MONEY,
                            mk(HN_DIST_NORMAL, -10, 1, 0));
    const hn_dist list[YEARS] = {
        mk(HN_DIST_CONST, 150, 0, 0),     mk(HN_DIST_UNIFORM, 10.2, 20.7, 0),
        mk(HN_DIST_BETA, 2.385, 4.1, 0),  mk(HN_DIST_LOGNORMAL, 23.85, 4.5, 0),
        mk(HN_DIST_NORMAL, -2.385, 1, 0),
    };
    hn_param *mix = fx_add(&f, "cost.posts.amount", HN_DOMAIN_MONEY, YEARS, list);
    double pv[4 * YEARS];
    hn_clamps clamped = { 0, 0 };
    params_means(&f.sc, pv, &clamped);
    for (int y = 0; y < YEARS; y++) {
        assert_double_rel(params_get(pv, infl, y), 0.13 / 6.0, 1e-14);
        assert_double_rel(params_get(pv, cnt, y), (60.5 + 72.385 + 90.5) / 3.0, 1e-14);
        assert_double_abs(params_get(pv, neg, y), 0, 0);
    }
    assert_double_abs(params_get(pv, mix, 0), 150, 0);
    assert_double_rel(params_get(pv, mix, 1), 15.45, 1e-14);
    assert_double_rel(params_get(pv, mix, 2), 2.385 / 6.485, 1e-14);
    assert_double_rel(params_get(pv, mix, 3), 23.85, 1e-14);
    assert_double_abs(params_get(pv, mix, 4), 0, 0);
    assert_int_equal(clamped.money, 2); /* neg once, and the list's last item */
    assert_int_equal(clamped.rate, 0);
}

/* Adding a parameter (before, between or after) never changes another's draws. */
static void test_streams_independent_of_other_params(void **state)
{
    (void)state;
    const hn_dist growth = mk(HN_DIST_NORMAL, 0.03, 0.01, 0);
    hn_dist refs[YEARS];
    for (int y = 0; y < YEARS; y++) refs[y] = mk(HN_DIST_PERT, 100 + y, 150 + y, 200 + y);
    const hn_dist extra = mk(HN_DIST_UNIFORM, 1, 2.385, 0);

    fixture a, b;
    fx_init(&a, YEARS);
    hn_param *ag = fx_add1(&a, "demand.secondary.growth", HN_DOMAIN_RATE, growth);
    hn_param *ar = fx_add(&a, "demand.secondary.referrals", HN_DOMAIN_COUNT, YEARS, refs);

    fx_init(&b, YEARS);
    fx_add1(&b, "provision.new.fixed_cost", HN_DOMAIN_MONEY, extra);
    hn_param *br = fx_add(&b, "demand.secondary.referrals", HN_DOMAIN_COUNT, YEARS, refs);
    fx_add1(&b, "demand.primary.growth", HN_DOMAIN_RATE, extra);
    hn_param *bg = fx_add1(&b, "demand.secondary.growth", HN_DOMAIN_RATE, growth);
    fx_add1(&b, "cost.posts.amount", HN_DOMAIN_MONEY, extra);

    gsl_rng *r = rng_new();
    assert_non_null(r);
    double pa[2 * YEARS], pb[5 * YEARS];
    for (uint64_t it = 0; it < 50; it++) {
        params_draw(&a.sc, SEED, it, r, pa, NULL);
        params_draw(&b.sc, SEED, it, r, pb, NULL);
        for (int y = 0; y < YEARS; y++) {
            assert_double_abs(params_get(pa, ag, y), params_get(pb, bg, y), 0);
            assert_double_abs(params_get(pa, ar, y), params_get(pb, br, y), 0);
        }
    }
    gsl_rng_free(r);
}

/* Same (seed, iteration): the same vector bit for bit, whatever r was doing before. */
static void test_reproducible(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, 3);
    fx_add1(&f, "scenario.inflation", HN_DOMAIN_RATE, mk(HN_DIST_PERT, 0.01, 0.02, 0.04));
    const hn_dist list[3] = { mk(HN_DIST_LOGNORMAL, 2.385, 1, 0), mk(HN_DIST_BETA, 2, 3, 0),
                              mk(HN_DIST_NORMAL, 5, 2, 0) };
    fx_add(&f, "provision.pru.fixed_cost", HN_DOMAIN_MONEY, 3, list);
    gsl_rng *r = rng_new(), *s = rng_new();
    assert_non_null(r);
    assert_non_null(s);
    double p1[6], p2[6], p3[6];
    params_draw(&f.sc, SEED, 77, r, p1, NULL);
    gsl_rng_set(s, 12345);
    for (int i = 0; i < 99; i++) gsl_rng_get(s);
    params_draw(&f.sc, SEED, 77, s, p2, NULL);
    assert_memory_equal(p1, p2, sizeof p1);
    params_draw(&f.sc, SEED + 1, 77, s, p3, NULL);
    assert_true(memcmp(p1, p3, sizeof p1) != 0);
    gsl_rng_free(s);
    gsl_rng_free(r);
}

/* An empty scenario writes nothing and does not touch the counter. */
static void test_empty(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    gsl_rng *r = rng_new();
    assert_non_null(r);
    double pv[1] = { 2.385 };
    hn_clamps clamped = { 3, 4 };
    params_draw(&f.sc, SEED, 0, r, pv, &clamped);
    params_means(&f.sc, pv, &clamped);
    assert_double_abs(pv[0], 2.385, 0);
    assert_int_equal(clamped.money, 3);
    assert_int_equal(clamped.rate, 4);
    gsl_rng_free(r);
}

/* Only distributions are inputs: a constant is not; a single distribution is one input named by
 * its parameter; each random element of a list is one input named with its year. */
static void test_inputs_listed(void **state)
{
    (void)state;
    fixture f;
    fx_init(&f, YEARS);
    fx_add1(&f, "scenario.baseline_cost", HN_DOMAIN_MONEY, mk(HN_DIST_CONST, 4258000, 0, 0));
    fx_add1(&f, "provision.pru.cost_per_pupil", HN_DOMAIN_MONEY,
            mk(HN_DIST_PERT, 8000, 9000, 11000));
    const hn_dist list[YEARS] = { mk(HN_DIST_CONST, 0, 0, 0), mk(HN_DIST_TRIANGULAR, 1, 2, 3),
                                  mk(HN_DIST_CONST, 3, 0, 0), mk(HN_DIST_CONST, 4, 0, 0),
                                  mk(HN_DIST_UNIFORM, 4, 5, 0) };
    fx_add(&f, "provision.pru.income_per_pupil", HN_DOMAIN_MONEY, YEARS, list);
    hn_input *in = NULL;
    assert_int_equal(params_inputs(&f.sc, &in), 3);
    assert_string_equal(in[0].name, "provision.pru.cost_per_pupil");
    assert_int_equal(in[0].param, 1);
    assert_int_equal(in[0].slot, 1 * YEARS);
    assert_string_equal(in[1].name, "provision.pru.income_per_pupil[2]");
    assert_int_equal(in[1].item, 1);
    assert_int_equal(in[1].slot, 2 * YEARS + 1);
    assert_string_equal(in[2].name, "provision.pru.income_per_pupil[5]");
    assert_int_equal(in[2].slot, 2 * YEARS + 4);
    free(in);

    fixture g;
    fx_init(&g, YEARS);
    fx_add1(&g, "scenario.baseline_cost", HN_DOMAIN_MONEY, mk(HN_DIST_CONST, 1, 0, 0));
    assert_int_equal(params_inputs(&g.sc, &in), 0);
    assert_null(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants_copied),
        cmocka_unit_test(test_single_distribution_drawn_once),
        cmocka_unit_test(test_list_drawn_per_year),
        cmocka_unit_test(test_counts_rounded_when_random),
        cmocka_unit_test(test_money_clamped_and_counted),
        cmocka_unit_test(test_draw_inputs_then_fill),
        cmocka_unit_test(test_means),
        cmocka_unit_test(test_streams_independent_of_other_params),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_inputs_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
