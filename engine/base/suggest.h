/*
 * suggest.h - "did you mean": the closest known name to a misspelt one.
 *
 * Unknown keys, sections, provisions, segments and distribution names are
 * errors; when a known name is within a small edit distance (insertions,
 * deletions, substitutions and swaps of adjacent characters), the message
 * offers it.
 */
#ifndef HN_SUGGEST_H
#define HN_SUGGEST_H

#include <stddef.h>

/*
 * Optimal string alignment distance between a and b (Levenshtein plus
 * adjacent transpositions). Returns a large number (>= 1000) for strings
 * longer than 255 bytes, which are never close to anything we know.
 */
int suggest_distance(const char *a, const char *b);

/*
 * The candidate closest to word when it is close enough to be a plausible
 * typo (distance <= 1 for words up to 4 characters, <= 2 up to 8, else <= 3),
 * the first of equals in candidate order; NULL when none is. NULL entries in
 * cands are skipped. The result points into cands (not owned).
 */
const char *suggest_best(const char *word, const char *const *cands, size_t n);

#endif
