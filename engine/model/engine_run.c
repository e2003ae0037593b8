/*
 * engine_run.c - runs a scenario: many iterations on many threads, every
 * figure of every iteration kept (engine.h).
 *
 * A run is a sequence of blocks of iterations (one block unless a target
 * standard error is set), and each block goes through three phases:
 *   1. draw: every sampled input's raw value for every iteration of the
 *      block, into the input matrix (res->input_values): plain Monte Carlo
 *      from (seed, i, parameter) per iteration, or a Latin hypercube per
 *      input from (seed, block, "lhs." + input) - its shuffled uniforms per
 *      input, then the quantiles per iteration;
 *   2. correlate: Iman-Conover reorders the correlated inputs' values
 *      across the block's rows (correlation.h), on this thread;
 *   3. simulate: iteration i builds its parameter vector from row i
 *      (params_fill: rounding and clamping), stores the values it used back
 *      in row i, draws its flows from (seed, i, section) and stores its
 *      figures in column-major storage at i.
 * Phases 1 and 3 run on worker threads that take chunks of iterations (or
 * of inputs) from an atomic counter; each worker owns one simulator, one
 * scratch generator, one parameter vector and a buffer of rows, for the
 * whole run. Nothing a worker computes depends on which worker computes it,
 * and everything order-dependent (correlation, convergence) runs on one
 * thread in index order, so the stored values are bit-for-bit the same
 * whatever the number of threads. The stop flag is read between chunks.
 *
 * Storage is allocated for the most iterations the run may reach (the
 * target's maximum) and compacted to the iterations done at the end.
 * Before allocating, the run's memory is estimated and a run needing more
 * than 3/4 of the memory the process may use (physical, or a container's
 * or ulimit's limit: memlimit.h) is refused. Progress is reported from the
 * calling thread (which is also worker 0), at most every 0.1 s.
 */
#include "model/engine.h"

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/convergence.h"
#include "model/correlation.h"
#include "base/bigmem.h"
#include "base/memlimit.h"
#include "base/par.h"
#include "model/params.h"
#include "model/rng.h"
#include "model/sampling.h"
#include "model/sim.h"

/* Most iterations handed to a thread at once. */
#define CHUNK_MAX 256
/* Fewest handed at once as a phase ends (take_chunk), unless fewer are left. */
#define CHUNK_MIN 8
/* Columns scattered together from a chunk's rows (phase_simulate): a cache line of doubles. */
#define SCATTER_BAND 8

/* Seconds between two progress reports. */
#define PROGRESS_INTERVAL 0.1

/* Without --max-iterations a target stops at this many times the first block ... */
#define DEFAULT_MAX_FACTOR 10
/* ... and never above this many iterations (the scenario's own limit). */
#define DEFAULT_MAX_CAP 100000000L

typedef struct run_ctx run_ctx;
typedef struct run_worker run_worker;

/* A phase's work on items first..first+count-1 (iterations, or inputs). */
typedef void (*phase_fn)(run_ctx *rc, run_worker *w, long first, long count);

/* One worker's state, kept for the whole run. */
struct run_worker {
    run_ctx *rc;
    hn_sim *sim;
    gsl_rng *scratch;
    double *pv;     /* one parameter vector */
    bool pv_filled; /* pv holds the scenario's constants (params_fill) */
    double *rows;   /* chunk rows of figures */
    int *pay;       /* chunk payback years */
    long too_large; /* first iteration it simulated that was HN_SIM_TOO_LARGE; -1: none */
    hn_clamps clamped;
    bool reports; /* worker 0, on the calling thread: reports progress */
    pthread_t thread;
    bool started;
};

/* Shared by the workers of one run. */
struct run_ctx {
    const hn_scenario *sc;
    const hn_run_opts *opts;
    hn_results *res;
    long stride;          /* iterations allocated per column */
    long base;            /* the iteration in storage slot 0 (a streamed run's segment start) */
    uint64_t *lhs_stream; /* per input, with Latin hypercube sampling */
    hn_param_plan params; /* the sampled parameters and their streams (params_plan_init) */
    uint64_t block;       /* the block being run: its index, first iteration, size */
    long block_first, block_size;
    /* the phase being run */
    phase_fn fn;
    long end;
    long chunk;         /* most items a chunk takes (take_chunk) */
    int workers;        /* the workers taking them */
    atomic_long next;   /* first item of the next chunk */
    atomic_int failed;  /* a thread could not be started */
    atomic_int stopped; /* the stop flag was seen */
    /* progress */
    atomic_long done; /* iterations simulated */
    long progress_total;
    double last_progress;
};

const char *sampling_name(hn_sampling s)
{
    return s == HN_SAMPLING_LHS ? "lhs" : "mc";
}

/* Chunk length for n iterations on k threads: small enough to share out, at most CHUNK_MAX. */
static long chunk_len(long n, int k)
{
    long c = n / ((long)k * 4);
    if (c < 1) c = 1;
    if (c > CHUNK_MAX) c = CHUNK_MAX;
    return c;
}

/* Iterations of a run's first block (1 when deterministic). */
static long run_iterations(const hn_run_opts *opts)
{
    return opts->deterministic ? 1 : opts->iterations;
}

