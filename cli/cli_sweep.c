/*
 * cli_sweep.c - `hnsim sweep`: run many scenarios with the same seed and
 * iterations and write them together (report_sweep.h).
 *
 * Everything that can be refused is refused before the first run: every
 * scenario is loaded and checked (and its warnings printed; --strict makes
 * them errors), names must differ (the CSV's scenario column and the
 * workbook's sheets tell them apart), the output is checked against every
 * scenario's files, and every run must fit in memory. Only the names are
 * kept: each scenario is loaded again when its turn comes, run with
 * `run`'s computation (cli_run_compute), written and freed before the next,
 * so memory does not grow with the number of scenarios (decisions P3); the
 * workbook keeps of each only what its Run sheet says (its files and
 * SHA-256s, warnings, wall time: report_sweep.h).
 * The output is open as a temporary file from the first run to the last,
 * so an interrupt removes it and leaves nothing (the signal handler
 * removes atomic_pending_path and exits 130).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "cli.h"
#include "cli_options.h"
#include "cli_progress.h"
#include "base/memlimit.h"
#include "model/engine.h"
#include "report.h"
#include "report_sweep.h"

static void sweep_help(FILE *f)
{
    fprintf(f, "usage: hnsim sweep SCENARIO.ini [SCENARIO.ini ...] [-o OUT.csv|OUT.xlsx]\n"
               "                   [--iterations N] [--seed S] [--threads N] [--deterministic]\n"
               "                   [--quiet] [--strict] [--swing-iterations N]\n"
               "                   [--sampling mc|lhs] [--target-se PCT [--max-iterations N]]\n"
               "\n"
               "Runs every scenario as `hnsim run` does, one after another, with the same seed\n"
               "and iterations (the command line's, else the first scenario's), and writes\n"
               "them together. A .csv holds every scenario's tidy rows, exactly as `run`\n"
               "writes them, under one header (the scenario column tells them apart). A\n"
               ".xlsx has a Sweep sheet with one row per scenario (net cost over all years,\n"
               "permanent exclusions and pupils supported: mean, P10, P90; the DSG balance at\n"
               "the end of the last year when the scenario has [dsg], its columns left out\n"
               "when none has), then each scenario's Summary sheet, and last a Run sheet as\n"
               "`run` writes (every scenario's files with their SHA-256s, the seed,\n"
               "iterations and warnings). The default is NAME_sweep.xlsx in the current\n"
               "folder, NAME being the first scenario's `name`.\n"
               "\n"
               "Every scenario is loaded and checked before anything runs; scenarios must have\n"
               "different names. Only one scenario's run is held at a time. Unless --quiet,\n"
               "prints each scenario's mean net cost over all years as it is done.\n"
               "\n");
    cli_options_help(f);
    fprintf(f, "      --swing-iterations N\n"
               "                        as for `run`: iterations of each sensitivity run\n"
               "                        (a .csv only: the workbook shows no sensitivity, and\n"
               "                        the analysis is not made for it)\n"
               "      --strict          treat any scenario's warnings as errors: run nothing\n");
}

/* The runs of a sweep, for the memory check: ro and the scenario being checked. */
typedef struct {
    const hn_scenario *sc;
    const hn_run_opts *ro;
} sweep_request;

/* hn_mem_need_fn: bytes one scenario's run needs at `iters` iterations. */
static double sweep_need(const void *user, long iters)
{
    const sweep_request *rq = user;
    hn_run_opts ro = *rq->ro;
    ro.iterations = iters;
    return engine_memory_estimate(rq->sc, &ro);
}

/* Refuses a scenario whose run would not fit in memory (memlimit_admit). */
static hn_status check_memory(const hn_scenario *sc, const hn_run_opts *ro, hn_error *err)
{
    sweep_request rq = { sc, ro };
    long iters = ro->deterministic                                 ? 1
                 : ro->target_se_pct > 0 && ro->max_iterations > 0 ? ro->max_iterations
                                                                   : ro->iterations;
    char what[200];
    snprintf(what, sizeof what, "%s at %ld iterations", sc->name, iters);
    return memlimit_admit(&(hn_mem_request){ sweep_need, &rq, iters, what, "--iterations" }, err);
}

