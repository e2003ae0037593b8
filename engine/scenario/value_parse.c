/*
 * value_parse.c - a small hand-written scanner for scenario values.
 *
 * Grammar (whitespace allowed around every token):
 *   value  := item ("," item)*
 *   item   := number | dname "(" number ("," number)* ")"
 *   number := [+-]? (digits ["." digits] | "." digits) [(e|E) [+-]? digits]
 * Numbers are converted by strtod only after the scanner has accepted the
 * token, so strtod's extras (hex, "inf", "nan") never get through. A comma
 * directly followed by three digits is refused as a thousands separator
 * (docs/decisions.md item 4), inside a distribution as well as in a list.
 */
#include "scenario/value_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/suggest.h"

/* What a value may look like; appended to syntax errors. */
#define VALID_FORMS                                                         \
    "a value is a number such as 0.15 or 4258000, a per-year list such as " \
    "`40, 36, 32`, or a distribution such as `pert(0.01, 0.02, 0.04)`"

/* The six distributions a scenario may name, in MODEL.md order. */
static const char *const dist_names[] = { "normal", "uniform", "triangular",
                                          "pert",   "beta",    "lognormal" };

/* Parameter names of each kind, for arity messages. */
static const char *dist_signature(hn_dist_kind k)
{
    switch (k) {
    case HN_DIST_NORMAL: return "normal(mean, sd)";
    case HN_DIST_UNIFORM: return "uniform(min, max)";
    case HN_DIST_TRIANGULAR: return "triangular(min, mode, max)";
    case HN_DIST_PERT: return "pert(min, mode, max)";
    case HN_DIST_BETA: return "beta(a, b)";
    case HN_DIST_LOGNORMAL: return "lognormal(mean, sd)";
    default: return "a number";
    }
}

/* Scanner state over one value's text; msg receives the first error. */
typedef struct {
    const char *s; /* whole text */
    const char *p; /* current position */
    char *msg;
    size_t cap;
} scan;

/* Writes a printf-style message into the scanner's buffer; returns HN_ERR_SCENARIO. */
static hn_status fail(scan *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static hn_status fail(scan *sc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc->msg, sc->cap, fmt, ap);
    va_end(ap);
    hn_utf8_fit(sc->msg, sc->cap);
    return HN_ERR_SCENARIO;
}

/* Skips spaces and tabs. */
static void skip_ws(scan *sc)
{
    while (*sc->p == ' ' || *sc->p == '\t') sc->p++;
}

/* Copies at most 24 bytes of the text at p, up to the next space or comma, into buf. */
static const char *snippet(const char *p, char *buf, size_t cap)
{
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != ',' && n < 24 && n + 1 < cap) n++;
    if (n == 0 && p[0] && cap > 1) n = 1;
    /* Do not cut a UTF-8 sequence in half. */
    while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80 && n < cap - 1 && p[n]) n++;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* True when the text at p is a comma followed directly by three digits. */
static bool is_thousands(const char *p)
{
    return p[0] == ',' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
           isdigit((unsigned char)p[3]);
}

/* Error for a thousands separator at p (a ','); looks back for the number before it. */
static hn_status fail_thousands(scan *sc)
{
    const char *a = sc->p;
    while (a > sc->s && (isdigit((unsigned char)a[-1]) || a[-1] == '.')) a--;
    const char *b = sc->p + 1;
    while (isdigit((unsigned char)*b) || is_thousands(b)) b++;
    int len = (int)(b - a);
    if (len > 40) len = 40;
    char clean[48];
    int k = 0;
    for (int i = 0; i < len && k < 47; i++)
        if (a[i] != ',') clean[k++] = a[i];
    clean[k] = '\0';
    return fail(sc,
                "`%.*s` uses a thousands separator: write numbers without one (%s); "
                "separate list items and distribution parameters with \", \" "
                "(a comma and a space)",
                len, a, clean);
}

