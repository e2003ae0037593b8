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
 *
 * One writer for every workbook that has a Run sheet: `run` (one run),
 * `compare` (its options, each named with its files) and `sweep` (its
 * scenarios likewise). It writes from xw_run_facts, what the sheet says
 * of each run copied out of it, because a sweep frees each run before the
 * next; only one run's sheet adds the precision and convergence, which
 * need the whole run (c->rep).
 */
#include <gsl/gsl_version.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A new copy of s ("" for NULL) into *dst; false on OOM. */
static bool dup_str(char **dst, const char *s)
{
    *dst = strdup(s ? s : "");
    return *dst != NULL;
}

bool xw_run_facts_init(xw_run_facts *f, const hn_run_report *r)
{
    *f = (xw_run_facts){ 0 };
    const hn_results *res = r->res;
    const hn_scenario *sc = r->sc;
    f->seed = res->seed;
    f->n_iter = res->n_iter;
    f->threads = res->threads;
    f->deterministic = res->deterministic;
    f->wall_seconds = res->wall_seconds;
    f->clamped = res->clamped;
    f->rate_clamped = res->rate_clamped;
    f->checked = r->warnings != NULL;
    bool ok = dup_str(&f->title, report_scenario_title(r)) && dup_str(&f->name, sc->name);
    char buf[640];
    if (ok && r->st && r->st->streamed) { /* decisions P13; a comparison keeps none (P18) */
        char kept[32];
        report_thousands(res->n_kept, kept, sizeof kept);
        int len = snprintf(buf, sizeof buf,
                           "streamed (memory bounded): means, standard deviations, minima and "
                           "maxima exact; percentiles within 0.01%% of the exact");
        if (res->n_kept > 0 && r->sens) /* only an analysis ranks them (P22, P23) */
            snprintf(buf + len, sizeof buf - (size_t)len,
                     "; sensitivity ranks the first %s iterations", kept);
        ok = dup_str(&f->statistics, buf);
    } else if (ok && !res->deterministic)
        ok = dup_str(&f->statistics, "exact: every iteration kept");
    if (ok && sc->n_sources > 0) {
        f->sources = calloc((size_t)sc->n_sources, sizeof *f->sources);
        ok = f->sources != NULL;
        for (int i = 0; ok && i < sc->n_sources; i++, f->n_sources++) {
            ok = dup_str(&f->sources[i].path, sc->sources[i].path);
            memcpy(f->sources[i].sha256, sc->sources[i].sha256, sizeof f->sources[i].sha256);
        }
    }
    int nw = r->warnings ? r->warnings->n : 0;
    if (ok && nw > 0) {
        f->warnings = calloc((size_t)nw, sizeof *f->warnings);
        ok = f->warnings != NULL;
        for (int i = 0; ok && i < nw; i++, f->n_warnings++) {
            char line[2048];
            warning_format(&r->warnings->items[i], line, sizeof line);
            ok = dup_str(&f->warnings[i], line);
        }
    }
    if (!ok) xw_run_facts_free(f);
    return ok;
}

void xw_run_facts_free(xw_run_facts *f)
{
    if (!f) return;
    free(f->title);
    free(f->name);
    free(f->statistics);
    for (int i = 0; i < f->n_sources; i++) free(f->sources[i].path);
    free(f->sources);
    for (int i = 0; i < f->n_warnings; i++) free(f->warnings[i]);
    free(f->warnings);
    *f = (xw_run_facts){ 0 };
}

/* Whether every run of runs[0..n) has the same number of iterations. */
static bool same_iterations(const xw_run_facts *runs, int n)
{
    for (int k = 1; k < n; k++)
        if (runs[k].n_iter != runs[0].n_iter) return false;
    return true;
}

/* Whether every run of runs[0..n) says the same of its statistics. */
static bool same_statistics(const xw_run_facts *runs, int n)
{
    for (int k = 1; k < n; k++)
        if (strcmp(runs[k].statistics ? runs[k].statistics : "",
                   runs[0].statistics ? runs[0].statistics : ""))
            return false;
    return true;
}

