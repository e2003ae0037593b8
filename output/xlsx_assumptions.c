/*
 * xlsx_assumptions.c - the Assumptions sheet: every input, traceable.
 *
 * One Excel table with a row for every key of the scenario as loaded,
 * after `extends` has been applied (the scenario's entries, in section order):
 * Section, Key, the value as written in the file (comments removed), the
 * file and line where it was written, and its mean, so that an auditor
 * can go from any number in the workbook to the line of the scenario that
 * set it. A key inherited through `extends` names the parent file; one
 * overridden by the child names the child. The Mean of a distribution is
 * its mean (what a deterministic run uses); of a per-year list, the mean
 * of each element in order, as text ("1,000; 1,500; 2,000", whole numbers
 * from 1,000 up); a plain number and a text key (names, labels, routes)
 * leave it empty, since the value as written says it all.
 * Long values wrap within a column of at most 60 characters.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "xlsx_internal.h"

enum { XA_ROW_TITLE = 0, XA_ROW_NOTE = 1, XA_ROW_HEADER = 3 };

/* Widest the value column grows before its text wraps, in characters. */
#define XA_VALUE_WIDTH 60.0

/* Writes v into buf: whole pounds with separators from 1,000 up, else 6 significant digits. */
static void format_mean(double v, char *buf, size_t cap)
{
    if (fabs(v) >= 1000 && fabs(v) < 1e15)
        report_thousands(lround(v), buf, cap);
    else
        snprintf(buf, cap, "%.6g", v);
}

/* True when text is one plain number ("4258000", "0.15"): its mean would only repeat it. */
static bool plain_number(const char *text)
{
    char *end;
    (void)strtod(text, &end);
    if (end == text) return false;
    while (*end == ' ' || *end == '\t') end++;
    return *end == '\0';
}

/* Format of a mean: whole numbers with separators, 2 decimals from 1 up, up to 5 below 1. */
static lxw_format *mean_format(const xw_ctx *c, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) return c->f.integer;
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
           "After extends. Value: as written (comments removed). Mean: of a distribution, its "
           "mean; of a per-year list, the mean of each element. File and line: where the value "
           "was written.",
           c->f.note);

    xw_grid g;
    xw_grid_begin(c, &g, ws, "AssumptionsTable", XA_ROW_HEADER, 0);
    xw_grid_column(c, &g, "Section", false);
    xw_grid_column(c, &g, "Key", false);
    int value = xw_grid_column(c, &g, "Value as written", false);
    xw_grid_column(c, &g, "File", false);
    xw_grid_column(c, &g, "Line", true);
    xw_grid_column(c, &g, "Mean", true);
    if (value >= 0) g.max_width[value] = XA_VALUE_WIDTH;

    for (int i = 0; i < m->n_entries; i++) {
        const hn_entry *e = &m->entries[i];
        xw_grid_str(c, &g, 0, e->section, c->f.top);
        xw_grid_str(c, &g, 1, e->key, c->f.top);
        xw_grid_str(c, &g, 2, e->value, c->f.wrap);
        if (e->has_mean && e->n_means > 1) {
            char list[HN_MAX_YEARS * 32] = "", one[32];
            size_t used = 0;
            for (int k = 0; k < e->n_means && used + 1 < sizeof list; k++) {
                format_mean(e->means[k], one, sizeof one);
                used +=
                    (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? "; " : "", one);
            }
            xw_grid_str(c, &g, 5, list, c->f.wrap);
        } else if (e->has_mean && !plain_number(e->value)) {
            xw_grid_num(c, &g, 5, e->mean, mean_format(c, e->mean));
        }
        xw_grid_str(c, &g, 3, e->file, c->f.top);
        xw_grid_num(c, &g, 4, e->line, c->f.integer_top);
        xw_grid_next(c, &g);
    }
    if (m->n_entries == 0) {
        xw_grid_str(c, &g, 0, "(no keys were given to the writer)", c->f.note);
        xw_grid_next(c, &g);
    }
    xw_grid_end(c, &g, 2);
    xw_print_setup(c, ws, XA_ROW_HEADER);
}