/* Errors for a word that is not a distribution: nan, inf, a typo. */
static hn_status fail_word(scan *sc, const char *word)
{
    if (!strcasecmp(word, "nan"))
        return fail(sc, "NaN is not a value a scenario can use (%s)", VALID_FORMS);
    if (!strcasecmp(word, "inf") || !strcasecmp(word, "infinity"))
        return fail(sc,
                    "infinity is not a value a scenario can use (for an uncapped "
                    "provision leave out `places`; %s)",
                    VALID_FORMS);
    /* Names are lower case: `PERT` and `Normal` are near misses like `prt` (decisions R12). */
    char lower[64];
    size_t n = 0;
    for (; word[n] && n + 1 < sizeof lower; n++) lower[n] = (char)tolower((unsigned char)word[n]);
    lower[n] = '\0';
    const char *near = suggest_best(lower, dist_names, sizeof dist_names / sizeof *dist_names);
    if (near)
        return fail(sc,
                    "unknown distribution `%s`; did you mean `%s`? (distributions: "
                    "normal, uniform, triangular, pert, beta, lognormal; names are lower case)",
                    word, near);
    return fail(sc,
                "`%s` is not a number or a distribution (%s; distributions: normal, "
                "uniform, triangular, pert, beta, lognormal)",
                word, VALID_FORMS);
}

/*
 * Scans one number at the current position into *out and advances past it.
 * Refuses a missing number, %, NaN/inf words, overflow.
 */
static hn_status scan_number(scan *sc, double *out)
{
    const char *start = sc->p, *q = sc->p;
    char buf[64];
    if (*q == '+' || *q == '-') q++;
    const char *mant = q;
    while (isdigit((unsigned char)*q)) q++;
    bool digits = q > mant;
    if (*q == '.') {
        q++;
        const char *frac = q;
        while (isdigit((unsigned char)*q)) q++;
        digits = digits || q > frac;
    }
    if (!digits) {
        if (isalpha((unsigned char)*mant)) {
            const char *w = mant;
            while (isalnum((unsigned char)*w) || *w == '_') w++;
            char word[32];
            snprintf(word, sizeof word, "%.*s", (int)(w - mant), mant);
            hn_dist_kind k;
            if (dist_kind_from_name(word, &k) && k != HN_DIST_CONST)
                return fail(sc,
                            "`%s` cannot be used here: distribution parameters are "
                            "numbers, and a distribution takes no sign",
                            word);
            return fail_word(sc, word);
        }
        if (!strncmp(start, "\xc2\xa3", 2))
            return fail(sc, "write amounts without the pound sign: `%s` (%s)",
                        snippet(start, buf, sizeof buf), VALID_FORMS);
        if (*start == '\0') return fail(sc, "a number is missing (%s)", VALID_FORMS);
        return fail(sc, "`%s` is not a number (%s)", snippet(start, buf, sizeof buf), VALID_FORMS);
    }
    if (*q == 'e' || *q == 'E') {
        const char *e = q + 1;
        if (*e == '+' || *e == '-') e++;
        if (isdigit((unsigned char)*e)) {
            while (isdigit((unsigned char)*e)) e++;
            q = e;
        }
    }
    size_t len = (size_t)(q - start);
    if (len >= 400) return fail(sc, "a number of %zu characters is too long", len);
    char tok[400];
    memcpy(tok, start, len);
    tok[len] = '\0';
    errno = 0;
    char *end = NULL;
    double v = strtod(tok, &end);
    if (end != tok + len) return fail(sc, "`%s` is not a number (%s)", tok, VALID_FORMS);
    if (isinf(v) || isnan(v))
        return fail(sc, "`%s` is too large for a number (the largest is about 1.8e308)", tok);
    sc->p = q;
    if (*q == '%') { /* the fraction to write, never rounded (decisions R18) */
        char frac[32];
        return fail(sc, "`%s%%` is a percentage: write it as a fraction (%s)", tok,
                    dist_number_past(v / 100.0, NAN, frac, sizeof frac));
    }
    if (is_thousands(q)) {
        return fail_thousands(sc);
    }
    *out = v;
    return HN_OK;
}

/* Scans a distribution whose name (already read, from start) is word; the position is just after
 * it. */
