/*
 * scenario_set.c - setting one numeric key to a value or a distribution
 * (scenario_set.h).
 */
#include "scenario/scenario_set.h"

#include <stdbool.h>
#include <string.h>

#include "scenario/domain.h"
#include "scenario/keys.h"
#include "scenario/scenario_scale.h"

hn_status scenario_set_begin(hn_scenario *sc, const char *option, const char *key, hn_setter *s,
                             hn_error *err)
{
    memset(s, 0, sizeof *s);
    hn_param *p = NULL;
    for (int k = 0; k < sc->n_params && !p; k++)
        if (!strcmp(sc->params[k]->name, key)) p = sc->params[k];
    if (!p) return scenario_unknown_key(sc, option, key, err);
    if (!p->set)
        return hn_error_set(err, HN_ERR_USAGE,
                            "%s '%s': the key is not written in the scenario (its default "
                            "applies), so there is no value to set; write it in the file first",
                            option, key);
    if (p->n != 1)
        return hn_error_set(err, HN_ERR_USAGE,
                            "%s '%s' (%s:%d): a per-year list cannot be set as one value; write "
                            "one number or distribution for every year to use it here",
                            option, key, p->file, p->line);
    s->param = p;
    s->original = p->items[0];
    return HN_OK;
}

void scenario_set_value(hn_setter *s, double v)
{
    s->param->items[0] = (hn_dist){ .kind = HN_DIST_CONST, .p = { v, 0, 0 } };
}

void scenario_set_dist(hn_setter *s, const hn_dist *d)
{
    s->param->items[0] = *d;
}

void scenario_set_end(hn_setter *s)
{
    if (s->param) s->param->items[0] = s->original;
}

/* Copies the first cap of ps[0..n) into out when p is one of them; returns n, or 0 when it is not. */
static int source_with(const hn_param *p, const hn_param *const *ps, int n, const hn_param **out,
                       int cap)
{
    bool in = false;
    for (int i = 0; i < n; i++) in |= ps[i] == p;
    if (!in) return 0;
    for (int i = 0; i < n && i < cap; i++) out[i] = ps[i];
    return n;
}

int scenario_set_siblings(const hn_scenario *sc, const hn_param *p, const hn_param **out, int cap)
{
    /* The sources are domain.h's, the ones whose largest sum the loader keeps <= 1. */
    for (int g = 0; g < sc->n_segments; g++) {
        const hn_param *ps[2];
        int n = source_with(p, ps, domain_pool_source(&sc->segments[g], ps), out, cap);
        if (n > 0) return n;
    }
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *pr = &sc->provisions[i];
        for (int e = 0; e < pr->n_exits; e++) {
            if (p != &pr->exits[e].prob) continue;
            /* Each target at most once, never the provision itself: the loader's limits bound it. */
            const hn_param *ps[HN_MAX_PROVISIONS + HN_N_EXIT_TARGETS];
            if (pr->n_exits > (int)(sizeof ps / sizeof *ps)) break;
            return source_with(p, ps, domain_exit_source(pr, ps), out, cap);
        }
    }
    if (cap > 0) out[0] = p;
    return 1;
}
