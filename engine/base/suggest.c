/*
 * suggest.c - edit distance and the choice of a "did you mean" candidate.
 * The distance is the optimal string alignment variant of Damerau-
 * Levenshtein, computed with three rolling rows on the stack.
 */
#include "base/suggest.h"

#include <string.h>

#define SUGGEST_MAX 255

int suggest_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > SUGGEST_MAX || nb > SUGGEST_MAX) return 1000;
    int rows[3][SUGGEST_MAX + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= nb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = prev[j] + 1;                                   /* deletion */
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;         /* insertion */
            if (prev[j - 1] + cost < best) best = prev[j - 1] + cost; /* substitution */
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1; /* transposition */
            cur[j] = best;
        }
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}

const char *suggest_best(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word);
    int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    int best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i]) continue;
        int d = suggest_distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}
