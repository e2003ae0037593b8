/*
 * domain.c - the rules of a scenario's numbers (domain.h).
 *
 * item_checks() lists, for one item (a constant or a distribution) of a
 * domain, every check it must pass, in the order the loader reports them:
 * shape rules (a probability is not normal or lognormal; a whole count is
 * a whole number), which scaling keeps, and bounds on a quantity of the
 * item (largest or smallest possible value, mean, sd), which scale with
 * it. domain_check_item() reports the first check an item fails;
 * domain_item_max_scale() divides each bound's limit by its quantity.
 * The sums of a source's probabilities and the initial occupants of a
 * provision are the two rules across keys.
 */
#include "scenario/domain.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Every domain: its size limits (R2), their explanation, and its description. */
static const struct {
    const char *name;
    double lo, hi;     /* values lie within [lo, hi] */
    const char *what;  /* why, for messages (NULL: the domain's own rules say it) */
    const char *rules; /* for the key reference */
} domains[] = {
    [HN_DOMAIN_PROBABILITY] = { "probability", 0, 1, NULL,
                                "per term; every possible value lies in [0, 1], so not normal or "
                                "lognormal; the probabilities of one source (a segment's exclusion "
                                "and resolve, a provision's exits) can add up to at most 1" },
    [HN_DOMAIN_COUNT] = { "count", -INFINITY, HN_MAX_COUNT,
                          "a count of pupils or places is at most 1000000 (one council's pupils, "
                          "not pounds)",
                          "pupils or places, at most 1000000; a number is >= 0 and a "
                          "distribution cannot reach below 0; a sampled count is rounded to a "
                          "whole pupil" },
    [HN_DOMAIN_MONEY] = { "money", -HN_MAX_MONEY, HN_MAX_MONEY,
                          "money values lie within +/-1e12 pounds (amounts are pounds a year)",
                          "pounds, within +/-1e12; a number is >= 0 (income has its own keys); "
                          "sampled values below 0 are clamped to 0 and counted" },
    [HN_DOMAIN_RATE] = { "rate", -1, HN_MAX_RATE,
                         "a yearly rate is a fraction from -1 to 1 (a 5% rise is 0.05; 1 doubles)",
                         "a yearly fraction from -1 to 1 (a 5% rise is 0.05); a number is > -1; "
                         "a normal may fall below -1 in at most 1 draw in 10000, and such draws "
                         "are clamped to -1 and counted; a list compounds year on year" },
    [HN_DOMAIN_BALANCE] = { "balance", -HN_MAX_MONEY, HN_MAX_MONEY,
                            "a DSG balance lies within +/-1e12 pounds",
                            "pounds of either sign, within +/-1e12 (a DSG reserve or target: "
                            "negative is a deficit); never clamped" },
};

const char *domain_name(hn_domain dom)
{
    return domains[dom].name;
}

const char *domain_rules_text(hn_domain dom)
{
    return domains[dom].rules;
}

const hn_dist *param_item(const hn_param *p, int y)
{
    return &p->items[p->n == 1 ? 0 : y];
}

double param_upper(const hn_param *p, int y)
{
    if (y >= 0) return dist_upper(param_item(p, y));
    double m = -INFINITY;
    for (int i = 0; i < p->n; i++) m = fmax(m, dist_upper(&p->items[i]));
    return m;
}

/* ------------------------------------------------------------------ */
/* One item                                                           */
/* ------------------------------------------------------------------ */

/* The rule a check belongs to, which decides its messages. */
typedef enum {
    R_PROB_SHAPE,   /* a probability is not normal or lognormal (decisions 7) */
    R_PROB_RANGE,   /* a probability lies in [0, 1] */
    R_COUNT_NEG,    /* a count constant is >= 0 */
    R_WHOLE,        /* a whole count constant is a whole number (decisions 5) */
    R_COUNT_LOWER,  /* a count distribution cannot reach below 0 */
    R_MONEY_NEG,    /* a money constant is >= 0 (decisions 6) */
    R_RATE_FALL,    /* a rate constant is > -1 */
    R_SIZE_HI,      /* at most the domain's limit (R2) */
    R_SIZE_LO,      /* at least the domain's lower limit (R2) */
    R_SIZE_MOMENTS, /* an unbounded distribution's mean and sd within the limit (R2) */
    R_RATE_TAIL     /* a rate distribution rarely falls below -1 (R16) */
} rule;

