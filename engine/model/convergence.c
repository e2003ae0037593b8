/*
 * convergence.c - running mean and standard error of the net cost over
 * all years, and the curve the workbook charts (convergence.h).
 */
#include "model/convergence.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void curve_recorder_init(hn_curve_recorder *c, long n, int max_points)
{
    *c = (hn_curve_recorder){ .n = n, .max_points = max_points, .next = 1 };
    c->even = (n + max_points - 1) / max_points; /* ceil(n * next / max) */
}

void curve_recorder_add(hn_curve_recorder *c, double v, bool block_end)
{
    running_add(&c->run, v);
    long it = c->run.n;
    bool keep = block_end;
    while (c->next <= c->max_points && it >= c->even) {
        keep = true;
        c->next++;
        c->even = (c->n * c->next + c->max_points - 1) / c->max_points;
    }
    if (!keep || it < 2 || c->failed) return;
    if (c->np == c->cap) {
        int cap = c->cap ? 2 * c->cap : c->max_points + 2;
        hn_conv_point *t = realloc(c->pts, (size_t)cap * sizeof *t);
        if (!t) {
            c->failed = true;
            return;
        }
        c->pts = t;
        c->cap = cap;
    }
    c->pts[c->np++] = (hn_conv_point){ it, c->run.mean, running_se(&c->run) };
}

int curve_recorder_take(hn_curve_recorder *c, hn_conv_point **out)
{
    int np = c->failed ? -1 : c->np;
    *out = c->failed ? NULL : c->pts;
    if (c->failed) free(c->pts);
    c->pts = NULL;
    c->np = c->cap = 0;
    return np;
}

void curve_recorder_free(hn_curve_recorder *c)
{
    free(c->pts);
    c->pts = NULL;
    c->np = c->cap = 0;
}

int convergence_curve(const hn_results *r, int max_points, hn_conv_point **out)
{
    *out = NULL;
    if (r->n_kept < r->n_iter) { /* streamed: the curve the engine recorded */
        if (r->n_curve <= 0) return 0;
        *out = malloc((size_t)r->n_curve * sizeof **out);
        if (!*out) return -1;
        memcpy(*out, r->curve, (size_t)r->n_curve * sizeof **out);
        return r->n_curve;
    }
    int col = convergence_column(&r->layout);
    long n = r->n_iter;
    if (col < 0 || n < 2 || max_points < 1) return 0;
    hn_curve_recorder c;
    curve_recorder_init(&c, n, max_points);
    int b = 0;
    for (long i = 0; i < n; i++) {
        long it = i + 1;
        /* Block totals increase: one pointer walks them. */
        while (b < r->n_blocks && r->blocks[b].total < it) b++;
        curve_recorder_add(&c, results_get(r, col, i), b < r->n_blocks && r->blocks[b].total == it);
    }
    return curve_recorder_take(&c, out);
}