/* True when the run adds blocks until a target standard error. */
static bool has_target(const hn_run_opts *opts)
{
    return !opts->deterministic && opts->target_se_pct > 0;
}

/* The most iterations a run may reach: the first block, or the target's maximum. */
static long run_max_iterations(const hn_run_opts *opts)
{
    long n = run_iterations(opts);
    if (!has_target(opts)) return n;
    if (opts->max_iterations > 0) return opts->max_iterations;
    if (n >= DEFAULT_MAX_CAP) return n;
    return n > DEFAULT_MAX_CAP / DEFAULT_MAX_FACTOR ? DEFAULT_MAX_CAP : n * DEFAULT_MAX_FACTOR;
}

/* True for a streamed run (hn_run_opts.segment): figures handed over a segment at a time. */
static bool streamed(const hn_run_opts *opts)
{
    return opts->segment != NULL && !opts->deterministic;
}

/* Iterations stored at once: a streamed run's segment, or every iteration it may reach. */
static long segment_len(const hn_run_opts *opts)
{
    long n = run_max_iterations(opts);
    return streamed(opts) && n > HN_PART_ITERATIONS ? HN_PART_ITERATIONS : n;
}

/* Threads worth starting: no more than there are chunks in the first block. */
static int threads_used(const hn_run_opts *opts, long n_iter)
{
    if (opts->deterministic) return 1;
    int k = opts->threads < 1 ? 1 : opts->threads;
    long chunks = (n_iter + chunk_len(n_iter, k) - 1) / chunk_len(n_iter, k);
    return chunks < k ? (int)chunks : k;
}

/* Bytes one worker allocates besides the results (approximate, generous). */
static double worker_bytes(const hn_scenario *sc, int n_cols, long chunk)
{
    double P = sc->n_provisions, S = sc->n_segments, exits = 0;
    for (int p = 0; p < sc->n_provisions; p++) exits += sc->provisions[p].n_exits + 1;
    double sim = 8.0 * (P * S * 2 + exits * (S + 1) + P * 12 + S * 16) + (P + S) * 256.0 + 4096.0;
    return sim + 8.0 * sc->n_slots + 8.0 * (double)n_cols * (double)chunk + 4096.0;
}

/* Columns of sc's layout, or -1 when the layout cannot be built. */
static int layout_cols(const hn_scenario *sc)
{
    hn_layout lay;
    if (layout_init(&lay, sc, NULL) != HN_OK) return -1;
    int n = lay.n_cols;
    layout_free(&lay);
    return n;
}

/* Sampled inputs of a run of sc (0 when deterministic, or when the list cannot be made). */
static int run_inputs(const hn_scenario *sc, const hn_run_opts *opts)
{
    hn_input *inputs = NULL;
    int n_inputs = opts->deterministic ? 0 : params_inputs(sc, &inputs);
    free(inputs);
    return n_inputs > 0 ? n_inputs : 0;
}

/*
 * Bytes of Iman-Conover (correlation.c) for blocks of `first` rows: the
 * plan's m x m Cholesky factor, and per block the mixing matrix and the
 * scores' own factor (m x m each), m score columns and three columns more
 * (a row's mixed score, a sorted copy, an order). m, the inputs in some
 * pair, is at most two per pair and at most the inputs. 2,000 correlated
 * inputs take 96 MB of matrices whatever the iterations (decisions R19).
 */
static double corr_bytes(const hn_scenario *sc, const hn_run_opts *opts, int n_inputs, long first)
{
    double m = fmin(2.0 * sc->n_correlations, (double)n_inputs);
    if (opts->deterministic || m < 2) return 0;
    return 8.0 * (3.0 * m * m + (m + 3.0) * (double)first) + 3.0 * sizeof(gsl_matrix);
}

/*
 * Estimates the bytes a run needs: engine_run's allocations (results,
 * per-thread buffers, correlation matrices and scratch) and the largest
 * scratch the analyses of its results take while they are held -
 * statistics sort each column with three arrays of n per thread
 * (stats.c); Spearman's coefficients hold the three outputs' ranks and,
 * per thread, the same three arrays and an input's ranks (sensitivity.c) - so that
 * an admitted run is not refused part-way (decisions R19).
 */
double engine_memory_estimate(const hn_scenario *sc, const hn_run_opts *opts)
{
    int n_cols = layout_cols(sc);
    if (n_cols < 0) n_cols = 0;
    long first = run_iterations(opts), n = run_max_iterations(opts);
    if (first < 1) first = 1;
    if (n < 1) n = 1;
    long stored = n, seg = first; /* iterations stored; the longest batch drawn at once */
    double sink = streamed(opts) && opts->segment_need ? opts->segment_need(n_cols, n) : 0;
    if (streamed(opts)) {
        stored = segment_len(opts) + (opts->keep < n ? opts->keep : n);
        seg = segment_len(opts) < first ? segment_len(opts) : first;
        n = opts->keep < n ? opts->keep : n; /* the analyses see the kept iterations */
    }
    int k = threads_used(opts, first), n_inputs = run_inputs(sc, opts);
    double per_iter = engine_iteration_bytes(sc, opts);
    double threads = opts->threads > 1 ? opts->threads : 1;
    double analyses = (3.0 + threads * 4.0) * 8.0 * (double)n; /* Spearman's, the larger */
    return per_iter * (double)stored + k * worker_bytes(sc, n_cols, chunk_len(first, k)) +
           corr_bytes(sc, opts, n_inputs, seg) + analyses + sink + sizeof(hn_results) +
           64.0 * n_cols;
}

