/*
 * scenario_load.c - from sections and keys to a validated hn_scenario.
 *
 * The second stage of scenario_load (the first, scenario_raw.c, reads the
 * files and applies `extends`). Every key a section may hold is a row of
 * its table in scenario_keys.h (keys.h has them as data): what it is (text,
 * name, names, whole number, parameter, a file's path), its domain and
 * flags, its default
 * and its field. An unknown key is an error that offers the closest known
 * one. Each section is then built in file order, its keys in table order by
 * what they are (build_key: one piece of code per STORE, none per key),
 * references between sections are resolved, and the rules of MODEL.md
 * section 3 and docs/decisions.md items 1-12 are checked, the domain rules
 * through scenario/domain.h. Every error names the file, line, section and
 * key (hn_error_at). Finally every parameter gets its slot, the audit
 * trail (sources, entries) is copied over, and the history file the
 * scenario names (`history`, MODEL.md section 9) is read against it.
 */
#include "scenario/scenario.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/domain.h"
#include "scenario/keys.h"
#include "scenario/history.h"
#include "scenario/scenario_corr.h"
#include "scenario/scenario_raw.h"
#include "scenario/s251.h"
#include "base/suggest.h"
#include "scenario/value_parse.h"

/* ------------------------------------------------------------------ */
/* Build context and error helpers                                    */
/* ------------------------------------------------------------------ */

typedef struct {
    hn_scenario *sc;
    const raw_doc *raw;
    hn_error *err;
    const raw_section **seg_sec;  /* raw section of each segment */
    const raw_section **prov_sec; /* raw section of each provision */
    const char **prov_names;      /* for suggestions */
    const char **seg_names;
} ctx;

/* Error at file:line in section, about key: formats fmt/ap and fits it to the message size. */
static hn_status error_vat(ctx *c, const char *file, int line, const char *section, const char *key,
                           const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static hn_status error_vat(ctx *c, const char *file, int line, const char *section, const char *key,
                           const char *fmt, va_list ap)
{
    char msg[900];
    vsnprintf(msg, sizeof msg, fmt, ap);
    hn_utf8_fit(msg, sizeof msg);
    return hn_error_at(c->err, file, line, section, key, "%s", msg);
}

/* Error at key k of section s. */
static hn_status key_error(ctx *c, const raw_section *s, const raw_key *k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static hn_status key_error(ctx *c, const raw_section *s, const raw_key *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hn_status st = error_vat(c, k->file, k->line, s->name, k->key, fmt, ap);
    va_end(ap);
    return st;
}

/* Error at the header of section s, about key (NULL for the section as a whole). */
static hn_status section_error(ctx *c, const raw_section *s, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static hn_status section_error(ctx *c, const raw_section *s, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hn_status st = error_vat(c, s->file, s->line, s->name, key, fmt, ap);
    va_end(ap);
    return st;
}

/* Out of memory. */
static hn_status nomem(ctx *c)
{
    return hn_error_set(c->err, HN_ERR_NOMEM, "out of memory while loading the scenario");
}

/* Joins names into buf as "a, b, c" (truncated with "..." when long); "none" when empty. */
static const char *join_names(const char *const *names, int n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    if (n == 0) {
        snprintf(buf, cap, "none");
        return buf;
    }
    for (int i = 0; i < n; i++) {
        int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= cap - len) {
            if (cap > 4) snprintf(buf + cap - 4, 4, "...");
            break;
        }
        len += (size_t)w;
    }
    return buf;
}

/* The NAME part of "type.NAME". */
static const char *section_suffix(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? dot + 1 : name;
}

/* New "a.b" string, or NULL when out of memory. */
static char *cat2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s.%s", a, b);
    return s;
}

/* ------------------------------------------------------------------ */
/* Key lookup and unknown keys                                        */
/* ------------------------------------------------------------------ */

/* Lists a table's keys ("label, referrals, ..., exit.NAME") into buf. */
static const char *list_keys(const hn_key *table, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const hn_key *k = table; k->key && len < cap; k++) {
        if (k->store == HN_KEY_EXTENDS) continue;
        len += (size_t)snprintf(buf + len, cap - len, "%s%s%s", len ? ", " : "", k->key,
                                keys_is_pattern(k) ? "NAME" : "");
    }
    return buf;
}

/* Errors for a key the section's table does not know. */
static hn_status unknown_key(ctx *c, const raw_section *s, hn_sec t, const raw_key *k)
{
    const hn_key *table = keys_sections[t].keys;
    char keys[400];
    list_keys(table, keys, sizeof keys);
    /* A pattern key with a bad suffix. */
    for (const hn_key *sp = table; sp->key; sp++) {
        size_t n = strlen(sp->key);
        if (keys_is_pattern(sp) && !strncmp(k->key, sp->key, n))
            return key_error(c, s, k,
                             "`%s` needs a name after `%s`: write %sNAME, NAME of lowercase "
                             "letters, digits and '_'",
                             k->key, sp->key, sp->key);
    }
    /* Candidates: the table's keys; pattern keys completed with the key's own suffix. */
    const char *cands[32];
    char *owned[8];
    int nc = 0, no = 0;
    const char *dot = strchr(k->key, '.');
    for (const hn_key *sp = table; sp->key && nc < 32; sp++) {
        if (sp->store == HN_KEY_EXTENDS) continue;
        if (keys_is_pattern(sp)) {
            if (dot && dot[1] && no < 8) {
                owned[no] = malloc(strlen(sp->key) + strlen(dot + 1) + 1);
                if (owned[no]) {
                    sprintf(owned[no], "%s%s", sp->key, dot + 1);
                    cands[nc++] = owned[no++];
                }
            }
        } else {
            cands[nc++] = sp->key;
        }
    }
    const char *near = suggest_best(k->key, cands, (size_t)nc);
    hn_status st;
    /* A key that belongs to another kind of section. */
    const char *home = NULL;
    for (int o = 0; o < HN_SEC__COUNT && !near; o++)
        if (o != (int)t && keys_sections[o].keys != table &&
            keys_find(keys_sections[o].keys, k->key))
            home = home ? home : keys_sections[o].shown;
    if (near)
        st = key_error(c, s, k, "unknown key `%s`; did you mean `%s`? (keys of %s: %s)", k->key,
                       near, keys_sections[t].shown, keys);
    else if (home)
        st = key_error(c, s, k,
                       "`%s` is not a key of %s; it belongs in a %s section (keys of %s: %s)",
                       k->key, keys_sections[t].shown, home, keys_sections[t].shown, keys);
    else
        st = key_error(c, s, k, "unknown key `%s` (keys of %s: %s)", k->key, keys_sections[t].shown,
                       keys);
    for (int i = 0; i < no; i++) free(owned[i]);
    return st;
}

