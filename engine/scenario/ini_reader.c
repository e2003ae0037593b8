/*
 * ini_reader.c - our line reader in front of inih's ini_parse_stream.
 *
 * ini_file_read does the byte-level work (encoding checks, line splitting,
 * comment stripping, each comment kept beside its line for
 * ini_file_comment); ini_file_parse feeds the stripped lines to inih one
 * per reader call, so inih's line count and ours agree, and keeps the
 * current section and any over-long key or value in its own state for the
 * handler to pick up.
 */
#include "scenario/ini_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sha256.h"

/* Stands in for a section name, key or value too long for inih's buffer. */
#define PLACEHOLDER "\x01"
/* Longest line handed to inih as written; longer ones go through placeholders. */
#define HAND_MAX 150
/* Longest section name handed to inih as written (it keeps 49 characters). */
#define SECTION_HAND_MAX 40

void ini_file_free(ini_file *f)
{
    if (!f) return;
    for (int i = 0; i < f->n_lines; i++) {
        if (f->lines) free(f->lines[i]);
        if (f->comments) free(f->comments[i]);
    }
    free(f->lines);
    free(f->comments);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/*
 * Reads the whole of path into a new buffer (*buf, *len; caller frees).
 * Only a regular file of at most HN_MAX_FILE_BYTES is read: a folder, a
 * device or a pipe (which could block or never end, e.g. /dev/zero) and an
 * over-large file are refused before anything is read. The file is opened
 * without blocking so that naming a FIFO cannot hang the open itself.
 */
static hn_status slurp(const char *path, unsigned char **buf, size_t *len, hn_error *err)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) /* a scenario that is not there is a bad scenario argument (exit 2) */
        return hn_error_at(err, path, 0, NULL, NULL, "cannot open the scenario: %s",
                           strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        hn_error_at(err, path, 0, NULL, NULL, "cannot read: %s", strerror(e));
        err->status = HN_ERR_IO;
        return HN_ERR_IO;
    }
    if (S_ISDIR(sb.st_mode)) {
        close(fd);
        return hn_error_at(err, path, 0, NULL, NULL, "is a folder, not a scenario file");
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return hn_error_at(err, path, 0, NULL, NULL,
                           "is not a regular file (a device, pipe or socket): a scenario is "
                           "a text file");
    }
    if (sb.st_size > HN_MAX_FILE_BYTES) {
        close(fd);
        return hn_error_at(err, path, 0, NULL, NULL,
                           "is %lld bytes; a scenario file is at most %d bytes (2 MiB) of "
                           "text: is this the right file?",
                           (long long)sb.st_size, HN_MAX_FILE_BYTES);
    }
    /* The size may change while we read: read at most one byte more than the limit. */
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    unsigned char *b = malloc(cap);
    if (!b) {
        close(fd);
        return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    int e = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap =
                cap * 2 > (size_t)HN_MAX_FILE_BYTES + 1 ? (size_t)HN_MAX_FILE_BYTES + 1 : cap * 2;
            if (ncap <= cap) break; /* the limit is reached: refused below */
            unsigned char *t = realloc(b, ncap);
            if (!t) {
                free(b);
                close(fd);
                return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
            }
            b = t;
            cap = ncap;
        }
        ssize_t got = read(fd, b + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) e = errno;
        if (got <= 0) break;
        n += (size_t)got;
    }
    close(fd);
    if (e) {
        free(b);
        hn_error_at(err, path, 0, NULL, NULL, "cannot read: %s", strerror(e));
        err->status = HN_ERR_IO;
        return HN_ERR_IO;
    }
    if (n > HN_MAX_FILE_BYTES) {
        free(b);
        return hn_error_at(err, path, 0, NULL, NULL,
                           "is more than %d bytes; a scenario file is at most 2 MiB of text: "
                           "is this the right file?",
                           HN_MAX_FILE_BYTES);
    }
    *buf = b;
    *len = n;
    return HN_OK;
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes available), or 0
 * when it is invalid (overlong forms, surrogates and code points above
 * U+10FFFF are invalid).
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) return 0;
    unsigned cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/*
 * The character byte c (0x80-0xFF) stands for in Windows-1252 (Windows'
 * "ANSI" for English), as UTF-8 in buf; "" for the five bytes it leaves
 * undefined. For messages about a file saved in that encoding.
 */
