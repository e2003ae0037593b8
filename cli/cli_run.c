/*
 * cli_run.c - `hnsim run`: load a scenario, run it, write a workbook or CSV.
 *
 * The output is checked before the run starts (extension, folder, not an
 * input file) so that a long run never ends in a refusal, and it is written
 * atomically by the writers, so a failure leaves any old output untouched.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "cli.h"
#include "cli_options.h"
#include "model/engine.h"
#include "report.h"
#include "analysis/observed.h"
#include "analysis/sensitivity.h"
#include "analysis/stats.h"
#include "analysis/stats_run.h"
#include "cli_history.h"

static void run_help(FILE *f)
{
    fprintf(f, "usage: hnsim run SCENARIO.ini [-o OUT.xlsx|OUT.csv] [--iterations N] [--seed S]\n"
               "                 [--threads N] [--deterministic] [--quiet] [--swing-iterations N]\n"
               "                 [--sampling mc|lhs] [--target-se PCT [--max-iterations N]]\n"
               "                 [--history FILE.csv]\n"
               "\n"
               "Runs the scenario and writes its projections. The output format follows\n"
               "the extension of OUT (.xlsx workbook or .csv tidy table); the default is\n"
               "NAME.xlsx in the current folder, NAME being the scenario's `name`.\n"
               "\n"
               "When the scenario has sampled inputs (and the run is not deterministic), it\n"
               "also measures each input's influence on net cost, exclusions and pupils\n"
               "supported over all years: Spearman rank correlations, and the mean with the\n"
               "input held at its P10 and at its P90 (the Sensitivity sheet; CSV metric\n"
               "`sensitivity`). The held runs use the same seed, --swing-iterations each.\n"
               "\n");
    cli_options_help(f);
    fprintf(f,
            "      --swing-iterations N\n"
            "                        iterations of each sensitivity run that holds one\n"
            "                        sampled input at its P10 or P90 (default %d, at most\n"
            "                        the run's, and fewer - or none - when 2 runs per input\n"
            "                        would simulate more than %d times the run's iterations\n"
            "                        and more than %ld; 0: rank correlations only)\n"
            "      --strict          treat the scenario's warnings (figures that would\n"
            "                        mislead, such as a baseline in £'000) as errors:\n"
            "                        exit 2 and run nothing\n",
            HN_SENS_SWING_ITERATIONS, HN_SENS_HELD_FACTOR, HN_SENS_HELD_FLOOR);
    cli_history_help(f);
}

/* Prints one headline row: a label, an optional baseline cell, then metric m's yearly means in £'000. */
static void print_row(const hn_run_report *r, const char *label, const char *base, hn_metric m)
{
    printf("%-36s %10s", label, base);
    for (int y = 0; y < r->lay->years; y++)
        printf(" %9.0f", report_stat(r, m, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN) / 1000.0);
    printf("\n");
}

