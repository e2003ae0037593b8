/*
 * stats_run.c - a run and its statistics, stored or streamed (stats_run.h).
 *
 * A streamed run's segments are folded into one stats_stream accumulator
 * on the calling thread and up to `threads` threads more, each taking
 * blocks of columns as it goes; a column's values are always added in
 * iteration order by one thread, so the statistics are the same whatever
 * the thread count. Under MPI every process receives every segment (the
 * engine gathers them) but folds only its share of the columns
 * (stats_share) and the net cost's, whose histogram bins every process
 * needs for the Distribution sheet; stats_gather then gives every process
 * every column's statistics.
 */
#include "analysis/stats_run.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/stats_stream.h"
#include "base/memlimit.h"
#include "base/par.h"
#include "model/convergence.h"

/* Columns a fold's thread takes at a time: columns differ in cost (a column of money crossing
 * zero holds a hundred times the bins of one of pupils), so threads taking small blocks as they
 * go finish together where fixed ranges of columns did not. */
#define FOLD_BLOCK 4

/* A fold shared by its threads: the columns, and the next block of them to take. */
typedef struct {
    hn_stats_stream *acc;
    const double *values;
    long stride, count;
    int col_first, col_end;
    atomic_int next; /* the next block's first column */
} fold_job;

/* One thread of a fold: the first column it failed on (col_end: none) and why. */
typedef struct {
    fold_job *job;
    int failed_at;
    hn_error err;
    pthread_t tid;
    bool started;
} fold_share;

/* Folds blocks of the job's columns until none are left or one fails (pthread entry point, and
 * called directly on the calling thread). */
static void *fold_columns(void *arg)
{
    fold_share *sh = arg;
    fold_job *job = sh->job;
    for (;;) {
        int c0 = atomic_fetch_add(&job->next, FOLD_BLOCK);
        if (c0 >= job->col_end) break;
        int c1 = job->col_end - c0 < FOLD_BLOCK ? job->col_end : c0 + FOLD_BLOCK;
        const double *v = job->values + (size_t)(c0 - job->col_first) * (size_t)job->stride;
        if (stats_stream_add(job->acc, c0, c1, v, job->stride, job->count, &sh->err) != HN_OK) {
            sh->failed_at = c0;
            break;
        }
    }
    return NULL;
}

hn_status stats_fold(hn_stats_stream *acc, int col_first, int col_end, const double *values,
                     long stride, long count, int threads, hn_error *err)
{
    enum { MAX_SHARES = 64 };
    if (col_end <= col_first) /* nothing to share: stats_stream_add's checks alone */
        return stats_stream_add(acc, col_first, col_end, values, stride, count, err);
    int n_blocks = (col_end - col_first + FOLD_BLOCK - 1) / FOLD_BLOCK;
    int k = threads < 1 ? 1 : threads > MAX_SHARES ? MAX_SHARES : threads;
    if (k > n_blocks) k = n_blocks; /* at least 1: the range is not empty */
    fold_job job = { .acc = acc,
                     .values = values,
                     .stride = stride,
                     .count = count,
                     .col_first = col_first,
                     .col_end = col_end };
    atomic_init(&job.next, col_first);
    fold_share sh[MAX_SHARES];
    for (int t = 0; t < k; t++) sh[t] = (fold_share){ .job = &job, .failed_at = col_end };
    /* A thread that cannot start leaves its blocks to the others: same results. */
    for (int t = 1; t < k; t++)
        sh[t].started = pthread_create(&sh[t].tid, NULL, fold_columns, &sh[t]) == 0;
    fold_columns(&sh[0]);
    for (int t = 1; t < k; t++)
        if (sh[t].started) pthread_join(sh[t].tid, NULL);
    /* The error of the first column that failed, whichever thread met it. */
    int first = 0;
    for (int t = 1; t < k; t++)
        if (sh[t].failed_at < sh[first].failed_at) first = t;
    if (sh[first].failed_at == col_end) return HN_OK;
    *err = sh[first].err;
    return sh[first].err.status;
}

