/*
 * test_limits.c - the size limits of scenario.h, scenario_raw.h and
 * ini_reader.h at their boundaries (the largest accepted value loads, one
 * step beyond is refused at the right line, section and key), and the
 * engine's draw guard: a Monte Carlo count that passes HN_SIM_MAX_DRAW
 * refuses the run with HN_ERR_LIMIT instead of wrapping around or hanging
 * (docs/decisions.md items R1-R4, docs/reliability.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/engine.h"
#include "scenario/ini_reader.h"
#include "scenario/scenario.h"
#include "scenario/scenario_raw.h"
#include "model/sim.h"
#include "support/testutil.h"

/* Lines 1-4: the smallest valid [scenario]. */
#define HEAD "[scenario]\nname = t\nstart_year = 2020\nbaseline_cost = 1000\n"

/* A growable string for generated scenarios. */
typedef struct {
    char *s;
    size_t len, cap;
} buf;

/* Appends printf-style text to b (fails the test when out of memory). */
static void bprintf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
        b->s = realloc(b->s, cap);
        assert_non_null(b->s);
        if (!b->cap) b->s[0] = '\0';
        b->cap = cap;
    }
}

/* text must load; returns the scenario. */
static hn_scenario *load_ok(const char *text)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = testutil_load_text(text, &sc, &err);
    if (st != HN_OK) print_error("expected a valid scenario: %s\n", err.message);
    assert_int_equal(st, HN_OK);
    return sc;
}

/* text must be refused at line, section and key, with fragment in the message. */
static void refused(const char *text, int line, const char *section, const char *key,
                    const char *fragment)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = testutil_load_text(text, &sc, &err);
    if (st != HN_ERR_SCENARIO || err.line != line || strcmp(err.section, section) ||
        strcmp(err.key, key) || !strstr(err.message, fragment))
        print_error("got %d at line %d [%s] %s: %s\nwanted line %d [%s] %s: ...%s...\n", st,
                    err.line, err.section, err.key, err.message, line, section, key, fragment);
    assert_int_equal(st, HN_ERR_SCENARIO);
    assert_null(sc);
    assert_int_equal(err.line, line);
    assert_string_equal(err.section, section);
    assert_string_equal(err.key, key);
    assert_contains(err.message, fragment);
}

/* One value at its limit: text loads when fragment is NULL, else is refused there. */
typedef struct {
    const char *text;
    int line;
    const char *section, *key, *fragment;
} limit_case;

/* HEAD, then [demand.d] (line 5) with its key on line 6. */
#define SEG HEAD "[demand.d]\n"

