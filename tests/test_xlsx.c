/*
 * test_xlsx.c - the workbook (output/xlsx_*.c).
 *
 * On the hand-made run of results_fixture.h: the file is a zip ("PK"),
 * nothing temporary is left, and two writes of the same run give the same
 * bytes (fixed `created`); a missing folder, a destination that is a
 * folder, a read-only folder (when not root) and a write that fails
 * part-way (file size limit) are HN_ERR_IO and leave any old file as it
 * was. Then tests/e2e_xlsx_reader.py opens the workbooks with openpyxl and
 * checks them against the CSV of the same run (report_write_csv): sheets,
 * the paragraph-6.2 table (labels, formulas, cached values), the
 * uncertainty rows, the charts, every table cell, the Run and Assumptions
 * sheets, print set-up and properties, for a Monte Carlo run with a
 * budget, one without, one whose total cost never varies (a histogram of
 * one band), and a deterministic run. tests/e2e_workbook.sh does
 * the same on real runs of the default scenario. And the estimate of the
 * lines wrapped text takes (xw_wrapped_lines) wraps whole words.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "results_fixture.h"
#include "analysis/stats.h"
#include "xlsx_internal.h"

/* A run, its statistics and a folder to write in. */
typedef struct {
    fixture fx;
    hn_stats *st;
    char dir[256];
} xlsx_case;

/* Computes the statistics of c's (filled) run and makes its folder. */
static void xlsx_case_finish(xlsx_case *c)
{
    hn_error err;
    assert_int_equal(stats_compute(&c->fx.res, &c->st, &err), HN_OK);
    fixture_report(&c->fx, c->st);
    snprintf(c->dir, sizeof c->dir, "%s", testutil_tmpdir());
}

static void xlsx_case_init(xlsx_case *c, long n, bool budget, bool det)
{
    fixture_init(&c->fx, n, budget, det);
    fixture_fill(&c->fx);
    xlsx_case_finish(c);
}

static void xlsx_case_free(xlsx_case *c)
{
    stats_free(c->st);
    fixture_free(&c->fx);
    fixture_rmtree(c->dir);
}

/* c->dir/name into buf. */
static const char *in_dir(const xlsx_case *c, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", c->dir, name);
    return buf;
}

/* Writes the workbook to path; fails the test (printing the message) on error. */
static void write_ok(xlsx_case *c, const char *path)
{
    hn_error err;
    hn_status s = report_write_xlsx(fixture_at(&c->fx, path), &err);
    if (s != HN_OK) print_error("%s\n", err.message);
    assert_int_equal(s, HN_OK);
}

static void test_creates_zip(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 101, true, false);
    char path[400];
    in_dir(&c, "book.xlsx", path, sizeof path);
    write_ok(&c, path);
    size_t len;
    char *bytes = fixture_slurp(path, &len);
    assert_non_null(bytes);
    assert_true(len > 4000);
    assert_memory_equal(bytes, "PK\x03\x04", 4);
    free(bytes);
    assert_int_equal(fixture_count_temps(c.dir), 0);
    xlsx_case_free(&c);
}

/* Same inputs, same bytes: nothing in the file depends on the clock. */
static void test_identical_bytes(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 57, true, false);
    char p1[400], p2[400];
    write_ok(&c, in_dir(&c, "one.xlsx", p1, sizeof p1));
    sleep(1); /* a clock-dependent timestamp would now differ */
    write_ok(&c, in_dir(&c, "two.xlsx", p2, sizeof p2));
    size_t n1, n2;
    char *b1 = fixture_slurp(p1, &n1), *b2 = fixture_slurp(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);

    /* and without a run date the fixed default is used, still identical */
    c.fx.origin.run_date = NULL;
    write_ok(&c, p1);
    sleep(1);
    write_ok(&c, p2);
    b1 = fixture_slurp(p1, &n1);
    b2 = fixture_slurp(p2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    xlsx_case_free(&c);
}