/* Checks every key of s against its table, and that none is empty. */
static hn_status check_keys(ctx *c, const raw_section *s, hn_sec t)
{
    for (int i = 0; i < s->n_keys; i++) {
        const raw_key *k = &s->keys[i];
        if (!keys_find(keys_sections[t].keys, k->key)) return unknown_key(c, s, t, k);
        if (!*k->value)
            return key_error(c, s, k,
                             "the value is empty (write a value, or leave the key out to use "
                             "its default)");
    }
    for (const hn_key *sp = keys_sections[t].keys; sp->key; sp++)
        if ((sp->flags & HN_KEY_REQUIRED) && !raw_find_key(s, sp->key))
            return section_error(c, s, sp->key, "required key `%s` is missing", sp->key);
    return HN_OK;
}

/* ------------------------------------------------------------------ */
/* Parameters                                                         */
/* ------------------------------------------------------------------ */

/*
 * The items of key sp's default: its value when the default is one (as
 * written, "0"), else the constant 0 (the default is a word such as
 * "uncapped" that the section's code acts on). HN_ERR_NOMEM.
 */
static hn_status default_items(ctx *c, const hn_key *sp, hn_param *p)
{
    char msg[16];
    hn_status st = value_parse(sp->def, &p->items, &p->n, msg, sizeof msg);
    if (st == HN_ERR_NOMEM) return nomem(c);
    if (st == HN_OK) return HN_OK;
    p->n = 1;
    p->items = calloc(1, sizeof *p->items);
    if (!p->items) return nomem(c);
    p->items[0].kind = HN_DIST_CONST;
    return HN_OK;
}

/*
 * Builds p from key k of section s (or key sp's default when k is NULL),
 * checking each item against sp's domain (scenario/domain.h). pname is
 * the param's name (taken over; freed on failure too).
 */
static hn_status build_param(ctx *c, const raw_section *s, const raw_key *k, const hn_key *sp,
                             char *pname, hn_param *p)
{
    memset(p, 0, sizeof *p);
    p->name = pname;
    p->domain = (hn_domain)sp->domain;
    p->whole = (sp->flags & HN_KEY_WHOLE) != 0;
    p->slot = -1;
    if (!pname) return nomem(c);
    if (!k) {
        p->text = strdup("");
        if (!p->text) return nomem(c);
        return default_items(c, sp, p);
    }
    char msg[700];
    hn_status st = value_parse(k->value, &p->items, &p->n, msg, sizeof msg);
    if (st == HN_ERR_NOMEM) return nomem(c);
    if (st != HN_OK) return key_error(c, s, k, "%s", msg);
    int years = c->sc->years;
    if (p->n > 1 && (sp->flags & HN_KEY_SINGLE))
        return key_error(c, s, k,
                         "%d values given; `%s` takes one value (a number or a distribution), "
                         "not a per-year list",
                         p->n, k->key);
    if (p->n != 1 && p->n != years) {
        /* "1,5" may be a decimal comma rather than a list of two values. */
        bool tight = false;
        for (const char *q = k->value; *q; q++)
            if (q[0] == ',' && q[1] >= '0' && q[1] <= '9') tight = true;
        return key_error(c, s, k,
                         "%d values given; give one value (used every year) or exactly %d, one "
                         "per year (`years = %d`)%s",
                         p->n, years, years,
                         tight ? "; list items are separated by \", \" and decimals take a "
                                 "point (1.5, not 1,5)"
                               : "");
    }
    for (int i = 0; i < p->n && (sp->flags & HN_KEY_NUMBER); i++) /* decisions R17 */
        if (dist_is_random(&p->items[i]))
            return key_error(c, s, k,
                             "`%s` takes a number, not a distribution: it is a known figure, "
                             "which the Summary and every iteration must subtract alike; write "
                             "its value (this distribution's mean is %.15g)",
                             k->key, dist_mean(&p->items[i]));
    for (int i = 0; i < p->n; i++) {
        char where[32] = "", text[160];
        if (p->n > 1) snprintf(where, sizeof where, "year %d: ", i + 1);
        value_item_text(k->value, i, text, sizeof text); /* quoted as written (decisions R18) */
        if (!domain_check_item(p->domain, p->whole, k->key, &p->items[i], text, where, msg,
                               sizeof msg))
            return key_error(c, s, k, "%s", msg);
    }
    p->set = true;
    p->text = strdup(k->value);
    p->file = strdup(k->file);
    p->line = k->line;
    if (!p->text || !p->file) return nomem(c);
    return HN_OK;
}

/* ------------------------------------------------------------------ */
/* Text, names and whole numbers                                      */
/* ------------------------------------------------------------------ */

/*
 * Copies the value of TEXT or NAME key sp of s into *out, or its default:
 * the section's NAME for "NAME", another key's value when the default
 * names a key of the table, else the default's text.
 */
static hn_status text_of(ctx *c, const raw_section *s, const hn_key *table, const hn_key *sp,
                         char **out)
{
    const raw_key *k = raw_find_key(s, sp->key);
    const char *v = sp->def;
    if (k) {
        v = k->value;
    } else if (!strcmp(sp->def, "NAME")) {
        v = section_suffix(s->name);
    } else if (*sp->def && keys_find(table, sp->def)) {
        const raw_key *from = raw_find_key(s, sp->def);
        v = from ? from->value : "";
    }
    *out = strdup(v);
    return *out ? HN_OK : nomem(c);
}

/*
 * Resolves PATH key sp of s into *out: a new string, the value itself when
 * absolute, else relative to the folder of the file that wrote the key (a
 * parent's key stays relative to the parent); NULL when the key is absent.
 * (An empty value never gets here: scenario_raw.c refuses it for every key.)
 */
static hn_status path_of(ctx *c, const raw_section *s, const hn_key *sp, char **out)
{
    const raw_key *k = raw_find_key(s, sp->key);
    *out = NULL;
    if (!k) return HN_OK;
    *out = raw_path_beside(k->file, k->value);
    return *out ? HN_OK : nomem(c);
}

