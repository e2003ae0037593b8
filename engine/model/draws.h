/*
 * draws.h - the counts a term draws: a binomial that is drawn only when its
 * outcome is uncertain, and a multinomial drawn in its conditional form so
 * that it costs what it must (decisions item P2).
 *
 * A multinomial of n over K outcomes whose last is "stay" is the same
 * distribution as: the leavers L ~ binomial(n, P(not stay)), then outcome 0
 * ~ binomial(L, cond[0]), outcome 1 ~ binomial(L - outcome 0, cond[1]), ...,
 * with cond[k] = P(outcome k | one of outcomes k..K-2). Drawn that way, a
 * cell nobody leaves costs one draw instead of K - 1 (GSL's
 * gsl_ran_multinomial draws every outcome, even when none is left to
 * place), and the draws stop as soon as every leaver is placed.
 */
#ifndef HN_DRAWS_H
#define HN_DRAWS_H

#include <gsl/gsl_rng.h>

/* Binomial(n, p): 0 when n is 0 or p <= 0 and n when p >= 1 without a draw; GSL's otherwise. */
unsigned int draws_binomial(gsl_rng *r, unsigned int n, double p);

/*
 * The conditional form of the probabilities prob[0..K) of K outcomes (the
 * last is "stay"; K >= 2): *total = P(one of the first K-1), clamped to
 * [0, 1], and cond[0..K-1) as above. The last of the first K-1 with a
 * positive probability gets cond exactly 1, the ones after it 0, so that
 * every leaver is placed. Caller's arrays; never fails.
 */
void draws_conditional_form(const double *prob, int K, double *cond, double *total);

/*
 * One multinomial draw of n over K outcomes in conditional form (cond and
 * total from draws_conditional_form): counts into out[0..K), out[K-1]
 * staying. Consumes nothing when the outcome is certain (n 0, total 0 or
 * a single possible exit taking everyone).
 */
void draws_multinomial(gsl_rng *r, unsigned int n, const double *cond, double total, int K,
                       unsigned int *out);

#endif
