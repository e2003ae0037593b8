/*
 * draws.h - the counts a term draws: a binomial and a multinomial that are
 * drawn only when their outcome is uncertain (decisions items 15 and P2).
 *
 * Both are GSL's samplers. A multinomial stays GSL's, one binomial per
 * outcome: for small counts each consumes one uniform whatever the outcome,
 * which keeps two options' streams in step where their counts differ
 * (common random numbers, decisions item 53). A conditional form (the
 * leavers first, then their exits) drew fewer binomials but of larger
 * means, past GSL's inversion into its rejection sampler, whose varying use
 * of uniforms put the options' streams out of step: the standard error of a
 * comparison's saving rose by up to 25% (decisions P2).
 */
#ifndef HN_DRAWS_H
#define HN_DRAWS_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* Binomial(n, p): 0 when n is 0 or p <= 0 and n when p >= 1 without a draw; GSL's otherwise. */
unsigned int draws_binomial(gsl_rng *r, unsigned int n, double p);

/*
 * Multinomial of n over K outcomes with probabilities prob[0..K) (summing
 * to 1; the last is "stay") into out[0..K). Without a draw when n is 0 or
 * `any` is false (only "stay" is possible): everyone stays. Never fails.
 */
void draws_multinomial(gsl_rng *r, unsigned int n, const double *prob, int K, bool any,
                       unsigned int *out);

#endif
