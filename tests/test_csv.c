/*
 * test_csv.c - the tidy CSV of MODEL.md section 7 (output/csv_writer.c).
 *
 * On the hand-made run of results_fixture.h: the exact header; the number
 * of rows (counted by hand below); named rows parse back to the numbers
 * the fixture put in; every value parses back bit for bit to its
 * statistic; no "nan" or "inf"; probability figures have the one stat `p`;
 * deterministic runs give every stat the value and se, sd 0; and the file
 * is written atomically: a missing folder is HN_ERR_IO and leaves nothing,
 * a failed write (file size limit) keeps the old file, a good one replaces
 * it. Also what the writers' description of a run (report_run_init) works
 * out once for every writer, and the output format of a path.
 */
#include <errno.h>

#include "results_fixture.h"
#include "analysis/stats.h"

/* Everything a test needs: the run, its statistics, a folder and the CSV written there. */
typedef struct {
    fixture fx;
    hn_stats *st;
    char dir[256];
    char *path;
    char *text;
} csv_case;

/* Builds the fixture, its statistics, and writes the CSV; fails the test on error. */
static void csv_case_init(csv_case *c, long n, bool budget, bool det)
{
    hn_error err;
    fixture_init(&c->fx, n, budget, det);
    fixture_fill(&c->fx);
    assert_int_equal(stats_compute(&c->fx.res, &c->st, &err), HN_OK);
    fixture_report(&c->fx, c->st);
    snprintf(c->dir, sizeof c->dir, "%s", testutil_tmpdir());
    size_t len = strlen(c->dir) + 16;
    c->path = malloc(len);
    assert_non_null(c->path);
    snprintf(c->path, len, "%s/out.csv", c->dir);
    hn_status s = report_write_csv(fixture_at(&c->fx, c->path), &err);
    if (s != HN_OK) print_error("%s\n", err.message);
    assert_int_equal(s, HN_OK);
    c->text = fixture_slurp(c->path, NULL);
    assert_non_null(c->text);
}

static void csv_case_free(csv_case *c)
{
    free(c->text);
    free(c->path);
    stats_free(c->st);
    fixture_free(&c->fx);
    fixture_rmtree(c->dir);
}

/* Number of lines of text (each ends with '\n'). */
static long count_lines(const char *text)
{
    long n = 0;
    for (const char *p = text; *p; p++) n += *p == '\n';
    return n;
}

/* The line starting with prefix ("fixture_scn,net_cost,total,1,mean,"), or NULL. */
static const char *find_row(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(text, prefix, n) == 0) return text;
    char needle[256];
    snprintf(needle, sizeof needle, "\n%s", prefix);
    const char *hit = strstr(text, needle);
    return hit ? hit + 1 : NULL;
}

/* True when some line starts with prefix. */
static bool has_row(const char *text, const char *prefix)
{
    return find_row(text, prefix) != NULL;
}

/* The value of the row starting with prefix; fails the test when there is none. */
static double row_value(const char *text, const char *prefix)
{
    const char *line = find_row(text, prefix);
    if (!line) {
        print_error("no row starting with %s\n", prefix);
        fail();
    }
    char *end;
    double v = strtod(line + strlen(prefix), &end);
    assert_true(*end == '\n');
    return v;
}

static void test_header_and_row_count(void **state)
{
    (void)state;
    csv_case c;
    csv_case_init(&c, 101, true, false);
    assert_int_equal(strncmp(c.text, "scenario,metric,entity,year,stat,value\n", 39), 0);
    /*
     * 41 statistic figures x 4 columns x 12 stats = 1968, 3 probability figures x 4
     * columns x 1 = 12; cost per supported in year 1 has no valid value: -12. 1968 rows,
     * then the run's rows: iterations, sampling_lhs, correlations (no target, no blocks).
     * (Issue 10 added closed_out for the 2 provisions, 96 rows, and split payback_by_year
     * into paid_back and payback_year, 4 rows: 1868 before.)
     */
    assert_int_equal(count_lines(c.text), 1 + 1968 + 3);
    /* the first data row is the first figure, first year, first stat */
    assert_int_equal(strncmp(c.text + 39, "fixture_scn,gross_cost,total,1,mean,", 36), 0);
    assert_null(strstr(c.text, "nan"));
    assert_null(strstr(c.text, "inf"));
    assert_false(has_row(c.text, "fixture_scn,cost_per_supported,total,1,"));
    assert_true(has_row(c.text, "fixture_scn,cost_per_supported,total,2,mean,"));
    csv_case_free(&c);

    /* without a budget there is no within_budget figure: 1968 - 4 rows */
    csv_case_init(&c, 101, false, false);
    assert_int_equal(count_lines(c.text), 1 + 1964 + 3);
    assert_false(has_row(c.text, "fixture_scn,within_budget,"));
    csv_case_free(&c);
}

