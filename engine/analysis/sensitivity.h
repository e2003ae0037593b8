/*
 * sensitivity.h - which sampled inputs drive the results (a tornado).
 *
 * For every sampled input (params.h) and three outputs - net cost, permanent
 * exclusions and pupils supported, each summed over all the scenario's
 * years - this module measures:
 *   - the Spearman rank correlation between the input's draws and the
 *     output, over every iteration of the run (average ranks for ties, as
 *     gsl_stats_spearman; each column ranked once: stats_ranks);
 *   - the swing: the output's mean with the input held at its own P10 and
 *     at its own P90 (dist_quantile; a count rounded, money clamped at 0, a
 *     rate at -1, as a draw would be), every other input and every flow
 *     sampled as usual. The held runs use the run's seed, so iteration i of a held run
 *     faces the same draws as iteration i of the run (common random
 *     numbers) and the difference between the two means is measured far
 *     more precisely than either mean.
 * The held runs may use fewer iterations than the run (swing_iterations).
 * Without an explicit count their cost is estimated before they start -
 * 2 runs per input (and one unheld run) of swing_iterations each, against
 * the run's own iterations - and the default count is capped so that they
 * simulate at most HN_SENS_HELD_FACTOR times the run's iterations, or
 * HN_SENS_HELD_FLOOR iterations for a small run, whichever is more
 * (decisions R20); below HN_SENS_SWING_MIN iterations each the swings are
 * left out, rank correlations only.
 * A swing is then the run's mean plus the paired difference measured on
 * those iterations: swing = mean(run) + mean(held) - mean(run's first N),
 * the first N being a run of N iterations with the same seed; with every
 * iteration it is exactly the held run's mean. It only computes: writers
 * format the result.
 */
#ifndef HN_SENSITIVITY_H
#define HN_SENSITIVITY_H

#include <stddef.h>

#include "analysis/stats.h"
#include "model/engine.h"
#include "base/hn_error.h"
#include "model/params.h"
#include "scenario/scenario.h"

/* Default iterations of each held run (capped at the run's iterations, and by the budget). */
#define HN_SENS_SWING_ITERATIONS 1000
/* swing_iterations meaning "the default, within the budget" (no --swing-iterations). */
#define HN_SENS_SWING_DEFAULT (-1L)
/* The budget of the default held runs: iterations simulated, as a multiple of the run's ... */
#define HN_SENS_HELD_FACTOR 10
/* ... but never less than this many (a small run's analysis is cheap whatever the ratio) ... */
#define HN_SENS_HELD_FLOOR 100000L
/* ... and fewer iterations per held run than this leave the swings out. */
#define HN_SENS_SWING_MIN 100

/* The outputs analysed, each the figure's "all years" column of the total. */
typedef enum {
    HN_SENS_NET_COST = 0, /* net_cost, total, all years (£) */
    HN_SENS_EXCLUSIONS,   /* exclusions, total, all years (pupils) */
    HN_SENS_SUPPORTED,    /* supported, total, all years (pupils) */
    HN_SENS__COUNT
} hn_sens_output;

/* One sampled input against every output. NAN where a value is undefined. */
typedef struct {
    hn_input input;                  /* name, parameter, list element */
    hn_domain domain;                /* what the input measures (for formatting) */
    double held_p10, held_p90;       /* the values it is held at */
    double spearman[HN_SENS__COUNT]; /* NAN when the input or the output does not vary */
    double
        swing_p10[HN_SENS__COUNT]; /* output mean with the input at its P10; NAN without swings */
    double swing_p90[HN_SENS__COUNT]; /* ... at its P90 */
    double swing_se[HN_SENS__COUNT];  /* standard error of swing_p90 - swing_p10 (paired) */
} hn_sens_input;

typedef struct {
    int n_inputs;
    hn_sens_input *inputs;       /* in params_inputs order */
    double mean[HN_SENS__COUNT]; /* the run's mean of each output */
    long n_iter;                 /* iterations behind the Spearman coefficients */
    long n_run;                  /* iterations of the run (more than n_iter when streamed) */
    long swing_iterations;       /* iterations of each held run; 0: no swings */
    long swing_default;          /* the default asked for (min(1000, run's)) when the budget
                                    capped it; 0 when it did not (decisions R20) */
    long held_runs;              /* runs made for the swings (2 per input, and an unheld one) */
    double wall_seconds;         /* time spent in sensitivity_compute */
} hn_sensitivity;

/* Name of an output as in the CSV ("net_cost", "exclusions", "supported"). */
const char *sensitivity_output_metric(hn_sens_output o);

/*
 * Iterations of each held run when none were asked for: min(1000, n_iter)
 * when the n_inputs inputs' held runs (2 per input, plus one unheld run)
 * then simulate at most max(HN_SENS_HELD_FACTOR x n_iter,
 * HN_SENS_HELD_FLOOR) iterations; else as many as fit that budget, or 0
 * (no swings) when fewer than HN_SENS_SWING_MIN fit.
 */
long sensitivity_default_swing(int n_inputs, long n_iter);

/*
 * Analyses the Monte Carlo results base of sc, run with opts, whose
 * statistics are base_st. The Spearman coefficients rank base's kept
 * iterations: every one, or a streamed run's first (stats_run.h), whose
 * count n_iter then gives against n_run. Held runs use
 * min(swing_iterations, base->n_iter) iterations; 0 skips them (Spearman
 * only); HN_SENS_SWING_DEFAULT uses sensitivity_default_swing. The held
 * runs report through opts->phase_progress. On success *out is new (caller
 * frees with sensitivity_free), or NULL when there is nothing to analyse (a
 * deterministic run, or no sampled input). Fails with the errors of
 * engine_run (HN_ERR_INTERRUPTED, ...).
 */
hn_status sensitivity_compute(const hn_scenario *sc, const hn_run_opts *opts,
                              const hn_results *base, const hn_stats *base_st,
                              long swing_iterations, hn_sensitivity **out, hn_error *err);

/*
 * The inputs ranked for output o, most influential first: by the width of
 * the swing |swing_p90 - swing_p10| when swings were run, else by
 * |Spearman|; undefined values last; ties in input order. Fills order
 * (n_inputs indices).
 */
void sensitivity_rank(const hn_sensitivity *s, hn_sens_output o, int *order);

/* Frees an analysis. NULL is fine. */
void sensitivity_free(hn_sensitivity *s);

#endif
