/*
 * test_history.c - the history file (engine/scenario/history.c) and the
 * observed-beside-projected table (engine/analysis/observed.c).
 *
 * Every kind of bad row is an error naming the file and line with what
 * would be valid; good files read both year forms, comments, quoted
 * fields, a byte order mark and blank lines; `[scenario] history` is read
 * relative to the file that names it; observations are scored against a
 * run's statistics (a deterministic run: exactly its planned figures).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/observed.h"
#include "analysis/stats.h"
#include "scenario/history.h"
#include "support/testutil.h"

static const char *scenario_text = "[scenario]\n"
                                   "name = hist\n"
                                   "start_year = 2012\n"
                                   "years = 8\n"
                                   "baseline_cost = 1000\n"
                                   "[demand.primary]\n"
                                   "referrals = 40\n"
                                   "exclusion = 0.05\n"
                                   "resolve = 0.2\n"
                                   "excluded_route = pru\n"
                                   "[demand.secondary]\n"
                                   "referrals = 90\n"
                                   "exclusion = 0.08\n"
                                   "resolve = 0.2\n"
                                   "excluded_route = pru\n"
                                   "[provision.pru]\n"
                                   "serves = primary, secondary\n"
                                   "cost_per_pupil = 20000\n"
                                   "exit.mainstream = 0.1\n"
                                   "[cost.team]\n"
                                   "amount = 90000\n"
                                   "[income.schools]\n"
                                   "amount = 10000\n";

/* Loads the scenario above (caller frees). */
static hn_scenario *scenario(void)
{
    hn_scenario *sc = NULL;
    hn_error err;
    if (testutil_load_text(scenario_text, &sc, &err) != HN_OK) fail_msg("%s", err.message);
    return sc;
}

/* Reads text as a history of sc; returns the status, *h (or NULL) and err. */
static hn_status read_text(const hn_scenario *sc, const char *text, hn_history **h, hn_error *err)
{
    const char *dir = testutil_tmpdir();
    char *path = testutil_write(dir, "h.csv", text);
    hn_error_clear(err);
    hn_status st = history_load(path, sc, h, err);
    unlink(path);
    rmdir(dir);
    free(path);
    return st;
}

/* Asserts that text is refused at line with a message containing want. */
static void expect_bad(const hn_scenario *sc, const char *text, int line, const char *want)
{
    hn_history *h = NULL;
    hn_error err;
    assert_int_equal(read_text(sc, text, &h, &err), HN_ERR_SCENARIO);
    assert_null(h);
    if (err.line != line) fail_msg("line %d, expected %d: %s", err.line, line, err.message);
    assert_contains(err.message, want);
    assert_contains(err.file, "h.csv");
}

#define HEAD "year,metric,entity,value\n"

/* Bad files: the text, the line blamed and a fragment of the message. */
static const struct {
    const char *text;
    int line;
    const char *want;
} bad_files[] = {
    { "2012,exclusions,total,46\n", 1,
      "missing header: the first line must be `year,metric,entity,value`" },
    { "year;metric;entity;value\n", 1, "separated by `;`" },
    { "when,what,who,how many\n", 1, "the first line must be the header" },
    { HEAD "2012,exclusions,total,46\n2013,exclusion,total,50\n", 3,
      "metric `exclusion` cannot be observed: did you mean `exclusions`?" },
    { HEAD "2012,gross_cost,total,46\n", 2, "metric `gross_cost` cannot be observed" },
    { HEAD "2012,exclusions,primry,5\n", 2,
      "entity `primry` is not one that `exclusions` is recorded for in this scenario; did you "
      "mean `primary`?" },
    { HEAD "2012,starts,total,5\n", 2, "(valid: a provision ([provision.NAME]))" },
    { HEAD "2012,net_cost,income.schools,5\n", 2, "entity `income.schools`" },
    { HEAD "2012,supported,primary,5\n", 2, "valid: `total` or a provision" },
    { HEAD "2011,exclusions,total,40\n", 2,
      "year 2011/12 is outside the scenario's years, 2012/13 to 2019/20" },
    { HEAD "2020/21,exclusions,total,40\n", 2, "outside the scenario's years" },
    { HEAD "2016/18,exclusions,total,84\n", 2,
      "year `2016/18`: write the academic year's first calendar year, such as 2016, or the "
      "academic year, 2016/17" },
    { HEAD "16/17,exclusions,total,84\n", 2, "year `16/17`" },
    { HEAD "2016,exclusions,total,-1\n", 2, "value `-1` of exclusions: need a plain number >= 0" },
    { HEAD "2016,exclusions,total,eighty\n", 2, "value `eighty`" },
    { HEAD "2016,exclusions,total,nan\n", 2, "value `nan`" },
    { HEAD "2016,exclusions,total,inf\n", 2, "value `inf`" },
    { HEAD "2016,exclusions,total,1e999\n", 2, "value `1e999`" },
    { HEAD "2016,exclusions,total,84%\n", 2, "value `84%`" },
    { HEAD "2016,exclusions,total,\n", 2, "value `` of exclusions" },
    { HEAD "2016,net_cost,total,4,258,000\n", 2,
      "6 fields, expected 4 (year,metric,entity,value): a value must not have thousands "
      "separators" },
    { HEAD "2016,exclusions,total\n", 2, "3 fields, expected 4" },
    { HEAD "2016;exclusions;total;84\n", 2, "separated by `;`" },
    { HEAD "2016,exclusions,total,84\n# a comment\n2016/17,exclusions,total,85\n", 4,
      "duplicate row: exclusions of this entity in 2016/17 is already given on line 2" },
    { "", 0, "is empty: a history file starts with the header" },
    { HEAD "# nothing yet\n", 2, "has a header but no rows" },
    { "PK\x03\x04zip", 0, "not a history file" },
};

