/*
 * dist.h - the probability distributions a scenario value may take.
 *
 * A value in a scenario is a constant or one of six distributions
 * (MODEL.md section 2). This module checks their parameters, gives their
 * moments and support (for the domain checks and deterministic mode), and
 * samples them with a caller-supplied GSL generator (never a static one).
 */
#ifndef HN_DIST_H
#define HN_DIST_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

typedef enum {
    HN_DIST_CONST = 0,  /* p[0]                               */
    HN_DIST_NORMAL,     /* mean p[0], sd p[1]                 */
    HN_DIST_UNIFORM,    /* min p[0], max p[1]                 */
    HN_DIST_TRIANGULAR, /* min p[0], mode p[1], max p[2]      */
    HN_DIST_PERT,       /* min p[0], mode p[1], max p[2]; lambda 4 */
    HN_DIST_BETA,       /* a p[0], b p[1]                     */
    HN_DIST_LOGNORMAL,  /* mean p[0], sd p[1] of the variable itself */
    HN_DIST__COUNT
} hn_dist_kind;

/* One constant or distribution. */
typedef struct {
    hn_dist_kind kind;
    double p[3];
} hn_dist;

/* Name as written in a scenario ("normal", ...; "constant" for HN_DIST_CONST). */
const char *dist_name(hn_dist_kind k);

/* Number of parameters the kind takes (1 for a constant). */
int dist_param_count(hn_dist_kind k);

/* Looks a kind up by its scenario name; returns false when unknown. */
bool dist_kind_from_name(const char *name, hn_dist_kind *out);

/*
 * Checks the parameters: NULL when valid, otherwise a static string saying
 * what is valid, e.g. "sd must be > 0". Non-finite parameters are invalid.
 */
const char *dist_check(const hn_dist *d);

/* True when the value varies between iterations (any kind but a constant). Inline: the
 * engine asks it of every item of every parameter of every iteration. */
static inline bool dist_is_random(const hn_dist *d)
{
    return d->kind != HN_DIST_CONST;
}

/* Mean (the deterministic-mode value, MODEL.md section 2). */
double dist_mean(const hn_dist *d);

/* Variance (0 for a constant). */
double dist_variance(const hn_dist *d);

/* Smallest and largest possible value (may be -INFINITY / INFINITY). */
double dist_lower(const hn_dist *d);
double dist_upper(const hn_dist *d);

/* One draw using r. A constant returns p[0] and consumes no random numbers. */
double dist_sample(const hn_dist *d, const gsl_rng *r);

/* Inverse CDF at u in (0,1): the value with that rank (constant: p[0]). */
double dist_quantile(const hn_dist *d, double u);

/* CDF: the probability that a draw is <= x (constant: 0 or 1). NAN for a NAN x. */
double dist_cdf(const hn_dist *d, double x);

/* Writes "pert(0.01, 0.02, 0.04)" or "4258000" into buf (always terminated). */
void dist_format(const hn_dist *d, char *buf, int cap);

/*
 * Writes v, a number worked out from a user's values (a distribution's
 * bound or mean, a sum), for a message saying it lies beyond `limit`:
 * with 6 significant digits, or as many more (up to 17) as it takes for
 * the text to read back beyond the limit too, so that a value just past a
 * limit is never shown equal to it (1000000.4, not 1e+06, past 1000000;
 * decisions R18). v equal to the limit is written with 6 digits; with a
 * NAN limit, v is written with the fewest digits (from 6) that read back
 * as v exactly. Returns buf (always terminated; cap >= 32 holds any number).
 */
const char *dist_number_past(double v, double limit, char *buf, int cap);

#endif
