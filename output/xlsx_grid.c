/*
 * xlsx_grid.c - Excel tables sized to their content.
 *
 * libxlsxwriter 1.1.4 has no worksheet_autofit, so a sheet's columns are
 * sized from what is written in them: every cell written through this
 * module notes the characters it shows (text by code points, numbers as
 * their format displays them, with separators and brackets), and the
 * widest in each column sets its width. An xw_grid is one Excel table:
 * headings, then rows; xw_grid_end adds the table (filter buttons, banded
 * rows), sizes the columns and freezes the panes under the headings.
 * Tables are refused by libxlsxwriter in constant_memory mode, which the
 * workbook does not use.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_internal.h"

/* Characters between the content and the column edge. */
#define XW_PAD 2.0
/* Content counts this much wider than its characters: other fonts than Calibri (LibreOffice's) run wider. */
#define XW_FONT_SLACK 1.1
/* Height of a line of 11-point text, points. */
#define XW_LINE_POINTS 15.0
/* Narrowest and widest table column, in characters, unless a column says otherwise. */
#define XW_MIN_WIDTH 6.0
#define XW_MAX_WIDTH 60.0

/* Code points in UTF-8 text s (bytes that do not continue a sequence). */
static int utf8_chars(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) n += (*p & 0xc0) != 0x80;
    return n;
}

/* Widens column col of wd to at least w characters. */
static void widen(xw_widths *wd, int col, double w)
{
    if (col >= 0 && col < XW_MAX_COLS && w > wd->w[col]) wd->w[col] = w;
}

/* Notes text s in column col; bold text counts 10% wider. */
void xw_widths_str(xw_widths *wd, int col, const char *s, bool bold)
{
    if (s) widen(wd, col, utf8_chars(s) * (bold ? 1.1 : 1.0));
}

/* True for the accounting formats, which pad or bracket every number. */
static bool accounting(const xw_ctx *c, lxw_format *f)
{
    return f && (f == c->f.thousands || f == c->f.thousands_b || f == c->f.pounds);
}

/* Characters number v takes when format f shows it. */
static int shown_chars(const xw_ctx *c, double v, lxw_format *f)
{
    char buf[64];
    if (!isfinite(v)) return 0;
    if (f && (f == c->f.percent || f == c->f.percent1 || f == c->f.percent2))
        return snprintf(buf, sizeof buf, "%.*f%%",
                        f == c->f.percent    ? 0
                        : f == c->f.percent1 ? 1
                                             : 2,
                        v * 100.0);
    if (!f) return snprintf(buf, sizeof buf, "%.10g", v);
    if (f == c->f.mean_small) return snprintf(buf, sizeof buf, "%.5f", v);
    int decimals = f == c->f.pupils ? 1 : f == c->f.seconds || f == c->f.mean_large ? 2 : 0;
    int len = snprintf(buf, sizeof buf, "%.*f", decimals, fabs(v));
    int whole = decimals ? len - decimals - 1 : len;
    int n = len + (whole - 1) / 3; /* thousands separators */
    if (accounting(c, f))
        n += 2; /* "(" and ")", or the padding that keeps positives aligned with them */
    else if (v < 0)
        n += 1;
    return n;
}

/* Notes number v in column col as format f shows it. */
void xw_widths_num(const xw_ctx *c, xw_widths *wd, int col, double v, lxw_format *f)
{
    widen(wd, col, shown_chars(c, v, f));
}

/* The width of column col: its noted width plus padding, within [min, max]. */
double xw_widths_of(const xw_widths *wd, int col, double min, double max)
{
    double w = col >= 0 && col < XW_MAX_COLS ? wd->w[col] * XW_FONT_SLACK + XW_PAD : min;
    return w < min ? min : w > max ? max : w;
}

/* Sets columns first..last to their noted widths plus padding, within [min, max]. */
void xw_widths_apply(xw_ctx *c, lxw_worksheet *ws, const xw_widths *wd, int first, int last,
                     double min, double max)
{
    for (int col = first; col <= last && col < XW_MAX_COLS; col++)
        xw_width(c, ws, col, col, xw_widths_of(wd, col, min, max));
}

