/*
 * sampling.c - the uniforms of a Latin hypercube (sampling.h).
 *
 * A stratum's uniform is kept strictly inside (0, 1): (j + U) / n can round
 * up to 1 for the last stratum, where an unbounded distribution's quantile
 * would be infinite, so it is pulled back to the largest double below 1.
 */
#include "model/sampling.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>

#include "model/rng.h"

uint64_t sampling_lhs_stream(const char *name)
{
    char buf[256];
    snprintf(buf, sizeof buf, "lhs.%s", name);
    return rng_name_hash(buf);
}

void sampling_lhs_uniforms(uint64_t seed, uint64_t block, uint64_t stream, gsl_rng *r, double *u,
                           long n)
{
    rng_seek(r, seed, block, stream);
    const double below_one = nextafter(1.0, 0.0);
    for (long j = 0; j < n; j++) {
        double v = ((double)j + gsl_rng_uniform_pos(r)) / (double)n;
        u[j] = v < below_one ? v : below_one;
    }
    gsl_ran_shuffle(r, u, (size_t)n, sizeof *u);
}
