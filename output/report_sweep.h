/*
 * report_sweep.h - the output of `hnsim sweep`: many scenarios' runs written
 * together, a run at a time, so that memory does not grow with the number
 * of scenarios.
 *
 * report_sweep_begin opens the output's temporary file (atomic.h) and
 * writes what comes before the runs; report_sweep_add writes one run as
 * soon as it is done, so that the caller can free it before the next;
 * report_sweep_end renames the file into place. Until then the
 * destination is untouched, and report_sweep_abort (or a signal, through
 * atomic_pending_path) removes the temporary file.
 *
 * A .csv is the tidy CSV of MODEL.md section 7: one header, then each
 * run's rows exactly as `hnsim run` writes them (the scenario column tells
 * them apart). A .xlsx has a first sheet, Sweep, with one row per scenario
 * (net cost over all years, permanent exclusions and pupils supported:
 * mean, P10 and P90; the DSG balance at the end of the last year when the
 * scenario has [dsg]), then each scenario's Summary sheet as `hnsim run`
 * writes it, and last the Run sheet (xlsx_run.c) of every scenario. The
 * workbook keeps the cells of its sheets until it is written, as
 * libxlsxwriter does, and of each run what the Run sheet says of it: a
 * few kilobytes per scenario, not the runs.
 */
#ifndef HN_REPORT_SWEEP_H
#define HN_REPORT_SWEEP_H

#include "report.h"

/* A sweep's output being written. */
typedef struct hn_sweep_report hn_sweep_report;

/*
 * Starts the output at origin->out_path (its extension picks the format)
 * for n runs named names[0..n) in the order they will be added (their
 * sheet names are worked out now: see report_sweep_sheet). origin and
 * names are borrowed until report_sweep_end or report_sweep_abort. dsg:
 * whether any of the scenarios has a [dsg] section (a workbook's Sweep
 * sheet has the DSG balance columns only then; the CSV is the same). On
 * success *out is the writer; HN_ERR_USAGE for a bad extension, HN_ERR_IO
 * when the temporary file cannot be made, HN_ERR_NOMEM; nothing is left
 * behind on failure.
 */
hn_status report_sweep_begin(const hn_report_origin *origin, const char *const *names, int n,
                             bool dsg, hn_sweep_report **out, hn_error *err);

/*
 * Writes the next run, r (its scenario named as names[] said, in turn);
 * r may be freed when it returns. HN_ERR_IO on a failed write (the
 * writer must then be aborted), HN_ERR_USAGE when more than n are added.
 */
hn_status report_sweep_add(hn_sweep_report *w, const hn_run_report *r, hn_error *err);

/*
 * Finishes the output and renames it into place; frees w whatever happens.
 * HN_ERR_IO ("cannot write PATH: ...", the path untouched) on failure,
 * HN_ERR_USAGE when fewer than n runs were added (nothing written).
 */
hn_status report_sweep_end(hn_sweep_report *w, hn_error *err);

/* Removes the temporary file and frees w (NULL: nothing); the destination is untouched. */
void report_sweep_abort(hn_sweep_report *w);

/*
 * The workbook's sheet name of run i: the scenario's name cut to Excel's
 * 31 characters, made unique ("~N", as the comparison workbook does)
 * against "Sweep", "Run" and the names before it; NULL for a CSV. Borrowed
 * from w.
 */
const char *report_sweep_sheet(const hn_sweep_report *w, int i);

/* The name of the workbook's first sheet, the one with a row per scenario. */
#define REPORT_SWEEP_SHEET "Sweep"

#endif