/*
 * The accumulator a streamed run's segments are folded into, the columns
 * wanted [first, end) and what this process folds: its share of them [lo,
 * hi) (stats_share) and the histogram's column hcol (-1: none).
 */
typedef struct {
    hn_stats_stream *acc;
    int first, end, lo, hi, hcol;
} fold_ctx;

/* hn_part_fn: folds this process's columns of a segment into the accumulator on up to
 * `threads` threads, then the histogram's column when it is not among them. */
static hn_status fold_part(void *user, const hn_run_part *part, int threads, hn_error *err)
{
    fold_ctx *f = user;
    size_t stride = (size_t)part->stride;
    hn_status s = f->hi > f->lo ? stats_fold(f->acc, f->lo, f->hi, part->values + f->lo * stride,
                                             part->stride, part->count, threads, err)
                                : HN_OK;
    if (s == HN_OK && f->hcol >= 0 && (f->hcol < f->lo || f->hcol >= f->hi))
        s = stats_fold(f->acc, f->hcol, f->hcol + 1, part->values + f->hcol * stride, part->stride,
                       part->count, 1, err);
    return s;
}

/*
 * The statistics of a streamed run from its accumulator f: the columns
 * f->lo..f->hi-1 and the histogram (the other columns are stats_gather's to
 * fill); NULL on OOM.
 */
static hn_stats *streamed_stats(const hn_results *res, const fold_ctx *f)
{
    const hn_layout *lay = &res->layout;
    hn_stats *st = stats_new(lay, false);
    if (!st) return NULL;
    st->streamed = true;
    for (int col = f->lo; col < f->hi; col++)
        st->n_valid[col] = stats_stream_column(f->acc, col, st->s + (size_t)col * HN_STAT__COUNT);
    if (f->hcol >= 0) {
        st->n_hist = stats_stream_bins(f->acc, f->hcol, &st->hist_value, &st->hist_count);
        if (st->n_hist < 0) {
            st->n_hist = 0;
            stats_free(st);
            return NULL;
        }
    }
    return st;
}

/* The accumulator's bytes when a run's first segment is folded: stats_stream_estimate of at
 * most HN_PART_ITERATIONS values a column (the up-front check's share for it; the rest is
 * checked by projection once that segment is folded: check_projected). */
static double first_segment_need(int n_cols, long n)
{
    return stats_stream_estimate(n_cols, n < HN_PART_ITERATIONS ? n : HN_PART_ITERATIONS);
}

/* Bytes f's accumulator is expected to hold at n values a column (stats_stream_project of the
 * columns it folds). */
static double fold_projected(const fold_ctx *f, long n)
{
    double b = stats_stream_project(f->acc, f->lo, f->hi, n);
    if (f->hcol >= 0 && (f->hcol < f->lo || f->hcol >= f->hi))
        b += stats_stream_project(f->acc, f->hcol, f->hcol + 1, n);
    return b;
}

/* What check_projected's need function reads. */
typedef struct {
    const hn_scenario *const *scs;
    const hn_run_opts *o; /* [n]: the streamed runs' options */
    const fold_ctx *f;    /* [n] */
    int n;
    hn_mem_need_fn parts_need;
    const void *user;
} projected_request;

/* hn_mem_need_fn of streamed runs in lockstep at `iters` iterations (the most, with a target):
 * each run's estimate without its accumulator, its accumulator projected, and parts_need. */
static double projected_need(const void *user, long iters)
{
    const projected_request *p = user;
    double need = p->parts_need ? p->parts_need(p->user, iters) : 0;
    for (int i = 0; i < p->n; i++) {
        hn_run_opts o = p->o[i];
        if (o.target_se_pct > 0)
            o.max_iterations = iters;
        else
            o.iterations = iters;
        o.segment_need = NULL;
        need += engine_memory_estimate(p->scs[i], &o) + fold_projected(&p->f[i], iters);
    }
    return need;
}

