/*
 * draws.h - the counts a term draws: a binomial and a multinomial that are
 * drawn only when their outcome is uncertain (decisions items 15 and P2),
 * with GSL's results from constants prepared once per probability
 * (decisions P12).
 *
 * Both give exactly GSL's counts and consume exactly GSL's uniforms: a
 * multinomial is GSL's gsl_ran_multinomial (one binomial per outcome of
 * weight > 0, of the outcome's probability conditional on the earlier
 * outcomes), a binomial is GSL's gsl_ran_binomial. What GSL computes on
 * every draw from the probability alone - the conditional probabilities,
 * the flip to min(p, 1 - p), q = 1 - p, s = p / q and q^n for its
 * inversion - is computed once, when the probability is set (a year's
 * parameters: sim_term.c), and q^n is kept per n once computed. Where GSL
 * uses its inversion (n p < 14) the draw is that inversion here, the same
 * arithmetic in the same order, so the same bits; elsewhere (its BTPE
 * rejection sampler) it is GSL's own call. tests/test_draws.c checks both
 * against GSL's, counts and the generator's state after.
 *
 * A multinomial stays one binomial per outcome: for small counts each
 * consumes one uniform whatever the outcome, which keeps two options'
 * streams in step where their counts differ (common random numbers,
 * decisions item 53). A conditional form (the leavers first, then their
 * exits) drew fewer binomials but of larger means, past GSL's inversion
 * into its rejection sampler, whose varying use of uniforms put the
 * options' streams out of step: the standard error of a comparison's
 * saving rose by up to 25% (decisions P2).
 */
#ifndef HN_DRAWS_H
#define HN_DRAWS_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

/* Counts n below this keep their q^n once computed (draws_binom.pow). */
#define DRAWS_POW_N 512

/*
 * A binomial's constants for one probability pp, as GSL derives them on
 * every draw. Set with draws_binom_set or draws_multinomial_set; the
 * draws fill pow (q^n, gsl_pow_uint's bits) as counts come, and they stay
 * while it is set again to the same pp. Zeroed memory is a valid empty
 * one (pp 0, no powers) to set.
 */
typedef struct {
    double pp;                       /* the probability GSL is given */
    double p, q, s;                  /* p = min(pp, 1 - pp) as GSL flips it, 1 - p, p / q */
    bool flip;                       /* pp > 0.5: the draw counts failures */
    bool draw;                       /* a multinomial's outcome of weight > 0 (else count 0) */
    uint64_t have[DRAWS_POW_N / 64]; /* bit n set: pow[n] holds q^n */
    double pow[DRAWS_POW_N];
} draws_binom;

/* x^n with exactly gsl_pow_uint's result (its products in its order, without its branches). */
double draws_pow_uint(double x, unsigned int n);

/* Prepares b for binomials of probability p (draws_binomial). Never fails. */
void draws_binom_set(draws_binom *b, double p);

/*
 * Binomial(n, p) of b's p: 0 when n is 0 or p <= 0 and n when p >= 1
 * without a draw; GSL's gsl_ran_binomial(r, p, n) otherwise, counts and
 * uniforms alike. Never fails.
 */
unsigned int draws_binomial(gsl_rng *r, draws_binom *b, unsigned int n);

/*
 * Prepares plan[0..K) for multinomials over K outcomes with probabilities
 * prob[0..K) (weights as GSL takes them; the last is "stay"). Never fails.
 */
void draws_multinomial_set(draws_binom *plan, const double *prob, int K);

/*
 * Multinomial of n over the K outcomes plan was set for, into out[0..K).
 * Without a draw when n is 0 or `any` is false (only "stay" is possible):
 * everyone stays. Otherwise GSL's gsl_ran_multinomial(r, K, n, prob, out),
 * counts and uniforms alike. Never fails.
 */
void draws_multinomial(gsl_rng *r, unsigned int n, draws_binom *plan, int K, bool any,
                       unsigned int *out);

#endif