/* What the checks before the runs keep: the names, and where the output goes. */
typedef struct {
    char **names; /* [n], owned */
    int n;
    char *default_out;
    const char *out;
    hn_run_opts
        ro;   /* every run's options (seed and iterations: the command line's or the first's) */
    bool dsg; /* some scenario has a [dsg] section */
    bool sensitivity; /* the output shows the sensitivity analysis: a .csv's rows (the workbook
                       * has a Summary sheet a scenario, no Sensitivity sheet) */
} sweep_plan;

/*
 * Loads and checks every scenario (paths[0..n)) and the output; keeps only
 * their names. Exit status (printed), or -1 to go on.
 */
static int check_all(char **paths, const cli_options *o, sweep_plan *p)
{
    hn_error err;
    hn_error_clear(&err);
    int rc = -1;
    for (int i = 0; i < p->n && rc < 0; i++) {
        hn_scenario *sc = NULL;
        if (par_agree(scenario_load(paths[i], &sc, &err), &err) != HN_OK) {
            rc = cli_fail(&err);
            break;
        }
        if (i == 0) {
            rc = cli_output_path("sweep", o, sc->name, "_sweep.xlsx", &p->default_out, &p->out);
            p->ro = cli_engine_options(o, sc);
            hn_report_format fmt;
            p->sensitivity = rc < 0 && report_format_of(p->out, &fmt) && fmt == REPORT_CSV;
        }
        const hn_scenario *one[1] = { sc };
        if (rc < 0 && (cli_check_output(p->out, one, 1, &err) != HN_OK ||
                       par_agree(check_memory(sc, &p->ro, &err), &err) != HN_OK))
            rc = cli_fail(&err);
        for (int k = 0; k < i && rc < 0; k++)
            if (!strcmp(p->names[k], sc->name)) {
                hn_error_set(&err, HN_ERR_SCENARIO,
                             "cannot sweep %s with %s: both are named '%s' (give each scenario "
                             "its own `name` in [scenario], so that its rows and sheet can be "
                             "told apart)",
                             paths[i], paths[k], sc->name);
                rc = cli_fail(&err);
            }
        if (rc < 0) rc = cli_warnings(sc, o->strict, NULL);
        p->dsg = p->dsg || sc->n_dsg > 0;
        if (rc < 0 && !(p->names[i] = strdup(sc->name))) {
            hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
            rc = cli_fail(&err);
        }
        scenario_free(sc);
    }
    return rc;
}

/*
 * Loads scenario i again, runs it and writes it to w; frees it all before
 * returning. HN_OK, else err says why.
 */