/* Parses whole-number key sp of s (INT, LONG, U64) into *out, its default when absent. */
static hn_status uint_of(ctx *c, const raw_section *s, const hn_key *sp, uint64_t *out)
{
    const raw_key *k = raw_find_key(s, sp->key);
    *out = strtoull(sp->def, NULL, 10);
    if (!k) return HN_OK;
    char msg[300];
    uint64_t v;
    if (value_parse_uint(k->value, &v, msg, sizeof msg) != HN_OK)
        return key_error(c, s, k, "%s; `%s` is a whole number from %llu to %llu", msg, sp->key,
                         (unsigned long long)sp->lo, (unsigned long long)sp->hi);
    if (v < sp->lo || v > sp->hi)
        return key_error(c, s, k, "%s is out of range; `%s` is a whole number from %llu to %llu",
                         k->value, sp->key, (unsigned long long)sp->lo, (unsigned long long)sp->hi);
    *out = v;
    return HN_OK;
}

/* Index of name in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return i;
    return -1;
}

/* Error for a name that is not a provision/segment (what = "provision"/"segment"). */
static hn_status unknown_ref(ctx *c, const raw_section *s, const raw_key *k, const char *name,
                             const char *what, const char *const *names, int n)
{
    char list[400];
    join_names(names, n, list, sizeof list);
    const char *near = suggest_best(name, names, (size_t)n);
    const char *kind = !strcmp(what, "provision") ? "[provision.*]" : "[demand.*]";
    if (near)
        return key_error(c, s, k, "`%s` is not a %s; did you mean `%s`? (%s sections: %s)", name,
                         what, near, kind, list);
    return key_error(c, s, k, "`%s` is not a %s (%s sections: %s)", name, what, kind, list);
}

/*
 * Resolves the names key `key` of s (PROVISIONS, SEGMENTS) against names[0..n) into a new index
 * array (*idx, *count; NULL/0 when the key is absent). what names the kind
 * for messages.
 */
static hn_status names_of(ctx *c, const raw_section *s, const char *key, const char *what,
                          const char *const *names, int n, int **idx, int *count)
{
    *idx = NULL;
    *count = 0;
    const raw_key *k = raw_find_key(s, key);
    if (!k) return HN_OK;
    char msg[300];
    char **list;
    int m;
    hn_status st = value_parse_names(k->value, &list, &m, msg, sizeof msg);
    if (st == HN_ERR_NOMEM) return nomem(c);
    if (st != HN_OK) return key_error(c, s, k, "%s", msg);
    int *out = malloc((size_t)m * sizeof *out);
    if (!out) {
        value_free_names(list, m);
        return nomem(c);
    }
    for (int i = 0; i < m && st == HN_OK; i++) {
        out[i] = name_index(names, n, list[i]);
        if (out[i] < 0) st = unknown_ref(c, s, k, list[i], what, names, n);
        for (int j = 0; j < i && st == HN_OK; j++)
            if (out[j] == out[i]) st = key_error(c, s, k, "`%s` is named twice", list[i]);
    }
    value_free_names(list, m);
    if (st != HN_OK) {
        free(out);
        return st;
    }
    *idx = out;
    *count = m;
    return HN_OK;
}

/*
 * Resolves one provision's name, the value of PROVISION key sp of s, into
 * *out (-1 when the key is absent).
 */
static hn_status provision_of(ctx *c, const raw_section *s, const hn_key *sp, int *out)
{
    const raw_key *k = raw_find_key(s, sp->key);
    *out = -1;
    if (!k) return HN_OK;
    if (!value_is_name(k->value))
        return key_error(c, s, k,
                         "`%s` is not a provision name: `%s` names one provision (lowercase "
                         "letters, digits and '_')",
                         k->value, sp->key);
    *out = name_index(c->prov_names, c->sc->n_provisions, k->value);
    if (*out < 0)
        return unknown_ref(c, s, k, k->value, "provision", c->prov_names, c->sc->n_provisions);
    return HN_OK;
}

/* The words on_close takes besides a provision's name, with what each means. */
static const struct {
    const char *word;
    int destination; /* HN_CLOSE_* */
} close_words[] = { { "pool", HN_CLOSE_POOL }, { "mainstream", HN_CLOSE_MAINSTREAM } };

/*
 * Resolves the value of DESTINATION key sp of s (`pool`, `mainstream` or a
 * provision's name) into *out: a provision's index or HN_CLOSE_*; the
 * default (`pool`) when the key is absent. An unknown name is an error that
 * lists what is valid, with the closest as a suggestion.
 */
static hn_status destination_of(ctx *c, const raw_section *s, const hn_key *sp, int *out)
{
    const raw_key *k = raw_find_key(s, sp->key);
    const char *v = k ? k->value : sp->def;
    for (size_t i = 0; i < sizeof close_words / sizeof *close_words; i++)
        if (!strcmp(v, close_words[i].word)) {
            *out = close_words[i].destination;
            return HN_OK;
        }
    *out = name_index(c->prov_names, c->sc->n_provisions, v);
    if (*out >= 0 || !k) return HN_OK;
    const char *cands[2 + HN_MAX_PROVISIONS];
    int nc = 0;
    for (size_t i = 0; i < sizeof close_words / sizeof *close_words; i++)
        cands[nc++] = close_words[i].word;
    for (int j = 0; j < c->sc->n_provisions && nc < 2 + HN_MAX_PROVISIONS; j++)
        cands[nc++] = c->prov_names[j];
    char list[400];
    join_names(cands, nc, list, sizeof list);
    const char *near = value_is_name(v) ? suggest_best(v, cands, (size_t)nc) : NULL;
    if (near)
        return key_error(c, s, k,
                         "`%s` is not pool, mainstream or a provision; did you mean `%s`? "
                         "(`%s` takes: %s)",
                         v, near, sp->key, list);
    return key_error(c, s, k, "`%s` is not pool, mainstream or a provision (`%s` takes: %s)", v,
                     sp->key, list);
}

/* ------------------------------------------------------------------ */
/* Key families                                                       */
/* ------------------------------------------------------------------ */

