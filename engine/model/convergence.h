/*
 * convergence.h - how the estimate of the mean net cost over all years (the
 * five-year net cost of a five-year plan) settles as iterations are added:
 * the running mean and its standard error.
 *
 * The engine uses the running statistics to stop a run whose standard
 * error has reached a target (hn_run_opts.target_se_pct), and records them
 * after every block (hn_results.blocks); the workbook charts the curve.
 * Both walk the iterations in index order with Welford's update, so the
 * numbers are the same whatever the thread count, and the curve passes
 * exactly through the recorded block ends.
 */
#ifndef HN_CONVERGENCE_H
#define HN_CONVERGENCE_H

#include <stdbool.h>

#include "model/engine.h"
#include "model/layout.h"

/* Running count, mean and sum of squared deviations (Welford). */
typedef struct {
    long n;
    double mean, m2;
} hn_running;

/* Adds one value. */
void running_add(hn_running *r, double v);

/* Standard error of the mean, sd (n - 1) / sqrt(n); INFINITY below 2 values. */
double running_se(const hn_running *r);

/* The column the convergence follows: total net cost over all years. */
int convergence_column(const hn_layout *lay);

/* Points the workbook's convergence curve is spread over (besides the block ends). */
#define HN_CURVE_POINTS 100

/*
 * Records the curve as values arrive in iteration order: a point at about
 * max_points counts spread evenly over n iterations (the run's total, or
 * its most with a target), and at the end of every block, from 2
 * iterations on. The one rule of which points a curve has: the stored
 * results' curve (convergence_curve) and a streamed run's (the engine's)
 * both use it.
 */
typedef struct {
    long n;
    int max_points;
    long next, even; /* next evenly spaced point (1..max_points) and its count */
    hn_running run;
    hn_conv_point *pts; /* owned; curve_recorder_take hands it over */
    int np, cap;
    bool failed; /* out of memory: the curve is dropped */
} hn_curve_recorder;

/* Starts a recorder for n iterations and max_points points (>= 1). Allocates nothing yet. */
void curve_recorder_init(hn_curve_recorder *c, long n, int max_points);

/* Adds the next iteration's value; block_end when it ends a block. Never fails (an allocation
 * failure marks the recorder failed). */
void curve_recorder_add(hn_curve_recorder *c, double v, bool block_end);

/* Hands over the points (*out, caller frees; NULL when none) and returns their count, or -1
 * when out of memory (nothing to free). The recorder is left empty. */
int curve_recorder_take(hn_curve_recorder *c, hn_conv_point **out);

/* Frees what a recorder holds (after a failed run). */
void curve_recorder_free(hn_curve_recorder *c);

/*
 * The running mean and standard error of the net cost over all years at about
 * max_points iteration counts spread evenly over r's iterations, plus the
 * end of every block, from 2 iterations on (hn_curve_recorder). A streamed
 * run (r->n_kept < r->n_iter) recorded its curve as it ran, at
 * HN_CURVE_POINTS points over its most iterations: that curve is copied.
 * *out is new (caller frees; NULL when the count is 0). Returns the count,
 * or -1 when out of memory.
 */
int convergence_curve(const hn_results *r, int max_points, hn_conv_point **out);

#endif