/*
 * The memory check of streamed runs after their first segment (decisions
 * P19): memlimit_admit with the accumulators projected from what they hold
 * (stats_stream_project) in place of the up-front share for them; HN_OK,
 * or HN_ERR_LIMIT saying how many iterations the projection fits.
 */
static hn_status check_projected(const projected_request *p, hn_error *err)
{
    long most = engine_max_iterations(&p->o[0]);
    char what[160];
    int len = p->n == 1 ? snprintf(what, sizeof what, "%ld iterations", most)
                        : snprintf(what, sizeof what, "%d options at %ld iterations", p->n, most);
    snprintf(what + len, sizeof what - (size_t)len,
             " (their statistics as projected from the first %ld,%03ld)", HN_PART_ITERATIONS / 1000,
             HN_PART_ITERATIONS % 1000);
    const char *option = p->o[0].target_se_pct > 0 ? "--max-iterations" : "--iterations";
    return memlimit_admit(&(hn_mem_request){ projected_need, p, most, what, option }, err);
}

/*
 * opts with a streamed run's settings for sc: the fold of its segments
 * into f (whose accumulator is made later), the kept iterations (none
 * unless `keep`) and the bytes the accumulator may take.
 */
static hn_run_opts stream_opts(const hn_scenario *sc, const hn_run_opts *opts, bool keep_first,
                               fold_ctx *f)
{
    long n = engine_max_iterations(opts);
    double keep = floor(HN_KEEP_BYTES / engine_iteration_bytes(sc, opts));
    hn_run_opts o = *opts;
    o.segment = fold_part;
    o.segment_user = f;
    o.keep = !keep_first ? 0 : keep < HN_KEEP_MIN ? HN_KEEP_MIN : keep > (double)n ? n : (long)keep;
    o.segment_need = first_segment_need;
    return o;
}

/* What a NULL want stands for: every column, the first iterations kept. */
static const hn_stats_want want_all = { .col_first = 0, .col_end = 0, .keep_first = true };

/* The columns want asks for of n_cols, [*first, *end); HN_ERR_INTERNAL when they are not
 * among them. */
static hn_status want_columns(const hn_stats_want *want, int n_cols, int *first, int *end,
                              hn_error *err)
{
    *first = want->col_first;
    *end = want->col_end > 0 ? want->col_end : n_cols;
    if (*first < 0 || *first >= *end || *end > n_cols)
        return hn_error_set(err, HN_ERR_INTERNAL, "statistics of columns %d..%d of %d asked for",
                            want->col_first, want->col_end, n_cols);
    return HN_OK;
}

/*
 * Sets up a streamed run of sc for want: *o is stream_opts's, f's columns
 * and its accumulator new. HN_ERR_NOMEM, want_columns's or layout_init's
 * errors otherwise (f->acc NULL).
 */
static hn_status stream_setup(const hn_scenario *sc, const hn_run_opts *opts,
                              const hn_stats_want *want, fold_ctx *f, hn_run_opts *o, hn_error *err)
{
    f->acc = NULL;
    hn_layout lay;
    hn_status s = layout_init(&lay, sc, err);
    if (s != HN_OK) return s;
    s = want_columns(want, lay.n_cols, &f->first, &f->end, err);
    if (s == HN_OK) {
        bool *prob = stats_probability_columns(&lay);
        f->acc = prob ? stats_stream_new(lay.n_cols, prob) : NULL;
        free(prob);
        stats_share(f->first, f->end, &f->lo, &f->hi);
        f->hcol = f->first == 0 && f->end == lay.n_cols ? convergence_column(&lay) : -1;
        *o = stream_opts(sc, opts, want->keep_first, f);
        if (!f->acc) s = hn_error_set(err, HN_ERR_NOMEM, "out of memory for the statistics");
    }
    layout_free(&lay);
    return s;
}

