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

/*
 * One segment of a streamed run's figures (hn_run_opts.segment): iterations
 * first..first+count-1, column c's values at values[c * stride + i] and
 * sampled input k's used values at inputs[k * stride + i] (i in 0..count),
 * their payback years at payback[i]. Borrowed: valid only during the call.
 */
typedef struct {
    long first, count, stride;
    const double *values;
    const double *inputs; /* NULL when the run has no sampled inputs */
    const int *payback;
    bool block_end; /* the segment ends one of the run's blocks */
} hn_run_part;

/*
 * Receives a streamed run's segments in iteration order, from the calling
 * thread, on every process; may use up to `threads` threads. A failure
 * (not HN_OK, err set) ends the run with that status.
 */
typedef hn_status (*hn_part_fn)(void *user, const hn_run_part *seg, int threads, hn_error *err);

/* Iterations in one segment of a streamed run (decisions P13). */
#define HN_PART_ITERATIONS 8192L

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
    /* Optional: a streamed run (bounded memory, decisions P13). The figures go to `segment` in
     * segments of HN_PART_ITERATIONS as they are simulated, and the results keep only the
     * first `keep` iterations (n_kept) and the convergence curve. Blocks longer than a segment
     * draw their Latin hypercube and impose their correlations per segment. */
    hn_part_fn segment;
    void *segment_user;
    long keep;
    /* Bytes the segment sink holds after n iterations of n_cols figures, for the up-front
     * memory check (NULL: none). */
    double (*segment_need)(int n_cols, long n);
} hn_run_opts;

/* One block of a run and where the estimate stood after it. */
typedef struct {
    long size;   /* iterations in the block */
    long total;  /* iterations up to the end of the block */
    double mean; /* running mean of the net cost over all years after the block */
    double se;   /* its standard error, sd / sqrt(total) (INFINITY below 2) */
} hn_block;

/* One point of the convergence curve. */
typedef struct {
    long iterations; /* iterations 0..iterations-1 counted */
    double mean, se; /* their running mean and its standard error */
} hn_conv_point;

/* Every figure of every iteration kept (all of them unless the run was streamed). */
typedef struct {
    hn_layout layout;  /* owned */
    long n_iter;       /* iterations run */
    long n_kept;       /* iterations stored: n_iter, or a streamed run's first `keep` */
    double *values;    /* values[col * n_kept + iter] */
    int *payback_year; /* per kept iteration: 1..years, 0 when it never pays back */
    long clamped;      /* money draws clamped to 0, all iterations */
    long rate_clamped; /* rate draws below -1 clamped to -1 (decisions R16), all iterations */
    bool deterministic;
    int threads;
    uint64_t seed;
    double wall_seconds; /* time spent in engine_run */
    int n_inputs;        /* sampled inputs (params.h); 0 when deterministic */
    hn_input *inputs;
    double *input_values; /* input_values[k * n_kept + iter]: the value iteration iter drew */
    hn_sampling sampling;
    double target_se_pct; /* 0 when the run had no target */
    long max_iterations;  /* with a target: the most it could take; else n_iter */
    bool converged;       /* with a target: the standard error reached it */
    int n_blocks;
    hn_block *blocks; /* the run's blocks in order (deterministic: one) */
    int n_curve;      /* a streamed run's convergence curve (convergence.h), else 0 */
    hn_conv_point *curve;
} hn_results;

/* Value sampled input k took in kept iteration i. */
static inline double results_input(const hn_results *r, int k, long i)
{
    return r->input_values[(long)k * r->n_kept + i];
}

/* Value of column col in kept iteration i. */
static inline double results_get(const hn_results *r, int col, long i)
{
    return r->values[(long)col * r->n_kept + i];
}

/* Bytes one stored iteration of sc takes: its figures, its payback year and its sampled inputs. */
double engine_iteration_bytes(const hn_scenario *sc, const hn_run_opts *opts);

/* The most iterations a run with opts may reach: its iterations, or with a target its most. */
long engine_max_iterations(const hn_run_opts *opts);

/* Stored figures above which a run is streamed when its caller can take segments
 * (hn_run_opts.segment; decisions P13). */
#define HN_STORE_BYTES (256.0 * 1024 * 1024)

/* True when sc's figures stored for every iteration a run with opts may reach would pass
 * HN_STORE_BYTES (never for a deterministic run): the one rule of when a run is streamed. It
 * reads the scenario and the iterations only, never threads or processes. */
bool engine_streams(const hn_scenario *sc, const hn_run_opts *opts);

/* Bytes engine_run would allocate for these options (for the up-front memory check). */
double engine_memory_estimate(const hn_scenario *sc, const hn_run_opts *opts);

/*
 * Runs the scenario. On success *out is new results the caller frees with
 * results_free. Fails with HN_ERR_NOMEM, HN_ERR_LIMIT, HN_ERR_INTERRUPTED or
 * HN_ERR_INTERNAL (thread creation), *out NULL.
 */
hn_status engine_run(const hn_scenario *sc, const hn_run_opts *opts, hn_results **out,
                     hn_error *err);

/*
 * The same run a batch at a time, so that several runs can go in lockstep
 * (a streamed comparison pairs their batches). engine_start checks and
 * sets up (the errors of engine_run; *out NULL on failure); engine_step
 * runs the next batch, sets *finished after the last, and on failure
 * leaves the run only to engine_abort; engine_part is the batch just run
 * (a streamed run's; NULL otherwise), borrowed until the next step;
 * engine_finish hands over the results (*out, the caller's) and frees the
 * run, whatever it returns. engine_abort frees a run; NULL is fine.
 */
typedef struct hn_engine_run hn_engine_run;
hn_status engine_start(const hn_scenario *sc, const hn_run_opts *opts, hn_engine_run **out,
                       hn_error *err);
hn_status engine_step(hn_engine_run *e, bool *finished, hn_error *err);
const hn_run_part *engine_part(const hn_engine_run *e);
hn_status engine_finish(hn_engine_run *e, hn_results **out, hn_error *err);
void engine_abort(hn_engine_run *e);

/* Frees results. NULL is fine. */
void results_free(hn_results *r);

#endif
