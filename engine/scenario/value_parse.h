/*
 * value_parse.h - scenario value text to numbers, lists, distributions and names.
 *
 * A numeric key's text (MODEL.md section 2, docs/decisions.md item 4) is a
 * number, a distribution such as `pert(0.01, 0.02, 0.04)`, or a list of
 * them separated by commas. This module knows the syntax only: it does not
 * know the key, the number of years or the domain, so its messages say what
 * is wrong with the text and what would be valid, and the caller adds the
 * file, line, section and key.
 */
#ifndef HN_VALUE_PARSE_H
#define HN_VALUE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/dist.h"
#include "base/hn_error.h"

/*
 * Parses a number, a distribution or a comma-separated list of them. On
 * success returns HN_OK, *items is a new array of *n >= 1 items (caller
 * frees it with free) whose parameters pass dist_check. On a syntax or
 * parameter error returns HN_ERR_SCENARIO and writes the reason into msg;
 * on allocation failure HN_ERR_NOMEM. *items is NULL on failure.
 */
hn_status value_parse(const char *text, hn_dist **items, int *n, char *msg, size_t cap);

/*
 * The text of item i (0-based) of a value value_parse accepted, as written,
 * without the blanks around it: "pert(8, 10, 14)" is item 0 of
 * "pert(8, 10, 14), 12". For messages that quote a user's value (never
 * rounded: decisions R18). Copies at most cap - 1 bytes into buf, cut on a
 * character boundary; returns buf ("" when there is no item i).
 */
const char *value_item_text(const char *text, int i, char *buf, size_t cap);

/*
 * Parses a whole number written as plain digits (no sign, no separators)
 * into *out. HN_OK, or HN_ERR_SCENARIO with the reason in msg.
 */
hn_status value_parse_uint(const char *text, uint64_t *out, char *msg, size_t cap);

/*
 * Parses "a, b, c": names of [a-z0-9_]+, separated by commas. On success
 * *names is a new array of *n new strings (free with value_free_names).
 * HN_ERR_SCENARIO with the reason in msg, or HN_ERR_NOMEM.
 */
hn_status value_parse_names(const char *text, char ***names, int *n, char *msg, size_t cap);

/* Frees an array from value_parse_names. NULL is fine. */
void value_free_names(char **names, int n);

/* True when s is a non-empty name of lowercase letters, digits and '_'. */
bool value_is_name(const char *s);

#endif
