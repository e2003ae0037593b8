/*
 * engine_run.c - runs a scenario: many iterations on many threads, every
 * figure of every iteration kept (engine.h).
 *
 * Each worker thread owns one simulator, one scratch generator for the
 * parameter draws, one parameter vector and a buffer of rows. Iterations
 * are handed out in chunks through an atomic counter; iteration i always
 * draws its parameters from (seed, i) and its flows from (seed, i, section),
 * and its row is scattered into column-major storage at i, so the stored
 * values are bit-for-bit the same whatever the number of threads. The stop
 * flag is read between chunks. Before allocating, the run's memory is
 * estimated and a run needing more than 3/4 of the memory the process may
 * use (physical, or a container's or ulimit's limit) is refused.
 */
#include "engine.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memlimit.h"
#include "params.h"
#include "rng.h"
#include "sim.h"

/* Most iterations handed to a thread at once. */
#define CHUNK_MAX 256

/* Shared by the workers of one run. */
typedef struct {
    const hn_scenario *sc;
    const hn_run_opts *opts;
    hn_results *res;
    long chunk;
    atomic_long next;          /* first iteration of the next chunk */
    atomic_int failed;         /* a worker could not allocate */
    atomic_int stopped;        /* the stop flag was seen */
} run_shared;

/* One worker's state and result. */
typedef struct {
    run_shared *sh;
    long clamped;
    hn_status status;
    pthread_t thread;
    bool started;
} run_worker;

/* Chunk length for n iterations on k threads: small enough to share out, at most CHUNK_MAX. */
static long chunk_len(long n, int k)
{
    long c = n / ((long)k * 4);
    if (c < 1)
        c = 1;
    if (c > CHUNK_MAX)
        c = CHUNK_MAX;
    return c;
}

/* Threads worth starting: no more than there are chunks. */
static int threads_used(const hn_run_opts *opts, long n_iter)
{
    if (opts->deterministic)
        return 1;
    int k = opts->threads < 1 ? 1 : opts->threads;
    long chunks = (n_iter + chunk_len(n_iter, k) - 1) / chunk_len(n_iter, k);
    return chunks < k ? (int)chunks : k;
}

/* Iterations of a run (1 when deterministic). */
static long run_iterations(const hn_run_opts *opts)
{
    return opts->deterministic ? 1 : opts->iterations;
}

/* Bytes one worker allocates besides the results (approximate, generous). */
static double worker_bytes(const hn_scenario *sc, int n_cols, long chunk)
{
    double P = sc->n_provisions, S = sc->n_segments, exits = 0;
    for (int p = 0; p < sc->n_provisions; p++)
        exits += sc->provisions[p].n_exits + 1;
    double sim = 8.0 * (P * S * 2 + exits * (S + 1) + P * 12 + S * 16) +
                 (P + S) * 256.0 + 4096.0;
    return sim + 8.0 * sc->n_slots + 8.0 * (double)n_cols * (double)chunk + 4096.0;
}

/* Columns of sc's layout, or -1 when the layout cannot be built. */
static int layout_cols(const hn_scenario *sc)
{
    hn_layout lay;
    if (layout_init(&lay, sc, NULL) != HN_OK)
        return -1;
    int n = lay.n_cols;
    layout_free(&lay);
    return n;
}

/* Bytes stored per iteration: every figure-year, the payback year and every sampled input. */
static double per_iteration_bytes(const hn_scenario *sc, const hn_run_opts *opts, int n_cols)
{
    hn_input *inputs = NULL;
    int n_inputs = opts->deterministic ? 0 : params_inputs(sc, &inputs);
    free(inputs);
    return 8.0 * (n_cols > 0 ? n_cols : 0) + sizeof(int) + 8.0 * (n_inputs > 0 ? n_inputs : 0);
}