static hn_status run_one(const char *path, int i, const sweep_plan *p, const cli_options *o,
                         const hn_report_origin *origin, hn_sweep_report *w, hn_error *err)
{
    hn_scenario *sc = NULL;
    hn_results *res = NULL;
    hn_stats *st = NULL;
    hn_sensitivity *sens = NULL;
    hn_warnings warnings = { 0 };
    hn_run_report rep = { 0 };
    hn_status s = par_agree(scenario_load(path, &sc, err), err);
    if (s == HN_OK && strcmp(sc->name, p->names[i]))
        s = hn_error_set(err, HN_ERR_SCENARIO,
                         "%s changed while the sweep ran: it was named '%s' when checked, now "
                         "'%s' (run the sweep again)",
                         path, p->names[i], sc->name);
    /* Its warnings again, for the Run sheet (check_all printed them, and --strict refused
     * them). On every process: collecting runs the scenario, and under MPI every run is
     * spread over all the processes (decisions P7). */
    if (s == HN_OK) s = par_agree(warnings_collect(sc, &warnings, err), err);
    if (s == HN_OK) {
        char name[200];
        snprintf(name, sizeof name, "scenario %d/%d %s", i + 1, p->n, sc->name);
        cli_progress_name(name);
        s = cli_run_compute(sc, &p->ro, o, p->sensitivity, &res, &st, &sens, err);
        cli_progress_name(NULL);
    }
    bool ran = res != NULL;
    if (s == HN_OK) s = report_run_init(&rep, origin, sc, res, st, sens, err);
    rep.warnings = &warnings;
    /* Rank 0 alone writes (par.h); every process that ran ends with its status. */
    if (s == HN_OK && par_rank() == 0) s = report_sweep_add(w, &rep, err);
    if (ran) s = par_agree(s, err);
    if (s == HN_OK && !o->quiet) {
        double mean =
            report_stat(&rep, HN_M_NET_COST, HN_ENT_TOTAL, 0, rep.lay->years, HN_STAT_MEAN);
        char k[32];
        report_thousands(lround(mean / 1000.0), k, sizeof k);
        cli_progress_clear();
        printf("%d/%d %-32s net cost over all years, %s: £%sk\n", i + 1, p->n, sc->name,
               res->deterministic ? "planned" : "mean", k);
    }
    report_run_free(&rep);
    warnings_free(&warnings);
    sensitivity_free(sens);
    stats_free(st);
    results_free(res);
    scenario_free(sc);
    return s;
}

int cli_sweep(int argc, char **argv)
{
    cli_options o;
    int rc = cli_options_parse("sweep", argc, argv, &o, sweep_help);
    if (rc >= 0) return rc;
    sweep_plan p = { .n = argc - o.first_arg };
    if (p.n < 1) {
        rc = cli_usage_error("sweep", "missing SCENARIO.ini");
        cli_options_free(&o);
        return rc;
    }
    /* From here on SIGINT/SIGTERM stop the command with status 130. */
    cli_install_signals();
    hn_error err;
    hn_error_clear(&err);
    hn_sweep_report *w = NULL;
    p.names = calloc((size_t)p.n, sizeof *p.names);
    if (!p.names) {
        hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
        rc = cli_fail(&err);
        goto done;
    }
    if ((rc = check_all(argv + o.first_arg, &o, &p)) >= 0) goto done;

    cli_origin origin;
    cli_origin_init(&origin, &o, p.out);
    hn_status bs = HN_OK;
    if (par_rank() == 0)
        bs = report_sweep_begin(&origin.origin, (const char *const *)p.names, p.n, p.dsg, &w, &err);
    if (par_agree(bs, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    for (int i = 0; i < p.n; i++)
        if (run_one(argv[o.first_arg + i], i, &p, &o, &origin.origin, w, &err) != HN_OK) {
            cli_progress_clear();
            rc = cli_fail(&err);
            goto done;
        }
    if (cli_run_ended(&err) != HN_OK) { /* a signal came during the runs: write nothing */
        rc = cli_fail(&err);
        goto done;
    }
    hn_sweep_report *ending = w;
    w = NULL;
    hn_status es = par_rank() == 0 ? report_sweep_end(ending, &err) : HN_OK;
    if (par_agree(es, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!o.quiet) {
        char iters[96], n_iter[32];
        report_thousands(p.ro.iterations, n_iter, sizeof n_iter);
        snprintf(iters, sizeof iters, "%s%s iterations each",
                 p.ro.target_se_pct > 0 ? "target SE, at most " : "", n_iter);
        printf("wrote %s (%d scenario%s, %s, seed %llu, %d thread%s)\n", p.out, p.n,
               p.n == 1 ? "" : "s", p.ro.deterministic ? "planned (deterministic)" : iters,
               (unsigned long long)p.ro.seed, p.ro.threads, p.ro.threads == 1 ? "" : "s");
    }
    rc = 0;

done:
    report_sweep_abort(w);
    for (int i = 0; p.names && i < p.n; i++) free(p.names[i]);
    free(p.names);
    free(p.default_out);
    cli_options_free(&o);
    return rc;
}
