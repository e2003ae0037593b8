/*
 * xlsx_internal.h - shared by the workbook writer's modules (not public).
 *
 * The workbook is written by xlsx_writer.c (the workbook, its properties
 * and formats, closing it atomically) with one module per sheet group:
 * xlsx_summary.c (Summary), xlsx_dsg.c (DSG plan), xlsx_tables.c (Costs, Placements, Exclusions),
 * xlsx_distribution.c (Distribution), xlsx_assumptions.c (Assumptions),
 * xlsx_sensitivity.c (Sensitivity), xlsx_run.c (Run), xlsx_history.c
 * (History, and the band charts it shares) and xlsx_backtest.c (the
 * back-test's workbook). They write through the checked cell helpers of
 * xlsx_cells.c, which record the first libxlsxwriter error in the context
 * and turn every later call into a no-op, so that a sheet can be written
 * straight through and the error checked once at the end.
 *
 * Three helper modules give every sheet the same look with one call each:
 *   xlsx_grid.c   an Excel table (filterable, banded) whose columns are
 *                 sized to their content, header frozen and repeated on
 *                 every printed page;
 *   xlsx_print.c  A4 landscape, one page wide, the scenario title in the
 *                 header, "Page n of m" in the footer;
 *   xlsx_charts.c charts in the house style, series taken from cell ranges
 *                 of a named sheet (so a sheet written twice under two
 *                 names, as the Comparison workbook does, charts its own
 *                 cells).
 */
#ifndef HN_XLSX_INTERNAL_H
#define HN_XLSX_INTERNAL_H

#include <stdbool.h>
#include <time.h>
#include <xlsxwriter.h>

#include "atomic.h"
#include "report.h"

/*
 * Formats of the workbook, created once by xlsx_writer.c. Money follows
 * the accounting convention of committee papers: thousands separators,
 * negative figures (savings) in brackets, zero - and anything that rounds
 * to it - as a dash, e.g. 4,258 / (378) / - (docs/decisions.md, workbook
 * item 1 and item I8).
 */
/* The fill of a table's heading cells (xw_formats' header and header_l). */
#define XW_HEADING_FILL 0xE7E6E6

typedef struct {
    lxw_format *title;    /* sheet titles: bold, 14 pt */
    lxw_format *subtitle; /* the authority under a title: bold, 12 pt */
    lxw_format *bold;
    lxw_format *bold_top; /* a label beside wrapped text: bold, top-aligned as the text is */
    lxw_format
        *header; /* column headings: bold, grey fill, bottom border, right-aligned, wrapped */
    lxw_format *header_l;    /* the same, left-aligned */
    lxw_format *units;       /* a units row under the headings: italic, grey fill, right-aligned */
    lxw_format *note;        /* italic */
    lxw_format *thousands;   /* £'000 values: [>=0.5]#,##0_);[<=-0.5](#,##0);"-"_) */
    lxw_format *thousands_b; /* the same, bold (the totals column) */
    lxw_format *pounds;      /* £ values: the same pattern */
    lxw_format *pupils;      /* counts of pupils, means and percentiles: #,##0.0 */
    lxw_format *integer;     /* whole numbers: #,##0 */
    lxw_format *integer_l;   /* the same, left-aligned (a value beside its label) */
    lxw_format *integer_top; /* the same, at the top of a tall (wrapped) row */
    lxw_format *right;       /* text, right-aligned (units beside numbers) */
    lxw_format *percent;     /* probabilities: 0% */
    lxw_format *percent1;    /* shares: 0.0% */
    lxw_format *percent2;    /* small shares (standard error / mean): 0.00% */
    lxw_format *seconds;     /* wall time: 0.00, left-aligned beside its label */
    lxw_format *mean_large;  /* means of inputs from 1 up: #,##0.00, top-aligned */
    lxw_format *mean_small;  /* means of inputs below 1: 0.0####, top-aligned */
    lxw_format *wrap;        /* long text, wrapped, top-aligned */
    lxw_format
        *label_wrap; /* a row's label that may be long: wrapped, at the foot like its figures */
    lxw_format *top; /* text aligned to the top of a wrapped row */
    lxw_format *thousands_top; /* thousands, at the top of a wrapped row */
    lxw_format *pupils_top;    /* pupils, at the top of a wrapped row */
    lxw_format *link_top;      /* a link (blue, underlined), at the top of a wrapped row */
} xw_formats;

