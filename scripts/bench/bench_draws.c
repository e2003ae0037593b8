/*
 * bench_draws.c - what one random draw of the engine's kinds costs on this
 * machine (scripts/bench-draws.sh builds and runs it; docs/performance.md).
 *
 * Times N draws of each kind with the engine's generator (xoshiro256**, as
 * a GSL rng: engine/model/rng.h) and GSL's samplers, with the parameters of
 * the default scenario's typical draws: a uniform; a binomial of a small
 * mean (GSL's inversion); one of a large mean (its BTPE rejection
 * sampler); a 4-outcome multinomial of 20 pupils; a Poisson of mean 8;
 * and the engine's prepared samplers (engine/model/draws.h: GSL's counts
 * from constants set once per probability) for the same binomial and
 * multinomial. Prints nanoseconds per draw (wall clock). Exits 1 when the generator
 * cannot be allocated.
 */
#include <gsl/gsl_randist.h>
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
    t0 = now();
    for (long i = 0; i < n; i++) sink += gsl_ran_binomial(r, 0.1, 20);
    report("binomial(20, 0.1), inversion", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++) sink += gsl_ran_binomial(r, 0.02, 60);
    report("binomial(60, 0.02), inversion", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++) sink += gsl_ran_binomial(r, 0.3, 100);
    report("binomial(100, 0.3), BTPE", t0, n);
    const double p[4] = { 0.1, 0.05, 0.05, 0.8 };
    unsigned int out[4];
    t0 = now();
    for (long i = 0; i < n; i++) {
        gsl_ran_multinomial(r, 4, 20, p, out);
        sink += out[0];
    }
    report("multinomial(20; 4 outcomes)", t0, n);
    static draws_binom plan[4], b;
    draws_multinomial_set(plan, p, 4);
    t0 = now();
    for (long i = 0; i < n; i++) {
        draws_multinomial(r, 20, plan, 4, true, out);
        sink += out[0];
    }
    report("multinomial(20; 4 outcomes), prepared", t0, n);
    draws_binom_set(&b, 0.1);
    t0 = now();
    for (long i = 0; i < n; i++) sink += draws_binomial(r, &b, 20);
    report("binomial(20, 0.1), prepared", t0, n);
    t0 = now();
    for (long i = 0; i < n; i++) sink += gsl_ran_poisson(r, 8.0);
    report("Poisson(8)", t0, n);
    gsl_rng_free(r);
    return sink == 42 ? 2 : 0; /* uses the sum, so that no loop is optimised away */
}