/* Starts a table on ws whose headings are at header_row from column first_col. */
void xw_grid_begin(xw_ctx *c, xw_grid *g, lxw_worksheet *ws, const char *name, int header_row,
                   int first_col)
{
    (void)c;
    memset(g, 0, sizeof *g);
    g->ws = ws;
    snprintf(g->name, sizeof g->name, "%s", name);
    g->header_row = header_row;
    g->first_col = first_col;
    g->row = header_row + 1;
}

/* True when heading s is already used by an earlier column of g. */
static bool heading_taken(const xw_grid *g, const char *s)
{
    for (int i = 0; i < g->n_cols; i++)
        if (g->heads[i] && !strcmp(g->heads[i], s)) return true;
    return false;
}

/* Adds a column heading (made unique within the table, as Excel requires); returns its index or -1. */
int xw_grid_column(xw_ctx *c, xw_grid *g, const char *heading, bool numeric)
{
    if (c->err) return -1;
    if (g->n_cols == XW_MAX_COLS) {
        xw_check(c, LXW_ERROR_PARAMETER_VALIDATION, "adding a table column (too many)");
        return -1;
    }
    char *h = xw_clean_utf8(heading && *heading ? heading : "Column", 200);
    for (int k = 2; h && heading_taken(g, h); k++) {
        char *base = xw_clean_utf8(heading && *heading ? heading : "Column", 200);
        free(h);
        h = NULL;
        if (base) {
            size_t n = strlen(base) + 16;
            h = malloc(n);
            if (h) snprintf(h, n, "%s (%d)", base, k);
            free(base);
        }
    }
    if (!h) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "copying a table heading");
        return -1;
    }
    int i = g->n_cols++;
    g->heads[i] = h;
    g->numeric[i] = numeric;
    g->max_width[i] = XW_MAX_WIDTH;
    xw_widths_str(&g->wd, g->first_col + i, h, true);
    return i;
}

/* Adds one column per academic year and, when all, "All years"; returns the first's index. */
int xw_grid_year_columns(xw_ctx *c, xw_grid *g, bool all)
{
    char label[16];
    int first = -1;
    for (int y = 0; y < c->rep->lay->years; y++) {
        layout_year_label(c->rep->lay, y, label, sizeof label);
        int i = xw_grid_column(c, g, label, true);
        if (y == 0) first = i;
    }
    if (all) (void)xw_grid_column(c, g, "All years", true);
    return first;
}

/* Sheet column of table column i. */
int xw_grid_col(const xw_grid *g, int i)
{
    return g->first_col + i;
}

/*
 * Lines text s takes in a wrapped column of width characters: one
 * character per unit of width inside the padding, the words wrapped
 * whole as a spreadsheet wraps them (a word longer than a line is broken
 * across lines; a newline starts a line). An estimate on the safe side: a
 * unit is the width of a digit, and LibreOffice's widest fallback font
 * (DejaVu Sans) fits about 1.3 characters of prose per unit, so the row
 * is never too short for its text (docs/decisions.md item I6), even when
 * long words - the paths of a command line - leave the ends of lines
 * empty.
 */
int xw_wrapped_lines(const char *s, double width)
{
    double per_line = width - XW_PAD;
    if (!s || per_line < 1) return 1;
    int lines = 1;
    double used = 0; /* characters on the current line */
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == '\n') {
            lines++;
            used = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        double w = 0; /* the word's characters */
        for (; *p && *p != ' ' && *p != '\n'; p++) w += (*p & 0xc0) != 0x80;
        if (used > 0 && used + 1 + w <= per_line) {
            used += 1 + w;
            continue;
        }
        if (used > 0) lines++;
        /* A word longer than a line runs over the lines after it. */
        while (w > per_line) {
            lines++;
            w -= per_line;
        }
        used = w;
    }
    return lines;
}

