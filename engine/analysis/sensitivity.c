/*
 * sensitivity.c - Spearman rank correlations and P10/P90 swings of every
 * sampled input against three headline outputs (sensitivity.h).
 *
 * The correlations read the run's stored draws and figures: no new run.
 * The swings need two held runs per input (engine_run with the input among
 * hn_run_opts' fixed inputs), each of min(swing_iterations, run's
 * iterations) iterations with the run's seed, plus, when that is fewer than
 * the run's iterations, one unheld run of as many iterations to pair them
 * with. Only the three output columns of a held run are kept, so memory
 * stays at one run of the capped size. The runs go one after another, each
 * on the run's threads, so the analysis is as reproducible as the run (same
 * numbers for any thread count), and each one done is reported as progress
 * of the phase "sensitivity: held runs". Without an explicit count, the
 * held runs' iterations are capped by their budget before the first starts
 * (sensitivity_default_swing, decisions R20).
 */
#include "analysis/sensitivity.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/stats.h"
#include "analysis/stats_run.h"
#include "base/memlimit.h"
#include "scenario/dist.h"

/* CSV metric and layout metric of each output. */
static const struct {
    const char *name;
    hn_metric metric;
} outputs[HN_SENS__COUNT] = {
    [HN_SENS_NET_COST] = { "net_cost", HN_M_NET_COST },
    [HN_SENS_EXCLUSIONS] = { "exclusions", HN_M_EXCLUSIONS },
    [HN_SENS_SUPPORTED] = { "supported", HN_M_SUPPORTED },
};

/* CSV name of an output (a static string); "unknown" out of range. */
const char *sensitivity_output_metric(hn_sens_output o)
{
    return (int)o >= 0 && o < HN_SENS__COUNT ? outputs[o].name : "unknown";
}

/* True when the n values of x are not all the same. */
static bool varies(const double *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return true;
    return false;
}

/* Column of output o (total, all years) in lay. */
static int output_col(const hn_layout *lay, hn_sens_output o)
{
    return layout_col(lay, outputs[o].metric, HN_ENT_TOTAL, 0, lay->years);
}

/* Value input in is held at for quantile u: its inverse CDF under the input's domain (rounded,
 * clamped) as params_draw treats a draw. */
static double held_value(const hn_scenario *sc, const hn_input *in, double u)
{
    const hn_param *p = sc->params[in->param];
    return params_apply_domain(p, dist_quantile(&p->items[in->item], u), NULL);
}

/* New, empty analysis of base's inputs with their held values and the run's means (base_st's
 * when the run was streamed, as its results keep only its first iterations); NULL on OOM. */
static hn_sensitivity *sens_new(const hn_scenario *sc, const hn_results *base,
                                const hn_stats *base_st)
{
    hn_sensitivity *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->inputs = calloc((size_t)base->n_inputs, sizeof *s->inputs);
    if (!s->inputs) {
        free(s);
        return NULL;
    }
    s->n_inputs = base->n_inputs;
    s->n_iter = base->n_kept; /* a streamed run's first iterations (stats_run.h) */
    s->n_run = base->n_iter;
    for (int k = 0; k < s->n_inputs; k++) {
        hn_sens_input *in = &s->inputs[k];
        in->input = base->inputs[k];
        in->domain = sc->params[in->input.param]->domain;
        in->held_p10 = held_value(sc, &in->input, 0.10);
        in->held_p90 = held_value(sc, &in->input, 0.90);
        for (int o = 0; o < HN_SENS__COUNT; o++)
            in->swing_p10[o] = in->swing_p90[o] = in->swing_se[o] = NAN;
    }
    for (int o = 0; o < HN_SENS__COUNT; o++)
        s->mean[o] =
            base_st && base_st->streamed
                ? stats_get(base_st, output_col(&base->layout, o), HN_STAT_MEAN)
                : gsl_stats_mean(base->values + (long)output_col(&base->layout, o) * base->n_kept,
                                 1, (size_t)base->n_kept);
    return s;
}

/*
 * The Spearman coefficients shared out among threads: job k is input k, whose draws are ranked
 * once and correlated with the three outputs' ranks (computed once, before the workers start).
 */
typedef struct {
    hn_sensitivity *s;
    const hn_results *base;
    const double *out_ranks[HN_SENS__COUNT]; /* NULL when the output does not vary */
    atomic_int next;                         /* next input */
    atomic_int done; /* inputs finished (fewer when workers could not allocate) */
} spearman_jobs;

