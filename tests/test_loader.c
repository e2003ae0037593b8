/*
 * test_loader.c - scenario_load: the file reader, values, domains, key
 * tables, references, `extends`, and every rule of MODEL.md sections 2-3
 * and docs/decisions.md items 1-12. Each error test asserts the status,
 * the line, the section, the key and a fragment of the message. Scenario
 * files are written to a fresh temporary folder per test and removed by the
 * teardown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario/domain.h"
#include "scenario/keys.h"
#include "scenario/s251.h"
#include "scenario/scenario.h"
#include "scenario/value_parse.h"
#include "base/sha256.h"
#include "base/suggest.h"
#include "support/testutil.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* Files and folders written by the current test, removed by cleanup(). */
static char *written[16];
static int n_written;
static char dirs[4][256];
static int n_dirs;

/* A fresh temporary folder for this test (copied out of testutil's buffer). */
static const char *new_dir(void)
{
    assert_true(n_dirs < 4);
    snprintf(dirs[n_dirs], sizeof dirs[n_dirs], "%s", testutil_tmpdir());
    return dirs[n_dirs++];
}

/* Writes dir/name and remembers it for cleanup; returns the path (owned here). */
static const char *put(const char *dir, const char *name, const char *text)
{
    assert_true(n_written < 16);
    written[n_written] = testutil_write(dir, name, text);
    return written[n_written++];
}

/* Writes n bytes (NULs allowed) to dir/name. */
static const char *put_bytes(const char *dir, const char *name, const char *bytes, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    assert_true(n_written < 16);
    written[n_written] = strdup(path);
    return written[n_written++];
}

/* Teardown: removes every file and folder the test wrote. */
static int cleanup(void **state)
{
    (void)state;
    for (int i = n_written - 1; i >= 0; i--) {
        unlink(written[i]);
        free(written[i]);
    }
    n_written = 0;
    for (int i = n_dirs - 1; i >= 0; i--) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s/sub", dirs[i]);
        rmdir(sub);
        rmdir(dirs[i]);
    }
    n_dirs = 0;
    return 0;
}

/* Loads text that must be valid; fails the test with the message otherwise. */
static hn_scenario *load_ok_at(const char *text, const char *file, int line)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = testutil_load_text(text, &sc, &err);
    if (st != HN_OK || !sc) {
        print_error("expected a valid scenario, got status %d: %s\n", st, err.message);
        _fail(file, line);
    }
    return sc;
}
#define load_ok(text) load_ok_at((text), __FILE__, __LINE__)

/* Checks an error value against what is expected, printing everything on mismatch. */
static void check_err(hn_status st, const hn_scenario *sc, const hn_error *err, int line,
                      const char *section, const char *key, const char *fragment, const char *file,
                      int cline)
{
    char where[32];
    snprintf(where, sizeof where, ":%d: ", line);
    bool ok = st == HN_ERR_SCENARIO && sc == NULL && err->status == HN_ERR_SCENARIO &&
              err->line == line && !strcmp(err->section, section) && !strcmp(err->key, key) &&
              strstr(err->message, fragment) && (line == 0 || strstr(err->message, where)) &&
              strstr(err->message, err->file) && err->file[0];
    if (!ok) {
        print_error("got status %d line %d section '%s' key '%s' file '%s'\n  message: %s\n"
                    "wanted line %d section '%s' key '%s' fragment '%s'\n",
                    st, err->line, err->section, err->key, err->file, err->message, line, section,
                    key, fragment);
        _fail(file, cline);
    }
}

/* Loads text that must fail at (line, section, key) with fragment in the message. */
static void expect_err_at(const char *text, int line, const char *section, const char *key,
                          const char *fragment, const char *file, int cline)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = testutil_load_text(text, &sc, &err);
    check_err(st, sc, &err, line, section, key, fragment, file, cline);
    scenario_free(sc);
}
#define expect_err(text, line, section, key, fragment) \
    expect_err_at((text), (line), (section), (key), (fragment), __FILE__, __LINE__)

/* Lines 1-4: the smallest valid [scenario]. */
#define HEAD "[scenario]\nname = t\nstart_year = 2020\nbaseline_cost = 1000\n"

/* An uncapped provision for excluded routes (3 lines). */
#define UNCAPPED "[provision.iap]\nkind = placement\ncost_per_pupil = 40000\n"

/* ------------------------------------------------------------------ */
/* The full example of MODEL.md section 3, made valid                 */
/* ------------------------------------------------------------------ */

static const char *full_example =
    "[scenario]\n"
    "name        = bromley_ap_5yr          ; required, [a-z0-9_]+\n"
    "title       = Bromley AP: 5-year commissioning plan\n"
    "authority   = London Borough of Bromley\n"
    "start_year  = 2020\n"
    "years       = 5\n"
    "terms       = 3\n"
    "iterations  = 10000\n"
    "seed        = 20210323\n"
    "baseline_cost = 4258000                ; spend in the baseline year, \xc2\xa3\n"
    "budget      = 4258000                  ; optional \xc2\xa3 per year (list allowed)\n"
    "inflation   = pert(0.01, 0.02, 0.04)   ; optional, applied from year 2\n"
    "\n"
    "[demand.secondary]                     ; a segment of at-risk pupils\n"
    "label      = Secondary pupils at risk of exclusion\n"
    "referrals  = 150                       ; expected new at-risk pupils, year 1\n"
    "growth     = normal(0.03, 0.01)        ; yearly growth from year 2\n"
    "initial    = 20                        ; at-risk pupils waiting at start\n"
    "route      = secondary_outreach, respite   ; first with a free place\n"
    "exclusion  = 0.06                      ; per term, unsupported pupils\n"
    "resolve    = 0.10                      ; per term, needs met in school\n"
    "ehcna      = 0.01                      ; per term, EHC needs assessment asked\n"
    "excluded_route = secondary_pru, independent_ap   ; last must be uncapped\n"
    "\n"
    "[provision.secondary_pru]\n"
    "label          = Secondary PRU (BTA)\n"
    "kind           = placement             ; free text, used to group subtotals\n"
    "serves         = secondary             ; segments it takes (informational)\n"
    "places         = 90, 85, 80, 75, 70    ; capacity at any one time; absent = uncapped\n"
    "initial        = 80                    ; occupants at start, of the first\n"
    "                                       ; segment in `serves`; or per segment:\n"
    "                                       ; initial.secondary = 80\n"
    "place_funding  = 10000                 ; \xc2\xa3 per commissioned place per year\n"
    "commissioned   = 90, 85, 80, 75, 70    ; default: places\n"
    "cost_per_pupil = 18000                 ; \xc2\xa3 top-up per pupil-year of occupancy\n"
    "cost_per_start = 0                     ; \xc2\xa3 per new start\n"
    "fixed_cost     = 0                     ; \xc2\xa3 per year (staff, premises)\n"
    "income_per_pupil = triangular(0, 2000, 4000)   ; recoupment, \xc2\xa3 per pupil-year\n"
    "income_per_start = 0                   ; e.g. school contribution per start\n"
    "exit.mainstream = 0.08                 ; per term: reintegrated\n"
    "exit.semh_special = 0.03               ; per term: to another provision\n"
    "exit.left      = 0.05                  ; per term: leaves (age, moves away)\n"
    "exit.excluded  = 0                     ; per term: permanently excluded\n"
    "ehcna          = 0.02\n"
    "overflow       = independent_ap        ; where a transfer in goes when full\n"
    "\n"
    "[provision.secondary_outreach]\n"
    "label = Secondary outreach\n"
    "kind = outreach\n"
    "serves = secondary\n"
    "places = 40\n"
    "cost_per_pupil = 6000\n"
    "exit.mainstream = 0.2\n"
    "\n"
    "[provision.respite]\n"
    "places = 10\n"
    "cost_per_pupil = 9000\n"
    "\n"
    "[provision.semh_special]\n"
    "places = 30\n"
    "cost_per_pupil = 25000\n"
    "overflow = independent_ap\n"
    "\n"
    "[provision.independent_ap]\n"
    "kind = placement\n"
    "cost_per_pupil = pert(30000, 40000, 60000)\n"
    "exit.mainstream = 0.05\n"
    "\n"
    "[cost.new_posts]                       ; lines outside any provision\n"
    "label  = Two caseworkers and a recoupment officer\n"
    "amount = 120000                        ; \xc2\xa3 per year, list allowed\n"
    "\n"
    "[income.school_contributions]\n"
    "label  = Schools' contribution to the outreach service\n"
    "amount = 0, 0, 150000, 150000, 150000\n";