/* One workbook being written. */
typedef struct {
    lxw_workbook *wb;
    lxw_error err;  /* first libxlsxwriter error; LXW_NO_ERROR when none */
    char what[160]; /* the call that failed, for the message */
    xw_formats f;
    const hn_run_report
        *rep;          /* the run the sheets describe (a comparison switches it per option) */
    const char *title; /* the document's title property; NULL: the run's (report_title) */
    /* The Summary's last line, naming the other sheets of this workbook; NULL: a run's (Costs,
     * Placements, Exclusions, Distribution, Assumptions, Run). A comparison or a sweep, whose
     * workbooks hold other sheets, says which. */
    const char *summary_detail;
} xw_ctx;

/* The workbook (xlsx_writer.c) --------------------------------------- */

/* The workbook's subject property ("Schools Forum appendix: ... (NAME)") of run r into buf (xlsx_writer.c). */
void xw_subject(const hn_run_report *r, char *buf, size_t cap);

/* The workbook's title property: c->title, else the run's title (xlsx_writer.c). */
const char *xw_title(const xw_ctx *c);

/* Records e (when it is an error and none is recorded yet) with what failed; returns c->err. */
lxw_error xw_check(xw_ctx *c, lxw_error e, const char *what);

/* Adds a worksheet; NULL (and the error recorded) on failure or after an earlier error. */
lxw_worksheet *xw_sheet(xw_ctx *c, const char *name);

/* Writes a string (made valid UTF-8 and cut to Excel's 32,767-character limit); NULL or "" writes nothing. */
void xw_str(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f);

/* Writes a number; a non-finite value leaves the cell empty. */
void xw_num(xw_ctx *c, lxw_worksheet *ws, int row, int col, double v, lxw_format *f);

/* Writes a formula with its cached result (a non-finite cache is written as 0). */
void xw_formula(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *formula, double cached,
                lxw_format *f);

/* Writes an empty cell with format f (a fill or border with no value). */
void xw_blank(xw_ctx *c, lxw_worksheet *ws, int row, int col, lxw_format *f);

/* Sets the width of columns first..last. */
void xw_width(xw_ctx *c, lxw_worksheet *ws, int first, int last, double width);

/* Sets the height of a row in points (at most Excel's 409). */
void xw_row_height(xw_ctx *c, lxw_worksheet *ws, int row, double points);

/*
 * Writes the three rows "Run date", "Iterations<scope>" and "Seed<scope>"
 * of c's run from row (labels in column 0, values in column 1): a
 * deterministic run says so in format planned, else the iterations in
 * format iterations and the seed as text (a double would round it). scope:
 * "" or a suffix such as " (every option)".
 */
void xw_run_rows(xw_ctx *c, lxw_worksheet *ws, int row, const char *scope, lxw_format *planned,
                 lxw_format *iterations);

/* Sets a chart series' name, cleaned by xw_clean_utf8 (OOM is noted in c). */
void xw_series_name(xw_ctx *c, lxw_chart_series *s, const char *name);

/* Sets a chart axis' name, cleaned by xw_clean_utf8 (OOM is noted in c when c is not NULL). */
void xw_axis_name(xw_ctx *c, lxw_chart_axis *axis, const char *name);

/*
 * The one rule for every string that reaches a workbook: a new copy of s of
 * valid UTF-8 holding only characters XML allows (others become '?'), with
 * Excel's "_xHHHH_" escape kept literal, of at most max_bytes bytes; caller
 * frees; NULL on OOM. Every cell, chart, table, header and property string
 * goes through it.
 */
char *xw_clean_utf8(const char *s, size_t max_bytes);

/* Writes "TITLE: Planned (deterministic)" or "TITLE: STATS across N iterations" into buf. */
void xw_heading(const xw_ctx *c, const char *title, const char *stats, char *buf, size_t cap);

/* Column widths from content (xlsx_grid.c) ------------------------------- */