static void test_missing_folder(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 11, false, false);
    char path[400], want[600];
    in_dir(&c, "missing/OUT.xlsx", path, sizeof path);
    hn_error err;
    assert_int_equal(report_write_xlsx(fixture_at(&c.fx, path), &err), HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: No such file or directory", path);
    assert_string_equal(err.message, want);
    assert_int_equal(fixture_count_temps(c.dir), 0);
    assert_int_equal(access(path, F_OK), -1);
    xlsx_case_free(&c);
}

/* The workbook is written, but the rename over a folder fails: HN_ERR_IO, temporary file removed. */
static void test_destination_is_a_folder(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 11, false, false);
    char path[400];
    in_dir(&c, "taken.xlsx", path, sizeof path);
    assert_int_equal(mkdir(path, 0755), 0);
    hn_error err;
    assert_int_equal(report_write_xlsx(fixture_at(&c.fx, path), &err), HN_ERR_IO);
    assert_contains(err.message, "cannot write ");
    assert_int_equal(fixture_count_temps(c.dir), 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    xlsx_case_free(&c);
}

/* Writes the workbook of the case user to path (for fixture_write_limited). */
static hn_status write_xlsx_cb(const char *path, void *user, hn_error *err)
{
    xlsx_case *c = user;
    return report_write_xlsx(fixture_at(&c->fx, path), err);
}

/*
 * Unwritable destinations keep the old file: a write that fails part-way (files may
 * not grow past 2,000 bytes, as on a full disk; this works as root too) and, when
 * not root, a read-only folder.
 */
static void test_unwritable_keeps_old_file(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 101, true, false);
    char *path = testutil_write(c.dir, "OUT.xlsx", "OLD");
    char msg[1024], want[600];
    hn_status s = fixture_write_limited(write_xlsx_cb, path, &c, 2000, msg, sizeof msg);
    assert_int_equal(s, HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: File too large", path);
    assert_string_equal(msg, want);
    char *text = fixture_slurp(path, NULL);
    assert_string_equal(text, "OLD");
    free(text);
    assert_int_equal(fixture_count_temps(c.dir), 0);

    if (geteuid() != 0) {
        hn_error err;
        assert_int_equal(chmod(c.dir, 0555), 0);
        assert_int_equal(report_write_xlsx(fixture_at(&c.fx, path), &err), HN_ERR_IO);
        snprintf(want, sizeof want, "cannot write %s: Permission denied", path);
        assert_string_equal(err.message, want);
        assert_int_equal(chmod(c.dir, 0755), 0);
        text = fixture_slurp(path, NULL);
        assert_string_equal(text, "OLD");
        free(text);
    }

    /* a good write replaces it */
    write_ok(&c, path);
    size_t len;
    text = fixture_slurp(path, &len);
    assert_memory_equal(text, "PK", 2);
    free(text);
    assert_int_equal(fixture_count_temps(c.dir), 0);
    free(path);
    xlsx_case_free(&c);
}

/* Path of the openpyxl checker: beside this file, or under tests/ of the current folder. */
static const char *reader_script(void)
{
    static char path[512];
    const char *slash = strrchr(__FILE__, '/');
    if (slash) {
        snprintf(path, sizeof path, "%.*s/e2e_xlsx_reader.py", (int)(slash - __FILE__), __FILE__);
        if (access(path, R_OK) == 0) return path;
    }
    snprintf(path, sizeof path, "tests/e2e_xlsx_reader.py");
    return path;
}

/* Runs the shell command cmd (a Python check of a workbook); fails the test, printing cmd,
 * unless it exits 0. */
static void run_checked(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0) print_error("failed (%d): %s\n", rc, cmd);
    assert_int_equal(rc, 0);
}