static void test_bad_rows(void **state)
{
    (void)state;
    hn_scenario *sc = scenario();
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++)
        expect_bad(sc, bad_files[i].text, bad_files[i].line, bad_files[i].want);
    scenario_free(sc);
}

static void test_good_file(void **state)
{
    (void)state;
    hn_scenario *sc = scenario();
    hn_history *h = NULL;
    hn_error err;
    const char *text = "\xEF\xBB\xBF# Bromley, seed 000\n"
                       "Year, Metric ,Entity,Value\n"
                       "\n"
                       "2012,exclusions,total,46   # seed 000\n"
                       "\"2016/17\",\"exclusions\",\"primary\",\"17\"\n"
                       "2013,net_cost,cost.team,90500.5\n"
                       "2019/20,net_cost,pru,1.5e6\n"
                       "2014,occupancy,pru,31.5\n"
                       "2014,supported,total,0\n";
    assert_int_equal(read_text(sc, text, &h, &err), HN_OK);
    assert_int_equal(h->n, 6);
    assert_int_equal(h->obs[0].year, 0);
    assert_int_equal(h->obs[0].metric, HN_OBS_EXCLUSIONS);
    assert_int_equal(h->obs[0].kind, HN_OBS_TOTAL);
    assert_double_rel(h->obs[0].value, 46, 0);
    assert_int_equal(h->obs[0].line, 4);
    assert_int_equal(h->obs[1].year, 4);
    assert_int_equal(h->obs[1].kind, HN_OBS_SEGMENT);
    assert_int_equal(h->obs[1].index, 0);
    assert_double_rel(h->obs[1].value, 17, 0);
    assert_int_equal(h->obs[2].kind, HN_OBS_COST);
    assert_double_rel(h->obs[2].value, 90500.5, 0);
    assert_int_equal(h->obs[3].year, 7);
    assert_int_equal(h->obs[3].kind, HN_OBS_PROVISION);
    assert_double_rel(h->obs[3].value, 1.5e6, 0);
    assert_int_equal(h->first_year, 0);
    assert_int_equal(h->last_year, 7);
    assert_int_equal((int)strlen(h->sha256), 64);
    assert_true(history_metric_is_money(HN_OBS_NET_COST));
    assert_false(history_metric_is_money(HN_OBS_EXCLUSIONS));
    assert_string_equal(history_metric_name(HN_OBS_OCCUPANCY), "occupancy");
    history_free(h);
    scenario_free(sc);
}

