/*
 * cli.h - the command-line layer: the only code that prints or exits.
 *
 * main() dispatches to one function per subcommand; each returns an exit
 * status (0, 1, 2 or 130) and prints its own errors as
 *   hnsim: FILE:LINE: [section] key: what is wrong (what would be valid)
 */
#ifndef HN_CLI_H
#define HN_CLI_H

#include <signal.h>

#include "analysis/warnings.h"
#include "base/hn_error.h"
#include "scenario/scenario.h"

/* Set by SIGINT/SIGTERM; the engine polls it. */
extern volatile sig_atomic_t cli_stop;

/* `hnsim run`: returns the exit status. */
int cli_run(int argc, char **argv);

/* `hnsim solve`: returns the exit status. */
int cli_solve(int argc, char **argv);

/* `hnsim backtest`: returns the exit status. */
int cli_backtest(int argc, char **argv);

/* `hnsim calibrate`: returns the exit status. */
int cli_calibrate(int argc, char **argv);

/* `hnsim compare`: returns the exit status. */
int cli_compare(int argc, char **argv);

/* `hnsim sweep`: returns the exit status. */
int cli_sweep(int argc, char **argv);

/* `hnsim check`: returns the exit status. */
int cli_check(int argc, char **argv);

/* `hnsim new`: returns the exit status. */
int cli_new(int argc, char **argv);

/* Prints "hnsim: <message>" to stderr and returns the status's exit code. */
int cli_fail(const hn_error *err);

/* Prints a usage error for subcommand cmd and returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Installs the SIGINT/SIGTERM/SIGHUP handlers: during a run they set
 * cli_stop (and exit after a second if the engine has not stopped); while
 * an output is written they remove its temporary file and exit 130. Also
 * ignores SIGXFSZ so that a file-size limit is an I/O error. Calling it
 * again changes nothing.
 */
void cli_install_signals(void);

/*
 * Call when the run and what is computed from it are done, before writing:
 * later signals exit at once. Returns nonzero when a stop was asked
 * meanwhile (then write nothing and exit with 130).
 */
int cli_signals_run_ended(void);

/* Ends the run's signal handling (cli_signals_run_ended): HN_OK, or HN_ERR_INTERRUPTED in err when a signal came during it. */
hn_status cli_run_ended(hn_error *err);

/*
 * Checks sc for figures that would mislead (analysis/warnings.h) and prints
 * each to stderr as "hnsim: FILE:LINE: warning: [section] key: ...". When
 * out is not NULL the warnings are kept there (the caller frees them with
 * warnings_free), else freed. Returns -1 to go on, 2 when strict and there
 * is a warning (after a closing line saying so), or the exit status of a
 * failure (printed).
 */
int cli_warnings(const hn_scenario *sc, int strict, hn_warnings *out);

/* Parses a whole decimal number in [lo, hi]; false when it is not one. */
int cli_parse_long(const char *s, long long lo, long long hi, long long *out);

/* Parses a whole number in [0, 2^64-1]; false when it is not one. */
int cli_parse_u64(const char *s, unsigned long long *out);

#endif