/* Estimates the bytes engine_run would allocate (results plus per-thread buffers). */
double engine_memory_estimate(const hn_scenario *sc, const hn_run_opts *opts)
{
    int n_cols = layout_cols(sc);
    if (n_cols < 0)
        n_cols = 0;
    long n = run_iterations(opts);
    int k = threads_used(opts, n > 0 ? n : 1);
    double per_iter = per_iteration_bytes(sc, opts, n_cols);
    return per_iter * (double)n + k * worker_bytes(sc, n_cols, chunk_len(n > 0 ? n : 1, k)) +
           sizeof(hn_results) + 64.0 * n_cols;
}

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A worker: takes chunks until none are left, the stop flag is set or another worker failed. */
static void *worker_main(void *arg)
{
    run_worker *w = arg;
    run_shared *sh = w->sh;
    const hn_scenario *sc = sh->sc;
    hn_results *res = sh->res;
    const hn_layout *lay = &res->layout;
    long n_iter = res->n_iter;
    int n_cols = lay->n_cols;
    bool det = sh->opts->deterministic;
    uint64_t seed = sh->opts->seed;

    hn_sim *sim = sim_new(sc, lay);
    gsl_rng *scratch = rng_new();
    double *pv = calloc((size_t)(sc->n_slots > 0 ? sc->n_slots : 1), sizeof *pv);
    double *rows = malloc((size_t)sh->chunk * (size_t)n_cols * sizeof *rows);
    int *pay = malloc((size_t)sh->chunk * sizeof *pay);
    if (!sim || !scratch || !pv || !rows || !pay) {
        w->status = HN_ERR_NOMEM;
        atomic_store(&sh->failed, 1);
        goto done;
    }

    for (;;) {
        if (atomic_load(&sh->failed) || atomic_load(&sh->stopped))
            break;
        if (sh->opts->stop && *sh->opts->stop) {
            atomic_store(&sh->stopped, 1);
            break;
        }
        long first = atomic_fetch_add(&sh->next, sh->chunk);
        if (first >= n_iter)
            break;
        long count = n_iter - first < sh->chunk ? n_iter - first : sh->chunk;
        for (long k = 0; k < count; k++) {
            long i = first + k;
            if (det)
                params_means(sc, pv, &w->clamped);
            else
                params_draw(sc, seed, (uint64_t)i, scratch, pv, &w->clamped);
            for (int q = 0; q < res->n_inputs; q++)
                res->input_values[(long)q * n_iter + i] = pv[res->inputs[q].slot];
            pay[k] = sim_iteration(sim, pv, seed, (uint64_t)i, det, rows + k * n_cols);
        }
        /* Scatter the chunk: each column receives `count` contiguous values. */
        for (int c = 0; c < n_cols; c++) {
            double *dst = res->values + (long)c * n_iter + first;
            for (long k = 0; k < count; k++)
                dst[k] = rows[k * n_cols + c];
        }
        memcpy(res->payback_year + first, pay, (size_t)count * sizeof *pay);
    }

done:
    free(pay);
    free(rows);
    free(pv);
    if (scratch)
        gsl_rng_free(scratch);
    sim_free(sim);
    return NULL;
}

/* Frees results and everything they own; NULL is fine. */
void results_free(hn_results *r)
{
    if (!r)
        return;
    layout_free(&r->layout);
    free(r->values);
    free(r->payback_year);
    free(r->inputs);
    free(r->input_values);
    free(r);
}

/*
 * Refuses a run whose estimate exceeds 3/4 of the memory this process may
 * use - physical memory, or a container's or ulimit's smaller limit
 * (memlimit.h) - with HN_ERR_LIMIT.
 */
static hn_status check_memory(const hn_scenario *sc, const hn_run_opts *opts, hn_error *err)
{
    const char *what = NULL;
    double avail = memlimit_bytes(&what);
    if (avail <= 0)
        return HN_OK; /* unknown: nothing to check against */
    double limit = 0.75 * avail;
    double need = engine_memory_estimate(sc, opts);
    if (need <= limit)
        return HN_OK;
    hn_run_opts one = *opts;
    one.iterations = 1;
    one.deterministic = false;
    double fixed = engine_memory_estimate(sc, &one);
    int n_cols = layout_cols(sc);
    double per_iter = per_iteration_bytes(sc, opts, n_cols);
    double fit = floor((limit - fixed) / per_iter) + 1;
    if (fit < 0)
        fit = 0;
    return hn_error_set(err, HN_ERR_LIMIT,
                        "%ld iterations need about %.0f MB of memory, more than 3/4 of %s "
                        "(%.0f MB); at most %.0f iterations fit (use --iterations)",
                        run_iterations(opts), need / 1048576.0, what, avail / 1048576.0, fit);
}

