/*
 * bench_accumulator.c - what a streamed run's accumulator (engine/analysis/
 * stats_stream.c) really holds for real scenarios, against the a priori
 * estimate (stats_stream_estimate at the run's length) and against the
 * projection from the first segment that the memory check uses
 * (stats_stream_project; decisions P11, P13, P16, P18, P19).
 * scripts/bench-accumulator.sh builds and runs it.
 *
 *   bench_accumulator ITERATIONS THREADS SCENARIO.ini...
 *   bench_accumulator ITERATIONS THREADS --compare REFERENCE.ini OPTION.ini
 *
 * For each scenario: runs ITERATIONS iterations (seed 1) streamed, folding
 * every column of every segment into one accumulator as a run does, then
 * prints the accumulator's bytes, its estimate and its projection from the
 * first segment, the bytes per column and,
 * by the kind of figure (money, pupils, shares and years), the widest
 * column's bins and the mean bins a column (and by metric when the
 * environment has BY_METRIC). With --compare: the two options streamed in
 * lockstep as `hnsim compare` runs them, and what the stream of their
 * differences holds against its up-front share (compare_stream_memory)
 * and its projection from the first segment (compare_stream_project). Exits 1 when a
 * scenario cannot be loaded or run, with the error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"
#include "analysis/stats.h"
#include "analysis/stats_run.h"
#include "analysis/stats_stream.h"
#include "model/engine.h"
#include "model/layout.h"
#include "scenario/scenario.h"

/* The kinds of figure the report groups columns by. */
enum { K_MONEY, K_PUPILS, K_OTHER, K__COUNT };
static const char *const kind_name[K__COUNT] = { "money", "pupils", "other" };

/* Kind of a figure's metric. */
static int kind_of(hn_metric m)
{
    switch (m) {
    case HN_M_GROSS_COST:
    case HN_M_INCOME:
    case HN_M_NET_COST:
    case HN_M_VS_BASELINE:
    case HN_M_CUMULATIVE_PAYBACK:
    case HN_M_COST_PER_SUPPORTED:
    case HN_M_DSG_ALLOCATION:
    case HN_M_DSG_SPEND:
    case HN_M_DSG_IN_YEAR:
    case HN_M_DSG_BALANCE: return K_MONEY;
    case HN_M_SUPPORTED:
    case HN_M_OCCUPANCY:
    case HN_M_STARTS:
    case HN_M_BLOCKED:
    case HN_M_CLOSED_OUT:
    case HN_M_REFERRALS:
    case HN_M_EXCLUSIONS:
    case HN_M_EHCNA:
    case HN_M_WAITING: return K_PUPILS;
    default: return K_OTHER;
    }
}

/* The accumulator and its width, for the sink, and its projection after the first segment. */
typedef struct {
    hn_stats_stream *acc;
    int n_cols;
    long n;           /* the run's iterations */
    double projected; /* stats_stream_project after the first segment */
} sink;

/* The segment sink: folds every column of the segment into the accumulator. */
static hn_status fold(void *user, const hn_run_part *seg, int threads, hn_error *err)
{
    (void)threads;
    sink *k = user;
    hn_status s = stats_stream_add(k->acc, 0, k->n_cols, seg->values, seg->stride, seg->count, err);
    if (seg->first == 0) k->projected = stats_stream_project(k->acc, 0, k->n_cols, k->n);
    return s;
}

