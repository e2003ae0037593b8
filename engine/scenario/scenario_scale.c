/*
 * scenario_scale.c - scaling one numeric key of a loaded scenario, and the
 * range of factors that keeps the scenario valid (scenario_scale.h).
 *
 * The key's items are kept as loaded; each factor is applied to that copy,
 * never compounded, so a search may visit factors in any order and
 * scenario_scale_end restores the file's values exactly. The admissible
 * range applies the loader's rules (scenario/domain.h, the same functions
 * the loader checks with) to the one key being scaled, with the other keys
 * fixed at their loaded values: first each item's own rules (a probability
 * <= 1, a rate above -1, the count, money and rate limits), then the rules
 * across keys (a source's probabilities, a provision's initial occupants).
 */
#include "scenario/scenario_scale.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/dist.h"
#include "scenario/domain.h"
#include "base/suggest.h"

/* Lowers s->hi to v (when lower), recording why. */
static void __attribute__((format(printf, 3, 4)))
limit_hi(hn_scale *s, double v, const char *fmt, ...)
{
    if (!(v < s->hi)) return;
    s->hi = v > 0 ? v : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why_hi, sizeof s->why_hi, fmt, ap);
    va_end(ap);
}

/* Raises s->lo to v (when higher), recording why. */
static void __attribute__((format(printf, 3, 4)))
limit_lo(hn_scale *s, double v, const char *fmt, ...)
{
    if (!(v > s->lo)) return;
    s->lo = v;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why_lo, sizeof s->why_lo, fmt, ap);
    va_end(ap);
}

/* Each item's own rules of its domain: the largest factor each item allows. */
static void limit_items(hn_scale *s)
{
    const hn_param *p = s->param;
    for (int i = 0; i < p->n; i++) {
        char why[sizeof s->why_hi];
        double f = domain_item_max_scale(p->domain, &p->items[i], p->name, why, sizeof why);
        if (isfinite(f)) limit_hi(s, f, "%s", why);
    }
}

/* Caps f so that the key and the others of its source ps[0..n) stay <= 1 in every year. */
static void limit_sum(hn_scale *s, const hn_param **ps, int n, const char *what)
{
    for (int y = 0; y < s->sc->years; y++)
        limit_hi(s, domain_sum_max_scale(ps, n, s->param, y),
                 "%s can add up to at most 1 per term (year %d)", what, y + 1);
}

/* A probability's source: a segment's exclusion + resolve, or a provision's exits (domain.h). */
static void limit_sources(hn_scale *s)
{
    hn_scenario *sc = s->sc;
    char what[160];
    for (int g = 0; g < sc->n_segments; g++) {
        const hn_param *ps[2];
        int n = domain_pool_source(&sc->segments[g], ps);
        for (int i = 0; i < n; i++) {
            if (ps[i] != s->param) continue;
            snprintf(what, sizeof what, "exclusion + resolve of [demand.%s]", sc->segments[g].name);
            limit_sum(s, ps, n, what);
        }
    }
    for (int p = 0; p < sc->n_provisions; p++) {
        hn_provision *pr = &sc->provisions[p];
        for (int e = 0; e < pr->n_exits; e++) {
            if (&pr->exits[e].prob != s->param) continue;
            const hn_param **ps = malloc((size_t)pr->n_exits * sizeof *ps);
            if (!ps) continue; /* out of memory: the range stays as wide as the item rule allows */
            int n = domain_exit_source(pr, ps);
            snprintf(what, sizeof what, "the exit probabilities of [provision.%s]", pr->name);
            limit_sum(s, ps, n, what);
            free(ps);
        }
    }
}

/* A capped provision's initial occupants within its smallest year-1 places (domain.h). */
static void limit_initial(hn_scale *s)
{
    hn_scenario *sc = s->sc;
    for (int p = 0; p < sc->n_provisions; p++) {
        hn_provision *pr = &sc->provisions[p];
        if (!pr->capped) continue;
        double places = domain_places_low(pr), initial = domain_initial_high(pr, sc->n_segments);
        if (s->param == &pr->places && initial > 0 && places > 0) {
            /* A constant is rounded after scaling: ask for the whole number of pupils. */
            double need =
                param_item(&pr->places, 0)->kind == HN_DIST_CONST ? ceil(initial - 1e-9) : initial;
            char up[32]; /* the user's values, never rounded (decisions R18) */
            dist_number_past(initial, NAN, up, sizeof up);
            limit_lo(s, need / places,
                     "[provision.%s] starts with up to %s pupils (initial), so its year-1 "
                     "places must stay >= %s",
                     pr->name, up, up);
        }
        for (int g = 0; g < sc->n_segments; g++) {
            if (s->param != &pr->initial[g]) continue;
            double mine = dist_upper(param_item(s->param, 0));
            double room = places - (initial - mine);
            if (param_item(s->param, 0)->kind == HN_DIST_CONST) room = floor(room + 1e-9);
            char low[32];
            if (mine > 0)
                limit_hi(s, room / mine,
                         "[provision.%s]'s initial occupants must stay within its year-1 "
                         "places (%s)",
                         pr->name, dist_number_past(places, NAN, low, sizeof low));
        }
    }
}