static hn_status scan_dist(scan *sc, const char *start, const char *word, hn_dist *d)
{
    hn_dist_kind k;
    if (!dist_kind_from_name(word, &k) || k == HN_DIST_CONST) return fail_word(sc, word);
    skip_ws(sc);
    if (*sc->p != '(')
        return fail(sc, "`%s` must be followed by its parameters in brackets: %s", word,
                    dist_signature(k));
    sc->p++;
    int want = dist_param_count(k), got = 0;
    double p[3] = { 0, 0, 0 };
    for (;;) {
        skip_ws(sc);
        if (*sc->p == ')' && got == 0)
            return fail(sc, "%s takes %d parameters: %s", word, want, dist_signature(k));
        double v;
        hn_status st = scan_number(sc, &v);
        if (st != HN_OK) return st;
        if (got < 3) p[got] = v;
        got++;
        skip_ws(sc);
        if (*sc->p == ',') {
            sc->p++;
            continue;
        }
        if (*sc->p == ')') {
            sc->p++;
            break;
        }
        char buf[32];
        if (*sc->p == '\0')
            return fail(sc, "`%s(` has no closing bracket: write %s", word, dist_signature(k));
        return fail(sc, "unexpected `%s` in %s(...): write %s", snippet(sc->p, buf, sizeof buf),
                    word, dist_signature(k));
    }
    if (got != want)
        return fail(sc, "%s takes %d parameters, not %d: %s", word, want, got, dist_signature(k));
    d->kind = k;
    memcpy(d->p, p, sizeof p);
    const char *why = dist_check(d);
    if (why) { /* quoted as written, never rounded (decisions R18) */
        int len = (int)(sc->p - start);
        if (len > 200) len = hn_utf8_prefix(start, 200);
        return fail(sc, "%.*s: %s", len, start, why);
    }
    return HN_OK;
}

/* Scans one list item (number or distribution) at the current position. */
static hn_status scan_item(scan *sc, hn_dist *d)
{
    skip_ws(sc);
    if (isalpha((unsigned char)*sc->p)) {
        const char *w = sc->p;
        while (isalnum((unsigned char)*sc->p) || *sc->p == '_') sc->p++;
        char word[32];
        snprintf(word, sizeof word, "%.*s", (int)(sc->p - w), w);
        return scan_dist(sc, w, word, d);
    }
    double v;
    hn_status st = scan_number(sc, &v);
    if (st != HN_OK) return st;
    d->kind = HN_DIST_CONST;
    d->p[0] = v;
    d->p[1] = d->p[2] = 0;
    return HN_OK;
}

hn_status value_parse(const char *text, hn_dist **items, int *n, char *msg, size_t cap)
{
    scan sc = { text, text, msg, cap };
    *items = NULL;
    *n = 0;
    if (msg && cap) msg[0] = '\0';
    int count = 0, room = 0;
    hn_dist *arr = NULL;
    hn_status st = HN_OK;
    skip_ws(&sc);
    if (*sc.p == '\0') {
        st = fail(&sc, "the value is empty (%s)", VALID_FORMS);
        goto out;
    }
    for (;;) {
        if (count == room) {
            int nroom = room ? room * 2 : 4;
            hn_dist *t = realloc(arr, (size_t)nroom * sizeof *t);
            if (!t) {
                snprintf(msg, cap, "out of memory");
                st = HN_ERR_NOMEM;
                goto out;
            }
            arr = t;
            room = nroom;
        }
        st = scan_item(&sc, &arr[count]);
        if (st != HN_OK) goto out;
        count++;
        skip_ws(&sc);
        if (*sc.p == '\0') break;
        if (*sc.p == ',') {
            if (is_thousands(sc.p)) {
                st = fail_thousands(&sc);
                goto out;
            }
            sc.p++;
            skip_ws(&sc);
            if (*sc.p == '\0') {
                st = fail(&sc, "the list ends with a comma (%s)", VALID_FORMS);
                goto out;
            }
            continue;
        }
        char buf[32];
        if (*sc.p == '%')
            st = fail(&sc, "a percentage is not allowed: write it as a fraction (5%% is 0.05)");
        else if (isdigit((unsigned char)*sc.p) && arr[count - 1].kind == HN_DIST_CONST)
            st = fail(&sc, "a space inside a number: write numbers without spaces or "
                           "separators (10 000 is 10000); separate list items with \", \"");
        else if (*sc.p == '(')
            st = fail(&sc, "unexpected `(`: a distribution starts with its name, e.g. "
                           "`normal(0.03, 0.01)`");
        else
            st = fail(&sc, "unexpected `%s` after the value (%s)", snippet(sc.p, buf, sizeof buf),
                      VALID_FORMS);
        goto out;
    }
out:
    if (st != HN_OK) {
        free(arr);
        return st;
    }
    *items = arr;
    *n = count;
    return HN_OK;
}