/*
 * Column col holds col*1000 + i for i = 0..100: mean col*1000 + 50, P90 col*1000 + 90,
 * sd sqrt(101*102/12) = 29.300170647967224. payback_year (and paid_back) for year 3 holds
 * 1 when i % 10 < 5: 51 of the 101 iterations (0-4, 10-14, ..., 90-94, 100).
 */
static void test_named_rows(void **state)
{
    (void)state;
    csv_case c;
    csv_case_init(&c, 101, true, false);
    int col = fixture_col(&c.fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,net_cost,total,1,mean,"), col * 1000.0 + 50,
                      0);
    assert_double_rel(row_value(c.text, "fixture_scn,net_cost,total,1,sd,"), 29.300170647967224,
                      1e-14);
    int all = fixture_col(&c.fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3);
    assert_double_abs(row_value(c.text, "fixture_scn,net_cost,total,all,p90,"), all * 1000.0 + 90,
                      1e-9);
    assert_double_abs(row_value(c.text, "fixture_scn,payback_year,total,3,p,"), 51.0 / 101.0, 0);
    assert_false(has_row(c.text, "fixture_scn,payback_year,total,3,mean,"));
    assert_double_abs(row_value(c.text, "fixture_scn,paid_back,total,3,p,"), 51.0 / 101.0, 0);
    assert_false(has_row(c.text, "fixture_scn,payback_by_year,"));
    /* entity names: provisions by name, lines as cost.NAME / income.NAME, segments by name */
    int pru = fixture_col(&c.fx, HN_M_OCCUPANCY, HN_ENT_PROVISION, 0, 1);
    assert_double_abs(row_value(c.text, "fixture_scn,occupancy,pru,2,min,"), pru * 1000.0, 0);
    int cost = fixture_col(&c.fx, HN_M_GROSS_COST, HN_ENT_COST, 0, 2);
    assert_double_abs(row_value(c.text, "fixture_scn,gross_cost,cost.new_posts,3,max,"),
                      cost * 1000.0 + 100, 0);
    int inc = fixture_col(&c.fx, HN_M_NET_COST, HN_ENT_INCOME, 0, 3);
    assert_double_abs(row_value(c.text, "fixture_scn,net_cost,income.contrib,all,p50,"),
                      inc * 1000.0 + 50, 1e-9);
    int seg = fixture_col(&c.fx, HN_M_WAITING, HN_ENT_SEGMENT, 1, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,waiting,primary,1,p25,"), seg * 1000.0 + 25,
                      1e-9);
    csv_case_free(&c);
}

/* Figure index of (metric name, entity name); -1 when none. */
static int find_figure(const hn_layout *lay, const char *metric, const char *entity)
{
    for (int f = 0; f < lay->n_figures; f++) {
        char name[160];
        layout_entity_name(lay, lay->figures[f].kind, lay->figures[f].index, name, sizeof name);
        if (!strcmp(metric_name(lay->figures[f].metric), metric) && !strcmp(name, entity)) return f;
    }
    return -1;
}

