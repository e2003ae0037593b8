/*
 * cli_compare.c - `hnsim compare`: run options side by side with common
 * random numbers and write the comparison.
 *
 * The first scenario is the reference option. Every option is run with the
 * same seed and iterations: the command line's, else the reference's (an
 * option's own `seed` and `iterations` are not used), so that iteration i
 * of every option draws from the same streams (MODEL.md section 6). The
 * options must cover the same years (compare_check); the output is checked
 * before anything runs, and the memory all the runs need together is
 * checked up front, as `run` does for one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "cli.h"
#include "cli_options.h"
#include "cli_progress.h"
#include "analysis/compare.h"
#include "analysis/stats_run.h"
#include "base/memlimit.h"
#include "model/engine.h"
#include "report_compare.h"
#include "analysis/stats.h"

static void compare_help(FILE *f)
{
    fprintf(f, "usage: hnsim compare BASE.ini OPTION.ini [OPTION.ini ...] [-o OUT.xlsx|OUT.csv]\n"
               "                     [--iterations N] [--seed S] [--threads N] [--deterministic]\n"
               "                     [--quiet]\n"
               "\n"
               "Runs every scenario with the same seed and iterations (the command line's,\n"
               "else BASE's; an option's own seed and iterations are not used), so that the\n"
               "options face the same random demand (common random numbers), and compares\n"
               "each option with BASE, the reference option: the difference per iteration of\n"
               "every figure they share, the probability that the option costs less and that\n"
               "it excludes fewer pupils, the cost per exclusion avoided (or, when the option\n"
               "does not both cost more and avoid exclusions, what it does in words), the\n"
               "option's payback against BASE, the standard error of the difference with\n"
               "and without common random numbers, and the saving line by line.\n"
               "\n"
               "The options must have the same start_year, years, terms and baseline_cost,\n"
               "and different names. The output format follows the extension of OUT (.xlsx:\n"
               "a Comparison sheet and each option's Summary sheet; .csv: each option's rows\n"
               "and its delta_ rows); the default is NAME_comparison.xlsx in the current\n"
               "folder, NAME being BASE's `name`. Unless --quiet, prints a comparison table.\n"
               "\n");
    cli_options_help(f);
}

/* Everything one option needs and owns. */
typedef struct {
    hn_scenario *sc;
    hn_results *res;
    hn_stats *st;
    hn_comparison *cmp;
    hn_run_report rep; /* what the writers read */
} option;

/* The options of a comparison, whose memory is to be admitted. */
typedef struct {
    const option *opts;
    int n;
    const hn_run_opts *ro;
} compare_request;

/* True when a comparison with ro is streamed: when any option's run would be (stats_run.h),
 * every option is, in lockstep - unless a target standard error gives each its own length. */
static bool compare_streams(const option *opts, int n, const hn_run_opts *ro)
{
    if (ro->deterministic || ro->target_se_pct > 0) return false;
    for (int i = 0; i < n; i++)
        if (engine_streams(opts[i].sc, ro)) return true;
    return false;
}

/* hn_mem_need_fn of a comparison (a compare_request) at `iters` iterations: every option's run
 * plus the differences: stored, those of the largest, formed while it is compared; streamed,
 * every option's stream of differences (compare_stream_memory), held in lockstep. */
static double compare_need(const void *user, long iters)
{
    const compare_request *rq = user;
    hn_run_opts ro = *rq->ro;
    ro.iterations = iters;
    bool stream = compare_streams(rq->opts, rq->n, &ro);
    double need = 0, largest = 0;
    for (int i = 0; i < rq->n; i++) {
        double e = stats_run_memory(rq->opts[i].sc, &ro, stream, false);
        need += e;
        if (e > largest) largest = e;
        if (stream && i > 0) need += compare_stream_memory(rq->opts[i].sc, iters);
    }
    return need + (stream ? 0 : largest);
}

/* Refuses a comparison whose runs together need more than 3/4 of the memory this process may
 * use (memlimit_admit: HN_ERR_LIMIT with the iterations that fit). */
static hn_status check_total_memory(option *opts, int n, const hn_run_opts *ro, hn_error *err)
{
    compare_request rq = { opts, n, ro };
    long iters = ro->deterministic ? 1 : ro->iterations;
    char what[96];
    snprintf(what, sizeof what, "%d options at %ld iterations", n, iters);
    return memlimit_admit(&(hn_mem_request){ compare_need, &rq, iters, what, "--iterations" }, err);
}

/* The terminal's table being printed: the options and each one's column width. */
typedef struct {
    const hn_report_option *opts;
    int n;
    int *w;     /* [n]: column widths */
    bool print; /* false: only widen the columns to their cells */
} term_table;

/* One row of the terminal's table (compare_table's visitor): measures its cells, or prints it. */
static void term_row(void *user, const hn_compare_item *it)
{
    term_table *t = user;
    if (it->row->value.source == CR_HEADING) {
        if (t->print) printf("%s\n", it->label);
        return;
    }
    if (t->print) printf("%-44s", it->label);
    for (int i = 0; i < t->n; i++) {
        hn_compare_cell cell;
        compare_cell(it, t->opts, i, true, &cell);
        int len = (int)strlen(cell.text);
        if (!t->print && len > t->w[i]) t->w[i] = len;
        if (t->print) printf(" %*s", t->w[i], cell.text);
    }
    if (t->print) printf("\n");
}