static const limit_case value_cases[] = {
    /* Counts: at most HN_MAX_COUNT, everywhere a count can be. */
    { SEG "referrals = 1000000\n", 0, NULL, NULL, NULL },
    { SEG "referrals = 1000001\n", 6, "demand.d", "referrals", "1000001 is more than 1000000" },
    { SEG "referrals = pert(10, 20, 1000000)\n", 0, NULL, NULL, NULL },
    { SEG "referrals = pert(10, 20, 2000000)\n", 6, "demand.d", "referrals",
      "can reach 2e+06, more than 1000000" },
    { SEG "referrals = lognormal(1000000, 1000000)\n", 0, NULL, NULL, NULL },
    { SEG "referrals = lognormal(10, 2000000)\n", 6, "demand.d", "referrals",
      "has mean 10 and sd 2e+06" },
    { SEG "initial = 1000001\n", 6, "demand.d", "initial", "is more than 1000000" },
    { SEG "referrals = 10, 20, 30, 40, 1e9\n", 6, "demand.d", "referrals",
      "year 5: 1e9 is more than 1000000" }, /* quoted as written (R18) */
    { HEAD "[provision.p]\nplaces = 1000000\ncommissioned = 1000001\n", 7, "provision.p",
      "commissioned", "is more than 1000000" },
    /* Money within +/-HN_MAX_MONEY. */
    { HEAD "[cost.c]\namount = 1000000000000\n", 0, NULL, NULL, NULL },
    { HEAD "[cost.c]\namount = 1000000000001\n", 6, "cost.c", "amount",
      "is more than 1000000000000" },
    { HEAD "[cost.c]\namount = normal(0, 2e12)\n", 6, "cost.c", "amount", "sd 2e+12" },
    { HEAD "[cost.c]\namount = uniform(-2e12, 0)\n", 6, "cost.c", "amount",
      "can fall to -2e+12, less than -1000000000000" },
    /* Rates within [-1, HN_MAX_RATE]. */
    { SEG "growth = 1\n", 0, NULL, NULL, NULL },
    { SEG "growth = 1.05\n", 6, "demand.d", "growth",
      "1.05 is more than 1: a yearly rate is a fraction" },
    /* An unbounded rate: mean and sd within the limit (R2), and below -1 in at most 1 draw in
     * 10,000 (R16): 0.03 - 3.719 x 0.27 = -0.974 keeps it; sd 1 (15% below -1) does not. */
    { SEG "growth = normal(0.03, 0.27)\n", 0, NULL, NULL, NULL },
    { SEG "growth = normal(0.03, 1)\n", 6, "demand.d", "growth",
      "normal(0.03, 1) falls below -1 (a fall of more than 100%) in 15% of draws; a yearly rate "
      "may do so in at most 1 draw in 10000" },
    { SEG "growth = normal(0.03, 0.28)\n", 6, "demand.d", "growth", "in 0.012% of draws" },
    { SEG "growth = normal(0.03, 1.5)\n", 6, "demand.d", "growth", "sd 1.5" },
    { SEG "growth = uniform(-1.5, 0.1)\n", 6, "demand.d", "growth",
      "can fall to -1.5, less than -1" },
    { HEAD "inflation = 0.02, 0.02, 0.02, 0.02, 2\n", 5, "scenario", "inflation",
      "year 5: 2 is more than 1" },
};

/* Counts, money and rates at their limits (decisions item R2). */
static void test_value_limits(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof value_cases / sizeof *value_cases; i++) {
        const limit_case *c = &value_cases[i];
        if (c->fragment)
            refused(c->text, c->line, c->section, c->key, c->fragment);
        else
            scenario_free(load_ok(c->text));
    }
}

/* HEAD then n sections [type.NAMEi] (one line each, from line 5), in b. */
static void sections(buf *b, const char *type, int n)
{
    bprintf(b, HEAD);
    for (int i = 0; i < n; i++) bprintf(b, "[%s.s%d]\n", type, i);
}

/* At most HN_MAX_PROVISIONS provisions (and so on): the one too many is named at its header. */
static void test_section_limits(void **state)
{
    (void)state;
    static const struct {
        const char *type;
        int max;
        const char *fragment;
    } kinds[] = {
        { "provision", HN_MAX_PROVISIONS,
          "too many [provision.*] sections: a scenario file has "
          "at most 100" },
        { "demand", HN_MAX_SEGMENTS,
          "too many [demand.*] sections: a scenario file has at most 30" },
        { "cost", HN_MAX_MONEY_LINES, "too many [cost.*] sections" },
        { "income", HN_MAX_MONEY_LINES, "too many [income.*] sections" },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        buf b = { 0 };
        sections(&b, kinds[k].type, kinds[k].max);
        scenario_free(load_ok(b.s));
        bprintf(&b, "[%s.extra]\n", kinds[k].type);
        char name[64];
        snprintf(name, sizeof name, "%s.extra", kinds[k].type);
        refused(b.s, 5 + kinds[k].max, name, "", kinds[k].fragment);
        free(b.s);
    }
}