static void test_full_example_loads(void **state)
{
    (void)state;
    hn_scenario *sc = load_ok(full_example);
    assert_string_equal(sc->name, "bromley_ap_5yr");
    assert_string_equal(sc->title, "Bromley AP: 5-year commissioning plan");
    assert_string_equal(sc->authority, "London Borough of Bromley");
    assert_int_equal(sc->start_year, 2020);
    assert_int_equal(sc->years, 5);
    assert_int_equal(sc->terms, 3);
    assert_int_equal(sc->iterations, 10000);
    assert_true(sc->seed == 20210323u);
    assert_double_rel(sc->baseline_cost.items[0].p[0], 4258000, 1e-15);
    assert_true(sc->has_budget);
    assert_true(sc->has_inflation);
    assert_int_equal(sc->inflation.items[0].kind, HN_DIST_PERT);
    assert_double_rel(sc->inflation.items[0].p[2], 0.04, 1e-15);
    assert_string_equal(sc->inflation.name, "scenario.inflation");

    /* Segments. */
    assert_int_equal(sc->n_segments, 1);
    const hn_segment *g = &sc->segments[0];
    assert_string_equal(g->name, "secondary");
    assert_string_equal(g->label, "Secondary pupils at risk of exclusion");
    assert_string_equal(g->referrals.name, "demand.secondary.referrals");
    assert_false(g->referrals_per_year);
    assert_int_equal(g->growth.items[0].kind, HN_DIST_NORMAL);
    assert_double_rel(g->initial.items[0].p[0], 20, 1e-15);
    assert_double_rel(g->exclusion.items[0].p[0], 0.06, 1e-15);
    assert_int_equal(g->n_route, 2);
    assert_int_equal(g->route[0], scenario_provision_index(sc, "secondary_outreach"));
    assert_int_equal(g->route[1], scenario_provision_index(sc, "respite"));
    assert_int_equal(g->n_excluded_route, 2);
    assert_int_equal(g->excluded_route[0], 0);
    assert_int_equal(g->excluded_route[1], 4);

    /* Provisions, in file order. */
    assert_int_equal(sc->n_provisions, 5);
    assert_string_equal(sc->provisions[0].name, "secondary_pru");
    assert_string_equal(sc->provisions[4].name, "independent_ap");
    assert_int_equal(scenario_provision_index(sc, "respite"), 2);
    assert_int_equal(scenario_provision_index(sc, "nope"), -1);
    assert_int_equal(scenario_segment_index(sc, "secondary"), 0);
    assert_int_equal(scenario_segment_index(sc, "primary"), -1);
    const hn_provision *p = &sc->provisions[0];
    assert_string_equal(p->label, "Secondary PRU (BTA)");
    assert_string_equal(p->kind, "placement");
    assert_int_equal(p->n_serves, 1);
    assert_int_equal(p->serves[0], 0);
    assert_true(p->capped);
    assert_int_equal(p->places.n, 5);
    assert_double_rel(p->places.items[4].p[0], 70, 1e-15);
    assert_false(p->commissioned_is_places);
    assert_true(p->commissioned.set);
    assert_double_rel(p->initial[0].items[0].p[0], 80, 1e-15);
    assert_string_equal(p->initial[0].name, "provision.secondary_pru.initial");
    assert_string_equal(p->cost_per_pupil.name, "provision.secondary_pru.cost_per_pupil");
    assert_int_equal(p->income_per_pupil.items[0].kind, HN_DIST_TRIANGULAR);
    assert_int_equal(p->n_exits, 4);
    assert_string_equal(p->exits[0].target_name, "mainstream");
    assert_int_equal(p->exits[0].target, HN_EXIT_MAINSTREAM);
    assert_int_equal(p->exits[1].target, scenario_provision_index(sc, "semh_special"));
    assert_int_equal(p->exits[2].target, HN_EXIT_LEFT);
    assert_int_equal(p->exits[3].target, HN_EXIT_EXCLUDED);
    assert_string_equal(p->exits[1].prob.name, "provision.secondary_pru.exit.semh_special");
    assert_int_equal(p->overflow, 4);
    assert_int_equal(p->exits[0].prob.line, 40);
    assert_string_equal(p->exits[0].prob.text, "0.08");
    assert_non_null(strstr(p->exits[0].prob.file, "s.ini"));
    /* Outreach: capped, commissioned defaults to places. */
    assert_true(sc->provisions[1].commissioned_is_places);
    assert_string_equal(sc->provisions[2].label, "respite");
    assert_string_equal(sc->provisions[2].kind, "");
    /* Independent AP: uncapped. */
    assert_false(sc->provisions[4].capped);
    assert_false(sc->provisions[4].commissioned_is_places);
    assert_int_equal(sc->provisions[4].overflow, -1);

    /* Cost and income lines. */
    assert_int_equal(sc->n_costs, 1);
    assert_string_equal(sc->costs[0].name, "new_posts");
    assert_string_equal(sc->costs[0].amount.name, "cost.new_posts.amount");
    assert_int_equal(sc->n_incomes, 1);
    assert_int_equal(sc->incomes[0].amount.n, 5);
    assert_double_rel(sc->incomes[0].amount.items[2].p[0], 150000, 1e-15);

    /* Params: every one listed once with slot k * years. */
    /* scenario 3, segment 6, provisions 5 x 10, exits 4 + 1 + 1, cost and income lines 2 */
    assert_int_equal(sc->n_params, 3 + 6 + 5 * 10 + 6 + 2);
    assert_int_equal(sc->n_slots, sc->n_params * sc->years);
    for (int k = 0; k < sc->n_params; k++) assert_int_equal(sc->params[k]->slot, k * sc->years);
    assert_ptr_equal(sc->params[0], &sc->baseline_cost);
    /* Defaults: constant 0, one value, not set. */
    const hn_param *d = &sc->provisions[2].fixed_cost;
    assert_false(d->set);
    assert_int_equal(d->n, 1);
    assert_int_equal(d->items[0].kind, HN_DIST_CONST);
    assert_double_abs(d->items[0].p[0], 0, 0);
    assert_string_equal(d->name, "provision.respite.fixed_cost");
    assert_null(d->file);

    /* Audit trail. */
    assert_int_equal(sc->n_sources, 1);
    char hex[65];
    sha256_hex(full_example, strlen(full_example), hex);
    assert_string_equal(sc->sources[0].sha256, hex);
    assert_int_equal(sc->n_entries, 56);
    assert_string_equal(sc->entries[0].section, "scenario");
    assert_string_equal(sc->entries[0].key, "name");
    assert_string_equal(sc->entries[0].value, "bromley_ap_5yr");
    assert_int_equal(sc->entries[0].line, 2);
    assert_false(sc->entries[0].has_mean);
    const hn_entry *e = &sc->entries[10];
    assert_string_equal(e->key, "inflation");
    assert_string_equal(e->value, "pert(0.01, 0.02, 0.04)");
    assert_true(e->has_mean);
    assert_double_rel(e->mean, (0.01 + 4 * 0.02 + 0.04) / 6, 1e-12);
    e = &sc->entries[sc->n_entries - 1];
    assert_string_equal(e->section, "income.school_contributions");
    assert_string_equal(e->key, "amount");
    assert_int_equal(e->line, 75);
    assert_true(e->has_mean);
    assert_double_abs(e->mean, 0, 0);
    /* a list gives the mean of each element, in order (Assumptions sheet) */
    assert_int_equal(e->n_means, 5);
    assert_double_abs(e->means[1], 0, 0);
    assert_double_rel(e->means[2], 150000, 1e-15);
    assert_double_rel(e->means[4], 150000, 1e-15);
    assert_int_equal(sc->entries[10].n_means, 1);
    assert_double_rel(sc->entries[10].means[0], (0.01 + 4 * 0.02 + 0.04) / 6, 1e-12);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Reading the file: lines, comments, encodings                       */
/* ------------------------------------------------------------------ */

/* A 400-character title and a 300-character list keep later line numbers exact. */
static void test_long_lines(void **state)
{
    (void)state;
    char title[401];
    memset(title, 'A', 400);
    title[400] = '\0';
    char list[400];
    size_t len = 0;
    for (int i = 1; i <= 5; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%d000.%054d", i > 1 ? ", " : "",
                                i, 0);
    assert_int_equal(strlen(list), 303);
    char text[2000];
    snprintf(text, sizeof text,
             "[scenario]\nname = t\ntitle = %s\nstart_year = 2020\nbaseline_cost = 1000\n"
             "budget = %s\n",
             title, list);
    hn_scenario *sc = load_ok(text);
    assert_string_equal(sc->title, title);
    assert_int_equal(sc->budget.n, 5);
    assert_double_rel(sc->budget.items[4].p[0], 5000, 1e-15);
    assert_int_equal(sc->budget.line, 6);
    assert_string_equal(sc->budget.text, list);
    assert_int_equal(sc->entries[1].line, 3);
    scenario_free(sc);

    /* An error after the long lines is on the right line. */
    strcat(text, "# comment\nbudgte = 1\n");
    expect_err(text, 8, "scenario", "budgte", "did you mean `budget`");
}

/* Lines of exactly 199 and 200 characters (inih's buffer edge) shift nothing. */
static void test_lines_at_inih_buffer_edge(void **state)
{
    (void)state;
    for (int len = 196; len <= 202; len++) {
        char line[300];
        int head = snprintf(line, sizeof line, "title = ");
        memset(line + head, 'x', (size_t)(len - head));
        line[len] = '\0';
        char text[600];
        snprintf(text, sizeof text, "%s%s\nbogus = 1\n", HEAD, line);
        expect_err(text, 6, "scenario", "bogus", "unknown key `bogus`");
        cleanup(NULL);
    }
}

/* `;` and `#` comments at the start of a line, indented, and inline after a blank. */
static void test_comments_both_styles(void **state)
{
    (void)state;
    hn_scenario *sc = load_ok("; a comment\n"
                              "# another\n"
                              "[scenario]   ; inline after a section\n"
                              "name = t # hash after a space\n"
                              "title = C#sharp;x\n"
                              "start_year = 2020\t; after a tab\n"
                              "   ; indented comment\n"
                              "\t# indented hash comment\n"
                              "baseline_cost = 1000 #x\n");
    assert_string_equal(sc->name, "t");
    assert_string_equal(sc->title, "C#sharp;x");
    assert_int_equal(sc->start_year, 2020);
    assert_int_equal(sc->n_entries, 4);
    assert_int_equal(sc->entries[3].line, 9);
    assert_string_equal(sc->entries[3].value, "1000");
    scenario_free(sc);
}

static void test_indented_continuation_line(void **state)
{
    (void)state;
    expect_err(HEAD UNCAPPED "[demand.a]\nroute = iap,\n    iap2\n", 10, "demand.a", "route",
               "a value must be on one line");
    expect_err(HEAD "[demand.a]\n  label = x\n", 6, "demand.a", "", "indented line");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_err(HEAD "name = u\n", 5, "scenario", "name", "already set on line 2");
}

static void test_duplicate_section(void **state)
{
    (void)state;
    expect_err(HEAD "[cost.a]\namount = 1\n[cost.a]\n", 7, "cost.a", "",
               "duplicate section: [cost.a] is already on line 5");
}

static void test_key_outside_section(void **state)
{
    (void)state;
    expect_err("name = t\n" HEAD, 1, "", "name", "key outside any section");
}

static void test_inih_syntax_errors(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\njust words\n", 6, "demand.a", "", "is not a `key = value` line");
    /* A broken header is not blamed on the section before it. */
    expect_err(HEAD "[demand.a\nlabel = x\n", 5, "", "", "closing `]`");
    expect_err(HEAD "[demand.a] extra\n", 5, "", "", "text after `]`");
    /* inih's syntax error comes first even though a later line also fails. */
    expect_err(HEAD "junk\nname = again\n", 5, "scenario", "", "not a `key = value` line");
    expect_err(HEAD "= 5\n", 5, "scenario", "", "a key is missing before `=`");
}

static void test_empty_value(void **state)
{
    (void)state;
    expect_err(HEAD "title =\n", 5, "scenario", "title", "the value is empty");
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char bytes[] = "[scenario]\nname = t\nti\0tle = x\n";
    const char *path = put_bytes(new_dir(), "s.ini", bytes, sizeof bytes - 1);
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(path, &sc, &err);
    check_err(st, sc, &err, 3, "", "", "NUL byte at column 3", __FILE__, __LINE__);
}

static void test_invalid_utf8_and_control_characters(void **state)
{
    (void)state;
    expect_err(HEAD "title = caf\xe9\n", 5, "", "", "invalid UTF-8 (byte 0xE9 at column 12)");
    expect_err(HEAD "title = \xc0\xaf\n", 5, "", "", "invalid UTF-8");     /* overlong */
    expect_err(HEAD "title = \xed\xa0\x80\n", 5, "", "", "invalid UTF-8"); /* surrogate */
    expect_err(HEAD "title = a\x01"
                    "b\n",
               5, "", "", "control character 0x01");
    expect_err(HEAD "title = a\rb\n", 5, "", "", "carriage return");
    /* Outside a comment, a Windows-1252 byte is named as the character it would be. */
    expect_err(HEAD "title = caf\xe9\n", 5, "", "",
               "the file looks saved as Windows-1252 (Windows' \"ANSI\"), where this byte is "
               "'\xc3\xa9'");
    expect_err(HEAD "title = \x80 100\n", 5, "", "", "where this byte is '\xe2\x82\xac'");
    expect_err(HEAD "title = \x81\n", 5, "", "", "Windows-1252 (Windows' \"ANSI\") (in Notepad");
    /* U+FFFE and U+FFFF are valid UTF-8 but no XML (workbook) can hold them (issue 15). */
    expect_err(HEAD "title = a\xef\xbf\xbe\n", 5, "", "",
               "U+FFFE at column 10 is not a character (a workbook cannot hold it)");
    expect_err(HEAD "label = \xef\xbf\xbf\n", 5, "", "", "U+FFFF at column 9");
}

/*
 * A file that opens but cannot be read (/proc/self/mem: EIO at offset 0)
 * fails with the same status, HN_ERR_IO (exit 1), whether it is the
 * scenario or a parent named by `extends`; the parent's message points at
 * the `extends` line (issue 15).
 */
static void test_unreadable_parent_same_status(void **state)
{
    (void)state;
    if (access("/proc/self/mem", F_OK) != 0) skip();
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load("/proc/self/mem", &sc, &err), HN_ERR_IO);
    assert_null(sc);
    assert_non_null(strstr(err.message, "cannot read"));
    assert_int_equal(
        testutil_load_text("[scenario]\nextends = /proc/self/mem\nname = t\n", &sc, &err),
        HN_ERR_IO);
    assert_null(sc);
    assert_int_equal(err.status, HN_ERR_IO);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.key, "extends");
    assert_non_null(strstr(err.message, "cannot read the parent scenario `/proc/self/mem`"));
}

/* A comment is free text: a Windows-1252 £ (0xA3) in one is accepted (issue 15). */
static void test_comment_free_text(void **state)
{
    (void)state;
    hn_scenario *sc =
        load_ok("; cost in \xa3, caf\xe9 \xef\xbf\xbe\n[scenario] ; \xa3\nname = t ; \x80 \xff\n"
                "start_year = 2020\n"
                "baseline_cost = 1000 ; \xa3 per year\n");
    assert_string_equal(sc->name, "t");
    assert_float_equal(dist_mean(&sc->baseline_cost.items[0]), 1000, 0);
    scenario_free(sc);
    /* A ';' glued to the value is part of the value, so its byte is outside a comment. */
    expect_err(HEAD "title = x;\xa3\n", 5, "", "", "invalid UTF-8 (byte 0xA3 at column 11)");
}

/* Loads the scenario file at path, which must be valid; fails the test with the message otherwise. */
static hn_scenario *load_path_ok(const char *path)
{
    hn_scenario *sc = NULL;
    hn_error err;
    if (scenario_load(path, &sc, &err) != HN_OK) fail_msg("%s: %s", path, err.message);
    return sc;
}