/* Prints the comparison table (all years, £'000 unless said): the rows compare_table shows on a terminal. */
static void print_comparison(const hn_report_option *opts, int n)
{
    const hn_run_report *ref = opts[0].run;
    const hn_results *r = ref->res;
    term_table t = { opts, n, malloc((size_t)n * sizeof(int)), false };
    if (!t.w) return;
    printf("Comparison against %s: %d years from %d/%02d, ", ref->sc->name, ref->sc->years,
           ref->sc->start_year, (ref->sc->start_year + 1) % 100);
    if (r->deterministic)
        printf("planned (deterministic)\n");
    else
        printf("%ld iterations, seed %llu, common random numbers\n", r->n_iter,
               (unsigned long long)r->seed);
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(opts[i].run->sc->name);
        t.w[i] = len > 11 ? len : 11;
    }
    hn_error err;
    if (compare_table(opts, n, COMPARE_TERMINAL, term_row, &t, &err) == HN_OK) {
        printf("%-44s", "all years");
        for (int i = 0; i < n; i++) printf(" %*s", t.w[i], opts[i].run->sc->name);
        printf("\n");
        t.print = true;
        (void)compare_table(opts, n, COMPARE_TERMINAL, term_row, &t, &err);
    }
    free(t.w);
    printf("wrote %s\n", ref->origin->out_path);
}

/* Loads every scenario and checks that they can be compared; exit status, or -1 to go on. */
static int load_options(char **paths, option *opts, int n)
{
    hn_error err;
    hn_error_clear(&err);
    for (int i = 0; i < n; i++) /* under MPI, every process loads them and agrees */
        if (par_agree(scenario_load(paths[i], &opts[i].sc, &err), &err) != HN_OK)
            return cli_fail(&err);
    for (int i = 1; i < n; i++)
        if (compare_check(opts[0].sc, opts[i].sc, &err) != HN_OK) return cli_fail(&err);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(opts[i].sc->name, opts[k].sc->name)) {
                hn_error_set(&err, HN_ERR_SCENARIO,
                             "cannot compare %s with %s: both are named '%s' (give each option "
                             "its own `name` in [scenario], so that its rows and sheet can be "
                             "told apart)",
                             paths[i], paths[k], opts[i].sc->name);
                return cli_fail(&err);
            }
    return -1;
}

/* The comparisons of a streamed comparison under way: cs[i] compares option i with the first. */
typedef struct {
    hn_compare_stream **cs;
    int n;
} lockstep_ctx;

/* hn_mem_need_fn of the comparisons under way at `iters` iterations (compare_stream_project),
 * for the check after the first segment (stats_run_lockstep). */
static double parts_need(const void *user, long iters)
{
    const lockstep_ctx *l = user;
    double need = 0;
    for (int i = 1; i < l->n; i++) need += compare_stream_project(l->cs[i], iters);
    return need;
}

/* hn_parts_fn: adds the stretch every option just ran to its comparison with the first. */
static hn_status add_parts(void *user, const hn_run_part *const *parts, int n, int threads,
                           hn_error *err)
{
    lockstep_ctx *l = user;
    hn_status s = HN_OK;
    for (int i = 1; i < n && s == HN_OK; i++)
        s = compare_stream_add(l->cs[i], parts[0], parts[i], threads, err);
    return s;
}

/* Runs every option with ro streamed, in lockstep, comparing each with the first as they go
 * (compare.h); HN_OK or the first failure. */
static hn_status run_streamed(option *opts, int n, const hn_run_opts *ro, hn_error *err)
{
    hn_compare_stream **cs = calloc((size_t)n, sizeof *cs);
    hn_layout *lay = calloc((size_t)n, sizeof *lay);
    const hn_scenario **scs = calloc((size_t)n, sizeof *scs);
    hn_results **res = calloc((size_t)n, sizeof *res);
    hn_stats **st = calloc((size_t)n, sizeof *st);
    hn_status s =
        cs && lay && scs && res && st ? HN_OK : hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    int n_lay = 0;
    for (; s == HN_OK && n_lay < n; n_lay++) s = layout_init(&lay[n_lay], opts[n_lay].sc, err);
    for (int i = 1; s == HN_OK && i < n; i++)
        s = compare_stream_begin(&lay[0], &lay[i], &cs[i], err);
    for (int i = 0; s == HN_OK && i < n; i++) scs[i] = opts[i].sc;
    if (s == HN_OK) {
        char name[64];
        snprintf(name, sizeof name, "options 1-%d together", n);
        cli_progress_name(name);
        lockstep_ctx l = { cs, n };
        hn_stats_want want = { .col_first = 0, .col_end = 0, .keep_first = false };
        s = stats_run_lockstep(scs, n, ro, &want, add_parts, parts_need, &l, res, st, err);
        cli_progress_name(NULL);
    }
    for (int i = 0; s == HN_OK && i < n; i++) {
        opts[i].res = res[i];
        opts[i].st = st[i];
        res[i] = NULL;
        st[i] = NULL;
    }
    for (int i = 1; s == HN_OK && i < n; i++)
        s = compare_stream_end(cs[i], opts[0].res, opts[0].st, opts[i].res, opts[i].st,
                               &opts[i].cmp, err);
    for (int i = 0; i < n; i++) {
        if (cs) compare_stream_free(cs[i]);
        if (st) stats_free(st[i]);
        if (res) results_free(res[i]);
    }
    for (int i = 0; i < n_lay; i++) layout_free(&lay[i]);
    free(cs);
    free(lay);
    free(scs);
    free(res);
    free(st);
    return s;
}

