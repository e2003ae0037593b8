/*
 * params.h - one iteration's parameter values.
 *
 * Every hn_param of a scenario becomes `years` numbers in a flat vector of
 * sc->n_slots doubles. Sampled parameters are drawn ONCE PER ITERATION from
 * their own stream (seed, iteration, param name); counts are rounded,
 * money below 0 is clamped to 0 and a rate below -1 to -1 (decisions item
 * 6 and R16), and each clamp is counted. Deterministic mode uses the
 * distributions' means and neither rounds nor samples.
 *
 * A run draws in two steps so that a sampling design can work across
 * iterations: the raw draws of every sampled input (params_draw_inputs, or
 * a Latin hypercube, possibly reordered to impose correlations), then one
 * parameter vector per iteration from them (params_fill), which applies
 * the same rounding and clamping as params_draw. A caller may then put
 * fixed values in place of some inputs' draws (params_fix).
 */
#ifndef HN_PARAMS_H
#define HN_PARAMS_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "scenario/scenario.h"
#include "scenario/inputs.h"

/* How many values the domain rules clamped (shown on the Run sheet); callers add them up. */
typedef struct {
    long money; /* money below 0, clamped to 0 */
    long rate;  /* a yearly rate below -1 (a fall of more than 100%), clamped to -1 */
} hn_clamps;

/*
 * Value v drawn for p (a random item's draw, or a value a sampled input is
 * held at) under p's domain: a count rounded to a whole pupil, money below
 * 0 clamped to 0, a rate below -1 clamped to -1; each clamp counted in
 * *clamped (NULL: not counted).
 */
double params_apply_domain(const hn_param *p, double v, hn_clamps *clamped);

/* Value of parameter p in year y (0-based) from a filled vector. */
static inline double params_get(const double *pv, const hn_param *p, int y)
{
    return pv[p->slot + y];
}

/*
 * Fills pv (sc->n_slots doubles) with iteration `iteration`'s draws. r is a
 * scratch generator of type hn_rng_xoshiro256 (re-seeded per parameter).
 * Adds the draws clamped (money below 0, rates below -1) to *clamped.
 */
void params_draw(const hn_scenario *sc, uint64_t seed, uint64_t iteration, gsl_rng *r, double *pv,
                 hn_clamps *clamped);

/*
 * The parameters of sc with a sampled item, found once for a run so that
 * an iteration does not look through every parameter's items again
 * (decisions P29): their indices in sc->params, ascending, and their draws'
 * streams (rng_name_key of rng_name_hash of the name, decisions P31).
 */
typedef struct {
    int n;
    int *param;       /* n indices into sc->params */
    uint64_t *stream; /* n streams' name keys */
} hn_param_plan;

/* Makes plan for sc; false on OOM (plan then holds nothing). params_plan_free frees it. */
bool params_plan_init(hn_param_plan *plan, const hn_scenario *sc);

/* Frees what plan holds and empties it; an empty or zeroed plan is fine. */
void params_plan_free(hn_param_plan *plan);

/*
 * Writes iteration `iteration`'s raw draws of every sampled input, in
 * params_inputs order, to x[k * stride]: the same streams and numbers as
 * params_draw, but nothing rounded or clamped. r as for params_draw; plan
 * is params_plan_init's for sc.
 */
void params_draw_inputs(const hn_scenario *sc, const hn_param_plan *plan, uint64_t seed,
                        uint64_t iteration, gsl_rng *r, double *x, long stride);

/*
 * Fills pv (sc->n_slots doubles) from raw input values x[k * stride]
 * (params_inputs order): constants as written (unless inputs_only: a pv
 * filled before for sc already holds them, and the loader admits no
 * constant its domain would change, so nothing is counted for them; only
 * plan's parameters are filled then), inputs rounded (counts) or clamped
 * (money, rates; counted in *clamped) exactly as params_draw does. plan is
 * params_plan_init's for sc, read only when inputs_only.
 */
void params_fill(const hn_scenario *sc, const hn_param_plan *plan, const double *x, long stride,
                 bool inputs_only, double *pv, hn_clamps *clamped);

/* A sampled input that takes a fixed value in every iteration instead of its draw. */
typedef struct {
    int input;    /* index in params_inputs order */
    double value; /* the value used, as given: not rounded or clamped */
} hn_fixed_input;

/*
 * Puts the n fixed values in pv in place of what their inputs drew: in the
 * input's slot for an element of a per-year list, in every year's slot for
 * a single distribution. inputs is sc's params_inputs list and every
 * fixed[i].input must index it (the caller checks). Never fails.
 */
void params_fix(const hn_scenario *sc, const hn_input *inputs, const hn_fixed_input *fixed, int n,
                double *pv);

/* Fills pv with every parameter's mean (deterministic mode). Negative money means are clamped and counted. */
void params_means(const hn_scenario *sc, double *pv, hn_clamps *clamped);

#endif
