/*
 * solve.c - bracketing and solving for the break-even scale (solve.h).
 *
 * Each trial is a whole run at one scale (stats_run), with the statistics
 * of the target's column alone (decisions P23); trials are cached by
 * scale: the Brent solver re-reads its bracket's ends and the bisection
 * fallback re-reads whatever was tried. GSL's default error handler
 * aborts; the Brent solver is only ever given a bracket whose ends
 * straddle (or touch) zero, and a function that returns finite values (an
 * undefined figure or a failed run stops the search with an error
 * instead), so it never calls the handler.
 */
#include "analysis/solve.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/stats.h"
#include "analysis/stats_run.h"

/* Most Brent iterations (each narrows the bracket at least as bisection does every few steps). */
#define BRENT_MAX_ITER 100

/* One trial: a scale, its figure and whether the target holds there. */
typedef struct {
    double scale, figure;
    bool holds;
} trial_rec;

/* The search's state. */
typedef struct {
    hn_scenario *sc;
    hn_scale *s;
    const hn_target *t;
    const hn_run_opts *opts;
    hn_solve_trial_fn fn;
    void *user;
    hn_stats_want want; /* a trial's statistics: the target's column alone, nothing kept */
    trial_rec *recs;    /* every trial, in the order made */
    int n, cap;
    hn_status st; /* first failure, HN_OK while none */
    hn_error *err;
} search;

/* Runs one trial at scale x (or finds it in the cache) into *out; records a failure in c->st. */
static hn_status trial(search *c, double x, trial_rec *out)
{
    if (c->st != HN_OK) return c->st;
    for (int i = 0; i < c->n; i++) {
        if (c->recs[i].scale == x) {
            *out = c->recs[i];
            return HN_OK;
        }
    }
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 32;
        trial_rec *r = realloc(c->recs, (size_t)cap * sizeof *r);
        if (!r) return c->st = hn_error_set(c->err, HN_ERR_NOMEM, "out of memory");
        c->recs = r;
        c->cap = cap;
    }
    hn_results *res = NULL;
    hn_stats *st = NULL;
    hn_status s = scenario_scale_set(c->s, x, c->err);
    if (s == HN_OK) s = stats_run(c->sc, c->opts, &c->want, &res, &st, c->err);
    double v = s == HN_OK ? target_figure(c->t, st) : NAN;
    stats_free(st);
    results_free(res);
    if (s != HN_OK) return c->st = s;
    if (!isfinite(v))
        return c->st = hn_error_set(c->err, HN_ERR_USAGE,
                                    "%s is undefined at scale %.6g of %s (no iteration has a "
                                    "value for it): choose another target",
                                    c->t->figure, x, c->s->param->name);
    trial_rec r = { .scale = x, .figure = v, .holds = target_holds(c->t, v) };
    c->recs[c->n++] = r;
    if (c->fn) c->fn(c->user, x, v, r.holds);
    *out = r;
    return HN_OK;
}

/* Outward step k from the starting scale: 0.1, 0.25, 0.5, then 1, 2, 4, ... */
static double step_at(int k)
{
    static const double first[] = { 0.1, 0.25, 0.5 };
    return k < 3 ? first[k] : ldexp(1.0, k - 3);
}

/* The message for a verdict that never changed over the trials made. */
static hn_status no_boundary(search *c, double lo, double hi, bool holds)
{
    int imin = 0, imax = 0;
    for (int i = 1; i < c->n; i++) {
        if (c->recs[i].figure < c->recs[imin].figure) imin = i;
        if (c->recs[i].figure > c->recs[imax].figure) imax = i;
    }
    const trial_rec *a = &c->recs[imin], *b = &c->recs[imax];
    if (holds)
        return hn_error_set(c->err, HN_ERR_USAGE,
                            "every scale of %s tried from %.6g to %.6g meets %s %s %.10g (it "
                            "ranges from %.10g at scale %.6g to %.10g at scale %.6g): there is no "
                            "break-even in that range; widen it with --range LO:HI",
                            c->s->param->name, lo, hi, c->t->figure, target_op_text(c->t->op),
                            c->t->value, a->figure, a->scale, b->figure, b->scale);
    return hn_error_set(c->err, HN_ERR_USAGE,
                        "no scale of %s from %.6g to %.6g meets %s %s %.10g: over %d trials it "
                        "ranges from %.10g at scale %.6g to %.10g at scale %.6g; widen the range "
                        "with --range LO:HI, vary another key or change the target",
                        c->s->param->name, lo, hi, c->t->figure, target_op_text(c->t->op),
                        c->t->value, c->n, a->figure, a->scale, b->figure, b->scale);
}

/* Finds a bracket [*a, *b] in [lo, hi] whose ends get different verdicts, nearest the start. */
static hn_status bracket(search *c, double lo, double hi, double *a, double *b)
{
    double start = fmin(fmax(1.0, lo), hi);
    trial_rec r0, r;
    if (trial(c, start, &r0) != HN_OK) return c->st;
    double prev[2] = { start, start };
    bool done[2] = { start <= lo, start >= hi };
    for (int k = 0; !done[0] || !done[1]; k++) {
        for (int dir = 0; dir < 2; dir++) {
            if (done[dir]) continue;
            double x = dir == 0 ? start - step_at(k) : start + step_at(k);
            if (dir == 0 ? x <= lo : x >= hi) {
                x = dir == 0 ? lo : hi;
                done[dir] = true;
            }
            if (trial(c, x, &r) != HN_OK) return c->st;
            if (r.holds != r0.holds) {
                *a = fmin(prev[dir], x);
                *b = fmax(prev[dir], x);
                return HN_OK;
            }
            prev[dir] = x;
        }
    }
    return no_boundary(c, lo, hi, r0.holds);
}