/* Text in column i of the current row; wrapped text (a format that wraps) makes the row tall enough. */
void xw_grid_str(xw_ctx *c, xw_grid *g, int i, const char *s, lxw_format *f)
{
    if (i < 0 || i >= g->n_cols) return;
    xw_str(c, g->ws, g->row, xw_grid_col(g, i), s, f);
    if (f && f->text_wrap) {
        int lines = xw_wrapped_lines(s, g->max_width[i]);
        g->row_lines = lines > g->row_lines ? lines : g->row_lines;
        double w = utf8_chars(s ? s : "");
        widen(&g->wd, xw_grid_col(g, i), w < g->max_width[i] ? w : g->max_width[i]);
    } else {
        xw_widths_str(&g->wd, xw_grid_col(g, i), s, false);
    }
}

/* A number in column i of the current row. */
void xw_grid_num(xw_ctx *c, xw_grid *g, int i, double v, lxw_format *f)
{
    if (i < 0 || i >= g->n_cols) return;
    xw_num(c, g->ws, g->row, xw_grid_col(g, i), v, f);
    xw_widths_num(c, &g->wd, xw_grid_col(g, i), v, f);
}

/* A formula with its cached value in column i of the current row. */
void xw_grid_formula(xw_ctx *c, xw_grid *g, int i, const char *formula, double cached,
                     lxw_format *f)
{
    if (i < 0 || i >= g->n_cols) return;
    xw_formula(c, g->ws, g->row, xw_grid_col(g, i), formula, cached, f);
    xw_widths_num(c, &g->wd, xw_grid_col(g, i), cached, f);
}

/* Ends the current row (giving it the height of its longest wrapped text). */
void xw_grid_next(xw_ctx *c, xw_grid *g)
{
    if (g->row_lines > 1) xw_row_height(c, g->ws, g->row, XW_LINE_POINTS * g->row_lines);
    g->row_lines = 0;
    g->row++;
}

/* Width of the whole table in pixels, its columns sized as xw_grid_end sizes them. */
int xw_grid_pixels(const xw_grid *g)
{
    int px = 0;
    for (int i = 0; i < g->n_cols; i++)
        px += xw_col_pixels(xw_widths_of(&g->wd, xw_grid_col(g, i), XW_MIN_WIDTH, g->max_width[i]));
    return px;
}

/* Frees the headings of g. */
static void free_heads(xw_grid *g)
{
    for (int i = 0; i < g->n_cols; i++) {
        free(g->heads[i]);
        g->heads[i] = NULL;
    }
}

/* Adds the table, sizes its columns, freezes the panes (see xlsx_internal.h) and frees the headings. */
void xw_grid_end(xw_ctx *c, xw_grid *g, int freeze_cols)
{
    if (c->err || !g->ws || g->n_cols == 0) {
        free_heads(g);
        return;
    }
    int last_row = g->row > g->header_row + 1 ? g->row - 1 : g->header_row + 1;
    lxw_table_column cols[XW_MAX_COLS];
    lxw_table_column *list[XW_MAX_COLS + 1];
    for (int i = 0; i < g->n_cols; i++) {
        cols[i] = (lxw_table_column){
            .header = g->heads[i],
            .header_format = g->numeric[i] ? c->f.header : c->f.header_l,
        };
        list[i] = &cols[i];
    }
    list[g->n_cols] = NULL;
    lxw_table_options opt = {
        .name = g->name[0] ? g->name : NULL,
        .style_type = LXW_TABLE_STYLE_TYPE_LIGHT,
        .style_type_number = 1,
        .columns = list,
    };
    char what[96];
    snprintf(what, sizeof what, "adding table %s", g->name);
    xw_check(c,
             worksheet_add_table(g->ws, (lxw_row_t)g->header_row, (lxw_col_t)g->first_col,
                                 (lxw_row_t)last_row, (lxw_col_t)(g->first_col + g->n_cols - 1),
                                 &opt),
             what);
    for (int i = 0; i < g->n_cols; i++)
        xw_widths_apply(c, g->ws, &g->wd, xw_grid_col(g, i), xw_grid_col(g, i), XW_MIN_WIDTH,
                        g->max_width[i]);
    if (!c->err && freeze_cols >= 0)
        worksheet_freeze_panes(g->ws, (lxw_row_t)(g->header_row + 1),
                               (lxw_col_t)(freeze_cols ? g->first_col + freeze_cols : 0));
    free_heads(g);
}