/* The entry of section.key in sc; fails the test when there is none. */
static const hn_entry *entry_of(const hn_scenario *sc, const char *section, const char *key)
{
    for (int i = 0; i < sc->n_entries; i++)
        if (!strcmp(sc->entries[i].section, section) && !strcmp(sc->entries[i].key, key))
            return &sc->entries[i];
    fail_msg("no entry %s.%s", section, key);
    return NULL;
}

/*
 * The comment that cites a key (decisions I3): the one on its line, else
 * the comment-only lines directly above it, joined; a blank line or another
 * key in between breaks the link; Windows-1252 bytes become UTF-8.
 */
static void test_key_sources(void **state)
{
    (void)state;
    hn_scenario *sc = load_ok("; file header\n"                            /* 1 */
                              "\n"                                         /* 2 */
                              "[scenario]\n"                               /* 3 */
                              "name = t   ; seed 001 para 6.2\n"           /* 4 */
                              "; from the paper,\n"                        /* 5 */
                              "   # table 3\n"                             /* 6 */
                              "start_year = 2020\n"                        /* 7 */
                              "baseline_cost = 1000 # \xa3 per year\x81\n" /* 8 */
                              "years = 3\n"                                /* 9 */
                              ";\n"                                        /* 10 */
                              "\n"                                         /* 11 */
                              "terms = 3\n"                                /* 12 */
                              "; assumption\n"                             /* 13 */
                              ";\n"                                        /* 14 */
                              "seed = 7 ;\n"                               /* 15 */
                              "note = figures of the 2020 budget\n");      /* 16 */
    assert_string_equal(entry_of(sc, "scenario", "name")->comment, "seed 001 para 6.2");
    assert_string_equal(entry_of(sc, "scenario", "start_year")->comment, "from the paper, table 3");
    /* 0xA3 is '£' in Windows-1252; 0x81 is undefined there: U+FFFD. */
    assert_string_equal(entry_of(sc, "scenario", "baseline_cost")->comment,
                        "\xc2\xa3 per year\xef\xbf\xbd");
    assert_null(entry_of(sc, "scenario", "years")->comment);
    assert_null(entry_of(sc, "scenario", "terms")->comment);
    /* An empty comment on the line gives way to the lines above; empty ones add nothing. */
    assert_string_equal(entry_of(sc, "scenario", "seed")->comment, "assumption");
    assert_null(entry_of(sc, "scenario", "note")->comment);
    assert_string_equal(sc->note, "figures of the 2020 budget");
    assert_int_equal(entry_of(sc, "scenario", "note")->line, 16);
    scenario_free(sc);
}

/* Through extends a key keeps the comment of the file that sets it: an override without one has none. */
static void test_key_sources_extends(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini",
        "[scenario]\nname = b\nstart_year = 2020 ; parent's year\n"
        "baseline_cost = 1000 ; parent's baseline\n[cost.posts]\n; cited above, in the parent\n"
        "amount = 7\n");
    const char *child = put(dir, "child.ini",
                            "[scenario]\nextends = base.ini\nname = c ; the child's name\n"
                            "baseline_cost = 2000\n[cost.posts]\nnote = two posts\n");
    hn_scenario *sc = load_path_ok(child);
    assert_string_equal(entry_of(sc, "scenario", "name")->comment, "the child's name");
    assert_string_equal(entry_of(sc, "scenario", "start_year")->comment, "parent's year");
    assert_null(entry_of(sc, "scenario", "baseline_cost")->comment);
    assert_string_equal(entry_of(sc, "cost.posts", "amount")->comment,
                        "cited above, in the parent");
    assert_non_null(strstr(entry_of(sc, "cost.posts", "amount")->file, "base.ini"));
    assert_string_equal(sc->costs[0].note, "two posts");
    assert_string_equal(entry_of(sc, "cost.posts", "note")->file, child);
    scenario_free(sc);
}

/* CRLF line endings, a byte order mark, and a last line without '\n'. */
static void test_crlf_bom_and_no_final_newline(void **state)
{
    (void)state;
    hn_scenario *sc =
        load_ok("\xef\xbb\xbf[scenario]\r\nname = t\r\ntitle = Caf\xc3\xa9 \xc2\xa3\r\n"
                "start_year = 2020\r\nbaseline_cost = 1000");
    assert_string_equal(sc->name, "t");
    assert_string_equal(sc->title, "Caf\xc3\xa9 \xc2\xa3");
    assert_double_rel(sc->baseline_cost.items[0].p[0], 1000, 1e-15);
    assert_int_equal(sc->baseline_cost.line, 5);
    scenario_free(sc);
}

/* A scenario that cannot be opened is a bad scenario argument (exit status 2), at line 0. */
static void test_missing_file(void **state)
{
    (void)state;
    hn_scenario *sc = (hn_scenario *)1;
    hn_error err;
    assert_int_equal(scenario_load("/nonexistent/hnsim/none.ini", &sc, &err), HN_ERR_SCENARIO);
    assert_null(sc);
    assert_int_equal(err.status, HN_ERR_SCENARIO);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.file, "/nonexistent/hnsim/none.ini");
    assert_contains(err.message, "/nonexistent/hnsim/none.ini: cannot open the scenario: ");
    const char *dir = new_dir();
    sc = (hn_scenario *)1;
    assert_int_equal(scenario_load(dir, &sc, &err), HN_ERR_SCENARIO);
    assert_null(sc);
    assert_contains(err.message, "is a folder, not a scenario file");
}

/* ------------------------------------------------------------------ */
/* Values (MODEL.md section 2, decisions item 4)                      */
/* ------------------------------------------------------------------ */

static void test_thousands_separator(void **state)
{
    (void)state;
    expect_err(HEAD "budget = 10,000\n", 5, "scenario", "budget",
               "`10,000` uses a thousands separator: write numbers without one (10000)");
    expect_err(HEAD "budget = 100,200,300\n", 5, "scenario", "budget", "thousands separator");
    expect_err(HEAD "budget = normal(1,000, 200)\n", 5, "scenario", "budget",
               "`1,000` uses a thousands separator");
    expect_err("[scenario]\nname = t\nstart_year = 2,020\nbaseline_cost = 1\n", 3, "scenario",
               "start_year", "thousands separator");
}

static void test_percent_sign(void **state)
{
    (void)state;
    expect_err(HEAD "inflation = 5%\n", 5, "scenario", "inflation",
               "write it as a fraction (0.05)");
}

static void test_nan_inf_overflow(void **state)
{
    (void)state;
    expect_err(HEAD "budget = nan\n", 5, "scenario", "budget", "NaN is not a value");
    expect_err(HEAD "budget = inf\n", 5, "scenario", "budget", "infinity is not a value");
    expect_err(HEAD "budget = -Infinity\n", 5, "scenario", "budget", "infinity is not a value");
    expect_err(HEAD "budget = 1e999\n", 5, "scenario", "budget", "too large for a number");
    expect_err(HEAD "budget = 0x10\n", 5, "scenario", "budget", "unexpected `x10`");
}

static void test_trailing_junk(void **state)
{
    (void)state;
    expect_err(HEAD "budget = 100 pounds\n", 5, "scenario", "budget",
               "unexpected `pounds` after the value (a value is a number");
    expect_err(HEAD "budget = \xc2\xa3"
                    "100\n",
               5, "scenario", "budget", "without the pound sign");
    expect_err(HEAD "budget = normal(1, 2) x\n", 5, "scenario", "budget", "unexpected `x`");
    expect_err(HEAD "budget = 1, 2,\n", 5, "scenario", "budget", "ends with a comma");
    expect_err(HEAD "budget = normal(1, 2\n", 5, "scenario", "budget", "no closing bracket");
    expect_err(HEAD "budget = normal 1, 2\n", 5, "scenario", "budget",
               "must be followed by its parameters");
}

static void test_per_year_list_counts(void **state)
{
    (void)state;
    expect_err(HEAD "budget = 1, 2, 3\n", 5, "scenario", "budget",
               "3 values given; give one value (used every year) or exactly 5");
    expect_err(HEAD "years = 3\nbudget = 1, 2, 3, 4\n", 6, "scenario", "budget", "4 values given");
    expect_err(HEAD "budget = 1,5\n", 5, "scenario", "budget",
               "2 values given; give one value (used every year) or exactly 5, one per year "
               "(`years = 5`); list items are separated by \", \" and decimals take a point");
    hn_scenario *sc = load_ok(HEAD "budget = 1, 2, 3, 4, 5\ninflation = 0.02\n");
    assert_int_equal(sc->budget.n, 5);
    assert_double_rel(sc->budget.items[3].p[0], 4, 1e-15);
    assert_int_equal(sc->inflation.n, 1);
    scenario_free(sc);
}

static void test_list_of_distributions(void **state)
{
    (void)state;
    hn_scenario *sc = load_ok(HEAD "budget = pert(1, 2, 3), normal(5, 1), 3, uniform(1, 2), "
                                   "lognormal(10, 2)\n");
    assert_int_equal(sc->budget.n, 5);
    assert_int_equal(sc->budget.items[0].kind, HN_DIST_PERT);
    assert_int_equal(sc->budget.items[1].kind, HN_DIST_NORMAL);
    assert_int_equal(sc->budget.items[2].kind, HN_DIST_CONST);
    assert_int_equal(sc->budget.items[3].kind, HN_DIST_UNIFORM);
    assert_int_equal(sc->budget.items[4].kind, HN_DIST_LOGNORMAL);
    assert_double_rel(sc->budget.items[4].p[1], 2, 1e-15);
    scenario_free(sc);
}

/* Every distribution's parameter check (dist_check) and arity. */
static void test_distribution_parameter_checks(void **state)
{
    (void)state;
    expect_err(HEAD "budget = normal(100, 0)\n", 5, "scenario", "budget",
               "normal(100, 0): sd must be > 0");
    expect_err(HEAD "budget = uniform(5, 5)\n", 5, "scenario", "budget", "needs min < max");
    expect_err(HEAD "budget = triangular(0, 5, 4)\n", 5, "scenario", "budget",
               "needs min <= mode <= max");
    expect_err(HEAD "budget = pert(3, 1, 5)\n", 5, "scenario", "budget",
               "needs min <= mode <= max");
    expect_err(HEAD "budget = beta(0, 2)\n", 5, "scenario", "budget", "a and b must be > 0");
    expect_err(HEAD "budget = lognormal(-1, 2)\n", 5, "scenario", "budget", "mean must be > 0");
    expect_err(HEAD "budget = lognormal(10, 0)\n", 5, "scenario", "budget", "sd must be > 0");
    expect_err(HEAD "budget = normal(1, 2, 3)\n", 5, "scenario", "budget",
               "normal takes 2 parameters, not 3: normal(mean, sd)");
    expect_err(HEAD "budget = pert(1, 2)\n", 5, "scenario", "budget",
               "pert takes 3 parameters, not 2: pert(min, mode, max)");
    expect_err(HEAD "budget = beta()\n", 5, "scenario", "budget", "beta takes 2 parameters");
    expect_err(HEAD "budget = nromal(1, 2)\n", 5, "scenario", "budget",
               "unknown distribution `nromal`; did you mean `normal`?");
    expect_err(HEAD "budget = Normal(1, 2)\n", 5, "scenario", "budget", "did you mean `normal`?");
    /* Names typed in capitals get the same "did you mean" as a typo (issue 15). */
    expect_err(HEAD "budget = PERT(1, 2, 3)\n", 5, "scenario", "budget",
               "unknown distribution `PERT`; did you mean `pert`? (distributions: normal");
    expect_err(HEAD "budget = LogNormal(10, 2)\n", 5, "scenario", "budget",
               "did you mean `lognormal`?");
    expect_err(HEAD "budget = pert(normal(1, 2), 2, 3)\n", 5, "scenario", "budget",
               "distribution parameters are numbers");
}

/* ------------------------------------------------------------------ */
/* Domains (MODEL.md section 2, decisions items 5-7)                  */
/* ------------------------------------------------------------------ */

