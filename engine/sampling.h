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
 * block, input name).
 */
#ifndef HN_SAMPLING_H
#define HN_SAMPLING_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "dist.h"

/* Stream-name hash of input `name`'s Latin hypercube stream ("lhs." + name). */
uint64_t sampling_lhs_stream(const char *name);

/*
 * Writes a Latin hypercube sample of d over n iterations to col[0..n-1],
 * drawing from stream (seed, block, stream) with the scratch generator r
 * (type hn_rng_xoshiro256). Raw values: nothing rounded or clamped.
 */
void sampling_lhs_column(const hn_dist *d, uint64_t seed, uint64_t block, uint64_t stream,
                         gsl_rng *r, double *col, long n);

#endif
