/*
 * cli_progress.h - the progress bar of a long run, on stderr.
 *
 * The engine reports how many iterations are done through a callback
 * (hn_run_opts.progress, from the calling thread, at most about ten times
 * a second); this draws it as one line on stderr, rewritten in place, that
 * names the phase:
 *   run [##########..........]  50%  45,000 of 90,000 iterations, 21,400/s, 2 s left
 * `compare` names the option being run instead of "run" (cli_progress_name):
 *   option 2/4 bromley_ap_plan [####................]  20%  ...
 * A later phase that runs the scenario again reports whole runs
 * (hn_run_opts.phase_progress) and gets the same kind of line:
 *   sensitivity: held runs 12/260 [#...................]   4%, 1 min 05 s left
 * Nothing is drawn until the run has lasted a second, so short runs stay
 * quiet, and the line is erased when the run ends (or before an error is
 * printed). cli_engine_options installs it only when stderr is a terminal
 * and the command is not --quiet.
 */
#ifndef HN_CLI_PROGRESS_H
#define HN_CLI_PROGRESS_H

#include <stdbool.h>

/* User pointer for cli_progress_update: the total is exact, or (with a target) the most. */
void *cli_progress_style(bool total_is_most);

/* hn_progress_fn: draws or erases the bar (done == 0 starts a run's clock, done == total ends it). */
void cli_progress_update(void *user, long done, long total);

/* hn_phase_fn: the bar of a phase counted in runs (done == 0 starts its clock, == total ends it). */
void cli_progress_phase(void *user, const char *phase, long done, long total);

/* Names the runs that follow in their bar ("option 2/4 NAME"; NULL or "": "run"); the name is copied. */
void cli_progress_name(const char *name);

/* Erases the bar when one is shown (call before printing to the terminal). */
void cli_progress_clear(void);

#endif
