/*
 * testutil.c - shared test helpers: tolerant float asserts, temp files,
 * loading and running a scenario.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void testutil_assert_double_rel(double a, double b, double rel, const char *ea, const char *eb,
                                const char *file, int line)
{
    double scale = fmax(fmax(fabs(a), fabs(b)), 1.0);
    if (!(fabs(a - b) <= rel * scale)) {
        print_error("%s (%.17g) != %s (%.17g) within relative %g\n", ea, a, eb, b, rel);
        _fail(file, line);
    }
}

void testutil_assert_double_abs(double a, double b, double tol, const char *ea, const char *eb,
                                const char *file, int line)
{
    if (!(fabs(a - b) <= tol)) {
        print_error("%s (%.17g) != %s (%.17g) within %g\n", ea, a, eb, b, tol);
        _fail(file, line);
    }
}

void testutil_assert_contains(const char *haystack, const char *needle, const char *file, int line)
{
    if (!haystack || !needle || !strstr(haystack, needle)) {
        print_error("\"%s\" does not contain \"%s\"\n", haystack ? haystack : "(null)",
                    needle ? needle : "(null)");
        _fail(file, line);
    }
}

const char *testutil_tmpdir(void)
{
    static char buf[256];
    const char *base = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/hnsim-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(buf)) {
        print_error("mkdtemp failed\n");
        _fail(__FILE__, __LINE__);
    }
    return buf;
}

hn_status testutil_load_text(const char *text, hn_scenario **sc, hn_error *err)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s", testutil_tmpdir());
    char *path = testutil_write(dir, "s.ini", text);
    hn_status st = scenario_load(path, sc, err);
    unlink(path);
    rmdir(dir);
    free(path);
    return st;
}

char *testutil_write(const char *dir, const char *name, const char *text)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    assert_non_null(path);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

hn_scenario *testutil_load(const char *path)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(path, &sc, &err);
    if (st != HN_OK) print_error("%s: %s\n", path, err.message);
    assert_int_equal(st, HN_OK);
    assert_non_null(sc);
    return sc;
}

hn_results *testutil_run(const hn_scenario *sc, const hn_run_opts *opts)
{
    hn_results *r = NULL;
    hn_error err;
    hn_status st = engine_run(sc, opts, &r, &err);
    if (st != HN_OK) print_error("engine_run: %s\n", err.message);
    assert_int_equal(st, HN_OK);
    assert_non_null(r);
    return r;
}

hn_scenario *testutil_truth_scenario(const char *referrals, const char *primary,
                                     const char *secondary)
{
    char text[4096];
    snprintf(text, sizeof text,
             "[scenario]\nname = cal_truth\nstart_year = 2012\nyears = 10\nterms = 3\n"
             "baseline_cost = 100000\n"
             "[demand.primary]\nreferrals = %s\ngrowth = 0.04\ninitial = 20\nexclusion = %s\n"
             "resolve = 0.25\nexcluded_route = pru\n"
             "[demand.secondary]\nreferrals = 130\ninitial = 60\nexclusion = %s\n"
             "resolve = 0.20\nexcluded_route = pru\n"
             "[provision.pru]\nserves = primary, secondary\ncost_per_pupil = 20000\n"
             "exit.mainstream = 0.10\nexit.left = 0.05\n"
             "[cost.team]\namount = 250000\n[cost.other]\namount = 50000\n",
             referrals, primary, secondary);
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = testutil_load_text(text, &sc, &err);
    if (st != HN_OK) print_error("%s\n", err.message);
    assert_int_equal(st, HN_OK);
    return sc;
}