static void cp1252_char(unsigned c, char *buf, size_t cap)
{
    /* 0x80-0x9F differ from Latin-1; 0 marks an undefined byte. */
    static const unsigned short high[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
    };
    unsigned cp = c < 0xA0 ? high[c - 0x80] : c;
    if (cp == 0)
        snprintf(buf, cap, "%s", "");
    else if (cp < 0x800)
        snprintf(buf, cap, "%c%c", 0xC0 | (cp >> 6), 0x80 | (cp & 0x3F));
    else
        snprintf(buf, cap, "%c%c%c", 0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F),
                 0x80 | (cp & 0x3F));
}

/*
 * Where the comment of a raw line starts (n when it has none), by the rule
 * of docs/decisions.md item 3: `;` or `#` first on the line, possibly after
 * blanks, or after a space or tab anywhere. Bytes, so any encoding will do.
 */
static size_t comment_start(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] == ';' || p[i] == '#') && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t'))
            return i; /* also an indented comment line: its marker follows a blank */
    return n;
}

/*
 * Checks one raw line (bytes [p, p+n), without its '\n') for NUL bytes,
 * control characters and invalid UTF-8. A '\r' is allowed only as the last
 * byte (CRLF files). A comment is free text: bytes that are not UTF-8 (a £
 * saved by a Windows editor as 0xA3) are accepted there (decisions R11);
 * outside it they are refused with what the byte would be in Windows-1252.
 */
static hn_status check_line(const char *path, int line, const unsigned char *p, size_t n,
                            hn_error *err)
{
    size_t comment = comment_start((const char *)p, n);
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        int col = (int)i + 1;
        if (c == 0)
            return hn_error_at(err, path, line, NULL, NULL,
                               "NUL byte at column %d: this is not a text file (save the "
                               "scenario as plain UTF-8 text)",
                               col);
        if (c == '\r' && i + 1 == n) break;
        if (c == '\r')
            return hn_error_at(err, path, line, NULL, NULL,
                               "carriage return in the middle of a line at column %d (save "
                               "the file with Unix (LF) or Windows (CRLF) line endings)",
                               col);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return hn_error_at(err, path, line, NULL, NULL,
                               "control character 0x%02X at column %d (only printable text "
                               "and tabs are allowed)",
                               c, col);
        size_t len = utf8_len(p + i, n - i);
        if (len == 0 && i >= comment) len = 1; /* free text in a comment */
        if (len == 3 && i < comment && c == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)
            return hn_error_at(err, path, line, NULL, NULL,
                               "U+%s at column %d is not a character (a workbook cannot hold "
                               "it): delete it",
                               p[i + 2] == 0xBE ? "FFFE" : "FFFF", col);
        if (len == 0) {
            char ch[8];
            cp1252_char(c, ch, sizeof ch);
            return hn_error_at(err, path, line, NULL, NULL,
                               "invalid UTF-8 (byte 0x%02X at column %d): save the scenario "
                               "as UTF-8 text; the file looks saved as Windows-1252 "
                               "(Windows' \"ANSI\")%s%s%s (in Notepad: File > Save as, "
                               "Encoding: UTF-8)",
                               c, col, *ch ? ", where this byte is '" : "", ch, *ch ? "'" : "");
        }
        i += len;
    }
    return HN_OK;
}

/*
 * Refuses a file that is not text before looking at its lines: a workbook,
 * a PDF, a UTF-16 file (Notepad's "Unicode") by their first bytes, and any
 * file with a NUL byte, at the line and column of the first one.
 */
static hn_status check_binary(const char *path, const unsigned char *b, size_t n, hn_error *err)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } kinds[] = {
        { "PK\x03\x04", 4, "a zip file (an Excel .xlsx workbook or a Word document?)" },
        { "\xD0\xCF\x11\xE0", 4, "an Office file (an Excel .xls workbook or a Word document?)" },
        { "%PDF-", 5, "a PDF document" },
        { "\xFF\xFE", 2, "UTF-16 text (Notepad's \"Unicode\")" },
        { "\xFE\xFF", 2, "UTF-16 text (\"Unicode big endian\")" },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (n >= kinds[k].len && !memcmp(b, kinds[k].magic, kinds[k].len))
            return hn_error_at(err, path, 0, NULL, NULL,
                               "is %s, not a scenario: a scenario is a plain-text .ini file "
                               "saved as UTF-8",
                               kinds[k].what);
    const unsigned char *nul = memchr(b, 0, n);
    if (!nul) return HN_OK;
    int line = 1;
    const unsigned char *start = b;
    for (const unsigned char *p = b; p < nul; p++)
        if (*p == '\n') {
            line++;
            start = p + 1;
        }
    return hn_error_at(err, path, line, NULL, NULL,
                       "NUL byte at column %d: this is not a text file (save the scenario as "
                       "plain UTF-8 text)",
                       (int)(nul - start) + 1);
}

