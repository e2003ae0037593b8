/*
 * cli_options.c - parsing the options shared by run, compare and solve, and
 * turning them into engine options, a checked output path and the origin
 * of a run (command line, date, output) that the writers' description of
 * it (report.h) points at.
 */
#include "cli_options.h"
#include "base/par.h"

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "cli_progress.h"

/* Long options without a short form. */
enum { OPT_SAMPLING = 256, OPT_TARGET_SE, OPT_MAX_ITERATIONS, OPT_STRICT };

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
            "      --sampling mc|lhs how the sampled inputs are drawn: plain Monte Carlo\n"
            "                        (mc, the default) or a Latin hypercube (lhs), which\n"
            "                        gives more precise means for the same iterations\n"
            "      --target-se PCT   add blocks of N iterations (N = --iterations or the\n"
            "                        scenario's) until the standard error of the mean\n"
            "                        net cost over all years is at most PCT %% of its mean\n"
            "      --max-iterations N  with --target-se: stop at N iterations even so\n"
            "                        (1..%lld; default 10 x the first block)\n"
            "  -q, --quiet           print nothing on success (no progress bar either)\n"
            "  -h, --help            this help\n",
            CLI_MAX_ITERATIONS, CLI_MAX_THREADS, CLI_MAX_ITERATIONS);
}

int cli_options_only_run(const char *cmd, const cli_options *o)
{
    if (o->strict)
        return cli_usage_error(cmd, "--strict applies to `hnsim run` and `hnsim check` only");
    if (o->swing_iterations >= 0)
        return cli_usage_error(cmd,
                               "--swing-iterations applies to `hnsim run` only "
                               "(%s does not analyse sensitivity)",
                               cmd);
    if (o->target_se_pct > 0)
        return cli_usage_error(cmd,
                               "--target-se applies to `hnsim run` only (%s pairs runs "
                               "iteration by iteration, so every run takes the same "
                               "iterations)",
                               cmd);
    return -1;
}

/* Joins argv into one line, quoting words with spaces, for the Run sheet. Caller frees. */
char *cli_command_line(int argc, char **argv)
{
    size_t n = 8;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 3;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, "hnsim");
    for (int i = 0; i < argc; i++) {
        int quote = strpbrk(argv[i], " \t'\"") != NULL;
        strcat(s, quote ? " '" : " ");
        strcat(s, argv[i]);
        if (quote) strcat(s, "'");
    }
    return s;
}

/* Parses a percentage in (0, 100], "0.5" or "0.5%"; false when it is not one. */
static bool parse_percent(const char *s, double *out)
{
    if (!s || !*s || *s == ' ') return false;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || (*end && strcmp(end, "%") != 0) || !(v > 0) || v > 100) return false;
    *out = v;
    return true;
}

/*
 * Parses the value of --NAME as a whole number from lo to hi into *out: -1
 * when it is one, else the usage error (exit status 2, printed).
 */
static int whole_option(const char *cmd, const char *name, const char *arg, long long lo,
                        long long hi, long long *out)
{
    if (cli_parse_long(arg, lo, hi, out)) return -1;
    return cli_usage_error(cmd, "--%s '%s': need a whole number from %lld to %lld", name, arg, lo,
                           hi);
}

int cli_options_parse(const char *cmd, int argc, char **argv, cli_options *o, void (*help)(FILE *))
{
    return cli_options_parse_with(cmd, argc, argv, o, help, NULL, 0);
}

