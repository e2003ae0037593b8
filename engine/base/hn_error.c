/*
 * hn_error.c - the status table and the formatting of error values.
 */
#include "base/hn_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const hn_status_names[HN_ERR__COUNT] = {
    [HN_OK] = "ok",
    [HN_ERR_USAGE] = "usage",
    [HN_ERR_SCENARIO] = "scenario",
    [HN_ERR_LIMIT] = "limit",
    [HN_ERR_IO] = "io",
    [HN_ERR_NOMEM] = "nomem",
    [HN_ERR_INTERNAL] = "internal",
    [HN_ERR_INTERRUPTED] = "interrupted",
};

const char *hn_status_name(hn_status s)
{
    if ((int)s < 0 || s >= HN_ERR__COUNT || !hn_status_names[s]) return "unknown";
    return hn_status_names[s];
}

int hn_status_exit_code(hn_status s)
{
    switch (s) {
    case HN_OK: return 0;
    case HN_ERR_USAGE:
    case HN_ERR_SCENARIO:
    case HN_ERR_LIMIT: return 2;
    case HN_ERR_INTERRUPTED: return 130;
    default: return 1;
    }
}

void hn_error_clear(hn_error *e)
{
    if (e) memset(e, 0, sizeof *e);
}

int hn_utf8_prefix(const char *s, int max)
{
    int n = 0;
    while (n < max && s[n]) n++;
    if (s[n] == '\0') return n; /* nothing was cut */
    /* Back off over continuation bytes to the start of the cut sequence, and drop it. */
    int k = n;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    return k;
}

void hn_utf8_fit(char *s, size_t cap)
{
    size_t len = strlen(s);
    if (len + 1 < cap) return; /* not full: nothing was cut */
    s[hn_utf8_prefix(s, (int)len - 1)] = '\0';
}

/* Copies src into a fixed buffer, truncating on a whole UTF-8 sequence; NULL becomes "". */
static void copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
    hn_utf8_fit(dst, cap);
}

hn_status hn_error_set(hn_error *e, hn_status s, const char *fmt, ...)
{
    if (!e) return s;
    hn_error_clear(e);
    e->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    hn_utf8_fit(e->message, sizeof e->message);
    return s;
}

hn_status hn_error_at(hn_error *e, const char *file, int line, const char *section, const char *key,
                      const char *fmt, ...)
{
    if (!e) return HN_ERR_SCENARIO;
    hn_error_clear(e);
    e->status = HN_ERR_SCENARIO;
    copy_field(e->file, sizeof e->file, file);
    e->line = line;
    copy_field(e->section, sizeof e->section, section);
    copy_field(e->key, sizeof e->key, key);

    size_t n = 0, cap = sizeof e->message;
    char *m = e->message;
    if (file && *file) {
        n += (size_t)snprintf(m + n, cap - n, "%s", file);
        if (line > 0 && n < cap) n += (size_t)snprintf(m + n, cap - n, ":%d", line);
        if (n < cap) n += (size_t)snprintf(m + n, cap - n, ": ");
    }
    if (section && *section && n < cap) n += (size_t)snprintf(m + n, cap - n, "[%s] ", section);
    if (key && *key && n < cap) n += (size_t)snprintf(m + n, cap - n, "%s: ", key);
    if (n < cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m + n, cap - n, fmt, ap);
        va_end(ap);
    }
    hn_utf8_fit(m, cap);
    return HN_ERR_SCENARIO;
}