/* `history = FILE` in [scenario]: relative to the file naming it; its errors blamed on the key. */
static void test_scenario_key(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", testutil_tmpdir());
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    char *csv = testutil_write(sub, "h.csv", HEAD "2012,exclusions,secondary,30\n");
    /* The parent names the history, beside it in sub/; the child extends it from above. */
    char base[2048];
    snprintf(base, sizeof base, "[scenario]\nhistory = h.csv\n%s", scenario_text + 11);
    char *ini = testutil_write(sub, "base.ini", base);
    char *child =
        testutil_write(dir, "child.ini", "[scenario]\nextends = sub/base.ini\nname = c\n");
    hn_scenario *sc = testutil_load(child);
    assert_non_null(sc->history);
    assert_int_equal(sc->history->n, 1);
    assert_int_equal(sc->history->obs[0].index, 1);
    scenario_free(sc);
    /* An absolute path is taken as it is (a PATH key, scenario_keys.h). */
    char abs_text[2048];
    snprintf(abs_text, sizeof abs_text, "[scenario]\nhistory = %s\n%s", csv, scenario_text + 11);
    hn_error err;
    assert_int_equal(testutil_load_text(abs_text, &sc, &err), HN_OK);
    assert_string_equal(sc->history_file, csv);
    assert_int_equal(sc->history->n, 1);
    scenario_free(sc);
    /* `history =` with no file is an error at the key (the reader's, as for every key); no
     * history key leaves both NULL. */
    snprintf(abs_text, sizeof abs_text, "[scenario]\nhistory =\n%s", scenario_text + 11);
    assert_int_equal(testutil_load_text(abs_text, &sc, &err), HN_ERR_SCENARIO);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.key, "history");
    assert_contains(err.message, "the value is empty");
    assert_int_equal(testutil_load_text(scenario_text, &sc, &err), HN_OK);
    assert_null(sc->history_file);
    assert_null(sc->history);
    scenario_free(sc);
    /* A history that does not exist, or is empty, is blamed on the key. */
    unlink(csv);
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.key, "history");
    assert_contains(err.message, "the history file `h.csv`");
    assert_contains(err.message, "cannot be opened");
    /* A bad row inside it names the row. */
    free(csv);
    csv = testutil_write(sub, "h.csv",
                         HEAD "2012,exclusions,secondary,30\n2030,exclusions,total,1\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    assert_int_equal(err.line, 3);
    assert_contains(err.file, "h.csv");
    /* A child whose years end before the parent's history does: refused at the row. */
    unlink(child);
    free(child);
    child = testutil_write(dir, "child.ini",
                           "[scenario]\nextends = sub/base.ini\nname = c\nyears = 3\n");
    free(csv);
    csv = testutil_write(sub, "h.csv", HEAD "2015,exclusions,secondary,30\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    assert_contains(err.message,
                    "year 2015/16 is outside the scenario's years, 2012/13 to 2014/15");
    unlink(csv);
    unlink(ini);
    unlink(child);
    rmdir(sub);
    rmdir(dir);
    free(csv);
    free(ini);
    free(child);
}

/* Scoring: a deterministic run's planned figures; a Monte Carlo run's band. */
static void test_observed_score(void **state)
{
    (void)state;
    hn_scenario *sc = scenario();
    hn_history *h = NULL;
    hn_error err;
    assert_int_equal(read_text(sc,
                               HEAD "2013,exclusions,secondary,12\n2012,exclusions,secondary,4\n"
                                    "2012,net_cost,total,1\n",
                               &h, &err),
                     HN_OK);
    hn_run_opts det = { .deterministic = true, .threads = 1 };
    hn_results *r = testutil_run(sc, &det);
    hn_stats *st = NULL;
    assert_int_equal(stats_compute(r, &st, &err), HN_OK);
    hn_observed *o = NULL;
    assert_int_equal(observed_score(h, st, &o, &err), HN_OK);
    assert_int_equal(o->n, 3);
    assert_true(o->deterministic);
    /* Ordered by figure in layout order (net cost before exclusions), then year. */
    assert_int_equal(o->rows[0].metric, HN_M_NET_COST);
    assert_int_equal(o->rows[1].metric, HN_M_EXCLUSIONS);
    assert_int_equal(o->rows[1].year, 0);
    assert_int_equal(o->rows[2].year, 1);
    int col = layout_col(st->layout, HN_M_EXCLUSIONS, HN_ENT_SEGMENT, 1, 1);
    assert_int_equal(o->rows[2].col, col);
    assert_double_rel(o->rows[2].mean, results_get(r, col, 0), 1e-15);
    assert_double_rel(o->rows[2].observed, 12, 0);
    /* Planned secondary exclusions in year 1: 90/3 referrals a term into a pool excluded at 8%
     * a term and resolved at 20%: 30 x 0.08 = 2.4, then (30 x 0.72 + 30) x 0.08 = 4.128, ... */
    double pool = 0, excluded = 0;
    for (int t = 0; t < 3; t++) {
        excluded += pool * 0.08;
        pool = pool * 0.72 + 30;
    }
    assert_double_rel(o->rows[1].mean, excluded, 1e-12);
    observed_free(o);
    stats_free(st);
    results_free(r);

    hn_run_opts mc = { .iterations = 2000, .seed = 7, .threads = 2 };
    r = testutil_run(sc, &mc);
    assert_int_equal(stats_compute(r, &st, &err), HN_OK);
    assert_int_equal(observed_score(h, st, &o, &err), HN_OK);
    for (int i = 0; i < o->n; i++) {
        const hn_scored *s = &o->rows[i];
        assert_true(s->p10 <= s->p50 && s->p50 <= s->p90);
        assert_int_equal(s->inside, s->observed >= s->p10 && s->observed <= s->p90);
        assert_int_equal(s->origin, -1);
    }
    assert_false(o->rows[0].inside); /* £1 of net cost is far below the band */
    observed_free(o);
    stats_free(st);
    results_free(r);
    history_free(h);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_scenario_key),
        cmocka_unit_test(test_observed_score),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
