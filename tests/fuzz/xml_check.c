/*
 * xml_check.c - well-formedness of a workbook's XML parts (xml_check.h).
 *
 * The zip is read whole (a fuzzed workbook is small), its parts found
 * through the end-of-central-directory record, each inflated into memory.
 * The XML check is a small recursive-descent reader of the subset
 * libxlsxwriter writes: a declaration, elements with attributes, text,
 * comments, CDATA sections, entity and character references.
 */
#include "xml_check.h"

#include "fuzz_files.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Deepest element nesting accepted (workbook parts nest a few levels). */
#define XC_MAX_DEPTH 64

/* A reader over one document: where it is, and the open elements. */
typedef struct {
    const unsigned char *s;
    size_t n, i;
    const unsigned char *open[XC_MAX_DEPTH]; /* names of the open elements */
    size_t open_len[XC_MAX_DEPTH];
    int depth;
    char *why;
    size_t cap;
} xc;

/* Records the reason (with the byte offset) and returns 1. */
static int __attribute__((format(printf, 2, 3))) bad(xc *x, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(x->why, x->cap, "byte %zu: %s", x->i, msg);
    return 1;
}

/* True for a code point XML 1.0 allows. */
static bool xml_char(uint32_t cp)
{
    if (cp < 0x20) return cp == 0x9 || cp == 0xA || cp == 0xD;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    return cp != 0xFFFE && cp != 0xFFFF && cp <= 0x10FFFF;
}

/* Decodes the UTF-8 character at x->i into *cp and advances; 1 (with a reason) when invalid. */
static int next_char(xc *x, uint32_t *cp)
{
    const unsigned char *p = x->s + x->i;
    size_t left = x->n - x->i;
    unsigned c = p[0];
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (len == 0 || len > left) return bad(x, "invalid UTF-8 byte 0x%02X", c);
    uint32_t v = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80) return bad(x, "invalid UTF-8 continuation");
        v = (v << 6) | (p[k] & 0x3F);
    }
    static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (v < min[len]) return bad(x, "overlong UTF-8");
    if (!xml_char(v)) return bad(x, "character U+%04X is not allowed in XML", (unsigned)v);
    *cp = v;
    x->i += len;
    return 0;
}

/* True when the text at x->i starts with lit. */
static bool at(const xc *x, const char *lit)
{
    size_t k = strlen(lit);
    return x->n - x->i >= k && !memcmp(x->s + x->i, lit, k);
}

