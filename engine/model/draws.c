/*
 * draws.c - binomial and conditional-form multinomial counts (draws.h).
 */
#include "model/draws.h"

#include <gsl/gsl_randist.h>

unsigned int draws_binomial(gsl_rng *r, unsigned int n, double p)
{
    if (n == 0 || p <= 0) return 0;
    if (p >= 1) return n;
    return gsl_ran_binomial(r, p, n);
}

void draws_conditional_form(const double *prob, int K, double *cond, double *total)
{
    double rest = 0;
    int last = -1;
    for (int k = 0; k < K - 1; k++) {
        rest += prob[k];
        if (prob[k] > 0) last = k;
    }
    *total = rest < 0 ? 0 : (rest < 1 ? rest : 1);
    for (int k = 0; k < K - 1; k++) {
        double c = rest > 0 ? prob[k] / rest : 0;
        cond[k] = k > last ? 0 : (k == last ? 1 : (c < 0 ? 0 : (c > 1 ? 1 : c)));
        rest -= prob[k];
    }
}

void draws_multinomial(gsl_rng *r, unsigned int n, const double *cond, double total, int K,
                       unsigned int *out)
{
    unsigned int leave = draws_binomial(r, n, total);
    out[K - 1] = n - leave;
    for (int k = 0; k < K - 1; k++) {
        unsigned int c = leave > 0 ? draws_binomial(r, leave, cond[k]) : 0;
        out[k] = c;
        leave -= c;
    }
}
