/*
 * xlsx_run.c - the Run sheet: what produced the workbook.
 *
 * Enough to reproduce and audit a run: engine and library versions, the
 * command line, every scenario file read (the file, then its extends
 * chain) with its SHA-256, seed, iterations, threads, wall time, whether
 * the run was deterministic, the number of money draws clamped to 0, and
 * the standard error of the headline means (total net cost per year), so a
 * reader can judge whether the iterations were enough. The seed is text:
 * Excel would round a 64-bit integer.
 */
#include <gsl/gsl_version.h>
#include <inttypes.h>
#include <stdio.h>

#include "xlsx_internal.h"

/* Writes "label | text" at row and returns the next row. */
static int text_row(xw_ctx *c, lxw_worksheet *ws, int row, const char *label, const char *text)
{
    xw_str(c, ws, row, 0, label, c->f.bold);
    xw_str(c, ws, row, 1, text, NULL);
    return row + 1;
}

/* Writes "label | number" at row and returns the next row. */
static int number_row(xw_ctx *c, lxw_worksheet *ws, int row, const char *label, double v,
                      lxw_format *f)
{
    xw_str(c, ws, row, 0, label, c->f.bold);
    xw_num(c, ws, row, 1, v, f);
    return row + 1;
}

/* Adds and writes the Run sheet. */
void xlsx_sheet_run(xw_ctx *c)
{
    lxw_worksheet *ws = xw_sheet(c, "Run");
    if (!ws)
        return;
    const hn_report_meta *m = c->meta;
    int Y = c->lay->years;
    xw_width(c, ws, 0, 0, 30);
    xw_width(c, ws, 1, 1, 40);
    xw_width(c, ws, 2, 2 + Y, 12);

    char buf[128];
    int row = 0;
    xw_str(c, ws, row++, 0, "Run", c->f.title);
    row++;
    snprintf(buf, sizeof buf, "hnsim %s", m->engine_version ? m->engine_version : "");
    row = text_row(c, ws, row, "Engine version", buf);
    row = text_row(c, ws, row, "Libraries", "GSL " GSL_VERSION ", libxlsxwriter " LXW_VERSION);
    row = text_row(c, ws, row, "Command line", m->command_line);
    row = text_row(c, ws, row, "Scenario", m->name);
    for (int i = 0; i < m->n_sources; i++) {
        xw_str(c, ws, row, 0, i == 0 ? "Scenario file" : "Extends", c->f.bold);
        xw_str(c, ws, row, 1, m->sources[i].path, NULL);
        xw_str(c, ws, row, 2, "SHA-256", NULL);
        xw_str(c, ws, row, 3, m->sources[i].sha256, NULL);
        row++;
    }
    row = text_row(c, ws, row, "Run date", m->run_date);
    snprintf(buf, sizeof buf, "%" PRIu64, m->seed);
    row = text_row(c, ws, row, "Seed", buf);
    row = number_row(c, ws, row, "Iterations", (double)m->iterations, c->f.integer);
    row = number_row(c, ws, row, "Threads", m->threads, c->f.integer);
    row = number_row(c, ws, row, "Wall time (seconds)", m->wall_seconds, c->f.seconds);
    row = text_row(c, ws, row, "Deterministic", m->deterministic ? "yes" : "no");
    row = number_row(c, ws, row, "Clamped money draws", (double)m->clamped, c->f.integer);
    row++;

    xw_str(c, ws, row++, 0, "Precision of the headline means", c->f.bold);
    xw_str(c, ws, row, 1, "Units", c->f.header);
    char label[16];
    for (int y = 0; y < Y; y++) {
        layout_year_label(c->lay, y, label, sizeof label);
        xw_str(c, ws, row, 2 + y, label, c->f.header);
    }
    xw_str(c, ws, row, 2 + Y, "All years", c->f.header);
    row++;
    static const struct {
        hn_stat st;
        const char *label;
    } rows[] = {{HN_STAT_MEAN, "Total net cost, mean"},
                {HN_STAT_SE, "Total net cost, standard error of the mean"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, row++) {
        xw_str(c, ws, row, 0, rows[i].label, NULL);
        xw_str(c, ws, row, 1, "£", NULL);
        for (int y = 0; y <= Y; y++)
            xw_num(c, ws, row, 2 + y, xw_stat(c, HN_M_NET_COST, HN_ENT_TOTAL, 0, y, rows[i].st),
                   c->f.pounds);
    }
    xlsx_run_convergence(c, ws, row + 1);
}
