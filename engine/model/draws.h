/*
 * draws.h - the counts a term draws: binomials, multinomials and Poisson
 * referrals by inversion from the mode, one uniform a draw (decisions P20),
 * drawn only when their outcome is uncertain (decisions items 15 and P2).
 *
 * A binomial's or Poisson's count is the inverse of its distribution
 * function at one uniform u: the smallest k with u < F(k). A binomial's
 * first draw of a count at a probability searches up from 0, each step one
 * multiplication by the ratio of neighbouring probabilities, and keeps
 * P(m) and F(m) at the mode m when it passes it; later draws of that count
 * read a window of F about the mode or walk down or up from it (about 0.8
 * standard deviations of steps). A Poisson's start is computed once per
 * mean and used the same way. A multinomial is the chain of conditional
 * binomials GSL's gsl_ran_multinomial draws (outcome k given the earlier
 * ones), except the last ("stay"), which takes the rest without a draw.
 *
 * One uniform a draw, whatever the count, keeps two options' streams in
 * step where their counts differ (common random numbers, decisions item 53
 * and P2): a multinomial consumes one uniform per outcome of weight > 0 but
 * the last, a function of its probabilities only. GSL's samplers (before
 * P20) used a varying number above a mean of 14 (its BTPE rejection
 * sampler and its Poisson's gamma step). Means too large for the walk to
 * be cheap (a binomial of over DRAWS_POW_N pupils with a mean above
 * DRAWS_WALK_MEAN, a Poisson mean above DRAWS_POISSON_MEAN, met only by
 * very large pools) are still GSL's gsl_ran_binomial and gsl_ran_poisson.
 *
 * tests/test_draws.c checks each count against the distribution function
 * (GSL's gsl_cdf_*) at uniforms placed on and beside its steps, the one
 * uniform a draw, and the multinomial's moments.
 */
#ifndef HN_DRAWS_H
#define HN_DRAWS_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

/* Counts n below this keep their start (the mode's P and F) once computed. */
#define DRAWS_POW_N 512
/* A binomial of DRAWS_POW_N pupils or more inverts while its mean is below this. */
#define DRAWS_WALK_MEAN 32.0
/* A Poisson inverts while its mean is at most this (e^-mean stays a normal double). */
#define DRAWS_POISSON_MEAN 600.0

/* Counts around the mode whose distribution function a kept start holds (draws_start.win). */
#define DRAWS_WIN 8
/* The same for a Poisson's mean (draws_poisson.win): its three terms' draws share it. */
#define DRAWS_PWIN 16

/*
 * Where the inversion of n draws at one probability starts: the mode m and
 * P(m), F(m); and, once the start has served a draw, the distribution
 * function over a window of counts about the mode, win[j] = F(lo - 1 + j)
 * (-1 for F(-1), 2 for F(n) and past it), so that most draws count the
 * window's values at or below u instead of walking (decisions P20).
 */
typedef struct {
    double f, c;
    double win[DRAWS_WIN + 1];
    uint32_t gen;     /* the draws_binom's gen when this was computed; else it holds nothing */
    uint32_t m;       /* floor((n + 1) p), at most n */
    uint32_t lo;      /* the window's first count: m - DRAWS_WIN / 2 + 1, at least 0 */
    uint32_t win_gen; /* gen when win was filled for this start, else 0: one comparison tells a
                       * draw that its window is current (decisions P33) */
} draws_start;

/*
 * A binomial's constants for one probability pp, and the start of its
 * inversion per count n kept while pp stays set. Set with draws_binom_set
 * or draws_multinomial_set. Zeroed memory is a valid empty one (pp 0,
 * nothing kept) to set.
 */
typedef struct {
    double pp;     /* the probability given */
    double p, s;   /* p = min(pp, 1 - pp), s = p / (1 - p) */
    bool flip;     /* pp > 0.5: the draw counts failures */
    bool draw;     /* a multinomial's outcome of weight > 0 (else count 0) */
    bool last;     /* a multinomial's last outcome of weight > 0: it takes the rest */
    double weight; /* a multinomial's: the weight it was set for (the same again: nothing to set) */
    uint32_t gen;  /* changes with pp (never 0 once set), so every kept start goes stale */
    draws_start start[DRAWS_POW_N]; /* start[n]: n's, when its gen is gen */
} draws_binom;

/* A Poisson's mean and the start of its inversion. Set with draws_poisson_set. */
typedef struct {
    double mean;
    unsigned int m;             /* floor(mean), the mode */
    unsigned int lo;            /* the window's first count: m - DRAWS_PWIN / 2 + 1, at least 0 */
    double f, c;                /* P(m) and F(m) */
    double win[DRAWS_PWIN + 1]; /* F(lo - 1 + j), -1 for F(-1) (as draws_start's) */
} draws_poisson;

/* x^n with exactly gsl_pow_uint's result (its products in its order, without its branches). */
double draws_pow_uint(double x, unsigned int n);

/* Prepares b for binomials of probability p (draws_binomial); the starts kept stay when p is
 * the one b was set for, to the bit. Never fails. */
void draws_binom_set(draws_binom *b, double p);

/*
 * Binomial(n, p) of b's p: 0 when n is 0 or p <= 0 and n when p >= 1
 * without a draw; otherwise the inverse of its distribution function at one
 * uniform of r (GSL's gsl_ran_binomial past the walk's range, see above).
 * Never fails.
 */
unsigned int draws_binomial(gsl_rng *r, draws_binom *b, unsigned int n);

/*
 * The same count for the uniform u in [0, 1) instead of a draw (n > 0 and
 * 0 < p < 1, within the walk's range): what draws_binomial returns when r's
 * next uniform is u. For the tests and benchmarks.
 */
unsigned int draws_binomial_at(draws_binom *b, unsigned int n, double u);

/*
 * Prepares plan[0..K) for multinomials over K outcomes with probabilities
 * prob[0..K) (weights as GSL takes them; the last is "stay"). Never fails.
 */
void draws_multinomial_set(draws_binom *plan, const double *prob, int K);

/*
 * Multinomial of n over the K outcomes plan was set for, into out[0..K).
 * Without a draw when n is 0 or `any` is false (only "stay" is possible):
 * everyone stays. Otherwise outcome k < K - 1 is a binomial (draws_binomial)
 * of those not yet placed with k's probability given the earlier outcomes',
 * and the last takes the rest. Never fails.
 */
void draws_multinomial(gsl_rng *r, unsigned int n, draws_binom *plan, int K, bool any,
                       unsigned int *out);

/* Prepares d for Poisson draws of mean `mean` (>= 0; kept when it is the mean d has, to the
 * bit). Never fails. */
void draws_poisson_set(draws_poisson *d, double mean);

/* Poisson of d's mean: 0 without a draw when the mean is 0; otherwise the inverse of its
 * distribution function at one uniform of r (GSL's gsl_ran_poisson past DRAWS_POISSON_MEAN).
 * Never fails. */
unsigned int draws_poisson_draw(gsl_rng *r, draws_poisson *d);

/* The same count for the uniform u in [0, 1) (mean in (0, DRAWS_POISSON_MEAN]). For the tests. */
unsigned int draws_poisson_at(const draws_poisson *d, double u);

#endif
