/*
 * warnings.h - figures that would mislead a committee although the scenario
 * is valid: a baseline in the wrong units, a list that is one number with
 * thousands separators, places that cost nothing (issue 10; decisions
 * item F8).
 *
 * The loader refuses what is wrong; these are what is probably a mistake.
 * `check` and `run` print each as
 *   hnsim: FILE:LINE: warning: [section] key: what looks wrong
 * list them on the Run sheet, and keep their exit status, unless --strict
 * makes them errors (exit 2).
 */
#ifndef HN_WARNINGS_H
#define HN_WARNINGS_H

#include "base/hn_error.h"
#include "scenario/scenario.h"

/* One warning, pointing at the line it is about (file "" and line 0 when none). */
typedef struct {
    char file[512];
    int line;
    char section[128];
    char key[128];
    char text[768]; /* what looks wrong and what to write instead */
} hn_warning;

/* The warnings of one scenario, in the order of the checks. */
typedef struct {
    hn_warning *items; /* owned; NULL when there are none */
    int n;
} hn_warnings;

/*
 * Checks sc and fills *out with its warnings (zero or more; the caller frees
 * them with warnings_free). Runs sc once deterministically for the planned
 * year-1 net cost. On failure (HN_ERR_NOMEM, or the deterministic run's own
 * error) fills err and leaves *out empty.
 */
hn_status warnings_collect(const hn_scenario *sc, hn_warnings *out, hn_error *err);

/* Frees what warnings_collect allocated and empties w. NULL is fine. */
void warnings_free(hn_warnings *w);

/* Writes "FILE:LINE: warning: [section] key: text" into buf (always terminated). */
void warning_format(const hn_warning *w, char *buf, size_t cap);

#endif
