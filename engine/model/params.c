/*
 * params.c - turns a scenario's parameters into one iteration's numbers.
 *
 * Every hn_param fills `years` slots of a flat parameter vector. A sampled
 * parameter draws from its own stream (seed, iteration, name) - once when
 * it is a single value, item by item in year order when it is a per-year
 * list - so adding or removing another parameter never shifts its draws
 * (MODEL.md section 6, decisions.md item 15). Sampled counts are rounded
 * to the nearest integer; money below 0 is clamped to 0 and a rate below
 * -1 to -1 (decisions R16), each counted once per drawn item (not per year
 * it is copied to).
 */
#include "model/params.h"

#include <stdio.h>
#include <stdlib.h>

#include <assert.h>
#include <math.h>

#include "scenario/dist.h"
#include "model/rng.h"

/* Applies p's domain to v: rounds a count, clamps money at 0 and a rate at -1, counting. */
double params_apply_domain(const hn_param *p, double v, hn_clamps *clamped)
{
    switch (p->domain) {
    case HN_DOMAIN_COUNT: return round(v);
    case HN_DOMAIN_MONEY:
        if (!(v < 0)) return v;
        if (clamped) clamped->money++;
        return 0;
    case HN_DOMAIN_RATE:
        if (!(v < -1)) return v;
        if (clamped) clamped->rate++;
        return -1;
    case HN_DOMAIN_PROBABILITY:
    case HN_DOMAIN_BALANCE: break;
    }
    return v;
}

/* Applies p's domain to one value of item d: a count is rounded only when sampled from a
 * distribution (round_counts), money and rates are clamped and counted always. */
static double apply_domain(const hn_param *p, const hn_dist *d, double v, bool round_counts,
                           hn_clamps *clamped)
{
    if (p->domain == HN_DOMAIN_COUNT && !(round_counts && dist_is_random(d))) return v;
    return params_apply_domain(p, v, clamped);
}

/* True when any item of p is a distribution (so it needs a stream). */
static bool param_is_random(const hn_param *p)
{
    for (int i = 0; i < p->n; i++)
        if (dist_is_random(&p->items[i])) return true;
    return false;
}

/*
 * Where fill_param takes the value of a random item: sampled from r (at
 * the start of the parameter's stream), read from *x (then x advances by
 * stride), or, with neither, the distribution's mean. A constant item is
 * its value and consumes nothing.
 */
typedef struct {
    const gsl_rng *r;
    const double *x;
    long stride;
} item_source;

/* The raw value of item d from src (before p's domain rules). */
static double item_value(const hn_dist *d, item_source *src)
{
    if (!dist_is_random(d)) return d->p[0];
    if (src->r) return dist_sample(d, src->r);
    if (src->x) {
        double v = *src->x;
        src->x += src->stride;
        return v;
    }
    return dist_mean(d);
}

/*
 * Fills p's `years` slots of pv with the values of its items from src,
 * applying p's domain (counts rounded when sampled, money clamped).
 */
static void fill_param(const hn_param *p, int years, item_source *src, double *pv,
                       hn_clamps *clamped)
{
    assert(p->n == 1 || p->n == years);
    bool sampled = src->r != NULL || src->x != NULL;
    double *out = pv + p->slot;
    if (p->n == 1) {
        const hn_dist *d = &p->items[0];
        double v = apply_domain(p, d, item_value(d, src), sampled, clamped);
        for (int y = 0; y < years; y++) out[y] = v;
        return;
    }
    for (int y = 0; y < years; y++) {
        const hn_dist *d = &p->items[y];
        out[y] = apply_domain(p, d, item_value(d, src), sampled, clamped);
    }
}

/* Fills the caller's pv with one iteration's draws, seeking the caller's r to each random
 * parameter's stream. */