double engine_iteration_bytes(const hn_scenario *sc, const hn_run_opts *opts)
{
    int n_cols = layout_cols(sc);
    return 8.0 * (n_cols > 0 ? n_cols : 0) + sizeof(int) + 8.0 * run_inputs(sc, opts);
}

bool engine_streams(const hn_scenario *sc, const hn_run_opts *opts)
{
    return !opts->deterministic &&
           engine_iteration_bytes(sc, opts) * (double)run_max_iterations(opts) > HN_STORE_BYTES;
}

long engine_max_iterations(const hn_run_opts *opts)
{
    return run_max_iterations(opts);
}

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Reports progress when a report is due (or `force`); called on the calling thread only. */
static void report_progress(run_ctx *rc, bool force)
{
    const hn_run_opts *o = rc->opts;
    if (!o->progress) return;
    double t = now_seconds();
    if (!force && t - rc->last_progress < PROGRESS_INTERVAL) return;
    rc->last_progress = t;
    /* Spread over processes, this one simulates about 1/K of them: an estimate of all. */
    long done = atomic_load(&rc->done) * par_size();
    o->progress(o->progress_user, done < rc->progress_total ? done : rc->progress_total,
                rc->progress_total);
}

/* Phase 1, plain Monte Carlo: raw draws of iterations first..first+count-1. */
static void phase_draw_mc(run_ctx *rc, run_worker *w, long first, long count)
{
    double *x = rc->res->input_values;
    for (long i = first; i < first + count; i++)
        params_draw_inputs(rc->sc, &rc->params, rc->opts->seed, (uint64_t)i, w->scratch,
                           x + (i - rc->base), rc->stride);
}

/* Phase 1, Latin hypercube, first step: the block's shuffled uniforms of inputs first..first+count-1. */
static void phase_lhs_uniforms(run_ctx *rc, run_worker *w, long first, long count)
{
    for (long k = first; k < first + count; k++)
        sampling_lhs_uniforms(rc->opts->seed, rc->block, rc->lhs_stream[k], w->scratch,
                              rc->res->input_values + k * rc->stride + rc->block_first - rc->base,
                              rc->block_size);
}

/* Phase 1, Latin hypercube, second step: every input's quantile in iterations first..first+count-1. */
static void phase_lhs_quantiles(run_ctx *rc, run_worker *w, long first, long count)
{
    (void)w;
    const hn_results *res = rc->res;
    for (int k = 0; k < res->n_inputs; k++) {
        const hn_dist *d = &rc->sc->params[res->inputs[k].param]->items[res->inputs[k].item];
        double *x = res->input_values + (long)k * rc->stride;
        for (long i = first - rc->base; i < first + count - rc->base; i++)
            x[i] = dist_quantile(d, x[i]);
    }
}

/* Phase 3: simulates iterations first..first+count-1 and stores their figures. */
static void phase_simulate(run_ctx *rc, run_worker *w, long first, long count)
{
    const hn_scenario *sc = rc->sc;
    hn_results *res = rc->res;
    int n_cols = res->layout.n_cols;
    bool det = rc->opts->deterministic;
    double *x = res->input_values;
    long stride = rc->stride;
    for (long k = 0; k < count; k++) {
        long i = first + k, at = i - rc->base; /* its iteration and its storage slot */
        if (det) {
            params_means(sc, w->pv, &w->clamped);
        } else {
            /* The constants once a run: the same in every iteration. */
            params_fill(sc, &rc->params, x ? x + at : NULL, stride, w->pv_filled, w->pv,
                        &w->clamped);
            w->pv_filled = true;
            params_fix(sc, res->inputs, rc->opts->fixed, rc->opts->n_fixed, w->pv);
            /* Keep the values the iteration used (rounded, clamped) for the inputs' record. */
            for (int q = 0; q < res->n_inputs; q++)
                x[(long)q * stride + at] = w->pv[res->inputs[q].slot];
        }
        if (sim_iteration(w->sim, w->pv, rc->opts->seed, (uint64_t)i, det, w->rows + k * n_cols,
                          &w->pay[k]) == HN_SIM_TOO_LARGE &&
            (w->too_large < 0 || i < w->too_large))
            w->too_large = i;
    }
    /* Scatter the chunk: each column receives `count` contiguous values. By bands of
     * SCATTER_BAND columns, so that each row's cache line is read once, not once a column. */
    for (int c0 = 0; c0 < n_cols; c0 += SCATTER_BAND) {
        int nc = n_cols - c0 < SCATTER_BAND ? n_cols - c0 : SCATTER_BAND;
        double *dst = res->values + (long)c0 * stride + first - rc->base;
        const double *src = w->rows + c0;
        for (long k = 0; k < count; k++)
            for (int j = 0; j < nc; j++) dst[j * stride + k] = src[k * n_cols + j];
    }
    memcpy(res->payback_year + first - rc->base, w->pay, (size_t)count * sizeof *w->pay);
    atomic_fetch_add(&rc->done, count);
    if (w->reports) report_progress(rc, false);
}