hn_status scenario_unknown_key(const hn_scenario *sc, const char *option, const char *key,
                               hn_error *err)
{
    const char **names = malloc((size_t)(sc->n_params > 0 ? sc->n_params : 1) * sizeof *names);
    if (!names) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    for (int k = 0; k < sc->n_params; k++) names[k] = sc->params[k]->name;
    const char *near = suggest_best(key, names, (size_t)sc->n_params);
    char hint[300] = "";
    if (near) snprintf(hint, sizeof hint, "did you mean `%s`? ", near);
    free(names);
    return hn_error_set(err, HN_ERR_USAGE,
                        "%s '%s': the scenario has no numeric key of that name; %sname it "
                        "SECTION.KEY as in the file, e.g. demand.primary.exclusion, "
                        "cost.posts.amount, provision.pru.exit.mainstream",
                        option, key, hint);
}

hn_status scenario_scale_begin(hn_scenario *sc, const char *key, hn_scale *s, hn_error *err)
{
    memset(s, 0, sizeof *s);
    for (int k = 0; k < sc->n_params && !s->param; k++)
        if (!strcmp(sc->params[k]->name, key)) s->param = sc->params[k];
    if (!s->param) return scenario_unknown_key(sc, "--vary", key, err);
    hn_param *p = s->param;
    if (!p->set)
        return hn_error_set(err, HN_ERR_USAGE,
                            "--vary '%s': the key is not written in the scenario, so it has no "
                            "value to scale (its default applies); write it in the file first",
                            key);
    bool nonzero = false;
    for (int i = 0; i < p->n; i++) {
        const hn_dist *d = &p->items[i];
        if (d->kind == HN_DIST_BETA)
            return hn_error_set(err, HN_ERR_USAGE,
                                "--vary '%s' (%s:%d): a beta(a, b)'s parameters are shapes, "
                                "not values, so it cannot be scaled; write it as pert(min, "
                                "mode, max), triangular or uniform to vary it",
                                key, p->file, p->line);
        for (int j = 0; j < dist_param_count(d->kind); j++) nonzero |= d->p[j] != 0;
    }
    if (!nonzero)
        return hn_error_set(err, HN_ERR_USAGE,
                            "--vary '%s' (%s:%d): every value is 0, so scaling it changes "
                            "nothing; vary a key with a non-zero value",
                            key, p->file, p->line);
    s->original = malloc((size_t)p->n * sizeof *s->original);
    if (!s->original) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    memcpy(s->original, p->items, (size_t)p->n * sizeof *s->original);
    s->sc = sc;
    s->whole = p->whole;
    s->lo = 0;
    s->hi = INFINITY;
    s->factor = 1;
    limit_items(s);
    if (p->domain == HN_DOMAIN_PROBABILITY) limit_sources(s);
    if (p->domain == HN_DOMAIN_COUNT) limit_initial(s);
    snprintf(s->limit, sizeof s->limit, "%s%s%s", s->why_lo,
             s->why_lo[0] && s->why_hi[0] ? "; " : "", s->why_hi);
    return HN_OK;
}

hn_status scenario_scale_set(hn_scale *s, double f, hn_error *err)
{
    double slack = 1e-12 * fmax(1.0, fabs(f));
    if (!isfinite(f) || f < s->lo - slack || f > s->hi + slack)
        return hn_error_set(err, HN_ERR_USAGE,
                            "scale %.6g of %s is outside its admissible range %.6g to %.6g%s%s", f,
                            s->param->name, s->lo, s->hi, s->limit[0] ? ": " : "", s->limit);
    hn_param *p = s->param;
    for (int i = 0; i < p->n; i++) {
        hn_dist d = s->original[i];
        if (f == 0) {
            d.kind = HN_DIST_CONST;
            d.p[0] = d.p[1] = d.p[2] = 0;
        } else {
            for (int j = 0; j < dist_param_count(d.kind); j++) d.p[j] *= f;
            if (s->whole && d.kind == HN_DIST_CONST) d.p[0] = round(d.p[0]);
        }
        const char *bad = dist_check(&d);
        if (bad)
            return hn_error_set(err, HN_ERR_USAGE, "scale %.6g of %s gives an invalid value: %s", f,
                                p->name, bad);
        p->items[i] = d;
    }
    s->factor = f;
    return HN_OK;
}

hn_status scenario_scale_note(hn_scale *s, hn_error *err)
{
    const hn_param *p = s->param;
    size_t cap = (size_t)p->n * 96 + strlen(p->text ? p->text : "") + 96;
    char *text = malloc(cap);
    if (!text) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    size_t len = 0;
    for (int i = 0; i < p->n; i++) {
        char one[96];
        dist_format(&p->items[i], one, sizeof one);
        len += (size_t)snprintf(text + len, cap - len, "%s%s", i ? ", " : "", one);
    }
    snprintf(text + len, cap - len, " (%s x %.6g, hnsim solve)", p->text ? p->text : "", s->factor);
    for (int e = 0; e < s->sc->n_entries; e++) {
        hn_entry *en = &s->sc->entries[e];
        size_t ls = strlen(en->section);
        if (strncmp(p->name, en->section, ls) || p->name[ls] != '.' ||
            strcmp(p->name + ls + 1, en->key))
            continue;
        free(en->value);
        en->value = text;
        en->mean = dist_mean(&p->items[0]);
        return HN_OK;
    }
    free(text);
    return HN_OK;
}

void scenario_scale_end(hn_scale *s)
{
    if (s->original && s->param)
        memcpy(s->param->items, s->original, (size_t)s->param->n * sizeof *s->original);
    free(s->original);
    s->original = NULL;
    s->factor = 1;
}