void xlsx_sheet_run_facts(xw_ctx *c, const xw_run_facts *runs, int n, const xw_run_sheet *how)
{
    lxw_worksheet *ws = xw_sheet(c, "Run");
    if (!ws || n < 1) return;
    const xw_run_facts *first = &runs[0];
    bool many = how->member != NULL;
    xr_sheet r = { .c = c, .ws = ws, .row = 0 };
    xw_str(c, ws, r.row++, 0, "Run: how these figures were made", c->f.title);
    r.row++;

    char buf[2400];
    text_row(&r, "Engine version", "hnsim " HN_VERSION);
    text_row(&r, "Libraries", "GSL " GSL_VERSION ", libxlsxwriter " LXW_VERSION);
    text_row(&r, "Command line", how->origin->command_line);
    /* With a target standard error each scenario of a sweep stops when it reaches it. */
    bool same_iter = same_iterations(runs, n), same_stats = same_statistics(runs, n);
    double wall = 0;
    long clamped = 0, rate_clamped = 0;
    for (int k = 0; k < n; k++) {
        const xw_run_facts *f = &runs[k];
        if (!many) {
            text_row(&r, "Scenario", f->name);
        } else {
            /* A blank row before each option's or scenario's block, so that the blocks read
             * apart (a tall row's spare line can otherwise look like their boundary). */
            r.row++;
            snprintf(buf, sizeof buf, "%s (%s)%s", f->title, f->name,
                     k == 0 && how->reference ? ", the reference" : "");
            text_row(&r, how->member, buf);
        }
        for (int i = 0; i < f->n_sources; i++) {
            text_row(&r, i == 0 ? "Scenario file" : "Extends", f->sources[i].path);
            text_row(&r, "SHA-256", f->sources[i].sha256);
        }
        if (!same_iter) number_row(&r, "Iterations", (double)f->n_iter, c->f.integer_l);
        if (!same_stats && f->statistics) text_row(&r, "Statistics", f->statistics);
        wall += f->wall_seconds;
        clamped += f->clamped;
        rate_clamped += f->rate_clamped;
    }
    char every[32] = "";
    if (many) {
        snprintf(every, sizeof every, " (every %s)", how->every);
        r.row++; /* and one after the last block */
    }
    text_row(&r, "Run date", how->origin->run_date);
    snprintf(buf, sizeof buf, "%" PRIu64, first->seed);
    snprintf(r.label, sizeof r.label, "Seed%s", every);
    text_row(&r, r.label, buf);
    if (same_iter) {
        snprintf(r.label, sizeof r.label, "Iterations%s", every);
        number_row(&r, r.label, (double)first->n_iter, c->f.integer_l);
    }
    number_row(&r, "Threads", first->threads, c->f.integer_l);
    number_row(&r, many ? "Wall time (seconds, all the runs)" : "Wall time (seconds)", wall,
               c->f.seconds);
    text_row(&r, "Deterministic", first->deterministic ? "yes: Planned (deterministic)" : "no");
    if (same_stats && first->statistics) text_row(&r, "Statistics", first->statistics);
    number_row(&r, "Clamped money draws", (double)clamped, c->f.integer_l);
    number_row(&r, "Clamped rate draws (below -1)", (double)rate_clamped, c->f.integer_l);
    /* The scenarios' warnings (analysis/warnings.h), as `check` and `run` printed them. */
    int n_warnings = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < runs[k].n_warnings; i++) {
            if (many) /* whose warning it is */
                snprintf(buf, sizeof buf, "%s: %s", runs[k].name, runs[k].warnings[i]);
            text_row(&r, n_warnings++ == 0 ? "Warnings" : "", many ? buf : runs[k].warnings[i]);
        }
    if (n_warnings == 0 && first->checked) text_row(&r, "Warnings", "none");
    r.row++;

    /* The document properties, as the workbook's writer set them. */
    xw_str(c, ws, r.row++, 0, "Document properties", c->f.bold);
    const char *title = xw_title(c);
    text_row(&r, "Title", title);
    text_row(&r, "Subject", how->subject);
    text_row(&r, "Author", "hnsim");
    text_row(&r, "Company", how->company && *how->company ? how->company : "none");
    text_row(&r, "Comments", title);
    r.row++;

    if (!many) {
        precision(&r);
        r.row = xlsx_run_convergence(c, ws, r.row + 1);
    } else if (how->precision_note) {
        xw_str(c, ws, r.row++, 0, how->precision_note, c->f.note);
    }
    xw_widths_apply(c, ws, &r.wd, 0, 0, 12, 40);
    xw_widths_apply(c, ws, &r.wd, 1, 1, 12, XR_VALUE_WIDTH);
    xw_print_setup_page(c, ws, -1, how->page);
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
    if (n < 1) return;
    xw_run_facts *runs = calloc((size_t)n, sizeof *runs);
    int made = 0;
    while (runs && made < n && xw_run_facts_init(&runs[made], reps[made])) made++;
    if (made < n) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the Run sheet");
    } else {
        const hn_run_report *saved = c->rep;
        c->rep = reps[0];
        char subject[256];
        xw_subject(reps[0], subject, sizeof subject);
        xw_run_sheet how = {
            .origin = reps[0]->origin,
            .member = n > 1 ? "Option" : NULL,
            .every = "option",
            .reference = true,
            .subject = subject,
            .company = reps[0]->sc->authority,
            .precision_note = "The precision of the comparison: the standard errors of the "
                              "saving on the Comparison sheet.",
            .page = xw_page_of(reps[0], n > 1 ? xw_title(c) : report_scenario_title(reps[0])),
        };
        xlsx_sheet_run_facts(c, runs, n, &how);
        c->rep = saved;
    }
    for (int k = 0; k < made; k++) xw_run_facts_free(&runs[k]);
    free(runs);
}
