/*
 * calibrated_ini.c - the calibrated scenario file (report_calibrate.h).
 *
 * The input is read whole and split into lines that keep their own line
 * endings, so that every line not touched is copied byte for byte. Edits
 * are collected per line (text inserted before it, or a replacement) and
 * at the end of the file, then the pieces are joined. New lines take the
 * input's line ending (CRLF when its first line has one).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "report_calibrate.h"

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} buf_t;

/* Appends printf-style text to b (records running out of memory). */
static void __attribute__((format(printf, 2, 3))) bprintf(buf_t *b, const char *fmt, ...)
{
    if (b->oom) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *t = realloc(b->s, cap);
        if (!t) {
            b->oom = true;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The input split into lines (each with its ending), and what happens to each. */
typedef struct {
    char *text;   /* the file's bytes, NUL-terminated (owned) */
    char **start; /* n + 1 line starts (start[n] = end of text) */
    int n;
    char **before;   /* text inserted before line i (owned, may be NULL) */
    char **replace;  /* replacement of line i, ending included (owned, may be NULL) */
    buf_t tail;      /* appended at the end */
    const char *eol; /* "\n" or "\r\n" */
} doc_t;

/* Reads path into d; HN_ERR_IO or HN_ERR_NOMEM. */
static hn_status doc_read(const char *path, doc_t *d, hn_error *err)
{
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "rb");
    if (!f) return hn_error_set(err, HN_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *t = malloc(cap);
    while (t) {
        size_t got = fread(t + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
        if (len + 1 >= cap) {
            char *u = realloc(t, cap * 2);
            if (!u) {
                free(t);
                t = NULL;
                break;
            }
            t = u;
            cap *= 2;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (!t) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    if (bad) {
        free(t);
        return hn_error_set(err, HN_ERR_IO, "cannot read %s", path);
    }
    t[len] = '\0';
    d->text = t;
    int lines = 1;
    for (size_t i = 0; i < len; i++) lines += t[i] == '\n';
    d->start = calloc((size_t)lines + 1, sizeof *d->start);
    d->before = calloc((size_t)lines + 1, sizeof *d->before);
    d->replace = calloc((size_t)lines + 1, sizeof *d->replace);
    if (!d->start || !d->before || !d->replace)
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    char *p = t;
    while (*p) {
        d->start[d->n++] = p;
        char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
    d->start[d->n] = p;
    d->eol = d->n > 0 && d->start[1] - d->start[0] >= 2 && d->start[1][-2] == '\r' ? "\r\n" : "\n";
    return HN_OK;
}

/* Frees what doc_read and the edits allocated. */
static void doc_free(doc_t *d)
{
    for (int i = 0; i <= d->n && d->before; i++) free(d->before[i]);
    for (int i = 0; i <= d->n && d->replace; i++) free(d->replace[i]);
    free(d->before);
    free(d->replace);
    free(d->start);
    free(d->text);
    free(d->tail.s);
}

/* Line i (0-based) without its ending into buf. */
static void line_text(const doc_t *d, int i, char *buf, size_t cap)
{
    size_t n = (size_t)(d->start[i + 1] - d->start[i]);
    while (n > 0 && (d->start[i][n - 1] == '\n' || d->start[i][n - 1] == '\r')) n--;
    if (n >= cap) n = cap - 1;
    memcpy(buf, d->start[i], n);
    buf[n] = '\0';
}

/* The section header on line text ("demand.primary"), into name; false when it is no header. */
static bool header_of(const char *text, char *name, size_t cap)
{
    while (*text == ' ' || *text == '\t') text++;
    if (*text != '[') return false;
    const char *end = strchr(text, ']');
    if (!end) return false;
    text++;
    while (*text == ' ') text++;
    size_t n = (size_t)(end - text);
    while (n > 0 && text[n - 1] == ' ') n--;
    if (n >= cap) n = cap - 1;
    memcpy(name, text, n);
    name[n] = '\0';
    return true;
}

/* Splits "demand.primary.exit.mainstream" into its section and key. */
static void split_name(const char *full, char *section, size_t scap, const char **key)
{
    const char *dot = strchr(full, '.');
    if (!dot) {
        snprintf(section, scap, "%s", full);
        *key = "";
        return;
    }
    if (!strncmp(full, "scenario.", 9)) {
        snprintf(section, scap, "scenario");
        *key = full + 9;
        return;
    }
    const char *dot2 = strchr(dot + 1, '.');
    size_t n = dot2 ? (size_t)(dot2 - full) : strlen(full);
    snprintf(section, scap, "%.*s", (int)n, full);
    *key = dot2 ? dot2 + 1 : "";
}

/* Header line of section name in d, or -1; *last is its last non-blank line. */
static int find_section(const doc_t *d, const char *name, int *last)
{
    char text[1024], sec[256];
    int at = -1;
    for (int i = 0; i < d->n; i++) {
        line_text(d, i, text, sizeof text);
        if (header_of(text, sec, sizeof sec)) {
            if (at >= 0) return at;
            if (!strcmp(sec, name)) at = *last = i;
            continue;
        }
        const char *p = text;
        while (*p == ' ' || *p == '\t') p++;
        if (at >= 0 && *p && *p != ';' && *p != '#') *last = i;
    }
    return at;
}

/* Appends text to the insertion before line i (or the tail when i == n). */
static void insert_before(doc_t *d, int i, const char *text, bool *oom)
{
    if (i >= d->n) {
        bprintf(&d->tail, "%s", text);
        *oom |= d->tail.oom;
        return;
    }
    size_t old = d->before[i] ? strlen(d->before[i]) : 0;
    char *t = realloc(d->before[i], old + strlen(text) + 1);
    if (!t) {
        *oom = true;
        return;
    }
    memcpy(t + old, text, strlen(text) + 1);
    d->before[i] = t;
}

/* Shows a value to 6 significant digits. */
static void num6(double v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.6g", v);
}

/*
 * The note of a fitted key's input comment (`; note`; "" for none) into out, without its `;`:
 * when an earlier calibration wrote the comment, the input's note it kept in parentheses.
 */
static void input_note(const char *comment, char *out, size_t cap)
{
    static const char kept[] = "(the input's note: ";
    const char *p = comment;
    while (*p == ';' || *p == '#' || *p == ' ' || *p == '\t') p++;
    if (strncmp(p, "CALIBRATED", 10) != 0) {
        snprintf(out, cap, "%s", p);
        return;
    }
    const char *k = strstr(p, kept);
    snprintf(out, cap, "%s", k ? k + sizeof kept - 1 : "");
    size_t len = strlen(out);
    if (len > 0 && out[len - 1] == ')') out[len - 1] = '\0';
}

/*
 * The two comment lines above a fitted key, and its `key = dist` line, into b. The line's own
 * comment says CALIBRATED and the 80% interval, and keeps the input's note after it, so that
 * whoever reads only the line (the workbook's Assumptions sheet shows a key's comment as its
 * Source, decisions I3) sees that the value is the fit's, not the input's.
 */
static void key_lines(const hn_calibrated *c, const doc_t *d, const hn_fit_key *k,
                      const char *prefix, const char *comment, buf_t *b)
{
    const hn_history *h = c->fit->history;
    char e[32], s[32], lo[32], hi[32], dist[256];
    num6(k->estimate, e, sizeof e);
    num6(k->se, s, sizeof s);
    num6(k->lo, lo, sizeof lo);
    num6(k->hi, hi, sizeof hi);
    dist_format(&k->fitted, dist, sizeof dist);
    bprintf(b, "; CALIBRATED by hnsim calibrate from %s (SHA-256 %s):%s", h->path, h->sha256,
            d->eol);
    bprintf(b, ";   estimate %s, standard error %s, 80%% interval %s to %s; was `%s`%s%s%s", e, s,
            lo, hi, k->written, k->note[0] ? "; " : "", k->note, d->eol);
    const char *base = strrchr(h->path, '/');
    char note[3072];
    input_note(comment, note, sizeof note);
    bprintf(b, "%s%s   ; CALIBRATED from %s: 80%% interval %s to %s%s%s%s%s", prefix, dist,
            base ? base + 1 : h->path, lo, hi, note[0] ? " (the input's note: " : "", note,
            note[0] ? ")" : "", d->eol);
}

/* Replaces the input's line of key k (written in the input file). */
static void replace_key(const hn_calibrated *c, doc_t *d, const hn_fit_key *k, bool *oom)
{
    int i = k->line - 1;
    char text[4096];
    line_text(d, i, text, sizeof text);
    char *eq = strchr(text, '=');
    char prefix[1024] = "", comment[3072] = "";
    if (eq) {
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t') v++;
        snprintf(prefix, sizeof prefix, "%.*s", (int)(v - text), text);
        for (char *p = v; *p; p++)
            if ((*p == ';' || *p == '#') && (p[-1] == ' ' || p[-1] == '\t')) {
                snprintf(comment, sizeof comment, "%s", p);
                break;
            }
    }
    buf_t b = { 0 };
    key_lines(c, d, k, prefix, comment, &b);
    if (b.oom) *oom = true;
    free(d->replace[i]);
    d->replace[i] = b.s;
}

/* Adds key k, inherited through extends, to its section of the input (adding the section). */
static void add_key(const hn_calibrated *c, doc_t *d, const hn_fit_key *k, bool *oom)
{
    char section[256], prefix[300];
    const char *key;
    split_name(k->name, section, sizeof section, &key);
    snprintf(prefix, sizeof prefix, "%s = ", key);
    int last = -1, at = find_section(d, section, &last);
    buf_t b = { 0 };
    if (at < 0) bprintf(&b, "%s[%s]%s", d->eol, section, d->eol);
    key_lines(c, d, k, prefix, "; overrides the value inherited through extends", &b);
    if (!b.oom) insert_before(d, at < 0 ? d->n : last + 1, b.s, oom);
    *oom |= b.oom;
    free(b.s);
}

/* Adds the correlation pairs to the input's [correlation] section, or a new one at the end. */
static void add_pairs(const hn_calibrated *c, doc_t *d, bool *oom)
{
    if (c->n_pairs == 0) return;
    int last = -1, at = find_section(d, "correlation", &last);
    buf_t b = { 0 };
    if (at < 0) bprintf(&b, "%s[correlation]%s", d->eol, d->eol);
    bprintf(&b,
            "; CALIBRATED by hnsim calibrate: rank correlations of the fitted estimates (their "
            "correlation r as (6/pi) asin(r/2))%s",
            d->eol);
    for (int q = 0; q < c->n_pairs; q++) {
        const hn_fit_pair *p = &c->pairs[q];
        bprintf(&b, "%s, %s = %.3f%s", c->fit->keys[p->i].name, c->fit->keys[p->j].name, p->rho,
                d->eol);
    }
    if (!b.oom) insert_before(d, at < 0 ? d->n : last + 1, b.s, oom);
    *oom |= b.oom;
    free(b.s);
}

/* realpath of the folder of path into buf; false when it cannot be resolved. */
static bool folder_of(const char *path, char *buf)
{
    char *copy = strdup(path);
    if (!copy) return false;
    bool ok = realpath(dirname(copy), buf) != NULL;
    free(copy);
    return ok;
}

/*
 * The path of file `target` (absolute, canonical folder) relative to the
 * canonical folder `from`, into buf: "../base.ini", "sub/h.csv".
 */
static void relative_path(const char *from, const char *target, char *buf, size_t cap)
{
    size_t common = 0, i = 0;
    for (; from[i] && target[i] && from[i] == target[i]; i++)
        if (from[i] == '/') common = i;
    if (!from[i] && target[i] == '/') common = i; /* from is a folder above target */
    size_t len = 0;
    buf[0] = '\0';
    for (const char *p = from + common; *p; p++)
        if (*p == '/' && len + 4 < cap) len += (size_t)snprintf(buf + len, cap - len, "../");
    snprintf(buf + len, cap - len, "%s", target + common + 1);
}

/*
 * Rewrites the input's relative `extends` and `history` lines of [scenario]
 * so that they name the same files from the output's folder.
 */
static void rebase_paths(const hn_calibrated *c, doc_t *d, bool *oom)
{
    char in_dir[PATH_MAX], out_dir[PATH_MAX];
    if (!c->output_path || !folder_of(c->input_path, in_dir) || !folder_of(c->output_path, out_dir))
        return;
    if (!strcmp(in_dir, out_dir)) return;
    char text[4096], sec[256] = "";
    for (int i = 0; i < d->n; i++) {
        line_text(d, i, text, sizeof text);
        if (header_of(text, sec, sizeof sec) || strcmp(sec, "scenario")) continue;
        char *p = text;
        while (*p == ' ' || *p == '\t') p++;
        size_t klen = strcspn(p, " \t=");
        if (!((klen == 7 && !strncmp(p, "extends", 7)) || (klen == 7 && !strncmp(p, "history", 7))))
            continue;
        char *eq = strchr(p, '=');
        if (!eq) continue;
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t') v++;
        size_t vlen = strcspn(v, " \t;#");
        if (vlen == 0 || *v == '/') continue;
        char target[PATH_MAX + 256], rel[PATH_MAX + 256];
        snprintf(target, sizeof target, "%s/%.*s", in_dir, (int)vlen, v);
        char *slash = strrchr(target, '/'), canon[PATH_MAX];
        *slash = '\0';
        if (!realpath(target, canon)) continue;
        char full[PATH_MAX + 256];
        snprintf(full, sizeof full, "%s/%s", canon, slash + 1);
        relative_path(out_dir, full, rel, sizeof rel);
        buf_t b = { 0 };
        bprintf(&b, "%.*s%s%s%s", (int)(v - text), text, rel, v + vlen, d->eol);
        *oom |= b.oom;
        free(d->replace[i]);
        d->replace[i] = b.s;
    }
}

/* The comment block at the top of the file. */
static void header_block(const hn_calibrated *c, doc_t *d, bool *oom)
{
    const hn_fit *f = c->fit;
    buf_t b = { 0 };
    char dev[32], phi[32], est[32], p[32];
    num6(f->deviance, dev, sizeof dev);
    num6(f->dispersion, phi, sizeof phi);
    num6(f->dispersion_estimate, est, sizeof est);
    num6(f->dispersion_p, p, sizeof p);
    bprintf(&b, "; CALIBRATED by hnsim %s: %s%s", c->engine_version, c->command_line, d->eol);
    bprintf(&b, "; History %s (SHA-256 %s):%s", f->history->path, f->history->sha256, d->eol);
    bprintf(&b, ";   %d observation%s from %s to %s; deviance %s on %d degree%s of freedom;%s",
            f->n_obs, f->n_obs == 1 ? "" : "s", c->first_year, c->last_year, dev, f->df,
            f->df == 1 ? "" : "s", d->eol);
    if (f->pearson_df >= 1)
        bprintf(&b, ";   dispersion %s (Pearson X2/df %s, P %s).%s", phi, est, p, d->eol);
    else
        bprintf(&b, ";   dispersion 1 (too few counts to estimate it).%s", d->eol);
    bprintf(&b,
            "; The keys marked CALIBRATED below were fitted by maximum likelihood (MODEL.md "
            "section 9);%s; every other line is the input's, as written.%s;%s",
            d->eol, d->eol, d->eol);
    if (!b.oom) insert_before(d, 0, b.s, oom);
    *oom |= b.oom;
    free(b.s);
}

hn_status report_calibrated_text(const hn_calibrated *c, char **text, hn_error *err)
{
    *text = NULL;
    doc_t d;
    hn_status st = doc_read(c->input_path, &d, err);
    if (st != HN_OK) {
        doc_free(&d);
        return st;
    }
    bool oom = false;
    header_block(c, &d, &oom);
    rebase_paths(c, &d, &oom);
    for (int k = 0; k < c->fit->n_keys; k++) {
        const hn_fit_key *key = &c->fit->keys[k];
        if (!strcmp(key->file, c->input_path) && key->line >= 1 && key->line <= d.n)
            replace_key(c, &d, key, &oom);
        else
            add_key(c, &d, key, &oom);
    }
    add_pairs(c, &d, &oom);
    buf_t out = { 0 };
    for (int i = 0; i < d.n && !oom; i++) {
        if (d.before[i]) bprintf(&out, "%s", d.before[i]);
        if (d.replace[i])
            bprintf(&out, "%s", d.replace[i]);
        else
            bprintf(&out, "%.*s", (int)(d.start[i + 1] - d.start[i]), d.start[i]);
    }
    if (d.n > 0 && d.start[d.n][-1] != '\n' && d.tail.len) bprintf(&out, "%s", d.eol);
    if (d.tail.len) bprintf(&out, "%s", d.tail.s);
    oom |= out.oom;
    doc_free(&d);
    if (oom) {
        free(out.s);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    }
    *text = out.s ? out.s : strdup("");
    return *text ? HN_OK : hn_error_set(err, HN_ERR_NOMEM, "out of memory");
}

hn_status report_write_text_checked(const char *path, const char *text,
                                    hn_status (*check)(const char *tmp, void *user), void *user,
                                    hn_error *err)
{
    hn_atomic a;
    hn_status st = atomic_begin(&a, path, err);
    if (st != HN_OK) return st;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(a.fd, text + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            atomic_abort(&a);
            return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (check && (st = check(a.tmp, user)) != HN_OK) {
        atomic_abort(&a);
        return st;
    }
    return atomic_commit(&a, err);
}
