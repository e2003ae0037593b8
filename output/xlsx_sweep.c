/*
 * xlsx_sweep.c - the output of `hnsim sweep` (report_sweep.h): the tidy CSV
 * of every run, streamed, or a workbook with a Sweep sheet of one row per
 * scenario followed by each scenario's Summary sheet (xlsx_summary.c).
 *
 * The workbook is opened before the first run (xw_workbook_open) and each
 * run is written into it as soon as it is done: its row of the Sweep
 * sheet's table and its Summary sheet, whose cells libxlsxwriter keeps
 * until the workbook is closed; the run itself can then be freed. The
 * Sweep sheet was added first, so it is the one that opens. Its title
 * block (run date, iterations, seed, shared by every scenario) and print
 * setup are written with the first run, the only time a run is at hand;
 * its table is closed (sized, filtered, frozen) at the end. Of each run
 * the writer keeps what the Run sheet says of it (xw_run_facts: title,
 * name, files and SHA-256s, iterations, wall time, clamped draws,
 * statistics, warnings) and at the end writes the Run sheet, last, with
 * the writer of `run` and `compare` (xlsx_run.c).
 *
 * Under the title block a link to the Run sheet ("Files and method").
 * The table, one row per scenario in the order run: Scenario, Title, the
 * scenario's Summary sheet (a link to it), Iterations, then mean, P10 and
 * P90 over the iterations of net cost over all years (£'000), permanent
 * exclusions over all years, pupils supported over all years (each pupil
 * once) and, when any scenario has a [dsg] section, the DSG balance at the
 * end of the last year (£'000, negative a deficit; empty for a scenario
 * without [dsg]); without one the three DSG columns are left out, so that
 * the printed table is wider to read. A deterministic run has no P10 or
 * P90 (empty cells): its mean is the planned value. Every cell of a row is
 * top-aligned, so that a title wrapped over two lines reads as its row's,
 * not as the row above's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_internal.h"
#include "report_sweep.h"
#include "xlsx_internal.h"

/* Rows of the Sweep sheet (0-based). */
enum {
    XP_ROW_TITLE = 0,
    XP_ROW_NOTE = 1,
    XP_ROW_RUN = 2,  /* run date, iterations, seed */
    XP_ROW_LINK = 5, /* a link to the Run sheet */
    XP_ROW_UNITS = 6,
    XP_ROW_HEADER = 8
};

/* The figures of the table: metric, year (-1: all years, -2: the last), scale, heading. */
typedef struct {
    hn_metric m;
    int year;
    double scale;
    const char *head;
    bool money;
} xp_figure;

static const xp_figure xp_figures[] = {
    { HN_M_NET_COST, -1, 1e-3, "Net cost", true },
    { HN_M_EXCLUSIONS, -1, 1, "Permanent exclusions", false },
    { HN_M_SUPPORTED, -1, 1, "Pupils supported", false },
    { HN_M_DSG_BALANCE, -2, 1e-3, "DSG balance, last year", true },
};
#define XP_N_FIGURES ((int)(sizeof xp_figures / sizeof xp_figures[0]))

/* The statistics of each figure, with their headings. */
static const hn_stat xp_stats[] = { HN_STAT_MEAN, HN_STAT_P10, HN_STAT_P90 };
static const char *const xp_stat_heads[] = { "mean", "P10", "P90" };
#define XP_N_STATS 3

struct hn_sweep_report {
    hn_report_format fmt;
    const hn_report_origin *origin;
    int n, added;
    /* CSV */
    csv_stream cs;
    bool cs_open;
    /* workbook */
    xw_ctx c;
    hn_atomic a;
    bool wb_open;
    lxw_worksheet *ws;
    xw_grid g;
    int n_figures;      /* of xp_figures shown: all, or all but the DSG balance */
    char (*sheets)[32]; /* [n] */
    xw_run_facts *runs; /* [n]: what the Run sheet says of each run added */
    char title[64];
};

/* The sheet that says how the figures were made: last, as in `run` and `compare` workbooks. */
#define XP_RUN_SHEET "Run"