void params_draw(const hn_scenario *sc, uint64_t seed, uint64_t iteration, gsl_rng *r, double *pv,
                 hn_clamps *clamped)
{
    item_source src = { .r = r };
    for (int k = 0; k < sc->n_params; k++) {
        const hn_param *p = sc->params[k];
        assert(p->slot >= 0 && p->slot + sc->years <= sc->n_slots);
        /* A parameter without distributions consumes no random numbers: skip the seek. */
        if (param_is_random(p)) rng_seek(r, seed, iteration, rng_name_hash(p->name));
        fill_param(p, sc->years, &src, pv, clamped);
    }
}

/* Lists sc's parameters with a sampled item and their streams; false on OOM, plan empty. */
bool params_plan_init(hn_param_plan *plan, const hn_scenario *sc)
{
    *plan = (hn_param_plan){ 0 };
    size_t cap = (size_t)(sc->n_params > 0 ? sc->n_params : 1);
    plan->param = malloc(cap * sizeof *plan->param);
    plan->stream = malloc(cap * sizeof *plan->stream);
    if (!plan->param || !plan->stream) {
        params_plan_free(plan);
        return false;
    }
    for (int j = 0; j < sc->n_params; j++) {
        if (!param_is_random(sc->params[j])) continue;
        plan->param[plan->n] = j;
        plan->stream[plan->n++] = rng_name_key(rng_name_hash(sc->params[j]->name));
    }
    return true;
}

/* Frees what plan holds and empties it. */
void params_plan_free(hn_param_plan *plan)
{
    free(plan->param);
    free(plan->stream);
    *plan = (hn_param_plan){ 0 };
}

/* Writes one iteration's raw draws of every sampled input to x[k * stride], seeking r to each
 * random parameter's stream; nothing is rounded or clamped. */
void params_draw_inputs(const hn_scenario *sc, const hn_param_plan *plan, uint64_t seed,
                        uint64_t iteration, gsl_rng *r, double *x, long stride)
{
    long k = 0;
    uint64_t ik = rng_iteration_key(seed, iteration); /* once for all its streams */
    for (int j = 0; j < plan->n; j++) {
        const hn_param *p = sc->params[plan->param[j]];
        rng_seek_key(r, ik, plan->stream[j]);
        for (int i = 0; i < p->n; i++)
            if (dist_is_random(&p->items[i])) x[stride * k++] = dist_sample(&p->items[i], r);
    }
}

/* Fills the caller's pv from raw input values x[k * stride] (params_inputs order), applying the
 * domain rules as params_draw does: every parameter, or plan's alone when inputs_only. */
void params_fill(const hn_scenario *sc, const hn_param_plan *plan, const double *x, long stride,
                 bool inputs_only, double *pv, hn_clamps *clamped)
{
    item_source src = { .x = x, .stride = stride };
    int n = inputs_only ? plan->n : sc->n_params;
    for (int j = 0; j < n; j++) {
        const hn_param *p = sc->params[inputs_only ? plan->param[j] : j];
        assert(p->slot >= 0 && p->slot + sc->years <= sc->n_slots);
        fill_param(p, sc->years, &src, pv, clamped); /* a constant consumes no input values */
    }
}

/* Fills the caller's pv with means (deterministic mode): not rounded; negative money clamped and
 * counted. */
void params_means(const hn_scenario *sc, double *pv, hn_clamps *clamped)
{
    for (int k = 0; k < sc->n_params; k++) {
        const hn_param *p = sc->params[k];
        assert(p->slot >= 0 && p->slot + sc->years <= sc->n_slots);
        item_source none = { 0 };
        fill_param(p, sc->years, &none, pv, clamped);
    }
}

/* Writes each fixed value over its input's slots (all the parameter's years for a single value). */
void params_fix(const hn_scenario *sc, const hn_input *inputs, const hn_fixed_input *fixed, int n,
                double *pv)
{
    for (int i = 0; i < n; i++) {
        const hn_input *in = &inputs[fixed[i].input];
        const hn_param *p = sc->params[in->param];
        if (p->n != 1) {
            pv[in->slot] = fixed[i].value;
            continue;
        }
        for (int y = 0; y < sc->years; y++) pv[p->slot + y] = fixed[i].value;
    }
}
