/*
 * bench_stats_stream.c - what the streamed statistics (engine/analysis/
 * stats_stream.c) cost per value and hold in memory on this machine
 * (scripts/bench-stats-stream.sh builds and runs it; decisions P11).
 *
 *   bench_stats_stream [COLS [ITER [SEGMENT]]]
 *
 * Feeds COLS columns (default 600) of ITER values (default 1,000,000) in
 * segments of SEGMENT iterations (default 4096), as the engine would: a
 * column-major block of SEGMENT x COLS values, refilled from a pool of
 * 2^24 pregenerated normal values (mean 5e6, sd 5e5, a different offset into the
 * pool for each column and segment) so that generating them is not timed.
 * Prints CPU nanoseconds per value added, the time to compute every
 * column's statistics at the end, and the bytes held against
 * stats_stream_estimate. Exits 1 on allocation failure.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/stats_stream.h"

/* CPU seconds of this process. */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int cols = argc > 1 ? atoi(argv[1]) : 600;
    long iter = argc > 2 ? atol(argv[2]) : 1000000;
    long seg = argc > 3 ? atol(argv[3]) : 4096;
    enum { POOL = 1 << 24 }; /* 16M values: the tails of 10M draws are there */
    double *pool = malloc(POOL * sizeof *pool);
    double *block = malloc((size_t)seg * (size_t)cols * sizeof *block);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    hn_stats_stream *st = stats_stream_new(cols, NULL);
    if (!pool || !block || !rng || !st) return 1;
    for (long i = 0; i < POOL; i++) pool[i] = 5e6 + gsl_ran_gaussian(rng, 5e5);

    double t_add = 0;
    hn_error err;
    for (long done = 0; done < iter; done += seg) {
        long cnt = iter - done < seg ? iter - done : seg;
        for (int c = 0; c < cols; c++) {
            size_t off = (size_t)gsl_rng_uniform_int(rng, POOL - (unsigned long)cnt);
            memcpy(block + (size_t)c * (size_t)seg, pool + off, (size_t)cnt * sizeof *pool);
        }
        double t0 = cpu();
        if (stats_stream_add(st, 0, cols, block, seg, cnt, &err) != HN_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        t_add += cpu() - t0;
    }
    double t0 = cpu(), out[HN_STAT__COUNT], check = 0;
    for (int c = 0; c < cols; c++) {
        stats_stream_column(st, c, out);
        check += out[HN_STAT_P50];
    }
    double t_col = cpu() - t0;
    printf("%d columns x %ld values, segments of %ld\n", cols, iter, seg);
    printf("add:        %.2f ns per value (%.2f s CPU)\n",
           t_add / ((double)cols * (double)iter) * 1e9, t_add);
    printf("statistics: %.3f ms per column (mean p50 %.6g)\n", t_col / cols * 1e3, check / cols);
    printf("held:       %.1f MB (%.0f KB per column); estimate %.1f MB\n",
           (double)stats_stream_bytes(st) / 1e6, (double)stats_stream_bytes(st) / cols / 1e3,
           stats_stream_estimate(cols, iter) / 1e6);
    stats_stream_free(st);
    gsl_rng_free(rng);
    free(block);
    free(pool);
    return 0;
}
