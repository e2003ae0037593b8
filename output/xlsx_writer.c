/*
 * xlsx_writer.c - the workbook: its file, properties and formats.
 *
 * xw_write_workbook creates the temporary file of atomic.h, lets
 * libxlsxwriter write the workbook to that path (it writes by name, so the
 * descriptor is closed first), lets its caller add the sheets, closes the
 * workbook and renames it into place. report_write_xlsx adds a run's sheets
 * in order (Summary, Costs, Placements, Exclusions, Distribution,
 * Assumptions, Sensitivity when analysed, Run; one module each,
 * see xlsx_internal.h); the comparison workbook (xlsx_compare.c) adds its
 * own. Any libxlsxwriter error,
 * including workbook_close's, is HN_ERR_IO and removes the temporary file;
 * when the close failed on a file operation the message gives errno's
 * reason ("File too large", "No space left on device"). libxlsxwriter
 * also prints its own "[ERROR]" lines on stderr; 1.1.4 cannot be silenced.
 * A Sensitivity sheet goes before Run when the run was analysed.
 *
 * Reproducibility: the document's `created` property is the run date
 * (the report's origin->run_date, "YYYY-MM-DD[THH:MM[:SS]]" read as UTC),
 * or the fixed XW_CREATED_DEFAULT (2000-01-01T00:00:00Z) when there is
 * none, never the clock. libxlsxwriter dates the zip entries itself with a
 * fixed date, so the same report gives the same bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "xlsx_internal.h"

/* `created` when the run has no (readable) date: 2000-01-01T00:00:00Z. */
#define XW_CREATED_DEFAULT ((time_t)946684800)

time_t xw_created_time(const char *iso)
{
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) != 3) return XW_CREATED_DEFAULT;
    if (strlen(iso) > 10 && (iso[10] == 'T' || iso[10] == ' '))
        (void)sscanf(iso + 11, "%2d:%2d:%2d", &h, &mi, &s);
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || s < 0 || s > 60)
        return XW_CREATED_DEFAULT;
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s
    };
    time_t t = timegm(&tm);
    return t > 0 ? t : XW_CREATED_DEFAULT;
}

/* The workbook's subject property into buf. */
void xw_subject(const hn_run_report *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "Schools Forum appendix: High Needs Block projection (%s)", report_name(r));
}

const char *xw_title(const xw_ctx *c)
{
    return c->title ? c->title : report_title(c->rep);
}

/* Sets title, subject, author "hnsim", company (the authority), comments (the title) and the fixed created time. */
static void set_properties(xw_ctx *c)
{
    const hn_run_report *r = c->rep;
    char subject[256];
    xw_subject(r, subject, sizeof subject);
    char *title = xw_clean_utf8(xw_title(c), 255);
    char *company = xw_clean_utf8(r->sc->authority ? r->sc->authority : "", 255);
    char *subj = xw_clean_utf8(subject, 255);
    if (!title || !company || !subj) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "setting the document properties");
    } else {
        lxw_doc_properties p = {
            .title = title,
            .subject = subj,
            .author = "hnsim",
            .company = company,
            .comments = title,
            .keywords = "High Needs Block, Schools Forum, Monte Carlo, hnsim",
            .created = xw_created_time(r->origin->run_date),
        };
        xw_check(c, workbook_set_properties(c->wb, &p), "setting the document properties");
    }
    free(title);
    free(company);
    free(subj);
}

