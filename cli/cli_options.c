/*
 * cli_options.c - parsing the options shared by run, compare and solve, and
 * turning them into engine options, a checked output path and the
 * description of a run that the writers print.
 */
#include "cli_options.h"

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "version.h"

void cli_options_help(FILE *f)
{
    fprintf(f,
            "  -o, --output FILE     where to write (.xlsx workbook or .csv tidy table)\n"
            "  -n, --iterations N    Monte Carlo iterations (1..%lld; default: the scenario's)\n"
            "  -s, --seed S          random seed (0..2^64-1; default: the scenario's)\n"
            "  -t, --threads N       worker threads (1..%d; default: online processors);\n"
            "                        results are identical for any number of threads\n"
            "  -d, --deterministic   one run with every distribution at its mean and every\n"
            "                        flow at its expected value: the planned figures\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this help\n",
            CLI_MAX_ITERATIONS, CLI_MAX_THREADS);
}

/* Joins argv into one line, quoting words with spaces, for the Run sheet. Caller frees. */
static char *join_command_line(int argc, char **argv)
{
    size_t n = 8;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 3;
    char *s = malloc(n);
    if (!s)
        return NULL;
    strcpy(s, "hnsim");
    for (int i = 0; i < argc; i++) {
        int quote = strpbrk(argv[i], " \t'\"") != NULL;
        strcat(s, quote ? " '" : " ");
        strcat(s, argv[i]);
        if (quote)
            strcat(s, "'");
    }
    return s;
}

int cli_options_parse(const char *cmd, int argc, char **argv, cli_options *o,
                      void (*help)(FILE *))
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"iterations", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"deterministic", no_argument, NULL, 'd'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->iterations = -1;
    o->threads = -1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:n:s:t:dqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->out = optarg;
            break;
        case 'n':
            if (!cli_parse_long(optarg, 1, CLI_MAX_ITERATIONS, &o->iterations))
                return cli_usage_error(cmd, "--iterations '%s': need a whole number from 1 to %lld",
                                       optarg, CLI_MAX_ITERATIONS);
            break;
        case 's':
            if (!cli_parse_u64(optarg, &o->seed))
                return cli_usage_error(cmd, "--seed '%s': need a whole number from 0 to "
                                            "18446744073709551615", optarg);
            o->have_seed = true;
            break;
        case 't':
            if (!cli_parse_long(optarg, 1, CLI_MAX_THREADS, &o->threads))
                return cli_usage_error(cmd, "--threads '%s': need a whole number from 1 to %d",
                                       optarg, CLI_MAX_THREADS);
            break;
        case 'd':
            o->deterministic = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            help(stdout);
            return 0;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    o->first_arg = optind;
    o->command_line = join_command_line(argc, argv);
    if (!o->command_line) {
        fprintf(stderr, "hnsim: out of memory\n");
        return 1;
    }
    return -1;
}

void cli_options_free(cli_options *o)
{
    free(o->command_line);
    o->command_line = NULL;
}

hn_run_opts cli_engine_options(const cli_options *o, const hn_scenario *sc)
{
    long procs = sysconf(_SC_NPROCESSORS_ONLN);
    hn_run_opts ro = {
        .iterations = o->iterations > 0 ? (long)o->iterations : sc->iterations,
        .seed = o->have_seed ? (uint64_t)o->seed : sc->seed,
        .threads = o->threads > 0 ? (int)o->threads : (int)(procs > 0 ? procs : 1),
        .deterministic = o->deterministic,
        .stop = &cli_stop,
    };
    return ro;
}

bool cli_output_format(const char *path, cli_out_format *fmt)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return false;
    if (!strcasecmp(dot, ".xlsx"))
        *fmt = CLI_OUT_XLSX;
    else if (!strcasecmp(dot, ".csv"))
        *fmt = CLI_OUT_CSV;
    else
        return false;
    return true;
}

/* The absolute path OUT would have: realpath of its folder plus its base name. */
static bool resolve_output(const char *out, char *buf, size_t cap)
{
    char *copy1 = strdup(out), *copy2 = strdup(out);
    bool ok = false;
    if (copy1 && copy2) {
        char dir_real[PATH_MAX];
        if (realpath(dirname(copy1), dir_real)) {
            int n = snprintf(buf, cap, "%s/%s", dir_real, basename(copy2));
            ok = n > 0 && (size_t)n < cap;
        }
    }
    free(copy1);
    free(copy2);
    return ok;
}

hn_status cli_check_output(const char *out, const hn_scenario *const *scs, int n, hn_error *err)
{
    /* Where the output really goes: through a link, to a regular file that is not read-only. */
    char *real = NULL;
    hn_status rs = atomic_resolve(out, &real, err);
    if (rs != HN_OK)
        return rs;
    char target[PATH_MAX];
    bool found = resolve_output(real, target, sizeof target);
    free(real);
    if (!found)
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: its folder does not exist", out);
    char *copy = strdup(target);
    if (!copy)
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    bool writable = access(dirname(copy), W_OK) == 0;
    free(copy);
    if (!writable)
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: its folder is not writable", out);
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < scs[k]->n_sources; i++) {
            char src[PATH_MAX];
            if (realpath(scs[k]->sources[i].path, src) && !strcmp(src, target))
                return hn_error_set(err, HN_ERR_USAGE,
                                    "refusing to write %s: it is the scenario file %s (choose another -o)",
                                    out, scs[k]->sources[i].path);
        }
    }
    return HN_OK;
}

void cli_fill_meta(hn_report_meta *m, const hn_scenario *sc, const hn_results *res,
                   const cli_options *o, const char *run_date)
{
    memset(m, 0, sizeof *m);
    m->engine_version = HN_VERSION;
    m->command_line = o->command_line;
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

void cli_run_date(char *buf, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm_now;
    localtime_r(&now, &tm_now);
    strftime(buf, cap, "%Y-%m-%d %H:%M", &tm_now);
}
