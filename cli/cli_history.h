/*
 * cli_history.h - what the commands share about a history file: naming
 * another than the scenario's, its help lines and printed summaries.
 */
#ifndef HN_CLI_HISTORY_H
#define HN_CLI_HISTORY_H

#include <stdio.h>

#include "analysis/calibrate.h"
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

/* HN_ERR_USAGE for command cmd when sc has no history (neither its own nor one named). */
hn_status cli_history_required(const hn_scenario *sc, const char *cmd, hn_error *err);

/*
 * Splits --fit's "KEY,KEY" into *keys (n new strings; free with
 * cli_fit_keys_free). HN_ERR_USAGE for an empty key; HN_ERR_NOMEM.
 */
hn_status cli_fit_keys(const char *text, char ***keys, int *n, hn_error *err);

/* Frees what cli_fit_keys allocated. */
void cli_fit_keys_free(char **keys, int n);

/* Labels of the first observed year and the last year fitted ("2012/13") into first and last. */
void cli_fit_years(const hn_scenario *sc, const hn_fit *f, char *first, char *last, size_t cap);

/* Prints the fit table: keys, observations, deviance, dispersion, correlations. */
void cli_print_fit(const hn_scenario *sc, const hn_fit *f, const hn_fit_pair *pairs, int n_pairs);

/* An observation's figure as "exclusions primary" into buf. */
void cli_obs_figure(const hn_scenario *sc, const hn_observation *o, char *buf, size_t cap);

/* Prints one line: how many observations fell inside the projection's P10-P90 band. */
void cli_history_print_summary(const hn_observed *o);

#endif
