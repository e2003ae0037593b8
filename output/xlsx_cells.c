/*
 * xlsx_cells.c - checked cell writers for the workbook modules.
 *
 * Every libxlsxwriter call of the workbook goes through these helpers. The
 * first error is kept in the context (with the call that failed) and every
 * later call does nothing, so a sheet is written straight through and the
 * error is checked once. Strings are made valid UTF-8 (a label typed in
 * Latin-1 would otherwise make an unreadable file) and cut to Excel's
 * limit; non-finite numbers leave their cell empty (Excel has no NaN).
 */
#include <inttypes.h>
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xlsx_internal.h"

/* Excel's longest cell string (32,767 characters; counted here in bytes, which is stricter). */
#define XW_STR_MAX 32767

/* Records e with what failed, unless an error is already recorded; returns the recorded error. */
lxw_error xw_check(xw_ctx *c, lxw_error e, const char *what)
{
    if (c->err == LXW_NO_ERROR && e != LXW_NO_ERROR) {
        c->err = e;
        snprintf(c->what, sizeof c->what, "%s", what ? what : "");
    }
    return c->err;
}

/* Adds worksheet `name`; NULL after an error (recorded). The workbook owns the sheet. */
lxw_worksheet *xw_sheet(xw_ctx *c, const char *name)
{
    if (c->err) return NULL;
    lxw_worksheet *ws = workbook_add_worksheet(c->wb, name);
    if (!ws) {
        char what[64];
        snprintf(what, sizeof what, "adding sheet %s", name);
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, what);
    }
    return ws;
}

/*
 * Length of the valid UTF-8 sequence at s (1..4), 0 when invalid; the code
 * point goes to *cp_out.
 */
static size_t utf8_seq(const unsigned char *s, unsigned *cp_out)
{
    *cp_out = s[0];
    if (s[0] < 0x80) return 1;
    size_t n;
    unsigned cp;
    if ((s[0] & 0xe0) == 0xc0)
        n = 2, cp = s[0] & 0x1f;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3, cp = s[0] & 0x0f;
    else if ((s[0] & 0xf8) == 0xf0)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    static const unsigned min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    *cp_out = cp;
    return n;
}

/* True for a code point XML 1.0 allows in text (tab, newline, return, and from space up, less U+FFFE and U+FFFF). */
static bool xml_char(unsigned cp)
{
    if (cp < 0x20) return cp == 0x09 || cp == 0x0a || cp == 0x0d;
    return cp != 0xfffe && cp != 0xffff;
}

/* True when s starts with Excel's escape of one character, "_xHHHH_" (H a hex digit, any case). */
static bool excel_escape_at(const unsigned char *s)
{
    if (s[0] != '_' || (s[1] != 'x' && s[1] != 'X')) return false;
    for (int i = 2; i < 6; i++)
        if (!isxdigit(s[i])) return false;
    return s[6] == '_';
}

/*
 * The one rule for text that reaches a workbook (decisions R15): a new copy
 * of s in which bytes that are not UTF-8 and characters XML cannot hold
 * (control characters other than tab and line ends, U+FFFE, U+FFFF) become
 * '?', and "_xHHHH_", which Excel would decode as one character, is kept
 * as typed by escaping its underscore ("_x005F_xHHHH_"); at most max_bytes
 * bytes, cut at a character boundary. Caller frees; NULL on OOM.
 */
char *xw_clean_utf8(const char *s, size_t max_bytes)
{
    size_t len = strlen(s), extra = 0;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++)
        if (excel_escape_at(q)) extra += 6;
    char *out = malloc(len + extra + 1);
    if (!out) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p) {
        unsigned cp;
        size_t n = utf8_seq(p, &cp);
        if (n && excel_escape_at(p)) {
            if (o + 7 > max_bytes) break;
            memcpy(out + o, "_x005F_", 7);
            o += 7;
            p++;
            continue;
        }
        if (o + (n ? n : 1) > max_bytes) break;
        if (n == 0 || !xml_char(cp)) {
            out[o++] = '?';
            p += n ? n : 1;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    out[o] = '\0';
    return out;
}

/* Writes string s at (row, col); NULL or "" writes nothing. */
void xw_str(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *s, lxw_format *f)
{
    if (c->err || !ws || !s || !*s) return;
    char *clean = xw_clean_utf8(s, XW_STR_MAX);
    if (!clean) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "copying a string");
        return;
    }
    xw_check(c, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, clean, f),
             "writing a string");
    free(clean);
}

/* Writes number v at (row, col); a non-finite v leaves the cell empty. */
void xw_num(xw_ctx *c, lxw_worksheet *ws, int row, int col, double v, lxw_format *f)
{
    if (c->err || !ws || !isfinite(v)) return;
    xw_check(c, worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, v, f),
             "writing a number");
}

