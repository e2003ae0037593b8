/*
 * cli_run.c - `hnsim run`: load a scenario, run it, write a workbook or CSV.
 *
 * The output is checked before the run starts (extension, folder, not an
 * input file) so that a long run never ends in a refusal, and it is written
 * atomically by the writers, so a failure leaves any old output untouched.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "report.h"
#include "stats.h"
#include "version.h"

#define MAX_ITERATIONS 100000000LL
#define MAX_THREADS 256

static void run_help(FILE *f)
{
    fprintf(f,
            "usage: hnsim run SCENARIO.ini [-o OUT.xlsx|OUT.csv] [--iterations N] [--seed S]\n"
            "                 [--threads N] [--deterministic] [--quiet]\n"
            "\n"
            "Runs the scenario and writes its projections. The output format follows\n"
            "the extension of OUT (.xlsx workbook or .csv tidy table); the default is\n"
            "NAME.xlsx in the current folder, NAME being the scenario's `name`.\n"
            "\n"
            "  -o, --output FILE     where to write (.xlsx or .csv)\n"
            "  -n, --iterations N    Monte Carlo iterations (1..%lld; default: the scenario's)\n"
            "  -s, --seed S          random seed (0..2^64-1; default: the scenario's)\n"
            "  -t, --threads N       worker threads (1..%d; default: online processors)\n"
            "                        results are identical for any number of threads\n"
            "  -d, --deterministic   one run with every distribution at its mean and every\n"
            "                        flow at its expected value: the planned figures\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this help\n",
            MAX_ITERATIONS, MAX_THREADS);
}

typedef enum { OUT_XLSX, OUT_CSV } out_format;

/* Lower-cased extension check; returns 0 and sets *fmt when OUT is .xlsx or .csv. */
static int output_format(const char *path, out_format *fmt)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return -1;
    if (!strcasecmp(dot, ".xlsx")) {
        *fmt = OUT_XLSX;
        return 0;
    }
    if (!strcasecmp(dot, ".csv")) {
        *fmt = OUT_CSV;
        return 0;
    }
    return -1;
}

/* The absolute path OUT would have: realpath of its folder plus its base name. */
static int resolve_output(const char *out, char *buf, size_t cap)
{
    char *copy1 = strdup(out), *copy2 = strdup(out);
    int ok = 0;
    if (copy1 && copy2) {
        char dir_real[PATH_MAX];
        const char *dir = dirname(copy1);
        const char *base = basename(copy2);
        if (realpath(dir, dir_real)) {
            int n = snprintf(buf, cap, "%s/%s", dir_real, base);
            ok = n > 0 && (size_t)n < cap;
        }
    }
    free(copy1);
    free(copy2);
    return ok;
}

/* Checks before the run that OUT can be written and is not one of the scenario's files. */
static hn_status check_output(const char *out, const hn_scenario *sc, hn_error *err)
{
    char target[PATH_MAX];
    if (!resolve_output(out, target, sizeof target))
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: its folder does not exist", out);
    char *copy = strdup(target);
    if (!copy)
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    int writable = access(dirname(copy), W_OK) == 0;
    free(copy);
    if (!writable)
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: its folder is not writable", out);
    for (int i = 0; i < sc->n_sources; i++) {
        char src[PATH_MAX];
        if (realpath(sc->sources[i].path, src) && !strcmp(src, target))
            return hn_error_set(err, HN_ERR_USAGE,
                                "refusing to write %s: it is the scenario file %s (choose another -o)",
                                out, sc->sources[i].path);
    }
    return HN_OK;
}

/* Joins argv into one line, quoting words with spaces, for the Run sheet. Caller frees. */
static char *join_command_line(int argc, char **argv)
{
    size_t n = 8;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) * 2 + 3;
    char *s = malloc(n);
    if (!s)
        return NULL;
    strcpy(s, "hnsim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        int quote = strpbrk(argv[i], " \t'\"") != NULL;
        if (quote)
            strcat(s, "'");
        strcat(s, argv[i]);
        if (quote)
            strcat(s, "'");
    }
    return s;
}

/* Prints one headline row: a label, an optional baseline cell, then metric m's yearly means in £'000. */
static void print_row(const hn_stats *st, const char *label, const char *base, hn_metric m)
{
    const hn_layout *lay = st->layout;
    printf("%-36s %10s", label, base);
    for (int y = 0; y < lay->years; y++)
        printf(" %9.0f", stats_get(st, layout_col(lay, m, HN_ENT_TOTAL, 0, y), HN_STAT_MEAN) / 1000.0);
    printf("\n");
}

/* Prints the paragraph-6.2-style headline (means, £'000) to stdout. */
static void print_headline(const hn_scenario *sc, const hn_stats *st, const char *out,
                           const hn_results *res)
{
    const hn_layout *lay = st->layout;
    char label[16], base[32];
    printf("%s: %s\n", sc->name, sc->title);
    printf("%-36s %10s", st->deterministic ? "planned (deterministic), £'000" : "mean of iterations, £'000",
           "Baseline");
    for (int y = 0; y < lay->years; y++) {
        layout_year_label(lay, y, label, sizeof label);
        printf(" %9s", label);
    }
    printf("\n");
    snprintf(base, sizeof base, "%.0f", dist_mean(&sc->baseline_cost.items[0]) / 1000.0);
    print_row(st, "Cost of proposal", base, HN_M_NET_COST);
    print_row(st, "In year costs compared to baseline", "", HN_M_VS_BASELINE);
    print_row(st, "Cumulative payback", "", HN_M_CUMULATIVE_PAYBACK);
    printf("wrote %s (%ld iteration%s, %d thread%s, %.2f s)\n", out, res->n_iter,
           res->n_iter == 1 ? "" : "s", res->threads, res->threads == 1 ? "" : "s", res->wall_seconds);
}

