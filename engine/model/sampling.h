/*
 * sampling.h - Latin hypercube sampling of one input over a block of
 * iterations.
 *
 * Plain Monte Carlo draws each input independently in every iteration
 * (params_draw_inputs). A Latin hypercube of n iterations instead splits
 * the input's distribution into n strata of equal probability and draws
 * exactly one value in each: stratum j's uniform is (j + U_j) / n with U_j
 * from the input's own stream, the n uniforms are shuffled across the
 * iterations from the same stream, and each goes through the inverse CDF
 * (dist_quantile). Every input has its own stream, so the strata of two
 * inputs pair at random, and a block's sample depends only on (seed,
 * block, input name). The two steps are apart so that a run can shuffle
 * each input's uniforms (cheap, sequential) and then take the quantiles
 * (a few microseconds each for pert and beta) in parallel over iterations.
 */
#ifndef HN_SAMPLING_H
#define HN_SAMPLING_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Stream-name hash of input `name`'s Latin hypercube stream ("lhs." + name). */
uint64_t sampling_lhs_stream(const char *name);

/*
 * Writes one input's Latin hypercube uniforms over n iterations to
 * u[0..n-1]: one in each stratum (j/n, (j+1)/n), strictly inside (0, 1),
 * shuffled; from stream (seed, block, stream) with the scratch generator r
 * (type hn_rng_xoshiro256). dist_quantile turns them into the sample.
 */
void sampling_lhs_uniforms(uint64_t seed, uint64_t block, uint64_t stream, gsl_rng *r, double *u,
                           long n);

#endif
