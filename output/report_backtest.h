/*
 * report_backtest.h - the writers of `hnsim backtest` (MODEL.md section 9).
 *
 * A back-test is written as a tidy CSV (the run CSV's header and columns)
 * or as a workbook whose Back-test sheet holds the scores, the table of
 * scored observations, the fit of each origin and a chart per observed
 * figure of the observations against the projected band. Like every
 * writer they only read, and write atomically through atomic.h.
 */
#ifndef HN_REPORT_BACKTEST_H
#define HN_REPORT_BACKTEST_H

#include "analysis/backtest.h"
#include "report.h"

/*
 * What the back-test writers are given. A back-test has no run of its
 * own (each origin's projection is scored and gone), so its hn_run_report
 * comes from report_scenario_init: the origin (command line, run date,
 * output path), the scenario (name, title, authority) and the figure
 * layout (names and year labels); res, st and sens are NULL. Iterations
 * and seed are the back-test's own (bt).
 */
typedef struct {
    const hn_run_report *rep;
    const hn_history *history;
    const hn_backtest *bt;
} hn_report_backtest;

/*
 * Writes the back-test's tidy CSV to r->rep->origin->out_path (atomically): per scored
 * observation, metric backtest_METRIC with its entity and year and stats
 * observed, mean, p5, p10, p90, p95, inside (1 or 0), inside_p5_p95,
 * error (mean - observed) and pct_error (when the observation is above 0);
 * per origin and key, metric backtest_fit, year `all`, stats estimate, se,
 * lo80, hi80; then metric `backtest`, entity `total`, year `all`, stats
 * coverage_p10_p90, coverage_p5_p95, mape, bias (both %), n and origins.
 * The scenario column is NAME for `--holdout N` and NAME@ORIGIN (the first
 * held-out academic year, 2016/17) per origin of `--holdout all`; the
 * summary rows are always NAME.
 */
hn_status report_write_backtest_csv(const hn_report_backtest *r, hn_error *err);

/* Writes the back-test workbook (its Back-test sheet) to r->rep->origin->out_path (atomically). */
hn_status report_write_backtest_xlsx(const hn_report_backtest *r, hn_error *err);

/* Writes r in the format of its output path's extension: the CSV or the workbook. */
hn_status report_write_backtest(const hn_report_backtest *r, hn_error *err);

#endif
