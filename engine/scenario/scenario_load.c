/*
 * scenario_load.c - from sections and keys to a validated hn_scenario.
 *
 * The second stage of scenario_load (the first, scenario_raw.c, reads the
 * files and applies `extends`). Every key a section may hold is listed in
 * one table per section type below, with what it is (text, name, names,
 * whole number, parameter), its domain (MODEL.md section 2) and flags; an
 * unknown key is an error that offers the closest known one. Then each
 * section is built in file order, references between sections are
 * resolved, and the rules of MODEL.md section 3 and docs/decisions.md
 * items 1-12 are checked. Every error names the file, line, section and key
 * (hn_error_at). Finally every parameter gets its slot, and the audit trail
 * (sources, entries) is copied over.
 */
#include "scenario/scenario.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/history.h"
#include "scenario/scenario_corr.h"
#include "scenario/scenario_raw.h"
#include "base/suggest.h"
#include "scenario/value_parse.h"

/* ------------------------------------------------------------------ */
/* Key tables                                                         */
/* ------------------------------------------------------------------ */

/* What a key's value is. */
typedef enum {
    K_TEXT,   /* free text (labels)                       */
    K_NAME,   /* one name of [a-z0-9_]+                    */
    K_NAMES,  /* comma-separated names                     */
    K_INT,    /* whole number within [lo, hi]              */
    K_SEED,   /* whole number 0..2^64-1                    */
    K_PARAM,  /* number, per-year list or distribution(s)  */
    K_EXTENDS /* handled by scenario_raw.c                 */
} key_kind;

enum {
    F_REQUIRED = 1, /* must be present                                  */
    F_SINGLE = 2,   /* one value, not a per-year list                   */
    F_WHOLE = 4,    /* constants must be whole numbers (decisions 5)    */
    F_PATTERN = 8   /* name is a prefix: "exit." matches exit.NAME      */
};

typedef struct {
    const char *name;
    key_kind kind;
    hn_domain domain; /* K_PARAM only */
    unsigned flags;
    long lo, hi; /* K_INT only */
} key_spec;

/* Section types, for tables and messages. */
typedef enum { SEC_SCENARIO, SEC_DEMAND, SEC_PROVISION, SEC_COST, SEC_INCOME, SEC__COUNT } sec_type;