/* How a check compares its quantity q with its limit. */
typedef enum {
    C_SHAPE, /* not an unbounded distribution (q unused) */
    C_WHOLE, /* q is a whole number */
    C_LE,    /* q <= limit */
    C_GE,    /* q >= limit */
    C_GT     /* q > limit */
} cmp;

/* One check of an item. */
typedef struct {
    rule r;
    cmp c;
    double q, limit;
} check;

/* Most checks of one item. */
#define MAX_CHECKS 8

/* Adds a check to out[*n]. */
static void add(check *out, int *n, rule r, cmp c, double q, double limit)
{
    out[(*n)++] = (check){ r, c, q, limit };
}

/* Lists the checks of item d of domain dom in the loader's order; returns how many. */
static int item_checks(hn_domain dom, bool whole, const hn_dist *d, check *out)
{
    int n = 0;
    bool cst = d->kind == HN_DIST_CONST;
    double lo = dist_lower(d), hi = dist_upper(d);
    switch (dom) {
    case HN_DOMAIN_PROBABILITY:
        add(out, &n, R_PROB_SHAPE, C_SHAPE, 0, 0);
        add(out, &n, R_PROB_RANGE, C_GE, lo, 0);
        add(out, &n, R_PROB_RANGE, C_LE, hi, 1);
        return n; /* the range is the size limit */
    case HN_DOMAIN_COUNT:
        if (cst) add(out, &n, R_COUNT_NEG, C_GE, d->p[0], 0);
        if (cst && whole) add(out, &n, R_WHOLE, C_WHOLE, d->p[0], 0);
        if (!cst) add(out, &n, R_COUNT_LOWER, C_GE, lo, 0);
        break;
    case HN_DOMAIN_MONEY:
        if (cst) add(out, &n, R_MONEY_NEG, C_GE, d->p[0], 0);
        break;
    case HN_DOMAIN_RATE:
        if (cst) add(out, &n, R_RATE_FALL, C_GT, d->p[0], -1);
        break;
    case HN_DOMAIN_BALANCE: break; /* either sign */
    }
    double lim_lo = domains[dom].lo, lim_hi = domains[dom].hi;
    if (isfinite(lo) && isfinite(hi)) { /* constants and bounded distributions */
        add(out, &n, R_SIZE_HI, C_LE, hi, lim_hi);
        add(out, &n, R_SIZE_LO, C_GE, lo, lim_lo);
    } else {
        double mean = dist_mean(d);
        add(out, &n, R_SIZE_MOMENTS, C_LE, mean, lim_hi);
        add(out, &n, R_SIZE_MOMENTS, C_GE, mean, lim_lo);
        add(out, &n, R_SIZE_MOMENTS, C_LE, sqrt(dist_variance(d)), lim_hi);
    }
    /* Below -1 in at most HN_RATE_TAIL of draws: that quantile (which scales with d) >= -1. */
    if (dom == HN_DOMAIN_RATE && lo < -1)
        add(out, &n, R_RATE_TAIL, C_GE, dist_quantile(d, HN_RATE_TAIL), -1);
    return n;
}

/* True when item d passes check k. */
static bool passes(const check *k, const hn_dist *d)
{
    switch (k->c) {
    case C_SHAPE: return d->kind != HN_DIST_NORMAL && d->kind != HN_DIST_LOGNORMAL;
    case C_WHOLE: return k->q == floor(k->q);
    case C_LE: return k->q <= k->limit;
    case C_GE: return k->q >= k->limit;
    case C_GT: return k->q > k->limit;
    }
    return true;
}