int cli_options_parse_with(const char *cmd, int argc, char **argv, cli_options *o,
                           void (*help)(FILE *), const cli_extra_option *extra, int n_extra)
{
    static const struct option shared[] = {
        { "output", required_argument, NULL, 'o' },
        { "iterations", required_argument, NULL, 'n' },
        { "seed", required_argument, NULL, 's' },
        { "threads", required_argument, NULL, 't' },
        { "deterministic", no_argument, NULL, 'd' },
        { "quiet", no_argument, NULL, 'q' },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "help", no_argument, NULL, 'h' },
        { "sampling", required_argument, NULL, OPT_SAMPLING },
        { "target-se", required_argument, NULL, OPT_TARGET_SE },
        { "max-iterations", required_argument, NULL, OPT_MAX_ITERATIONS },
        { "swing-iterations", required_argument, NULL, 'W' },
    };
    enum { N_SHARED = sizeof shared / sizeof shared[0], EXTRA_VAL = 1000 };
    struct option longopts[N_SHARED + CLI_MAX_EXTRA + 1];
    memcpy(longopts, shared, sizeof shared);
    if (n_extra > CLI_MAX_EXTRA) n_extra = CLI_MAX_EXTRA;
    for (int i = 0; i < n_extra; i++) {
        longopts[N_SHARED + i] =
            (struct option){ extra[i].name, required_argument, NULL, EXTRA_VAL + i };
        *extra[i].value = NULL;
    }
    longopts[N_SHARED + n_extra] = (struct option){ NULL, 0, NULL, 0 };
    memset(o, 0, sizeof *o);
    o->iterations = -1;
    o->threads = -1;
    o->max_iterations = -1;
    o->sampling = HN_SAMPLING_MC;
    o->swing_iterations = -1;
    /* The options that take a whole number, with their ranges. */
    const struct {
        int code;
        const char *name;
        long long lo, hi;
        long long *out;
    } whole[] = {
        { 'n', "iterations", 1, CLI_MAX_ITERATIONS, &o->iterations },
        { 't', "threads", 1, CLI_MAX_THREADS, &o->threads },
        { OPT_MAX_ITERATIONS, "max-iterations", 1, CLI_MAX_ITERATIONS, &o->max_iterations },
        { 'W', "swing-iterations", 0, CLI_MAX_ITERATIONS, &o->swing_iterations },
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:n:s:t:dqh", longopts, NULL)) != -1) {
        size_t w = 0;
        while (w < sizeof whole / sizeof whole[0] && whole[w].code != c) w++;
        if (w < sizeof whole / sizeof whole[0]) {
            int bad =
                whole_option(cmd, whole[w].name, optarg, whole[w].lo, whole[w].hi, whole[w].out);
            if (bad != -1) return bad;
            continue;
        }
        switch (c) {
        case 'o': o->out = optarg; break;
        case 's':
            if (!cli_parse_u64(optarg, &o->seed))
                return cli_usage_error(cmd,
                                       "--seed '%s': need a whole number from 0 to "
                                       "18446744073709551615",
                                       optarg);
            o->have_seed = true;
            break;
        case 'd': o->deterministic = true; break;
        case 'q': o->quiet = true; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_SAMPLING:
            if (!strcmp(optarg, "mc"))
                o->sampling = HN_SAMPLING_MC;
            else if (!strcmp(optarg, "lhs"))
                o->sampling = HN_SAMPLING_LHS;
            else
                return cli_usage_error(cmd,
                                       "--sampling '%s': need mc (plain Monte Carlo) or lhs "
                                       "(Latin hypercube)",
                                       optarg);
            break;
        case OPT_TARGET_SE:
            if (!parse_percent(optarg, &o->target_se_pct))
                return cli_usage_error(cmd,
                                       "--target-se '%s': need a percentage above 0 and at "
                                       "most 100, such as 0.5",
                                       optarg);
            break;
        case 'h': help(stdout); return 0;
        case ':': return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default:
            if (c >= EXTRA_VAL && c < EXTRA_VAL + n_extra) {
                *extra[c - EXTRA_VAL].value = optarg;
                break;
            }
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->max_iterations > 0 && o->target_se_pct <= 0)
        return cli_usage_error(cmd, "--max-iterations goes with --target-se (without a target the "
                                    "run takes --iterations)");
    if (o->deterministic && o->target_se_pct > 0)
        return cli_usage_error(cmd, "--target-se has no meaning with --deterministic (one run, "
                                    "no standard error)");
    if (o->deterministic && o->sampling != HN_SAMPLING_MC)
        return cli_usage_error(cmd, "--sampling has no meaning with --deterministic (nothing is "
                                    "sampled)");
    o->first_arg = optind;
    o->command_line = cli_command_line(argc, argv);
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
        .sampling = o->sampling,
        .target_se_pct = o->target_se_pct,
        .max_iterations = o->max_iterations > 0 ? (long)o->max_iterations : 0,
    };
    if (!o->quiet && isatty(STDERR_FILENO)) {
        ro.progress = cli_progress_update;
        ro.phase_progress = cli_progress_phase;
        ro.progress_user = cli_progress_style(o->target_se_pct > 0);
    }
    return ro;
}

int cli_output_path(const char *cmd, const cli_options *o, const char *name, const char *suffix,
                    char **owned, const char **out)
{
    *owned = NULL;
    *out = o->out;
    if (!*out) {
        size_t n = strlen(name) + strlen(suffix) + 1;
        *owned = malloc(n);
        if (!*owned) {
            hn_error err;
            hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
            return cli_fail(&err);
        }
        snprintf(*owned, n, "%s%s", name, suffix);
        *out = *owned;
    }
    hn_report_format fmt;
    if (!report_format_of(*out, &fmt))
        return cli_usage_error(cmd, "-o '%s': the output must end in .xlsx or .csv", *out);
    return -1;
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

/* cli_check_output on this process alone. */
static hn_status check_output(const char *out, const hn_scenario *const *scs, int n, hn_error *err)
{
    /* Where the output really goes: through a link, to a regular file that is not read-only. */
    char *real = NULL;
    hn_status rs = atomic_resolve(out, &real, err);
    if (rs != HN_OK) return rs;
    char target[PATH_MAX];
    bool found = resolve_output(real, target, sizeof target);
    free(real);
    if (!found)
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: its folder does not exist", out);
    char *copy = strdup(target);
    if (!copy) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    bool writable = access(dirname(copy), W_OK) == 0;
    free(copy);
    if (!writable)
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: its folder is not writable", out);
    /* The same file under another name (a hard link) is the same file: compare inodes too. */
    struct stat tsb, ssb;
    bool target_exists = stat(target, &tsb) == 0;
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < scs[k]->n_sources; i++) {
            char src[PATH_MAX];
            const char *path = scs[k]->sources[i].path;
            bool same = (realpath(path, src) && !strcmp(src, target)) ||
                        (target_exists && stat(path, &ssb) == 0 && ssb.st_dev == tsb.st_dev &&
                         ssb.st_ino == tsb.st_ino);
            if (same)
                return hn_error_set(
                    err, HN_ERR_USAGE,
                    "refusing to write %s: it is the scenario file %s (choose another -o)", out,
                    scs[k]->sources[i].path);
        }
    }
    return HN_OK;
}

void cli_origin_init(cli_origin *co, const cli_options *o, const char *out)
{
    time_t now = time(NULL);
    struct tm tm_now;
    localtime_r(&now, &tm_now);
    strftime(co->run_date, sizeof co->run_date, "%Y-%m-%d %H:%M", &tm_now);
    co->origin = (hn_report_origin){ .command_line = o->command_line,
                                     .run_date = co->run_date,
                                     .out_path = out };
}

/* Every process checks; all agree on the worst (a folder may be missing on one machine). */
hn_status cli_check_output(const char *out, const hn_scenario *const *scs, int n, hn_error *err)
{
    return par_agree(check_output(out, scs, n, err), err);
}
