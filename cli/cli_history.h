/*
 * cli_history.h - what the commands share about a history file: naming
 * another than the scenario's, its help lines and printed summaries.
 */
#ifndef HN_CLI_HISTORY_H
#define HN_CLI_HISTORY_H

#include <stdio.h>

#include "analysis/observed.h"
#include "base/hn_error.h"
#include "scenario/scenario.h"

/* Help lines for --history. */
void cli_history_help(FILE *f);

/*
 * When path is not NULL, reads it as sc's history (history.h) in place of
 * the one the scenario names. HN_OK, or history_load's errors.
 */
hn_status cli_history_attach(hn_scenario *sc, const char *path, hn_error *err);

/* Prints one line: how many observations fell inside the projection's P10-P90 band. */
void cli_history_print_summary(const hn_observed *o);

#endif