double stats_run_memory(const hn_scenario *sc, const hn_run_opts *opts, bool stream,
                        bool keep_first)
{
    if (!stream) return engine_memory_estimate(sc, opts);
    fold_ctx f = { 0 };
    hn_run_opts o = stream_opts(sc, opts, keep_first, &f);
    return engine_memory_estimate(sc, &o);
}

hn_status stats_run(const hn_scenario *sc, const hn_run_opts *opts, const hn_stats_want *want,
                    hn_results **res, hn_stats **st, hn_error *err)
{
    *res = NULL;
    *st = NULL;
    if (!want) want = &want_all;
    if (!engine_streams(sc, opts)) {
        hn_status s = engine_run(sc, opts, res, err);
        int first = 0, end = 0;
        if (s == HN_OK) s = want_columns(want, (*res)->layout.n_cols, &first, &end, err);
        if (s == HN_OK) s = stats_compute_range(*res, first, end, st, err); /* every rank's */
        if (s != HN_OK) {
            results_free(*res);
            *res = NULL;
        }
        return s;
    }
    return stats_run_lockstep(&sc, 1, opts, want, NULL, NULL, NULL, res, st, err);
}

hn_status stats_run_lockstep(const hn_scenario *const *scs, int n, const hn_run_opts *opts,
                             const hn_stats_want *want, hn_parts_fn parts_fn,
                             hn_mem_need_fn parts_need, void *user, hn_results **res, hn_stats **st,
                             hn_error *err)
{
    for (int i = 0; i < n; i++) res[i] = NULL, st[i] = NULL;
    if (!want) want = &want_all;
    fold_ctx *f = calloc((size_t)n, sizeof *f);
    hn_run_opts *o = calloc((size_t)n, sizeof *o);
    hn_engine_run **e = calloc((size_t)n, sizeof *e);
    const hn_run_part **parts = calloc((size_t)n, sizeof *parts);
    hn_status s = f && o && e && parts
                      ? HN_OK
                      : hn_error_set(err, HN_ERR_NOMEM, "out of memory for the runs");
    for (int i = 0; s == HN_OK && i < n; i++) {
        s = stream_setup(scs[i], opts, want, &f[i], &o[i], err);
        if (i > 0) o[i].progress = NULL; /* the first run's progress stands for all */
    }
    s = par_agree(s, err);
    for (int i = 0; s == HN_OK && i < n; i++) s = engine_start(scs[i], &o[i], &e[i], err);
    bool first = true;
    for (bool finished = s != HN_OK; !finished; first = false) {
        for (int i = 0; s == HN_OK && i < n; i++) {
            s = engine_step(e[i], &finished, err);
            parts[i] = engine_part(e[i]);
        }
        if (s == HN_OK && parts_fn) s = par_agree(parts_fn(user, parts, n, o[0].threads, err), err);
        if (s == HN_OK && first && !finished)
            s = par_agree(
                check_projected(&(projected_request){ scs, o, f, n, parts_need, user }, err), err);
        if (s != HN_OK) break;
    }
    for (int i = 0; s == HN_OK && i < n; i++) {
        s = engine_finish(e[i], &res[i], err);
        e[i] = NULL;
        if (s == HN_OK) {
            st[i] = streamed_stats(res[i], &f[i]);
            if (!st[i]) s = hn_error_set(err, HN_ERR_NOMEM, "out of memory for the statistics");
        }
    }
    s = par_agree(s, err);
    for (int i = 0; s == HN_OK && i < n; i++)
        s = stats_gather(HN_OK, st[i]->s, st[i]->n_valid, f[i].first, f[i].end, err);
    for (int i = 0; i < n; i++) {
        if (e) engine_abort(e[i]);
        if (f) stats_stream_free(f[i].acc);
        if (s != HN_OK) {
            stats_free(st[i]);
            results_free(res[i]);
            st[i] = NULL;
            res[i] = NULL;
        }
    }
    free(f);
    free(o);
    free(e);
    free(parts);
    return s;
}