/* A child may not push the merged scenario past a limit either. */
static void test_section_limits_through_extends(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", testutil_tmpdir());
    buf b = { 0 };
    bprintf(&b, HEAD);
    for (int i = 0; i < HN_MAX_PROVISIONS; i++)
        bprintf(&b, "[provision.p%d]\ncost_per_pupil = 1\n", i);
    char *base = testutil_write(dir, "base.ini", b.s);
    char *child = testutil_write(dir, "child.ini",
                                 "[scenario]\nextends = base.ini\n[provision.p0]\nplaces = 3\n"
                                 "[provision.more]\ncost_per_pupil = 2\n");
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    assert_int_equal(err.line, 5);
    assert_string_equal(err.section, "provision.more");
    assert_contains(err.message, "a scenario and the files it extends have at most 100");
    unlink(base);
    unlink(child);
    rmdir(dir);
    free(base);
    free(child);
    free(b.s);
}

/* At most HN_RAW_MAX_KEYS keys in a section. */
static void test_key_limit(void **state)
{
    (void)state;
    buf b = { 0 };
    bprintf(&b, HEAD "[cost.c]\n");
    for (int i = 0; i < HN_RAW_MAX_KEYS; i++) bprintf(&b, "k%d = 1\n", i);
    bprintf(&b, "one_more = 1\n");
    refused(b.s, 6 + HN_RAW_MAX_KEYS, "cost.c", "one_more", "too many keys in one section");
    free(b.s);
}

/* A file of exactly HN_MAX_FILE_BYTES is read; one byte more is refused before reading. */
static void test_file_size_limit(void **state)
{
    (void)state;
    buf b = { 0 };
    bprintf(&b, HEAD);
    while (b.len + 80 < HN_MAX_FILE_BYTES) bprintf(&b, "; %76s\n", "padding");
    while (b.len < HN_MAX_FILE_BYTES - 1) bprintf(&b, ";");
    bprintf(&b, "\n");
    assert_int_equal(b.len, HN_MAX_FILE_BYTES);
    scenario_free(load_ok(b.s));
    bprintf(&b, "\n");
    refused(b.s, 0, "", "", "is 2097153 bytes; a scenario file is at most 2097152 bytes");
    free(b.s);
}

/*
 * A normal growth of mean 1 and sd 1 passes the loader (both within the
 * rate limit) but compounds over ten years to more than HN_SIM_MAX_DRAW
 * referrals in some iteration: the run is refused with HN_ERR_LIMIT and no
 * results. The deterministic run (no draws) of the same scenario is fine.
 */
static void test_draw_guard(void **state)
{
    (void)state;
    /* normal(1, 0.5) is below -1 in 3 draws in 100,000 (R16), above 1.15 in 38 in 100. */
    hn_scenario *sc = load_ok(HEAD "years = 10\n[demand.d]\nreferrals = 1000000\n"
                                   "growth = normal(1, 0.5)\n");
    hn_run_opts o = { .iterations = 500, .seed = 4, .threads = 2 };
    hn_results *r = (hn_results *)1;
    hn_error err;
    assert_int_equal(engine_run(sc, &o, &r, &err), HN_ERR_LIMIT);
    assert_null(r);
    assert_int_equal(err.status, HN_ERR_LIMIT);
    assert_contains(err.message, "drew more than 1000000000 pupils in one flow");
    /* The iteration named is the first in index order, whatever the thread count. */
    char named[sizeof err.message];
    snprintf(named, sizeof named, "%s", err.message);
    o.threads = 1;
    assert_int_equal(engine_run(sc, &o, &r, &err), HN_ERR_LIMIT);
    assert_string_equal(err.message, named);
    assert_true(strncmp(named, "iteration ", 10) == 0);
    o.deterministic = true;
    assert_int_equal(engine_run(sc, &o, &r, &err), HN_OK);
    assert_non_null(r);
    results_free(r);
    /* Just inside: a constant growth keeping referrals below the cap runs. */
    scenario_free(sc);
    sc = load_ok(HEAD "years = 10\n[demand.d]\nreferrals = 1000000\ngrowth = 0.9\n");
    o.deterministic = false;
    o.iterations = 20;
    assert_int_equal(engine_run(sc, &o, &r, &err), HN_OK);
    results_free(r);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_limits),
        cmocka_unit_test(test_section_limits),
        cmocka_unit_test(test_section_limits_through_extends),
        cmocka_unit_test(test_key_limit),
        cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_draw_guard),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
