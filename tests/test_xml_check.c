/*
 * test_xml_check.c - the workbook fuzz target's XML check (tests/fuzz/
 * xml_check.c) accepts what libxlsxwriter writes and refuses each way a
 * string could break a part: a test that it can fail, since the fuzz target
 * only ever shows it passing. Ends with a real workbook written by hnsim's
 * writer with Excel escapes and a control character in its text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz_files.c"
#include "fuzz/xml_check.c"
#include "analysis/stats.h"
#include "model/engine.h"
#include "report.h"
#include "support/testutil.h"

/* Checks s and returns its verdict; *why holds the reason. */
static int check(const char *s, char *why)
{
    return xml_check_document((const unsigned char *)s, strlen(s), why, 300);
}

static void test_well_formed(void **state)
{
    (void)state;
    char why[300];
    assert_int_equal(check("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                           "<a x=\"1\" y='&amp;&#233;&#x1F600;'><b/>t&lt;&gt;\xc2\xa3<!-- c -->"
                           "<![CDATA[<raw>]]></a>\n",
                           why),
                     0);
}

static void test_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *reason;
    } cases[] = {
        { "<a><b></a>", "</a> closes <b>" },
        { "<a>", "<a> is never closed" },
        { "<a>&nbsp;</a>", "unknown entity" },
        { "<a>&#1;</a>", "character reference to U+0001, not allowed in XML" },
        { "<a>&#xFFFE;</a>", "character reference to U+FFFE" },
        { "<a>\x01</a>", "character U+0001 is not allowed in XML" },
        { "<a>\xef\xbf\xbf</a>", "character U+FFFF is not allowed" },
        { "<a>caf\xe9</a>", "invalid UTF-8" },
        { "<a x=1/>", "unquoted attribute" },
        { "<a x=\"<\"/>", "'<' in an attribute value" },
        { "<a/>text", "text outside the root element" },
        { "<a/><b/>", "a second root element" },
        { "", "no root element" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char why[300] = "";
        int rc = check(cases[i].doc, why);
        if (rc != 1 || !strstr(why, cases[i].reason))
            fail_msg("case %zu: verdict %d, reason '%s', expected '%s'", i, rc, why,
                     cases[i].reason);
    }
}

/* A workbook from the real writer, with Excel escapes and a control character in its strings. */
static void test_real_workbook(void **state)
{
    (void)state;
    hn_scenario *sc = NULL;
    hn_error err;
    assert_int_equal(testutil_load_text("[scenario]\nname = t\nstart_year = 2020\n"
                                        "title = Plan _x0041_ \xc2\xa3\nbaseline_cost = 1000\n"
                                        "[cost.c]\namount = 900\n",
                                        &sc, &err),
                     HN_OK);
    hn_run_opts o = { .iterations = 1, .seed = 1, .threads = 1, .deterministic = true };
    hn_results *res = NULL;
    hn_stats *st = NULL;
    assert_int_equal(engine_run(sc, &o, &res, &err), HN_OK);
    assert_int_equal(stats_compute(res, &st, &err), HN_OK);
    char dir[] = "/tmp/hnsim-xmlcheck-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/w.xlsx", dir);
    hn_report_origin origin = { .command_line = "hnsim run \x01 t.ini",
                                .run_date = "2026-01-01 00:00",
                                .out_path = path };
    hn_run_report rep;
    assert_int_equal(report_run_init(&rep, &origin, sc, res, st, NULL, &err), HN_OK);
    assert_int_equal(report_write_xlsx(&rep, &err), HN_OK);
    char why[300] = "";
    int rc = xml_check_package(path, why, sizeof why);
    if (rc) fail_msg("the writer's workbook fails the check: %s", why);
    unlink(path);
    rmdir(dir);
    report_run_free(&rep);
    stats_free(st);
    results_free(res);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_real_workbook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
