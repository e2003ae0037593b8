/*
 * bench_draws.c - what one random draw of the engine's kinds costs on this
 * machine (scripts/bench-draws.sh builds and runs it; docs/performance.md).
 *
 * Times N draws of each kind with the engine's generator (xoshiro256**, as
 * a GSL rng: engine/model/rng.h), GSL's samplers and the engine's
 * (engine/model/draws.h: inversion from the mode, one uniform a draw,
 * decisions P20), with the parameters of the default scenario's typical
 * draws: a uniform; binomials of small means (GSL's inversion) and of a
 * large mean (GSL's BTPE rejection sampler); a 4-outcome multinomial of 20
 * pupils; Poissons of means 8 and 70 (GSL's gamma step above 10); and the
 * engine's costs that a repeated draw hides: a binomial's first draw at a
 * new probability, a Poisson mean's start. Prints
 * nanoseconds per draw (wall clock), GSL's line above the engine's. Exits 1
 * when the generator cannot be allocated.
 */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "model/draws.h"
#include "model/rng.h"

/* Seconds on the monotonic clock. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Prints the cost per draw of n draws that started at t0. */
static void report(const char *what, double t0, long n)
{
    printf("%-36s %8.1f ns\n", what, (now() - t0) / (double)n * 1e9);
}

int main(void)
{
    gsl_rng *r = rng_new();
    if (!r) return 1;
    rng_seek(r, 20261202, 1, rng_name_hash("bench"));
    const long n = 5000000;
    unsigned long sink = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) sink += gsl_rng_get(r);
    report("uniform (xoshiro256**)", t0, n);
    static draws_binom plan[4], b;
    /* One binomial of GSL's and then the engine's, n draws each. */
#define BENCH_BINOMIAL(label, pp, nn)                                         \
    do {                                                                      \
        t0 = now();                                                           \
        for (long i = 0; i < n; i++) sink += gsl_ran_binomial(r, (pp), (nn)); \
        report(label ", GSL", t0, n);                                         \
        draws_binom_set(&b, (pp));                                            \
        t0 = now();                                                           \
        for (long i = 0; i < n; i++) sink += draws_binomial(r, &b, (nn));     \
        report(label ", engine", t0, n);                                      \
    } while (0)
    BENCH_BINOMIAL("binomial(20, 0.1)", 0.1, 20);
    BENCH_BINOMIAL("binomial(60, 0.02)", 0.02, 60);
    BENCH_BINOMIAL("binomial(100, 0.3)", 0.3, 100);
    BENCH_BINOMIAL("binomial(40, 0.45)", 0.45, 40);
    /* A first draw: the probability new every draw (two values a rounding apart, alternated), so
     * that no start is kept: the search up from 0 (as a pool's sampled rate draws each
     * iteration). */
    const double pp2[2] = { 0.1, nextafter(0.1, 1.0) };
    t0 = now();
    for (long i = 0; i < n; i++) {
        draws_binom_set(&b, pp2[i & 1]);
        sink += draws_binomial(r, &b, 20);
    }
    report("binomial(20, 0.1), engine, first draw", t0, n);
    const double p[4] = { 0.1, 0.05, 0.05, 0.8 };
    unsigned int out[4];
    t0 = now();
    for (long i = 0; i < n; i++) {
        gsl_ran_multinomial(r, 4, 20, p, out);
        sink += out[0];
    }
    report("multinomial(20; 4 outcomes), GSL", t0, n);
    draws_multinomial_set(plan, p, 4);
    t0 = now();
    for (long i = 0; i < n; i++) {
        draws_multinomial(r, 20, plan, 4, true, out);
        sink += out[0];
    }
    report("multinomial(20; 4 outcomes), engine", t0, n);
    const double means[2] = { 8.0, 70.0 };
    for (int k = 0; k < 2; k++) {
        char label[64];
        t0 = now();
        for (long i = 0; i < n; i++) sink += gsl_ran_poisson(r, means[k]);
        snprintf(label, sizeof label, "Poisson(%g), GSL", means[k]);
        report(label, t0, n);
        draws_poisson d = { 0 };
        draws_poisson_set(&d, means[k]);
        t0 = now();
        for (long i = 0; i < n; i++) sink += draws_poisson_draw(r, &d);
        snprintf(label, sizeof label, "Poisson(%g), engine", means[k]);
        report(label, t0, n);
        /* Its start and window, computed once a year for the year's three terms. */
        const double mm[2] = { means[k], nextafter(means[k], 0.0) };
        t0 = now();
        for (long i = 0; i < n / 10; i++) {
            draws_poisson_set(&d, mm[i & 1]);
            sink += d.m;
        }
        snprintf(label, sizeof label, "Poisson(%g), engine, its start", means[k]);
        report(label, t0, n / 10);
    }
    gsl_rng_free(r);
    return sink == 42 ? 2 : 0; /* uses the sum, so that no loop is optimised away */
}