/*
 * Takes the phase's next chunk into *first and *count: rc->chunk items, but no more than a
 * (2 x workers)-th of those left and no fewer than CHUNK_MIN, so that the workers finish a phase
 * (a streamed run's segment) within a small chunk of each other rather than a full one apart.
 * Which worker takes which items never changes a figure: every iteration has its own streams.
 * false when none are left.
 */
static bool take_chunk(run_ctx *rc, long *first, long *count)
{
    long next = atomic_load(&rc->next);
    for (;;) {
        if (next >= rc->end) return false;
        long left = rc->end - next, c = left / (2L * rc->workers);
        if (c < CHUNK_MIN) c = CHUNK_MIN;
        if (c > rc->chunk) c = rc->chunk;
        if (c > left) c = left;
        if (atomic_compare_exchange_weak(&rc->next, &next, next + c)) {
            *first = next;
            *count = c;
            return true;
        }
    }
}

/* A worker's loop: takes chunks of the phase until none are left, the stop flag is set or a thread failed. */
static void phase_loop(run_worker *w)
{
    run_ctx *rc = w->rc;
    for (;;) {
        if (atomic_load(&rc->failed) || atomic_load(&rc->stopped)) break;
        if (rc->opts->stop && *rc->opts->stop) {
            atomic_store(&rc->stopped, 1);
            break;
        }
        long first, count;
        if (!take_chunk(rc, &first, &count)) break;
        rc->fn(rc, w, first, count);
    }
}

/* pthread entry point of workers 1..k-1. */
static void *phase_thread(void *arg)
{
    phase_loop(arg);
    return NULL;
}

/*
 * Runs fn over items first..end-1 in chunks of `chunk` on k workers (worker
 * 0 on this thread). HN_ERR_INTERNAL when a thread cannot be started,
 * HN_ERR_INTERRUPTED when the stop flag was seen.
 */
static hn_status run_phase(run_ctx *rc, run_worker *ws, int k, phase_fn fn, long first, long end,
                           long chunk, hn_error *err)
{
    rc->fn = fn;
    rc->end = end;
    rc->chunk = chunk;
    rc->workers = k;
    atomic_store(&rc->next, first);
    int thread_error = 0;
    for (int i = 1; i < k; i++) {
        int e = pthread_create(&ws[i].thread, NULL, phase_thread, &ws[i]);
        if (e != 0) {
            thread_error = e;
            atomic_store(&rc->failed, 1);
            break;
        }
        ws[i].started = true;
    }
    if (!thread_error) phase_loop(&ws[0]);
    for (int i = 1; i < k; i++)
        if (ws[i].started) {
            pthread_join(ws[i].thread, NULL);
            ws[i].started = false;
        }
    if (thread_error)
        return hn_error_set(err, HN_ERR_INTERNAL, "could not start a worker thread (error %d)",
                            thread_error);
    if (atomic_load(&rc->stopped)) return hn_error_set(err, HN_ERR_INTERRUPTED, "interrupted");
    return HN_OK;
}

/* Frees results and everything they own; NULL is fine. */
void results_free(hn_results *r)
{
    if (!r) return;
    layout_free(&r->layout);
    free(r->values);
    free(r->payback_year);
    free(r->inputs);
    free(r->input_values);
    free(r->blocks);
    free(r->curve);
    free(r);
}

/* A run whose memory is to be admitted. */
typedef struct {
    const hn_scenario *sc;
    const hn_run_opts *opts;
} run_request;

/* hn_mem_need_fn of a run (a run_request) taking n iterations: the first block's size, or
 * with a target the most iterations. */
static double run_need(const void *user, long n)
{
    const run_request *rq = user;
    hn_run_opts o = *rq->opts;
    if (has_target(&o))
        o.max_iterations = n;
    else
        o.iterations = n;
    /* The counts that fit (the advice after a refusal) are run as they would be: stored
     * while small enough (stats_run.h). */
    if (o.segment && !engine_streams(rq->sc, &o)) o.segment = NULL;
    return engine_memory_estimate(rq->sc, &o);
}

/*
 * Refuses a run whose estimate exceeds 3/4 of the memory this process may
 * use - physical memory, or a container's or ulimit's smaller limit - with
 * HN_ERR_LIMIT and how many iterations would fit (memlimit_admit).
 */
static hn_status check_memory(const hn_scenario *sc, const hn_run_opts *opts, hn_error *err)
{
    run_request rq = { sc, opts };
    long n = has_target(opts) ? run_max_iterations(opts) : opts->iterations;
    char what[96];
    int len = snprintf(what, sizeof what, "%ld iteration%s", run_max_iterations(opts),
                       run_max_iterations(opts) == 1 ? "" : "s");
    if (corr_bytes(sc, opts, run_inputs(sc, opts), 1) > 0) /* its matrices may be most of it */
        snprintf(what + len, sizeof what - (size_t)len, " with %d correlation pair%s",
                 sc->n_correlations, sc->n_correlations == 1 ? "" : "s");
    return memlimit_admit(
        &(hn_mem_request){ run_need, &rq, n, what,
                           has_target(opts) ? "--max-iterations" : "--iterations" },
        err);
}

