/*
 * domain.h - the rules a scenario's numbers keep, written once.
 *
 * MODEL.md section 2 and docs/decisions.md items 5-9, R2 and R16: a
 * probability lies in [0, 1] and is never an unbounded distribution; a
 * count or money constant is not negative, and a count distribution cannot
 * reach below 0; a constant yearly rate is above -1, and a rate
 * distribution falls below -1 in at most HN_RATE_TAIL of its draws (R16);
 * counts, money and rates stay within HN_MAX_COUNT, HN_MAX_MONEY and
 * HN_MAX_RATE (scenario.h); the per-term
 * probabilities of one source (a segment's waiting pool, a provision's
 * exits) can never add up to more than 1; a provision's initial occupants
 * fit its smallest possible year-1 places.
 *
 * Two callers ask two questions of the same rules. The loader
 * (scenario_load.c) asks whether a value keeps them and reports the first
 * it breaks. `solve`'s scaling (scenario_scale.c) asks for which factors
 * f >= 0 the value multiplied by f still keeps them. Every rule scaling
 * can break is a bound on a quantity of the value that scales with it
 * (its largest or smallest possible value, its mean or sd), so both
 * answers come from one list of bounds per item (domain.c).
 */
#ifndef HN_DOMAIN_H
#define HN_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/dist.h"
#include "scenario/scenario.h"

/* The item of p in force in year y (0-based). */
const hn_dist *param_item(const hn_param *p, int y);

/* Largest possible value of p in year y, or in any year when y < 0. */
double param_upper(const hn_param *p, int y);

/* What a domain measures, for the key reference: "probability", "count", "money", "rate". */
const char *domain_name(hn_domain dom);

/* The rules of a domain in one sentence, for the key reference (docs/keys.md). */
const char *domain_rules_text(hn_domain dom);

/*
 * Checks item d of a parameter of domain dom against every rule of the
 * domain (whole: constants must be whole numbers; key names the key in
 * messages). True when d keeps them; otherwise false with the first rule
 * broken written into msg (cap bytes), prefixed with where ("year 3: "),
 * e.g. "year 3: 1.5 is not a probability: it must lie in [0, 1] (per term)".
 * The message quotes the item as text, its text as written (decisions
 * R18), or when text is NULL as dist_format writes it.
 */
bool domain_check_item(hn_domain dom, bool whole, const char *key, const hn_dist *d,
                       const char *text, const char *where, char *msg, size_t cap);

/*
 * The largest factor f >= 0 for which f times item d (each value and
 * distribution parameter multiplied) keeps the rules of dom, d keeping
 * them as it is; INFINITY when every f does. When finite, why (cap bytes)
 * says which rule, naming the parameter as `name`. Scaling keeps a
 * distribution's kind and every sign, and a scaled whole constant is
 * rounded, so only the bounds can stop it.
 */
double domain_item_max_scale(hn_domain dom, const hn_dist *d, const char *name, char *why,
                             size_t cap);

/*
 * The probabilities of one source of pupils, whose largest possible sum
 * must stay <= 1 in every year (decisions item 7): a segment's waiting
 * pool (exclusion, resolve) and a provision's exits. Each writes them into
 * out (room for 2, or for p->n_exits) and returns how many.
 */
int domain_pool_source(const hn_segment *g, const hn_param **out);
int domain_exit_source(const hn_provision *p, const hn_param **out);

/* Largest possible sum in year y of ps[0..n) (NULL entries add nothing). */
double domain_sum_upper(const hn_param *const *ps, int n, int y);

/* True when a source whose probabilities can add up to sum keeps the rule. */
bool domain_sum_ok(double sum);

/*
 * The largest factor for member self of the source ps[0..n), the others
 * fixed, that keeps the source's sum <= 1 in year y; INFINITY when self
 * cannot be above 0 that year.
 */
double domain_sum_max_scale(const hn_param *const *ps, int n, const hn_param *self, int y);

/* Smallest possible year-1 places of provision p (meaningful when capped). */
double domain_places_low(const hn_provision *p);

/* Largest possible initial occupants of p, over its n_segments segments' initial.* values. */
double domain_initial_high(const hn_provision *p, int n_segments);

/* True when initial occupants that can reach `initial` fit year-1 places as low as `places`. */
bool domain_initial_fits(double initial, double places);

#endif