/* The provision's initial occupants, one param per segment (plain `initial` or initial.SEG). */
static hn_status build_initial(ctx *c, const raw_section *s, void *obj, int self)
{
    (void)self;
    hn_provision *p = obj;
    hn_scenario *sc = c->sc;
    const hn_key *table = keys_sections[HN_SEC_PROVISION].keys;
    const hn_key *plain_sp = keys_find(table, "initial");
    const hn_key *pat_sp = keys_find(table, "initial.x");
    const raw_key *plain = raw_find_key(s, "initial");
    if (plain && p->n_serves == 0)
        return key_error(c, s, plain,
                         "a plain `initial` needs `serves` (its occupants belong to the first "
                         "segment served); add `serves = SEGMENT`, or write initial.SEGMENT = N");
    const raw_key **from = calloc((size_t)(sc->n_segments ? sc->n_segments : 1), sizeof *from);
    if (!from) return nomem(c);
    hn_status st = HN_OK;
    /* Which key gives each segment's initial occupants. */
    for (int i = 0; i < s->n_keys && st == HN_OK; i++) {
        const raw_key *k = &s->keys[i];
        if (strncmp(k->key, "initial.", 8) != 0) continue;
        int g = name_index(c->seg_names, sc->n_segments, k->key + 8);
        if (g < 0) {
            st = unknown_ref(c, s, k, k->key + 8, "segment", c->seg_names, sc->n_segments);
            break;
        }
        if (plain && g == p->serves[0])
            st = key_error(c, s, k,
                           "both `initial` (line %d) and `%s` give the initial occupants of "
                           "`%s`, the first segment in `serves`: keep one",
                           plain->line, k->key, k->key + 8);
        from[g] = k;
    }
    if (st == HN_OK && plain) from[p->serves[0]] = plain;
    if (st == HN_OK && sc->n_segments > 0) {
        p->initial = calloc((size_t)sc->n_segments, sizeof *p->initial);
        if (!p->initial) st = nomem(c);
    }
    for (int g = 0; g < sc->n_segments && st == HN_OK; g++) {
        const raw_key *k = from[g];
        char *pname = k ? cat2(s->name, k->key) : NULL;
        if (!k) {
            char key[HN_MAX_NAME + 16];
            snprintf(key, sizeof key, "initial.%s", c->seg_names[g]);
            pname = cat2(s->name, key);
        }
        st = build_param(c, s, k, k == plain && plain ? plain_sp : pat_sp, pname, &p->initial[g]);
    }
    /* Decisions item 9: largest possible initial <= smallest possible year-1 places. */
    if (st == HN_OK && p->places.set) {
        double places_lo = domain_places_low(p);
        double sum = 0;
        for (int i = 0; i < s->n_keys; i++) {
            const raw_key *k = &s->keys[i];
            int g = -1;
            if (k == plain)
                g = p->serves[0];
            else if (!strncmp(k->key, "initial.", 8))
                g = name_index(c->seg_names, sc->n_segments, k->key + 8);
            if (g < 0) continue;
            sum += dist_upper(param_item(&p->initial[g], 0));
            if (!domain_initial_fits(sum, places_lo)) {
                char a[32], b[32];
                st = key_error(c, s, k,
                               "initial occupants can reach %s but year-1 places can be as "
                               "low as %s: initial must not exceed year-1 places",
                               dist_number_past(sum, places_lo, a, sizeof a),
                               dist_number_past(places_lo, sum, b, sizeof b));
                break;
            }
        }
    }
    free(from);
    return st;
}

/*
 * Checks that the largest possible sum of a source's probabilities ps[0..n)
 * (domain.h) is <= 1 in every year (decisions item 7). Keys absent from s
 * count 0. Blames the key at which the running sum, in the section's key
 * order, first passes 1 in the first year where it does.
 */
static hn_status check_source(ctx *c, const raw_section *s, const hn_param **ps, int n,
                              const char *what)
{
    const raw_key **keys = calloc((size_t)(n ? n : 1), sizeof *keys);
    if (!keys) return nomem(c);
    size_t skip = strlen(s->name) + 1; /* a param's name is "section.key" */
    for (int i = 0; i < n; i++) {
        keys[i] = raw_find_key(s, ps[i]->name + skip);
        /* Into key order (keys point into s->keys; absent ones first, they add nothing). */
        for (int j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
            const raw_key *tk = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = tk;
            const hn_param *tp = ps[j];
            ps[j] = ps[j - 1];
            ps[j - 1] = tp;
        }
    }
    hn_status st = HN_OK;
    for (int y = 0; y < c->sc->years && st == HN_OK; y++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!keys[i]) continue;
            sum += param_upper(ps[i], y);
            if (domain_sum_ok(sum)) continue;
            char terms[600], num[32];
            size_t len = 0;
            terms[0] = '\0';
            for (int j = 0; j <= i && len < sizeof terms; j++) {
                if (!keys[j]) continue;
                len += (size_t)snprintf(terms + len, sizeof terms - len, "%s%s %s",
                                        len ? " + " : "", keys[j]->key,
                                        dist_number_past(param_upper(ps[j], y), NAN, num, 32));
            }
            st = key_error(c, s, keys[i],
                           "%s can add up to %s per term in year %d (%s); their largest "
                           "possible sum must be <= 1",
                           what, dist_number_past(sum, 1, num, sizeof num), y + 1, terms);
            break;
        }
    }
    free(keys);
    return st;
}

/* The provision's exit.* keys, in file order (targets resolved; sum checked). */
static hn_status build_exits(ctx *c, const raw_section *s, void *obj, int self)
{
    hn_provision *p = obj;
    hn_scenario *sc = c->sc;
    int n = 0;
    for (int i = 0; i < s->n_keys; i++)
        if (!strncmp(s->keys[i].key, "exit.", 5)) n++;
    if (n == 0) return HN_OK;
    p->exits = calloc((size_t)n, sizeof *p->exits);
    if (!p->exits) return nomem(c);
    hn_status st = HN_OK;
    const hn_key *sp = keys_find(keys_sections[HN_SEC_PROVISION].keys, "exit.x");
    for (int i = 0; i < s->n_keys && st == HN_OK; i++) {
        const raw_key *k = &s->keys[i];
        if (strncmp(k->key, "exit.", 5) != 0) continue;
        const char *tname = k->key + 5;
        hn_exit *e = &p->exits[p->n_exits];
        e->target = 0;
        int t = -1;
        for (int j = 0; j < HN_N_EXIT_TARGETS; j++)
            if (!strcmp(tname, keys_exit_targets[j].name)) e->target = keys_exit_targets[j].target;
        if (e->target == 0) {
            t = name_index(c->prov_names, sc->n_provisions, tname);
            if (t < 0) {
                const char *cands[HN_N_EXIT_TARGETS + 256];
                int nc = 0;
                for (int j = 0; j < HN_N_EXIT_TARGETS; j++) cands[nc++] = keys_exit_targets[j].name;
                for (int j = 0; j < sc->n_provisions && nc < HN_N_EXIT_TARGETS + 256; j++)
                    cands[nc++] = c->prov_names[j];
                char list[400];
                join_names(cands, nc, list, sizeof list);
                const char *near = suggest_best(tname, cands, (size_t)nc);
                if (near)
                    st = key_error(c, s, k,
                                   "`%s` is not a provision or an exit target; did you mean "
                                   "`exit.%s`? (targets: %s)",
                                   tname, near, list);
                else
                    st = key_error(c, s, k,
                                   "`%s` is not a provision or an exit target (targets: %s)", tname,
                                   list);
                break;
            }
            if (t == self) {
                st = key_error(c, s, k, "a provision cannot exit to itself");
                break;
            }
            e->target = t;
        }
        e->target_name = strdup(tname);
        if (!e->target_name) {
            st = nomem(c);
            break;
        }
        p->n_exits++; /* counted before build_param so that a failure frees this one too */
        st = build_param(c, s, k, sp, cat2(s->name, k->key), &e->prob);
    }
    if (st != HN_OK) return st;
    const hn_param **ps = malloc((size_t)p->n_exits * sizeof *ps);
    if (!ps) return nomem(c);
    int m = domain_exit_source(p, ps);
    st = check_source(c, s, ps, m, "the exit probabilities of this provision");
    free(ps);
    return st;
}