/* Checks the options; HN_ERR_USAGE with the reason. */
static hn_status check_options(const hn_run_opts *opts, hn_error *err)
{
    if (!opts->deterministic && opts->iterations < 1)
        return hn_error_set(err, HN_ERR_USAGE, "iterations must be at least 1 (got %ld)",
                            opts->iterations);
    if (opts->threads < 1)
        return hn_error_set(err, HN_ERR_USAGE, "threads must be at least 1 (got %d)",
                            opts->threads);
    if (opts->sampling != HN_SAMPLING_MC && opts->sampling != HN_SAMPLING_LHS)
        return hn_error_set(err, HN_ERR_USAGE, "unknown sampling method %d", (int)opts->sampling);
    if (!(opts->target_se_pct >= 0) || !isfinite(opts->target_se_pct))
        return hn_error_set(err, HN_ERR_USAGE,
                            "the target standard error must be a percentage > 0");
    if (opts->max_iterations < 0)
        return hn_error_set(err, HN_ERR_USAGE, "max iterations must be at least 1 (got %ld)",
                            opts->max_iterations);
    if (has_target(opts) && run_max_iterations(opts) < opts->iterations)
        return hn_error_set(err, HN_ERR_USAGE,
                            "--max-iterations %ld is less than the first block of %ld "
                            "iterations (--iterations or the scenario's)",
                            run_max_iterations(opts), opts->iterations);
    return HN_OK;
}

/*
 * Memory for an array of the run's figures or inputs (the results' or the kept store's): on
 * huge pages, as an iteration writes a value into every column (bigmem.h, decisions P34),
 * unless the run has a target. A target run may converge in its first block, which may be
 * shorter than its storage, and fill only the start of each column-major array, which 2 MiB
 * pages, each holding the starts of many columns, would make resident whole: malloc's then.
 * Owned by the caller (free); NULL on OOM.
 */
static void *figures_alloc(const hn_run_opts *opts, size_t bytes)
{
    return has_target(opts) ? malloc(bytes) : bigmem_alloc(bytes);
}

/* Allocates the results for up to `stride` iterations (values, payback years, inputs). */
static hn_status results_new(const hn_scenario *sc, const hn_run_opts *opts, long stride,
                             hn_results **out, hn_error *err)
{
    hn_results *res = calloc(1, sizeof *res);
    if (!res) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the results");
    hn_status st = layout_init(&res->layout, sc, err);
    if (st != HN_OK) {
        free(res);
        return st;
    }
    res->deterministic = opts->deterministic;
    res->seed = opts->seed;
    res->values =
        figures_alloc(opts, (size_t)res->layout.n_cols * (size_t)stride * sizeof *res->values +
                                1); /* +1: a layout may have no columns */
    res->payback_year = calloc((size_t)stride, sizeof *res->payback_year);
    if (!opts->deterministic) {
        res->n_inputs = params_inputs(sc, &res->inputs);
        if (res->n_inputs > 0)
            res->input_values = figures_alloc(opts, (size_t)res->n_inputs * (size_t)stride *
                                                        sizeof *res->input_values);
    }
    if (!res->values || !res->payback_year || res->n_inputs < 0 ||
        (res->n_inputs > 0 && !res->input_values)) {
        int n_cols = res->layout.n_cols;
        results_free(res);
        return hn_error_set(err, HN_ERR_NOMEM,
                            "out of memory for %ld iterations of %d figures-years", stride, n_cols);
    }
    *out = res;
    return HN_OK;
}

/* Moves columns stored with `stride` to stride n (n <= stride) and gives back the rest. */
static void compact(double **data, int n_cols, long stride, long n)
{
    if (n == stride || n_cols == 0) return;
    for (int c = 1; c < n_cols; c++)
        memmove(*data + (long)c * n, *data + (long)c * stride, (size_t)n * sizeof **data);
    double *t = realloc(*data, (size_t)n_cols * (size_t)n * sizeof **data + 1);
    if (t) *data = t;
}

/* Allocates every worker's buffers; false when out of memory. */
static bool workers_init(run_ctx *rc, run_worker *ws, int k, long chunk)
{
    const hn_scenario *sc = rc->sc;
    int n_cols = rc->res->layout.n_cols;
    for (int i = 0; i < k; i++) {
        run_worker *w = &ws[i];
        w->rc = rc;
        w->reports = i == 0;
        w->too_large = -1;
        w->sim = sim_new(sc, &rc->res->layout);
        w->scratch = rng_new();
        w->pv = calloc((size_t)(sc->n_slots > 0 ? sc->n_slots : 1), sizeof *w->pv);
        w->rows = malloc((size_t)chunk * (size_t)(n_cols > 0 ? n_cols : 1) * sizeof *w->rows);
        w->pay = malloc((size_t)chunk * sizeof *w->pay);
        if (!w->sim || !w->scratch || !w->pv || !w->rows || !w->pay) return false;
    }
    return true;
}

/* Frees every worker's buffers. */
static void workers_free(run_worker *ws, int k)
{
    for (int i = 0; ws && i < k; i++) {
        free(ws[i].pay);
        free(ws[i].rows);
        free(ws[i].pv);
        if (ws[i].scratch) gsl_rng_free(ws[i].scratch);
        sim_free(ws[i].sim);
    }
    free(ws);
}