/* A worker: ranks inputs until none are left (each needs the ranking scratch and n doubles). */
static void *spearman_worker(void *arg)
{
    spearman_jobs *jobs = arg;
    const hn_results *base = jobs->base;
    long n = base->n_kept;
    hn_stats_scratch *scratch = stats_scratch_new(n);
    double *rx = malloc((size_t)n * sizeof *rx);
    if (scratch && rx) {
        for (int k; (k = atomic_fetch_add(&jobs->next, 1)) < jobs->s->n_inputs;) {
            const double *x = base->input_values + (long)k * n;
            bool ranked = n >= 2 && varies(x, (size_t)n);
            if (ranked) stats_ranks(x, n, scratch, rx);
            for (int o = 0; o < HN_SENS__COUNT; o++)
                jobs->s->inputs[k].spearman[o] =
                    ranked && jobs->out_ranks[o] ? stats_rank_correlation(rx, jobs->out_ranks[o], n)
                                                 : NAN;
            atomic_fetch_add(&jobs->done, 1);
        }
    }
    stats_scratch_free(scratch);
    free(rx);
    return NULL;
}

/*
 * Fills every Spearman coefficient (average ranks for ties; NAN when either side does not
 * vary) from base's stored draws and figures, on up to `threads` threads: each column is
 * ranked once, and each coefficient computed whole by one thread, so the numbers are the same
 * for any count. HN_ERR_NOMEM when the ranks do not fit.
 */
static hn_status fill_spearman(hn_sensitivity *s, const hn_results *base, int threads,
                               hn_error *err)
{
    long n = base->n_kept;
    spearman_jobs jobs = { .s = s, .base = base };
    atomic_init(&jobs.next, 0);
    atomic_init(&jobs.done, 0);
    double *ranks = malloc((size_t)HN_SENS__COUNT * (size_t)n * sizeof *ranks);
    hn_stats_scratch *scratch = ranks ? stats_scratch_new(n) : NULL;
    if (!scratch) {
        free(ranks);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the sensitivity analysis");
    }
    for (int o = 0; o < HN_SENS__COUNT; o++) {
        const double *y = base->values + (long)output_col(&base->layout, o) * n;
        if (n < 2 || !varies(y, (size_t)n)) continue;
        stats_ranks(y, n, scratch, ranks + (long)o * n);
        jobs.out_ranks[o] = ranks + (long)o * n;
    }
    stats_scratch_free(scratch);
    int k = threads < 1 ? 1 : (threads > s->n_inputs ? s->n_inputs : threads);
    if (k < 1) k = 1;
    pthread_t *tid = calloc((size_t)k, sizeof *tid);
    int started = 0;
    for (int i = 1; tid && i < k; i++, started++)
        if (pthread_create(&tid[i], NULL, spearman_worker, &jobs) != 0)
            break; /* the threads started (and this one) do the rest */
    spearman_worker(&jobs);
    for (int i = 1; i <= started; i++) pthread_join(tid[i], NULL);
    free(tid);
    free(ranks);
    if (atomic_load(&jobs.done) < s->n_inputs)
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the sensitivity analysis");
    return HN_OK;
}

/* The held runs' progress: the options (phase_progress, progress_user) and runs done of total. */
typedef struct {
    const hn_run_opts *opts;
    long done, total;
} held_progress;

/* Reports the phase's progress (runs done of total) when the options ask for it. */
static void held_report(const held_progress *p)
{
    if (p->opts->phase_progress)
        p->opts->phase_progress(p->opts->progress_user, "sensitivity: held runs", p->done,
                                p->total);
}

/* Runs sc with opts and copies the three output columns (n values each) into cols[o]; counts
 * the run in *p. */
static hn_status run_outputs(const hn_scenario *sc, const hn_run_opts *opts, double *cols[],
                             held_progress *p, hn_error *err)
{
    hn_results *r = NULL;
    hn_status st = engine_run(sc, opts, &r, err);
    if (st != HN_OK) return st;
    for (int o = 0; o < HN_SENS__COUNT; o++)
        memcpy(cols[o], r->values + (long)output_col(&r->layout, o) * r->n_iter,
               (size_t)r->n_iter * sizeof *cols[o]);
    results_free(r);
    p->done++;
    held_report(p);
    return HN_OK;
}

