/*
 * xlsx_run.c - the Run sheet: what produced the workbook.
 *
 * Enough to reproduce and audit a run: engine and library versions, the
 * command line, every scenario file read (the file, then its extends
 * chain) each with its SHA-256 on the row beneath, run date, seed,
 * iterations, threads, wall time, whether the run was deterministic, the
 * number of money draws clamped to 0 and of rate draws clamped to -1, the
 * scenario's warnings (figures that would mislead: analysis/warnings.h);
 * the workbook's document properties
 * as set (title, subject, author "hnsim", company = the authority,
 * comments = the scenario title); and the precision of the headline
 * means: the mean, the standard error of the mean and the SE as a share
 * of the mean of the total net cost and of the cumulative payback, per
 * year, so a reader can judge whether the iterations were enough. The
 * seed is text: Excel would round a 64-bit integer. Long values (paths,
 * the command line) wrap within column B.
 */
#include <gsl/gsl_version.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "base/version.h"
#include "xlsx_internal.h"

/*
 * Widest column B grows before its text wraps, in characters: a SHA-256
 * (64) and the subject of a scenario with a name of up to 16 characters
 * stay on one line by xw_wrapped_lines' estimate.
 */
#define XR_VALUE_WIDTH 74.0

/* The Run sheet being written: its worksheet, next row and column widths. */
typedef struct {
    xw_ctx *c;
    lxw_worksheet *ws;
    int row;
    xw_widths wd;
    char label[64]; /* a label being composed */
} xr_sheet;

/*
 * Writes "label | text" (wrapped within column B, the row made tall enough,
 * the label at the top of the row beside the text's first line) and moves
 * to the next row.
 */
static void text_row(xr_sheet *r, const char *label, const char *text)
{
    xw_str(r->c, r->ws, r->row, 0, label, r->c->f.bold_top);
    xw_str(r->c, r->ws, r->row, 1, text, r->c->f.wrap);
    xw_widths_str(&r->wd, 0, label, true);
    xw_widths_str(&r->wd, 1, text, false);
    int lines = xw_wrapped_lines(text, XR_VALUE_WIDTH);
    if (lines > 1) xw_row_height(r->c, r->ws, r->row, 15.0 * lines);
    r->row++;
}

/* Writes "label | number" and moves to the next row. */
static void number_row(xr_sheet *r, const char *label, double v, lxw_format *f)
{
    xw_str(r->c, r->ws, r->row, 0, label, r->c->f.bold);
    xw_num(r->c, r->ws, r->row, 1, v, f);
    xw_widths_str(&r->wd, 0, label, true);
    r->row++;
}

/* Writes the precision table: mean, SE and SE / mean of net cost and cumulative payback. */
static void precision(xr_sheet *r)
{
    xw_ctx *c = r->c;
    int Y = c->rep->lay->years;
    xw_str(c, r->ws, r->row++, 0,
           c->rep->res->deterministic
               ? "Precision of the headline means: Planned (deterministic), no sampling error"
               : "Precision of the headline means",
           c->f.bold);
    xw_grid g;
    xw_grid_begin(c, &g, r->ws, "PrecisionTable", r->row, 0);
    xw_grid_column(c, &g, "Figure", false);
    xw_grid_column(c, &g, "Statistic", false);
    int y1 = xw_grid_year_columns(c, &g, true);
    static const struct {
        hn_metric m;
        const char *label;
    } figs[] = { { HN_M_NET_COST, "Total net cost (£)" },
                 { HN_M_CUMULATIVE_PAYBACK, "Cumulative payback (£)" } };
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        static const char *const stats[] = { "Mean", "Standard error of the mean",
                                             "SE as a share of the mean" };
        for (int k = 0; k < 3; k++) {
            xw_grid_str(c, &g, 0, figs[i].label, NULL);
            xw_grid_str(c, &g, 1, stats[k], NULL);
            for (int y = 0; y <= Y; y++) {
                double mean = report_stat(c->rep, figs[i].m, HN_ENT_TOTAL, 0, y, HN_STAT_MEAN);
                double se = report_stat(c->rep, figs[i].m, HN_ENT_TOTAL, 0, y, HN_STAT_SE);
                if (k == 2)
                    xw_grid_num(c, &g, y1 + y, mean != 0 ? se / fabs(mean) : NAN, c->f.percent2);
                else
                    xw_grid_num(c, &g, y1 + y, k == 0 ? mean : se, c->f.pounds);
            }
            xw_grid_next(c, &g);
        }
    }
    /* Columns A and B are shared with the list above: size them from both. */
    for (int col = 0; col < 2; col++)
        if (g.wd.w[col] > r->wd.w[col]) r->wd.w[col] = g.wd.w[col];
    r->row = g.row;
    xw_grid_end(c, &g, -1);
}

/* Adds and writes the Run sheet of c->rep. */
void xlsx_sheet_run(xw_ctx *c)
{
    const hn_run_report *rep = c->rep;
    xlsx_sheet_run_of(c, &rep, 1);
}