static void test_probability_domain(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\nresolve = 1.5\n", 6, "demand.a", "resolve",
               "1.5 is not a probability: it must lie in [0, 1]");
    expect_err(HEAD "[demand.a]\nresolve = -0.1\n", 6, "demand.a", "resolve", "not a probability");
    expect_err(HEAD "[demand.a]\nresolve = normal(0.1, 0.01)\n", 6, "demand.a", "resolve",
               "normal cannot be used for a probability");
    expect_err(HEAD "[demand.a]\nehcna = lognormal(0.1, 0.01)\n", 6, "demand.a", "ehcna",
               "lognormal cannot be used for a probability");
    expect_err(HEAD "[demand.a]\nresolve = pert(0, 0.5, 1.2)\n", 6, "demand.a", "resolve",
               "pert(0, 0.5, 1.2) can reach values outside [0, 1]");
    expect_err(HEAD "[demand.a]\nresolve = 0.1, 0.1, 0.1, 2, 0.1\n", 6, "demand.a", "resolve",
               "year 4: 2 is not a probability");
    expect_err(HEAD "[provision.p]\nexit.left = uniform(-0.1, 0.2)\n", 6, "provision.p",
               "exit.left", "outside [0, 1]");
    hn_scenario *sc =
        load_ok(HEAD "[demand.a]\nresolve = beta(2, 30)\nehcna = triangular(0, 0.01, 0.02)\n");
    assert_int_equal(sc->segments[0].resolve.items[0].kind, HN_DIST_BETA);
    assert_int_equal(sc->segments[0].resolve.domain, HN_DOMAIN_PROBABILITY);
    scenario_free(sc);
}

static void test_count_domain(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\nreferrals = -3\n", 6, "demand.a", "referrals",
               "-3 is negative; a count of pupils or places must be >= 0");
    expect_err(HEAD "[provision.p]\nplaces = 80.5\n", 6, "provision.p", "places",
               "80.5 is not a whole number");
    expect_err(HEAD "[provision.p]\nplaces = 10, 10, 10.5, 10, 10\n", 6, "provision.p", "places",
               "year 3: 10.5 is not a whole number");
    expect_err(HEAD "[demand.a]\ninitial = 2.5\n", 6, "demand.a", "initial", "not a whole number");
    expect_err(HEAD "[demand.a]\nreferrals = normal(100, 10)\n", 6, "demand.a", "referrals",
               "can be below 0; a count needs a distribution whose lower bound is >= 0");
    expect_err(HEAD "[provision.p]\nplaces = uniform(-5, 10)\n", 6, "provision.p", "places",
               "can be below 0");
    expect_err(HEAD "[provision.p]\ncommissioned = -1\n", 6, "provision.p", "commissioned",
               "negative");
    hn_scenario *sc = load_ok(HEAD "[demand.a]\nreferrals = lognormal(100, 10)\n"
                                   "[demand.b]\nreferrals = 12.5\n"
                                   "[provision.p]\nplaces = pert(8, 10, 12)\n");
    assert_int_equal(sc->segments[0].referrals.domain, HN_DOMAIN_COUNT);
    assert_double_rel(sc->segments[1].referrals.items[0].p[0], 12.5, 1e-15);
    assert_true(sc->provisions[0].capped);
    scenario_free(sc);
}

static void test_money_domain(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.p]\ncost_per_pupil = -5\n", 6, "provision.p", "cost_per_pupil",
               "-5 is negative; money amounts must be >= 0");
    expect_err(HEAD "[cost.c]\namount = 1, 2, -3, 4, 5\n", 6, "cost.c", "amount",
               "year 3: -3 is negative");
    expect_err("[scenario]\nname = t\nstart_year = 2020\nbaseline_cost = -1\n", 4, "scenario",
               "baseline_cost", "negative");
    /* A distribution may reach below 0: its draws are clamped (decisions item 6). */
    hn_scenario *sc = load_ok(HEAD "[provision.p]\ncost_per_pupil = normal(100, 500)\n");
    assert_int_equal(sc->provisions[0].cost_per_pupil.domain, HN_DOMAIN_MONEY);
    scenario_free(sc);
}

static void test_rate_domain(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\ngrowth = -1\n", 6, "demand.a", "growth",
               "a yearly rate must be > -1");
    hn_scenario *sc = load_ok(HEAD "inflation = -0.02\n[demand.a]\ngrowth = normal(0.03, 0.25)\n");
    assert_int_equal(sc->inflation.domain, HN_DOMAIN_RATE);
    scenario_free(sc);
    /* Decisions R16: a normal below -1 in more than 1 draw in 10,000 is refused, at every rate
     * key and in every year of a list, quoting the value as written. */
    expect_err(HEAD "[demand.a]\ngrowth = normal(0.03, 0.5)\n", 6, "demand.a", "growth",
               "normal(0.03, 0.5) falls below -1 (a fall of more than 100%) in 2% of draws; a "
               "yearly rate may do so in at most 1 draw in 10000, whose value is then taken as "
               "-1");
    expect_err(HEAD "inflation = normal(0.02,0.5)\n", 5, "scenario", "inflation",
               "normal(0.02,0.5) falls below -1");
    expect_err(HEAD "inflation = 0.02, 0.02, normal(0, 0.3), 0.02, 0.02\n", 5, "scenario",
               "inflation",
               "year 3: normal(0, 0.3) falls below -1 (a fall of more than 100%) in "
               "0.043% of draws");
    /* Bounded distributions reaching -1 exactly keep the rule (R2): their draws never pass it. */
    sc = load_ok(HEAD "inflation = uniform(-1, 0.1)\n");
    scenario_free(sc);
}

/* Decisions item 7: the largest possible sum of a source's probabilities is <= 1 each year. */
static void test_exit_probability_sum(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.p]\nexit.mainstream = 0.6\nexit.left = 0.5\n", 7, "provision.p",
               "exit.left",
               "can add up to 1.1 per term in year 1 (exit.mainstream 0.6 + exit.left 0.5)");
    expect_err(HEAD "[provision.p]\nexit.mainstream = 0.1, 0.1, 0.1, 0.1, 0.6\n"
                    "exit.left = pert(0, 0.1, 0.5)\n",
               7, "provision.p", "exit.left", "in year 5");
    expect_err(HEAD "[demand.a]\nexclusion = 0.5\nresolve = uniform(0.4, 0.6)\n", 7, "demand.a",
               "resolve", "exclusion + resolve can add up to 1.1");
    /* Exactly 1 is allowed. */
    hn_scenario *sc =
        load_ok(HEAD "[provision.p]\nexit.mainstream = 0.5\nexit.left = uniform(0.25, 0.5)\n");
    assert_int_equal(sc->provisions[0].n_exits, 2);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Keys and sections (decisions item 1)                               */
/* ------------------------------------------------------------------ */

/*
 * The key tables (scenario_keys.h) are well formed: keys unique within a
 * section; a pattern key is a family; numeric keys (PARAM, FAMILY) have a
 * domain and a DRAW, the others neither; the DRAWs of a section are 1..N
 * with the rows of one family sharing theirs; WHOLE only on counts; a
 * required key has no default; every default is valid for its key.
 */
static void test_key_tables(void **state)
{
    (void)state;
    for (int t = 0; t < HN_SEC__COUNT; t++) {
        const hn_key *table = keys_sections[t].keys;
        int last = 0, n_draws = 0;
        for (const hn_key *k = table; k->key; k++) {
            for (const hn_key *j = table; j < k; j++) assert_string_not_equal(j->key, k->key);
            bool numeric = keys_is_param(k);
            if (keys_is_pattern(k)) assert_int_equal(k->store, HN_KEY_FAMILY);
            assert_true(numeric ? k->domain >= 0 && k->draw >= 1 : k->domain == -1 && !k->draw);
            if (k->flags & HN_KEY_WHOLE) assert_int_equal(k->domain, HN_DOMAIN_COUNT);
            if (k->flags & HN_KEY_SINGLE) assert_true(numeric);
            if (k->flags & HN_KEY_REQUIRED) assert_string_equal(k->def, "");
            if (k->store == HN_KEY_FAMILY) assert_non_null(k->family);
            last = k->draw > last ? k->draw : last;
            bool shared = false;
            for (const hn_key *j = table; j < k; j++) {
                if (!numeric || j->draw != k->draw) continue;
                assert_true(k->store == HN_KEY_FAMILY && j->family == k->family);
                shared = true;
            }
            n_draws += numeric && !shared;
            /* Defaults: whole numbers in range; a parameter's value valid for its domain. */
            if ((k->store == HN_KEY_INT || k->store == HN_KEY_LONG || k->store == HN_KEY_U64) &&
                *k->def) {
                unsigned long long v = strtoull(k->def, NULL, 10);
                assert_true(v >= k->lo && v <= k->hi);
            }
            hn_dist *items;
            int n;
            char msg[300];
            if (numeric && *k->def && value_parse(k->def, &items, &n, msg, sizeof msg) == HN_OK) {
                for (int i = 0; i < n; i++)
                    assert_true(domain_check_item((hn_domain)k->domain,
                                                  (k->flags & HN_KEY_WHOLE) != 0, k->key, &items[i],
                                                  NULL, "", msg, sizeof msg));
                free(items);
            }
        }
        assert_int_equal(n_draws, last);
    }
}

/*
 * Parameters are drawn in DRAW order (the parameter vector, the sampled
 * inputs, the sensitivity rows): a provision's places, commissioned, its
 * initial occupants per segment, its money, ehcna, then its exits.
 */
static void test_parameter_order(void **state)
{
    (void)state;
    hn_scenario *sc = load_ok(HEAD "[demand.a]\nreferrals = 4\n"
                                   "[demand.b]\n"
                                   "[provision.p]\nexit.left = 0.1\nehcna = 0.2\n"
                                   "commissioned = 3\nplaces = 4\ninitial.b = 1\n"
                                   "[income.i]\namount = 5\n[cost.c]\namount = 6\n");
    static const char *const order[] = {
        "scenario.baseline_cost",
        "scenario.budget",
        "scenario.inflation",
        "demand.a.referrals",
        "demand.a.growth",
        "demand.a.initial",
        "demand.a.exclusion",
        "demand.a.resolve",
        "demand.a.ehcna",
        "demand.b.referrals",
        "demand.b.growth",
        "demand.b.initial",
        "demand.b.exclusion",
        "demand.b.resolve",
        "demand.b.ehcna",
        "provision.p.places",
        "provision.p.commissioned",
        "provision.p.initial.a",
        "provision.p.initial.b",
        "provision.p.place_funding",
        "provision.p.cost_per_pupil",
        "provision.p.cost_per_start",
        "provision.p.fixed_cost",
        "provision.p.income_per_pupil",
        "provision.p.income_per_start",
        "provision.p.ehcna",
        "provision.p.exit.left",
        "cost.c.amount",
        "income.i.amount",
    };
    assert_int_equal(sc->n_params, (int)(sizeof order / sizeof *order));
    for (int k = 0; k < sc->n_params; k++) assert_string_equal(sc->params[k]->name, order[k]);
    assert_true(sc->provisions[0].places.whole);
    assert_false(sc->provisions[0].commissioned.whole);
    scenario_free(sc);
}

static void test_unknown_key_did_you_mean(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.p]\ncost_per_pupl = 1\n", 6, "provision.p", "cost_per_pupl",
               "unknown key `cost_per_pupl`; did you mean `cost_per_pupil`?");
    expect_err(HEAD "[provision.p]\nexits.left = 0.1\n", 6, "provision.p", "exits.left",
               "did you mean `exit.left`?");
    expect_err(HEAD "[provision.p]\nreferrals = 5\n", 6, "provision.p", "referrals",
               "it belongs in a [demand.*] section");
    expect_err(HEAD "[cost.c]\nfrobnicate = 5\n", 6, "cost.c", "frobnicate",
               "unknown key `frobnicate` (keys of [cost.*]: label, note, amount, s251)");
    expect_err(HEAD "[provision.p]\nexit. = 0.1\n", 6, "provision.p", "exit.",
               "needs a name after `exit.`");
    expect_err(HEAD "[demand.a]\nextends = x.ini\n", 6, "demand.a", "extends",
               "it belongs in a [scenario] section");
}