/* Every row names an existing figure, year and stat, and its value is the statistic, bit for bit. */
static void test_every_value_round_trips(void **state)
{
    (void)state;
    csv_case c;
    csv_case_init(&c, 37, true, false);
    const hn_layout *lay = &c.fx.res.layout;
    char *line = strchr(c.text, '\n') + 1;
    long rows = 0;
    while (*line) {
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        *eol = '\0';
        char scn[64], metric[64], entity[160], year[16], stat[16], value[64];
        assert_int_equal(sscanf(line, "%63[^,],%63[^,],%159[^,],%15[^,],%15[^,],%63s", scn, metric,
                                entity, year, stat, value),
                         6);
        assert_string_equal(scn, "fixture_scn");
        if (!strcmp(metric, "run"))
            break; /* the run's own rows follow the figures (test_run_rows) */
        int f = find_figure(lay, metric, entity);
        assert_true(f >= 0);
        int y = strcmp(year, "all") == 0 ? lay->years : atoi(year) - 1;
        assert_true(y >= 0 && y <= lay->years);
        int col = f * (lay->years + 1) + y;
        hn_stat k = HN_STAT_MEAN;
        if (metric_is_probability(lay->figures[f].metric)) {
            assert_string_equal(stat, "p");
        } else {
            for (k = 0; k < HN_STAT__COUNT && strcmp(stat_name(k), stat); k++)
                ;
            assert_true(k < HN_STAT__COUNT);
        }
        double want = stats_get(c.st, col, k), got = strtod(value, NULL);
        assert_memory_equal(&want, &got, sizeof got);
        rows++;
        line = eol + 1;
    }
    assert_int_equal(rows, 1968);
    csv_case_free(&c);
}

/* Writes the fixture's CSV with its run changed by fn; the text goes in c (free with csv_case_free). */
static void csv_case_changed(csv_case *c, void (*fn)(fixture *))
{
    hn_error err;
    fn(&c->fx);
    assert_int_equal(report_write_csv(fixture_at(&c->fx, c->path), &err), HN_OK);
    free(c->text);
    c->text = fixture_slurp(c->path, NULL);
    assert_non_null(c->text);
}

/* Two blocks of a Latin hypercube run that reached a 0.5% target. */
static hn_block two_blocks[] = { { 1000, 1000, 5123456.25, 30000.5 },
                                 { 1000, 2000, 5120000.75, 21000.25 } };

/*
 * A Latin hypercube run with two correlations and a target reached after
 * two blocks. Only the run's rows read these; the figures' statistics
 * were computed before (from the 101 iterations filled).
 */
static void run_with_target(fixture *fx)
{
    hn_results *r = &fx->res;
    r->n_iter = r->n_kept = 2000;
    r->sampling = HN_SAMPLING_LHS;
    fx->rep.n_correlations = 2;
    r->target_se_pct = 0.5;
    r->max_iterations = 10000;
    r->converged = true;
    r->blocks = two_blocks;
    r->n_blocks = 2;
}

/*
 * The run's rows after the figures: iterations, sampling (1 = Latin
 * hypercube), correlations; with a target also the target, the maximum and
 * whether it was reached; then per block its iterations so far, mean and
 * SE.
 */
static void test_run_rows(void **state)
{
    (void)state;
    csv_case c;
    csv_case_init(&c, 101, true, false);
    assert_double_abs(row_value(c.text, "fixture_scn,run,iterations,all,value,"), 101, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,sampling_lhs,all,value,"), 0, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,correlations,all,value,"), 0, 0);
    assert_false(has_row(c.text, "fixture_scn,run,target_se_pct,"));
    assert_false(has_row(c.text, "fixture_scn,convergence,"));
    csv_case_changed(&c, run_with_target);
    assert_int_equal(count_lines(c.text), 1 + 1968 + 6 + 6);
    assert_double_abs(row_value(c.text, "fixture_scn,run,iterations,all,value,"), 2000, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,sampling_lhs,all,value,"), 1, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,correlations,all,value,"), 2, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,target_se_pct,all,value,"), 0.5, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,max_iterations,all,value,"), 10000, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,run,converged,all,value,"), 1, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,convergence,block1,all,iterations,"), 1000, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,convergence,block2,all,iterations,"), 2000, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,convergence,block2,all,mean,"), 5120000.75, 0);
    assert_double_abs(row_value(c.text, "fixture_scn,convergence,block1,all,se,"), 30000.5, 0);
    csv_case_free(&c);
}