/* Prints one payback row: a label, then metric m's probability per year (deterministic: yes or no). */
static void print_probability_row(const hn_run_report *r, const char *label, hn_metric m)
{
    printf("%-36s %10s", label, "");
    for (int y = 0; y < r->lay->years; y++) {
        double p = report_stat(r, m, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
        if (r->res->deterministic)
            printf(" %9s", p == 1 ? "yes" : "no");
        else
            printf(" %8.0f%%", 100 * p);
    }
    printf("\n");
}

/* The last block's standard error as a percentage of its mean (0 when the mean is 0). */
static double target_share(const hn_results *res)
{
    const hn_block *b = &res->blocks[res->n_blocks - 1];
    return b->mean != 0 ? 100.0 * b->se / fabs(b->mean) : 0;
}

/* Says on stderr that the held runs' budget cut the default --swing-iterations (decisions R20). */
static void print_swing_note(const hn_sensitivity *s)
{
    if (!s || s->swing_default <= 0) return;
    char inputs[32], want[32], got[32], runs[32];
    report_thousands(s->n_inputs, inputs, sizeof inputs);
    report_thousands(s->swing_default, want, sizeof want);
    report_thousands(s->swing_iterations, got, sizeof got);
    report_thousands(s->n_iter, runs, sizeof runs);
    if (s->swing_iterations > 0)
        fprintf(stderr,
                "hnsim: note: sensitivity: held runs of %s iterations each, not %s, so that 2 "
                "for each of the %s sampled inputs simulate at most about %d times the run's %s "
                "(--swing-iterations N asks for N; 0: rank correlations only)\n",
                got, want, inputs, HN_SENS_HELD_FACTOR, runs);
    else
        fprintf(stderr,
                "hnsim: note: sensitivity: rank correlations only, no P10/P90 swings: 2 held runs "
                "for each of the %s sampled inputs would need fewer than %d iterations each to "
                "stay within about %d times the run's %s (--swing-iterations N runs them, N "
                "iterations each)\n",
                inputs, HN_SENS_SWING_MIN, HN_SENS_HELD_FACTOR, runs);
}

/* Prints the paragraph-6.2-style headline of run r (means, £'000) to stdout. */
static void print_headline(const hn_run_report *r)
{
    const hn_layout *lay = r->lay;
    const hn_results *res = r->res;
    const hn_sensitivity *sens = r->sens;
    char label[16], base[32];
    printf("%s: %s\n", r->sc->name, r->sc->title);
    printf("%-36s %10s",
           res->deterministic ? "planned (deterministic), £'000" : "mean of iterations, £'000",
           "Baseline");
    for (int y = 0; y < lay->years; y++) {
        layout_year_label(lay, y, label, sizeof label);
        printf(" %9s", label);
    }
    printf("\n");
    snprintf(base, sizeof base, "%.0f", r->baseline_cost / 1000.0);
    print_row(r, "Cost of proposal", base, HN_M_NET_COST);
    print_row(r, "In year costs compared to baseline", "", HN_M_VS_BASELINE);
    print_row(r, "Cumulative payback", "", HN_M_CUMULATIVE_PAYBACK);
    print_probability_row(r, "Paid back by the end of the year", HN_M_PAID_BACK);
    print_probability_row(r, "Payback reached and held by then", HN_M_PAYBACK_YEAR);
    if (sens)
        printf("sensitivity of %d sampled input%s: %s (%.2f s)\n", sens->n_inputs,
               sens->n_inputs == 1 ? "" : "s",
               sens->swing_iterations > 0 ? "rank correlations and P10/P90 swings"
                                          : "rank correlations",
               sens->wall_seconds);
    printf("wrote %s (%ld iteration%s, %d thread%s, %.2f s)\n", r->origin->out_path, res->n_iter,
           res->n_iter == 1 ? "" : "s", res->threads, res->threads == 1 ? "" : "s",
           res->wall_seconds);
    if (res->target_se_pct > 0 && res->n_blocks > 0)
        printf(
            "standard error of the mean net cost over all years: %.3g%% of the mean (target %g%%, "
            "%s after %d block%s)\n",
            target_share(res), res->target_se_pct, res->converged ? "reached" : "not reached",
            res->n_blocks, res->n_blocks == 1 ? "" : "s");
}

hn_status cli_run_compute(const hn_scenario *sc, const hn_run_opts *ro, const cli_options *o,
                          bool sensitivity, hn_results **res, hn_stats **st, hn_sensitivity **sens,
                          hn_error *err)
{
    *res = NULL;
    *st = NULL;
    *sens = NULL;
    long swing_n = o->swing_iterations >= 0 ? (long)o->swing_iterations : HN_SENS_SWING_DEFAULT;
    /* The first iterations are kept only for the sensitivity analysis's ranks (decisions P23). */
    hn_stats_want want = { .col_first = 0, .col_end = 0, .keep_first = sensitivity };
    hn_status s = stats_run(sc, ro, &want, res, st, err);
    if (s == HN_OK && sensitivity) s = sensitivity_compute(sc, ro, *res, *st, swing_n, sens, err);
    if (s != HN_OK) {
        sensitivity_free(*sens);
        stats_free(*st);
        results_free(*res);
        *res = NULL;
        *st = NULL;
        *sens = NULL;
    }
    return s;
}

int cli_run(int argc, char **argv)
{
    cli_options o;
    const char *history = NULL;
    const cli_extra_option extra[] = { { "history", &history } };
    int rc = cli_options_parse_with("run", argc, argv, &o, run_help, extra, 1);
    if (rc >= 0) return rc;
    if (o.first_arg != argc - 1) {
        rc = cli_usage_error("run",
                             o.first_arg >= argc ? "missing SCENARIO.ini"
                                                 : "expected one SCENARIO.ini, got %d files",
                             argc - o.first_arg);
        cli_options_free(&o);
        return rc;
    }
    /* From here on SIGINT/SIGTERM stop the command with status 130, even while it loads. */
    cli_install_signals();
    const char *path = argv[o.first_arg];
    hn_error err;
    hn_error_clear(&err);
    hn_scenario *sc = NULL;
    hn_results *res = NULL;
    hn_stats *st = NULL;
    hn_sensitivity *sens = NULL;
    hn_run_report rep = { 0 };
    hn_warnings warnings = { 0 };
    hn_observed *obs = NULL;
    char *default_out = NULL;
    const char *out = NULL;

    hn_status ls = scenario_load(path, &sc, &err);
    if (ls == HN_OK) ls = cli_history_attach(sc, history, &err);
    if (par_agree(ls, &err) != HN_OK) { /* under MPI, every process loads it */
        rc = cli_fail(&err);
        goto done;
    }
    if ((rc = cli_output_path("run", &o, sc->name, ".xlsx", &default_out, &out)) >= 0) goto done;
    const hn_scenario *inputs[1] = { sc };
    if (cli_check_output(out, inputs, 1, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }

    if ((rc = cli_warnings(sc, o.strict, &warnings)) >= 0) goto done;

    hn_run_opts ro = cli_engine_options(&o, sc);
    cli_install_signals();
    hn_status rs = cli_run_compute(sc, &ro, &o, true, &res, &st, &sens, &err);
    if (rs == HN_OK && sc->history) rs = observed_score(sc->history, st, &obs, &err);
    if (par_agree(rs, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (cli_run_ended(&err) != HN_OK) { /* a signal came during the run: write nothing */
        rc = cli_fail(&err);
        goto done;
    }
    cli_origin origin;
    cli_origin_init(&origin, &o, out);
    hn_status ws = report_run_init(&rep, &origin.origin, sc, res, st, sens, &err);
    rep.warnings = &warnings;
    rep.observed = obs;
    /* Rank 0 alone writes (par.h); every process ends with its status. */
    if (ws == HN_OK && par_rank() == 0) ws = report_write(&rep, &err);
    if (par_agree(ws, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!o.quiet) print_headline(&rep);
    if (!o.quiet && obs) cli_history_print_summary(obs);
    if (!o.quiet) print_swing_note(sens);
    if (!o.quiet && res->target_se_pct > 0 && !res->converged)
        fprintf(stderr,
                "hnsim: note: the standard error is still %.3g%% of the mean after %ld "
                "iterations, the most allowed, above the target %g%% (raise --max-iterations)\n",
                target_share(res), res->n_iter, res->target_se_pct);
    rc = 0;

done:
    report_run_free(&rep);
    warnings_free(&warnings);
    observed_free(obs);
    sensitivity_free(sens);
    stats_free(st);
    results_free(res);
    scenario_free(sc);
    free(default_out);
    cli_options_free(&o);
    return rc;
}
