/*
 * report.h - what the writers are given, and the writers.
 *
 * Writers see a run's description (hn_report_meta, filled by the command
 * line from the scenario and the run) plus its statistics and per-iteration
 * results, all read-only. They never call the engine or the loader. Every
 * writer writes through atomic.h: a failed write leaves any existing file
 * untouched and no partial one.
 */
#ifndef HN_REPORT_H
#define HN_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/engine.h"
#include "base/hn_error.h"
#include "scenario/scenario.h"
#include "analysis/observed.h"
#include "analysis/sensitivity.h"
#include "analysis/stats.h"

typedef struct {
    const char *engine_version;
    const char *command_line; /* as typed, for the Run sheet */
    const char *name, *title, *authority;
    int start_year, years, terms;
    double baseline_cost; /* mean, pounds */
    bool has_budget;
    double budget[HN_MAX_YEARS]; /* mean per year, pounds */
    const hn_source *sources;    /* the scenario file first, then its extends chain */
    int n_sources;
    const hn_entry *entries; /* every key after extends */
    int n_entries;
    uint64_t seed;
    long iterations;
    int threads;
    double wall_seconds;
    bool deterministic;
    long clamped;
    const char *run_date;   /* ISO date-time of the run, for the title block */
    hn_sampling sampling;   /* how the sampled inputs were drawn */
    int n_correlations;     /* [correlation] pairs imposed */
    double target_se_pct;   /* target standard error, % of the mean; 0 when none */
    long max_iterations;    /* with a target: the most the run could take */
    bool converged;         /* with a target: it was reached */
    const hn_block *blocks; /* the run's blocks and the running estimate after each */
    int n_blocks;
    const hn_sensitivity *sensitivity; /* NULL when not analysed: no Sensitivity sheet or rows */
    const hn_observed *observed; /* the history beside the run; NULL: no History sheet or rows */
} hn_report_meta;

/* Writes n with thousands separators ("10,000") into buf (always terminated); for every layer that shows counts. */
void report_thousands(long n, char *buf, size_t cap);

/* Writes the tidy CSV of MODEL.md section 7 to path (atomically). */
hn_status report_write_csv(const char *path, const hn_report_meta *meta, const hn_stats *st,
                           hn_error *err);

/* Writes the workbook to path (atomically). */
hn_status report_write_xlsx(const char *path, const hn_report_meta *meta, const hn_stats *st,
                            const hn_results *res, hn_error *err);

#endif
