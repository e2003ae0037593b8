/*
 * xlsx_internal.h - shared by the workbook writer's modules (not public).
 *
 * The workbook is written by xlsx_writer.c (the workbook, its properties
 * and formats, closing it atomically) with one module per sheet group:
 * xlsx_summary.c (Summary), xlsx_tables.c (Costs, Placements, Exclusions)
 * and xlsx_run.c (Run). They write through the checked cell helpers of
 * xlsx_cells.c, which record the first libxlsxwriter error in the context
 * and turn every later call into a no-op, so that a sheet can be written
 * straight through and the error checked once at the end.
 */
#ifndef HN_XLSX_INTERNAL_H
#define HN_XLSX_INTERNAL_H

#include <xlsxwriter.h>

#include "report.h"

/* Formats of the workbook, created once by xlsx_writer.c. */
typedef struct {
    lxw_format *title;     /* sheet titles: bold, 14 pt */
    lxw_format *bold;
    lxw_format *header;    /* bold, bottom border, right-aligned: column headings */
    lxw_format *header_l;  /* the same, left-aligned */
    lxw_format *note;      /* italic */
    lxw_format *thousands; /* £'000 values: #,##0;-#,##0 */
    lxw_format *pounds;    /* £ values: #,##0 */
    lxw_format *pupils;    /* counts of pupils, means and percentiles: #,##0.0 */
    lxw_format *integer;   /* whole numbers: #,##0 */
    lxw_format *percent;   /* probabilities: 0% */
    lxw_format *percent2;  /* small shares: 0.00% */
    lxw_format *seconds;   /* wall time: 0.00 */
} xw_formats;

/* One workbook being written. */
typedef struct {
    lxw_workbook *wb;
    lxw_error err;          /* first libxlsxwriter error; LXW_NO_ERROR when none */
    char what[160];         /* the call that failed, for the message */
    xw_formats f;
    const hn_report_meta *meta;
    const hn_stats *st;
    const hn_results *res;  /* may be NULL */
    const hn_layout *lay;   /* st->layout */
} xw_ctx;

/* Records e (when it is an error and none is recorded yet) with what failed; returns c->err. */
lxw_error xw_check(xw_ctx *c, lxw_error e, const char *what);

/* Adds a worksheet; NULL (and the error recorded) on failure or after an earlier error. */
lxw_worksheet *xw_sheet(xw_ctx *c, const char *name);

/* Writes a string (made valid UTF-8 and cut to Excel's 32,767-character limit); NULL or "" writes nothing. */
void xw_str(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f);

/* Writes a number; a non-finite value leaves the cell empty. */
void xw_num(xw_ctx *c, lxw_worksheet *ws, int row, int col, double v, lxw_format *f);

/* Writes a formula with its cached result (a non-finite cache is written as 0). */
void xw_formula(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *formula,
                double cached, lxw_format *f);

/* Sets the width of columns first..last. */
void xw_width(xw_ctx *c, lxw_worksheet *ws, int first, int last, double width);

/* Statistic st of (m, k, index) in year y (0-based; layout->years for "all"); NAN when absent or undefined. */
double xw_stat(const xw_ctx *c, hn_metric m, hn_entity_kind k, int index, int y, hn_stat st);

/* Copies s into a new string of valid UTF-8 (invalid bytes become '?') of at most max_bytes bytes; caller frees; NULL on OOM. */
char *xw_clean_utf8(const char *s, size_t max_bytes);

/* Writes n with thousands separators ("10,000") into buf (always terminated). */
void xw_thousands(long n, char *buf, size_t cap);

/* The sheets, in workbook order; each adds its sheet to c->wb and records any error in c. */

/* Summary: title block, the paragraph-6.2 table (xlsx_summary.c). */
void xlsx_sheet_summary(xw_ctx *c);
/* Costs: gross, income, net per entity and year (xlsx_tables.c). */
void xlsx_sheet_costs(xw_ctx *c);
/* Placements: per provision supported, occupancy, starts, blocked (xlsx_tables.c). */
void xlsx_sheet_placements(xw_ctx *c);
/* Exclusions: per segment and total referrals, exclusions, EHCNA, waiting (xlsx_tables.c). */
void xlsx_sheet_exclusions(xw_ctx *c);
/* Run: versions, command line, sources, seed, timings, precision (xlsx_run.c). */
void xlsx_sheet_run(xw_ctx *c);
/* The Run sheet's sampling, target and convergence section with its chart, from row on; returns the next row (xlsx_convergence.c). */
int xlsx_run_convergence(xw_ctx *c, lxw_worksheet *ws, int row);

#endif