/* True for a byte that may start (or, with rest, continue) an XML name in this subset. */
static bool name_byte(unsigned char c, bool rest)
{
    if (c >= 0x80 || c == '_' || c == ':' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return true;
    return rest && (c == '-' || c == '.' || (c >= '0' && c <= '9'));
}

/* Reads a name at x->i into (*start, *len); 1 when there is none. */
static int read_name(xc *x, const unsigned char **start, size_t *len)
{
    size_t b = x->i;
    if (x->i >= x->n || !name_byte(x->s[x->i], false)) return bad(x, "a name was expected");
    while (x->i < x->n && name_byte(x->s[x->i], true)) x->i++;
    *start = x->s + b;
    *len = x->i - b;
    return 0;
}

/* Skips blanks. */
static void blanks(xc *x)
{
    while (x->i < x->n &&
           (x->s[x->i] == ' ' || x->s[x->i] == '\t' || x->s[x->i] == '\n' || x->s[x->i] == '\r'))
        x->i++;
}

/* Reads an entity or character reference at '&'; 1 when it is not one XML knows or allows. */
static int reference(xc *x)
{
    static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
    for (size_t k = 0; k < sizeof named / sizeof *named; k++)
        if (at(x, named[k])) {
            x->i += strlen(named[k]);
            return 0;
        }
    if (!at(x, "&#")) return bad(x, "unknown entity");
    x->i += 2;
    int base = 10;
    if (x->i < x->n && x->s[x->i] == 'x') {
        base = 16;
        x->i++;
    }
    uint32_t v = 0;
    size_t digits = 0;
    while (x->i < x->n && x->s[x->i] != ';') {
        unsigned c = x->s[x->i];
        int d = c >= '0' && c <= '9'                 ? (int)c - '0'
                : base == 16 && c >= 'a' && c <= 'f' ? (int)c - 'a' + 10
                : base == 16 && c >= 'A' && c <= 'F' ? (int)c - 'A' + 10
                                                     : -1;
        if (d < 0 || ++digits > 8) return bad(x, "bad character reference");
        v = v * (uint32_t)base + (uint32_t)d;
        x->i++;
    }
    if (x->i >= x->n || digits == 0) return bad(x, "unterminated character reference");
    x->i++;
    if (!xml_char(v))
        return bad(x, "character reference to U+%04X, not allowed in XML", (unsigned)v);
    return 0;
}

/* Reads character data up to the next '<' (or the end). */
static int text(xc *x)
{
    while (x->i < x->n && x->s[x->i] != '<') {
        if (x->s[x->i] == '&') {
            if (reference(x)) return 1;
            continue;
        }
        if (at(x, "]]>")) return bad(x, "]]> in text");
        uint32_t cp;
        if (next_char(x, &cp)) return 1;
    }
    return 0;
}

/* Skips from x->i to just after the terminator end; 1 when it is missing or the text between is bad. */
static int skip_to(xc *x, const char *end)
{
    while (x->i < x->n && !at(x, end)) {
        uint32_t cp;
        if (next_char(x, &cp)) return 1;
    }
    if (x->i >= x->n) return bad(x, "missing %s", end);
    x->i += strlen(end);
    return 0;
}

/* Reads a start tag, an empty tag or an end tag at '<'. */
static int tag(xc *x)
{
    x->i++;
    const unsigned char *name;
    size_t len;
    if (x->i < x->n && x->s[x->i] == '/') {
        x->i++;
        if (read_name(x, &name, &len)) return 1;
        blanks(x);
        if (!at(x, ">")) return bad(x, "end tag not closed");
        x->i++;
        if (x->depth == 0) return bad(x, "end tag </%.*s> with nothing open", (int)len, name);
        x->depth--;
        if (x->open_len[x->depth] != len || memcmp(x->open[x->depth], name, len))
            return bad(x, "</%.*s> closes <%.*s>", (int)len, name, (int)x->open_len[x->depth],
                       x->open[x->depth]);
        return 0;
    }
    if (read_name(x, &name, &len)) return 1;
    for (;;) {
        size_t before = x->i;
        blanks(x);
        if (at(x, "/>")) {
            x->i += 2;
            return 0;
        }
        if (at(x, ">")) {
            x->i++;
            if (x->depth == XC_MAX_DEPTH) return bad(x, "elements nested too deep");
            x->open[x->depth] = name;
            x->open_len[x->depth++] = len;
            return 0;
        }
        if (x->i == before) return bad(x, "attributes must be separated by blanks");
        const unsigned char *an;
        size_t al;
        if (read_name(x, &an, &al)) return 1;
        blanks(x);
        if (!at(x, "=")) return bad(x, "attribute without '='");
        x->i++;
        blanks(x);
        if (x->i >= x->n || (x->s[x->i] != '"' && x->s[x->i] != '\''))
            return bad(x, "unquoted attribute");
        unsigned char q = x->s[x->i++];
        while (x->i < x->n && x->s[x->i] != q) {
            if (x->s[x->i] == '<') return bad(x, "'<' in an attribute value");
            if (x->s[x->i] == '&') {
                if (reference(x)) return 1;
                continue;
            }
            uint32_t cp;
            if (next_char(x, &cp)) return 1;
        }
        if (x->i >= x->n) return bad(x, "unterminated attribute value");
        x->i++;
    }
}

int xml_check_document(const unsigned char *s, size_t n, char *why, size_t cap)
{
    xc x = { .s = s, .n = n, .why = why, .cap = cap };
    if (at(&x, "\xEF\xBB\xBF")) x.i += 3;
    if (at(&x, "<?xml") && skip_to(&x, "?>")) return 1;
    bool root = false;
    while (x.i < x.n) {
        if (at(&x, "<!--")) {
            if (skip_to(&x, "-->")) return 1;
        } else if (at(&x, "<![CDATA[")) {
            if (x.depth == 0) return bad(&x, "CDATA outside the root element");
            if (skip_to(&x, "]]>")) return 1;
        } else if (at(&x, "<?")) {
            if (skip_to(&x, "?>")) return 1;
        } else if (at(&x, "<")) {
            if (x.depth == 0 && root && !at(&x, "</")) return bad(&x, "a second root element");
            if (tag(&x)) return 1;
            root = true;
        } else if (x.depth == 0) {
            blanks(&x);
            if (x.i < x.n && x.s[x.i] != '<') return bad(&x, "text outside the root element");
        } else if (text(&x)) {
            return 1;
        }
    }
    if (!root) return bad(&x, "no root element");
    if (x.depth)
        return bad(&x, "<%.*s> is never closed", (int)x.open_len[x.depth - 1], x.open[x.depth - 1]);
    return 0;
}

/* Little-endian 16- and 32-bit fields of a zip record. */
static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}
static unsigned long le32(const unsigned char *p)
{
    return (unsigned long)le16(p) | (unsigned long)le16(p + 2) << 16;
}

