/*
 * cli_calibrate.c - `hnsim calibrate`: set a scenario's keys from the
 * council's history (MODEL.md section 9, engine/analysis/calibrate.h).
 *
 * Loads the scenario and its history (the scenario's `history`, or the one
 * named after it), fits the keys named by --fit by maximum likelihood,
 * prints the fit table and writes the calibrated scenario: by default
 * NAME_calibrated.ini beside the input (NAME the scenario's `name`), which
 * is never replaced; -o names another file, which may be replaced but is
 * never the scenario or a file it extends. The file is written
 * atomically, and loaded as a scenario before it is renamed into place, so
 * a calibrated file that would not load is never left behind.
 */
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/calibrate.h"
#include "base/version.h"
#include "cli.h"
#include "cli_history.h"
#include "cli_options.h"
#include "model/layout.h"
#include "report_calibrate.h"

static void calibrate_help(FILE *f)
{
    fprintf(f, "usage: hnsim calibrate SCENARIO.ini [HISTORY.csv] --fit KEY[,KEY...] [-o OUT.ini]\n"
               "                       [--quiet]\n"
               "\n"
               "Sets the named keys from the council's history by maximum likelihood: the\n"
               "values with which the scenario's planned (deterministic) run reproduces the\n"
               "observed figures best, each observed count Poisson about the model's figure\n"
               "(with overdispersion when the data demand it) and each observed money figure\n"
               "normal about it with a standard deviation of 2%% of the observation.\n"
               "HISTORY.csv (year,metric,entity,value) defaults to the scenario's `history`.\n"
               "KEY is SECTION.KEY as in the file (demand.primary.exclusion,\n"
               "provision.pru.exit.mainstream, demand.primary.referrals), written there as one\n"
               "number or distribution. Prints the fit: per key the estimate, its standard\n"
               "error and 80%% interval; per observation the observed and fitted values and\n"
               "the Pearson residual; the deviance and its degrees of freedom; the\n"
               "overdispersion used. Writes the calibrated scenario: the input's text with\n"
               "each fitted key replaced by a distribution with the fitted mean and standard\n"
               "deviation (beta or PERT for a probability, lognormal for a count or money,\n"
               "normal for growth or inflation) and a comment citing the history and the fit,\n"
               "and the correlations of the estimates in [correlation].\n"
               "\n"
               "      --fit KEYS        the keys to fit, separated by commas (required)\n"
               "  -o, --output FILE     where to write (default NAME_calibrated.ini beside the\n"
               "                        scenario, which is never replaced; FILE may be)\n"
               "  -q, --quiet           print nothing on success\n"
               "  -h, --help            this help\n");
}

/* What the command line said. */
typedef struct {
    const char *scenario, *history, *fit, *out;
    bool quiet;
} cal_args;