/* Deterministic: the same rows; every stat the value (col*1000 + 0.5), se and sd 0. */
static void test_deterministic_rows(void **state)
{
    (void)state;
    csv_case c;
    csv_case_init(&c, 1000, true, true);
    assert_int_equal(count_lines(c.text), 1 + 1968 + 3);
    int col = fixture_col(&c.fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 0);
    double v = col * 1000.0 + 0.5;
    static const char *const stats[] = { "mean", "min", "p5",  "p10", "p25",
                                         "p50",  "p75", "p90", "p95", "max" };
    for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
        char prefix[128];
        snprintf(prefix, sizeof prefix, "fixture_scn,net_cost,total,1,%s,", stats[i]);
        assert_double_abs(row_value(c.text, prefix), v, 0);
    }
    assert_true(has_row(c.text, "fixture_scn,net_cost,total,1,se,0\n"));
    assert_true(has_row(c.text, "fixture_scn,net_cost,total,1,sd,0\n"));
    assert_true(has_row(c.text, "fixture_scn,payback_year,total,1,p,1\n"));
    csv_case_free(&c);
}

/* A value printed with %.17g: a number that needs all 17 digits survives. */
static void test_full_precision(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 3, false, false);
    fixture_fill(&fx);
    int col = fixture_col(&fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 0);
    const double v[3] = { 0.1, 0.2, 4712000.123456789 }; /* mean 1570666.8078189297 */
    memcpy(fx.res.values + (size_t)col * 3, v, sizeof v);
    hn_stats *st;
    hn_error err;
    assert_int_equal(stats_compute(&fx.res, &st, &err), HN_OK);
    fixture_report(&fx, st);
    char dir[256];
    snprintf(dir, sizeof dir, "%s", testutil_tmpdir());
    char *path = testutil_write(dir, "p.csv", "");
    assert_int_equal(report_write_csv(fixture_at(&fx, path), &err), HN_OK);
    char *text = fixture_slurp(path, NULL);
    double got = row_value(text, "fixture_scn,net_cost,total,1,mean,");
    double want = stats_get(st, col, HN_STAT_MEAN);
    assert_memory_equal(&got, &want, sizeof got);
    assert_true(has_row(text, "fixture_scn,net_cost,total,1,min,0.10000000000000001\n"));
    assert_true(has_row(text, "fixture_scn,net_cost,total,1,max,4712000.1234567892\n"));
    free(text);
    free(path);
    stats_free(st);
    fixture_free(&fx);
    fixture_rmtree(dir);
}

static void test_missing_folder_leaves_nothing(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 11, false, false);
    fixture_fill(&fx);
    hn_stats *st;
    hn_error err;
    assert_int_equal(stats_compute(&fx.res, &st, &err), HN_OK);
    fixture_report(&fx, st);
    char dir[256], path[400], want[600];
    snprintf(dir, sizeof dir, "%s", testutil_tmpdir());
    snprintf(path, sizeof path, "%s/missing/out.csv", dir);
    assert_int_equal(report_write_csv(fixture_at(&fx, path), &err), HN_ERR_IO);
    snprintf(want, sizeof want, "cannot write %s: No such file or directory", path);
    assert_string_equal(err.message, want);
    assert_int_equal(fixture_count_temps(dir), 0);
    assert_int_equal(access(path, F_OK), -1);
    stats_free(st);
    fixture_free(&fx);
    fixture_rmtree(dir);
}

/* Writes the CSV of the fixture user to path (for fixture_write_limited). */
static hn_status write_csv_cb(const char *path, void *user, hn_error *err)
{
    return report_write_csv(fixture_at(user, path), err);
}

/* A write that fails part-way (file size limit) keeps the old file; a good write replaces it. */
static void test_failed_write_keeps_old_file(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx, 11, true, false);
    fixture_fill(&fx);
    hn_stats *st;
    hn_error err;
    assert_int_equal(stats_compute(&fx.res, &st, &err), HN_OK);
    fixture_report(&fx, st);
    char dir[256];
    snprintf(dir, sizeof dir, "%s", testutil_tmpdir());
    char *path = testutil_write(dir, "out.csv", "OLD\n");

    char msg[1024];
    hn_status s = fixture_write_limited(write_csv_cb, path, &fx, 4096, msg, sizeof msg);
    assert_int_equal(s, HN_ERR_IO);
    char want[600];
    snprintf(want, sizeof want, "cannot write %s: File too large", path);
    assert_string_equal(msg, want);
    char *text = fixture_slurp(path, NULL);
    assert_string_equal(text, "OLD\n");
    free(text);
    assert_int_equal(fixture_count_temps(dir), 0);

    assert_int_equal(report_write_csv(fixture_at(&fx, path), &err), HN_OK);
    text = fixture_slurp(path, NULL);
    assert_int_equal(strncmp(text, "scenario,metric,entity,year,stat,value\n", 39), 0);
    free(text);
    assert_int_equal(fixture_count_temps(dir), 0);

    free(path);
    stats_free(st);
    fixture_free(&fx);
    fixture_rmtree(dir);
}