/*
 * Reads S251 key sp of s into *out: the line's index in the table of
 * scenario/s251.h, HN_S251_NONE when absent; an unknown code is an error
 * that lists the known ones.
 */
static hn_status s251_of(ctx *c, const raw_section *s, const hn_key *sp, int *out)
{
    const raw_key *k = raw_find_key(s, sp->key);
    *out = HN_S251_NONE;
    if (!k) return HN_OK;
    *out = s251_find(k->value);
    if (*out != HN_S251_NONE) return HN_OK;
    char known[200];
    s251_list(known, sizeof known);
    return key_error(c, s, k,
                     "`%s` is not a Section 251 high-needs line; the known lines are %s "
                     "(MODEL.md section 8)",
                     k->value, known);
}

/* How each family of scenario_keys.h is read (self: the provision's index). */
static const struct {
    const hn_key_family *family;
    hn_status (*build)(ctx *c, const raw_section *s, void *obj, int self);
} family_builders[] = { { &keys_family_initial, build_initial },
                        { &keys_family_exit, build_exits } };

/* ------------------------------------------------------------------ */
/* Sections                                                           */
/* ------------------------------------------------------------------ */

/*
 * Reads key sp of section s (type t) into its field of obj, by what the
 * key is (its STORE): the one piece of code every key of that STORE goes
 * through. self is the object's index among its type.
 */
static hn_status build_key(ctx *c, const raw_section *s, hn_sec t, const hn_key *sp, void *obj,
                           int self)
{
    hn_scenario *sc = c->sc;
    void *f = keys_field(obj, sp);
    uint64_t v;
    hn_status st;
    switch (sp->store) {
    case HN_KEY_TEXT:
    case HN_KEY_NAME: return text_of(c, s, keys_sections[t].keys, sp, f);
    case HN_KEY_PROVISION: return provision_of(c, s, sp, f);
    case HN_KEY_DESTINATION: return destination_of(c, s, sp, f);
    case HN_KEY_PROVISIONS:
        return names_of(c, s, sp->key, "provision", c->prov_names, sc->n_provisions, f,
                        (int *)((char *)obj + sp->off_n));
    case HN_KEY_SEGMENTS:
        return names_of(c, s, sp->key, "segment", c->seg_names, sc->n_segments, f,
                        (int *)((char *)obj + sp->off_n));
    case HN_KEY_INT:
    case HN_KEY_LONG:
    case HN_KEY_U64:
        if ((st = uint_of(c, s, sp, &v)) != HN_OK) return st;
        if (sp->store == HN_KEY_INT)
            *(int *)f = (int)v;
        else if (sp->store == HN_KEY_LONG)
            *(long *)f = (long)v;
        else
            *(uint64_t *)f = v;
        return HN_OK;
    case HN_KEY_PARAM:
        return build_param(c, s, raw_find_key(s, sp->key), sp, cat2(s->name, sp->key), f);
    case HN_KEY_FAMILY:
        for (size_t i = 0; i < sizeof family_builders / sizeof *family_builders; i++)
            if (family_builders[i].family == sp->family)
                return family_builders[i].build(c, s, obj, self);
        return HN_OK;
    case HN_KEY_PATH: return path_of(c, s, sp, f);
    case HN_KEY_EXTENDS: return HN_OK; /* scenario_raw.c's */
    case HN_KEY_S251: return s251_of(c, s, sp, f);
    }
    return HN_OK;
}

/* Reads every key of section s (type t, the self-th of its type) into obj, in table order. */
static hn_status build_keys(ctx *c, const raw_section *s, hn_sec t, void *obj, int self)
{
    const hn_key *table = keys_sections[t].keys;
    for (const hn_key *sp = table; sp->key; sp++) {
        bool again = false; /* a family is read once, at its first row */
        for (const hn_key *q = table; q < sp && sp->store == HN_KEY_FAMILY; q++)
            again |= q->family == sp->family;
        if (again) continue;
        hn_status st = build_key(c, s, t, sp, obj, self);
        if (st != HN_OK) return st;
    }
    return HN_OK;
}

/* [scenario]: decisions item 2. */
static hn_status build_scenario(ctx *c, const raw_section *s)
{
    hn_scenario *sc = c->sc;
    hn_status st = check_keys(c, s, HN_SEC_SCENARIO);
    if (st != HN_OK) return st;
    const raw_key *nk = raw_find_key(s, "name");
    if (!value_is_name(nk->value))
        return key_error(c, s, nk,
                         "`%s` is not a valid scenario name: use lowercase letters, digits and "
                         "'_' (it names output files and CSV rows; put a readable title in "
                         "`title`)",
                         nk->value);
    if ((st = build_keys(c, s, HN_SEC_SCENARIO, sc, 0)) != HN_OK) return st;
    sc->has_budget = sc->budget.set;
    sc->has_inflation = sc->inflation.set;
    return HN_OK;
}