/* Writes a link to cell A1 of sheet at (row, col) of ws, shown as the sheet's name in format f
 * (NULL: the default link's). */
static void sheet_link(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *sheet,
                       lxw_format *f)
{
    if (c->err || !ws) return;
    char url[80];
    snprintf(url, sizeof url, "internal:'%s'!A1", sheet);
    xw_check(c, worksheet_write_url_opt(ws, (lxw_row_t)row, (lxw_col_t)col, url, f, sheet, NULL),
             "linking to a sheet");
}

const char *report_sweep_sheet(const hn_sweep_report *w, int i)
{
    return w->fmt == REPORT_XLSX && i >= 0 && i < w->n ? w->sheets[i] : NULL;
}

/* Adds the Sweep sheet and its table's headings. */
static void sweep_sheet_begin(hn_sweep_report *w)
{
    xw_ctx *c = &w->c;
    w->ws = xw_sheet(c, REPORT_SWEEP_SHEET);
    if (!w->ws) return;
    worksheet_gridlines(w->ws, LXW_HIDE_ALL_GRIDLINES);
    xw_str(c, w->ws, XP_ROW_TITLE, 0, w->title, c->f.title);
    xw_str(c, w->ws, XP_ROW_NOTE, 0,
           "One row per scenario, run with the same seed and iterations; each scenario's "
           "Summary sheet follows this one (the Summary sheet column links to it); the Run "
           "sheet, last, says how the figures were made.",
           c->f.note);
    xw_str(c, w->ws, XP_ROW_UNITS, 0,
           w->n_figures == XP_N_FIGURES
               ? "Over all years, £'000 for money; P10 and P90 across the iterations. DSG "
                 "balance: at the end of the last year, negative a deficit; empty without a "
                 "[dsg] section."
               : "Over all years, £'000 for money; P10 and P90 across the iterations.",
           c->f.note);
    xw_str(c, w->ws, XP_ROW_LINK, 0, "Files and method", NULL);
    sheet_link(c, w->ws, XP_ROW_LINK, 1, XP_RUN_SHEET, NULL);
    xw_row_height(c, w->ws, XP_ROW_HEADER, 45); /* three lines of a wrapped heading */
    xw_grid *g = &w->g;
    xw_grid_begin(c, g, w->ws, "Sweep", XP_ROW_HEADER, 0);
    xw_grid_column(c, g, "Scenario", false);
    int t = xw_grid_column(c, g, "Title", false);
    g->max_width[t] = 40;
    xw_grid_column(c, g, "Summary sheet", false);
    xw_grid_column(c, g, "Iterations", true);
    for (int k = 0; k < w->n_figures; k++)
        for (int s = 0; s < XP_N_STATS; s++) {
            char head[96];
            snprintf(head, sizeof head, "%s, %s%s", xp_figures[k].head, xp_stat_heads[s],
                     xp_figures[k].money ? " (£'000)" : "");
            /* Narrow: the heading wraps over the number. */
            g->max_width[xw_grid_column(c, g, head, true)] = 12;
        }
}

/* The page header and footer of the sweep's own sheets: its title, no authority (the scenarios
 * may be of many), the run date. */
static xw_page sweep_page(const hn_sweep_report *w)
{
    return (xw_page){ .authority = "", .title = w->title, .run_date = w->origin->run_date };
}

/* The run date, iterations and seed (from the first run: every scenario shares them) and the print setup. */
static void sweep_sheet_first(hn_sweep_report *w)
{
    xw_ctx *c = &w->c;
    if (!w->ws) return;
    xw_run_rows(c, w->ws, XP_ROW_RUN,
                c->rep->res->target_se_pct > 0 ? " (first scenario)" : " (every scenario)",
                c->f.bold, c->f.integer_l);
    xw_print_setup_page(c, w->ws, XP_ROW_HEADER, sweep_page(w));
}