/* Narrows [*a, *b] (different verdicts at the ends) by halving until it is at most tol wide. */
static hn_status bisect(search *c, double *a, double *b, double tol)
{
    trial_rec ra, rm;
    if (trial(c, *a, &ra) != HN_OK) return c->st;
    while (*b - *a > tol) {
        double m = 0.5 * (*a + *b);
        if (m <= *a || m >= *b) break; /* no double between them */
        if (trial(c, m, &rm) != HN_OK) return c->st;
        if (rm.holds == ra.holds)
            *a = m;
        else
            *b = m;
    }
    return HN_OK;
}

/* figure - VALUE at scale x, for the Brent solver; 0 after a failure (the caller checks c->st). */
static double brent_fn(double x, void *p)
{
    search *c = p;
    trial_rec r = { 0 }; /* set by trial; zeroed for -O3's maybe-uninitialized */
    if (trial(c, x, &r) != HN_OK) return 0.0;
    return r.figure - c->t->value;
}

/* Solves figure = VALUE in [*a, *b] with Brent's method until the bracket is at most tol wide;
 * *root is its last estimate. */
static hn_status brent(search *c, double *a, double *b, double tol, double *root)
{
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!solver) return c->st = hn_error_set(c->err, HN_ERR_NOMEM, "out of memory");
    gsl_function fn = { .function = brent_fn, .params = c };
    double lo = *a, hi = *b;
    if (gsl_root_fsolver_set(solver, &fn, lo, hi) == GSL_SUCCESS) {
        for (int it = 0; it < BRENT_MAX_ITER && c->st == HN_OK && hi - lo > tol; it++) {
            if (gsl_root_fsolver_iterate(solver) != GSL_SUCCESS) break;
            lo = gsl_root_fsolver_x_lower(solver);
            hi = gsl_root_fsolver_x_upper(solver);
        }
        *root = gsl_root_fsolver_root(solver);
    }
    gsl_root_fsolver_free(solver);
    *a = lo;
    *b = hi;
    return c->st;
}

/* Orders trials by scale (qsort). */
static int by_scale(const void *x, const void *y)
{
    double a = ((const trial_rec *)x)->scale, b = ((const trial_rec *)y)->scale;
    return (a > b) - (a < b);
}

/*
 * The narrowest bracket among the trials made in [a, b]: two trials next to
 * each other in scale with different verdicts (one exists: a and b).
 */
static hn_status narrowest(search *c, double *a, double *b)
{
    trial_rec *in = malloc((size_t)c->n * sizeof *in);
    if (!in) return c->st = hn_error_set(c->err, HN_ERR_NOMEM, "out of memory");
    int n = 0;
    for (int i = 0; i < c->n; i++)
        if (c->recs[i].scale >= *a && c->recs[i].scale <= *b) in[n++] = c->recs[i];
    qsort(in, (size_t)n, sizeof *in, by_scale);
    for (int i = 1; i < n; i++) {
        if (in[i].holds != in[i - 1].holds && in[i].scale - in[i - 1].scale < *b - *a) {
            *a = in[i - 1].scale;
            *b = in[i].scale;
        }
    }
    free(in);
    return HN_OK;
}

hn_status solve_search(hn_scenario *sc, hn_scale *s, const hn_target *t, const hn_run_opts *opts,
                       double lo, double hi, double tol, hn_solve_trial_fn fn, void *user,
                       hn_solve_result *out, hn_error *err)
{
    /* A trial computes the statistics of the target's column alone and keeps no first
     * iterations (decisions P23); scaling a key changes no figure's column. */
    hn_stats_want want = { .col_first = t->col, .col_end = t->col + 1, .keep_first = false };
    search c = {
        .sc = sc, .s = s, .t = t, .opts = opts, .want = want, .fn = fn, .user = user, .err = err
    };
    double a = lo, b = hi;
    hn_status st = bracket(&c, lo, hi, &a, &b);
    /* Brent's trials (for a continuous figure) narrow the bracket; the verdict decides the rest. */
    double root = NAN, lo0 = a, hi0 = b;
    if (st == HN_OK && !t->probability) st = brent(&c, &lo0, &hi0, tol, &root);
    if (st == HN_OK) st = narrowest(&c, &a, &b);
    /* Brent may stop on an exact root at one end of a wide pair (a straight line, or a figure
     * equal to VALUE): a trial half the tolerance either side of it usually closes the pair. */
    for (int side = -1; st == HN_OK && side <= 1 && b - a > tol; side += 2) {
        double x = root + side * 0.5 * tol;
        trial_rec r;
        if (x > a && x < b && trial(&c, x, &r) == HN_OK) st = narrowest(&c, &a, &b);
        st = st == HN_OK ? c.st : st;
    }
    int before = c.n;
    if (st == HN_OK) st = bisect(&c, &a, &b, tol);
    trial_rec ra = { 0 }, rb = { 0 };
    if (st == HN_OK && trial(&c, a, &ra) == HN_OK && trial(&c, b, &rb) == HN_OK) {
        const trial_rec *win = ra.holds ? &ra : &rb;
        *out = (hn_solve_result){ .scale = win->scale,
                                  .figure = win->figure,
                                  .lo = a,
                                  .hi = b,
                                  .figure_lo = ra.figure,
                                  .figure_hi = rb.figure,
                                  .trials = c.n,
                                  .bisected = t->probability || c.n > before };
        st = scenario_scale_set(s, win->scale, err);
    }
    if (st == HN_OK) st = c.st;
    free(c.recs);
    return st;
}