static void test_unknown_section_did_you_mean(void **state)
{
    (void)state;
    expect_err(HEAD "[provison.x]\n", 5, "provison.x", "",
               "unknown section [provison.x]; did you mean [provision.x]?");
    expect_err("[senario]\nname = t\n", 1, "senario", "", "did you mean [scenario]?");
    expect_err(HEAD "[widgets.x]\n", 5, "widgets.x", "",
               "unknown section [widgets.x] (sections are");
}

static void test_section_names(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.Big_One]\n", 5, "provision.Big_One", "",
               "`Big_One` is not a valid name");
    expect_err(HEAD "[provision.a.b]\n", 5, "provision.a.b", "", "is not a valid name");
    expect_err(HEAD "[provision]\n", 5, "provision", "", "[provision] needs a name");
    expect_err(HEAD "[]\n", 5, "", "", "empty section name");
    expect_err(HEAD "[ \t]\n", 5, "", "", "empty section name");
    /* Blanks inside the brackets: the suggestion is the name without them (issue 15). */
    expect_err(HEAD "[ cost.posts ]\n", 5, " cost.posts ", "",
               "section name [ cost.posts ] has blanks inside the brackets; write [cost.posts]");
    expect_err(HEAD "[scenario ]\n", 5, "scenario ", "", "write [scenario]");
    expect_err(HEAD "[provision.left]\n", 5, "provision.left", "",
               "a provision cannot be called `left`");
    expect_err(HEAD "[provision.mainstream]\nplaces = 1\n", 5, "provision.mainstream", "",
               "cannot be called `mainstream`");
    /* 32 characters is the limit. */
    char text[400];
    const char *n33 = "abcdefghijklmnopqrstuvwxyz0123456";
    snprintf(text, sizeof text, HEAD "[cost.%s]\n", n33);
    char sec[96];
    snprintf(sec, sizeof sec, "cost.%s", n33);
    expect_err(text, 5, sec, "", "has 33 characters; at most 32");
    snprintf(text, sizeof text, HEAD "[cost.%.32s]\namount = 1\n", n33);
    hn_scenario *sc = load_ok(text);
    assert_int_equal((int)strlen(sc->costs[0].name), 32);
    scenario_free(sc);
    /* A name longer than inih keeps (49 characters) is still reported in full. */
    const char *n60 = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwx";
    snprintf(text, sizeof text, HEAD "[provision.%s]\n", n60);
    snprintf(sec, sizeof sec, "provision.%s", n60);
    expect_err(text, 5, sec, "", "has 60 characters");
}

/* ------------------------------------------------------------------ */
/* [scenario] (decisions item 2)                                      */
/* ------------------------------------------------------------------ */

static void test_scenario_required_keys(void **state)
{
    (void)state;
    expect_err("[scenario]\nstart_year = 2020\nbaseline_cost = 1\n", 1, "scenario", "name",
               "required key `name` is missing");
    expect_err("[scenario]\nname = t\nbaseline_cost = 1\n", 1, "scenario", "start_year",
               "required key `start_year` is missing");
    expect_err("[scenario]\nname = t\nstart_year = 2020\n", 1, "scenario", "baseline_cost",
               "required key `baseline_cost` is missing");
    expect_err("[cost.a]\namount = 1\n", 0, "", "", "no [scenario] section");
    expect_err("", 0, "", "", "the file has no sections (is it empty?)");
    expect_err("; only a comment\n\n", 0, "", "", "the file has no sections");
}

static void test_scenario_ranges_and_defaults(void **state)
{
    (void)state;
    expect_err("[scenario]\nname = t\nstart_year = 1989\nbaseline_cost = 1\n", 3, "scenario",
               "start_year", "out of range; `start_year` is a whole number from 1990 to 2100");
    expect_err(HEAD "years = 21\n", 5, "scenario", "years", "from 1 to 20");
    expect_err(HEAD "years = 0\n", 5, "scenario", "years", "from 1 to 20");
    expect_err(HEAD "terms = 7\n", 5, "scenario", "terms", "from 1 to 6");
    expect_err(HEAD "years = 2.5\n", 5, "scenario", "years", "is not a whole number");
    expect_err(HEAD "iterations = 100000001\n", 5, "scenario", "iterations", "from 1 to 100000000");
    expect_err(HEAD "iterations = -5\n", 5, "scenario", "iterations", "not a whole number");
    expect_err(HEAD "seed = 18446744073709551616\n", 5, "scenario", "seed", "too large");
    expect_err("[scenario]\nname = Bromley AP\nstart_year = 2020\nbaseline_cost = 1\n", 2,
               "scenario", "name", "`Bromley AP` is not a valid scenario name");
    expect_err(HEAD "budget = 1\n[scenario]\n", 6, "scenario", "", "duplicate section");

    hn_scenario *sc = load_ok(HEAD);
    assert_string_equal(sc->title, "t");
    assert_string_equal(sc->authority, "");
    assert_int_equal(sc->years, 5);
    assert_int_equal(sc->terms, 3);
    assert_int_equal(sc->iterations, 10000);
    assert_true(sc->seed == 1);
    assert_false(sc->has_budget);
    assert_false(sc->has_inflation);
    assert_int_equal(sc->n_params, 3);
    assert_int_equal(sc->n_slots, 15);
    assert_int_equal(sc->n_segments + sc->n_provisions + sc->n_costs + sc->n_incomes, 0);
    scenario_free(sc);

    sc = load_ok(HEAD
                 "seed = 18446744073709551615\niterations = 100000000\nyears = 10\nterms = 6\n");
    assert_true(sc->seed == UINT64_MAX);
    assert_int_equal(sc->iterations, 100000000);
    assert_int_equal(sc->n_slots, 30);
    scenario_free(sc);
}

static void test_baseline_cost_is_one_value(void **state)
{
    (void)state;
    expect_err("[scenario]\nname = t\nstart_year = 2020\nbaseline_cost = 1, 2, 3, 4, 5\n", 4,
               "scenario", "baseline_cost", "takes one value");
    /* Decisions R17: today's spend is a known figure, one number for the Summary and the CSV. */
    expect_err("[scenario]\nname = t\nstart_year = 2020\nbaseline_cost = normal(4000000, 10000)\n",
               4, "scenario", "baseline_cost",
               "`baseline_cost` takes a number, not a distribution: it is a known figure, which "
               "the Summary and every iteration must subtract alike; write its value (this "
               "distribution's mean is 4000000)");
    expect_err("[scenario]\nname = t\nstart_year = 2020\nbaseline_cost = pert(1, 2, 4.5)\n", 4,
               "scenario", "baseline_cost", "(this distribution's mean is 2.25)");
    hn_scenario *sc = load_ok("[scenario]\nname = t\nstart_year = 2020\n"
                              "baseline_cost = 4000000\n");
    assert_int_equal(sc->baseline_cost.items[0].kind, HN_DIST_CONST);
    scenario_free(sc);
}

/* Decisions item 8: growth and inflation may be per-year lists. */
static void test_growth_and_inflation_lists(void **state)
{
    (void)state;
    hn_scenario *sc =
        load_ok(HEAD "inflation = 0, 0.02, 0.03, pert(0.01, 0.02, 0.05), 0.02\n"
                     "[demand.a]\nreferrals = 100\ngrowth = 0, 0.1, 0.1, 0.05, 0.05\n");
    assert_int_equal(sc->inflation.n, 5);
    assert_int_equal(sc->inflation.items[3].kind, HN_DIST_PERT);
    assert_int_equal(sc->segments[0].growth.n, 5);
    assert_false(sc->segments[0].referrals_per_year);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* References and structure (MODEL.md section 3)                      */
/* ------------------------------------------------------------------ */

static void test_route_names_provisions(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.secondary_outreach]\n[demand.a]\nroute = secondary_outreech\n", 7,
               "demand.a", "route",
               "`secondary_outreech` is not a provision; did you mean `secondary_outreach`?");
    expect_err(HEAD "[demand.a]\nroute = x\n", 6, "demand.a", "route",
               "`x` is not a provision ([provision.*] sections: none)");
    expect_err(HEAD "[provision.p]\n[demand.a]\nroute = p, p\n", 7, "demand.a", "route",
               "`p` is named twice");
    expect_err(HEAD "[provision.p]\n[demand.a]\nroute = p,, p\n", 7, "demand.a", "route",
               "an empty name in the list");
    hn_scenario *sc = load_ok(HEAD "[demand.a]\nroute = q, p\n[provision.p]\n[provision.q]\n");
    assert_int_equal(sc->segments[0].n_route, 2);
    assert_int_equal(sc->segments[0].route[0], 1);
    assert_int_equal(sc->segments[0].route[1], 0);
    scenario_free(sc);
}

static void test_excluded_route_names_provisions(void **state)
{
    (void)state;
    expect_err(HEAD UNCAPPED "[demand.a]\nexcluded_route = iap, pru\n", 9, "demand.a",
               "excluded_route", "`pru` is not a provision");
}

static void test_exit_targets_name_provisions(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.p]\nexit.mainstreem = 0.1\n", 6, "provision.p", "exit.mainstreem",
               "did you mean `exit.mainstream`?");
    expect_err(HEAD "[provision.p]\nexit.semh = 0.1\n[provision.semh_special]\n", 6, "provision.p",
               "exit.semh", "`semh` is not a provision or an exit target");
    expect_err(HEAD "[provision.p]\nexit.p = 0.1\n", 6, "provision.p", "exit.p",
               "cannot exit to itself");
}

static void test_overflow_names_a_provision(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.p]\noverflow = independent_ap\n[provision.independant_ap]\n", 6,
               "provision.p", "overflow", "did you mean `independant_ap`?");
    expect_err(HEAD "[provision.p]\noverflow = a, b\n", 6, "provision.p", "overflow",
               "`overflow` names one provision");
}

static void test_overflow_chain_must_not_loop(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.a]\nplaces = 1\noverflow = b\n[provision.b]\nplaces = 1\n"
                    "overflow = a\n",
               7, "provision.a", "overflow", "the overflow chain loops (a -> b -> a)");
    expect_err(HEAD "[provision.a]\noverflow = a\n", 6, "provision.a", "overflow",
               "loops (a -> a)");
    expect_err(HEAD "[provision.a]\noverflow = b\n[provision.b]\noverflow = c\n"
                    "[provision.c]\noverflow = b\n",
               8, "provision.b", "overflow", "(b -> c -> b)");
    hn_scenario *sc = load_ok(HEAD "[provision.a]\noverflow = b\n[provision.b]\noverflow = c\n"
                                   "[provision.c]\n");
    assert_int_equal(sc->provisions[0].overflow, 1);
    assert_int_equal(sc->provisions[2].overflow, -1);
    scenario_free(sc);
}

static void test_serves_names_segments(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.secondary]\n[provision.p]\nserves = secondry\n", 7, "provision.p",
               "serves", "`secondry` is not a segment; did you mean `secondary`?");
}

static void test_initial_per_segment(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.secondary]\n[provision.p]\ninitial.primary = 3\n", 7, "provision.p",
               "initial.primary", "`primary` is not a segment");
    expect_err(HEAD "[demand.a]\n[provision.p]\nserves = a\ninitial = 3\ninitial.a = 2\n", 9,
               "provision.p", "initial.a", "both `initial` (line 8) and `initial.a`");
    expect_err(HEAD "[demand.a]\n[provision.p]\ninitial.a = 1, 2, 3, 4, 5\n", 7, "provision.p",
               "initial.a", "takes one value");
    hn_scenario *sc = load_ok(HEAD "[demand.a]\n[demand.b]\n[provision.p]\nserves = b, a\n"
                                   "initial = 4\ninitial.a = 3\n");
    const hn_provision *p = &sc->provisions[0];
    assert_double_rel(p->initial[0].items[0].p[0], 3, 1e-15);
    assert_double_rel(p->initial[1].items[0].p[0], 4, 1e-15);
    assert_string_equal(p->initial[0].name, "provision.p.initial.a");
    assert_string_equal(p->initial[1].name, "provision.p.initial");
    assert_int_equal(p->n_serves, 2);
    assert_int_equal(p->serves[0], 1);
    scenario_free(sc);
}

static void test_plain_initial_needs_serves(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\n[provision.p]\ninitial = 3\n", 7, "provision.p", "initial",
               "a plain `initial` needs `serves`");
}

