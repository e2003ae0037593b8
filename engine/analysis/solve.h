/*
 * solve.h - break-even: the scale of one key at which a target holds at its
 * boundary (`hnsim solve`).
 *
 * Every trial scales the key (scenario_scale.h), runs the scenario with the
 * same options - same seed, same iterations, so the same random numbers in
 * every trial (common random numbers) and the figure is a smooth-ish
 * function of the scale - and tests the target (target.h).
 *
 * 1. Bracket. Trials start at scale 1 (the plan as written; the range's
 *    nearest point if 1 is outside it) and step outwards, alternately down
 *    and up, by 0.1, 0.25, 0.5, 1, 2, 4, ... to the ends of the range,
 *    until the target's verdict changes. The first change found (the one
 *    nearest the plan) gives a bracket [LO, HI] holding the boundary. A
 *    verdict that never changes is an error: no scale in the range meets
 *    the target, or every scale does.
 * 2. Solve. For a figure that varies continuously (a mean or percentile of
 *    money or pupils), GSL's Brent solver (gsl_root_fsolver_brent) looks
 *    for figure = VALUE until its bracket is at most `tol` wide. A
 *    probability is a step function of the scale (it moves in steps of
 *    1/iterations), so it is not given to Brent. Then the narrowest pair
 *    of trials with different verdicts is bisected on the verdict itself
 *    until it is at most `tol` wide: this finishes a probability, and a
 *    figure that equals VALUE over a flat stretch (where Brent's root is
 *    not the boundary).
 * The answer is the end of the final bracket at which the target holds.
 */
#ifndef HN_SOLVE_H
#define HN_SOLVE_H

#include <stdbool.h>

#include "model/engine.h"
#include "base/hn_error.h"
#include "scenario/scenario.h"
#include "scenario/scenario_scale.h"
#include "analysis/target.h"

/* Default searched range of scales (intersected with the key's admissible range) and tolerance. */
#define HN_SOLVE_LO  0.0
#define HN_SOLVE_HI  4.0
#define HN_SOLVE_TOL 0.001

/* Called after every trial (for progress lines): the scale, the figure, whether the target holds. */
typedef void (*hn_solve_trial_fn)(void *user, double scale, double figure, bool holds);

typedef struct {
    double scale;                /* the answer: the bracket's end where the target holds */
    double figure;               /* the figure at scale */
    double lo, hi;               /* the final bracket, hi - lo <= tol */
    double figure_lo, figure_hi; /* the figure at its ends */
    int trials;                  /* runs made */
    bool bisected;               /* finished by bisecting the verdict (else Brent alone) */
} hn_solve_result;

/*
 * Searches scales of s (begun on sc) in [lo, hi] (already within s's
 * admissible range) for target t, running sc with opts. trial (may be NULL)
 * sees every run. On success fills *out and leaves the key at the answer's
 * scale. HN_ERR_USAGE when no scale in the range meets the target or every
 * one does (the message gives the figure's range found), or when the figure
 * is undefined at a trial; the errors of engine_run and stats_compute.
 */
hn_status solve_search(hn_scenario *sc, hn_scale *s, const hn_target *t, const hn_run_opts *opts,
                       double lo, double hi, double tol, hn_solve_trial_fn trial, void *user,
                       hn_solve_result *out, hn_error *err);

#endif