/*
 * report_run_init works out, once for every writer: the baseline's mean
 * (a triangular 1,000 / 2,000 / 6,000 has mean 3,000), the correlations
 * imposed (none in a deterministic run), and the convergence curve, whose
 * last point is every iteration of the total net cost over all years
 * (values col * 1000 + i, i = 0..100: mean col * 1000 + 50). A
 * deterministic run has no curve; the title falls back to the name; a
 * figure without a valid value (cost per pupil in year 1) is NAN.
 */
static void test_report_worked_out(void **state)
{
    (void)state;
    for (int det = 0; det <= 1; det++) {
        fixture fx;
        fixture_init(&fx, 101, false, det);
        fixture_fill(&fx);
        fx.baseline = (hn_dist){ .kind = HN_DIST_TRIANGULAR, .p = { 1000, 2000, 6000 } };
        fx.sc.n_correlations = 2;
        fx.sc.title = (char *)"";
        hn_stats *st;
        hn_error err;
        assert_int_equal(stats_compute(&fx.res, &st, &err), HN_OK);
        fixture_report(&fx, st);
        assert_double_rel(fx.rep.baseline_cost, 3000, 1e-15);
        assert_int_equal(fx.rep.n_correlations, det ? 0 : 2);
        assert_string_equal(report_title(&fx.rep), "fixture_scn");
        assert_true(
            isnan(report_stat(&fx.rep, HN_M_COST_PER_SUPPORTED, HN_ENT_TOTAL, 0, 0, HN_STAT_MEAN)));
        int col = fixture_col(&fx, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3);
        if (det) {
            assert_int_equal(fx.rep.n_curve, 0);
            assert_null(fx.rep.curve);
            assert_true(report_stat(&fx.rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3, HN_STAT_MEAN) ==
                        col * 1000.0 + 0.5);
        } else {
            assert_true(fx.rep.n_curve >= 50);
            const hn_conv_point *last = &fx.rep.curve[fx.rep.n_curve - 1];
            assert_int_equal(last->iterations, 101);
            assert_double_rel(last->mean, col * 1000.0 + 50, 1e-12);
            assert_double_rel(report_stat(&fx.rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, 3, HN_STAT_MEAN),
                              col * 1000.0 + 50, 1e-15);
        }
        stats_free(st);
        fixture_free(&fx);
    }
}

/* The output format follows the extension, in any case, of the last path component only. */
static void test_output_format(void **state)
{
    (void)state;
    hn_report_format fmt = REPORT_CSV;
    assert_true(report_format_of("out.XLSX", &fmt));
    assert_int_equal(fmt, REPORT_XLSX);
    assert_true(report_format_of("dir.x/out.Csv", &fmt));
    assert_int_equal(fmt, REPORT_CSV);
    assert_false(report_format_of("out.txt", &fmt));
    assert_false(report_format_of("dir.csv/out", &fmt));
    assert_false(report_format_of("out", &fmt));
    hn_error err;
    assert_int_equal(report_output_format("a.ods", &fmt, &err), HN_ERR_USAGE);
    assert_string_equal(err.message, "-o 'a.ods': the output must end in .xlsx or .csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_worked_out),
        cmocka_unit_test(test_output_format),
        cmocka_unit_test(test_header_and_row_count),
        cmocka_unit_test(test_run_rows),
        cmocka_unit_test(test_named_rows),
        cmocka_unit_test(test_every_value_round_trips),
        cmocka_unit_test(test_deterministic_rows),
        cmocka_unit_test(test_full_precision),
        cmocka_unit_test(test_missing_folder_leaves_nothing),
        cmocka_unit_test(test_failed_write_keeps_old_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