/* Appends a block record; false when out of memory. */
static bool push_block(hn_results *res, hn_block b)
{
    if ((res->n_blocks & (res->n_blocks - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
        hn_block *t =
            realloc(res->blocks, (size_t)(res->n_blocks ? 2 * res->n_blocks : 1) * sizeof *t);
        if (!t) return false;
        res->blocks = t;
    }
    res->blocks[res->n_blocks++] = b;
    return true;
}

/*
 * Runs one block (iterations rc->block_first .. + rc->block_size - 1):
 * draws, correlates, simulates.
 */
static hn_status run_block(run_ctx *rc, run_worker *ws, int k, long chunk, const hn_corr_plan *plan,
                           hn_error *err)
{
    hn_results *res = rc->res;
    long first = rc->block_first, end = first + rc->block_size, at = first - rc->base;
    hn_status st = HN_OK;
    /* Phase 3 is spread over the processes (par.h): each simulates its share of the
     * block, then every process receives every other's figures, in iteration order. */
    long lo, hi;
    par_share(rc->block_size, par_rank(), par_size(), &lo, &hi);
    if (!rc->opts->deterministic && res->n_inputs > 0) {
        if (rc->opts->sampling == HN_SAMPLING_LHS) {
            st = run_phase(rc, ws, k, phase_lhs_uniforms, 0, res->n_inputs, 1, err);
            if (st == HN_OK) st = run_phase(rc, ws, k, phase_lhs_quantiles, first, end, chunk, err);
        } else if (plan) {
            st = run_phase(rc, ws, k, phase_draw_mc, first, end, chunk, err);
        } else if (hi > lo) {
            /* Each iteration's own streams: the others' inputs come with their figures (P24). */
            st = run_phase(rc, ws, k, phase_draw_mc, first + lo, first + hi, chunk, err);
        }
        if (st == HN_OK && plan)
            st = corr_reorder(plan, res->input_values, rc->stride, at, rc->block_size,
                              rc->opts->seed, rc->block, ws[0].scratch, rc->opts->stop, err);
    }
    if (st == HN_OK && hi > lo)
        st = run_phase(rc, ws, k, phase_simulate, first + lo, first + hi, chunk, err);
    st = par_agree(st, err);
    if (st != HN_OK || par_size() < 2) return st;
    for (int c = 0; c < res->layout.n_cols && st == HN_OK; c++)
        st = par_allgather_doubles(res->values + (long)c * rc->stride + at, rc->block_size, err);
    for (int q = 0; q < res->n_inputs && st == HN_OK; q++)
        st = par_allgather_doubles(res->input_values + (long)q * rc->stride + at, rc->block_size,
                                   err);
    if (st == HN_OK) st = par_allgather_ints(res->payback_year + at, rc->block_size, err);
    return st;
}

/* What a streamed run keeps of its first iterations, besides its segment's storage. */
typedef struct {
    long keep, n; /* the most kept, and kept so far */
    double *values, *inputs;
    int *payback;
} kept_store;

/* Allocates room for `keep` iterations of res's figures and inputs (figures_alloc, for the
 * run of opts); false on OOM. */
static bool kept_init(kept_store *kp, const hn_results *res, const hn_run_opts *opts, long keep)
{
    kp->keep = keep;
    kp->n = 0;
    kp->values =
        figures_alloc(opts, (size_t)res->layout.n_cols * (size_t)keep * sizeof *kp->values + 1);
    kp->payback = malloc((size_t)keep * sizeof *kp->payback + 1);
    kp->inputs =
        res->n_inputs > 0
            ? figures_alloc(opts, (size_t)res->n_inputs * (size_t)keep * sizeof *kp->inputs)
            : NULL;
    return kp->values && kp->payback && (res->n_inputs == 0 || kp->inputs);
}

/* Copies the segment's iterations that are among the first `keep` into the store. */
static void kept_add(kept_store *kp, const hn_results *res, const hn_run_part *seg)
{
    long take = kp->keep - kp->n < seg->count ? kp->keep - kp->n : seg->count;
    if (take <= 0) return;
    /* The store's stride is keep: moved to n_kept in kept_finish. */
    for (int c = 0; c < res->layout.n_cols; c++)
        memcpy(kp->values + (long)c * kp->keep + kp->n, seg->values + (long)c * seg->stride,
               (size_t)take * sizeof *kp->values);
    for (int q = 0; q < res->n_inputs; q++)
        memcpy(kp->inputs + (long)q * kp->keep + kp->n, seg->inputs + (long)q * seg->stride,
               (size_t)take * sizeof *kp->inputs);
    memcpy(kp->payback + kp->n, seg->payback, (size_t)take * sizeof *kp->payback);
    kp->n += take;
}

/* Frees a store's arrays (those not handed to the results). */
static void kept_free(kept_store *kp)
{
    free(kp->values);
    free(kp->inputs);
    free(kp->payback);
    kp->values = kp->inputs = NULL;
    kp->payback = NULL;
}

/* A run under way (engine.h): everything engine_start sets up and engine_step moves on. */
struct hn_engine_run {
    const hn_scenario *sc;
    const hn_run_opts *opts;
    double t0;
    hn_results *res;
    run_ctx rc; /* the workers point to it: the run is never moved */
    run_worker *ws;
    int k;
    long chunk;
    hn_corr_plan *plan;
    kept_store kept;
    hn_curve_recorder curve;
    long block_len, total, stride; /* a block, the most iterations, iterations stored at once */
    bool target, stream;
    int col; /* the convergence column */
    hn_running run;
    long done, in_block; /* iterations done, and done in the current block */
    uint64_t batch;
    bool finished;
    hn_run_part part; /* the last batch, for a streamed run */
};

/* Frees a run and everything it holds; NULL is fine. */
void engine_abort(hn_engine_run *e)
{
    if (!e) return;
    workers_free(e->ws, e->k);
    corr_plan_free(e->plan);
    free(e->rc.lhs_stream);
    params_plan_free(&e->rc.params);
    kept_free(&e->kept);
    curve_recorder_free(&e->curve);
    results_free(e->res);
    free(e);
}

hn_status engine_start(const hn_scenario *sc, const hn_run_opts *opts, hn_engine_run **out,
                       hn_error *err)
{
    *out = NULL;
    double t0 = now_seconds();
    hn_status st = check_options(opts, err);
    if (st == HN_OK) st = check_memory(sc, opts, err);
    st = par_agree(st, err); /* the memory each process may use can differ */
    if (st != HN_OK) return st;
    hn_engine_run *e = calloc(1, sizeof *e);
    st = e ? HN_OK : hn_error_set(err, HN_ERR_NOMEM, "out of memory for the run");
    st = par_agree(st, err);
    if (st != HN_OK) return st;
    e->sc = sc;
    e->opts = opts;
    e->t0 = t0;
    e->block_len = run_iterations(opts);
    e->total = run_max_iterations(opts);
    e->stride = segment_len(opts); /* iterations stored at once */
    e->target = has_target(opts);
    e->stream = streamed(opts);
    st = par_agree(results_new(sc, opts, e->stride, &e->res, err), err);
    if (st != HN_OK) {
        engine_abort(e);
        return st;
    }
    hn_results *res = e->res;
    for (int i = 0; i < opts->n_fixed; i++) {
        const hn_fixed_input *f = &opts->fixed[i];
        if (!opts->deterministic && f->input >= 0 && f->input < res->n_inputs && isfinite(f->value))
            continue;
        int n_inputs = res->n_inputs;
        engine_abort(e);
        return hn_error_set(err, HN_ERR_USAGE,
                            "cannot fix sampled input %d at %g: a Monte Carlo run of this "
                            "scenario has %d sampled inputs",
                            f->input, f->value, n_inputs);
    }
    res->sampling = opts->deterministic ? HN_SAMPLING_MC : opts->sampling;
    res->target_se_pct = e->target ? opts->target_se_pct : 0;

    e->k = threads_used(opts, e->block_len);
    e->chunk = chunk_len(e->block_len, e->k);
    run_ctx *rc = &e->rc;
    *rc = (run_ctx){ .sc = sc, .opts = opts, .res = res, .stride = e->stride };
    atomic_init(&rc->next, 0);
    atomic_init(&rc->failed, 0);
    atomic_init(&rc->stopped, 0);
    atomic_init(&rc->done, 0);
    curve_recorder_init(&e->curve, e->total, HN_CURVE_POINTS);
    e->ws = calloc((size_t)e->k, sizeof *e->ws);
    if (!e->ws || !workers_init(rc, e->ws, e->k, e->chunk))
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory in a worker thread");
    if (st == HN_OK && e->stream &&
        !kept_init(&e->kept, res, opts, opts->keep < e->total ? opts->keep : e->total))
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory for the kept iterations");
    if (st == HN_OK && !opts->deterministic)
        st = corr_plan_new(sc, res->inputs, res->n_inputs, &e->plan, err);
    if (st == HN_OK && !opts->deterministic && !params_plan_init(&rc->params, sc))
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    if (st == HN_OK && opts->sampling == HN_SAMPLING_LHS && res->n_inputs > 0 &&
        !opts->deterministic) {
        rc->lhs_stream = malloc((size_t)res->n_inputs * sizeof *rc->lhs_stream);
        if (!rc->lhs_stream)
            st = hn_error_set(err, HN_ERR_NOMEM, "out of memory");
        else
            for (int q = 0; q < res->n_inputs; q++)
                rc->lhs_stream[q] = sampling_lhs_stream(res->inputs[q].name);
    }
    st = par_agree(st, err);
    if (st != HN_OK) {
        engine_abort(e);
        return st;
    }
    rc->progress_total = e->total;
    rc->last_progress = now_seconds();
    report_progress(rc, true);
    e->col = convergence_column(&res->layout);
    *out = e;
    return HN_OK;
}

/*
 * Runs the next batch: a block, or a streamed block's segment; batches are
 * drawn and correlated as one, and when no block is longer than a segment
 * batch b is block b. Hands a streamed run's batch to its sink.
 */
hn_status engine_step(hn_engine_run *e, bool *finished, hn_error *err)
{
    const hn_run_opts *opts = e->opts;
    hn_results *res = e->res;
    run_ctx *rc = &e->rc;
    *finished = e->finished;
    if (e->finished) return HN_OK;
    long left = e->block_len - e->in_block;
    if (e->total - e->done < left) left = e->total - e->done;
    rc->block = e->batch++;
    rc->block_first = e->done;
    rc->block_size = left < e->stride ? left : e->stride;
    rc->base = e->stream ? e->done : 0;
    hn_status st = run_block(rc, e->ws, e->k, e->chunk, e->plan, err);
    if (st != HN_OK) return st;
    long at = e->done - rc->base;
    e->done += rc->block_size;
    e->in_block += rc->block_size;
    bool block_end = e->in_block == e->block_len || e->done >= e->total;
    for (long i = at; e->col >= 0 && i < at + rc->block_size; i++) {
        double v = res->values[(long)e->col * e->stride + i];
        running_add(&e->run, v);
        if (e->stream) curve_recorder_add(&e->curve, v, block_end && i == at + rc->block_size - 1);
    }
    if (e->stream) {
        e->part = (hn_run_part){ .first = e->done - rc->block_size,
                                 .count = rc->block_size,
                                 .stride = e->stride,
                                 .values = res->values + at,
                                 .inputs = res->input_values ? res->input_values + at : NULL,
                                 .payback = res->payback_year + at,
                                 .block_end = block_end };
        kept_add(&e->kept, res, &e->part);
        if (opts->segment) st = opts->segment(opts->segment_user, &e->part, e->k, err);
        st = par_agree(st, err);
        if (st != HN_OK) return st;
    }
    if (!block_end) return HN_OK;
    e->in_block = 0;
    double se = opts->deterministic ? 0 : running_se(&e->run);
    long prev = res->n_blocks ? res->blocks[res->n_blocks - 1].total : 0;
    st = push_block(res, (hn_block){ e->done - prev, e->done, e->run.mean, se })
             ? HN_OK
             : hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    st = par_agree(st, err);
    if (st != HN_OK) return st;
    if (e->target && se <= opts->target_se_pct / 100.0 * fabs(e->run.mean)) res->converged = true;
    if (!e->target || res->converged || e->done >= e->total) e->finished = true;
    *finished = e->finished;
    return HN_OK;
}

const hn_run_part *engine_part(const hn_engine_run *e)
{
    return e->stream && e->part.count > 0 ? &e->part : NULL;
}

hn_status engine_finish(hn_engine_run *e, hn_results **out, hn_error *err)
{
    *out = NULL;
    hn_results *res = e->res;
    long done = e->done;
    res->n_iter = done;
    res->max_iterations = e->total;
    long too_large = LONG_MAX, clamps[2] = { 0, 0 };
    for (int i = 0; i < e->k; i++) {
        if (e->ws[i].too_large >= 0 && e->ws[i].too_large < too_large)
            too_large = e->ws[i].too_large;
        clamps[0] += e->ws[i].clamped.money;
        clamps[1] += e->ws[i].clamped.rate;
    }
    par_min_longs(&too_large, 1); /* every process's iterations */
    par_sum_longs(clamps, 2);
    if (too_large < LONG_MAX) {
        hn_status st = sim_size_error(too_large, err);
        engine_abort(e);
        return st;
    }
    if (e->stream) { /* the results keep the first iterations, and the curve */
        kept_store *kp = &e->kept;
        free(res->values);
        free(res->input_values);
        free(res->payback_year);
        res->values = kp->values;
        res->input_values = kp->inputs;
        res->payback_year = kp->payback;
        kp->values = kp->inputs = NULL;
        kp->payback = NULL;
        compact(&res->values, res->layout.n_cols, kp->keep, kp->n);
        compact(&res->input_values, res->n_inputs, kp->keep, kp->n);
        res->n_kept = kp->n;
        res->n_curve = curve_recorder_take(&e->curve, &res->curve);
        if (res->n_curve < 0) {
            res->n_curve = 0;
            engine_abort(e);
            return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the convergence curve");
        }
    } else {
        compact(&res->values, res->layout.n_cols, e->stride, done);
        compact(&res->input_values, res->n_inputs, e->stride, done);
        if (done < e->stride) {
            int *t = realloc(res->payback_year, (size_t)done * sizeof *t);
            if (t) res->payback_year = t;
        }
        res->n_kept = done;
    }
    res->clamped = clamps[0];
    res->rate_clamped = clamps[1];
    res->threads = e->k;
    e->rc.progress_total = done;
    report_progress(&e->rc, true);
    e->res = NULL;
    res->wall_seconds = now_seconds() - e->t0;
    engine_abort(e);
    *out = res;
    return HN_OK;
}

/* Runs every block; on success *out holds new results the caller frees with results_free. */
hn_status engine_run(const hn_scenario *sc, const hn_run_opts *opts, hn_results **out,
                     hn_error *err)
{
    *out = NULL;
    hn_engine_run *e = NULL;
    hn_status st = engine_start(sc, opts, &e, err);
    if (st != HN_OK) return st;
    for (bool finished = false; !finished;)
        if ((st = engine_step(e, &finished, err)) != HN_OK) {
            engine_abort(e);
            return st;
        }
    return engine_finish(e, out, err);
}