#define XW_MAX_COLS 48

/* The widest content seen in each column, in characters. */
typedef struct {
    double w[XW_MAX_COLS];
} xw_widths;

/* Notes text s in column col (bold text counts 10% wider). */
void xw_widths_str(xw_widths *wd, int col, const char *s, bool bold);

/* Notes number v in column col as format f shows it. */
void xw_widths_num(const xw_ctx *c, xw_widths *wd, int col, double v, lxw_format *f);

/* The width xw_widths_apply gives column col: its noted width (+ padding) within [min, max]. */
double xw_widths_of(const xw_widths *wd, int col, double min, double max);

/* Sets columns first..last to their noted widths (+ padding), kept within [min, max] characters. */
void xw_widths_apply(xw_ctx *c, lxw_worksheet *ws, const xw_widths *wd, int first, int last,
                     double min, double max);

/* Excel tables (xlsx_grid.c) -------------------------------------------- */

/* A filterable Excel table being written: headings first, then rows. */
typedef struct {
    lxw_worksheet *ws;
    char name[64]; /* the table's name (unique in the workbook) */
    int header_row, first_col;
    int n_cols;
    bool numeric[XW_MAX_COLS]; /* right-aligned heading */
    char *heads[XW_MAX_COLS];  /* owned until xw_grid_end */
    double
        max_width[XW_MAX_COLS]; /* cap in characters (text beyond it wraps when the cells wrap) */
    int row;                    /* the row being written */
    int row_lines;              /* lines of its tallest wrapped cell so far */
    xw_widths wd;
} xw_grid;

/* Starts a table on ws with its heading row at header_row from column first_col. */
void xw_grid_begin(xw_ctx *c, xw_grid *g, lxw_worksheet *ws, const char *name, int header_row,
                   int first_col);

/* Adds a column heading; numeric headings are right-aligned. Returns the column's index in the table. */
int xw_grid_column(xw_ctx *c, xw_grid *g, const char *heading, bool numeric);

/* Adds the year columns (academic-year labels) and, when all, "All years"; returns the first's index. */
int xw_grid_year_columns(xw_ctx *c, xw_grid *g, bool all);

/* Text in column i (of the table) of the current row; with a format that wraps (c->f.wrap, c->f.label_wrap) it wraps within the column's max_width. */
void xw_grid_str(xw_ctx *c, xw_grid *g, int i, const char *s, lxw_format *f);

/* A number in column i of the current row (non-finite: empty). */
void xw_grid_num(xw_ctx *c, xw_grid *g, int i, double v, lxw_format *f);

/* A formula with its cached value in column i of the current row. */
void xw_grid_formula(xw_ctx *c, xw_grid *g, int i, const char *formula, double cached,
                     lxw_format *f);

/* Ends the current row, making it tall enough for its wrapped text. */
void xw_grid_next(xw_ctx *c, xw_grid *g);

/* Lines text s takes when wrapped in a column of width characters. */
int xw_wrapped_lines(const char *s, double width);

/* Sheet column of table column i. */
int xw_grid_col(const xw_grid *g, int i);

/* Width of the whole table in pixels, its columns sized as xw_grid_end sizes them (valid after it too). */
int xw_grid_pixels(const xw_grid *g);

/*
 * Adds the Excel table over the headings and every row written (a table
 * with no rows gets one empty row), sizes its columns to their content,
 * freezes the panes below the headings and left of table column
 * freeze_cols (0: rows only; -1: no freezing), and frees the headings.
 */
void xw_grid_end(xw_ctx *c, xw_grid *g, int freeze_cols);

/* Printing (xlsx_print.c) ----------------------------------------------- */

/*
 * Print setup every sheet gets: A4 landscape, fitted to one page wide (as
 * many tall as needed), centred, the scenario title in the header, the
 * sheet name, "Page n of m" and the engine and run date in the footer.
 * repeat_row >= 0 repeats that row (a table's headings) at the top of
 * every page.
 */
void xw_print_setup(xw_ctx *c, lxw_worksheet *ws, int repeat_row);