/* Writes the workbook and the CSV of c and runs the openpyxl checker on them; fails when it reports anything. */
static void check_with_openpyxl(xlsx_case *c, const char *mode)
{
    char path[400], csv[400];
    write_ok(c, in_dir(c, "book.xlsx", path, sizeof path));
    hn_error err;
    assert_int_equal(
        report_write_csv(fixture_at(&c->fx, in_dir(c, "run.csv", csv, sizeof csv)), &err), HN_OK);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 '%s' '%s' --csv '%s' --mode %s --baseline %.17g "
             "--title '%s' --authority '%s' --start-year 2020 --seed 20210323 "
             "--created 2021-03-23T10:30:00",
             reader_script(), path, csv, mode, c->fx.rep.baseline_cost, c->fx.sc.title,
             c->fx.sc.authority);
    run_checked(cmd);
}

static void test_openpyxl_monte_carlo(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 101, true, false);
    check_with_openpyxl(&c, "mc");
    xlsx_case_free(&c);

    xlsx_case_init(&c, 40, false, false);
    check_with_openpyxl(&c, "mc");
    xlsx_case_free(&c);
}

static void test_openpyxl_deterministic(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 1, true, true);
    check_with_openpyxl(&c, "det");
    xlsx_case_free(&c);
}

/* A Monte Carlo case of n iterations (with a budget) whose every net cost over all years is v. */
static void xlsx_case_total(xlsx_case *c, long n, double v)
{
    fixture_init(&c->fx, n, true, false);
    fixture_fill(&c->fx);
    int col = fixture_col(&c->fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3);
    for (long i = 0; i < c->fx.res.n_iter; i++)
        c->fx.res.values[(size_t)col * (size_t)c->fx.res.n_iter + (size_t)i] = v;
    xlsx_case_finish(c);
}

/* Every iteration costs the same over all years: the histogram has one band holding them all. */
static void test_openpyxl_constant_total(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_total(&c, 60, 12345678.0);
    check_with_openpyxl(&c, "mc");
    xlsx_case_free(&c);
}

/*
 * No iteration has a finite net cost over all years: the workbook is still written, the
 * Distribution sheet saying why it has no histogram (not an out-of-memory failure).
 */
static void test_no_finite_total(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_total(&c, 40, NAN);
    char path[400];
    in_dir(&c, "nan.xlsx", path, sizeof path);
    hn_error err;
    assert_int_equal(report_write_xlsx(fixture_at(&c.fx, path), &err), HN_OK);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \""
             "import openpyxl,sys\n"
             "ws=openpyxl.load_workbook(sys.argv[1])['Distribution']\n"
             "t=[c.value for r in ws.iter_rows() for c in r if isinstance(c.value,str)]\n"
             "assert 'No histogram: no iteration has a finite net cost.' in t, t\n"
             "\" '%s'",
             path);
    run_checked(cmd);
    xlsx_case_free(&c);
}

/*
 * The Summary writer is reusable: a workbook with two Summaries (as a
 * comparison writes one per option) under names with a space and an
 * apostrophe has both, each chart reading its own sheet, the same
 * headline in each, and opens on the first.
 */
static void two_summaries(xw_ctx *ctx, void *user)
{
    (void)user;
    xlsx_sheet_summary(ctx, "Option A");
    xlsx_sheet_summary(ctx, "Option B's plan");
}

static void test_summary_twice(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 30, true, false);
    char path[400];
    in_dir(&c, "two.xlsx", path, sizeof path);
    xw_ctx ctx = { .rep = fixture_at(&c.fx, path) };
    hn_error err;
    assert_int_equal(xw_write_workbook(&ctx, two_summaries, NULL, &err), HN_OK);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \""
             "import openpyxl,sys\n"
             "wb=openpyxl.load_workbook(sys.argv[1],data_only=True)\n"
             "names=['Option A',\\\"Option B's plan\\\"]\n"
             "assert wb.sheetnames==names, wb.sheetnames\n"
             "assert wb.active.title==names[0], wb.active.title\n"
             "for n in names:\n"
             "  ws=wb[n]\n"
             "  refs=[s.val.numRef.f for ch in ws._charts for s in ch.series]\n"
             "  q=n.replace(chr(39),chr(39)*2)\n"
             "  assert len(ws._charts)==2 and refs, n\n"
             "  assert all(r.startswith(chr(39)+q+chr(39)+'!') for r in refs), refs\n"
             "  assert ws.print_area, n\n"
             "rows=[[c.value for c in wb[n][10]] for n in names]\n"
             "assert rows[0]==rows[1] and rows[0][0]=='Cost of proposal', rows\n"
             "\" '%s'",
             path);
    run_checked(cmd);
    xlsx_case_free(&c);
}

