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
#include <string.h>

#include "xlsx_internal.h"

enum { XA_ROW_TITLE = 0, XA_ROW_NOTE = 1, XA_ROW_HEADER = 3 };

/* Widest the value and source columns grow before their text wraps, in characters. */
#define XA_VALUE_WIDTH  40.0
#define XA_SOURCE_WIDTH 40.0
/* The fill of a value that differs from the reference's (light amber). */
#define XA_DIFFERS 0xFFE699

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

/* Adds and writes the Assumptions sheet of c->rep's scenario. */
void xlsx_sheet_assumptions(xw_ctx *c)
{
    const hn_scenario *sc = c->rep->sc;
    xlsx_sheet_assumptions_of(c, &sc, NULL, 1);
}

/* The entry of scenario sc for (section, key); NULL when it has none. */
static const hn_entry *find_entry(const hn_scenario *sc, const char *section, const char *key)
{
    for (int i = 0; i < sc->n_entries; i++)
        if (!strcmp(sc->entries[i].section, section) && !strcmp(sc->entries[i].key, key))
            return &sc->entries[i];
    return NULL;
}

/* True when two texts are equal, NULL counting as "". */
static bool same_text(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

/*
 * The keys of scenarios scs[0..n), each once: the first's in its order,
 * then each key only a later one sets, after the last key of its section
 * so far (at the end when the section is new). A new array of n_keys
 * entries (borrowed pointers into the scenarios); caller frees; NULL on
 * OOM (or when there are none).
 */
static const hn_entry **union_keys(const hn_scenario *const *scs, int n, int *n_keys)
{
    int cap = 0;
    for (int k = 0; k < n; k++) cap += scs[k]->n_entries;
    *n_keys = 0;
    const hn_entry **keys = cap > 0 ? malloc((size_t)cap * sizeof *keys) : NULL;
    if (!keys) return NULL;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < scs[k]->n_entries; i++) {
            const hn_entry *e = &scs[k]->entries[i];
            int at = *n_keys;
            bool seen = false;
            for (int q = 0; q < *n_keys && !seen; q++) {
                seen = !strcmp(keys[q]->section, e->section) && !strcmp(keys[q]->key, e->key);
                if (!strcmp(keys[q]->section, e->section)) at = q + 1;
            }
            if (seen) continue;
            memmove(keys + at + 1, keys + at, (size_t)(*n_keys - at) * sizeof *keys);
            keys[at] = e;
            (*n_keys)++;
        }
    return keys;
}

/*
 * Writes into buf each distinct text that what() gives for the options
 * that set the key (es[k] not NULL): the one text when they agree, else
 * "NAME: text" for each option, joined by " | ".
 */
static void joined(char *buf, size_t cap, const hn_entry *const *es, const hn_scenario *const *scs,
                   int n, const char *(*what)(const hn_entry *e, char *tmp, size_t tcap))
{
    char tmp[512], other[512];
    const char *first = NULL;
    bool agree = true;
    buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        if (!es[k]) continue;
        const char *t = what(es[k], tmp, sizeof tmp);
        if (!first) {
            snprintf(other, sizeof other, "%s", t ? t : "");
            first = other;
        } else if (!same_text(first, t)) {
            agree = false;
        }
    }
    if (agree) {
        snprintf(buf, cap, "%s", first ? first : "");
        return;
    }
    size_t len = 0;
    for (int k = 0; k < n && len + 1 < cap; k++) {
        if (!es[k]) continue;
        const char *t = what(es[k], tmp, sizeof tmp);
        int w = snprintf(buf + len, cap - len, "%s%s: %s", len ? " | " : "", scs[k]->name,
                         t && *t ? t : "(none)");
        if (w < 0) break;
        len = len + (size_t)w < cap ? len + (size_t)w : cap - 1;
    }
}

/* An entry's Source (its comment). */
static const char *entry_source(const hn_entry *e, char *tmp, size_t cap)
{
    (void)tmp;
    (void)cap;
    return e->comment;
}

/* An entry's "FILE:LINE", the file without its folder (the Run sheet has each file's path). */
static const char *entry_place(const hn_entry *e, char *tmp, size_t cap)
{
    const char *file = e->file ? e->file : "";
    const char *slash = strrchr(file, '/');
    snprintf(tmp, cap, "%s:%d", slash ? slash + 1 : file, e->line);
    return tmp;
}

/*
 * The Assumptions sheet of the options scs[0..n) side by side (n > 1):
 * Section, Key, the value as written in each option (headed heads[k]; a
 * value that differs from the first option's, or is set in one of them
 * only, filled), its Source and the file and line where each was written
 * (once when the options agree, else per option by name).
 */
