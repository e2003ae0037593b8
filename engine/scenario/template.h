/*
 * template.h - an annotated scenario to start from (`hnsim new`).
 *
 * The template is written from the key tables (keys.h), so that every key
 * of every section type is in it, explained by its own meaning, value and
 * default, and a key added to a table reaches the template in the same
 * change. What the tables do not hold - a coherent set of sections and a
 * plausible value for each key - comes from a table of examples in
 * template.c; a key without an example is written commented out with its
 * default. The result loads and runs as it is (tests/e2e_new.sh), and every
 * value carries the comment "; assumption", which becomes its Source on the
 * Assumptions sheet until the user cites the paper it comes from.
 */
#ifndef HN_TEMPLATE_H
#define HN_TEMPLATE_H

#include "base/hn_error.h"

/*
 * Writes the template of a scenario called name (a valid scenario name:
 * value_is_name), its years starting in start_year (1990..2100), into *out:
 * a new string the caller frees. HN_OK; HN_ERR_USAGE for a name or year
 * that is not valid; HN_ERR_NOMEM.
 */
hn_status scenario_template(const char *name, int start_year, char **out, hn_error *err);

#endif
