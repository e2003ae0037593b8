/*
 * convergence.c - running mean and standard error of the net cost over
 * all years, and the curve the workbook charts (convergence.h).
 */
#include "model/convergence.h"

#include <math.h>
#include <stdlib.h>

void running_add(hn_running *r, double v)
{
    r->n++;
    double d = v - r->mean;
    r->mean += d / (double)r->n;
    r->m2 += d * (v - r->mean);
}

double running_se(const hn_running *r)
{
    if (r->n < 2) return INFINITY;
    return sqrt(r->m2 / (double)(r->n - 1)) / sqrt((double)r->n);
}

int convergence_column(const hn_layout *lay)
{
    return layout_col(lay, HN_M_NET_COST, HN_ENT_TOTAL, 0, lay->years);
}

int convergence_curve(const hn_results *r, int max_points, hn_conv_point **out)
{
    *out = NULL;
    int col = convergence_column(&r->layout);
    long n = r->n_iter;
    if (col < 0 || n < 2 || max_points < 1) return 0;
    hn_conv_point *pts = malloc((size_t)(max_points + r->n_blocks + 1) * sizeof *pts);
    if (!pts) return -1;
    int np = 0, b = 0;
    long next = 1; /* next evenly spaced point, 1..max_points */
    long even = (n * next + max_points - 1) / max_points; /* its count: ceil(n * next / max) */
    hn_running run = { 0 };
    for (long i = 0; i < n; i++) {
        running_add(&run, results_get(r, col, i));
        long it = i + 1;
        bool keep = false;
        while (next <= max_points && it >= even) {
            keep = true;
            next++;
            even = (n * next + max_points - 1) / max_points;
        }
        /* Block totals increase: one pointer walks them. */
        while (b < r->n_blocks && r->blocks[b].total < it) b++;
        if (b < r->n_blocks && r->blocks[b].total == it) keep = true;
        if (keep && it >= 2) pts[np++] = (hn_conv_point){ it, run.mean, running_se(&run) };
    }
    *out = pts;
    return np;
}