/* Labels that are not valid UTF-8 and a very long command line still give a readable file. */
/*
 * xw_wrapped_lines wraps whole words, as a spreadsheet does: in a column of
 * 12 (10 characters a line) "aaaa bbbb cccc" is 2 lines (14 characters
 * would be 2 by count too), but three words of 6 are 3 lines, not the 2
 * that 20 characters alone would give; a word of 25 runs over 3 lines; a
 * newline starts a line; short text and no text are 1.
 */
static void test_wrapped_lines(void **state)
{
    (void)state;
    assert_int_equal(xw_wrapped_lines(NULL, 12), 1);
    assert_int_equal(xw_wrapped_lines("", 12), 1);
    assert_int_equal(xw_wrapped_lines("0123456789", 12), 1);
    assert_int_equal(xw_wrapped_lines("aaaa bbbb cccc", 12), 2);
    assert_int_equal(xw_wrapped_lines("aaaaaa bbbbbb cccccc", 12), 3);
    assert_int_equal(xw_wrapped_lines("aaaaaaaaaaaaaaaaaaaaaaaaa", 12), 3);
    assert_int_equal(xw_wrapped_lines("ab cd\nef", 12), 2);
    /* A command line of a sweep: the paths do not break, so 4 lines, not 3 by count. */
    assert_int_equal(xw_wrapped_lines("hnsim sweep -q --iterations 2000 --seed 11 -o sweep.xlsx "
                                      "/work/wt/sweep-run/scenarios/bromley_ap_5yr.ini "
                                      "/work/wt/sweep-run/scenarios/bromley_dsg/ap_plan.ini "
                                      "/work/wt/sweep-run/tests/fixtures/warnings/separators.ini",
                                      74),
                     4);
}

static void test_awkward_strings(void **state)
{
    (void)state;
    xlsx_case c;
    xlsx_case_init(&c, 5, false, false);
    c.fx.sc.title = (char *)"Caf\xe9 budget \xff\xfe"; /* Latin-1 bytes */
    size_t big = 40000;
    char *cmd = malloc(big + 1);
    assert_non_null(cmd);
    memset(cmd, 'x', big);
    cmd[big] = '\0';
    c.fx.origin.command_line = cmd;
    char path[400];
    write_ok(&c, in_dir(&c, "odd.xlsx", path, sizeof path));
    char script[1024];
    snprintf(script, sizeof script,
             "/usr/bin/python3 -c \"import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); "
             "t=wb['Summary']['A1'].value; sys.exit(0 if t=='Caf? budget ?"
             "?' else 1)\" '%s'",
             path);
    assert_int_equal(system(script), 0);
    free(cmd);
    xlsx_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_creates_zip),
        cmocka_unit_test(test_identical_bytes),
        cmocka_unit_test(test_missing_folder),
        cmocka_unit_test(test_destination_is_a_folder),
        cmocka_unit_test(test_unwritable_keeps_old_file),
        cmocka_unit_test(test_openpyxl_monte_carlo),
        cmocka_unit_test(test_openpyxl_deterministic),
        cmocka_unit_test(test_openpyxl_constant_total),
        cmocka_unit_test(test_no_finite_total),
        cmocka_unit_test(test_summary_twice),
        cmocka_unit_test(test_awkward_strings),
        cmocka_unit_test(test_wrapped_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
