/*
 * draws.c - binomial and multinomial counts that skip certain outcomes (draws.h).
 */
#include "model/draws.h"

#include <gsl/gsl_randist.h>

unsigned int draws_binomial(gsl_rng *r, unsigned int n, double p)
{
    if (n == 0 || p <= 0) return 0;
    if (p >= 1) return n;
    return gsl_ran_binomial(r, p, n);
}

void draws_multinomial(gsl_rng *r, unsigned int n, const double *prob, int K, bool any,
                       unsigned int *out)
{
    if (n == 0 || !any) {
        for (int k = 0; k < K - 1; k++) out[k] = 0;
        out[K - 1] = n;
        return;
    }
    gsl_ran_multinomial(r, (size_t)K, n, prob, out);
}
