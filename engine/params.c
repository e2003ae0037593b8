/*
 * params.c - turns a scenario's parameters into one iteration's numbers.
 *
 * Every hn_param fills `years` slots of a flat parameter vector. A sampled
 * parameter draws from its own stream (seed, iteration, name) - once when
 * it is a single value, item by item in year order when it is a per-year
 * list - so adding or removing another parameter never shifts its draws
 * (MODEL.md section 6, decisions.md item 15). Sampled counts are rounded
 * to the nearest integer; money below 0 is clamped to 0 and counted, once
 * per drawn item (not per year it is copied to).
 */
#include "params.h"

#include <stdio.h>
#include <stdlib.h>

#include <assert.h>
#include <math.h>

#include "dist.h"
#include "rng.h"

/* Applies p's domain to one value of item d; counts a money clamp in *clamped. */
static double apply_domain(const hn_param *p, const hn_dist *d, double v, bool round_counts,
                           long *clamped)
{
    switch (p->domain) {
    case HN_DOMAIN_COUNT:
        if (round_counts && dist_is_random(d))
            v = round(v);
        break;
    case HN_DOMAIN_MONEY:
        if (v < 0) {
            v = 0;
            if (clamped)
                (*clamped)++;
        }
        break;
    case HN_DOMAIN_PROBABILITY:
    case HN_DOMAIN_RATE:
        break;
    }
    return v;
}

/* True when any item of p is a distribution (so it needs a stream). */
static bool param_is_random(const hn_param *p)
{
    for (int i = 0; i < p->n; i++)
        if (dist_is_random(&p->items[i]))
            return true;
    return false;
}

/*
 * Fills p's `years` slots of pv. With r, items are sampled (r must already
 * be at the start of p's stream); without r, items give their means.
 */
static void fill_param(const hn_param *p, int years, const gsl_rng *r, double *pv, long *clamped)
{
    assert(p->n == 1 || p->n == years);
    double *out = pv + p->slot;
    if (p->n == 1) {
        const hn_dist *d = &p->items[0];
        double v = r ? dist_sample(d, r) : dist_mean(d);
        v = apply_domain(p, d, v, r != NULL, clamped);
        for (int y = 0; y < years; y++)
            out[y] = v;
        return;
    }
    for (int y = 0; y < years; y++) {
        const hn_dist *d = &p->items[y];
        double v = r ? dist_sample(d, r) : dist_mean(d);
        out[y] = apply_domain(p, d, v, r != NULL, clamped);
    }
}

/* Fills the caller's pv with one iteration's draws, seeking the caller's r to each random
 * parameter's stream. */
void params_draw(const hn_scenario *sc, uint64_t seed, uint64_t iteration, gsl_rng *r, double *pv,
                 long *clamped)
{
    for (int k = 0; k < sc->n_params; k++) {
        const hn_param *p = sc->params[k];
        assert(p->slot >= 0 && p->slot + sc->years <= sc->n_slots);
        /* A parameter without distributions consumes no random numbers: skip the seek. */
        if (param_is_random(p))
            rng_seek(r, seed, iteration, rng_name_hash(p->name));
        fill_param(p, sc->years, r, pv, clamped);
    }
}

/* Fills the caller's pv with means (deterministic mode): not rounded; negative money clamped and
 * counted. */
void params_means(const hn_scenario *sc, double *pv, long *clamped)
{
    for (int k = 0; k < sc->n_params; k++) {
        const hn_param *p = sc->params[k];
        assert(p->slot >= 0 && p->slot + sc->years <= sc->n_slots);
        fill_param(p, sc->years, NULL, pv, clamped);
    }
}

int params_inputs(const hn_scenario *sc, hn_input **out)
{
    *out = NULL;
    int n = 0;
    for (int k = 0; k < sc->n_params; k++)
        for (int i = 0; i < sc->params[k]->n; i++)
            n += dist_is_random(&sc->params[k]->items[i]);
    if (n == 0)
        return 0;
    hn_input *in = calloc((size_t)n, sizeof *in);
    if (!in)
        return -1;
    int j = 0;
    for (int k = 0; k < sc->n_params; k++) {
        const hn_param *p = sc->params[k];
        for (int i = 0; i < p->n; i++) {
            if (!dist_is_random(&p->items[i]))
                continue;
            in[j].param = k;
            in[j].item = i;
            in[j].slot = p->slot + i;
            if (p->n == 1)
                snprintf(in[j].name, sizeof in[j].name, "%s", p->name);
            else
                snprintf(in[j].name, sizeof in[j].name, "%s[%d]", p->name, i + 1);
            j++;
        }
    }
    *out = in;
    return n;
}
