/*
 * cli_backtest.c - `hnsim backtest`: how well would the model have tracked
 * the past? (MODEL.md section 9, engine/analysis/backtest.h).
 *
 * Loads the scenario and its history (the scenario's `history`, or the one
 * named after it), calibrates the keys of --fit on the history up to each
 * origin, projects the calibrated scenario with run's options and scores
 * what came after; prints a line per origin and the scores, and writes the
 * back-test as a workbook (a Back-test sheet) or a tidy CSV, by default
 * NAME_backtest.xlsx in the current folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/backtest.h"
#include "cli.h"
#include "cli_history.h"
#include "cli_options.h"
#include "report_backtest.h"

static void backtest_help(FILE *f)
{
    fprintf(
        f, "usage: hnsim backtest SCENARIO.ini [HISTORY.csv] --fit KEY[,KEY...] --holdout N|all\n"
           "                      [-o OUT.xlsx|OUT.csv] [--iterations N] [--seed S] [--threads N]\n"
           "                      [--sampling mc|lhs] [--quiet]\n"
           "\n"
           "Scores how well the model would have tracked the council's past. --holdout N\n"
           "calibrates KEYS (as `hnsim calibrate` does) on the history without its last N\n"
           "years, runs the Monte Carlo projection of the calibrated scenario and scores\n"
           "each held-out observation: observed, projected mean, P10, P90, inside the band\n"
           "or not, error and percentage error. --holdout all repeats this from every\n"
           "origin (calibrate on the first k years, score the rest, for every k with as\n"
           "many observations as keys). Overall: the share inside P10-P90 (about 80%% if\n"
           "the model is honest), inside P5-P95, the mean absolute percentage error (MAPE)\n"
           "and the mean signed percentage error (bias). HISTORY.csv defaults to the\n"
           "scenario's `history`. Writes a workbook (a Back-test sheet with the table and\n"
           "a chart per observed figure) or a tidy CSV (metric backtest_METRIC, and\n"
           "backtest for the scores); the default is NAME_backtest.xlsx.\n"
           "\n"
           "      --fit KEYS        the keys to calibrate, separated by commas (required)\n"
           "      --holdout N|all   years held out at the end, or every origin (required)\n");
    cli_options_help(f);
}

/* Parses --holdout: a whole number 1..HN_MAX_YEARS or "all"; false when it is neither. */
static bool parse_holdout(const char *s, int *out)
{
    long long v;
    if (!strcmp(s, "all")) {
        *out = HN_BACKTEST_ALL;
        return true;
    }
    if (!cli_parse_long(s, 1, HN_MAX_YEARS, &v)) return false;
    *out = (int)v;
    return true;
}

/* Academic-year label of year y of sc into buf. */
static void year_label(const hn_scenario *sc, int y, char *buf, size_t cap)
{
    snprintf(buf, cap, "%d/%02d", sc->start_year + y, (sc->start_year + y + 1) % 100);
}

/* Prints one origin's line (the progress callback of backtest_run). */
static void print_origin(void *user, const hn_backtest *bt, const hn_bt_origin *o)
{
    const hn_scenario *sc = user;
    char origin[16], last[16], first[16];
    year_label(sc, o->origin, origin, sizeof origin);
    year_label(sc, sc->history->first_year, first, sizeof first);
    year_label(sc, o->origin - 1, last, sizeof last);
    if (!o->fit) {
        printf("origin %s (calibrated on %s to %s): skipped: %s\n", origin, first, last,
               o->skipped);
        fflush(stdout);
        return;
    }
    int inside = 0;
    for (int i = 0; i < o->n; i++) inside += bt->rows[o->first + i].inside;
    printf("origin %s (calibrated on %s to %s): %d observation%s scored, %d inside P10-P90;",
           origin, first, last, o->n, o->n == 1 ? "" : "s", inside);
    for (int k = 0; k < o->fit->n_keys; k++)
        printf("%s %s %.4g (SE %.3g)", k ? "," : "", o->fit->keys[k].name, o->fit->keys[k].estimate,
               o->fit->keys[k].se);
    printf("\n");
    fflush(stdout);
}