/* Runs one scenario and prints its line; false (message on stderr) on failure. */
static bool measure(const char *path, long n, int threads)
{
    hn_scenario *sc = NULL;
    hn_error err = { 0 };
    if (scenario_load(path, &sc, &err) != HN_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return false;
    }
    hn_layout lay = { 0 };
    bool ok = layout_init(&lay, sc, &err) == HN_OK;
    if (!ok) fprintf(stderr, "%s: %s\n", path, err.message);
    bool *prob = ok ? stats_probability_columns(&lay) : NULL;
    hn_stats_stream *acc = prob ? stats_stream_new(lay.n_cols, prob) : NULL;
    hn_results *res = NULL;
    sink k = { acc, lay.n_cols, n, 0 };
    if (acc) {
        hn_run_opts o = { .iterations = n, .seed = 1, .threads = threads };
        o.segment = fold;
        o.segment_user = &k;
        o.keep = 0;
        ok = engine_run(sc, &o, &res, &err) == HN_OK;
    } else if (ok) {
        fprintf(stderr, "%s: out of memory\n", path);
        ok = false;
    }
    if (ok) {
        long most[K__COUNT] = { 0 }, sum[K__COUNT] = { 0 }, cols[K__COUNT] = { 0 };
        long m_most[HN_M__COUNT] = { 0 }, m_sum[HN_M__COUNT] = { 0 }, m_cols[HN_M__COUNT] = { 0 };
        for (int c = 0; c < lay.n_cols; c++) {
            if (prob[c]) continue;
            double *v = NULL;
            long *cnt = NULL;
            long b = stats_stream_bins(acc, c, &v, &cnt);
            free(v);
            free(cnt);
            hn_metric m = lay.figures[c / (lay.years + 1)].metric;
            int k = kind_of(m);
            if (b > m_most[m]) m_most[m] = b;
            m_sum[m] += b > 0 ? b : 0;
            m_cols[m]++;
            if (b > most[k]) most[k] = b;
            sum[k] += b > 0 ? b : 0;
            cols[k]++;
        }
        double held = (double)stats_stream_bytes(acc), est = stats_stream_estimate(lay.n_cols, n);
        printf("%s: %d columns, %.1f MB held (%.0f KB a column), estimate %.1f MB (%.2f times), "
               "projected from the first segment %.1f MB (%.2f times)\n",
               path, lay.n_cols, held / 1e6, held / lay.n_cols / 1e3, est / 1e6, est / held,
               k.projected / 1e6, k.projected / held);
        for (int k = 0; k < K__COUNT; k++)
            if (cols[k])
                printf("  %-6s %4ld columns: widest %7ld bins, mean %7.0f\n", kind_name[k], cols[k],
                       most[k], (double)sum[k] / (double)cols[k]);
        if (getenv("BY_METRIC"))
            for (int m = 0; m < HN_M__COUNT; m++)
                if (m_cols[m])
                    printf("    %-22s %4ld columns: widest %7ld bins, mean %7.0f\n",
                           metric_name((hn_metric)m), m_cols[m], m_most[m],
                           (double)m_sum[m] / (double)m_cols[m]);
    } else if (acc) {
        fprintf(stderr, "%s: %s\n", path, err.message);
    }
    results_free(res);
    stats_stream_free(acc);
    free(prob);
    layout_free(&lay);
    scenario_free(sc);
    return ok;
}

/* The comparison's stream, its run's iterations and its projection after the first segment. */
typedef struct {
    hn_compare_stream *cs;
    long n;
    double projected;
} pair_sink;

/* hn_parts_fn of the comparison: folds the option's differences from the reference. */
static hn_status add_pair(void *user, const hn_run_part *const *parts, int n, int threads,
                          hn_error *err)
{
    (void)n;
    pair_sink *k = user;
    hn_status s = compare_stream_add(k->cs, parts[0], parts[1], threads, err);
    if (parts[0]->first == 0) k->projected = compare_stream_project(k->cs, k->n);
    return s;
}

/* Compares ref and opt streamed and prints what the stream of differences held; false on
 * failure (message on stderr). */
static bool measure_compare(const char *ref_path, const char *opt_path, long n, int threads)
{
    hn_scenario *sc[2] = { NULL, NULL };
    hn_layout lay[2] = { { 0 }, { 0 } };
    hn_results *res[2] = { NULL, NULL };
    hn_stats *st[2] = { NULL, NULL };
    hn_compare_stream *cs = NULL;
    hn_error err = { 0 };
    const char *path[2] = { ref_path, opt_path };
    bool ok = true;
    for (int i = 0; ok && i < 2; i++)
        ok = scenario_load(path[i], &sc[i], &err) == HN_OK &&
             layout_init(&lay[i], sc[i], &err) == HN_OK;
    ok = ok && compare_stream_begin(&lay[0], &lay[1], &cs, &err) == HN_OK;
    hn_run_opts o = { .iterations = n, .seed = 1, .threads = threads };
    const hn_scenario *scs[2] = { sc[0], sc[1] };
    pair_sink k = { cs, n, 0 };
    ok = ok && stats_run_lockstep(scs, 2, &o, false, add_pair, NULL, &k, res, st, &err) == HN_OK;
    if (ok) {
        double held = (double)compare_stream_bytes(cs), est = compare_stream_memory(sc[1], n);
        printf("differences %s - %s: %.1f MB held, up-front share %.1f MB, projected from the "
               "first segment %.1f MB (%.2f times)\n",
               opt_path, ref_path, held / 1e6, est / 1e6, k.projected / 1e6, k.projected / held);
    } else {
        fprintf(stderr, "compare: %s\n", err.message);
    }
    compare_stream_free(cs);
    for (int i = 0; i < 2; i++) {
        stats_free(st[i]);
        results_free(res[i]);
        layout_free(&lay[i]);
        scenario_free(sc[i]);
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_accumulator ITERATIONS THREADS SCENARIO.ini...\n");
        return 2;
    }
    long n = atol(argv[1]);
    int threads = atoi(argv[2]);
    bool ok = true;
    if (!strcmp(argv[3], "--compare")) {
        if (argc != 6) {
            fprintf(stderr, "usage: bench_accumulator ITERATIONS THREADS --compare REF OPT\n");
            return 2;
        }
        return measure_compare(argv[4], argv[5], n, threads) ? 0 : 1;
    }
    for (int i = 3; i < argc; i++) ok = measure(argv[i], n, threads) && ok;
    return ok ? 0 : 1;
}