/* xw_print_setup with title (a comparison's) in the header instead of the scenario's title. */
void xw_print_setup_titled(xw_ctx *c, lxw_worksheet *ws, int repeat_row, const char *title);

/* What a printed page's header and footer say (strings borrowed). */
typedef struct {
    const char *authority; /* the header's left; NULL or "": none (a sweep's, of many) */
    const char *title;     /* the header's centre, bold */
    const char *note;      /* NULL, or a second line under the title (a solved run's) */
    const char *run_date;  /* in the footer; NULL or "": not recorded */
} xw_page;

/* The page of run r headed by title: r's authority, solved note and run date. */
xw_page xw_page_of(const hn_run_report *r, const char *title);

/* The print setup of xw_print_setup, its header and footer saying what page says; needs no run. */
void xw_print_setup_page(xw_ctx *c, lxw_worksheet *ws, int repeat_row, xw_page page);

/* Prints only rows 0..last_row and columns 0..last_col, on one page. */
void xw_print_one_page(xw_ctx *c, lxw_worksheet *ws, int last_row, int last_col);

/* Charts (xlsx_charts.c) ------------------------------------------------ */

/* A block of cells: rows r0..r1, columns c0..c1 (0-based, inclusive). */
typedef struct {
    int r0, c0, r1, c1;
} xw_range;

/* A range of one row, columns c0..c1. */
static inline xw_range xw_row_range(int row, int c0, int c1)
{
    return (xw_range){ row, c0, row, c1 };
}

/* A new chart of a libxlsxwriter type with the house style and a title; NULL after an error. */
lxw_chart *xw_chart(xw_ctx *c, uint8_t type, const char *title);

/*
 * Adds a series of the cells vals of sheet (categories cats), named by the
 * cell (name_row, name_col) of that sheet when name_row >= 0; NULL after an error.
 */
lxw_chart_series *xw_chart_series(xw_ctx *c, lxw_chart *ch, const char *sheet, xw_range cats,
                                  xw_range vals, int name_row, int name_col);

/*
 * Sets a series' fill colour (0xRRGGBB; none when color < 0) with a
 * transparency of 0-100 %, and its line (none when line_color < 0) of
 * line_width points, dashed or solid.
 */
void xw_series_style(lxw_chart_series *s, long color, int transparency, long line_color,
                     double line_width, bool dashed);

/* Gives the value axis round limits around lo..hi, a round major unit and num_format labels. */
void xw_chart_value_axis(lxw_chart *ch, double lo, double hi, const char *name,
                         const char *num_format);

/* Inserts ch at (row, col) plus (x_offset, y_offset) pixels, width x height pixels. */
void xw_chart_insert(xw_ctx *c, lxw_worksheet *ws, int row, int col, int x_offset, int y_offset,
                     lxw_chart *ch, int width, int height);

/* A round step near range / target (range > 0): 1, 2, 2.5 or 5 times a power of ten. */
double xw_nice_step(double range, int target);

/* Pixels of a column of width w characters (Excel's rule for the default font). */
int xw_col_pixels(double w);

/* Observed beside projected (xlsx_history.c) ---------------------------- */

/* One figure's projection and observations per year, for a band chart; NAN: nothing that year. */
typedef struct {
    const char *title;              /* the chart's title, also heading its data */
    bool deterministic;             /* a planned line (mean), no band */
    const double *p10, *mean, *p90; /* c->lay->years values each */
    const double *observed;         /* observations (the calibration's, in a back-test) */
    const double *held_out;         /* NULL, or the back-test's held-out observations */
    lxw_format *fmt;                /* of the values: pounds or pupils */
} xw_band;

/* How a figure is named on the sheets ("Permanent exclusions"). */
const char *xw_figure_label(hn_metric m);

/* The format of a figure's values: pounds for net cost, else pupils. */
lxw_format *xw_figure_format(const xw_ctx *c, hn_metric m);

/* "Yes", "No (below)" or "No (above)": an observation against its P10-P90 band. */
const char *xw_inside_text(const hn_scored *r);

/*
 * Writes band b's data rows on ws from row (the years, then P10, Mean, P90
 * and the observations; a planned row when deterministic) and inserts its
 * line chart at row chart_row, chart_x pixels from the left: the band as
 * dashed lines, the mean solid, observations as points. Returns the next
 * free row.
 */