/* Writes run r's row of the Sweep table (its Summary sheet: sheet). */
static void sweep_row(hn_sweep_report *w, const hn_run_report *r, const char *sheet)
{
    xw_ctx *c = &w->c;
    xw_grid *g = &w->g;
    if (c->err || !w->ws) return;
    xw_grid_str(c, g, 0, report_name(r), c->f.top);
    xw_grid_str(c, g, 1, report_scenario_title(r), c->f.wrap);
    /* A link to the scenario's Summary sheet, shown as its name. */
    xw_widths_str(&g->wd, xw_grid_col(g, 2), sheet, false);
    sheet_link(c, g->ws, g->row, xw_grid_col(g, 2), sheet, c->f.link_top);
    xw_grid_num(c, g, 3, (double)r->res->n_iter, c->f.integer_top);
    int i = 4;
    for (int k = 0; k < w->n_figures; k++) {
        const xp_figure *fg = &xp_figures[k];
        int y = fg->year == -1 ? r->lay->years : r->lay->years - 1;
        for (int s = 0; s < XP_N_STATS; s++, i++) {
            double v = NAN;
            if (!(r->res->deterministic && xp_stats[s] != HN_STAT_MEAN) &&
                layout_col(r->lay, fg->m, HN_ENT_TOTAL, 0, y) >= 0)
                v = report_stat(r, fg->m, HN_ENT_TOTAL, 0, y, xp_stats[s]) * fg->scale;
            xw_grid_num(c, g, i, v, fg->money ? c->f.thousands_top : c->f.pupils_top);
        }
    }
    xw_grid_next(c, g);
}

/* "cannot write PATH: WHAT: REASON" for the libxlsxwriter error recorded in c. */
static hn_status xlsx_error(const hn_sweep_report *w, hn_error *err)
{
    return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s: %s", w->origin->out_path, w->c.what,
                        lxw_strerror(w->c.err));
}

hn_status report_sweep_begin(const hn_report_origin *origin, const char *const *names, int n,
                             bool dsg, hn_sweep_report **out, hn_error *err)
{
    *out = NULL;
    hn_report_format fmt;
    hn_status s = report_output_format(origin->out_path, &fmt, err);
    if (s != HN_OK) return s;
    hn_sweep_report *w = calloc(1, sizeof *w);
    if (!w) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    w->fmt = fmt;
    w->origin = origin;
    w->n = n;
    w->n_figures = dsg ? XP_N_FIGURES : XP_N_FIGURES - 1; /* the DSG balance is the last */
    if (fmt == REPORT_CSV) {
        if ((s = csv_stream_begin(&w->cs, origin->out_path, err)) != HN_OK) {
            free(w);
            return s;
        }
        w->cs_open = true;
        errno = 0;
        if (fputs(CSV_HEADER, w->cs.f) < 0) {
            int e = errno;
            report_sweep_abort(w);
            return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", origin->out_path,
                                e ? strerror(e) : "write failed");
        }
        *out = w;
        return HN_OK;
    }
    w->sheets = calloc((size_t)(n > 0 ? n : 1), sizeof *w->sheets);
    w->runs = calloc((size_t)(n > 0 ? n : 1), sizeof *w->runs);
    if (!w->sheets || !w->runs) {
        free(w->sheets);
        free(w->runs);
        free(w);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    }
    static const char *const reserved[] = { REPORT_SWEEP_SHEET, XP_RUN_SHEET };
    for (int i = 0; i < n; i++) xw_unique_sheet_name(names[i], reserved, 2, w->sheets, i);
    snprintf(w->title, sizeof w->title, "Sweep of %d scenario%s", n, n == 1 ? "" : "s");
    w->c.title = w->title;
    w->c.summary_detail = "Every scenario side by side: Sweep; files, seed and method: Run. A "
                          "sweep keeps each scenario's Summary only: `hnsim run` writes its "
                          "detail and inputs.";
    if ((s = xw_workbook_open(&w->c, &w->a, origin->out_path, err)) != HN_OK) {
        free(w->sheets);
        free(w->runs);
        free(w);
        return s;
    }
    w->wb_open = true;
    sweep_sheet_begin(w);
    if (w->c.err) {
        s = xlsx_error(w, err);
        report_sweep_abort(w);
        return s;
    }
    *out = w;
    return HN_OK;
}