/* [demand.NAME]: a segment (route references are checked here, the rest at the end). */
static hn_status build_segment(ctx *c, const raw_section *s, hn_sec t, void *obj, int self)
{
    hn_segment *g = obj;
    hn_status st = check_keys(c, s, t);
    if (st == HN_OK) st = build_keys(c, s, t, g, self);
    if (st != HN_OK) return st;
    g->referrals_per_year = g->referrals.set && g->referrals.n > 1;
    if (g->referrals_per_year && g->growth.set) {
        const raw_key *gk = raw_find_key(s, "growth");
        return key_error(c, s, gk,
                         "`referrals` is a per-year list (line %d), which admits no `growth`: "
                         "put the growth into the list, or give one referrals value",
                         g->referrals.line);
    }
    const hn_param *pool[2];
    int n = domain_pool_source(g, pool);
    return check_source(c, s, pool, n, "exclusion + resolve");
}

/* [provision.NAME] (the overflow loop check comes at the end). */
static hn_status build_provision(ctx *c, const raw_section *s, hn_sec t, void *obj, int self)
{
    hn_provision *p = obj;
    hn_status st = check_keys(c, s, t);
    if (st != HN_OK) return st;
    for (int j = 0; j < HN_N_EXIT_TARGETS; j++)
        if (!strcmp(p->name, keys_exit_targets[j].name))
            return section_error(c, s, NULL,
                                 "a provision cannot be called `%s`: mainstream, left and "
                                 "excluded are exit targets (exit.%s)",
                                 p->name, p->name);
    if (!strcmp(p->name, close_words[0].word))
        return section_error(c, s, NULL,
                             "a provision cannot be called `pool`: `on_close = pool` sends a "
                             "closed provision's pupils back to their segment's pool");
    if ((st = build_keys(c, s, t, p, self)) != HN_OK) return st;
    p->capped = p->places.set;
    p->commissioned_is_places = !p->commissioned.set && p->capped; /* decisions item 11 */
    return HN_OK;
}

/* [cost.NAME] or [income.NAME]. */
static hn_status build_money(ctx *c, const raw_section *s, hn_sec t, void *obj, int self)
{
    hn_status st = check_keys(c, s, t);
    return st == HN_OK ? build_keys(c, s, t, obj, self) : st;
}

/*
 * Errors at key `growth` of s when it is set beside a per-year list `of`
 * (a growth applies to one value; the list already says every year).
 */
static hn_status growth_rule(ctx *c, const raw_section *s, const hn_param *of,
                             const hn_param *growth, const char *of_key, const char *growth_key)
{
    if (!(of->set && of->n > 1 && growth->set)) return HN_OK;
    return key_error(c, s, raw_find_key(s, growth_key),
                     "`%s` is a per-year list (line %d), which admits no `%s`: put the growth "
                     "into the list, or give one %s value",
                     of_key, of->line, growth_key, of_key);
}

/* [dsg] (MODEL.md section 8): growth only with one value, targets one a year. */
static hn_status build_dsg(ctx *c, const raw_section *s, hn_sec t, void *obj, int self)
{
    hn_dsg *d = obj;
    hn_status st = check_keys(c, s, t);
    if (st == HN_OK) st = build_keys(c, s, t, d, self);
    if (st == HN_OK)
        st = growth_rule(c, s, &d->allocation, &d->allocation_growth, "allocation",
                         "allocation_growth");
    if (st == HN_OK)
        st = growth_rule(c, s, &d->other_spend, &d->other_growth, "other_spend", "other_growth");
    if (st != HN_OK) return st;
    if (d->targets.set && d->targets.n != c->sc->years)
        return key_error(c, s, raw_find_key(s, "targets"),
                         "1 value given; `targets` takes one year-end balance target per year, "
                         "%d values (`years = %d`): a target differs from year to year",
                         c->sc->years, c->sc->years);
    return HN_OK;
}

/* How each section type of a NAME is built ([scenario] comes first, by build_scenario). */
static hn_status (*const section_builders[HN_SEC__COUNT])(ctx *c, const raw_section *s, hn_sec t,
                                                          void *obj, int self) = {
    [HN_SEC_DEMAND] = build_segment, [HN_SEC_PROVISION] = build_provision,
    [HN_SEC_COST] = build_money,     [HN_SEC_INCOME] = build_money,
    [HN_SEC_DSG] = build_dsg,
};

/* ------------------------------------------------------------------ */
/* Whole-scenario rules                                               */
/* ------------------------------------------------------------------ */

/* The provision after q along the chain of the provision field at offset off (-1: none). */
static int chain_next(const hn_scenario *sc, int q, size_t off)
{
    int next;
    memcpy(&next, (const char *)&sc->provisions[q] + off, sizeof next);
    return next;
}

/*
 * Errors at key `key` of provision i when following the provision field at
 * offset off (overflow, on_close) from i comes back to i: "WHAT (a -> b ->
 * a): FIX".
 */
static hn_status check_chain(ctx *c, int i, size_t off, const char *key, const char *what,
                             const char *fix)
{
    hn_scenario *sc = c->sc;
    int j = chain_next(sc, i, off);
    for (int step = 0; j >= 0 && step < sc->n_provisions; step++) {
        if (j == i) {
            char chain[600];
            size_t len = 0;
            int q = i;
            for (int r = 0; r <= step + 1 && len < sizeof chain; r++) {
                len += (size_t)snprintf(chain + len, sizeof chain - len, "%s%s", r ? " -> " : "",
                                        sc->provisions[q].name);
                q = chain_next(sc, q, off);
            }
            const raw_section *s = c->prov_sec[i];
            return key_error(c, s, raw_find_key(s, key), "%s (%s): %s", what, chain, fix);
        }
        j = chain_next(sc, j, off);
    }
    return HN_OK;
}

/* Overflow chains must not loop (MODEL.md section 3). */
static hn_status check_overflow(ctx *c)
{
    for (int i = 0; i < c->sc->n_provisions; i++) {
        hn_status st = check_chain(c, i, offsetof(hn_provision, overflow), "overflow",
                                   "the overflow chain loops",
                                   "it must end at a provision without `overflow`");
        if (st != HN_OK) return st;
    }
    return HN_OK;
}

/* True when provision p can have no places in year y (0-based): closed (MODEL.md section 4). */
static bool can_close(const hn_provision *p, int y)
{
    /* A sampled count is rounded, so a draw below one half is 0. */
    return p->capped && dist_lower(param_item(&p->places, y)) < 0.5;
}

/*
 * on_close (MODEL.md section 4, Closing): a provision named there must not
 * be closed in a year in which the provision naming it can close, and
 * following on_close from provision to provision must never come back.
 */
