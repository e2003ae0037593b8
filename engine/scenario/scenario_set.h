/*
 * scenario_set.h - setting one numeric key of a loaded scenario to a value
 * or a distribution, and undoing it (`hnsim calibrate`, `hnsim backtest`).
 *
 * Beside scenario_scale.h, which multiplies a key: calibration needs to
 * put a key at any trial value (a constant, while it searches) and then at
 * the fitted distribution. A key that can be set is written in the file
 * (a default has no line to replace) as one number or distribution (not a
 * per-year list). The loader's rules are not re-run: the caller keeps the
 * value within the key's domain (calibrate.h fits on a transformed scale
 * for that), using scenario_set_siblings for the probabilities that must
 * sum to at most 1 with it.
 */
#ifndef HN_SCENARIO_SET_H
#define HN_SCENARIO_SET_H

#include "base/hn_error.h"
#include "scenario/scenario.h"

/* One key being set, and its value as loaded. */
typedef struct {
    hn_param *param;  /* inside the scenario */
    hn_dist original; /* its item as loaded */
} hn_setter;

/*
 * Prepares to set key `key` (SECTION.KEY) of sc, named on the command line
 * by `option` (for messages). HN_ERR_USAGE, naming the key and what would
 * be valid, when it is no numeric key, is not written in the file, or is a
 * per-year list.
 */
hn_status scenario_set_begin(hn_scenario *sc, const char *option, const char *key, hn_setter *s,
                             hn_error *err);

/* Sets the key to the constant v (every year). */
void scenario_set_value(hn_setter *s, double v);

/* Sets the key to distribution d (every year). */
void scenario_set_dist(hn_setter *s, const hn_dist *d);

/* Restores the key as loaded. */
void scenario_set_end(hn_setter *s);

/*
 * The probabilities whose largest values must sum to at most 1 with
 * probability p (MODEL.md section 2): the source of domain.h that holds p
 * (a segment's exclusion and resolve, a provision's exit.* keys); p alone
 * for an `ehcna`. Writes up to cap of them (p included, in file order)
 * into out and returns how many there are.
 */
int scenario_set_siblings(const hn_scenario *sc, const hn_param *p, const hn_param **out, int cap);

#endif