/*
 * Runs the held runs of every input (n iterations each) and fills the
 * swings. base_mean_n[o] is the unheld mean over the same n iterations.
 */
static hn_status fill_swings(hn_sensitivity *s, const hn_scenario *sc, const hn_run_opts *opts,
                             long n, const double *base_mean_n, held_progress *p, hn_error *err)
{
    double *buf = malloc((size_t)(2 * HN_SENS__COUNT + 1) * (size_t)n * sizeof *buf);
    if (!buf) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the sensitivity analysis");
    double *lo[HN_SENS__COUNT], *hi[HN_SENS__COUNT], *diff = buf + 2 * HN_SENS__COUNT * n;
    for (int o = 0; o < HN_SENS__COUNT; o++) {
        lo[o] = buf + (long)o * n;
        hi[o] = buf + (long)(HN_SENS__COUNT + o) * n;
    }
    hn_fixed_input fix = { 0, 0 };
    hn_run_opts held = *opts;
    held.iterations = n;
    held.deterministic = false;
    held.fixed = &fix;
    held.n_fixed = 1;
    held.target_se_pct = 0; /* exactly n iterations, one block, as base_means' */
    held.progress = NULL;   /* the phase reports whole runs */
    hn_status st = HN_OK;
    for (int k = 0; k < s->n_inputs && st == HN_OK; k++) {
        hn_sens_input *in = &s->inputs[k];
        fix = (hn_fixed_input){ k, in->held_p10 };
        st = run_outputs(sc, &held, lo, p, err);
        if (st != HN_OK) break;
        fix.value = in->held_p90;
        st = run_outputs(sc, &held, hi, p, err);
        if (st != HN_OK) break;
        for (int o = 0; o < HN_SENS__COUNT; o++) {
            double shift = s->mean[o] - base_mean_n[o];
            in->swing_p10[o] = gsl_stats_mean(lo[o], 1, (size_t)n) + shift;
            in->swing_p90[o] = gsl_stats_mean(hi[o], 1, (size_t)n) + shift;
            for (long i = 0; i < n; i++) diff[i] = hi[o][i] - lo[o][i];
            in->swing_se[o] = n > 1 ? gsl_stats_sd(diff, 1, (size_t)n) / sqrt((double)n) : NAN;
        }
    }
    free(buf);
    return st;
}

/* True when held runs of n iterations need an unheld run of n to pair with (not base itself). */
static bool needs_unheld_run(const hn_results *base, long n)
{
    return !(n == base->n_iter && base->n_blocks == 1);
}

long sensitivity_default_swing(int n_inputs, long n_iter)
{
    long n = n_iter < HN_SENS_SWING_ITERATIONS ? n_iter : HN_SENS_SWING_ITERATIONS;
    double budget = fmax((double)HN_SENS_HELD_FACTOR * (double)n_iter, (double)HN_SENS_HELD_FLOOR);
    double runs = 2.0 * n_inputs + 1; /* the unheld run counted whether or not it is needed */
    if (runs * (double)n <= budget) return n;
    long fit = (long)floor(budget / runs);
    return fit >= HN_SENS_SWING_MIN ? fit : 0;
}

/* Unheld means of the outputs over the first n iterations: from base when it has exactly n,
 * else from a run of n iterations with the same options (so that the pairs match whatever
 * the sampling design). */
static hn_status base_means(const hn_scenario *sc, const hn_run_opts *opts, const hn_results *base,
                            const hn_sensitivity *s, long n, double *mean, held_progress *p,
                            hn_error *err)
{
    if (!needs_unheld_run(base, n)) {
        memcpy(mean, s->mean, sizeof s->mean);
        return HN_OK;
    }
    double *buf = malloc((size_t)HN_SENS__COUNT * (size_t)n * sizeof *buf);
    if (!buf) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the sensitivity analysis");
    double *cols[HN_SENS__COUNT];
    for (int o = 0; o < HN_SENS__COUNT; o++) cols[o] = buf + (long)o * n;
    hn_run_opts unheld = *opts;
    unheld.iterations = n;
    unheld.deterministic = false;
    unheld.fixed = NULL;
    unheld.n_fixed = 0;
    unheld.target_se_pct = 0;
    unheld.progress = NULL;
    hn_status st = run_outputs(sc, &unheld, cols, p, err);
    for (int o = 0; st == HN_OK && o < HN_SENS__COUNT; o++)
        mean[o] = gsl_stats_mean(cols[o], 1, (size_t)n);
    free(buf);
    return st;
}