/* Runs every iteration; on success *out holds new results the caller frees with results_free. */
hn_status engine_run(const hn_scenario *sc, const hn_run_opts *opts, hn_results **out,
                     hn_error *err)
{
    double t0 = now_seconds();
    *out = NULL;
    if (!opts->deterministic && opts->iterations < 1)
        return hn_error_set(err, HN_ERR_USAGE, "iterations must be at least 1 (got %ld)",
                            opts->iterations);
    if (opts->threads < 1)
        return hn_error_set(err, HN_ERR_USAGE, "threads must be at least 1 (got %d)",
                            opts->threads);
    hn_status st = check_memory(sc, opts, err);
    if (st != HN_OK)
        return st;

    hn_results *res = calloc(1, sizeof *res);
    if (!res)
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the results");
    st = layout_init(&res->layout, sc, err);
    if (st != HN_OK) {
        free(res);
        return st;
    }
    long n_iter = run_iterations(opts);
    res->n_iter = n_iter;
    res->deterministic = opts->deterministic;
    res->seed = opts->seed;
    res->values = malloc((size_t)res->layout.n_cols * (size_t)n_iter * sizeof *res->values +
                         1); /* +1: a layout may have no columns */
    res->payback_year = calloc((size_t)n_iter, sizeof *res->payback_year);
    if (!opts->deterministic) {
        res->n_inputs = params_inputs(sc, &res->inputs);
        if (res->n_inputs > 0)
            res->input_values = malloc((size_t)res->n_inputs * (size_t)n_iter * sizeof *res->input_values);
    }
    if (!res->values || !res->payback_year || res->n_inputs < 0 ||
        (res->n_inputs > 0 && !res->input_values)) {
        int n_cols = res->layout.n_cols;
        results_free(res);
        return hn_error_set(err, HN_ERR_NOMEM,
                            "out of memory for %ld iterations of %d figures-years", n_iter, n_cols);
    }

    int k = threads_used(opts, n_iter);
    run_shared sh = {.sc = sc, .opts = opts, .res = res, .chunk = chunk_len(n_iter, k)};
    atomic_init(&sh.next, 0);
    atomic_init(&sh.failed, 0);
    atomic_init(&sh.stopped, 0);
    run_worker *workers = calloc((size_t)k, sizeof *workers);
    if (!workers) {
        results_free(res);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory for %d threads", k);
    }
    int thread_error = 0;
    for (int i = 0; i < k; i++) {
        workers[i].sh = &sh;
        workers[i].status = HN_OK;
    }
    /* Workers 1..k-1 on new threads; worker 0 on this one. */
    for (int i = 1; i < k; i++) {
        int rc = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
        if (rc != 0) {
            thread_error = rc;
            atomic_store(&sh.failed, 1);
            break;
        }
        workers[i].started = true;
    }
    if (!thread_error)
        worker_main(&workers[0]);
    for (int i = 1; i < k; i++)
        if (workers[i].started)
            pthread_join(workers[i].thread, NULL);

    hn_status result = HN_OK;
    long clamped = 0;
    for (int i = 0; i < k; i++) {
        clamped += workers[i].clamped;
        if (workers[i].status != HN_OK)
            result = workers[i].status;
    }
    free(workers);

    if (thread_error) {
        results_free(res);
        return hn_error_set(err, HN_ERR_INTERNAL, "could not start a worker thread (error %d)",
                            thread_error);
    }
    if (result != HN_OK) {
        results_free(res);
        return hn_error_set(err, result, "out of memory in a worker thread");
    }
    if (atomic_load(&sh.stopped)) {
        results_free(res);
        return hn_error_set(err, HN_ERR_INTERRUPTED, "interrupted");
    }
    hn_status big = sim_check_sizes(res->payback_year, n_iter, err);
    if (big != HN_OK) {
        results_free(res);
        return big;
    }
    res->clamped = clamped;
    res->threads = k;
    res->wall_seconds = now_seconds() - t0;
    *out = res;
    return HN_OK;
}