/* Decisions item 9: largest possible initial <= smallest possible year-1 places. */
static void test_initial_within_year1_places(void **state)
{
    (void)state;
    expect_err(HEAD
               "[demand.a]\n[provision.p]\nserves = a\nplaces = 10, 20, 20, 20, 20\ninitial = 11\n",
               9, "provision.p", "initial",
               "initial occupants can reach 11 but year-1 places can be as low as 10");
    expect_err(HEAD
               "[demand.a]\n[provision.p]\nserves = a\nplaces = pert(8, 10, 12)\ninitial = 9\n",
               9, "provision.p", "initial", "as low as 8");
    expect_err(HEAD "[demand.a]\n[demand.b]\n[provision.p]\nplaces = 10\ninitial.a = 5\n"
                    "initial.b = uniform(4, 6)\n",
               10, "provision.p", "initial.b", "can reach 11");
    hn_scenario *sc =
        load_ok(HEAD "[demand.a]\n[provision.p]\nserves = a\nplaces = 10, 5, 5, 5, 5\n"
                     "initial = 10\n");
    assert_double_rel(sc->provisions[0].initial[0].items[0].p[0], 10, 1e-15);
    scenario_free(sc);
    /* Uncapped: no limit. */
    sc = load_ok(HEAD "[demand.a]\n[provision.p]\nserves = a\ninitial = 500\n");
    scenario_free(sc);
}

static void test_referrals_list_admits_no_growth(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\nreferrals = 100, 110, 120, 130, 140\ngrowth = 0.03\n", 7,
               "demand.a", "growth",
               "`referrals` is a per-year list (line 6), which admits no `growth`");
    hn_scenario *sc = load_ok(HEAD "[demand.a]\nreferrals = 100, 110, 120, 130, 140\n");
    assert_true(sc->segments[0].referrals_per_year);
    assert_int_equal(sc->segments[0].referrals.n, 5);
    scenario_free(sc);
}

/* Decisions item 10: excluded_route required when pupils can be excluded; last uncapped. */
static void test_excluded_route_required(void **state)
{
    (void)state;
    expect_err(HEAD "[demand.a]\nexclusion = 0.1\n", 5, "demand.a", "excluded_route",
               "`excluded_route` is required: pupils of this segment can be permanently excluded "
               "(its `exclusion` can be > 0)");
    expect_err(HEAD "[demand.a]\n[provision.p]\nexit.excluded = pert(0, 0, 0.01)\n", 5, "demand.a",
               "excluded_route", "[provision.p] has an exit.excluded that can be > 0");
    /* No exclusions possible, no route: pupils wait (the "do nothing" option). */
    hn_scenario *sc = load_ok(HEAD "[demand.a]\nreferrals = 10\nexclusion = 0\n"
                                   "[provision.p]\nexit.excluded = 0\n");
    assert_int_equal(sc->segments[0].n_route, 0);
    assert_int_equal(sc->segments[0].n_excluded_route, 0);
    scenario_free(sc);
}

static void test_excluded_route_last_uncapped(void **state)
{
    (void)state;
    expect_err(
        HEAD "[provision.pru]\nplaces = 10\n[demand.a]\nexclusion = 0.1\nexcluded_route = pru\n", 9,
        "demand.a", "excluded_route",
        "the last provision, `pru`, has `places`: the last of excluded_route must be uncapped");
    hn_scenario *sc = load_ok(HEAD "[provision.pru]\nplaces = 10\n" UNCAPPED
                                   "[demand.a]\nexclusion = 0.1\nexcluded_route = pru, iap\n");
    assert_int_equal(sc->segments[0].n_excluded_route, 2);
    assert_int_equal(sc->segments[0].excluded_route[1], 1);
    scenario_free(sc);
}