/* Parses argv; -1 to go on, else the exit status (printed). */
static int parse_args(int argc, char **argv, cal_args *a)
{
    static const struct option opts[] = {
        { "fit", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    memset(a, 0, sizeof *a);
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'f': a->fit = optarg; break;
        case 'o': a->out = optarg; break;
        case 'q': a->quiet = true; break;
        case 'h': calibrate_help(stdout); return 0;
        case ':':
            return cli_usage_error("calibrate", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("calibrate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    int n = argc - optind;
    if (n < 1) return cli_usage_error("calibrate", "missing SCENARIO.ini");
    if (n > 2)
        return cli_usage_error("calibrate", "expected SCENARIO.ini [HISTORY.csv], got %d files", n);
    a->scenario = argv[optind];
    a->history = n == 2 ? argv[optind + 1] : NULL;
    if (!a->fit)
        return cli_usage_error("calibrate",
                               "missing --fit KEY[,KEY...] (e.g. --fit demand.primary.exclusion)");
    return -1;
}

/* The default output: NAME_calibrated.ini in the scenario's folder (new string). */
static char *default_output(const char *scenario, const hn_scenario *sc)
{
    char *copy = strdup(scenario);
    if (!copy) return NULL;
    const char *dir = dirname(copy);
    size_t n = strlen(dir) + strlen(sc->name) + 24;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%s/%s_calibrated.ini", dir, sc->name);
    free(copy);
    return out;
}

/* Checks the output path: .ini, writable, not an input; the default never over an existing file. */
static hn_status check_out(const char *out, bool is_default, const hn_scenario *sc, hn_error *err)
{
    const char *dot = strrchr(out, '.');
    if (!dot || strcmp(dot, ".ini"))
        return hn_error_set(err, HN_ERR_USAGE, "-o '%s': the calibrated scenario must end in .ini",
                            out);
    struct stat sb;
    if (is_default && stat(out, &sb) == 0)
        return hn_error_set(err, HN_ERR_USAGE,
                            "%s exists and is not replaced: name it with -o to replace it, or "
                            "choose another file",
                            out);
    const hn_scenario *inputs[1] = { sc };
    return cli_check_output(out, inputs, 1, err);
}

/* What the check of the written file compares against. */
typedef struct {
    const hn_fit *fit;
    hn_error *err;
} written_check;

/*
 * Loads the temporary calibrated file as a scenario and checks that each
 * fitted key's mean is its estimate (to the 6 digits written).
 */
static hn_status check_written(const char *tmp, void *user)
{
    written_check *w = user;
    hn_scenario *sc = NULL;
    hn_error e;
    hn_error_clear(&e);
    if (scenario_load(tmp, &sc, &e) != HN_OK)
        return hn_error_set(w->err, HN_ERR_INTERNAL,
                            "the calibrated scenario would not load, so it was not written: %s",
                            e.message);
    hn_status st = HN_OK;
    for (int k = 0; k < w->fit->n_keys && st == HN_OK; k++) {
        const hn_fit_key *key = &w->fit->keys[k];
        const hn_param *p = NULL;
        for (int i = 0; i < sc->n_params && !p; i++)
            if (!strcmp(sc->params[i]->name, key->name)) p = sc->params[i];
        double mean = p ? dist_mean(&p->items[0]) : NAN;
        if (!(fabs(mean - key->estimate) <= 1e-5 * fmax(fabs(key->estimate), 1e-12)))
            st = hn_error_set(w->err, HN_ERR_INTERNAL,
                              "the calibrated scenario would give %s a mean of %.10g, not its "
                              "estimate %.10g, so it was not written",
                              key->name, mean, key->estimate);
    }
    scenario_free(sc);
    return st;
}

int cli_calibrate(int argc, char **argv)
{
    cal_args a;
    char *command_line = cli_command_line(argc, argv); /* before getopt reorders argv */
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) {
        free(command_line);
        return rc;
    }
    hn_error err;
    hn_error_clear(&err);
    hn_scenario *sc = NULL;
    hn_fit *fit = NULL;
    char **keys = NULL, *default_out = NULL, *text = NULL;
    int n_keys = 0;
    hn_status st = scenario_load(a.scenario, &sc, &err);
    if (st == HN_OK) st = cli_history_attach(sc, a.history, &err);
    if (st == HN_OK) st = cli_history_required(sc, "calibrate", &err);
    if (st == HN_OK) st = cli_fit_keys(a.fit, &keys, &n_keys, &err);
    const char *out = a.out;
    if (st == HN_OK && !out) {
        out = default_out = default_output(a.scenario, sc);
        if (!out) st = hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
    }
    if (st == HN_OK) st = check_out(out, !a.out, sc, &err);
    if (st == HN_OK)
        st = calibrate_fit(sc, sc->history, sc->years - 1, (const char *const *)keys, n_keys, &fit,
                           &err);
    hn_fit_pair pairs[HN_CAL_MAX_KEYS * (HN_CAL_MAX_KEYS - 1) / 2];
    int n_pairs = 0;
    if (st == HN_OK) {
        n_pairs = calibrate_pairs(sc, fit, pairs, (int)(sizeof pairs / sizeof pairs[0]));
        char first[16], last[16];
        cli_fit_years(sc, fit, first, last, sizeof first);
        hn_calibrated c = { .input_path = sc->sources[0].path,
                            .output_path = out,
                            .fit = fit,
                            .pairs = pairs,
                            .n_pairs = n_pairs,
                            .engine_version = HN_VERSION,
                            .command_line = command_line ? command_line : "hnsim calibrate",
                            .first_year = first,
                            .last_year = last };
        st = report_calibrated_text(&c, &text, &err);
    }
    if (st == HN_OK) {
        written_check w = { fit, &err };
        st = report_write_text_checked(out, text, check_written, &w, &err);
    }
    if (st != HN_OK) {
        rc = cli_fail(&err);
    } else {
        if (!a.quiet) {
            cli_print_fit(sc, fit, pairs, n_pairs);
            printf("wrote %s\n", out);
        }
        rc = 0;
    }
    free(text);
    free(command_line);
    free(default_out);
    cli_fit_keys_free(keys, n_keys);
    calibrate_free(fit);
    scenario_free(sc);
    return rc;
}