int xw_band_write(xw_ctx *c, lxw_worksheet *ws, const char *sheet, int row, const xw_band *b,
                  int chart_row, int chart_x);

/*
 * The charts of n bands, two side by side from first_row, their data under
 * "Data behind the charts" below them. *last_printed is the charts' last
 * row. Returns the next free row.
 */
int xw_band_charts(xw_ctx *c, lxw_worksheet *ws, const char *sheet, int first_row,
                   const xw_band *bands, int n, int *last_printed);

/*
 * The Summary's fan chart when net cost is observed: a line chart of the
 * percentile rows p5_row.. (P5, P25, P50, P75, P95), the baseline row and
 * the observations as points, value axis around lo..hi.
 */
lxw_chart *xlsx_history_fan_chart(xw_ctx *c, const char *sheet, xw_range cats, int p5_row,
                                  int baseline_row, int observed_row, double lo, double hi);

/* Adds the observations of row observed_row to chart ch as points. */
void xlsx_history_observed_points(xw_ctx *c, lxw_chart *ch, const char *sheet, xw_range cats,
                                  int observed_row);

/* The observed total net cost per year into v (NAN where none); false when none is observed. */
bool xlsx_history_net_cost(const xw_ctx *c, double *v);

/*
 * Writes a workbook to c->rep's output path atomically: c (rep, and title
 * when it differs, filled by the caller) gets the workbook, its properties
 * (from c->rep and c->title) and formats, then sheets(c, user) adds the
 * sheets. HN_ERR_IO "cannot write PATH: ..." on any failure, the path
 * untouched.
 */
hn_status xw_write_workbook(xw_ctx *c, void (*sheets)(xw_ctx *c, void *user), void *user,
                            hn_error *err);

/*
 * The parts of xw_write_workbook, for a workbook written a sheet at a time
 * (the sweep's, xlsx_sweep.c). xw_workbook_open creates the temporary file
 * a of path and the workbook on it, with the formats but no properties
 * (HN_ERR_IO, nothing left behind, on failure). xw_workbook_close closes
 * the workbook and renames it into place, or on any error recorded in c
 * or met while closing removes it (HN_ERR_IO "cannot write PATH: ...").
 */
hn_status xw_workbook_open(xw_ctx *c, hn_atomic *a, const char *path, hn_error *err);
hn_status xw_workbook_close(xw_ctx *c, hn_atomic *a, const char *path, hn_error *err);

/* Seconds since the epoch of an ISO date or date-time (a run date) read as UTC; a fixed 2000-01-01 when unreadable. */
time_t xw_created_time(const char *iso);

/*
 * Sheet name i of a workbook that holds a sheet per run, for a run named
 * want: its first 31 characters (Excel's limit); when that is empty or
 * already taken - by one of the n_reserved names reserved or by names[0..i)
 * (Excel ignoring case) - the end is replaced by "~N", N = i + 1 (then
 * i + 2, ... while still taken). Written into names[i].
 */
void xw_unique_sheet_name(const char *want, const char *const *reserved, int n_reserved,
                          char (*names)[32], int i);

/* The sheets, in workbook order; each adds its sheet to c->wb and records any error in c. */

/*
 * Summary, named sheet_name: title block, the paragraph-6.2 table, the
 * uncertainty beneath, a fan chart of net cost and a chart of pupils
 * supported by provision (xlsx_summary.c). Uses only c->rep, so a
 * comparison can call it once per option with the context switched; every
 * chart refers to the cells of sheet_name itself.
 */
