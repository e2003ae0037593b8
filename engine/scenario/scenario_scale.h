/*
 * scenario_scale.h - multiplying one numeric key of a loaded scenario by a
 * factor, within the range of factors for which the scenario stays valid.
 *
 * `hnsim solve --vary KEY` searches over such factors. KEY is a parameter's
 * name, `section.key` as written in the file (`demand.primary.exclusion`,
 * `cost.posts.amount`, `provision.pru.exit.mainstream`). The factor f
 * multiplies every value and every distribution parameter of the key:
 * normal(m, s) -> normal(fm, fs), pert(a, m, b) -> pert(fa, fm, fb), a
 * per-year list element by element, so each draw is f times the draw as
 * written; f = 0 makes the key a constant 0. A constant `places` or
 * `initial` (whole numbers) is rounded to the nearest whole number after
 * scaling. A beta(a, b) cannot be scaled (its parameters are shapes, not
 * values) and is refused, as are keys not written in the file and keys
 * whose every value is 0 (scaling them changes nothing).
 *
 * The admissible factors [lo, hi] keep every rule of the loader
 * (scenario/domain.h, the functions the loader checks with): f >= 0; a
 * probability stays within [0, 1] and the largest possible sum of a
 * provision's exit.* (or a segment's exclusion + resolve) stays <= 1 in
 * every year; a provision's initial occupants stay within its smallest
 * possible year-1 places; a constant yearly rate stays above -1; counts
 * stay within HN_MAX_COUNT, money within HN_MAX_MONEY and rates within
 * HN_MAX_RATE (for an unbounded distribution, its mean and sd). (Counts
 * and money stay >= 0 because f >= 0.) `limit` says which rules set the
 * lower end and the upper one, for messages.
 */
#ifndef HN_SCENARIO_SCALE_H
#define HN_SCENARIO_SCALE_H

#include <stdbool.h>

#include "base/hn_error.h"
#include "scenario/scenario.h"

typedef struct {
    hn_scenario *sc;   /* borrowed: the scenario being scaled */
    hn_param *param;   /* the key's parameter, inside sc */
    hn_dist *original; /* its items as loaded (owned) */
    bool whole;        /* places or initial: constants are rounded after scaling */
    double lo, hi;     /* admissible factors (hi may be INFINITY) */
    char why_lo[320];  /* the rule that sets lo, "" when only f >= 0 does */
    char why_hi[320];  /* the rule that sets hi, "" when none does */
    char limit[660];   /* why_lo and why_hi, joined by "; " when both are set */
    double factor;     /* the factor in force (1 after begin) */
} hn_scale;

/*
 * Prepares to scale key `key` of sc. On success *s describes the key and
 * its admissible range, and the scenario is unchanged (factor 1); undo
 * with scenario_scale_end. HN_ERR_USAGE naming the key and what would be
 * valid when it is unknown, not written, all zero or a beta;
 * HN_ERR_NOMEM.
 */
hn_status scenario_scale_begin(hn_scenario *sc, const char *key, hn_scale *s, hn_error *err);

/* Sets the key to f times its values as loaded. HN_ERR_USAGE when f is outside [lo, hi]. */
hn_status scenario_scale_set(hn_scale *s, double f, hn_error *err);

/*
 * Rewrites the key's audit entry (sc->entries, shown to readers of the
 * workbook) to the scaled values in force and the original text:
 * "pert(812.65, 1218.98, 2031.63) (pert(1000, 1500, 2500) x 0.8126, hnsim solve)".
 * Permanent: scenario_scale_end does not undo it. HN_ERR_NOMEM.
 */
hn_status scenario_scale_note(hn_scale *s, hn_error *err);

/*
 * HN_ERR_USAGE for a KEY given with command-line option `option` (--vary,
 * --fit) that is no numeric key of sc, offering the closest name.
 */
hn_status scenario_unknown_key(const hn_scenario *sc, const char *option, const char *key,
                               hn_error *err);

/* Restores the values as loaded and frees what begin allocated. */
void scenario_scale_end(hn_scale *s);

#endif
