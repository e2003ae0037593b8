/*
 * report.h - what the writers are given, and the writers.
 *
 * A writer is handed one read-only description of a run, hn_run_report,
 * built in one place (report_run_init). It points at the engine's own
 * structures - the scenario, the results, their statistics, the
 * sensitivity analysis and the observations of a history beside them -
 * rather than copying their fields, and adds what
 * only the command line knows (hn_report_origin: the command as typed, the
 * run date, the output path) and the few things worked out from the run
 * once, so that no writer computes them: the baseline's mean, the
 * correlations imposed, the convergence curve and the sensitivity ranking.
 * Writers read results and statistics but never call the engine or the
 * loader. Every writer writes through atomic.h: a failed write leaves any
 * existing file untouched and no partial one. The back-test, which has no
 * run of its own, hands its writers a report of the scenario alone
 * (report_scenario_init, report_backtest.h).
 */
#ifndef HN_REPORT_H
#define HN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/hn_error.h"
#include "model/convergence.h"
#include "model/engine.h"
#include "scenario/scenario.h"
#include "analysis/observed.h"
#include "analysis/sensitivity.h"
#include "analysis/stats.h"
#include "analysis/warnings.h"

/* What the command line knows of a run: the same for every option of a comparison. Borrowed strings. */
typedef struct {
    const char *command_line; /* as typed ("hnsim run ..."), for the Run sheet */
    const char *run_date;     /* "YYYY-MM-DD HH:MM" (or ISO); NULL: not recorded */
    const char *out_path;     /* where the output is written; its extension picks the format */
} hn_report_origin;

/* What `hnsim solve` found, for the run it writes at its answer (report_run_solved). */
typedef struct {
    const char *key;    /* the key scaled, as --vary named it: "demand.secondary.exclusion" */
    double scale;       /* the answer: the key at scale x its values as written */
    const char *target; /* the target as typed: "net_cost:all <= 20000000" */
} hn_report_solve;

/*
 * A run as the writers see it. The pointers are borrowed and must outlive
 * the report; what report_run_init works out is owned (report_run_free).
 */
typedef struct {
    const hn_report_origin *origin;
    const hn_scenario *sc;       /* name, title, authority, sources, entries */
    const hn_results *res;       /* seed, iterations, threads, timings, sampling, target, blocks */
    const hn_stats *st;          /* statistics of every figure */
    const hn_sensitivity *sens;  /* NULL when not analysed: no Sensitivity sheet or rows */
    const hn_layout *lay;        /* the figures (st->layout) */
    const hn_warnings *warnings; /* the scenario's warnings (Run sheet); NULL when not checked */
    const hn_observed *observed; /* the history beside the run; NULL: no History sheet or rows */
    /* Worked out once by report_run_init. */
    double baseline_cost;            /* mean of the scenario's baseline_cost, pounds */
    int n_correlations;              /* [correlation] pairs imposed: none when deterministic */
    hn_conv_point *curve;            /* the running mean and its SE (convergence_curve); owned */
    int n_curve;                     /* points of curve; 0 when deterministic */
    int *sens_order[HN_SENS__COUNT]; /* inputs ranked per output (sensitivity_rank); owned */
    /* Set by report_run_solved for a run written by `solve`; else key NULL and title NULL. */
    hn_report_solve solve;
    char *solved_note;  /* "at SCALE x KEY, solved for TARGET"; owned */
    char *solved_title; /* "TITLE " + solved_note; owned */
} hn_run_report;

/* Points of the convergence curve a report keeps (about; block ends are added). */
#define REPORT_CURVE_POINTS 100

/*
 * Builds the report of a run of sc (results res, statistics st, sensitivity
 * sens or NULL) asked for as origin says. HN_ERR_NOMEM (r then holds
 * nothing to free) when what it works out cannot be allocated.
 */
hn_status report_run_init(hn_run_report *r, const hn_report_origin *origin, const hn_scenario *sc,
                          const hn_results *res, const hn_stats *st, const hn_sensitivity *sens,
                          hn_error *err);

/* Frees what report_run_init and report_run_solved allocated (the borrowed structures stay). */
void report_run_free(hn_run_report *r);

/*
 * Builds the report of a command that writes about scenario sc without a
 * run of its own (the back-test, report_backtest.h): the origin, the
 * scenario and its figure layout lay; res, st and sens are NULL, nothing is
 * worked out and nothing needs freeing. Only writers made for such a
 * report may be given it.
 */
void report_scenario_init(hn_run_report *r, const hn_report_origin *origin, const hn_scenario *sc,
                          const hn_layout *lay);

/*
 * Marks r as the run `solve` writes at its answer (strings borrowed), so
 * that its title says so: report_title then gives "TITLE at 0.856 x
 * demand.secondary.exclusion, solved for net_cost:all <= 20000000" (the
 * scale with 6 significant digits). HN_ERR_NOMEM.
 */
hn_status report_run_solved(hn_run_report *r, const hn_report_solve *solve, hn_error *err);

/*
 * The run's title: the scenario's title, or its name when it has none; for
 * a run solve wrote, followed by its scale, key and target (report_run_solved).
 * Never NULL.
 */
const char *report_title(const hn_run_report *r);

/* The scenario's title, or its name when it has none, without what solve adds (never NULL). */
const char *report_scenario_title(const hn_run_report *r);

/* For a run solve wrote, "at SCALE x KEY, solved for TARGET"; NULL for any other run. */
const char *report_solved_note(const hn_run_report *r);

/* The scenario's name ("" when it has none). */
const char *report_name(const hn_run_report *r);

/* Statistic st of figure (m, k, index) in year y (0-based; years for "all"); NAN when absent or without a valid value. */
double report_stat(const hn_run_report *r, hn_metric m, hn_entity_kind k, int index, int y,
                   hn_stat st);

/* Writes n with thousands separators ("10,000") into buf (always terminated); for every layer that shows counts. */
void report_thousands(long n, char *buf, size_t cap);

/* The output formats. */
typedef enum { REPORT_XLSX, REPORT_CSV } hn_report_format;

/* Format of an output path from its extension (.xlsx or .csv, any case); false when it is neither. */
bool report_format_of(const char *path, hn_report_format *fmt);

/* report_format_of as an error: HN_ERR_USAGE "-o 'PATH': the output must end in .xlsx or .csv" when it is neither. */
hn_status report_output_format(const char *path, hn_report_format *fmt, hn_error *err);

/* Writes the tidy CSV of MODEL.md section 7 to r->origin->out_path (atomically). */
hn_status report_write_csv(const hn_run_report *r, hn_error *err);

/* Writes the workbook to r->origin->out_path (atomically). */
hn_status report_write_xlsx(const hn_run_report *r, hn_error *err);

/* Writes r in the format of its output path's extension: the CSV or the workbook. */
hn_status report_write(const hn_run_report *r, hn_error *err);

#endif
