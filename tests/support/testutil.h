/*
 * testutil.h - helpers shared by the cmocka suites.
 */
#ifndef HN_TESTUTIL_H
#define HN_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/engine.h"
#include "scenario/scenario.h"

/* Asserts |a - b| <= rel * max(|a|, |b|, 1): cmocka 1.1.5's assert_float_equal casts to float. */
#define assert_double_rel(a, b, rel) \
    testutil_assert_double_rel((a), (b), (rel), #a, #b, __FILE__, __LINE__)

/* Asserts |a - b| <= abs_tol. */
#define assert_double_abs(a, b, tol) \
    testutil_assert_double_abs((a), (b), (tol), #a, #b, __FILE__, __LINE__)

/* Asserts that haystack contains needle, printing both when it does not. */
#define assert_contains(haystack, needle) \
    testutil_assert_contains((haystack), (needle), __FILE__, __LINE__)

void testutil_assert_double_rel(double a, double b, double rel, const char *ea, const char *eb,
                                const char *file, int line);
void testutil_assert_double_abs(double a, double b, double tol, const char *ea, const char *eb,
                                const char *file, int line);
void testutil_assert_contains(const char *haystack, const char *needle, const char *file, int line);

/* Runs sc with opts (caller frees with results_free); fails the test with the engine's message. */
hn_results *testutil_run(const hn_scenario *sc, const hn_run_opts *opts);

/* Makes a fresh temporary directory; returns its path (static buffer reused per call: copy it). */
const char *testutil_tmpdir(void);

/* Writes text as s.ini in a fresh folder, loads it with scenario_load, removes both. */
hn_status testutil_load_text(const char *text, hn_scenario **sc, hn_error *err);

/* Writes text to dir/name and returns the full path (caller frees). Fails the test on error. */
char *testutil_write(const char *dir, const char *name, const char *text);

/* Loads the scenario at path (caller frees with scenario_free). Fails the test, printing the
 * loader's message, on error. */
hn_scenario *testutil_load(const char *path);

/*
 * The calibration tests' truth (test_calibrate.c, test_backtest.c): two
 * segments excluded into an uncapped PRU, ten years from 2012, primary
 * referrals growing 4% a year, two cost lines. The primary referrals and
 * the two exclusion rates are written as the given texts. Fails the test
 * on a load error; caller frees.
 */
hn_scenario *testutil_truth_scenario(const char *referrals, const char *primary,
                                     const char *secondary);

#endif