void xlsx_sheet_summary(xw_ctx *c, const char *sheet_name);
/* DSG plan: the High Needs Block as a DSG management plan; only with [dsg] (xlsx_dsg.c). */
void xlsx_sheet_dsg(xw_ctx *c);
/* Costs: gross, income, net per entity and year (xlsx_tables.c). */
void xlsx_sheet_costs(xw_ctx *c);
/* Placements: per provision supported, occupancy, starts, blocked (xlsx_tables.c). */
void xlsx_sheet_placements(xw_ctx *c);
/* Exclusions: per segment and total referrals, exclusions, EHCNA, waiting (xlsx_tables.c). */
void xlsx_sheet_exclusions(xw_ctx *c);
/* Distribution: percentiles of the headline figures and a histogram of the total net cost (xlsx_distribution.c). */
void xlsx_sheet_distribution(xw_ctx *c);
/* Assumptions: every key as loaded after extends, with file, line and mean (xlsx_assumptions.c). */
void xlsx_sheet_assumptions(xw_ctx *c);
/* Assumptions of scenarios scs[0..n): n == 1 as above; a comparison's options side by side,
 * one value column per option headed heads[k] (NULL: their names), differences filled
 * (xlsx_assumptions.c). */
void xlsx_sheet_assumptions_of(xw_ctx *c, const hn_scenario *const *scs, const char *const *heads,
                               int n);
/* Sensitivity: inputs ranked per output, tornado chart; only when the run was analysed (xlsx_sensitivity.c). */
void xlsx_sheet_sensitivity(xw_ctx *c);
/*
 * What the Run sheet says of one scenario's run, copied out of it
 * (xw_run_facts_init) so that a sweep, which frees each run before the
 * next, can keep it until the end: some hundred bytes and the warnings.
 */
typedef struct {
    char *title; /* report_scenario_title */
    char *name;
    int n_sources;
    struct {
        char *path;
        char sha256[65];
    } * sources; /* [n_sources]: the scenario file, then its extends chain */
    uint64_t seed;
    long n_iter;
    int threads;
    bool deterministic;
    double wall_seconds;
    long clamped, rate_clamped;
    char *statistics; /* exact or streamed (and the iterations kept); NULL when deterministic */
    bool checked;     /* its warnings were looked for (hn_run_report.warnings not NULL) */
    int n_warnings;
    char **warnings; /* [n_warnings], as warning_format writes them */
} xw_run_facts;

/* Fills *f from run r (all owned by f: xw_run_facts_free). false on OOM, *f then empty. */
bool xw_run_facts_init(xw_run_facts *f, const hn_run_report *r);

/* Frees what xw_run_facts_init made and empties *f; NULL is fine. */
void xw_run_facts_free(xw_run_facts *f);

/* How a Run sheet of xw_run_facts is headed and closed (strings borrowed). */
typedef struct {
    const hn_report_origin *origin; /* command line and run date */
    /* NULL: one run, named on a "Scenario" row. Else the label of each run's row ("Option",
     * "Scenario"), every names what they all are ("option": the seed "(every option)"). */
    const char *member;
    const char *every;
    bool reference;             /* with member: the first run is the reference */
    const char *subject;        /* the document's subject and company as set */
    const char *company;        /* NULL or "": none */
    const char *precision_note; /* with member: where the precision is (NULL: nothing) */
    xw_page page;               /* the printed page's header and footer */
} xw_run_sheet;

/*
 * Adds and writes the Run sheet of runs[0..n) (xlsx_run.c), the seed,
 * threads and deterministic flag the first's (every run shares them); the
 * iterations and statistics once when every run has the same, else under
 * each run. One run also gets the precision and convergence of c->rep.
 */
void xlsx_sheet_run_facts(xw_ctx *c, const xw_run_facts *runs, int n, const xw_run_sheet *how);
/* Run: versions, command line, sources, seed, timings, precision, properties (xlsx_run.c). */
void xlsx_sheet_run(xw_ctx *c);
/* Run for the runs reps[0..n) of a comparison (run alike): each option's files and SHA-256s,
 * the seed, iterations and command line they share; c->rep is restored (xlsx_run.c). */
void xlsx_sheet_run_of(xw_ctx *c, const hn_run_report *const *reps, int n);
/* History: the Observed table and a band chart per observed figure; only with a history (xlsx_history.c). */
void xlsx_sheet_history(xw_ctx *c);
/* The Run sheet's sampling, target and convergence section with its chart, from row on; returns the next row (xlsx_convergence.c). */
int xlsx_run_convergence(xw_ctx *c, lxw_worksheet *ws, int row);

#endif
