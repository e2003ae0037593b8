/*
 * draws.c - binomial and multinomial counts that skip certain outcomes and
 * give GSL's results from constants prepared once per probability
 * (draws.h, decisions P12).
 *
 * The inversion below is the arithmetic of GSL 2.7's gsl_ran_binomial
 * (randist/binomial_tpe.c, "BINV" of Kachitvichyanukul and Schmeiser)
 * written anew: P(0) = q^n as gsl_pow_uint computes it, one uniform u, then while
 * u >= f: u -= f, f *= s (n - x) / (x + 1), at most 111 steps before a
 * fresh uniform; the count is x, or n - x when p was flipped. Every
 * operation is the one GSL performs, in its order and types, so the bits
 * agree; only where the operands come from changes.
 */
#include "model/draws.h"

#include <gsl/gsl_randist.h>
#include <string.h>

#include "model/rng.h"

/* GSL's inversion bound: below this mean it inverts, above it rejects (BTPE). */
#define SMALL_MEAN 14
/* GSL's last step of one inversion walk before it draws a fresh uniform. */
#define WALK_LAST 110

void draws_binom_set(draws_binom *b, double p)
{
    /* The powers are those of q, a function of p: kept while p is the same to the bit (a
     * constant probability keeps them across years and iterations). */
    if (memcmp(&b->pp, &p, sizeof p) != 0) memset(b->have, 0, sizeof b->have);
    b->pp = p;
    b->flip = p > 0.5;
    b->p = b->flip ? 1 - p : p;
    b->q = 1 - b->p;
    b->s = b->p / b->q;
    b->draw = p > 0.0;
}

/*
 * gsl_pow_uint(x, n) to the bit: GSL's square-and-multiply, the same products in the same order,
 * but multiplying by 1.0 (exact) where a bit of n is 0 instead of branching on it.
 */
double draws_pow_uint(double x, unsigned int n)
{
    double v = 1.0;
    do {
        const double by[2] = { 1.0, x };
        v *= by[n & 1u];
        n >>= 1;
        x *= x;
    } while (n);
    return v;
}

/* q^n of b (gsl_pow_uint's bits), from b->pow when n is small and kept there once computed. */
static double pow_q(draws_binom *b, unsigned int n)
{
    if (n >= DRAWS_POW_N) return draws_pow_uint(b->q, n);
    uint64_t bit = UINT64_C(1) << (n % 64);
    if (!(b->have[n / 64] & bit)) {
        b->pow[n] = draws_pow_uint(b->q, n);
        b->have[n / 64] |= bit;
    }
    return b->pow[n];
}

/* gsl_ran_binomial(r, b->pp, n) from b's constants: the same count and uniforms. */
static unsigned int binomial_gsl(gsl_rng *r, draws_binom *b, unsigned int n)
{
    if (n == 0) return 0;
    const double np = n * b->p;
    if (!(np < SMALL_MEAN)) return gsl_ran_binomial(r, b->pp, n);
    const double f0 = pow_q(b, n), s = b->s;
    for (;;) {
        double f = f0;
        double u = rng_uniform(r); /* gsl_rng_uniform */
        for (int ix = 0; ix <= WALK_LAST; ++ix) {
            if (u < f) return b->flip ? n - (unsigned int)ix : (unsigned int)ix;
            u -= f;
            f *= s * (n - (unsigned int)ix) / (ix + 1);
        }
        /* Rounding kept u above the whole walk (u within a few ulps of 1): GSL draws again. */
    }
}

unsigned int draws_binomial(gsl_rng *r, draws_binom *b, unsigned int n)
{
    if (n == 0 || b->pp <= 0) return 0;
    if (b->pp >= 1) return n;
    return binomial_gsl(r, b, n);
}

void draws_multinomial_set(draws_binom *plan, const double *prob, int K)
{
    double norm = 0.0, sum_p = 0.0;
    for (int k = 0; k < K; k++) norm += prob[k];
    for (int k = 0; k < K; k++) {
        draws_binom_set(&plan[k], prob[k] > 0.0 ? prob[k] / (norm - sum_p) : 0.0);
        plan[k].draw = prob[k] > 0.0;
        sum_p += prob[k];
    }
}

void draws_multinomial(gsl_rng *r, unsigned int n, draws_binom *plan, int K, bool any,
                       unsigned int *out)
{
    if (n == 0 || !any) {
        for (int k = 0; k < K - 1; k++) out[k] = 0;
        out[K - 1] = n;
        return;
    }
    unsigned int sum_n = 0;
    for (int k = 0; k < K; k++) {
        out[k] = plan[k].draw ? binomial_gsl(r, &plan[k], n - sum_n) : 0;
        sum_n += out[k];
    }
}
