/*
 * engine.h - running a scenario: many iterations on many threads.
 *
 * engine_run draws each iteration's parameters, simulates it (sim.h) and
 * stores every figure of every iteration, so that statistics are exact and
 * comparisons can pair iterations. Iteration i always uses the streams of
 * (seed, i), so results are bit-for-bit the same whatever the thread count.
 *
 * A run goes in blocks of iterations (one block unless a target standard
 * error is set). For each block the engine first draws every sampled
 * input for all its iterations (plain Monte Carlo from the streams of
 * (seed, i), or a Latin hypercube per input), imposes the scenario's rank
 * correlations by reordering the correlated inputs' values across the
 * block (correlation.h), and only then simulates iteration i with row i.
 */
#ifndef HN_ENGINE_H
#define HN_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/hn_error.h"
#include "model/layout.h"
#include "model/params.h"
#include "scenario/scenario.h"

/* How the sampled inputs are drawn. */
typedef enum {
    HN_SAMPLING_MC = 0, /* plain Monte Carlo: independent draws per iteration */
    HN_SAMPLING_LHS     /* Latin hypercube per block (sampling.h) */
} hn_sampling;

/* Name of a sampling method as on the command line ("mc", "lhs"). */
const char *sampling_name(hn_sampling s);

/* Called by engine_run from the calling thread, at most about 10 times a second. */
typedef void (*hn_progress_fn)(void *user, long done, long total);

/*
 * Called by an analysis that runs the scenario again (sensitivity's held
 * runs), from the calling thread: what it is doing ("sensitivity: held
 * runs"), runs done out of total; done == 0 as it starts, done == total
 * when it ends.
 */
typedef void (*hn_phase_fn)(void *user, const char *phase, long done, long total);

typedef struct {
    long iterations; /* > 0; ignored (1) when deterministic; with a target, the block size */
    uint64_t seed;
    int threads;        /* >= 1 */
    bool deterministic; /* means and expected flows, one iteration */
    volatile sig_atomic_t
        *stop; /* optional: when it becomes nonzero the run stops with HN_ERR_INTERRUPTED */
    hn_sampling sampling;       /* default (0): plain Monte Carlo */
    double target_se_pct;       /* > 0: add blocks of `iterations` until the standard error of the
                                 mean net cost over all years is at most this % of the mean */
    long max_iterations;        /* with a target: the most iterations (0: 10 x iterations) */
    hn_progress_fn progress;    /* optional: iterations simulated so far, out of total (with a
                                 target, total is the most; the last call has done == total) */
    void *progress_user;        /* passed to progress and phase_progress */
    hn_phase_fn phase_progress; /* optional: the runs of a later phase (sensitivity), whose
                                   own runs then call no `progress` */
    /* Optional: n_fixed sampled inputs that take a fixed value in every iteration in place of
     * their draw (params_fix), every other input and flow drawn as usual; the fixed inputs are
     * still drawn, so no other draw moves. Monte Carlo only (HN_ERR_USAGE otherwise, and for
     * an index that is not an input or a value that is not finite). */
    const hn_fixed_input *fixed;
    int n_fixed;
} hn_run_opts;

/* One block of a run and where the estimate stood after it. */
typedef struct {
    long size;   /* iterations in the block */
    long total;  /* iterations up to the end of the block */
    double mean; /* running mean of the net cost over all years after the block */
    double se;   /* its standard error, sd / sqrt(total) (INFINITY below 2) */
} hn_block;

/* Every figure of every iteration. */
typedef struct {
    hn_layout layout; /* owned */
    long n_iter;
    double *values;    /* values[col * n_iter + iter] */
    int *payback_year; /* per iteration: 1..years, 0 when it never pays back (accounts_payback) */
    long clamped;      /* money draws clamped to 0, all iterations */
    long rate_clamped; /* rate draws below -1 clamped to -1 (decisions R16), all iterations */
    bool deterministic;
    int threads;
    uint64_t seed;
    double wall_seconds; /* time spent in engine_run */
    int n_inputs;        /* sampled inputs (params.h); 0 when deterministic */
    hn_input *inputs;
    double *input_values; /* input_values[k * n_iter + iter]: the value iteration iter drew */
    hn_sampling sampling;
    double target_se_pct; /* 0 when the run had no target */
    long max_iterations;  /* with a target: the most it could take; else n_iter */
    bool converged;       /* with a target: the standard error reached it */
    int n_blocks;
    hn_block *blocks; /* the run's blocks in order (deterministic: one) */
} hn_results;

/* Value sampled input k took in iteration i. */
static inline double results_input(const hn_results *r, int k, long i)
{
    return r->input_values[(long)k * r->n_iter + i];
}

/* Value of column col in iteration i. */
static inline double results_get(const hn_results *r, int col, long i)
{
    return r->values[(long)col * r->n_iter + i];
}

/* Bytes engine_run would allocate for these options (for the up-front memory check). */
double engine_memory_estimate(const hn_scenario *sc, const hn_run_opts *opts);

/*
 * Runs the scenario. On success *out is new results the caller frees with
 * results_free. Fails with HN_ERR_NOMEM, HN_ERR_LIMIT, HN_ERR_INTERRUPTED or
 * HN_ERR_INTERNAL (thread creation), *out NULL.
 */
hn_status engine_run(const hn_scenario *sc, const hn_run_opts *opts, hn_results **out,
                     hn_error *err);

/* Frees results. NULL is fine. */
void results_free(hn_results *r);

#endif
