/*
 * csv_internal.h - shared by the tidy-CSV writers (not public): the run's
 * CSV (csv_writer.c) and the comparison's (compare_csv.c) write the same
 * header, rows and year labels, through the same atomic file writer.
 */
#ifndef HN_CSV_INTERNAL_H
#define HN_CSV_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "atomic.h"

#include "report.h"

/* The header line of every tidy CSV (MODEL.md section 7). */
#define CSV_HEADER "scenario,metric,entity,year,stat,value\n"

/*
 * Writes one row (value as %.17g), or nothing when value is not finite: the
 * tidy CSV never holds NaN or infinity (a figure without a valid value has
 * no row). <0 on a write error.
 */
int csv_put_row(FILE *f, const char *scenario, const char *metric, const char *entity,
                const char *year, const char *stat, double value);

/* Writes every figure row of one run (and its sensitivity rows), without the header; <0 on a write error. */
int csv_put_figures(FILE *f, const hn_run_report *r);

/*
 * Writes a row `observed_METRIC,ENTITY,YEAR,value,OBSERVED` per observation
 * of o (csv_history.c); <0 on a write error.
 */
int csv_put_observed(FILE *f, const char *scenario, const hn_layout *lay, const hn_observed *o);

/* Year label of year y (0-based) as in the CSV: "1".."Y", or "all" for y == years. */
void csv_year(const hn_layout *lay, int y, char *buf, size_t cap);

/* Writes every row of one run (figures, sensitivity, observations, the run's rows) without the header; <0 on a write error. */
int csv_put_run(FILE *f, const hn_run_report *r);

/* A CSV written atomically a part at a time (the sweep's): rows go to f, the temporary file. */
typedef struct {
    hn_atomic a;
    FILE *f;
    const char *path; /* borrowed: must outlive the stream */
} csv_stream;

/* Opens the temporary file of path (atomic.h); HN_ERR_IO (nothing left behind) on failure. */
hn_status csv_stream_begin(csv_stream *cs, const char *path, hn_error *err);

/*
 * Flushes and closes the stream and renames it to its path; when bad (a
 * write the caller saw fail) or anything fails, removes it instead and
 * returns HN_ERR_IO ("cannot write PATH: reason"). The stream is finished
 * either way.
 */
hn_status csv_stream_commit(csv_stream *cs, bool bad, hn_error *err);

/* Closes the stream and removes its temporary file (the path untouched); safe after commit. */
void csv_stream_abort(csv_stream *cs);

/*
 * Writes a file atomically: body(f, user) writes everything, returning <0
 * on a write error. HN_ERR_IO ("cannot write PATH: reason") on any failed
 * write, flush or close; path is then left untouched.
 */
hn_status csv_write(const char *path, int (*body)(FILE *f, const void *user), const void *user,
                    hn_error *err);

#endif