/*
 * Returns a new string: the line without its comment (docs/decisions.md
 * item 3: `;` or `#` first on the line, possibly after blanks, or after a
 * space or tab anywhere) and without trailing blanks or '\r'.
 */
static char *strip_comment(const char *p, size_t n)
{
    size_t end = comment_start(p, n);
    while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t' || p[end - 1] == '\r')) end--;
    char *s = malloc(end + 1);
    if (s) {
        memcpy(s, p, end);
        s[end] = '\0';
    }
    return s;
}

/*
 * The comment of a raw line (bytes [p, p+n)), as a new string in *out: the
 * text after its `;` or `#`, trimmed of blanks and '\r', in UTF-8, a byte
 * that is not UTF-8 read as Windows-1252 (decisions R11; U+FFFD for the
 * five bytes it leaves undefined). *out is NULL when the line has no
 * comment. False when memory runs out.
 */
static bool comment_text(const char *p, size_t n, char **out)
{
    *out = NULL;
    size_t i = comment_start(p, n);
    if (i == n) return true;
    i++; /* the marker */
    while (n > i && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r')) n--;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
    char *s = malloc(3 * (n - i) + 1); /* a converted byte takes at most three */
    if (!s) return false;
    size_t k = 0;
    while (i < n) {
        size_t len = utf8_len((const unsigned char *)p + i, n - i);
        if (len > 0) {
            memcpy(s + k, p + i, len);
            k += len;
            i += len;
            continue;
        }
        char ch[8];
        cp1252_char((unsigned char)p[i++], ch, sizeof ch);
        const char *rep = *ch ? ch : "\xEF\xBF\xBD"; /* U+FFFD */
        memcpy(s + k, rep, strlen(rep));
        k += strlen(rep);
    }
    s[k] = '\0';
    *out = s;
    return true;
}

hn_status ini_file_comment(const ini_file *f, int line, char **out, hn_error *err)
{
    *out = NULL;
    if (line < 1 || line > f->n_lines) return HN_OK;
    int first = line - 1, last = line - 1; /* 0-based lines whose comments are joined */
    if (!f->comments[line - 1] || !*f->comments[line - 1]) {
        first = line - 1;
        while (first > 0 && f->comments[first - 1] && !*f->lines[first - 1]) first--;
        last = line - 2;
    }
    size_t len = 0;
    for (int i = first; i <= last; i++)
        if (f->comments[i] && *f->comments[i]) len += strlen(f->comments[i]) + 1;
    if (len == 0) return HN_OK;
    char *s = malloc(len);
    if (!s) return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", f->path);
    size_t k = 0;
    for (int i = first; i <= last; i++) {
        if (!f->comments[i] || !*f->comments[i]) continue;
        if (k) s[k++] = ' ';
        memcpy(s + k, f->comments[i], strlen(f->comments[i]));
        k += strlen(f->comments[i]);
    }
    s[k] = '\0';
    *out = s;
    return HN_OK;
}

hn_status ini_file_read(const char *path, ini_file *f, hn_error *err)
{
    memset(f, 0, sizeof *f);
    unsigned char *buf;
    size_t len;
    hn_status st = slurp(path, &buf, &len, err);
    if (st != HN_OK) return st;
    f->path = strdup(path);
    if (!f->path) {
        free(buf);
        return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    sha256_hex(buf, len, f->sha256);
    st = check_binary(path, buf, len, err);
    if (st != HN_OK) {
        free(buf);
        ini_file_free(f);
        return st;
    }

    size_t off = 0;
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        off = 3; /* UTF-8 byte order mark */
    size_t count = 0;
    for (size_t i = off; i < len; i++)
        if (buf[i] == '\n') count++;
    if (len > off && buf[len - 1] != '\n') count++;
    if (count > 0x7FFFFFFF) {
        free(buf);
        ini_file_free(f);
        return hn_error_at(err, path, 0, NULL, NULL, "too many lines");
    }
    f->lines = calloc(count ? count : 1, sizeof *f->lines);
    f->comments = calloc(count ? count : 1, sizeof *f->comments);
    if (!f->lines || !f->comments) {
        free(buf);
        ini_file_free(f);
        return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t start = off;
    for (size_t k = 0; k < count; k++) {
        size_t e = start;
        while (e < len && buf[e] != '\n') e++;
        int line = (int)k + 1;
        st = check_line(path, line, buf + start, e - start, err);
        if (st == HN_OK) {
            f->lines[k] = strip_comment((const char *)buf + start, e - start);
            if (!f->lines[k] ||
                !comment_text((const char *)buf + start, e - start, &f->comments[k]))
                st = hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
        }
        f->n_lines = line;
        if (st != HN_OK) {
            free(buf);
            ini_file_free(f);
            return st;
        }
        start = e + 1;
    }
    free(buf);
    return HN_OK;
}

/* State shared by the inih reader and handler during one ini_file_parse. */
typedef struct {
    const ini_file *f;
    int next;          /* index of the next line to hand to inih */
    int line;          /* 1-based number of the line last handed */
    char *section;     /* current section name in full ("" before any) */
    char *key, *value; /* the current line's key and value, when handed as placeholders */
    char *prev_key;    /* last key of the current section, for continuation messages */
    ini_section_fn on_section;
    ini_key_fn on_key;
    void *user;
    hn_error *err;
    hn_status st; /* first error, HN_OK so far */
    int err_line;
} parse_state;

/* Replaces *slot with a new copy of the n bytes at s; false when out of memory. */
static bool set_str(char **slot, const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c) return false;
    memcpy(c, s, n);
    c[n] = '\0';
    free(*slot);
    *slot = c;
    return true;
}

/* Records an error found by the reader at the current line. */
static void reader_fail(parse_state *ps, hn_status st)
{
    ps->st = st;
    ps->err_line = ps->line;
}

/* Out of memory inside the reader. */
static void reader_nomem(parse_state *ps)
{
    reader_fail(ps, hn_error_set(ps->err, HN_ERR_NOMEM, "%s: out of memory", ps->f->path));
}

/* Copies text plus '\n' into inih's buffer (the caller made sure it fits). */
static char *hand(char *str, int num, const char *text)
{
    snprintf(str, (size_t)num, "%s\n", text);
    return str;
}

/* inih's reader: hands it the next stripped line, or NULL at the end or after an error. */
static char *reader(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    if (ps->st != HN_OK || ps->next >= ps->f->n_lines) return NULL;
    const char *ln = ps->f->lines[ps->next++];
    ps->line = ps->next;
    free(ps->key);
    free(ps->value);
    ps->key = ps->value = NULL;
    size_t len = strlen(ln);
    bool fits = len <= HAND_MAX && (int)len + 3 <= num;

    if (len == 0) return hand(str, num, "");
    if (ln[0] == ' ' || ln[0] == '\t') {
        const char *sec = ps->section[0] ? ps->section : NULL;
        if (ps->prev_key)
            reader_fail(ps, hn_error_at(ps->err, ps->f->path, ps->line, sec, ps->prev_key,
                                        "indented line: a value must be on one line (an "
                                        "indented line would continue the value of `%s`)",
                                        ps->prev_key));
        else
            reader_fail(ps, hn_error_at(ps->err, ps->f->path, ps->line, sec, NULL,
                                        "indented line: keys and [sections] must start at the "
                                        "beginning of the line"));
        return NULL;
    }
    if (ln[0] == '[') {
        const char *close = strchr(ln, ']');
        if (!close) /* inih reports the missing ']' at this line */
            return hand(str, num, fits ? ln : "[");
        if (close[1] != '\0') {
            reader_fail(ps, hn_error_at(ps->err, ps->f->path, ps->line, NULL, NULL,
                                        "text after `]`: a section line holds only "
                                        "`[section.name]` (and perhaps a comment)"));
            return NULL;
        }
        size_t nlen = (size_t)(close - ln - 1);
        if (!set_str(&ps->section, ln + 1, nlen)) {
            reader_nomem(ps);
            return NULL;
        }
        free(ps->prev_key);
        ps->prev_key = NULL;
        hn_status st = ps->on_section(ps->user, ps->section, ps->line, ps->err);
        if (st != HN_OK) {
            reader_fail(ps, st);
            return NULL;
        }
        return hand(str, num, fits && nlen <= SECTION_HAND_MAX ? ln : "[" PLACEHOLDER "]");
    }
    /* A key line: split where inih will, at the first '=' or ':'. */
    size_t sep = strcspn(ln, "=:");
    if (ln[sep] == '\0') /* inih reports the missing '=' at this line */
        return hand(str, num, fits ? ln : PLACEHOLDER);
    size_t a = 0, b = sep;
    while (b > a && (ln[b - 1] == ' ' || ln[b - 1] == '\t')) b--;
    if (!set_str(&ps->prev_key, ln + a, b - a)) {
        reader_nomem(ps);
        return NULL;
    }
    if (fits) return hand(str, num, ln);
    size_t v = sep + 1;
    while (ln[v] == ' ' || ln[v] == '\t') v++;
    if (!set_str(&ps->key, ln, b) || !set_str(&ps->value, ln + v, len - v)) {
        reader_nomem(ps);
        return NULL;
    }
    return hand(str, num, PLACEHOLDER "=" PLACEHOLDER);
}

/* inih's handler: resolves placeholders and passes the key to on_key. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state *ps = user;
    if (ps->st != HN_OK) return 0;
    if (!strcmp(section, PLACEHOLDER "") && ps->section) section = ps->section;
    if (!strcmp(name, PLACEHOLDER) && ps->key) name = ps->key;
    if (!strcmp(value, PLACEHOLDER) && ps->value) value = ps->value;
    hn_status st = ps->on_key(ps->user, section, name, value, ps->line, ps->err);
    if (st != HN_OK) {
        ps->st = st;
        ps->err_line = ps->line;
        return 0;
    }
    return 1;
}

/* The section in force at line `line` (1-based), as the last well-formed header before it. */
static void section_at(const ini_file *f, int line, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int i = 0; i < line - 1 && i < f->n_lines; i++) {
        const char *ln = f->lines[i];
        size_t n = strlen(ln);
        if (ln[0] == '[' && n >= 2 && ln[n - 1] == ']' && !memchr(ln, ']', n - 1)) {
            size_t keep = n - 2 < cap - 1 ? n - 2 : cap - 1;
            snprintf(buf, cap, "%.*s", hn_utf8_prefix(ln + 1, (int)keep), ln + 1);
        }
    }
}

/* The error for an inih syntax error at `line`. */
static hn_status syntax_error(const ini_file *f, int line, hn_error *err)
{
    char sec[128];
    section_at(f, line, sec, sizeof sec);
    const char *ln = line >= 1 && line <= f->n_lines ? f->lines[line - 1] : "";
    if (ln[0] == '[') /* not inside the previous section: this line was meant to start one */
        return hn_error_at(err, f->path, line, NULL, NULL,
                           "a section line needs a closing `]`: write `[section.name]`");
    return hn_error_at(err, f->path, line, sec, NULL,
                       "`%.*s%s` is not a `key = value` line, a `[section]` line or a comment",
                       hn_utf8_prefix(ln, 40), ln, strlen(ln) > 40 ? "..." : "");
}

hn_status ini_file_parse(const ini_file *f, ini_section_fn on_section, ini_key_fn on_key,
                         void *user, hn_error *err)
{
    parse_state ps;
    memset(&ps, 0, sizeof ps);
    ps.f = f;
    ps.on_section = on_section;
    ps.on_key = on_key;
    ps.user = user;
    ps.err = err;
    ps.section = calloc(1, 1);
    if (!ps.section) return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", f->path);
    int ret = ini_parse_stream(reader, &ps, handler, &ps);
    free(ps.section);
    free(ps.key);
    free(ps.value);
    free(ps.prev_key);
    if (ret < 0)
        return hn_error_set(err, HN_ERR_NOMEM, "%s: the INI parser ran out of memory", f->path);
    if (ret > 0 && (ps.st == HN_OK || ret < ps.err_line)) return syntax_error(f, ret, err);
    return ps.st;
}