static void side_by_side(xw_ctx *c, xw_grid *g, const hn_scenario *const *scs,
                         const char *const *heads, int n)
{
    int first = -1;
    for (int k = 0; k < n; k++) {
        char head[300];
        snprintf(head, sizeof head, "%s", heads && heads[k] ? heads[k] : scs[k]->name);
        /* Excel wants the headings of a table distinct. */
        for (int q = 0; q < k; q++)
            if (same_text(heads && heads[q] ? heads[q] : scs[q]->name, head))
                snprintf(head, sizeof head, "%s (%d)", heads && heads[k] ? heads[k] : scs[k]->name,
                         k + 1);
        int col = xw_grid_column(c, g, head, false);
        if (k == 0) first = col;
        if (col >= 0) g->max_width[col] = XA_VALUE_WIDTH;
    }
    int source = xw_grid_column(c, g, "Source", false);
    int place = xw_grid_column(c, g, "File and line", false);
    if (source >= 0) g->max_width[source] = XA_SOURCE_WIDTH;
    if (place >= 0) g->max_width[place] = XA_SOURCE_WIDTH;
    lxw_format *differs = c->err ? NULL : workbook_add_format(c->wb);
    if (differs) {
        format_set_text_wrap(differs);
        format_set_align(differs, LXW_ALIGN_VERTICAL_TOP);
        format_set_bg_color(differs, XA_DIFFERS);
    }

    int n_keys = 0;
    const hn_entry **keys = union_keys(scs, n, &n_keys);
    const hn_entry **es = calloc((size_t)n, sizeof *es);
    if ((!keys && n_keys > 0) || !es) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "writing the Assumptions sheet");
        free(keys);
        free(es);
        return;
    }
    char buf[2048];
    for (int q = 0; q < n_keys; q++) {
        xw_grid_str(c, g, 0, keys[q]->section, c->f.top);
        xw_grid_str(c, g, 1, keys[q]->key, c->f.top);
        for (int k = 0; k < n; k++) {
            es[k] = find_entry(scs[k], keys[q]->section, keys[q]->key);
            bool differ = k > 0 && (!es[k] != !es[0] ||
                                    (es[k] && es[0] && !same_text(es[k]->value, es[0]->value)));
            if (es[k])
                xw_grid_str(c, g, first + k, es[k]->value, differ && differs ? differs : c->f.wrap);
            else if (differ)
                xw_grid_str(c, g, first + k, "(not set)", differs);
        }
        joined(buf, sizeof buf, es, scs, n, entry_source);
        xw_grid_str(c, g, source, buf, c->f.wrap);
        joined(buf, sizeof buf, es, scs, n, entry_place);
        xw_grid_str(c, g, place, buf, c->f.wrap);
        xw_grid_next(c, g);
    }
    if (n_keys == 0) {
        xw_grid_str(c, g, 0, "(no keys were given to the writer)", c->f.note);
        xw_grid_next(c, g);
    }
    free(keys);
    free(es);
}

/* Adds and writes the Assumptions sheet of scenarios scs[0..n) (see xlsx_internal.h). */
void xlsx_sheet_assumptions_of(xw_ctx *c, const hn_scenario *const *scs, const char *const *heads,
                               int n)
{
    lxw_worksheet *ws = xw_sheet(c, "Assumptions");
    if (!ws || n < 1) return;
    const hn_scenario *m = scs[0];
    xw_str(c, ws, XA_ROW_TITLE, 0,
           n == 1 ? "Assumptions: every key of the scenario as loaded"
                  : "Assumptions: every key of the options as loaded, side by side",
           c->f.title);
    xw_str(c, ws, XA_ROW_NOTE, 0,
           n == 1 ? "After extends. Value: as written. Source: the comment on the key's line in "
                    "its file, or the comment lines directly above it. File and line: where the "
                    "value was written. Mean: of a distribution, its mean; the year columns: the "
                    "mean of each year's value of a per-year list."
                  : "After extends. Each option's value as written; filled where it differs from "
                    "the reference's (the first option) or only one of them sets the key. Source: "
                    "the comment on the key's line in its file, or the comment lines directly "
                    "above it; per option by name where they differ, as are the file and line.",
           c->f.note);

    xw_grid g;
    xw_grid_begin(c, &g, ws, "AssumptionsTable", XA_ROW_HEADER, 0);
    xw_grid_column(c, &g, "Section", false);
    xw_grid_column(c, &g, "Key", false);
    if (n > 1) {
        side_by_side(c, &g, scs, heads, n);
        xw_grid_end(c, &g, 2);
        xw_print_setup_titled(c, ws, XA_ROW_HEADER, xw_title(c));
        return;
    }
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
