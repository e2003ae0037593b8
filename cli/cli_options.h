/*
 * cli_options.h - the options that `run` and every command built on it
 * (compare, solve) share, and what they turn into: engine options, the
 * checked output path and the writers' description of a run.
 */
#ifndef HN_CLI_OPTIONS_H
#define HN_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "model/engine.h"
#include "report.h"
#include "scenario/scenario.h"

#define CLI_MAX_ITERATIONS 100000000LL
#define CLI_MAX_THREADS    256

typedef enum { CLI_OUT_XLSX, CLI_OUT_CSV } cli_out_format;

/* What the shared options said. */
typedef struct {
    const char *out;      /* -o, or NULL for the default */
    long long iterations; /* -1: the scenario's */
    long long threads;    /* -1: online processors */
    unsigned long long seed;
    bool have_seed;
    bool deterministic;
    bool quiet;
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

/* Format of an output path from its extension; false when neither .xlsx nor .csv. */
bool cli_output_format(const char *path, cli_out_format *fmt);

/* Checks before a run that out can be written and is none of the scenarios' files. */
hn_status cli_check_output(const char *out, const hn_scenario *const *scs, int n, hn_error *err);

/* Fills the writers' description of a run of sc; borrowed pointers live as long as sc, res and o. */
void cli_fill_meta(hn_report_meta *m, const hn_scenario *sc, const hn_results *res,
                   const cli_options *o, const char *run_date);

/* "hnsim ARGS..." as typed (words with blanks or quotes quoted), for the Run sheet; caller frees; NULL on OOM. */
char *cli_command_line(int argc, char **argv);

/* Local date and time "YYYY-MM-DD HH:MM" into buf. */
void cli_run_date(char *buf, size_t cap);

#endif