/* Checks the arguments after the options; -1 to go on, else the exit status (printed). */
static int check_args(int argc, const cli_options *o, const char *fit, const char *holdout_text,
                      int *holdout)
{
    int n = argc - o->first_arg;
    if (n < 1) return cli_usage_error("backtest", "missing SCENARIO.ini");
    if (n > 2)
        return cli_usage_error("backtest", "expected SCENARIO.ini [HISTORY.csv], got %d files", n);
    if (!fit)
        return cli_usage_error("backtest",
                               "missing --fit KEY[,KEY...] (e.g. --fit demand.primary.exclusion)");
    if (!holdout_text)
        return cli_usage_error("backtest", "missing --holdout N|all (years held out at the end, or "
                                           "every origin)");
    if (!parse_holdout(holdout_text, holdout))
        return cli_usage_error("backtest",
                               "--holdout '%s': need a whole number from 1 to %d, or all",
                               holdout_text, HN_MAX_YEARS);
    if (o->deterministic)
        return cli_usage_error("backtest", "--deterministic: a back-test scores observations "
                                           "against the projection's P10-P90 band, which a "
                                           "deterministic run does not have");
    return cli_options_only_run("backtest", o);
}

/* Prints the overall scores. */
static void print_scores(const hn_backtest *bt, const char *out)
{
    int origins = 0;
    for (int o = 0; o < bt->n_origins; o++) origins += bt->origins[o].fit != NULL;
    printf("back-test: %d observation%s scored from %d origin%s: %.1f%% inside P10-P90 (about 80%% "
           "if the model is honest), %.1f%% inside P5-P95; MAPE %.1f%%, bias %+.1f%%\n",
           bt->n, bt->n == 1 ? "" : "s", origins, origins == 1 ? "" : "s",
           100 * bt->coverage_p10_p90, 100 * bt->coverage_p5_p95, bt->mape, bt->bias);
    printf("wrote %s (%ld iterations per origin, %.2f s)\n", out, bt->iterations, bt->seconds);
}

int cli_backtest(int argc, char **argv)
{
    cli_options o;
    const char *fit_text = NULL, *holdout_text = NULL;
    const cli_extra_option extra[] = { { "fit", &fit_text }, { "holdout", &holdout_text } };
    int rc = cli_options_parse_with("backtest", argc, argv, &o, backtest_help, extra, 2);
    if (rc >= 0) return rc;
    int holdout = 0;
    rc = check_args(argc, &o, fit_text, holdout_text, &holdout);
    if (rc >= 0) {
        cli_options_free(&o);
        return rc;
    }
    cli_install_signals();
    hn_error err;
    hn_error_clear(&err);
    hn_scenario *sc = NULL;
    hn_backtest *bt = NULL;
    char **keys = NULL, *default_out = NULL;
    int n_keys = 0;
    const char *out = NULL;
    hn_layout lay;
    bool have_lay = false;
    hn_status st = scenario_load(argv[o.first_arg], &sc, &err);
    if (st == HN_OK)
        st = cli_history_attach(sc, argc - o.first_arg == 2 ? argv[o.first_arg + 1] : NULL, &err);
    if (st == HN_OK) st = cli_history_required(sc, "backtest", &err);
    if (st == HN_OK) st = cli_fit_keys(fit_text, &keys, &n_keys, &err);
    if (st != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if ((rc = cli_output_path("backtest", &o, sc->name, "_backtest.xlsx", &default_out, &out)) >= 0)
        goto done;
    const hn_scenario *inputs[1] = { sc };
    st = cli_check_output(out, inputs, 1, &err);
    if (st == HN_OK) {
        hn_run_opts ro = cli_engine_options(&o, sc);
        ro.progress = NULL; /* a line per origin instead */
        st = backtest_run(sc, sc->history, (const char *const *)keys, n_keys, holdout, &ro,
                          o.quiet ? NULL : print_origin, sc, &bt, &err);
    }
    if (st == HN_OK) st = cli_run_ended(&err);
    if (st == HN_OK) {
        st = layout_init(&lay, sc, &err);
        have_lay = st == HN_OK;
    }
    if (st == HN_OK) {
        cli_origin origin;
        cli_origin_init(&origin, &o, out);
        hn_run_report rep; /* no run of its own: the scenario and its figures */
        report_scenario_init(&rep, &origin.origin, sc, &lay);
        hn_report_backtest r = { &rep, sc->history, bt };
        st = report_write_backtest(&r, &err);
    }
    if (st != HN_OK) {
        rc = cli_fail(&err);
    } else {
        if (!o.quiet) print_scores(bt, out);
        rc = 0;
    }
done:
    if (have_lay) layout_free(&lay);
    backtest_free(bt);
    cli_fit_keys_free(keys, n_keys);
    free(default_out);
    scenario_free(sc);
    cli_options_free(&o);
    return rc;
}