/* Copies item i of text (items end at commas outside brackets) into buf, trimmed; returns buf. */
const char *value_item_text(const char *text, int i, char *buf, size_t cap)
{
    if (!cap) return buf;
    buf[0] = '\0';
    const char *p = text;
    for (int k = 0; k < i; k++) { /* skip to the comma that ends item k */
        int depth = 0;
        for (; *p && !(*p == ',' && depth == 0); p++) depth += (*p == '(') - (*p == ')');
        if (!*p) return buf;
        p++;
    }
    while (*p == ' ' || *p == '\t') p++;
    const char *e = p;
    for (int depth = 0; *e && !(*e == ',' && depth == 0); e++) depth += (*e == '(') - (*e == ')');
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
    size_t len = (size_t)(e - p) < cap - 1 ? (size_t)(e - p) : cap - 1;
    len = (size_t)hn_utf8_prefix(p, (int)len); /* never half a character */
    memcpy(buf, p, (size_t)len);
    buf[len] = '\0';
    return buf;
}

hn_status value_parse_uint(const char *text, uint64_t *out, char *msg, size_t cap)
{
    scan sc = { text, text, msg, cap };
    skip_ws(&sc);
    const char *d = sc.p;
    uint64_t v = 0;
    bool overflow = false;
    while (isdigit((unsigned char)*sc.p)) {
        unsigned digit = (unsigned)(*sc.p - '0');
        if (v > (UINT64_MAX - digit) / 10)
            overflow = true;
        else
            v = v * 10 + digit;
        sc.p++;
    }
    if (sc.p == d) {
        if (*sc.p == '\0') return fail(&sc, "the value is empty: write a whole number");
        char buf[32];
        return fail(&sc, "`%s` is not a whole number (write digits only, e.g. 2021)",
                    snippet(sc.p, buf, sizeof buf));
    }
    if (is_thousands(sc.p)) return fail_thousands(&sc);
    skip_ws(&sc);
    if (*sc.p != '\0') {
        char buf[32];
        if (*sc.p == '.' || *sc.p == 'e' || *sc.p == 'E')
            return fail(&sc, "`%s` is not a whole number (write digits only)", text);
        return fail(&sc, "unexpected `%s` after %.*s (write a whole number only)",
                    snippet(sc.p, buf, sizeof buf), (int)(sc.p - d), d);
    }
    if (overflow) return fail(&sc, "`%s` is too large (at most 18446744073709551615)", text);
    *out = v;
    return HN_OK;
}

bool value_is_name(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_')) return false;
    return true;
}

void value_free_names(char **names, int n)
{
    if (!names) return;
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

hn_status value_parse_names(const char *text, char ***names, int *n, char *msg, size_t cap)
{
    *names = NULL;
    *n = 0;
    int count = 0;
    for (const char *q = text; *q; q++)
        if (*q == ',') count++;
    count++;
    char **arr = calloc((size_t)count, sizeof *arr);
    if (!arr) {
        snprintf(msg, cap, "out of memory");
        return HN_ERR_NOMEM;
    }
    const char *p = text;
    for (int i = 0; i < count; i++) {
        const char *e = strchr(p, ',');
        if (!e) e = p + strlen(p);
        const char *a = p, *b = e;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        arr[i] = malloc((size_t)(b - a) + 1);
        if (!arr[i]) {
            value_free_names(arr, count);
            snprintf(msg, cap, "out of memory");
            return HN_ERR_NOMEM;
        }
        memcpy(arr[i], a, (size_t)(b - a));
        arr[i][b - a] = '\0';
        if (!*arr[i]) {
            snprintf(msg, cap, "%s",
                     count == 1 ? "no name given (write names separated by \", \")"
                                : "an empty name in the list (write names "
                                  "separated by \", \", e.g. `a, b`)");
            value_free_names(arr, count);
            return HN_ERR_SCENARIO;
        }
        if (!value_is_name(arr[i])) {
            snprintf(msg, cap,
                     "`%.*s` is not a name (names use lowercase letters, digits and '_'; "
                     "separate them with \", \")",
                     hn_utf8_prefix(arr[i], 64), arr[i]);
            value_free_names(arr, count);
            return HN_ERR_SCENARIO;
        }
        p = *e ? e + 1 : e;
    }
    *names = arr;
    *n = count;
    return HN_OK;
}