/* Runs every option with ro and compares each with the first; exit status, or -1 to go on. */
static int run_options(option *opts, int n, const hn_run_opts *ro)
{
    hn_error err;
    hn_error_clear(&err);
    if (compare_streams(opts, n, ro)) {
        if (par_agree(run_streamed(opts, n, ro, &err), &err) != HN_OK) return cli_fail(&err);
        if (cli_run_ended(&err) != HN_OK) return cli_fail(&err);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        /* The bar starts again for each option: it says which. */
        char name[160];
        snprintf(name, sizeof name, "option %d/%d %s", i + 1, n, opts[i].sc->name);
        cli_progress_name(name);
        /* Not streamed (compare_streams): every option stored, as stats_run stores it. */
        hn_status s = stats_run(opts[i].sc, ro, NULL, &opts[i].res, &opts[i].st, &err);
        cli_progress_name(NULL);
        if (par_agree(s, &err) != HN_OK) return cli_fail(&err);
    }
    hn_status s = HN_OK;
    for (int i = 1; i < n && s == HN_OK; i++)
        s = compare_new(opts[0].res, opts[0].st, opts[i].res, opts[i].st, ro->threads, &opts[i].cmp,
                        &err);
    if (par_agree(s, &err) != HN_OK) return cli_fail(&err);
    if (cli_run_ended(&err) != HN_OK) /* a signal came during the runs: write nothing */
        return cli_fail(&err);
    return -1;
}

int cli_compare(int argc, char **argv)
{
    cli_options o;
    int rc = cli_options_parse("compare", argc, argv, &o, compare_help);
    if (rc >= 0) return rc;
    int n = argc - o.first_arg;
    if ((rc = cli_options_only_run("compare", &o)) >= 0) {
        cli_options_free(&o);
        return rc;
    }
    if (n < 2) {
        rc = cli_usage_error("compare", n == 0 ? "missing BASE.ini and OPTION.ini"
                                               : "missing OPTION.ini: compare needs a reference "
                                                 "and at least one option");
        cli_options_free(&o);
        return rc;
    }
    hn_error err;
    hn_error_clear(&err);
    char *default_out = NULL;
    const char *out = NULL;
    option *opts = calloc((size_t)n, sizeof *opts);
    const hn_scenario **scs = calloc((size_t)n, sizeof *scs);
    hn_report_option *ropts = calloc((size_t)n, sizeof *ropts);
    if (!opts || !scs || !ropts) {
        hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
        rc = cli_fail(&err);
        goto done;
    }
    if ((rc = load_options(argv + o.first_arg, opts, n)) >= 0) goto done;
    if ((rc = cli_output_path("compare", &o, opts[0].sc->name, "_comparison.xlsx", &default_out,
                              &out)) >= 0)
        goto done;
    for (int i = 0; i < n; i++) scs[i] = opts[i].sc;
    hn_run_opts ro = cli_engine_options(&o, opts[0].sc);
    if (cli_check_output(out, scs, n, &err) != HN_OK ||
        par_agree(check_total_memory(opts, n, &ro, &err), &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }

    cli_install_signals();
    if ((rc = run_options(opts, n, &ro)) >= 0) goto done;

    cli_origin origin;
    cli_origin_init(&origin, &o, out);
    hn_status ws = HN_OK;
    for (int i = 0; i < n && ws == HN_OK; i++) {
        ws = report_run_init(&opts[i].rep, &origin.origin, opts[i].sc, opts[i].res, opts[i].st,
                             NULL, &err);
        ropts[i] = (hn_report_option){ &opts[i].rep, opts[i].cmp };
    }
    /* Rank 0 alone writes (par.h); every process ends with its status. */
    if (ws == HN_OK && par_rank() == 0) ws = report_write_compare(ropts, n, &err);
    if (par_agree(ws, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!o.quiet) print_comparison(ropts, n);
    rc = 0;

done:
    for (int i = 0; opts && i < n; i++) {
        report_run_free(&opts[i].rep);
        compare_free(opts[i].cmp);
        stats_free(opts[i].st);
        results_free(opts[i].res);
        scenario_free(opts[i].sc);
    }
    free(opts);
    free(scs);
    free(ropts);
    free(default_out);
    cli_options_free(&o);
    return rc;
}