/* Inflates (method 8) or copies (method 0) one part; a new buffer (*out, *out_n) or NULL. */
static unsigned char *part_data(const unsigned char *data, unsigned long csize, unsigned long usize,
                                unsigned method, size_t *out_n)
{
    unsigned char *out = malloc(usize ? usize : 1);
    if (!out) return NULL;
    if (method == 0) {
        if (csize != usize) {
            free(out);
            return NULL;
        }
        memcpy(out, data, usize);
        *out_n = usize;
        return out;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (method != 8 || inflateInit2(&z, -MAX_WBITS) != Z_OK) {
        free(out);
        return NULL;
    }
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)csize;
    z.next_out = out;
    z.avail_out = (uInt)usize;
    int rc = inflate(&z, Z_FINISH);
    *out_n = usize - z.avail_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END || *out_n != usize) {
        free(out);
        return NULL;
    }
    return out;
}

/* Checks every .xml/.rels part of the zip in buf; 0 when all are well-formed. */
static int check_zip(const unsigned char *buf, size_t n, char *why, size_t cap)
{
    size_t e = n >= 22 ? n - 22 : 0;
    while (e > 0 && le32(buf + e) != 0x06054b50UL) e--;
    if (n < 22 || le32(buf + e) != 0x06054b50UL) {
        snprintf(why, cap, "not a zip file (no end of central directory)");
        return 1;
    }
    unsigned count = le16(buf + e + 10);
    unsigned long off = le32(buf + e + 16);
    for (unsigned k = 0; k < count; k++) {
        if (off + 46 > n || le32(buf + off) != 0x02014b50UL) {
            snprintf(why, cap, "central directory entry %u is damaged", k);
            return 1;
        }
        unsigned method = le16(buf + off + 10);
        unsigned long csize = le32(buf + off + 20), usize = le32(buf + off + 24);
        unsigned nl = le16(buf + off + 28), xl = le16(buf + off + 30), cl = le16(buf + off + 32);
        unsigned long loc = le32(buf + off + 42);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(nl < 255 ? nl : 255),
                 (const char *)buf + off + 46);
        off += 46 + nl + xl + cl;
        size_t len = strlen(name);
        bool xml = (len > 4 && !strcmp(name + len - 4, ".xml")) ||
                   (len > 5 && !strcmp(name + len - 5, ".rels"));
        if (!xml) continue;
        if (loc + 30 > n || le32(buf + loc) != 0x04034b50UL) {
            snprintf(why, cap, "%s: local header damaged", name);
            return 1;
        }
        unsigned long data = loc + 30 + le16(buf + loc + 26) + le16(buf + loc + 28);
        if (data + csize > n) {
            snprintf(why, cap, "%s: data runs past the end of the file", name);
            return 1;
        }
        size_t pn = 0;
        unsigned char *part = part_data(buf + data, csize, usize, method, &pn);
        if (!part) {
            snprintf(why, cap, "%s: cannot be inflated", name);
            return 1;
        }
        char reason[240];
        int rc = xml_check_document(part, pn, reason, sizeof reason);
        free(part);
        if (rc) {
            snprintf(why, cap, "%s: %s", name, reason);
            return 1;
        }
    }
    return 0;
}

int xml_check_package(const char *path, char *why, size_t cap)
{
    size_t n = 0;
    unsigned char *buf = fuzz_read_file(path, &n);
    if (!buf) {
        snprintf(why, cap, "%s: cannot read", path);
        return 1;
    }
    int rc = check_zip(buf, n, why, cap);
    free(buf);
    return rc;
}
