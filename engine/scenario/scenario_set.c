/*
 * scenario_set.c - setting one numeric key to a value or a distribution
 * (scenario_set.h).
 */
#include "scenario/scenario_set.h"

#include <string.h>

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

/* Appends p to out (up to cap) and counts it. */
static void add(const hn_param *p, const hn_param **out, int cap, int *n)
{
    if (*n < cap) out[*n] = p;
    (*n)++;
}

int scenario_set_siblings(const hn_scenario *sc, const hn_param *p, const hn_param **out, int cap)
{
    int n = 0;
    for (int g = 0; g < sc->n_segments; g++) {
        const hn_segment *seg = &sc->segments[g];
        if (p == &seg->exclusion || p == &seg->resolve) {
            add(&seg->exclusion, out, cap, &n);
            add(&seg->resolve, out, cap, &n);
            return n;
        }
    }
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *pr = &sc->provisions[i];
        for (int e = 0; e < pr->n_exits; e++) {
            if (p != &pr->exits[e].prob) continue;
            for (int j = 0; j < pr->n_exits; j++) add(&pr->exits[j].prob, out, cap, &n);
            return n;
        }
    }
    add(p, out, cap, &n);
    return n;
}