/* Fills the writers' description of the run. Borrowed pointers live as long as sc and res. */
static void fill_meta(hn_report_meta *m, const hn_scenario *sc, const hn_results *res,
                      const char *cmdline, const char *run_date)
{
    memset(m, 0, sizeof *m);
    m->engine_version = HN_VERSION;
    m->command_line = cmdline;
    m->name = sc->name;
    m->title = sc->title;
    m->authority = sc->authority;
    m->start_year = sc->start_year;
    m->years = sc->years;
    m->terms = sc->terms;
    m->baseline_cost = dist_mean(&sc->baseline_cost.items[0]);
    m->has_budget = sc->has_budget;
    for (int y = 0; sc->has_budget && y < sc->years; y++)
        m->budget[y] = dist_mean(&sc->budget.items[sc->budget.n == 1 ? 0 : y]);
    m->sources = sc->sources;
    m->n_sources = sc->n_sources;
    m->entries = sc->entries;
    m->n_entries = sc->n_entries;
    m->seed = res->seed;
    m->iterations = res->n_iter;
    m->threads = res->threads;
    m->wall_seconds = res->wall_seconds;
    m->deterministic = res->deterministic;
    m->clamped = res->clamped;
    m->run_date = run_date;
}

int cli_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"iterations", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"deterministic", no_argument, NULL, 'd'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    long long iterations = -1, threads = -1;
    unsigned long long seed = 0;
    int have_seed = 0, deterministic = 0, quiet = 0, c;
    char *cmdline = join_command_line(argc, argv);

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:n:s:t:dqh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'n':
            if (!cli_parse_long(optarg, 1, MAX_ITERATIONS, &iterations)) {
                free(cmdline);
                return cli_usage_error("run", "--iterations '%s': need a whole number from 1 to %lld",
                                       optarg, MAX_ITERATIONS);
            }
            break;
        case 's':
            if (!cli_parse_u64(optarg, &seed)) {
                free(cmdline);
                return cli_usage_error("run", "--seed '%s': need a whole number from 0 to 18446744073709551615",
                                       optarg);
            }
            have_seed = 1;
            break;
        case 't':
            if (!cli_parse_long(optarg, 1, MAX_THREADS, &threads)) {
                free(cmdline);
                return cli_usage_error("run", "--threads '%s': need a whole number from 1 to %d", optarg,
                                       MAX_THREADS);
            }
            break;
        case 'd':
            deterministic = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            free(cmdline);
            run_help(stdout);
            return 0;
        case ':':
            free(cmdline);
            return cli_usage_error("run", "option '%s' needs a value", argv[optind - 1]);
        default:
            free(cmdline);
            return cli_usage_error("run", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        free(cmdline);
        return cli_usage_error("run", optind >= argc ? "missing SCENARIO.ini" : "expected one SCENARIO.ini, got %d files",
                               argc - optind);
    }
    const char *path = argv[optind];
    hn_error err;
    hn_error_clear(&err);
    hn_scenario *sc = NULL;
    hn_results *res = NULL;
    hn_stats *st = NULL;
    char *default_out = NULL;
    int rc;

    if (scenario_load(path, &sc, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!out) {
        size_t n = strlen(sc->name) + 6;
        default_out = malloc(n);
        if (!default_out) {
            hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
            rc = cli_fail(&err);
            goto done;
        }
        snprintf(default_out, n, "%s.xlsx", sc->name);
        out = default_out;
    }
    out_format fmt;
    if (output_format(out, &fmt) != 0) {
        rc = cli_usage_error("run", "-o '%s': the output must end in .xlsx or .csv", out);
        goto done;
    }
    if (check_output(out, sc, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }

    hn_run_opts ro = {
        .iterations = iterations > 0 ? (long)iterations : sc->iterations,
        .seed = have_seed ? (uint64_t)seed : sc->seed,
        .threads = threads > 0 ? (int)threads : (int)sysconf(_SC_NPROCESSORS_ONLN),
        .deterministic = deterministic,
        .stop = &cli_stop,
    };
    if (ro.threads < 1)
        ro.threads = 1;
    cli_install_signals();
    if (engine_run(sc, &ro, &res, &err) != HN_OK || stats_compute(res, &st, &err) != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }

    char run_date[32];
    time_t now = time(NULL);
    struct tm tm_now;
    localtime_r(&now, &tm_now);
    strftime(run_date, sizeof run_date, "%Y-%m-%d %H:%M", &tm_now);
    hn_report_meta meta;
    fill_meta(&meta, sc, res, cmdline ? cmdline : "hnsim run", run_date);
    hn_status s = fmt == OUT_CSV ? report_write_csv(out, &meta, st, &err)
                                 : report_write_xlsx(out, &meta, st, res, &err);
    if (s != HN_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (!quiet)
        print_headline(sc, st, out, res);
    rc = 0;

done:
    stats_free(st);
    results_free(res);
    scenario_free(sc);
    free(default_out);
    free(cmdline);
    return rc;
}
