/*
 * stats_run.h - a run and the statistics of its figures, with memory that
 * does not grow with iterations (issue 14, decisions P13).
 *
 * A run whose figures would take at most HN_STORE_BYTES when stored is run
 * as ever: every figure of every iteration is kept and the statistics are
 * exact (stats.h). A larger run is streamed: the engine hands its figures
 * over in segments (hn_run_opts.segment), each folded into a running
 * accumulator (stats_stream.h: exact mean, sd, min and max; percentiles
 * from a log-histogram, within 0.01% of the exact order statistic), and
 * the results keep only the first iterations (enough for the sensitivity
 * analysis's ranks, sensitivity.h; none for a comparison) and the
 * convergence curve. Which of the
 * two a run is depends only on the scenario and the iterations (never on
 * threads or processes), so its output does too.
 */
#ifndef HN_STATS_RUN_H
#define HN_STATS_RUN_H

#include <stdbool.h>

#include "analysis/stats.h"
#include "base/memlimit.h"
#include "model/engine.h"

/* Bytes of a streamed run's kept first iterations (at least HN_KEEP_MIN of them). */
#define HN_KEEP_BYTES (64.0 * 1024 * 1024)
#define HN_KEEP_MIN   10000L

/* Bytes a run of sc with opts takes with its statistics, streamed or stored (the up-front
 * memory check's estimate: engine_memory_estimate, with a streamed run's accumulator and,
 * when keep_first, its kept first iterations). */
double stats_run_memory(const hn_scenario *sc, const hn_run_opts *opts, bool stream,
                        bool keep_first);

/*
 * What a run's statistics are for: the columns whose statistics are
 * computed, [col_first, col_end) (col_end 0: every column; the others are
 * NAN with n_valid 0), and whether a streamed run keeps its first
 * iterations (keep_first): the sensitivity analysis ranks them, and a run
 * that stops within them (--target-se) draws its convergence curve from
 * them rather than from the engine's coarser record (decisions P26). A
 * streamed run counts the net cost's histogram bins (the Distribution
 * sheet) only when every column is wanted. A solve trial wants one column
 * and nothing kept (decisions P23).
 */
typedef struct {
    int col_first, col_end;
    bool keep_first;
} hn_stats_want;

/*
 * Runs sc with opts and computes the statistics `want` asks for (NULL:
 * every column, the first iterations kept: what `run` writes), stored or
 * streamed as above. On success *res and *st are new (the caller frees
 * them with stats_free, then results_free); on failure both are NULL and
 * the status is engine_run's, HN_ERR_NOMEM, or HN_ERR_INTERNAL for columns
 * outside the scenario's.
 */
hn_status stats_run(const hn_scenario *sc, const hn_run_opts *opts, const hn_stats_want *want,
                    hn_results **res, hn_stats **st, hn_error *err);

/*
 * Runs the n scenarios scs with the same options, streamed, in lockstep: a
 * stretch of each in turn, then parts_fn (may be NULL) with the n runs'
 * same stretch (engine_part) and `threads`; the runs end together (the
 * same options, no target: the same stretches). The first run's progress
 * reports for all. want is each run's, as stats_run's; a comparison, which
 * folds its differences segment by segment, keeps no first iterations.
 * Once the first segment is folded (and given to parts_fn), the runs'
 * memory is checked again (decisions P19): their estimate, with each
 * accumulator projected from what it holds (stats_stream_project) in place
 * of the up-front check's share for it (what one segment can hold), plus
 * parts_need(user, n) (may be NULL), what parts_fn's user is expected to
 * hold at n iterations; when that passes 3/4 of the process's memory limit
 * the runs end with HN_ERR_LIMIT saying how many iterations fit
 * (memlimit_admit), nothing written. On success res[i] and st[i] are new,
 * as stats_run's; on failure all are NULL and the status is the first
 * failure's.
 */
typedef hn_status (*hn_parts_fn)(void *user, const hn_run_part *const *parts, int n, int threads,
                                 hn_error *err);
hn_status stats_run_lockstep(const hn_scenario *const *scs, int n, const hn_run_opts *opts,
                             const hn_stats_want *want, hn_parts_fn parts_fn,
                             hn_mem_need_fn parts_need, void *user, hn_results **res, hn_stats **st,
                             hn_error *err);

/*
 * Adds `count` values of each of the columns col_first..col_end-1 (column
 * c at values[(c - col_first) * stride + i]) to acc on up to `threads` threads, each
 * taking small blocks of them as it goes: a column's values go in by one
 * thread in order, so the result does not depend on the thread count.
 * stats_stream_add's errors (that of the first column to fail).
 */
typedef struct hn_stats_stream hn_stats_stream;
hn_status stats_fold(hn_stats_stream *acc, int col_first, int col_end, const double *values,
                     long stride, long count, int threads, hn_error *err);

#endif