/* The workbook's subject property into buf. */
static void sweep_subject(const hn_sweep_report *w, char *buf, size_t cap)
{
    snprintf(buf, cap, "High Needs Block projections: %s", w->title);
}

/* Sets the workbook's properties: the sweep's title, no authority, created at the run date. */
static void sweep_properties(hn_sweep_report *w)
{
    char subject[128];
    sweep_subject(w, subject, sizeof subject);
    lxw_doc_properties p = {
        .title = w->title,
        .subject = subject,
        .author = "hnsim",
        .comments = w->title,
        .keywords = "High Needs Block, Monte Carlo, hnsim, sweep",
        .created = xw_created_time(w->origin->run_date),
    };
    xw_check(&w->c, workbook_set_properties(w->c.wb, &p), "setting the document properties");
}

hn_status report_sweep_add(hn_sweep_report *w, const hn_run_report *r, hn_error *err)
{
    if (w->added >= w->n)
        return hn_error_set(err, HN_ERR_USAGE, "sweep: more runs than the %d announced", w->n);
    int i = w->added++;
    if (w->fmt == REPORT_CSV) {
        errno = 0;
        if (csv_put_run(w->cs.f, r) < 0) {
            int e = errno;
            return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", w->origin->out_path,
                                e ? strerror(e) : "write failed");
        }
        return HN_OK;
    }
    w->c.rep = r;
    if (i == 0) {
        sweep_properties(w);
        sweep_sheet_first(w);
    }
    sweep_row(w, r, w->sheets[i]);
    xlsx_sheet_summary(&w->c, w->sheets[i]);
    w->c.rep = NULL; /* r may be freed now: nothing below reads it */
    if (w->c.err) return xlsx_error(w, err);
    if (!xw_run_facts_init(&w->runs[i], r))
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing %s", w->origin->out_path);
    return HN_OK;
}

/* Adds the Run sheet of every run added (xlsx_run.c): its files, the seed and iterations. */
static void sweep_run_sheet(hn_sweep_report *w)
{
    char subject[128];
    sweep_subject(w, subject, sizeof subject);
    xw_run_sheet how = {
        .origin = w->origin,
        .member = "Scenario",
        .every = "scenario",
        .subject = subject,
        .precision_note = "The precision of each scenario's means: `hnsim run` of the scenario "
                          "writes their standard errors and convergence on its Run sheet.",
        .page = sweep_page(w),
    };
    xlsx_sheet_run_facts(&w->c, w->runs, w->n, &how);
}

/* Frees w, what it keeps of its runs and its sheet names. */
static void sweep_free(hn_sweep_report *w)
{
    for (int i = 0; w->runs && i < w->n; i++) xw_run_facts_free(&w->runs[i]);
    free(w->runs);
    free(w->sheets);
    free(w);
}

hn_status report_sweep_end(hn_sweep_report *w, hn_error *err)
{
    if (w->added < w->n) {
        int added = w->added, n = w->n;
        report_sweep_abort(w);
        return hn_error_set(err, HN_ERR_USAGE, "sweep: %d runs written of the %d announced", added,
                            n);
    }
    hn_status s;
    if (w->fmt == REPORT_CSV) {
        w->cs_open = false;
        s = csv_stream_commit(&w->cs, false, err);
    } else {
        if (w->ws) xw_grid_end(&w->c, &w->g, 1);
        sweep_run_sheet(w);
        w->wb_open = false;
        s = xw_workbook_close(&w->c, &w->a, w->origin->out_path, err);
    }
    sweep_free(w);
    return s;
}

void report_sweep_abort(hn_sweep_report *w)
{
    if (!w) return;
    if (w->cs_open) csv_stream_abort(&w->cs);
    if (w->wb_open) {
        lxw_workbook_free(w->c.wb);
        atomic_abort(&w->a);
    }
    /* A table begun but not ended owns its headings. */
    if (w->ws && w->wb_open)
        for (int i = 0; i < w->g.n_cols; i++) free(w->g.heads[i]);
    sweep_free(w);
}