/* New format with a number format (NULL: none); records an error when it cannot be made. */
static lxw_format *new_format(xw_ctx *c, const char *num_format)
{
    if (c->err) return NULL;
    lxw_format *f = workbook_add_format(c->wb);
    if (!f) {
        xw_check(c, LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a format");
        return NULL;
    }
    if (num_format) format_set_num_format(f, num_format);
    return f;
}

/*
 * Money: thousands separators, negatives (savings) in brackets, zero as a
 * dash. The conditions put every value that rounds to 0 (|v| < 0.5) in the
 * third section, so a tiny negative reads "-", not "(0)"; in the second
 * section both Excel and LibreOffice drop the minus sign as they do
 * without conditions (docs/decisions.md item I8).
 */
#define XW_ACCOUNTING "[>=0.5]#,##0_);[<=-0.5](#,##0);\"-\"_)"

/* Pupils: one decimal (means of counts over the iterations). */
#define XW_PUPILS "#,##0.0"

/* A format of number format numfmt (NULL: general), aligned to the top of its row, for cells
 * beside text that may wrap. NULL on failure (xw_ctx records it). */
static lxw_format *top_format(xw_ctx *c, const char *numfmt)
{
    lxw_format *f = new_format(c, numfmt);
    if (f) format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

/* A heading format: bold, grey fill, thin bottom border, wrapped, aligned align. */
static lxw_format *heading_format(xw_ctx *c, uint8_t align)
{
    lxw_format *f = new_format(c, NULL);
    if (f) {
        format_set_bold(f);
        format_set_bg_color(f, XW_HEADING_FILL);
        format_set_bottom(f, LXW_BORDER_THIN);
        format_set_text_wrap(f);
        format_set_align(f, align);
        format_set_align(f, LXW_ALIGN_VERTICAL_BOTTOM);
    }
    return f;
}

/* Creates the formats of xw_formats. */
static void make_formats(xw_ctx *c)
{
    xw_formats *f = &c->f;
    if ((f->title = new_format(c, NULL))) {
        format_set_bold(f->title);
        format_set_font_size(f->title, 14);
    }
    if ((f->subtitle = new_format(c, NULL))) {
        format_set_bold(f->subtitle);
        format_set_font_size(f->subtitle, 12);
    }
    if ((f->bold = new_format(c, NULL))) format_set_bold(f->bold);
    if ((f->bold_top = top_format(c, NULL))) format_set_bold(f->bold_top);
    f->header = heading_format(c, LXW_ALIGN_RIGHT);
    f->header_l = heading_format(c, LXW_ALIGN_LEFT);
    if ((f->units = new_format(c, NULL))) {
        format_set_italic(f->units);
        format_set_bg_color(f->units, XW_HEADING_FILL);
        format_set_align(f->units, LXW_ALIGN_RIGHT);
    }
    if ((f->note = new_format(c, NULL))) {
        format_set_italic(f->note);
        format_set_font_color(f->note, 0x404040);
    }
    f->thousands = new_format(c, XW_ACCOUNTING);
    if ((f->thousands_b = new_format(c, XW_ACCOUNTING))) format_set_bold(f->thousands_b);
    f->pounds = new_format(c, XW_ACCOUNTING);
    f->pupils = new_format(c, XW_PUPILS);
    f->integer = new_format(c, "#,##0");
    if ((f->integer_l = new_format(c, "#,##0"))) format_set_align(f->integer_l, LXW_ALIGN_LEFT);
    f->integer_top = top_format(c, "#,##0");
    if ((f->right = new_format(c, NULL))) format_set_align(f->right, LXW_ALIGN_RIGHT);
    f->percent = new_format(c, "0%");
    f->percent1 = new_format(c, "0.0%");
    f->percent2 = new_format(c, "0.00%");
    if ((f->seconds = new_format(c, "0.00"))) format_set_align(f->seconds, LXW_ALIGN_LEFT);
    /* Top-aligned: a mean sits beside a wrapped value on the Assumptions sheet. */
    f->mean_large = top_format(c, "#,##0.00");
    f->mean_small = top_format(c, "0.0####");
    if ((f->wrap = top_format(c, NULL))) format_set_text_wrap(f->wrap);
    f->top = top_format(c, NULL);
    /* A table row whose text wraps: every cell at the top, so that the row's first line reads
     * across (the Sweep sheet). */
    f->thousands_top = top_format(c, XW_ACCOUNTING);
    f->pupils_top = top_format(c, XW_PUPILS);
    if ((f->link_top = top_format(c, NULL))) {
        format_set_font_color(f->link_top, LXW_COLOR_BLUE);
        format_set_underline(f->link_top, LXW_UNDERLINE_SINGLE);
    }
    if ((f->label_wrap = new_format(c, NULL))) format_set_text_wrap(f->label_wrap);
}

/* True for the errors of workbook_close that come from a failed file operation (errno says why). */
static bool file_error(lxw_error e)
{
    switch (e) {
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE: return true;
    default: return false;
    }
}

hn_status xw_workbook_open(xw_ctx *c, hn_atomic *a, const char *path, hn_error *err)
{
    hn_status s = atomic_begin(a, path, err);
    if (s != HN_OK) return s;
    /* libxlsxwriter writes by name: close our descriptor; atomic_commit reopens it to fsync. */
    close(a->fd);
    a->fd = -1;
    lxw_workbook_options opt = { .constant_memory = LXW_FALSE,
                                 .tmpdir = NULL,
                                 .use_zip64 = LXW_FALSE };
    c->wb = workbook_new_opt(a->tmp, &opt);
    if (!c->wb) {
        atomic_abort(a);
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: cannot start the workbook", path);
    }
    make_formats(c);
    return HN_OK;
}

hn_status xw_workbook_close(xw_ctx *c, hn_atomic *a, const char *path, hn_error *err)
{
    /* workbook_close frees the workbook whatever happens; call it even after an error. */
    errno = 0;
    lxw_error close_err = workbook_close(c->wb);
    int close_errno = errno;
    c->wb = NULL;
    if (c->err || close_err) {
        atomic_abort(a);
        if (c->err)
            return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s: %s", path, c->what,
                                lxw_strerror(c->err));
        if (file_error(close_err) && close_errno)
            return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", path, strerror(close_errno));
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", path, lxw_strerror(close_err));
    }
    return atomic_commit(a, err);
}

hn_status xw_write_workbook(xw_ctx *c, void (*sheets)(xw_ctx *c, void *user), void *user,
                            hn_error *err)
{
    const char *path = c->rep->origin->out_path;
    hn_atomic a;
    hn_status s = xw_workbook_open(c, &a, path, err);
    if (s != HN_OK) return s;
    set_properties(c);
    /* The first sheet added is the one that opens (libxlsxwriter's default). */
    sheets(c, user);
    return xw_workbook_close(c, &a, path, err);
}

/* The sheets of a run's workbook, in order. */
static void run_sheets(xw_ctx *c, void *user)
{
    (void)user;
    xlsx_sheet_summary(c, "Summary");
    xlsx_sheet_dsg(c);
    xlsx_sheet_history(c);
    xlsx_sheet_costs(c);
    xlsx_sheet_placements(c);
    xlsx_sheet_exclusions(c);
    xlsx_sheet_distribution(c);
    xlsx_sheet_assumptions(c);
    xlsx_sheet_sensitivity(c);
    xlsx_sheet_run(c);
}

/*
 * Writes the workbook of a run to its output path, atomically. HN_ERR_IO
 * "cannot write PATH: ..." on any failure; the temporary file is then
 * removed and the path left untouched.
 */
hn_status report_write_xlsx(const hn_run_report *r, hn_error *err)
{
    xw_ctx c = { .rep = r };
    return xw_write_workbook(&c, run_sheets, NULL, err);
}
