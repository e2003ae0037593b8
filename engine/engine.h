/*
 * engine.h - running a scenario: many iterations on many threads.
 *
 * engine_run draws each iteration's parameters, simulates it (sim.h) and
 * stores every figure of every iteration, so that statistics are exact and
 * comparisons can pair iterations. Iteration i always uses the streams of
 * (seed, i), so results are bit-for-bit the same whatever the thread count.
 */
#ifndef HN_ENGINE_H
#define HN_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "hn_error.h"
#include "layout.h"
#include "params.h"
#include "scenario.h"

typedef struct {
    long iterations;          /* > 0; ignored (1) when deterministic */
    uint64_t seed;
    int threads;              /* >= 1 */
    bool deterministic;       /* means and expected flows, one iteration */
    volatile sig_atomic_t *stop; /* optional: when it becomes nonzero the run stops with HN_ERR_INTERRUPTED */
    /* Sensitivity swings (sensitivity.h): when hold is set, sampled input hold_input (an index
     * of params_inputs) takes hold_value in every iteration, after the draw, in every year's
     * slot it covers; every other input and flow is drawn as usual. Monte Carlo only. */
    bool hold;
    int hold_input;
    double hold_value;
} hn_run_opts;

/* Every figure of every iteration. */
typedef struct {
    hn_layout layout;         /* owned */
    long n_iter;
    double *values;           /* values[col * n_iter + iter] */
    int *payback_year;        /* per iteration: 1..years, 0 when it never pays back */
    long clamped;             /* money draws clamped to 0, all iterations */
    bool deterministic;
    int threads;
    uint64_t seed;
    double wall_seconds;      /* time spent in engine_run */
    int n_inputs;             /* sampled inputs (params.h); 0 when deterministic */
    hn_input *inputs;
    double *input_values;     /* input_values[k * n_iter + iter]: the value iteration iter drew */
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
hn_status engine_run(const hn_scenario *sc, const hn_run_opts *opts,
                     hn_results **out, hn_error *err);

/* Frees results. NULL is fine. */
void results_free(hn_results *r);

#endif