static hn_status check_on_close(ctx *c)
{
    hn_scenario *sc = c->sc;
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *p = &sc->provisions[i];
        const raw_section *s = c->prov_sec[i];
        if (p->on_close < 0) continue;
        hn_status st =
            check_chain(c, i, offsetof(hn_provision, on_close), "on_close", "on_close loops",
                        "it must end at pool, mainstream or a provision whose "
                        "on_close does");
        if (st != HN_OK) return st;
        const hn_provision *q = &sc->provisions[p->on_close];
        for (int y = 0; y < sc->years; y++)
            if (can_close(p, y) && can_close(q, y))
                return key_error(c, s, raw_find_key(s, "on_close"),
                                 "`%s` can have no places in year %d too (places = %s), when "
                                 "this provision can close: it cannot take its pupils that "
                                 "year; name a provision open that year, pool or mainstream",
                                 q->name, y + 1, q->places.text);
    }
    return HN_OK;
}

/* excluded_route: required when pupils can be excluded, last uncapped (decisions item 10). */
static hn_status check_excluded_routes(ctx *c)
{
    hn_scenario *sc = c->sc;
    int excluder = -1; /* a provision whose exit.excluded can be > 0 */
    for (int p = 0; p < sc->n_provisions && excluder < 0; p++)
        for (int e = 0; e < sc->provisions[p].n_exits; e++)
            if (sc->provisions[p].exits[e].target == HN_EXIT_EXCLUDED &&
                param_upper(&sc->provisions[p].exits[e].prob, -1) > 0)
                excluder = p;
    for (int g = 0; g < sc->n_segments; g++) {
        const hn_segment *seg = &sc->segments[g];
        const raw_section *s = c->seg_sec[g];
        if (seg->n_excluded_route > 0) {
            const hn_provision *last =
                &sc->provisions[seg->excluded_route[seg->n_excluded_route - 1]];
            if (last->capped)
                return key_error(c, s, raw_find_key(s, "excluded_route"),
                                 "the last provision, `%s`, has `places`: the last of "
                                 "excluded_route must be uncapped (no `places`) so that every "
                                 "excluded pupil is placed",
                                 last->name);
            continue;
        }
        bool own = param_upper(&seg->exclusion, -1) > 0;
        if (own || excluder >= 0) {
            char why[160];
            if (own)
                snprintf(why, sizeof why, "its `exclusion` can be > 0");
            else
                snprintf(why, sizeof why, "[provision.%s] has an exit.excluded that can be > 0",
                         sc->provisions[excluder].name);
            return section_error(c, s, "excluded_route",
                                 "`excluded_route` is required: pupils of this segment can be "
                                 "permanently excluded (%s); name the provisions that take "
                                 "them, the last one uncapped",
                                 why);
        }
    }
    return HN_OK;
}

/*
 * Reads the file of [scenario] `history` (history_file, resolved by
 * path_of) against the built scenario (history.h): it names segments,
 * provisions and years, so it is read once they all are. A file that
 * cannot be read as a whole (cannot be opened, not text, empty) is blamed
 * on the key; an error inside it names its own line.
 */
static hn_status load_history(ctx *c, const raw_section *s)
{
    hn_scenario *sc = c->sc;
    if (!sc->history_file) return HN_OK;
    const char *path = sc->history_file;
    hn_status st = history_load(path, sc, &sc->history, c->err);
    if (st == HN_OK || c->err->line != 0 || strcmp(c->err->file, path) != 0) return st;
    const raw_key *k = raw_find_key(s, "history");
    char why[sizeof c->err->message];
    size_t skip = strlen(path) + 2; /* the message starts "PATH: " */
    snprintf(why, sizeof why, "%s",
             strncmp(c->err->message, path, strlen(path)) ? c->err->message
                                                          : c->err->message + skip);
    return key_error(c, s, k, "the history file `%s` (%s) %s", k->value, path, why);
}

/* ------------------------------------------------------------------ */
/* Params, entries, sources                                           */
/* ------------------------------------------------------------------ */

/* Lists every param in drawing order (keys_params: counted, not written by hand) with its slot. */
static hn_status collect_params(ctx *c)
{
    hn_scenario *sc = c->sc;
    int n = keys_params(sc, NULL);
    sc->params = calloc((size_t)(n ? n : 1), sizeof *sc->params);
    if (!sc->params) return nomem(c);
    sc->n_params = keys_params(sc, sc->params);
    for (int i = 0; i < sc->n_params; i++) sc->params[i]->slot = i * sc->years;
    sc->n_slots = sc->n_params * sc->years;
    return HN_OK;
}

/* Means of a numeric key's values (the first in e->mean, each in e->means), for the audit trail. */
static bool entry_mean(const raw_section *s, const raw_key *k, hn_entry *e)
{
    const hn_key *sp = keys_find(keys_sections[keys_section_type(s->name)].keys, k->key);
    if (!sp) return false;
    if (sp->store == HN_KEY_INT || sp->store == HN_KEY_LONG || sp->store == HN_KEY_U64) {
        e->mean = e->means[0] = strtod(k->value, NULL);
        e->n_means = 1;
        return true;
    }
    if (!keys_is_param(sp)) return false;
    hn_dist *items;
    int n;
    char msg[16];
    if (value_parse(k->value, &items, &n, msg, sizeof msg) != HN_OK) return false;
    e->mean = dist_mean(&items[0]);
    e->n_means = n < HN_MAX_YEARS ? n : HN_MAX_YEARS;
    for (int i = 0; i < e->n_means; i++) e->means[i] = dist_mean(&items[i]);
    free(items);
    return true;
}

/* Copies the merged keys (entries, each with the comment that cites it) and the files read (sources) into the scenario. */
static hn_status copy_audit(ctx *c)
{
    hn_scenario *sc = c->sc;
    const raw_doc *raw = c->raw;
    int n = 0;
    for (int i = 0; i < raw->n_sections; i++) n += raw->sections[i].n_keys;
    sc->entries = calloc((size_t)(n ? n : 1), sizeof *sc->entries);
    sc->sources = calloc((size_t)raw->n_sources, sizeof *sc->sources);
    if (!sc->entries || !sc->sources) return nomem(c);
    for (int i = 0; i < raw->n_sources; i++) {
        hn_source *src = &sc->sources[sc->n_sources++];
        src->path = strdup(raw->sources[i].path);
        memcpy(src->sha256, raw->sources[i].sha256, sizeof src->sha256);
        if (!src->path) return nomem(c);
    }
    for (int i = 0; i < raw->n_sections; i++) {
        const raw_section *s = &raw->sections[i];
        for (int j = 0; j < s->n_keys; j++) {
            const raw_key *k = &s->keys[j];
            hn_entry *e = &sc->entries[sc->n_entries++];
            e->section = strdup(s->name);
            e->key = strdup(k->key);
            e->value = strdup(k->value);
            e->comment = k->comment ? strdup(k->comment) : NULL;
            e->file = strdup(k->file);
            e->line = k->line;
            e->has_mean = entry_mean(s, k, e);
            if (!e->section || !e->key || !e->value || !e->file || (k->comment && !e->comment))
                return nomem(c);
        }
    }
    return HN_OK;
}