/* Decisions item 11: commissioned defaults to places, or 0 when uncapped. */
static void test_commissioned_default(void **state)
{
    (void)state;
    hn_scenario *sc = load_ok(HEAD "[provision.capped]\nplaces = 12\n"
                                   "[provision.uncapped]\n"
                                   "[provision.own]\nplaces = 12\ncommissioned = 10\n"
                                   "[provision.paid]\ncommissioned = 3\n");
    assert_true(sc->provisions[0].commissioned_is_places);
    assert_false(sc->provisions[0].commissioned.set);
    assert_false(sc->provisions[1].commissioned_is_places);
    assert_false(sc->provisions[1].capped);
    assert_double_abs(sc->provisions[1].commissioned.items[0].p[0], 0, 0);
    assert_false(sc->provisions[2].commissioned_is_places);
    assert_double_rel(sc->provisions[2].commissioned.items[0].p[0], 10, 1e-15);
    assert_false(sc->provisions[3].commissioned_is_places);
    assert_true(sc->provisions[3].commissioned.set);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* extends (MODEL.md section 3, decisions item 12)                    */
/* ------------------------------------------------------------------ */

static const char *base_ini = "[scenario]\n"            /* 1 */
                              "name = base\n"           /* 2 */
                              "title = Base plan\n"     /* 3 */
                              "start_year = 2020\n"     /* 4 */
                              "baseline_cost = 1000\n"  /* 5 */
                              "[demand.a]\n"            /* 6 */
                              "referrals = 10\n"        /* 7 */
                              "route = p\n"             /* 8 */
                              "[provision.p]\n"         /* 9 */
                              "places = 5\n"            /* 10 */
                              "cost_per_pupil = 100\n"  /* 11 */
                              "exit.mainstream = 0.1\n" /* 12 */
                              "exit.left = 0.05\n"      /* 13 */
                              "[provision.q]\n"         /* 14 */
                              "cost_per_pupil = 50\n"   /* 15 */
                              "[cost.posts]\n"          /* 16 */
                              "amount = 7\n";           /* 17 */

static void test_extends_key_by_key(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini", base_ini);
    const char *child = put(dir, "child.ini",
                            "[scenario]\n"
                            "extends = base.ini\n"
                            "name = option_b\n"
                            "[provision.p]\n"
                            "cost_per_pupil = 200\n"
                            "exit.left = 0.2\n"
                            "exit.excluded = 0\n"
                            "[cost.extra]\n"
                            "amount = 9\n"
                            "[demand.b]\n"
                            "referrals = 1\n");
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_string_equal(sc->name, "option_b");
    assert_string_equal(sc->title, "Base plan");
    /* Provision p: replaced keys keep their place, new keys come after. */
    const hn_provision *p = &sc->provisions[0];
    assert_double_rel(p->cost_per_pupil.items[0].p[0], 200, 1e-15);
    assert_int_equal(p->cost_per_pupil.line, 5);
    assert_string_equal(p->cost_per_pupil.file, child);
    assert_double_rel(p->places.items[0].p[0], 5, 1e-15);
    assert_int_equal(p->places.line, 10);
    assert_non_null(strstr(p->places.file, "base.ini"));
    assert_int_equal(p->n_exits, 3);
    assert_string_equal(p->exits[0].target_name, "mainstream");
    assert_string_equal(p->exits[1].target_name, "left");
    assert_double_rel(p->exits[1].prob.items[0].p[0], 0.2, 1e-15);
    assert_string_equal(p->exits[2].target_name, "excluded");
    /* New sections appended in the child's order. */
    assert_int_equal(sc->n_segments, 2);
    assert_string_equal(sc->segments[1].name, "b");
    assert_int_equal(sc->n_costs, 2);
    assert_string_equal(sc->costs[0].name, "posts");
    assert_string_equal(sc->costs[1].name, "extra");
    /* Sources: the child first, then its parent, each with its hash. */
    assert_int_equal(sc->n_sources, 2);
    assert_string_equal(sc->sources[0].path, child);
    assert_non_null(strstr(sc->sources[1].path, "base.ini"));
    char hex[65];
    sha256_hex(base_ini, strlen(base_ini), hex);
    assert_string_equal(sc->sources[1].sha256, hex);
    /* Entries: section order of the merge, with the file each key came from. */
    assert_string_equal(sc->entries[0].key, "name");
    assert_string_equal(sc->entries[0].value, "option_b");
    assert_string_equal(sc->entries[0].file, child);
    bool found_extends = false;
    for (int i = 0; i < sc->n_entries; i++)
        if (!strcmp(sc->entries[i].key, "extends")) found_extends = true;
    assert_true(found_extends);
    scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* [dsg] and s251 (MODEL.md section 8, issue 13)                      */
/* ------------------------------------------------------------------ */

/* Lines 6-10: a provision and a cost line, the provision on a Section 251 line. */
#define DSG_LINES "[provision.p]\ncost_per_pupil = 100\ns251 = 1.2.7\n[cost.c]\namount = 5\n"

/* The section and the key load: values, lines as indices, defaults. */
static void test_dsg_loads(void **state)
{
    (void)state;
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(testutil_load_text("[scenario]\nname = t\nstart_year = 2020\nyears = 3\n"
                                        "baseline_cost = 1000\n" DSG_LINES
                                        "[dsg]\nallocation = 61500000\n"
                                        "opening_balance = -12500000\nother_s251 = 1.2.3\n"
                                        "targets = -11000000, -9000000, -6000000\n"
                                        "override_ends = 2028\n",
                                        &sc, &err),
                     HN_OK);
    assert_int_equal(sc->n_dsg, 1);
    const hn_dsg *d = &sc->dsg[0];
    assert_int_equal(sc->provisions[0].s251, s251_find("1.2.7"));
    assert_string_equal(s251_code(sc->provisions[0].s251), "1.2.7");
    assert_int_equal(sc->costs[0].s251, HN_S251_NONE);
    assert_int_equal(d->other_s251, s251_find("1.2.3"));
    assert_double_rel(d->allocation.items[0].p[0], 61500000, 1e-15);
    assert_double_rel(d->opening_balance.items[0].p[0], -12500000, 1e-15);
    assert_int_equal(d->targets.n, 3);
    assert_double_rel(d->targets.items[2].p[0], -6000000, 1e-15);
    assert_false(d->deficit_limit.set);
    assert_int_equal(d->override_ends, 2028);
    /* The [dsg] parameters come last in the vector, after every other section's. */
    assert_string_equal(sc->params[sc->n_params - 1]->name, "dsg.targets");
    char words[80];
    keys_param_words(sc, "dsg.opening_balance", words, sizeof words);
    assert_string_equal(words, "DSG: opening balance");
    scenario_free(sc);

    /* Without [dsg] nothing of it exists. */
    assert_int_equal(testutil_load_text(HEAD, &sc, &err), HN_OK);
    assert_int_equal(sc->n_dsg, 0);
    scenario_free(sc);
}

/* Every rule of the section, each at its file and line. */
static void test_dsg_errors(void **state)
{
    (void)state;
    expect_err(HEAD "[provision.p]\ns251 = 1.2.10\n", 6, "provision.p", "s251",
               "the known lines are 1.0.2, 1.2.1, 1.2.2, 1.2.3, 1.2.4, 1.2.5, 1.2.6, 1.2.7, "
               "1.2.8, 1.2.9, 1.2.11, 1.2.13");
    expect_err(HEAD "[income.i]\namount = 3\ns251 = 251\n", 7, "income.i", "s251",
               "`251` is not a Section 251 high-needs line");
    expect_err(HEAD "[dsg]\nother_spend = 5\n", 5, "dsg", "allocation",
               "required key `allocation` is missing");
    expect_err("[scenario]\nname = t\nstart_year = 2020\nyears = 2\nbaseline_cost = 1000\n"
               "[dsg]\nallocation = 1, 2\nallocation_growth = 0.03\n",
               8, "dsg", "allocation_growth", "`allocation` is a per-year list (line 7)");
    expect_err("[scenario]\nname = t\nstart_year = 2020\nyears = 2\nbaseline_cost = 1000\n"
               "[dsg]\nallocation = 1\nother_spend = 3, 4\nother_growth = 0.03\n",
               9, "dsg", "other_growth", "admits no `other_growth`");
    expect_err("[scenario]\nname = t\nstart_year = 2020\nyears = 2\nbaseline_cost = 1000\n"
               "[dsg]\nallocation = 1\ntargets = 0\n",
               8, "dsg", "targets", "one year-end balance target per year, 2 values");
    expect_err("[scenario]\nname = t\nstart_year = 2020\nyears = 2\nbaseline_cost = 1000\n"
               "[dsg]\nallocation = 1\ntargets = 0, 1, 2\n",
               8, "dsg", "targets", "3 values given");
    expect_err(HEAD "[dsg]\nallocation = 1\nopening_balance = -1, -2, -3, -4, -5\n", 7, "dsg",
               "opening_balance", "takes one value");
    expect_err(HEAD "[dsg]\nallocation = -1\n", 6, "dsg", "allocation", "-1");
    expect_err(HEAD "[dsg]\nallocation = 1\noverride_ends = 1999\n", 7, "dsg", "override_ends",
               "out of range");
    expect_err(HEAD "[dsg]\nallocation = 1\ns251 = 1.2.7\n", 7, "dsg", "s251",
               "it belongs in a [provision.*] section");
    expect_err(HEAD "[dsgs]\nallocation = 1\n", 5, "dsgs", "", "[dsg]");
}

/* A child replaces [dsg] keys one by one, and can drop the section. */
static void test_dsg_extends_remove(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini",
        "[scenario]\nname = base\nstart_year = 2020\nyears = 2\nbaseline_cost = 1000\n"
        "[cost.c]\namount = 5\ns251 = 1.2.5\n"
        "[dsg]\nallocation = 100\nopening_balance = -40\ntargets = -30, -20\n");
    const char *child = put(dir, "child.ini",
                            "[scenario]\nextends = base.ini\n[dsg]\nopening_balance = -50\n"
                            "[cost.c]\ns251 = 1.2.8\n");
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_int_equal(sc->n_dsg, 1);
    assert_double_rel(sc->dsg[0].opening_balance.items[0].p[0], -50, 1e-15);
    assert_double_rel(sc->dsg[0].allocation.items[0].p[0], 100, 1e-15);
    assert_double_rel(sc->dsg[0].targets.items[1].p[0], -20, 1e-15);
    assert_int_equal(sc->costs[0].s251, s251_find("1.2.8"));
    scenario_free(sc);
    child = put(dir, "c2.ini", "[scenario]\nextends = base.ini\n[dsg]\nremove = true\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_int_equal(sc->n_dsg, 0);
    scenario_free(sc);
}

static void test_extends_remove_section(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini", base_ini);
    const char *child = put(dir, "child.ini",
                            "[scenario]\nextends = base.ini\n[provision.q]\nremove = true\n"
                            "[cost.posts]\nremove = true\n");
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_int_equal(sc->n_provisions, 1);
    assert_string_equal(sc->provisions[0].name, "p");
    assert_int_equal(sc->n_costs, 0);
    for (int i = 0; i < sc->n_entries; i++) assert_string_not_equal(sc->entries[i].key, "remove");
    scenario_free(sc);

    /* A section the parent does not have. */
    child = put(dir, "c2.ini", "[scenario]\nextends = base.ini\n[provision.zz]\nremove = true\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    check_err(HN_ERR_SCENARIO, sc, &err, 4, "provision.zz", "remove",
              "has no [provision.zz] to remove", __FILE__, __LINE__);
    /* Other keys beside remove. */
    child = put(dir, "c3.ini",
                "[scenario]\nextends = base.ini\n[provision.q]\nremove = true\nplaces = 1\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    check_err(HN_ERR_SCENARIO, sc, &err, 5, "provision.q", "places", "takes no other keys",
              __FILE__, __LINE__);
    /* Only `true`. */
    child = put(dir, "c4.ini", "[scenario]\nextends = base.ini\n[provision.q]\nremove = yes\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    check_err(HN_ERR_SCENARIO, sc, &err, 4, "provision.q", "remove", "takes only `true`", __FILE__,
              __LINE__);
    /* [scenario] cannot go. */
    child = put(dir, "c5.ini", "[scenario]\nextends = base.ini\nremove = true\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_ERR_SCENARIO);
    check_err(HN_ERR_SCENARIO, sc, &err, 3, "scenario", "remove", "[scenario] cannot be removed",
              __FILE__, __LINE__);
    /* A file without extends has nothing to remove. */
    expect_err(HEAD "[provision.q]\nremove = true\n", 6, "provision.q", "remove",
               "this file extends nothing");
}

static void test_extends_missing_parent(void **state)
{
    (void)state;
    expect_err("[scenario]\nname = t\nextends = nothere.ini\n", 3, "scenario", "extends",
               "cannot open the parent scenario `nothere.ini`");
    /* A parent that exists but is not a file is reported at `extends` too. */
    const char *dir = new_dir();
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *child = put(dir, "child.ini", "[scenario]\nextends = sub\n");
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(child, &sc, &err);
    check_err(st, sc, &err, 2, "scenario", "extends",
              "cannot read the parent scenario `sub`: ", __FILE__, __LINE__);
    assert_contains(err.message, "is a folder");
}

static void test_extends_itself(void **state)
{
    (void)state;
    const char *dir = new_dir();
    const char *path = put(dir, "self.ini", HEAD "extends = self.ini\n");
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(path, &sc, &err);
    check_err(st, sc, &err, 5, "scenario", "extends", "the extends chain loops", __FILE__,
              __LINE__);
    assert_contains(err.message, "self.ini -> ");
}

static void test_extends_loop(void **state)
{
    (void)state;
    const char *dir = new_dir();
    const char *a = put(dir, "a.ini", "[scenario]\nextends = b.ini\nname = a\n");
    put(dir, "b.ini", "[scenario]\nname = b\n\nextends = a.ini\n");
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(a, &sc, &err);
    check_err(st, sc, &err, 4, "scenario", "extends", "the extends chain loops", __FILE__,
              __LINE__);
    assert_contains(err.file, "b.ini");
    assert_contains(err.message, "a.ini -> ");
}

/* The parent is found relative to the child's folder, not the working directory. */
static void test_extends_relative_to_child_folder(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini", base_ini);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *child = put(sub, "child.ini", "[scenario]\nextends = ../base.ini\n");
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_string_equal(sc->name, "base");
    assert_int_equal(sc->n_sources, 2);
    scenario_free(sc);
}

/* Errors in a parent point at the parent's file and line. */
static void test_extends_error_in_parent(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini",
        "[scenario]\nname = b\nstart_year = 2020\nbaseline_cost = 1\ncolour = red\n");
    const char *child = put(dir, "child.ini", "[scenario]\nextends = base.ini\n");
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(child, &sc, &err);
    check_err(st, sc, &err, 5, "scenario", "colour", "unknown key `colour`", __FILE__, __LINE__);
    assert_contains(err.file, "base.ini");
}

/* ------------------------------------------------------------------ */
/* "Did you mean" and robustness                                      */
/* ------------------------------------------------------------------ */

static void test_suggest_distance(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("", "abc"), 3);
    assert_int_equal(suggest_distance("places", "places"), 0);
    assert_int_equal(suggest_distance("porvision", "provision"), 1); /* a swap */
    const char *cands[] = { "normal", "uniform", NULL, "pert" };
    assert_string_equal(suggest_best("nromal", cands, 4), "normal");
    assert_string_equal(suggest_best("prt", cands, 4), "pert");
    assert_null(suggest_best("zzzzzz", cands, 4));
    assert_null(suggest_best("ab", cands, 4));
}

/*
 * Mutated copies of the full example (bytes changed, lines cut) either
 * load or fail with a located message; never crash or leak (run under
 * valgrind / ASan).
 */
static void test_mutations_never_crash(void **state)
{
    (void)state;
    size_t n = strlen(full_example);
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    static const char pool[] = "=,;#[]() .-e%\t\n0123456789axz\x01\xc3\xff";
    uint64_t x = 88172645463325252u;
    for (int iter = 0; iter < 400; iter++) {
        memcpy(buf, full_example, n + 1);
        int edits = 1 + iter % 4;
        for (int e = 0; e < edits; e++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            size_t at = (size_t)(x % n);
            buf[at] = pool[(x >> 32) % (sizeof pool - 1)];
        }
        if (iter % 5 == 0) buf[(x >> 20) % n] = '\0';
        hn_scenario *sc = NULL;
        hn_error err;
        hn_status st = testutil_load_text(buf, &sc, &err);
        if (st == HN_OK) {
            assert_non_null(sc);
            scenario_free(sc);
        } else {
            assert_null(sc);
            assert_int_equal(st, HN_ERR_SCENARIO);
            assert_true(err.message[0] != '\0');
            assert_true(err.line >= 0);
        }
    }
    free(buf);
}

/* ------------------------------------------------------------------ */
/* [correlation]                                                      */
/* ------------------------------------------------------------------ */

/*
 * Lines 1-13: HEAD (years 3), then sampled inputs: pru.cost_per_pupil
 * (pert), pru.income_per_pupil (a list: years 1 and 3 distributions),
 * indep.cost_per_pupil (normal), indep.fixed_cost (uniform), and the
 * constant pru.places. [correlation] is line 14, its first pair line 15.
 */
#define CORR_HEAD                                                               \
    HEAD "years = 3\n"                                                          \
         "[provision.pru]\n"                                                    \
         "places = 10\n"                                                        \
         "cost_per_pupil = pert(15000, 18000, 26000)\n"                         \
         "income_per_pupil = uniform(0, 1000), 500, triangular(0, 500, 1500)\n" \
         "[provision.indep]\n"                                                  \
         "cost_per_pupil = normal(45000, 5000)\n"                               \
         "fixed_cost = uniform(0, 10000)\n"                                     \
         "exit.left = 0.1\n"                                                    \
         "[correlation]\n"

#define PRU_COST    "provision.pru.cost_per_pupil"
#define INDEP_COST  "provision.indep.cost_per_pupil"
#define INDEP_FIXED "provision.indep.fixed_cost"

/* Valid pairs: inputs by parameter and item, value kept, 0 dropped, either order and any spacing. */
static void test_correlation_pairs(void **state)
{
    (void)state;
    hn_scenario *sc =
        load_ok(CORR_HEAD PRU_COST
                ", " INDEP_COST " = 0.6\n"
                "provision.pru.income_per_pupil[3],provision.indep.fixed_cost = -0.25\n" INDEP_FIXED
                " ,  " PRU_COST " = 0\n");
    assert_int_equal(sc->n_correlations, 2);
    const hn_correlation *c = &sc->correlations[0];
    assert_string_equal(sc->params[c->param[0]]->name, PRU_COST);
    assert_string_equal(sc->params[c->param[1]]->name, INDEP_COST);
    assert_int_equal(c->item[0], 0);
    assert_double_rel(c->rho, 0.6, 1e-15);
    assert_int_equal(c->line, 15);
    assert_non_null(strstr(c->file, "s.ini"));
    c = &sc->correlations[1];
    assert_string_equal(sc->params[c->param[0]]->name, "provision.pru.income_per_pupil");
    assert_int_equal(c->item[0], 2);
    assert_string_equal(sc->params[c->param[1]]->name, INDEP_FIXED);
    assert_double_rel(c->rho, -0.25, 1e-15);
    assert_int_equal(c->line, 16);
    scenario_free(sc);
    /* An empty section is fine. */
    sc = load_ok(CORR_HEAD);
    assert_int_equal(sc->n_correlations, 0);
    scenario_free(sc);
}

/* Names that are not sampled inputs, each with its reason. */
static void test_correlation_names(void **state)
{
    (void)state;
    expect_err(CORR_HEAD "provision.pru.cost_per_pupl, " INDEP_COST " = 0.6\n", 15, "correlation",
               "provision.pru.cost_per_pupl, " INDEP_COST,
               "`provision.pru.cost_per_pupl` is not a sampled input; did you mean `" PRU_COST
               "`?");
    expect_err(CORR_HEAD PRU_COST ", provision.nowhere.amount = 0.6\n", 15, "correlation",
               PRU_COST ", provision.nowhere.amount",
               "is not a sampled input (sampled inputs: " PRU_COST);
    expect_err(CORR_HEAD PRU_COST ", provision.pru.places = 0.6\n", 15, "correlation",
               PRU_COST ", provision.pru.places",
               "`provision.pru.places` is not a distribution (it is 10)");
    expect_err(CORR_HEAD PRU_COST ", provision.indep.ehcna = 0.6\n", 15, "correlation",
               PRU_COST ", provision.indep.ehcna", "is not a distribution (it is the default 0)");
    expect_err(CORR_HEAD PRU_COST ", provision.pru.income_per_pupil = 0.6\n", 15, "correlation",
               PRU_COST ", provision.pru.income_per_pupil",
               "is a per-year list: name one of its distributions as "
               "`provision.pru.income_per_pupil[YEAR]` (years with a distribution: 1, 3)");
    expect_err(CORR_HEAD PRU_COST ", provision.pru.income_per_pupil[2] = 0.6\n", 15, "correlation",
               PRU_COST ", provision.pru.income_per_pupil[2]", "is not a distribution (it is 500)");
    expect_err(CORR_HEAD PRU_COST ", provision.pru.income_per_pupil[4] = 0.6\n", 15, "correlation",
               PRU_COST ", provision.pru.income_per_pupil[4]", "YEAR runs from 1 to 3");
    expect_err(CORR_HEAD PRU_COST "[1], " INDEP_COST " = 0.6\n", 15, "correlation",
               PRU_COST "[1], " INDEP_COST, "write `" PRU_COST "` without [1]");
    expect_err(CORR_HEAD PRU_COST " " INDEP_COST " = 0.6\n", 15, "correlation",
               PRU_COST " " INDEP_COST, "names two sampled inputs separated by a comma");
    expect_err(CORR_HEAD PRU_COST ", " INDEP_COST ", " INDEP_FIXED " = 0.6\n", 15, "correlation",
               PRU_COST ", " INDEP_COST ", " INDEP_FIXED, "separated by a comma");
    expect_err(CORR_HEAD PRU_COST ",  " PRU_COST " = 0.6\n", 15, "correlation",
               PRU_COST ",  " PRU_COST, "is paired with itself");
    expect_err(HEAD "[correlation]\na.b, c.d = 0.5\n", 6, "correlation", "a.b, c.d",
               "this scenario has no distributions");
}

/* Values: one number in [-1, 1]. */
static void test_correlation_values(void **state)
{
    (void)state;
    static const struct {
        const char *value, *fragment;
    } bad[] = {
        { "1.5", "1.5 is not a correlation: a rank correlation lies from -1 to 1" },
        { "-1.01", "from -1 to 1" },
        { "high", "`high` is not a number" },
        { "60%", "`60%` is not a number" },
        { "uniform(0, 1)", "not a list or a distribution" },
        { "0.1, 0.2", "not a list or a distribution" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, CORR_HEAD PRU_COST ", " INDEP_COST " = %s\n", bad[i].value);
        expect_err(text, 15, "correlation", PRU_COST ", " INDEP_COST, bad[i].fragment);
    }
    /* 1 is in range but makes the matrix singular. */
    expect_err(CORR_HEAD INDEP_FIXED ", " PRU_COST " = 0.2\n" PRU_COST ", " INDEP_COST " = -1\n",
               16, "correlation", PRU_COST ", " INDEP_COST,
               "a correlation of -1 would make one input a function of the other");
}

/*
 * Decisions R18: a message quotes the user's value as written, never
 * rounded, and a number worked out from it (a bound, a sum) never reads as
 * equal to the limit it breaks. Each value here used to be shown rounded
 * onto its limit or onto a whole number ("1000000 is not a whole number").
 */
static void test_values_quoted_as_written(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line;
        const char *section, *key, *fragment;
    } cases[] = {
        { HEAD "[provision.p]\nplaces = 999999.9999999999\n", 6, "provision.p", "places",
          "places: 999999.9999999999 is not a whole number" },
        { HEAD "[cost.c]\namount = 1000000000000.0001\n", 6, "cost.c", "amount",
          "amount: 1000000000000.0001 is more than 1000000000000: money values" },
        { HEAD "[cost.c]\namount = 10, 1e12, 2.5E12, 1, 1\n", 6, "cost.c", "amount",
          "amount: year 3: 2.5E12 is more than" },
        { HEAD "[demand.a]\nreferrals = pert(0, 1, 1000000.4)\n", 6, "demand.a", "referrals",
          "pert(0, 1, 1000000.4) can reach 1000000.4, more than 1000000:" },
        { HEAD "[demand.a]\nreferrals = pert(0,1,1e6)\nexclusion = 0.6000001\nresolve = 0.4\n"
               "excluded_route = p\n[provision.p]\n",
          8, "demand.a", "resolve",
          "exclusion + resolve can add up to 1.0000001 per term in year 1 (exclusion 0.6000001 + "
          "resolve 0.4)" },
        { HEAD "[provision.p]\nplaces = 10\ninitial.a = uniform(0, 10.0000001)\n[demand.a]\n", 7,
          "provision.p", "initial.a",
          "initial occupants can reach 10.0000001 but year-1 places can be as low as 10:" },
        { HEAD "[demand.a]\nreferrals = normal(10,-0.000000001)\n", 6, "demand.a", "referrals",
          "normal(10,-0.000000001): " },
        { CORR_HEAD PRU_COST ", " INDEP_COST " = 1.0000001\n", 15, "correlation",
          PRU_COST ", " INDEP_COST,
          "1.0000001 is not a correlation: a rank correlation lies from -1 to 1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_err(cases[i].text, cases[i].line, cases[i].section, cases[i].key, cases[i].fragment);
}

/* A pair given twice, in either order: the duplicate's line, pointing at the first. */
static void test_correlation_pair_twice(void **state)
{
    (void)state;
    expect_err(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.6\n" INDEP_FIXED ", " PRU_COST
                                  " = 0.1\n" PRU_COST ", " INDEP_COST " = 0.5\n",
               17, "correlation", PRU_COST ", " INDEP_COST,
               "is already given on line 15 (each pair appears once, in either order)");
    expect_err(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.6\n" INDEP_COST " ,  " PRU_COST " = 0.6\n",
               16, "correlation", INDEP_COST " ,  " PRU_COST, "is already given on line 15");
}

/*
 * Not positive definite once the missing pair is 0: a and b, and a and c,
 * at 0.9 force b and c to be correlated, and -0.5 contradicts that. The
 * error names the strongest pair of the input whose arrival breaks the
 * matrix and lists the others' lines.
 */
static void test_correlation_not_positive_definite(void **state)
{
    (void)state;
    expect_err(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.9\n" PRU_COST ", " INDEP_FIXED
                                  " = 0.9\n" INDEP_COST ", " INDEP_FIXED " = -0.5\n",
               16, "correlation", PRU_COST ", " INDEP_FIXED,
               "these correlations cannot all hold: with the pairs not given taken as 0, the "
               "correlation matrix is not positive definite; this pair conflicts with the pairs on "
               "lines 15, 17");
    /* Two strong pairs through one input already need the third: 0.9 and 0.7 with 0 between
     * the others fail, 0.9 and 0.3 do not. */
    expect_err(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.9\n" PRU_COST ", " INDEP_FIXED " = 0.7\n",
               16, "correlation", PRU_COST ", " INDEP_FIXED, "conflicts with the pair on line 15");
    hn_scenario *sc =
        load_ok(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.9\n" PRU_COST ", " INDEP_FIXED " = 0.3\n");
    scenario_free(sc);
    /* ... and a matrix that is positive definite only as rank correlations is refused too, because
     * the normal scores need 2 sin(pi r / 6): 0.9, 0.9, 0.63 -> 0.908, 0.908, 0.649. */
    expect_err(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.9\n" PRU_COST ", " INDEP_FIXED
                                  " = 0.9\n" INDEP_COST ", " INDEP_FIXED " = 0.63\n",
               16, "correlation", PRU_COST ", " INDEP_FIXED,
               "once turned into the normal-score correlations");
    sc = load_ok(CORR_HEAD PRU_COST ", " INDEP_COST " = 0.9\n" PRU_COST ", " INDEP_FIXED
                                    " = 0.9\n" INDEP_COST ", " INDEP_FIXED " = 0.66\n");
    scenario_free(sc);
}

/* extends: a child's pair replaces the parent's (either order), adds new ones, or drops them all. */
static void test_correlation_extends(void **state)
{
    (void)state;
    const char *dir = new_dir();
    put(dir, "base.ini",
        CORR_HEAD PRU_COST ", " INDEP_COST " = 0.6\n" INDEP_FIXED ", " PRU_COST " = 0.2\n");
    const char *child = put(dir, "child.ini",
                            "[scenario]\nextends = base.ini\nname = b\n[correlation]\n" INDEP_COST
                            ",  " PRU_COST " = -0.3\n" INDEP_FIXED ", " INDEP_COST " = 0.1\n");
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_int_equal(sc->n_correlations, 3);
    assert_double_rel(sc->correlations[0].rho, -0.3, 1e-15); /* replaced, in the parent's place */
    assert_int_equal(sc->correlations[0].line, 5);
    assert_non_null(strstr(sc->correlations[0].file, "child.ini"));
    assert_double_rel(sc->correlations[1].rho, 0.2, 1e-15);
    assert_non_null(strstr(sc->correlations[1].file, "base.ini"));
    assert_double_rel(sc->correlations[2].rho, 0.1, 1e-15);
    scenario_free(sc);
    child = put(dir, "c2.ini", "[scenario]\nextends = base.ini\n[correlation]\nremove = true\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_int_equal(sc->n_correlations, 0);
    scenario_free(sc);
    /* A child setting a pair to 0 cancels it. */
    child =
        put(dir, "c3.ini",
            "[scenario]\nextends = base.ini\n[correlation]\n" PRU_COST ", " INDEP_COST " = 0\n");
    assert_int_equal(scenario_load(child, &sc, &err), HN_OK);
    assert_int_equal(sc->n_correlations, 1);
    assert_double_rel(sc->correlations[0].rho, 0.2, 1e-15);
    scenario_free(sc);
}

int main(void)
{
#define T(f) cmocka_unit_test_teardown(f, cleanup)
    const struct CMUnitTest tests[] = {
        T(test_full_example_loads),
        T(test_long_lines),
        T(test_lines_at_inih_buffer_edge),
        T(test_comments_both_styles),
        T(test_indented_continuation_line),
        T(test_duplicate_key),
        T(test_duplicate_section),
        T(test_key_outside_section),
        T(test_inih_syntax_errors),
        T(test_empty_value),
        T(test_nul_byte),
        T(test_invalid_utf8_and_control_characters),
        T(test_comment_free_text),
        T(test_key_sources),
        T(test_key_sources_extends),
        T(test_unreadable_parent_same_status),
        T(test_crlf_bom_and_no_final_newline),
        T(test_missing_file),
        T(test_thousands_separator),
        T(test_percent_sign),
        T(test_nan_inf_overflow),
        T(test_trailing_junk),
        T(test_per_year_list_counts),
        T(test_list_of_distributions),
        T(test_distribution_parameter_checks),
        T(test_probability_domain),
        T(test_count_domain),
        T(test_money_domain),
        T(test_rate_domain),
        T(test_exit_probability_sum),
        T(test_key_tables),
        T(test_parameter_order),
        T(test_unknown_key_did_you_mean),
        T(test_unknown_section_did_you_mean),
        T(test_section_names),
        T(test_scenario_required_keys),
        T(test_scenario_ranges_and_defaults),
        T(test_baseline_cost_is_one_value),
        T(test_growth_and_inflation_lists),
        T(test_route_names_provisions),
        T(test_excluded_route_names_provisions),
        T(test_exit_targets_name_provisions),
        T(test_overflow_names_a_provision),
        T(test_overflow_chain_must_not_loop),
        T(test_serves_names_segments),
        T(test_initial_per_segment),
        T(test_plain_initial_needs_serves),
        T(test_initial_within_year1_places),
        T(test_referrals_list_admits_no_growth),
        T(test_excluded_route_required),
        T(test_excluded_route_last_uncapped),
        T(test_commissioned_default),
        T(test_extends_key_by_key),
        T(test_extends_remove_section),
        T(test_dsg_loads),
        T(test_dsg_errors),
        T(test_dsg_extends_remove),
        T(test_extends_missing_parent),
        T(test_extends_itself),
        T(test_extends_loop),
        T(test_extends_relative_to_child_folder),
        T(test_extends_error_in_parent),
        T(test_suggest_distance),
        T(test_correlation_pairs),
        T(test_correlation_names),
        T(test_correlation_values),
        T(test_values_quoted_as_written),
        T(test_correlation_pair_twice),
        T(test_correlation_not_positive_definite),
        T(test_correlation_extends),
        T(test_mutations_never_crash),
    };
#undef T
    return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