/* The run whose results are held, and the held runs that would come on top. */
typedef struct {
    const hn_scenario *sc;
    const hn_run_opts *opts;
    double have; /* the run's estimate */
} swing_request;

/* hn_mem_need_fn of the held runs (a swing_request) of n iterations each, the run's results
 * still held: one held run is in memory at a time. */
static double swing_need(const void *user, long n)
{
    const swing_request *rq = user;
    hn_run_opts held = *rq->opts;
    held.iterations = n;
    held.target_se_pct = 0;
    return rq->have + engine_memory_estimate(rq->sc, &held);
}

/*
 * Refuses held runs of n iterations when, with the run's results still held,
 * they would need more than 3/4 of the memory this process may use, as
 * engine_run refuses a run (memlimit_admit): HN_ERR_LIMIT advising a
 * --swing-iterations that fits.
 */
static hn_status check_memory(const hn_scenario *sc, const hn_run_opts *opts, long n, hn_error *err)
{
    swing_request rq = { sc, opts, stats_run_memory(sc, opts, engine_streams(sc, opts), true) };
    char what[160];
    snprintf(what, sizeof what,
             "the run (%.0f MB) and its sensitivity runs of %ld iterations each (one at a time)",
             rq.have / 1048576.0, n);
    return memlimit_admit(&(hn_mem_request){ swing_need, &rq, n, what, "--swing-iterations" }, err);
}

/* Analyses base; *out new (caller frees with sensitivity_free) or NULL when nothing to analyse. */
hn_status sensitivity_compute(const hn_scenario *sc, const hn_run_opts *opts,
                              const hn_results *base, const hn_stats *base_st,
                              long swing_iterations, hn_sensitivity **out, hn_error *err)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *out = NULL;
    if (base->deterministic || base->n_inputs <= 0) return HN_OK;
    hn_sensitivity *s = sens_new(sc, base, base_st);
    if (!s) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the sensitivity analysis");
    hn_status st = fill_spearman(s, base, opts->threads, err);
    long n = swing_iterations < base->n_iter ? swing_iterations : base->n_iter;
    if (swing_iterations == HN_SENS_SWING_DEFAULT) { /* the budget's estimate, before any run */
        long want =
            base->n_iter < HN_SENS_SWING_ITERATIONS ? base->n_iter : HN_SENS_SWING_ITERATIONS;
        n = sensitivity_default_swing(s->n_inputs, base->n_iter);
        s->swing_default = n < want ? want : 0;
    }
    if (st == HN_OK && n > 0) st = check_memory(sc, opts, n, err);
    if (st == HN_OK && n > 0) {
        double mean_n[HN_SENS__COUNT];
        held_progress p = { opts, 0, 2L * s->n_inputs + (needs_unheld_run(base, n) ? 1 : 0) };
        held_report(&p);
        st = base_means(sc, opts, base, s, n, mean_n, &p, err);
        if (st == HN_OK) st = fill_swings(s, sc, opts, n, mean_n, &p, err);
        s->swing_iterations = n;
        s->held_runs = p.total;
    }
    if (st != HN_OK) {
        sensitivity_free(s);
        return st;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->wall_seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    *out = s;
    return HN_OK;
}

/* Ranking key of input k for output o: larger ranks first; -1 when undefined. */
static double rank_key(const hn_sensitivity *s, int k, hn_sens_output o)
{
    const hn_sens_input *in = &s->inputs[k];
    double v =
        s->swing_iterations > 0 ? fabs(in->swing_p90[o] - in->swing_p10[o]) : fabs(in->spearman[o]);
    return isfinite(v) ? v : -1;
}

/* Fills order with the inputs, most influential for o first (a stable insertion sort). */
void sensitivity_rank(const hn_sensitivity *s, hn_sens_output o, int *order)
{
    for (int k = 0; k < s->n_inputs; k++) {
        double key = rank_key(s, k, o);
        int j = k;
        while (j > 0 && rank_key(s, order[j - 1], o) < key) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = k;
    }
}

/* Frees an analysis; NULL is fine. */
void sensitivity_free(hn_sensitivity *s)
{
    if (!s) return;
    free(s->inputs);
    free(s);
}
