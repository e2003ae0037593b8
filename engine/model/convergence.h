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

/* One point of the convergence curve. */
typedef struct {
    long iterations; /* iterations 0..iterations-1 counted */
    double mean, se; /* their running mean and its standard error */
} hn_conv_point;

/*
 * The running mean and standard error of the net cost over all years at about
 * max_points iteration counts spread evenly over r's iterations, plus the
 * end of every block, from 2 iterations on. *out is new (caller frees;
 * NULL when the count is 0). Returns the count, or -1 when out of memory.
 */
int convergence_curve(const hn_results *r, int max_points, hn_conv_point **out);

#endif