/* A mean or sd for a message (32 bytes in buf): past lo or hi when it is, never rounded onto it. */
static const char *moment_text(double v, double lo, double hi, char *buf)
{
    return dist_number_past(v, v < lo ? lo : hi, buf, 32);
}

/* A bound of the user's value (32 bytes in buf), never rounded: it reads back as itself. */
static const char *exact(double v, char *buf)
{
    return dist_number_past(v, NAN, buf, 32);
}

/* snprintf into buf that tolerates truncation. */
static void put(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

bool domain_check_item(hn_domain dom, bool whole, const char *key, const hn_dist *d,
                       const char *text, const char *where, char *msg, size_t cap)
{
    check ks[MAX_CHECKS];
    int n = item_checks(dom, whole, d, ks);
    int i = 0;
    while (i < n && passes(&ks[i], d)) i++;
    if (i == n) return true;
    char b[160], q[32], m1[32], m2[32];
    if (text) /* the user's value as written, never rounded (R18) */
        snprintf(b, sizeof b, "%.*s", hn_utf8_prefix(text, (int)sizeof b - 1), text);
    else
        dist_format(d, b, sizeof b);
    bool cst = d->kind == HN_DIST_CONST;
    double lim_lo = domains[dom].lo, lim_hi = domains[dom].hi;
    const char *what = domains[dom].what;
    switch (ks[i].r) {
    case R_PROB_SHAPE:
        put(msg, cap,
            "%s%s cannot be used for a probability: it is unbounded (use beta, pert, triangular "
            "or uniform with values in [0, 1])",
            where, dist_name(d->kind));
        break;
    case R_PROB_RANGE:
        if (cst)
            put(msg, cap, "%s%s is not a probability: it must lie in [0, 1] (per term)", where, b);
        else
            put(msg, cap,
                "%s%s can reach values outside [0, 1]; a probability must lie in [0, 1] (per "
                "term)",
                where, b);
        break;
    case R_COUNT_NEG:
        put(msg, cap, "%s%s is negative; a count of pupils or places must be >= 0", where, b);
        break;
    case R_WHOLE:
        put(msg, cap, "%s%s is not a whole number; `%s` counts pupils or places", where, b, key);
        break;
    case R_COUNT_LOWER:
        put(msg, cap,
            "%s%s can be below 0; a count needs a distribution whose lower bound is >= 0 "
            "(lognormal, pert, triangular, uniform or beta)",
            where, b);
        break;
    case R_MONEY_NEG:
        put(msg, cap,
            "%s%s is negative; money amounts must be >= 0 (put income in an [income.*] section "
            "or the income_per_* keys)",
            where, b);
        break;
    case R_RATE_FALL:
        put(msg, cap, "%s%s is a fall of 100%% or more; a yearly rate must be > -1", where, b);
        break;
    case R_SIZE_HI:
    case R_SIZE_LO: {
        bool up = ks[i].r == R_SIZE_HI;
        const char *than = up ? "more" : "less";
        if (cst)
            put(msg, cap, "%s%s is %s than %.15g: %s", where, b, than, up ? lim_hi : lim_lo, what);
        else
            put(msg, cap, "%s%s can %s %s, %s than %.15g: %s", where, b, up ? "reach" : "fall to",
                dist_number_past(ks[i].q, ks[i].limit, q, sizeof q), than, ks[i].limit, what);
        break;
    }
    case R_SIZE_MOMENTS:
        put(msg, cap, "%s%s has mean %s and sd %s; both must lie within %.15g: %s", where, b,
            moment_text(dist_mean(d), lim_lo, lim_hi, m1),
            moment_text(sqrt(dist_variance(d)), -lim_hi, lim_hi, m2), lim_hi, what);
        break;
    case R_RATE_TAIL: {
        /* The share with 2 digits, or as many as it takes not to read as the limit itself. */
        double pct = 100.0 * dist_cdf(d, -1), pct_max = 100.0 * HN_RATE_TAIL;
        snprintf(q, sizeof q, "%.2g", pct);
        if (!(strtod(q, NULL) > pct_max)) dist_number_past(pct, pct_max, q, sizeof q);
        put(msg, cap,
            "%s%s falls below -1 (a fall of more than 100%%) in %s%% of draws; a yearly rate may "
            "do so in at most 1 draw in %.0f, whose value is then taken as -1: narrow the sd, or "
            "use a distribution that stays at or above -1 (pert, triangular, uniform)",
            where, b, q, 1.0 / HN_RATE_TAIL);
        break;
    }
    }
    return false;
}

double domain_item_max_scale(hn_domain dom, const hn_dist *d, const char *name, char *why,
                             size_t cap)
{
    check ks[MAX_CHECKS];
    int n = item_checks(dom, false, d, ks);
    double best = INFINITY;
    char q[32];
    const char *what = domains[dom].what;
    for (int i = 0; i < n; i++) {
        const check *k = &ks[i];
        /* f q stays on the limit's side for every f >= 0 unless q lies beyond 0 towards it. */
        bool binds = (k->c == C_LE && k->q > 0) || ((k->c == C_GE || k->c == C_GT) && k->q < 0);
        if (!binds) continue;
        double f = k->limit / k->q;
        if (k->c == C_GT) f *= 1.0 - 1e-12; /* strictly above: just inside */
        if (!(f < best)) continue;
        best = f;
        switch (k->r) {
        case R_PROB_RANGE:
            put(why, cap, "%s can reach %s and a probability must stay <= 1", name, exact(k->q, q));
            break;
        case R_RATE_FALL:
            put(why, cap, "%s is %s and a yearly rate must stay above -1", name, exact(k->q, q));
            break;
        case R_SIZE_HI: put(why, cap, "%s can reach %s: %s", name, exact(k->q, q), what); break;
        case R_SIZE_LO: put(why, cap, "%s can fall to %s: %s", name, exact(k->q, q), what); break;
        case R_SIZE_MOMENTS:
            put(why, cap, "%s has mean %.6g and sd %.6g: %s", name, dist_mean(d),
                sqrt(dist_variance(d)), what);
            break;
        case R_RATE_TAIL:
            put(why, cap,
                "%s falls to %.6g in its lowest 1 draw in %.0f, which a yearly rate must keep at "
                "-1 or above",
                name, k->q, 1.0 / HN_RATE_TAIL);
            break;
        default: /* sign rules: f >= 0 keeps them, so they never bind a valid item */
            put(why, cap, "%s must keep its sign", name);
            break;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* Across keys                                                        */
/* ------------------------------------------------------------------ */

int domain_pool_source(const hn_segment *g, const hn_param **out)
{
    out[0] = &g->exclusion;
    out[1] = &g->resolve;
    return 2;
}

int domain_exit_source(const hn_provision *p, const hn_param **out)
{
    for (int e = 0; e < p->n_exits; e++) out[e] = &p->exits[e].prob;
    return p->n_exits;
}

double domain_sum_upper(const hn_param *const *ps, int n, int y)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (ps[i]) sum += param_upper(ps[i], y);
    return sum;
}

bool domain_sum_ok(double sum)
{
    return !(sum > 1 + 1e-12); /* room for the rounding of decimal inputs */
}

double domain_sum_max_scale(const hn_param *const *ps, int n, const hn_param *self, int y)
{
    double mine = param_upper(self, y);
    if (!(mine > 0)) return INFINITY;
    double others = 0;
    for (int i = 0; i < n; i++)
        if (ps[i] && ps[i] != self) others += param_upper(ps[i], y);
    return (1.0 - others) / mine;
}

double domain_places_low(const hn_provision *p)
{
    return dist_lower(param_item(&p->places, 0));
}

double domain_initial_high(const hn_provision *p, int n_segments)
{
    double sum = 0;
    for (int g = 0; g < n_segments; g++) sum += dist_upper(param_item(&p->initial[g], 0));
    return sum;
}

bool domain_initial_fits(double initial, double places)
{
    return !(initial > places);
}
