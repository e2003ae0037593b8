/*
 * scenario_corr.h - the [correlation] section of a scenario.
 *
 * Each key names two sampled inputs (params.h: `section.key`, or
 * `section.key[year]` for one distribution of a per-year list) and its
 * value is their rank correlation:
 *   provision.pru.cost_per_pupil, provision.indep.cost_per_pupil = 0.6
 * Part of scenario_load: called once the parameters are collected.
 */
#ifndef HN_SCENARIO_CORR_H
#define HN_SCENARIO_CORR_H

#include "base/hn_error.h"
#include "scenario/scenario.h"
#include "scenario/scenario_raw.h"

/*
 * Checks section s (NULL when the scenario has none) and fills
 * sc->correlations. Errors name the file, line, section and key: a key that
 * is not two names, a name that is not a sampled input (with "did you
 * mean"), an input paired with itself, a value that is not one number in
 * [-1, 1], and pairs that together are not a valid correlation matrix
 * (unspecified pairs 0; not positive definite, as rank correlations or as
 * the normal-score correlations Iman-Conover imposes): that error points at
 * a pair involved. HN_ERR_SCENARIO or HN_ERR_NOMEM.
 */
hn_status scenario_correlations(hn_scenario *sc, const raw_section *s, hn_error *err);

#endif