/* The run date, iterations and seed rows of a title block (see xlsx_internal.h). */
void xw_run_rows(xw_ctx *c, lxw_worksheet *ws, int row, const char *scope, lxw_format *planned,
                 lxw_format *iterations)
{
    const hn_results *res = c->rep->res;
    const char *run_date = c->rep->origin->run_date;
    char label[64];
    xw_str(c, ws, row, 0, "Run date", NULL);
    xw_str(c, ws, row, 1, run_date ? run_date : "not recorded", NULL);
    snprintf(label, sizeof label, "Iterations%s", scope);
    xw_str(c, ws, row + 1, 0, label, NULL);
    snprintf(label, sizeof label, "Seed%s", scope);
    xw_str(c, ws, row + 2, 0, label, NULL);
    if (res->deterministic) {
        xw_str(c, ws, row + 1, 1, "Planned (deterministic)", planned);
        xw_str(c, ws, row + 2, 1, "not used (deterministic)", NULL);
    } else {
        char seed[32];
        snprintf(seed, sizeof seed, "%" PRIu64, res->seed);
        xw_num(c, ws, row + 1, 1, (double)res->n_iter, iterations);
        xw_str(c, ws, row + 2, 1, seed, NULL);
    }
}

/* Writes a formula and its cached result (0 when not finite). */
void xw_formula(xw_ctx *c, lxw_worksheet *ws, int row, int col, const char *formula, double cached,
                lxw_format *f)
{
    if (c->err || !ws) return;
    xw_check(c,
             worksheet_write_formula_num(ws, (lxw_row_t)row, (lxw_col_t)col, formula, f,
                                         isfinite(cached) ? cached : 0.0),
             "writing a formula");
}

/* Writes an empty cell with format f. */
void xw_blank(xw_ctx *c, lxw_worksheet *ws, int row, int col, lxw_format *f)
{
    if (c->err || !ws) return;
    xw_check(c, worksheet_write_blank(ws, (lxw_row_t)row, (lxw_col_t)col, f),
             "writing a blank cell");
}

/* Sets the width of columns first..last (no format). */
void xw_width(xw_ctx *c, lxw_worksheet *ws, int first, int last, double width)
{
    if (c->err || !ws) return;
    xw_check(c, worksheet_set_column(ws, (lxw_col_t)first, (lxw_col_t)last, width, NULL),
             "setting a column width");
}

/* Excel's tallest row, points. */
#define XW_ROW_MAX_POINTS 409.0

/* Sets the height of row to points (at most Excel's 409; no format). */
void xw_row_height(xw_ctx *c, lxw_worksheet *ws, int row, double points)
{
    if (c->err || !ws) return;
    if (points > XW_ROW_MAX_POINTS) points = XW_ROW_MAX_POINTS;
    xw_check(c, worksheet_set_row(ws, (lxw_row_t)row, points, NULL), "setting a row height");
}

/* "TITLE: Planned (deterministic)", or "TITLE: STATS across N iterations", into buf. */
void xw_heading(const xw_ctx *c, const char *title, const char *stats, char *buf, size_t cap)
{
    if (c->rep->res->deterministic) {
        snprintf(buf, cap, "%s: Planned (deterministic)", title);
    } else {
        char n[32];
        report_thousands(c->rep->res->n_iter, n, sizeof n);
        snprintf(buf, cap, "%s: %s across %s iterations", title, stats, n);
    }
}

/* True when name is one of reserved[0..n_reserved) or names[0..i), ignoring case as Excel does. */
static bool sheet_name_taken(const char *name, const char *const *reserved, int n_reserved,
                             char (*names)[32], int i)
{
    if (name[0] == '\0') return true;
    for (int k = 0; k < n_reserved; k++)
        if (!strcasecmp(name, reserved[k])) return true;
    for (int k = 0; k < i; k++)
        if (!strcasecmp(name, names[k])) return true;
    return false;
}

void xw_unique_sheet_name(const char *want, const char *const *reserved, int n_reserved,
                          char (*names)[32], int i)
{
    char base[32];
    snprintf(base, sizeof base, "%.31s", want);
    snprintf(names[i], 32, "%s", base);
    for (long k = i + 1; sheet_name_taken(names[i], reserved, n_reserved, names, i); k++) {
        char suffix[24];
        int len = snprintf(suffix, sizeof suffix, "~%ld", k);
        int keep = 31 - len;
        snprintf(names[i], 32, "%.*s%s", keep > 0 ? keep : 0, base, suffix);
    }
}