static const key_spec scenario_keys[] = { { "name", K_NAME, 0, F_REQUIRED, 0, 0 },
                                          { "title", K_TEXT, 0, 0, 0, 0 },
                                          { "authority", K_TEXT, 0, 0, 0, 0 },
                                          { "start_year", K_INT, 0, F_REQUIRED, 1990, 2100 },
                                          { "years", K_INT, 0, 0, 1, HN_MAX_YEARS },
                                          { "terms", K_INT, 0, 0, 1, HN_MAX_TERMS },
                                          { "iterations", K_INT, 0, 0, 1, 100000000 },
                                          { "seed", K_SEED, 0, 0, 0, 0 },
                                          { "baseline_cost", K_PARAM, HN_DOMAIN_MONEY,
                                            F_REQUIRED | F_SINGLE, 0, 0 },
                                          { "budget", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
                                          { "inflation", K_PARAM, HN_DOMAIN_RATE, 0, 0, 0 },
                                          { "extends", K_EXTENDS, 0, 0, 0, 0 },
                                          { "history", K_TEXT, 0, 0, 0, 0 },
                                          { NULL, 0, 0, 0, 0, 0 } };

static const key_spec demand_keys[] = { { "label", K_TEXT, 0, 0, 0, 0 },
                                        { "referrals", K_PARAM, HN_DOMAIN_COUNT, 0, 0, 0 },
                                        { "growth", K_PARAM, HN_DOMAIN_RATE, 0, 0, 0 },
                                        { "initial", K_PARAM, HN_DOMAIN_COUNT, F_SINGLE | F_WHOLE,
                                          0, 0 },
                                        { "route", K_NAMES, 0, 0, 0, 0 },
                                        { "exclusion", K_PARAM, HN_DOMAIN_PROBABILITY, 0, 0, 0 },
                                        { "resolve", K_PARAM, HN_DOMAIN_PROBABILITY, 0, 0, 0 },
                                        { "ehcna", K_PARAM, HN_DOMAIN_PROBABILITY, 0, 0, 0 },
                                        { "excluded_route", K_NAMES, 0, 0, 0, 0 },
                                        { NULL, 0, 0, 0, 0, 0 } };

static const key_spec provision_keys[] = {
    { "label", K_TEXT, 0, 0, 0, 0 },
    { "kind", K_TEXT, 0, 0, 0, 0 },
    { "serves", K_NAMES, 0, 0, 0, 0 },
    { "places", K_PARAM, HN_DOMAIN_COUNT, F_WHOLE, 0, 0 },
    { "initial", K_PARAM, HN_DOMAIN_COUNT, F_SINGLE | F_WHOLE, 0, 0 },
    { "initial.", K_PARAM, HN_DOMAIN_COUNT, F_SINGLE | F_WHOLE | F_PATTERN, 0, 0 },
    { "place_funding", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
    { "commissioned", K_PARAM, HN_DOMAIN_COUNT, 0, 0, 0 },
    { "cost_per_pupil", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
    { "cost_per_start", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
    { "fixed_cost", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
    { "income_per_pupil", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
    { "income_per_start", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
    { "exit.", K_PARAM, HN_DOMAIN_PROBABILITY, F_PATTERN, 0, 0 },
    { "ehcna", K_PARAM, HN_DOMAIN_PROBABILITY, 0, 0, 0 },
    { "overflow", K_NAME, 0, 0, 0, 0 },
    { NULL, 0, 0, 0, 0, 0 }
};

static const key_spec money_keys[] = { { "label", K_TEXT, 0, 0, 0, 0 },
                                       { "amount", K_PARAM, HN_DOMAIN_MONEY, 0, 0, 0 },
                                       { NULL, 0, 0, 0, 0, 0 } };

/* Table and written form of each section type. */
static const struct {
    const char *prefix; /* "provision." ("scenario" for the one without a name) */
    const char *shown;  /* "[provision.*]" */
    const key_spec *keys;
} sec_info[SEC__COUNT] = {
    [SEC_SCENARIO] = { "scenario", "[scenario]", scenario_keys },
    [SEC_DEMAND] = { "demand.", "[demand.*]", demand_keys },
    [SEC_PROVISION] = { "provision.", "[provision.*]", provision_keys },
    [SEC_COST] = { "cost.", "[cost.*]", money_keys },
    [SEC_INCOME] = { "income.", "[income.*]", money_keys },
};

/* Exit targets that are not provisions (docs/decisions.md item 1). */
static const struct {
    const char *name;
    int target;
} exit_targets[] = { { "mainstream", HN_EXIT_MAINSTREAM },
                     { "left", HN_EXIT_LEFT },
                     { "excluded", HN_EXIT_EXCLUDED } };
#define N_EXIT_TARGETS 3

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

/* Type of a (header-checked) section. */
static sec_type section_type(const char *name)
{
    for (int t = 0; t < SEC__COUNT; t++) {
        size_t n = strlen(sec_info[t].prefix);
        if (!strncmp(name, sec_info[t].prefix, n)) return (sec_type)t;
    }
    return SEC_SCENARIO;
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

/* The spec of key in table, or NULL. Pattern keys need a non-empty suffix. */
static const key_spec *find_spec(const key_spec *table, const char *key)
{
    for (const key_spec *s = table; s->name; s++) {
        if (s->flags & F_PATTERN) {
            size_t n = strlen(s->name);
            if (!strncmp(key, s->name, n) && key[n]) return s;
        } else if (!strcmp(key, s->name)) {
            return s;
        }
    }
    return NULL;
}

/* Lists a table's keys ("label, referrals, ..., exit.NAME") into buf. */
static const char *list_keys(const key_spec *table, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (const key_spec *s = table; s->name && len < cap; s++) {
        if (s->kind == K_EXTENDS) continue;
        len += (size_t)snprintf(buf + len, cap - len, "%s%s%s", len ? ", " : "", s->name,
                                (s->flags & F_PATTERN) ? "NAME" : "");
    }
    return buf;
}

/* Errors for a key the section's table does not know. */
static hn_status unknown_key(ctx *c, const raw_section *s, sec_type t, const raw_key *k)
{
    const key_spec *table = sec_info[t].keys;
    char keys[400];
    list_keys(table, keys, sizeof keys);
    /* A pattern key with a bad suffix. */
    for (const key_spec *sp = table; sp->name; sp++) {
        size_t n = strlen(sp->name);
        if ((sp->flags & F_PATTERN) && !strncmp(k->key, sp->name, n))
            return key_error(c, s, k,
                             "`%s` needs a name after `%s`: write %sNAME, NAME of lowercase "
                             "letters, digits and '_'",
                             k->key, sp->name, sp->name);
    }
    /* Candidates: the table's keys; pattern keys completed with the key's own suffix. */
    const char *cands[32];
    char *owned[8];
    int nc = 0, no = 0;
    const char *dot = strchr(k->key, '.');
    for (const key_spec *sp = table; sp->name && nc < 32; sp++) {
        if (sp->kind == K_EXTENDS) continue;
        if (sp->flags & F_PATTERN) {
            if (dot && dot[1] && no < 8) {
                owned[no] = malloc(strlen(sp->name) + strlen(dot + 1) + 1);
                if (owned[no]) {
                    sprintf(owned[no], "%s%s", sp->name, dot + 1);
                    cands[nc++] = owned[no++];
                }
            }
        } else {
            cands[nc++] = sp->name;
        }
    }
    const char *near = suggest_best(k->key, cands, (size_t)nc);
    hn_status st;
    /* A key that belongs to another kind of section. */
    const char *home = NULL;
    for (int o = 0; o < SEC__COUNT && !near; o++)
        if (o != (int)t && sec_info[o].keys != table && find_spec(sec_info[o].keys, k->key))
            home = home ? home : sec_info[o].shown;
    if (near)
        st = key_error(c, s, k, "unknown key `%s`; did you mean `%s`? (keys of %s: %s)", k->key,
                       near, sec_info[t].shown, keys);
    else if (home)
        st = key_error(c, s, k,
                       "`%s` is not a key of %s; it belongs in a %s section (keys of %s: %s)",
                       k->key, sec_info[t].shown, home, sec_info[t].shown, keys);
    else
        st = key_error(c, s, k, "unknown key `%s` (keys of %s: %s)", k->key, sec_info[t].shown,
                       keys);
    for (int i = 0; i < no; i++) free(owned[i]);
    return st;
}

/* Checks every key of s against its table, and that none is empty. */
static hn_status check_keys(ctx *c, const raw_section *s, sec_type t)
{
    for (int i = 0; i < s->n_keys; i++) {
        const raw_key *k = &s->keys[i];
        if (!find_spec(sec_info[t].keys, k->key)) return unknown_key(c, s, t, k);
        if (!*k->value)
            return key_error(c, s, k,
                             "the value is empty (write a value, or leave the key out to use "
                             "its default)");
    }
    for (const key_spec *sp = sec_info[t].keys; sp->name; sp++)
        if ((sp->flags & F_REQUIRED) && !raw_find_key(s, sp->name))
            return section_error(c, s, sp->name, "required key `%s` is missing", sp->name);
    return HN_OK;
}

/* ------------------------------------------------------------------ */
/* Parameters                                                         */
/* ------------------------------------------------------------------ */

/* Frees what a param owns. */
static void param_free(hn_param *p)
{
    free(p->name);
    free(p->items);
    free(p->text);
    free(p->file);
    memset(p, 0, sizeof *p);
}

/* Describes an item for messages: "0.5" or "pert(0, 0.5, 1.2)". */
static const char *shown(const hn_dist *d, char *buf, int cap)
{
    dist_format(d, buf, cap);
    return buf;
}

/* Checks one item against its domain (MODEL.md section 2, decisions 5-7). */
static hn_status check_item(ctx *c, const raw_section *s, const raw_key *k, const key_spec *sp,
                            const hn_dist *d, const char *where)
{
    char b[160];
    double lo = dist_lower(d), hi = dist_upper(d);
    bool cst = d->kind == HN_DIST_CONST;
    switch (sp->domain) {
    case HN_DOMAIN_PROBABILITY:
        if (d->kind == HN_DIST_NORMAL || d->kind == HN_DIST_LOGNORMAL)
            return key_error(c, s, k,
                             "%s%s cannot be used for a probability: it is unbounded (use "
                             "beta, pert, triangular or uniform with values in [0, 1])",
                             where, dist_name(d->kind));
        if (!(lo >= 0 && hi <= 1))
            return key_error(c, s, k,
                             cst ? "%s%s is not a probability: it must lie in [0, 1] (per term)"
                                 : "%s%s can reach values outside [0, 1]; a probability must "
                                   "lie in [0, 1] (per term)",
                             where, shown(d, b, sizeof b));
        return HN_OK;
    case HN_DOMAIN_COUNT:
        if (cst && d->p[0] < 0)
            return key_error(c, s, k, "%s%s is negative; a count of pupils or places must be >= 0",
                             where, shown(d, b, sizeof b));
        if (cst && (sp->flags & F_WHOLE) && d->p[0] != floor(d->p[0]))
            return key_error(c, s, k, "%s%s is not a whole number; `%s` counts pupils or places",
                             where, shown(d, b, sizeof b), k->key);
        if (!cst && !(lo >= 0))
            return key_error(c, s, k,
                             "%s%s can be below 0; a count needs a distribution whose lower "
                             "bound is >= 0 (lognormal, pert, triangular, uniform or beta)",
                             where, shown(d, b, sizeof b));
        return HN_OK;
    case HN_DOMAIN_MONEY:
        if (cst && d->p[0] < 0)
            return key_error(c, s, k,
                             "%s%s is negative; money amounts must be >= 0 (put income in an "
                             "[income.*] section or the income_per_* keys)",
                             where, shown(d, b, sizeof b));
        return HN_OK;
    case HN_DOMAIN_RATE:
        if (cst && d->p[0] <= -1)
            return key_error(c, s, k, "%s%s is a fall of 100%% or more; a yearly rate must be > -1",
                             where, shown(d, b, sizeof b));
        return HN_OK;
    }
    return HN_OK;
}

/*
 * Checks one item against the size limits of its domain (scenario.h,
 * docs/decisions.md item R2): every value a bounded item can take, and the mean
 * and sd of an unbounded one, must be within the limit; a rate must also
 * not fall by more than 100%. Probabilities are bounded by their domain.
 */
static hn_status check_size(ctx *c, const raw_section *s, const raw_key *k, hn_domain domain,
                            const hn_dist *d, const char *where)
{
    double hi_lim, lo_lim;
    const char *what;
    switch (domain) {
    case HN_DOMAIN_COUNT:
        hi_lim = HN_MAX_COUNT;
        lo_lim = -INFINITY;
        what = "a count of pupils or places is at most 1000000 (one council's pupils, not "
               "pounds)";
        break;
    case HN_DOMAIN_MONEY:
        hi_lim = HN_MAX_MONEY;
        lo_lim = -HN_MAX_MONEY;
        what = "money values lie within +/-1e12 pounds (amounts are pounds a year)";
        break;
    case HN_DOMAIN_RATE:
        hi_lim = HN_MAX_RATE;
        lo_lim = -1;
        what = "a yearly rate is a fraction from -1 to 1 (a 5% rise is 0.05; 1 doubles)";
        break;
    default: return HN_OK;
    }
    char b[160];
    double lo = dist_lower(d), hi = dist_upper(d);
    double mean = dist_mean(d), sd = sqrt(dist_variance(d));
    bool bounded = isfinite(lo) && isfinite(hi);
    if (d->kind == HN_DIST_CONST && hi > hi_lim)
        return key_error(c, s, k, "%s%s is more than %.15g: %s", where, shown(d, b, sizeof b),
                         hi_lim, what);
    if (d->kind == HN_DIST_CONST && lo < lo_lim)
        return key_error(c, s, k, "%s%s is less than %.15g: %s", where, shown(d, b, sizeof b),
                         lo_lim, what);
    if (bounded && hi > hi_lim)
        return key_error(c, s, k, "%s%s can reach %.6g, more than %.15g: %s", where,
                         shown(d, b, sizeof b), hi, hi_lim, what);
    if (bounded && lo < lo_lim)
        return key_error(c, s, k, "%s%s can fall to %.6g, less than %.15g: %s", where,
                         shown(d, b, sizeof b), lo, lo_lim, what);
    if (d->kind == HN_DIST_CONST || bounded) return HN_OK;
    if (mean > hi_lim || mean < lo_lim || sd > hi_lim)
        return key_error(c, s, k,
                         "%s%s has mean %.6g and sd %.6g; both must lie within "
                         "%.15g: %s",
                         where, shown(d, b, sizeof b), mean, sd, hi_lim, what);
    return HN_OK;
}

/*
 * Builds p from key k of section s (or its default, constant 0, when k is
 * NULL). pname is the param's name (taken over; freed on failure too).
 */
static hn_status build_param(ctx *c, const raw_section *s, const raw_key *k, hn_domain domain,
                             const key_spec *sp, char *pname, hn_param *p)
{
    memset(p, 0, sizeof *p);
    p->name = pname;
    p->domain = domain;
    p->slot = -1;
    if (!pname) return nomem(c);
    if (!k) {
        p->n = 1;
        p->items = calloc(1, sizeof *p->items);
        p->text = strdup("");
        if (!p->items || !p->text) return nomem(c);
        p->items[0].kind = HN_DIST_CONST;
        return HN_OK;
    }
    char msg[700];
    hn_status st = value_parse(k->value, &p->items, &p->n, msg, sizeof msg);
    if (st == HN_ERR_NOMEM) return nomem(c);
    if (st != HN_OK) return key_error(c, s, k, "%s", msg);
    int years = c->sc->years;
    if (p->n > 1 && (sp->flags & F_SINGLE))
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
    for (int i = 0; i < p->n; i++) {
        char where[32] = "";
        if (p->n > 1) snprintf(where, sizeof where, "year %d: ", i + 1);
        st = check_item(c, s, k, sp, &p->items[i], where);
        if (st == HN_OK) st = check_size(c, s, k, domain, &p->items[i], where);
        if (st != HN_OK) return st;
    }
    p->set = true;
    p->text = strdup(k->value);
    p->file = strdup(k->file);
    p->line = k->line;
    if (!p->text || !p->file) return nomem(c);
    return HN_OK;
}

/* Builds the param of the fixed key `key` of section s ("section.key"). */
static hn_status param_of(ctx *c, const raw_section *s, sec_type t, const char *key, hn_param *p)
{
    const key_spec *sp = find_spec(sec_info[t].keys, key);
    return build_param(c, s, raw_find_key(s, key), sp->domain, sp, cat2(s->name, key), p);
}

/* The item of p in force in year y (0-based). */
static const hn_dist *item_at(const hn_param *p, int y)
{
    return &p->items[p->n == 1 ? 0 : y];
}

/* Largest possible value of p in year y, or any year when y < 0. */
static double upper_at(const hn_param *p, int y)
{
    if (y >= 0) return dist_upper(item_at(p, y));
    double m = -INFINITY;
    for (int i = 0; i < p->n; i++) m = fmax(m, dist_upper(&p->items[i]));
    return m;
}

/* ------------------------------------------------------------------ */
/* Text, names and whole numbers                                      */
/* ------------------------------------------------------------------ */

/* Copies the value of `key` (or def when absent) into *out. */
static hn_status text_of(ctx *c, const raw_section *s, const char *key, const char *def, char **out)
{
    const raw_key *k = raw_find_key(s, key);
    *out = strdup(k ? k->value : def);
    return *out ? HN_OK : nomem(c);
}

/* Parses a K_INT / K_SEED key into *out (def when absent). */
static hn_status uint_of(ctx *c, const raw_section *s, const char *key, uint64_t def, uint64_t *out)
{
    const key_spec *sp = find_spec(scenario_keys, key);
    const raw_key *k = raw_find_key(s, key);
    *out = def;
    if (!k) return HN_OK;
    char msg[300];
    uint64_t v;
    if (value_parse_uint(k->value, &v, msg, sizeof msg) != HN_OK) {
        if (sp->kind == K_INT)
            return key_error(c, s, k, "%s; `%s` is a whole number from %ld to %ld", msg, key,
                             sp->lo, sp->hi);
        return key_error(c, s, k, "%s; `%s` is a whole number from 0 to 18446744073709551615", msg,
                         key);
    }
    if (sp->kind == K_INT && (v < (uint64_t)sp->lo || v > (uint64_t)sp->hi))
        return key_error(c, s, k, "%s is out of range; `%s` is a whole number from %ld to %ld",
                         k->value, key, sp->lo, sp->hi);
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
 * Resolves the K_NAMES key `key` of s against names[0..n) into a new index
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

/* ------------------------------------------------------------------ */
/* Sections                                                           */
/* ------------------------------------------------------------------ */

/*
 * [scenario] history = FILE.csv: reads the file (relative to the folder of
 * the file that names it) against the built scenario (history.h). A file
 * that cannot be read is blamed on the key; errors inside it name its line.
 */
static hn_status load_history(ctx *c, const raw_section *s)
{
    const raw_key *hk = s ? raw_find_key(s, "history") : NULL;
    if (!hk) return HN_OK;
    if (!*hk->value)
        return key_error(c, s, hk,
                         "no file named: write `history = FILE.csv` (relative to this "
                         "file's folder), or leave `history` out");
    char *path = raw_path_beside(hk->file, hk->value);
    if (!path) return nomem(c);
    hn_status st = history_load(path, c->sc, &c->sc->history, c->err);
    if (st != HN_OK && c->err->line == 0 && !strcmp(c->err->file, path)) {
        /* The file as a whole (cannot be opened, not text, empty): blame the key. */
        char why[sizeof c->err->message];
        size_t skip = strlen(path) + 2; /* the message starts "PATH: " */
        snprintf(why, sizeof why, "%s",
                 strncmp(c->err->message, path, strlen(path)) ? c->err->message
                                                              : c->err->message + skip);
        st = key_error(c, s, hk, "the history file `%s` (%s) %s", hk->value, path, why);
    }
    free(path);
    return st;
}

/* [scenario]: decisions item 2. */
static hn_status build_scenario(ctx *c, const raw_section *s)
{
    hn_scenario *sc = c->sc;
    hn_status st = check_keys(c, s, SEC_SCENARIO);
    if (st != HN_OK) return st;
    const raw_key *nk = raw_find_key(s, "name");
    if (!value_is_name(nk->value))
        return key_error(c, s, nk,
                         "`%s` is not a valid scenario name: use lowercase letters, digits and "
                         "'_' (it names output files and CSV rows; put a readable title in "
                         "`title`)",
                         nk->value);
    /* The whole-number keys, checked in this order; defaults per decisions item 2. */
    static const struct {
        const char *key;
        uint64_t def;
    } whole[] = {
        { "start_year", 0 }, { "years", 5 }, { "terms", 3 }, { "iterations", 10000 }, { "seed", 1 }
    };
    uint64_t v[sizeof whole / sizeof whole[0]];
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        if ((st = uint_of(c, s, whole[i].key, whole[i].def, &v[i])) != HN_OK) return st;
    sc->start_year = (int)v[0];
    sc->years = (int)v[1];
    sc->terms = (int)v[2];
    sc->iterations = (long)v[3];
    sc->seed = v[4];
    if ((st = text_of(c, s, "name", "", &sc->name)) != HN_OK ||
        (st = text_of(c, s, "title", sc->name, &sc->title)) != HN_OK ||
        (st = text_of(c, s, "authority", "", &sc->authority)) != HN_OK)
        return st;
    if ((st = param_of(c, s, SEC_SCENARIO, "baseline_cost", &sc->baseline_cost)) != HN_OK ||
        (st = param_of(c, s, SEC_SCENARIO, "budget", &sc->budget)) != HN_OK ||
        (st = param_of(c, s, SEC_SCENARIO, "inflation", &sc->inflation)) != HN_OK)
        return st;
    sc->has_budget = sc->budget.set;
    sc->has_inflation = sc->inflation.set;
    return HN_OK;
}

/*
 * Checks that the largest possible sum of some probabilities is <= 1 in
 * every year (decisions item 7). keys/params: n of them, in file order
 * (absent keys have k == NULL and count 0). Blames the key at which the
 * running sum first passes 1 in the first year where it does.
 */
static hn_status check_prob_sum(ctx *c, const raw_section *s, const raw_key *const *keys,
                                const hn_param *const *params, int n, const char *what)
{
    for (int y = 0; y < c->sc->years; y++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!keys[i]) continue;
            sum += upper_at(params[i], y);
            if (sum > 1 + 1e-12) {
                char terms[600];
                size_t len = 0;
                terms[0] = '\0';
                for (int j = 0; j <= i && len < sizeof terms; j++) {
                    if (!keys[j]) continue;
                    len += (size_t)snprintf(terms + len, sizeof terms - len, "%s%s %.6g",
                                            len ? " + " : "", keys[j]->key, upper_at(params[j], y));
                }
                return key_error(c, s, keys[i],
                                 "%s can add up to %.6g per term in year %d (%s); their largest "
                                 "possible sum must be <= 1",
                                 what, sum, y + 1, terms);
            }
        }
    }
    return HN_OK;
}

/* Label of a section: its `label`, or its NAME. */
static hn_status label_of(ctx *c, const raw_section *s, char **out)
{
    return text_of(c, s, "label", section_suffix(s->name), out);
}

/* [demand.NAME]: a segment (route references are checked here, the rest at the end). */
static hn_status build_segment(ctx *c, const raw_section *s, hn_segment *g)
{
    hn_status st = check_keys(c, s, SEC_DEMAND);
    if (st != HN_OK) return st;
    hn_scenario *sc = c->sc;
    if ((st = label_of(c, s, &g->label)) != HN_OK ||
        (st = param_of(c, s, SEC_DEMAND, "referrals", &g->referrals)) != HN_OK ||
        (st = param_of(c, s, SEC_DEMAND, "growth", &g->growth)) != HN_OK ||
        (st = param_of(c, s, SEC_DEMAND, "initial", &g->initial)) != HN_OK ||
        (st = param_of(c, s, SEC_DEMAND, "exclusion", &g->exclusion)) != HN_OK ||
        (st = param_of(c, s, SEC_DEMAND, "resolve", &g->resolve)) != HN_OK ||
        (st = param_of(c, s, SEC_DEMAND, "ehcna", &g->ehcna)) != HN_OK)
        return st;
    g->referrals_per_year = g->referrals.set && g->referrals.n > 1;
    if (g->referrals_per_year && g->growth.set) {
        const raw_key *gk = raw_find_key(s, "growth");
        return key_error(c, s, gk,
                         "`referrals` is a per-year list (line %d), which admits no `growth`: "
                         "put the growth into the list, or give one referrals value",
                         g->referrals.line);
    }
    const raw_key *keys[2];
    const hn_param *params[2];
    /* The section's key order decides which one is blamed (both point into s->keys). */
    const raw_key *ek = raw_find_key(s, "exclusion"), *rk = raw_find_key(s, "resolve");
    bool ex_first = !rk || (ek && ek < rk);
    keys[0] = ex_first ? ek : rk;
    params[0] = ex_first ? &g->exclusion : &g->resolve;
    keys[1] = ex_first ? rk : ek;
    params[1] = ex_first ? &g->resolve : &g->exclusion;
    if ((st = check_prob_sum(c, s, keys, params, 2, "exclusion + resolve")) != HN_OK) return st;
    if ((st = names_of(c, s, "route", "provision", c->prov_names, sc->n_provisions, &g->route,
                       &g->n_route)) != HN_OK)
        return st;
    return names_of(c, s, "excluded_route", "provision", c->prov_names, sc->n_provisions,
                    &g->excluded_route, &g->n_excluded_route);
}

/* The provision's initial occupants, one param per segment (plain `initial` or initial.SEG). */
static hn_status build_initial(ctx *c, const raw_section *s, hn_provision *p)
{
    hn_scenario *sc = c->sc;
    const key_spec *plain_sp = find_spec(provision_keys, "initial");
    const key_spec *pat_sp = find_spec(provision_keys, "initial.x");
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
        st = build_param(c, s, k, HN_DOMAIN_COUNT, k == plain && plain ? plain_sp : pat_sp, pname,
                         &p->initial[g]);
    }
    /* Decisions item 9: largest possible initial <= smallest possible year-1 places. */
    if (st == HN_OK && p->capped) {
        double places_lo = dist_lower(item_at(&p->places, 0));
        double sum = 0;
        for (int i = 0; i < s->n_keys; i++) {
            const raw_key *k = &s->keys[i];
            int g = -1;
            if (k == plain)
                g = p->serves[0];
            else if (!strncmp(k->key, "initial.", 8))
                g = name_index(c->seg_names, sc->n_segments, k->key + 8);
            if (g < 0) continue;
            sum += dist_upper(item_at(&p->initial[g], 0));
            if (sum > places_lo) {
                st = key_error(c, s, k,
                               "initial occupants can reach %.6g but year-1 places can be as "
                               "low as %.6g: initial must not exceed year-1 places",
                               sum, places_lo);
                break;
            }
        }
    }
    free(from);
    return st;
}

/* The provision's exit.* keys, in file order (targets resolved; sum checked). */
static hn_status build_exits(ctx *c, const raw_section *s, hn_provision *p, int self)
{
    hn_scenario *sc = c->sc;
    int n = 0;
    for (int i = 0; i < s->n_keys; i++)
        if (!strncmp(s->keys[i].key, "exit.", 5)) n++;
    if (n == 0) return HN_OK;
    p->exits = calloc((size_t)n, sizeof *p->exits);
    const raw_key **keys = calloc((size_t)n, sizeof *keys);
    const hn_param **params = calloc((size_t)n, sizeof *params);
    hn_status st = HN_OK;
    if (!p->exits || !keys || !params) st = nomem(c);
    const key_spec *sp = find_spec(provision_keys, "exit.x");
    for (int i = 0; i < s->n_keys && st == HN_OK; i++) {
        const raw_key *k = &s->keys[i];
        if (strncmp(k->key, "exit.", 5) != 0) continue;
        const char *tname = k->key + 5;
        hn_exit *e = &p->exits[p->n_exits];
        e->target = 0;
        int t = -1;
        for (int j = 0; j < N_EXIT_TARGETS; j++)
            if (!strcmp(tname, exit_targets[j].name)) e->target = exit_targets[j].target;
        if (e->target == 0) {
            t = name_index(c->prov_names, sc->n_provisions, tname);
            if (t < 0) {
                const char *cands[3 + 256];
                int nc = 0;
                for (int j = 0; j < N_EXIT_TARGETS; j++) cands[nc++] = exit_targets[j].name;
                for (int j = 0; j < sc->n_provisions && nc < 3 + 256; j++)
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
        st = build_param(c, s, k, HN_DOMAIN_PROBABILITY, sp, cat2(s->name, k->key), &e->prob);
        keys[p->n_exits - 1] = k;
        params[p->n_exits - 1] = &e->prob;
    }
    if (st == HN_OK)
        st = check_prob_sum(c, s, keys, params, p->n_exits,
                            "the exit probabilities of this provision");
    free(keys);
    free(params);
    return st;
}

/* [provision.NAME] (the overflow loop check comes at the end). */
static hn_status build_provision(ctx *c, const raw_section *s, hn_provision *p, int self)
{
    hn_scenario *sc = c->sc;
    hn_status st = check_keys(c, s, SEC_PROVISION);
    if (st != HN_OK) return st;
    for (int j = 0; j < N_EXIT_TARGETS; j++)
        if (!strcmp(p->name, exit_targets[j].name))
            return section_error(c, s, NULL,
                                 "a provision cannot be called `%s`: mainstream, left and "
                                 "excluded are exit targets (exit.%s)",
                                 p->name, p->name);
    if ((st = label_of(c, s, &p->label)) != HN_OK ||
        (st = text_of(c, s, "kind", "", &p->kind)) != HN_OK)
        return st;
    if ((st = names_of(c, s, "serves", "segment", c->seg_names, sc->n_segments, &p->serves,
                       &p->n_serves)) != HN_OK)
        return st;
    if ((st = param_of(c, s, SEC_PROVISION, "places", &p->places)) != HN_OK) return st;
    p->capped = p->places.set;
    if ((st = param_of(c, s, SEC_PROVISION, "commissioned", &p->commissioned)) != HN_OK) return st;
    p->commissioned_is_places = !p->commissioned.set && p->capped; /* decisions item 11 */
    if ((st = build_initial(c, s, p)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "place_funding", &p->place_funding)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "cost_per_pupil", &p->cost_per_pupil)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "cost_per_start", &p->cost_per_start)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "fixed_cost", &p->fixed_cost)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "income_per_pupil", &p->income_per_pupil)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "income_per_start", &p->income_per_start)) != HN_OK ||
        (st = param_of(c, s, SEC_PROVISION, "ehcna", &p->ehcna)) != HN_OK ||
        (st = build_exits(c, s, p, self)) != HN_OK)
        return st;
    p->overflow = -1;
    const raw_key *ok = raw_find_key(s, "overflow");
    if (ok) {
        if (!value_is_name(ok->value))
            return key_error(c, s, ok,
                             "`%s` is not a provision name: `overflow` names one provision "
                             "(lowercase letters, digits and '_')",
                             ok->value);
        p->overflow = name_index(c->prov_names, sc->n_provisions, ok->value);
        if (p->overflow < 0)
            return unknown_ref(c, s, ok, ok->value, "provision", c->prov_names, sc->n_provisions);
    }
    return HN_OK;
}

/* [cost.NAME] or [income.NAME]. */
static hn_status build_money(ctx *c, const raw_section *s, sec_type t, hn_money_line *m)
{
    hn_status st = check_keys(c, s, t);
    if (st != HN_OK) return st;
    if ((st = label_of(c, s, &m->label)) != HN_OK) return st;
    return param_of(c, s, t, "amount", &m->amount);
}

/* ------------------------------------------------------------------ */
/* Whole-scenario rules                                               */
/* ------------------------------------------------------------------ */

/* Overflow chains must not loop (MODEL.md section 3). */
static hn_status check_overflow(ctx *c)
{
    hn_scenario *sc = c->sc;
    for (int i = 0; i < sc->n_provisions; i++) {
        int j = sc->provisions[i].overflow;
        for (int step = 0; j >= 0 && step < sc->n_provisions; step++) {
            if (j == i) {
                char chain[600];
                size_t len = 0;
                int q = i;
                for (int r = 0; r <= step + 1 && len < sizeof chain; r++) {
                    len += (size_t)snprintf(chain + len, sizeof chain - len, "%s%s",
                                            r ? " -> " : "", sc->provisions[q].name);
                    q = sc->provisions[q].overflow;
                }
                const raw_section *s = c->prov_sec[i];
                return key_error(c, s, raw_find_key(s, "overflow"),
                                 "the overflow chain loops (%s): it must end at a provision "
                                 "without `overflow`",
                                 chain);
            }
            j = sc->provisions[j].overflow;
        }
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
                upper_at(&sc->provisions[p].exits[e].prob, -1) > 0)
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
        bool own = upper_at(&seg->exclusion, -1) > 0;
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

/* ------------------------------------------------------------------ */
/* Params, entries, sources                                           */
/* ------------------------------------------------------------------ */

/* Appends p to the param list (capacity already reserved). */
static void push_param(hn_scenario *sc, hn_param *p)
{
    p->slot = sc->n_params * sc->years;
    sc->params[sc->n_params++] = p;
}

/* Lists every param in drawing order and gives each its slot. */
static hn_status collect_params(ctx *c)
{
    hn_scenario *sc = c->sc;
    int n = 3;
    for (int g = 0; g < sc->n_segments; g++) n += 6;
    for (int p = 0; p < sc->n_provisions; p++) n += 10 + sc->n_segments + sc->provisions[p].n_exits;
    n += sc->n_costs + sc->n_incomes;
    sc->params = calloc((size_t)n, sizeof *sc->params);
    if (!sc->params) return nomem(c);
    push_param(sc, &sc->baseline_cost);
    push_param(sc, &sc->budget);
    push_param(sc, &sc->inflation);
    for (int g = 0; g < sc->n_segments; g++) {
        hn_segment *s = &sc->segments[g];
        push_param(sc, &s->referrals);
        push_param(sc, &s->growth);
        push_param(sc, &s->initial);
        push_param(sc, &s->exclusion);
        push_param(sc, &s->resolve);
        push_param(sc, &s->ehcna);
    }
    for (int i = 0; i < sc->n_provisions; i++) {
        hn_provision *p = &sc->provisions[i];
        push_param(sc, &p->places);
        push_param(sc, &p->commissioned);
        for (int g = 0; g < sc->n_segments; g++) push_param(sc, &p->initial[g]);
        push_param(sc, &p->place_funding);
        push_param(sc, &p->cost_per_pupil);
        push_param(sc, &p->cost_per_start);
        push_param(sc, &p->fixed_cost);
        push_param(sc, &p->income_per_pupil);
        push_param(sc, &p->income_per_start);
        push_param(sc, &p->ehcna);
        for (int e = 0; e < p->n_exits; e++) push_param(sc, &p->exits[e].prob);
    }
    for (int i = 0; i < sc->n_costs; i++) push_param(sc, &sc->costs[i].amount);
    for (int i = 0; i < sc->n_incomes; i++) push_param(sc, &sc->incomes[i].amount);
    sc->n_slots = sc->n_params * sc->years;
    return HN_OK;
}

/* Means of a numeric key's values (the first in e->mean, each in e->means), for the audit trail. */
static bool entry_mean(const raw_section *s, const raw_key *k, hn_entry *e)
{
    const key_spec *sp = find_spec(sec_info[section_type(s->name)].keys, k->key);
    if (!sp) return false;
    if (sp->kind == K_INT || sp->kind == K_SEED) {
        e->mean = e->means[0] = strtod(k->value, NULL);
        e->n_means = 1;
        return true;
    }
    if (sp->kind != K_PARAM) return false;
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

/* Copies the merged keys (entries) and the files read (sources) into the scenario. */
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
            e->file = strdup(k->file);
            e->line = k->line;
            e->has_mean = entry_mean(s, k, e);
            if (!e->section || !e->key || !e->value || !e->file) return nomem(c);
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

    /* Count and name the segments, provisions and lines first: references need them all. */
    int count[SEC__COUNT] = { 0 };
    for (int i = 0; i < raw->n_sections; i++) count[section_type(raw->sections[i].name)]++;
    sc->segments = calloc((size_t)count[SEC_DEMAND] + 1, sizeof *sc->segments);
    sc->provisions = calloc((size_t)count[SEC_PROVISION] + 1, sizeof *sc->provisions);
    sc->costs = calloc((size_t)count[SEC_COST] + 1, sizeof *sc->costs);
    sc->incomes = calloc((size_t)count[SEC_INCOME] + 1, sizeof *sc->incomes);
    c->seg_sec = calloc((size_t)count[SEC_DEMAND] + 1, sizeof *c->seg_sec);
    c->prov_sec = calloc((size_t)count[SEC_PROVISION] + 1, sizeof *c->prov_sec);
    c->seg_names = calloc((size_t)count[SEC_DEMAND] + 1, sizeof *c->seg_names);
    c->prov_names = calloc((size_t)count[SEC_PROVISION] + 1, sizeof *c->prov_names);
    if (!sc->segments || !sc->provisions || !sc->costs || !sc->incomes || !c->seg_sec ||
        !c->prov_sec || !c->seg_names || !c->prov_names)
        return nomem(c);
    for (int i = 0; i < raw->n_sections; i++) {
        const raw_section *s = &raw->sections[i];
        char **name = NULL;
        switch (section_type(s->name)) {
        case SEC_DEMAND:
            c->seg_sec[sc->n_segments] = s;
            name = &sc->segments[sc->n_segments++].name;
            break;
        case SEC_PROVISION:
            c->prov_sec[sc->n_provisions] = s;
            name = &sc->provisions[sc->n_provisions++].name;
            break;
        case SEC_COST: name = &sc->costs[sc->n_costs++].name; break;
        case SEC_INCOME: name = &sc->incomes[sc->n_incomes++].name; break;
        default: continue;
        }
        *name = strdup(section_suffix(s->name));
        if (!*name) return nomem(c);
    }
    for (int g = 0; g < sc->n_segments; g++) c->seg_names[g] = sc->segments[g].name;
    for (int p = 0; p < sc->n_provisions; p++) {
        c->prov_names[p] = sc->provisions[p].name;
        sc->provisions[p].overflow = -1;
    }

    /* Build every section in file order. */
    int gi = 0, pi = 0, ci = 0, ii = 0;
    for (int i = 0; i < raw->n_sections && st == HN_OK; i++) {
        const raw_section *s = &raw->sections[i];
        sec_type t = section_type(s->name);
        switch (t) {
        case SEC_DEMAND: st = build_segment(c, s, &sc->segments[gi++]); break;
        case SEC_PROVISION:
            st = build_provision(c, s, &sc->provisions[pi], pi);
            pi++;
            break;
        case SEC_COST: st = build_money(c, s, t, &sc->costs[ci++]); break;
        case SEC_INCOME: st = build_money(c, s, t, &sc->incomes[ii++]); break;
        default: break;
        }
    }
    if (st == HN_OK) st = check_overflow(c);
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
    free(sc->name);
    free(sc->title);
    free(sc->authority);
    param_free(&sc->baseline_cost);
    param_free(&sc->budget);
    param_free(&sc->inflation);
    for (int g = 0; g < sc->n_segments; g++) {
        hn_segment *s = &sc->segments[g];
        free(s->name);
        free(s->label);
        param_free(&s->referrals);
        param_free(&s->growth);
        param_free(&s->initial);
        param_free(&s->exclusion);
        param_free(&s->resolve);
        param_free(&s->ehcna);
        free(s->route);
        free(s->excluded_route);
    }
    free(sc->segments);
    for (int i = 0; i < sc->n_provisions; i++) {
        hn_provision *p = &sc->provisions[i];
        free(p->name);
        free(p->label);
        free(p->kind);
        free(p->serves);
        param_free(&p->places);
        param_free(&p->commissioned);
        if (p->initial)
            for (int g = 0; g < sc->n_segments; g++) param_free(&p->initial[g]);
        free(p->initial);
        param_free(&p->place_funding);
        param_free(&p->cost_per_pupil);
        param_free(&p->cost_per_start);
        param_free(&p->fixed_cost);
        param_free(&p->income_per_pupil);
        param_free(&p->income_per_start);
        param_free(&p->ehcna);
        for (int e = 0; e < p->n_exits; e++) {
            free(p->exits[e].target_name);
            param_free(&p->exits[e].prob);
        }
        free(p->exits);
    }
    free(sc->provisions);
    for (int i = 0; i < sc->n_costs; i++) {
        free(sc->costs[i].name);
        free(sc->costs[i].label);
        param_free(&sc->costs[i].amount);
    }
    free(sc->costs);
    for (int i = 0; i < sc->n_incomes; i++) {
        free(sc->incomes[i].name);
        free(sc->incomes[i].label);
        param_free(&sc->incomes[i].amount);
    }
    free(sc->incomes);
    free(sc->params);
    for (int i = 0; i < sc->n_correlations; i++) free(sc->correlations[i].file);
    free(sc->correlations);
    for (int i = 0; i < sc->n_sources; i++) free(sc->sources[i].path);
    free(sc->sources);
    for (int i = 0; i < sc->n_entries; i++) {
        free(sc->entries[i].section);
        free(sc->entries[i].key);
        free(sc->entries[i].value);
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