/* Adds and writes the Run sheet of the runs reps[0..n) (a comparison's options, run alike). */
void xlsx_sheet_run_of(xw_ctx *c, const hn_run_report *const *reps, int n)
{
    lxw_worksheet *ws = xw_sheet(c, "Run");
    if (!ws || n < 1) return;
    const hn_run_report *saved = c->rep;
    c->rep = reps[0];
    const hn_results *res = reps[0]->res;
    const hn_report_origin *origin = reps[0]->origin;
    xr_sheet r = { .c = c, .ws = ws, .row = 0 };
    xw_str(c, ws, r.row++, 0, "Run: how these figures were made", c->f.title);
    r.row++;

    char buf[640];
    text_row(&r, "Engine version", "hnsim " HN_VERSION);
    text_row(&r, "Libraries", "GSL " GSL_VERSION ", libxlsxwriter " LXW_VERSION);
    text_row(&r, "Command line", origin->command_line);
    double wall = 0;
    long clamped = 0, rate_clamped = 0;
    for (int k = 0; k < n; k++) {
        const hn_scenario *sc = reps[k]->sc;
        if (n == 1) {
            text_row(&r, "Scenario", sc->name);
        } else {
            snprintf(buf, sizeof buf, "%s (%s)%s", report_scenario_title(reps[k]), sc->name,
                     k == 0 ? ", the reference" : "");
            text_row(&r, "Option", buf);
        }
        for (int i = 0; i < sc->n_sources; i++) {
            text_row(&r, i == 0 ? "Scenario file" : "Extends", sc->sources[i].path);
            text_row(&r, "SHA-256", sc->sources[i].sha256);
        }
        wall += reps[k]->res->wall_seconds;
        clamped += (long)reps[k]->res->clamped;
        rate_clamped += (long)reps[k]->res->rate_clamped;
    }
    const char *every = n > 1 ? " (every option)" : "";
    text_row(&r, "Run date", origin->run_date);
    snprintf(buf, sizeof buf, "%" PRIu64, res->seed);
    snprintf(r.label, sizeof r.label, "Seed%s", every);
    text_row(&r, r.label, buf);
    snprintf(r.label, sizeof r.label, "Iterations%s", every);
    number_row(&r, r.label, (double)res->n_iter, c->f.integer_l);
    number_row(&r, "Threads", res->threads, c->f.integer_l);
    number_row(&r, n > 1 ? "Wall time (seconds, all the runs)" : "Wall time (seconds)", wall,
               c->f.seconds);
    text_row(&r, "Deterministic", res->deterministic ? "yes: Planned (deterministic)" : "no");
    if (reps[0]->st && reps[0]->st->streamed) { /* decisions P13 */
        char kept[32];
        report_thousands(res->n_kept, kept, sizeof kept);
        snprintf(buf, sizeof buf,
                 "streamed (memory bounded): means, standard deviations, minima and maxima exact; "
                 "percentiles within 0.01%% of the exact; sensitivity ranks the first %s "
                 "iterations",
                 kept);
        text_row(&r, "Statistics", buf);
    } else if (!res->deterministic)
        text_row(&r, "Statistics", "exact: every iteration kept");
    number_row(&r, "Clamped money draws", (double)clamped, c->f.integer_l);
    number_row(&r, "Clamped rate draws (below -1)", (double)rate_clamped, c->f.integer_l);
    /* The scenarios' warnings (analysis/warnings.h), as `check` and `run` printed them. */
    int n_warnings = 0;
    for (int k = 0; k < n; k++) {
        const hn_warnings *w = reps[k]->warnings;
        for (int i = 0; w && i < w->n; i++) {
            char line[2048], named[2200];
            warning_format(&w->items[i], line, sizeof line);
            if (n > 1) /* whose warning it is */
                snprintf(named, sizeof named, "%s: %s", reps[k]->sc->name, line);
            text_row(&r, n_warnings++ == 0 ? "Warnings" : "", n > 1 ? named : line);
        }
    }
    if (n_warnings == 0 && reps[0]->warnings) text_row(&r, "Warnings", "none");
    r.row++;

    /* The document properties, as xlsx_writer.c sets them. */
    xw_str(c, ws, r.row++, 0, "Document properties", c->f.bold);
    const char *title = xw_title(c);
    text_row(&r, "Title", title);
    char subject[256];
    xw_subject(c->rep, subject, sizeof subject);
    text_row(&r, "Subject", subject);
    text_row(&r, "Author", "hnsim");
    text_row(&r, "Company", reps[0]->sc->authority);
    text_row(&r, "Comments", title);
    r.row++;

    if (n == 1) {
        precision(&r);
        r.row = xlsx_run_convergence(c, ws, r.row + 1);
    } else {
        xw_str(c, ws, r.row++, 0,
               "The precision of the comparison: the standard errors of the saving on the "
               "Comparison sheet.",
               c->f.note);
    }
    xw_widths_apply(c, ws, &r.wd, 0, 0, 12, 40);
    xw_widths_apply(c, ws, &r.wd, 1, 1, 12, XR_VALUE_WIDTH);
    if (n == 1)
        xw_print_setup(c, ws, -1);
    else
        xw_print_setup_titled(c, ws, -1, xw_title(c));
    c->rep = saved;
}
