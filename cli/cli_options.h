/*
 * cli_options.h - the options that `run` and every command built on it
 * (compare, solve) share, and what they turn into: engine options, the
 * checked output path and the command line's part of the writers'
 * description of a run (its origin: the command as typed, the run date
 * and the output path; report.h builds the rest).
 */
#ifndef HN_CLI_OPTIONS_H
#define HN_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "model/engine.h"
#include "report.h"
#include "analysis/sensitivity.h"
#include "analysis/stats.h"
#include "scenario/scenario.h"

#define CLI_MAX_ITERATIONS 100000000LL
#define CLI_MAX_THREADS    256

/* What the shared options said. */
typedef struct {
    const char *out;      /* -o, or NULL for the default */
    long long iterations; /* -1: the scenario's */
    long long threads;    /* -1: online processors */
    unsigned long long seed;
    bool have_seed;
    bool deterministic;
    bool quiet;
    bool strict;                /* --strict: warnings are errors (run only) */
    hn_sampling sampling;       /* --sampling: mc (default) or lhs */
    double target_se_pct;       /* --target-se PCT; 0 when not given */
    long long max_iterations;   /* --max-iterations; -1 when not given */
    long long swing_iterations; /* -1: HN_SENS_SWING_ITERATIONS; 0: no swing runs */
    int first_arg;              /* index in argv of the first positional argument */
    char *command_line; /* "hnsim CMD ..." for the Run sheet; owned, free with cli_options_free */
} cli_options;

/* Help lines for the shared options, printed by each command's --help. */
void cli_options_help(FILE *f);

/*
 * Parses the shared options of command cmd (argv[0] is the command name).
 * Returns -1 to go on, or an exit status to return at once (0 after --help,
 * printed with help(); 2 after a usage error, already printed).
 */
int cli_options_parse(const char *cmd, int argc, char **argv, cli_options *o, void (*help)(FILE *));

/* Most options of a command's own that cli_options_parse_with takes. */
#define CLI_MAX_EXTRA 8

/* A command's own option --NAME VALUE (always with a value), parsed next to the shared ones. */
typedef struct {
    const char *name;   /* long name without "--" */
    const char **value; /* receives the argument as typed; NULL when the option is absent */
} cli_extra_option;

/* cli_options_parse plus n_extra (<= CLI_MAX_EXTRA) options of the command's own. */
int cli_options_parse_with(const char *cmd, int argc, char **argv, cli_options *o,
                           void (*help)(FILE *), const cli_extra_option *extra, int n_extra);

/* Refuses the options that only `run` uses (--swing-iterations): -1 to go on, else exit status 2 (printed). */
int cli_options_only_run(const char *cmd, const cli_options *o);

/* Frees what cli_options_parse allocated. */
void cli_options_free(cli_options *o);

/*
 * Engine options for scenario sc: the command line's values, else the
 * scenario's; with a progress bar on stderr when it is a terminal and the
 * command is not --quiet.
 */
hn_run_opts cli_engine_options(const cli_options *o, const hn_scenario *sc);

/*
 * The output of command cmd: -o, else NAME SUFFIX in the current folder
 * (NAME: the scenario's name, SUFFIX such as ".xlsx"), which must end in
 * .xlsx or .csv. Sets *out (and *owned, to free, when it made the
 * default). Returns -1 to go on, else the exit status (the error printed).
 */
int cli_output_path(const char *cmd, const cli_options *o, const char *name, const char *suffix,
                    char **owned, const char **out);

/* Checks before a run that out can be written and is none of the scenarios' files. */
hn_status cli_check_output(const char *out, const hn_scenario *const *scs, int n, hn_error *err);

/* The origin of a run for the writers, with the storage of its run date (origin points into it: do not copy). */
typedef struct {
    hn_report_origin origin;
    char run_date[32];
} cli_origin;

/* Fills co for a run written to out: the command line of o (borrowed) and the local date and time now ("YYYY-MM-DD HH:MM"). */
void cli_origin_init(cli_origin *co, const cli_options *o, const char *out);

/*
 * The computation of `run` (cli_run.c), which `sweep` shares: runs sc with
 * ro, computes the statistics and, when `sensitivity` is true (the output
 * shows it), sc has sampled inputs and the run is not deterministic, the
 * sensitivity analysis (o's --swing-iterations). On success the caller owns
 * *res, *st and *sens (*sens NULL when not analysed; free with
 * results_free, stats_free, sensitivity_free); on failure all three are
 * NULL and err says why (HN_ERR_INTERRUPTED when the run was stopped).
 */
hn_status cli_run_compute(const hn_scenario *sc, const hn_run_opts *ro, const cli_options *o,
                          bool sensitivity, hn_results **res, hn_stats **st, hn_sensitivity **sens,
                          hn_error *err);

/* "hnsim ARGS..." as typed (words with blanks or quotes quoted), for the Run sheet; caller frees; NULL on OOM. */
char *cli_command_line(int argc, char **argv);

#endif
