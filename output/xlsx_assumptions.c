/*
 * xlsx_assumptions.c - the Assumptions sheet: every input, traceable.
 *
 * One Excel table with a row for every key of the scenario as loaded,
 * after `extends` has been applied (the scenario's entries, in section order):
 * Section, Key, the value as written in the file (comments removed), its
 * Source - the comment that cites it in its file, on its line or the
 * comment lines directly above (docs/decisions.md item I3) - the file and
 * line where it was written, its mean, and the mean of each year's value
 * of a per-year list (one column per year), so that an auditor can go from
 * any number in the workbook to the line of the scenario that set it and
 * to the paper behind that line. A key inherited through `extends` names
 * the parent file and carries the parent's comment; one overridden by the
 * child names the child. The Mean of a distribution is its mean (what a
 * deterministic run uses); a per-year list has its means in the year
 * columns instead, each a number in its own cell; a plain number and a
 * text key (names, labels, routes, a section's `note`) leave them empty,
 * since the value as written says it all. Long values and sources wrap
 * within columns of at most 40 characters. Numbers are
 * right-aligned after the line number, so none runs into text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "xlsx_internal.h"

enum { XA_ROW_TITLE = 0, XA_ROW_NOTE = 1, XA_ROW_HEADER = 3 };

/* Widest the value and source columns grow before their text wraps, in characters. */
#define XA_VALUE_WIDTH  40.0
#define XA_SOURCE_WIDTH 40.0

/* True when text is one plain number ("4258000", "0.15"): its mean would only repeat it. */
static bool plain_number(const char *text)
{
    char *end;
    (void)strtod(text, &end);
    if (end == text) return false;
    while (*end == ' ' || *end == '\t') end++;
    return *end == '\0';
}

/* Format of a mean (top-aligned): whole numbers with separators, 2 decimals from 1 up, up to 5 below 1. */
static lxw_format *mean_format(const xw_ctx *c, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) return c->f.integer_top;
    return fabs(v) >= 1 ? c->f.mean_large : c->f.mean_small;
}

/* Adds and writes the Assumptions sheet. */
void xlsx_sheet_assumptions(xw_ctx *c)
{
    lxw_worksheet *ws = xw_sheet(c, "Assumptions");
    if (!ws) return;
    const hn_scenario *m = c->rep->sc;
    xw_str(c, ws, XA_ROW_TITLE, 0, "Assumptions: every key of the scenario as loaded", c->f.title);
    xw_str(c, ws, XA_ROW_NOTE, 0,
           "After extends. Value: as written. Source: the comment on the key's line in its "
           "file, or the comment lines directly above it. File and line: where the value was "
           "written. Mean: of a distribution, its mean; the year columns: the mean of each "
           "year's value of a per-year list.",
           c->f.note);

    xw_grid g;
    xw_grid_begin(c, &g, ws, "AssumptionsTable", XA_ROW_HEADER, 0);
    xw_grid_column(c, &g, "Section", false);
    xw_grid_column(c, &g, "Key", false);
    int value = xw_grid_column(c, &g, "Value as written", false);
    int source = xw_grid_column(c, &g, "Source", false);
    int file = xw_grid_column(c, &g, "File", false);
    int line = xw_grid_column(c, &g, "Line", true);
    int mean = xw_grid_column(c, &g, "Mean", true);
    int y1 = xw_grid_year_columns(c, &g, false);
    if (value >= 0) g.max_width[value] = XA_VALUE_WIDTH;
    if (source >= 0) g.max_width[source] = XA_SOURCE_WIDTH;

    for (int i = 0; i < m->n_entries; i++) {
        const hn_entry *e = &m->entries[i];
        xw_grid_str(c, &g, 0, e->section, c->f.top);
        xw_grid_str(c, &g, 1, e->key, c->f.top);
        xw_grid_str(c, &g, value, e->value, c->f.wrap);
        if (e->has_mean && e->n_means > 1) {
            for (int k = 0; k < e->n_means && k < c->rep->lay->years; k++)
                xw_grid_num(c, &g, y1 + k, e->means[k], mean_format(c, e->means[k]));
        } else if (e->has_mean && !plain_number(e->value)) {
            xw_grid_num(c, &g, mean, e->mean, mean_format(c, e->mean));
        }
        xw_grid_str(c, &g, source, e->comment, c->f.wrap);
        xw_grid_str(c, &g, file, e->file, c->f.top);
        xw_grid_num(c, &g, line, e->line, c->f.integer_top);
        xw_grid_next(c, &g);
    }
    if (m->n_entries == 0) {
        xw_grid_str(c, &g, 0, "(no keys were given to the writer)", c->f.note);
        xw_grid_next(c, &g);
    }
    xw_grid_end(c, &g, 2);
    xw_print_setup(c, ws, XA_ROW_HEADER);
}