/* ------------------------------------------------------------------ */
/* The whole build                                                    */
/* ------------------------------------------------------------------ */

/* Builds sc from the merged sections. */
static hn_status build(ctx *c)
{
    hn_scenario *sc = c->sc;
    const raw_doc *raw = c->raw;
    const raw_section *scen = raw_find_section(raw, "scenario");
    if (raw->n_sections == 0)
        return hn_error_at(c->err, raw->sources[0].path, 0, NULL, NULL,
                           "the file has no sections (is it empty?): a scenario needs at least "
                           "a [scenario] section with `name`, `start_year` and `baseline_cost`");
    if (!scen)
        return hn_error_at(c->err, raw->sources[0].path, 0, NULL, NULL,
                           "no [scenario] section: every scenario needs one, with at least "
                           "`name`, `start_year` and `baseline_cost`");
    hn_status st = build_scenario(c, scen);
    if (st != HN_OK) return st;

    /* Count and name the objects of every named type first: references need them all. */
    int count[HN_SEC__COUNT] = { 0 };
    for (int i = 0; i < raw->n_sections; i++) count[keys_section_type(raw->sections[i].name)]++;
    for (int t = 0; t < HN_SEC__COUNT; t++)
        if (keys_sections[t].named && !keys_alloc(sc, (hn_sec)t, count[t])) return nomem(c);
    c->seg_sec = calloc((size_t)count[HN_SEC_DEMAND] + 1, sizeof *c->seg_sec);
    c->prov_sec = calloc((size_t)count[HN_SEC_PROVISION] + 1, sizeof *c->prov_sec);
    c->seg_names = calloc((size_t)count[HN_SEC_DEMAND] + 1, sizeof *c->seg_names);
    c->prov_names = calloc((size_t)count[HN_SEC_PROVISION] + 1, sizeof *c->prov_names);
    if (!c->seg_sec || !c->prov_sec || !c->seg_names || !c->prov_names) return nomem(c);
    for (int i = 0; i < raw->n_sections; i++) {
        const raw_section *s = &raw->sections[i];
        hn_sec t = keys_section_type(s->name);
        const hn_key_section *ks = &keys_sections[t];
        if (!ks->named) continue;
        int *n = (int *)((char *)sc + ks->count_off);
        char **name = (char **)((char *)keys_object(sc, t, *n) + ks->name_off);
        if (t == HN_SEC_DEMAND) c->seg_sec[*n] = s;
        if (t == HN_SEC_PROVISION) c->prov_sec[*n] = s;
        (*n)++;
        *name = strdup(section_suffix(s->name));
        if (!*name) return nomem(c);
    }
    for (int g = 0; g < sc->n_segments; g++) c->seg_names[g] = sc->segments[g].name;
    for (int p = 0; p < sc->n_provisions; p++) c->prov_names[p] = sc->provisions[p].name;

    /* Build every section in file order. */
    int built[HN_SEC__COUNT] = { 0 };
    for (int i = 0; i < raw->n_sections && st == HN_OK; i++) {
        const raw_section *s = &raw->sections[i];
        hn_sec t = keys_section_type(s->name);
        if (!section_builders[t]) continue;
        int self = built[t]++;
        st = section_builders[t](c, s, t, keys_object(sc, t, self), self);
    }
    if (st == HN_OK) st = check_overflow(c);
    if (st == HN_OK) st = check_on_close(c);
    if (st == HN_OK) st = check_excluded_routes(c);
    if (st == HN_OK) st = collect_params(c);
    if (st == HN_OK) st = scenario_correlations(sc, raw_find_section(raw, "correlation"), c->err);
    if (st == HN_OK) st = copy_audit(c);
    if (st == HN_OK) st = load_history(c, raw_find_section(raw, "scenario"));
    return st;
}

hn_status scenario_load(const char *path, hn_scenario **out, hn_error *err)
{
    *out = NULL;
    hn_error_clear(err);
    raw_doc raw;
    hn_status st = raw_load(path, &raw, err);
    if (st != HN_OK) return st;
    hn_scenario *sc = calloc(1, sizeof *sc);
    if (!sc) {
        raw_free(&raw);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory while loading the scenario");
    }
    ctx c = { sc, &raw, err, NULL, NULL, NULL, NULL };
    st = build(&c);
    free(c.seg_sec);
    free(c.prov_sec);
    free(c.seg_names);
    free(c.prov_names);
    raw_free(&raw);
    if (st != HN_OK) {
        scenario_free(sc);
        return st;
    }
    *out = sc;
    return HN_OK;
}

void scenario_free(hn_scenario *sc)
{
    if (!sc) return;
    keys_free(sc);
    free(sc->params);
    for (int i = 0; i < sc->n_correlations; i++) free(sc->correlations[i].file);
    free(sc->correlations);
    for (int i = 0; i < sc->n_sources; i++) free(sc->sources[i].path);
    free(sc->sources);
    for (int i = 0; i < sc->n_entries; i++) {
        free(sc->entries[i].section);
        free(sc->entries[i].key);
        free(sc->entries[i].value);
        free(sc->entries[i].comment);
        free(sc->entries[i].file);
    }
    free(sc->entries);
    history_free(sc->history);
    free(sc);
}

int scenario_provision_index(const hn_scenario *sc, const char *name)
{
    if (!sc || !name) return -1;
    for (int i = 0; i < sc->n_provisions; i++)
        if (!strcmp(sc->provisions[i].name, name)) return i;
    return -1;
}

int scenario_segment_index(const hn_scenario *sc, const char *name)
{
    if (!sc || !name) return -1;
    for (int i = 0; i < sc->n_segments; i++)
        if (!strcmp(sc->segments[i].name, name)) return i;
    return -1;
}
