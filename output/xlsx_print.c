/*
 * xlsx_print.c - how every sheet prints.
 *
 * A committee paper is printed: every sheet goes on A4 landscape (paper
 * size 9), fitted to one page wide, centred, with the scenario title (bold)
 * and the authority in the page header and the sheet name, "Page n of m"
 * and "hnsim VERSION, run DATE" in the footer; a table's heading row is
 * repeated at the top of every page. The Summary asks for one page in all
 * (xw_print_one_page). Text from the scenario is cut to fit Excel's
 * 255-character limit for a header and its '&' written as "&&" so that
 * Excel does not read it as a code - except before 'G' or '[' (decisions
 * R21), where it is written as the full-width ampersand U+FF06: libxlsxwriter
 * 1.1.4 reads "&G" and "&[Picture]" as image placeholders even after "&",
 * refuses the header, and then writes memory it has freed (found by the
 * workbook fuzz target).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/version.h"
#include "xlsx_internal.h"

/* A4 in Excel's paper codes. */
#define XW_PAPER_A4 9
/* Bytes of scenario text allowed in a header or footer (Excel's limit for the whole is 255). */
#define XW_HF_TEXT 90

/*
 * Appends s to buf (of cap bytes, used so far *len) with '&' doubled, after
 * cleaning it and cutting it to XW_HF_TEXT bytes: at the last blank before
 * the limit, marked "...", so that a long title does not stop mid-word.
 */
static void append_escaped(char *buf, size_t cap, size_t *len, const char *s)
{
    char *clean = xw_clean_utf8(s ? s : "", XW_HF_TEXT + 1);
    if (!clean) return;
    if (strlen(clean) > XW_HF_TEXT) {
        char *blank = NULL;
        for (char *p = clean; p < clean + XW_HF_TEXT - 3; p++)
            if (*p == ' ') blank = p;
        if (!blank) blank = clean + hn_utf8_prefix(clean, XW_HF_TEXT - 3);
        snprintf(blank, (size_t)(clean + XW_HF_TEXT + 1 - blank), "...");
    }
    for (const char *p = clean; *p && *len + 4 < cap; p++) {
        if (*p == '&' && (p[1] == 'G' || p[1] == '[')) {
            memcpy(buf + *len, "\xEF\xBC\x86", 3); /* U+FF06, FULLWIDTH AMPERSAND */
            *len += 3;
            continue;
        }
        if (*p == '&') buf[(*len)++] = '&';
        buf[(*len)++] = *p;
    }
    buf[*len] = '\0';
    free(clean);
}

/* Appends the literal text s (a header code or plain words) to buf. */
static void append_raw(char *buf, size_t cap, size_t *len, const char *s)
{
    int n = snprintf(buf + *len, cap - *len, "%s", s);
    if (n > 0) *len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

/* A4 landscape, one page wide, title header, page footer; repeat_row >= 0 repeats that row. */
void xw_print_setup(xw_ctx *c, lxw_worksheet *ws, int repeat_row)
{
    if (c->err || !ws) return;
    xw_print_setup_titled(c, ws, repeat_row, report_scenario_title(c->rep));
}

/* xw_print_setup with title in the header's centre instead of the scenario's. */
void xw_print_setup_titled(xw_ctx *c, lxw_worksheet *ws, int repeat_row, const char *title)
{
    if (c->err || !ws) return;
    xw_print_setup_page(c, ws, repeat_row, xw_page_of(c->rep, title));
}

xw_page xw_page_of(const hn_run_report *r, const char *title)
{
    return (xw_page){ .authority = r->sc->authority,
                      .title = title,
                      .note = report_solved_note(r),
                      .run_date = r->origin->run_date };
}

/* A4 landscape, one page wide, centred; page's header, the page number and run date below. */
void xw_print_setup_page(xw_ctx *c, lxw_worksheet *ws, int repeat_row, xw_page page)
{
    if (c->err || !ws) return;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, XW_PAPER_A4);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
    worksheet_center_horizontally(ws);

    char header[256], footer[256];
    size_t n = 0;
    header[0] = '\0';
    append_raw(header, sizeof header, &n, "&L");
    append_escaped(header, sizeof header, &n, page.authority ? page.authority : "");
    append_raw(header, sizeof header, &n, "&C&\"-,Bold\"");
    /* A run solve wrote says so on a second line (each part is cut to XW_HF_TEXT bytes). */
    append_escaped(header, sizeof header, &n, page.title);
    if (page.note) {
        append_raw(header, sizeof header, &n, "\n");
        append_escaped(header, sizeof header, &n, page.note);
    }
    xw_check(c, worksheet_set_header(ws, header), "setting the page header");

    n = 0;
    footer[0] = '\0';
    append_raw(footer, sizeof footer, &n, "&L&A&CPage &P of &N&Rhnsim ");
    append_escaped(footer, sizeof footer, &n, HN_VERSION);
    const char *run_date = page.run_date;
    if (run_date && *run_date) {
        append_raw(footer, sizeof footer, &n, ", run ");
        append_escaped(footer, sizeof footer, &n, run_date);
    }
    xw_check(c, worksheet_set_footer(ws, footer), "setting the page footer");

    if (repeat_row >= 0)
        xw_check(c, worksheet_repeat_rows(ws, (lxw_row_t)repeat_row, (lxw_row_t)repeat_row),
                 "repeating the heading row on every page");
}

/* Prints rows 0..last_row, columns 0..last_col, fitted to a single page. */
void xw_print_one_page(xw_ctx *c, lxw_worksheet *ws, int last_row, int last_col)
{
    if (c->err || !ws) return;
    xw_check(c, worksheet_print_area(ws, 0, 0, (lxw_row_t)last_row, (lxw_col_t)last_col),
             "setting the print area");
    worksheet_fit_to_pages(ws, 1, 1);
}
