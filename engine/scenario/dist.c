/*
 * dist.c - the six distributions a scenario value may take, and constants.
 *
 * Checks parameters (dist_check), gives closed-form moments and support
 * bounds for the loader's domain checks and for deterministic mode, samples
 * with a caller-supplied GSL generator, and inverts CDFs. Nothing here keeps
 * state: every function is re-entrant.
 *
 * GSL's default error handler aborts the process. No GSL call made here
 * reports an error for parameters that pass dist_check: non-finite values
 * and ranges whose width overflows are refused, and the beta inverse CDF is
 * our own safeguarded Newton iteration rather than gsl_cdf_beta_Pinv, which
 * calls the error handler when its own iteration fails to converge. Beta
 * shapes are limited to [HN_BETA_MIN, HN_BETA_MAX]: above about 1e6 GSL's
 * incomplete beta returns NaN near the mode (its continued fraction does
 * not converge), so quantiles would be wrong; below 0.001 a beta is two
 * point masses at 0 and 1 in all but name and its quantiles underflow.
 */
#include "scenario/dist.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

/* Shape parameters of beta (and of the beta behind pert) must lie in this range. */
#define HN_BETA_MIN 1e-3
#define HN_BETA_MAX 1e5

/* Name and parameter count of each kind, indexed by hn_dist_kind. */
static const struct {
    const char *name;
    int n_params;
} kind_table[HN_DIST__COUNT] = {
    [HN_DIST_CONST] = { "constant", 1 },      [HN_DIST_NORMAL] = { "normal", 2 },
    [HN_DIST_UNIFORM] = { "uniform", 2 },     [HN_DIST_TRIANGULAR] = { "triangular", 3 },
    [HN_DIST_PERT] = { "pert", 3 },           [HN_DIST_BETA] = { "beta", 2 },
    [HN_DIST_LOGNORMAL] = { "lognormal", 2 },
};

/* True when k is one of the kinds of the enum (excluding the sentinel). */
static bool kind_valid(hn_dist_kind k)
{
    return (int)k >= 0 && k < HN_DIST__COUNT;
}

/* Scenario name of a kind: a static string, never freed; "unknown" out of range. */
const char *dist_name(hn_dist_kind k)
{
    return kind_valid(k) ? kind_table[k].name : "unknown";
}

/* Number of parameters of a kind (1 for a constant, 0 out of range). */
int dist_param_count(hn_dist_kind k)
{
    return kind_valid(k) ? kind_table[k].n_params : 0;
}

/* Kind of a scenario name; only the six distribution names (a constant has no call syntax). */
bool dist_kind_from_name(const char *name, hn_dist_kind *out)
{
    if (!name) return false;
    for (int k = HN_DIST_NORMAL; k < HN_DIST__COUNT; k++) {
        if (strcmp(name, kind_table[k].name) == 0) {
            if (out) *out = (hn_dist_kind)k;
            return true;
        }
    }
    return false;
}

/* Shape parameters alpha and beta of a beta-PERT on [a, b] with mode m (lambda 4). */
static void pert_shape(const hn_dist *d, double *alpha, double *beta)
{
    double a = d->p[0], m = d->p[1], b = d->p[2];
    *alpha = 1.0 + 4.0 * (m - a) / (b - a);
    *beta = 1.0 + 4.0 * (b - m) / (b - a);
}

/* Parameters (mu, sigma) of the log of a lognormal with the given mean and sd. */
static void lognormal_log_params(const hn_dist *d, double *mu, double *sigma)
{
    double cv = d->p[1] / d->p[0];
    double s2 = log1p(cv * cv);
    *sigma = sqrt(s2);
    *mu = log(d->p[0]) - s2 / 2.0;
}

/* Checks min <= mode <= max, min < max and a finite range for triangular and pert. */
static const char *check_three_point(const hn_dist *d)
{
    if (!(d->p[0] <= d->p[1] && d->p[1] <= d->p[2] && d->p[0] < d->p[2]))
        return "needs min <= mode <= max and min < max";
    if (!isfinite(d->p[2] - d->p[0])) return "max - min must be finite";
    return NULL;
}

/* NULL when d is valid, else a static message (never freed) naming the rule. */
const char *dist_check(const hn_dist *d)
{
    if (!d || !kind_valid(d->kind)) return "unknown distribution";
    for (int i = 0; i < kind_table[d->kind].n_params; i++)
        if (!isfinite(d->p[i])) return "parameters must be finite numbers";

    switch (d->kind) {
    case HN_DIST_CONST: return NULL;
    case HN_DIST_NORMAL: return d->p[1] > 0 ? NULL : "sd must be > 0";
    case HN_DIST_UNIFORM:
        if (!(d->p[0] < d->p[1])) return "needs min < max";
        if (!isfinite(d->p[1] - d->p[0])) return "max - min must be finite";
        return NULL;
    case HN_DIST_TRIANGULAR: return check_three_point(d);
    case HN_DIST_PERT:
        /* alpha and beta lie in [1, 5]: always inside the beta limits. */
        return check_three_point(d);
    case HN_DIST_BETA:
        if (!(d->p[0] > 0 && d->p[1] > 0)) return "a and b must be > 0";
        if (d->p[0] < HN_BETA_MIN || d->p[1] < HN_BETA_MIN || d->p[0] > HN_BETA_MAX ||
            d->p[1] > HN_BETA_MAX)
            return "a and b must lie between 0.001 and 100000";
        return NULL;
    case HN_DIST_LOGNORMAL:
        if (!(d->p[0] > 0)) return "mean must be > 0";
        if (!(d->p[1] > 0)) return "sd must be > 0";
        {
            double mu, sigma;
            lognormal_log_params(d, &mu, &sigma);
            if (!isfinite(mu) || !isfinite(sigma)) return "sd / mean must be below 1e150";
        }
        return NULL;
    default: return "unknown distribution";
    }
}

/* Closed-form mean; the deterministic-mode value. */
double dist_mean(const hn_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case HN_DIST_CONST:
    case HN_DIST_NORMAL:
    case HN_DIST_LOGNORMAL: return p[0];
    case HN_DIST_UNIFORM: return (p[0] + p[1]) / 2.0;
    case HN_DIST_TRIANGULAR: return (p[0] + p[1] + p[2]) / 3.0;
    case HN_DIST_PERT: return (p[0] + 4.0 * p[1] + p[2]) / 6.0;
    case HN_DIST_BETA: return p[0] / (p[0] + p[1]);
    default: return NAN;
    }
}

/* Closed-form variance; 0 for a constant. */
double dist_variance(const hn_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case HN_DIST_CONST: return 0.0;
    case HN_DIST_NORMAL:
    case HN_DIST_LOGNORMAL: return p[1] * p[1];
    case HN_DIST_UNIFORM: return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
    case HN_DIST_TRIANGULAR: {
        double a = p[0], m = p[1], b = p[2];
        return (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0;
    }
    case HN_DIST_PERT: {
        /* Beta(alpha, beta) scaled to [a, b]; alpha + beta = 6. */
        double al, be, w = p[2] - p[0];
        pert_shape(d, &al, &be);
        return w * w * al * be / (36.0 * 7.0);
    }
    case HN_DIST_BETA: {
        double a = p[0], b = p[1], s = a + b;
        return a * b / (s * s * (s + 1.0));
    }
    default: return NAN;
    }
}

/* Smallest value of the support (-INFINITY for a normal). */
double dist_lower(const hn_dist *d)
{
    switch (d->kind) {
    case HN_DIST_CONST:
    case HN_DIST_UNIFORM:
    case HN_DIST_TRIANGULAR:
    case HN_DIST_PERT: return d->p[0];
    case HN_DIST_NORMAL: return -INFINITY;
    case HN_DIST_BETA:
    case HN_DIST_LOGNORMAL: return 0.0;
    default: return NAN;
    }
}

/* Largest value of the support (INFINITY for normal and lognormal). */
double dist_upper(const hn_dist *d)
{
    switch (d->kind) {
    case HN_DIST_CONST: return d->p[0];
    case HN_DIST_UNIFORM: return d->p[1];
    case HN_DIST_TRIANGULAR:
    case HN_DIST_PERT: return d->p[2];
    case HN_DIST_NORMAL:
    case HN_DIST_LOGNORMAL: return INFINITY;
    case HN_DIST_BETA: return 1.0;
    default: return NAN;
    }
}

/* Triangular inverse CDF at u in [0, 1], in closed form. */
static double triangular_quantile(const hn_dist *d, double u)
{
    double a = d->p[0], m = d->p[1], b = d->p[2];
    double fc = (m - a) / (b - a); /* CDF at the mode */
    double x;
    if (u < fc)
        x = a + sqrt(u * (b - a) * (m - a));
    else
        x = b - sqrt((1.0 - u) * (b - a) * (b - m));
    /* Rounding must not push a value outside the support. */
    return x < a ? a : (x > b ? b : x);
}

/*
 * Solves H(y) = t for y in (0, 1/2], where H is the lower tail P (upper ==
 * false: increasing) or the upper tail Q (upper == true: decreasing) of
 * beta(c, d); the caller makes sure the answer lies in that interval.
 * Newton's method on log H(e^s) = log t in s = log y, kept inside a bracket
 * that shrinks at every step, with bisection in s whenever the Newton step
 * leaves it. Working in log y keeps full relative precision for answers near
 * 0 (H behaves like a power of y there). Uses only gsl_cdf_beta_P/Q and
 * gsl_ran_beta_pdf, which do not call the GSL error handler for shapes that
 * pass dist_check. Always terminates.
 */
static double beta_solve(double t, double c, double d, bool upper)
{
    double slo = log(DBL_MIN), shi = log(0.5); /* the answer lies between */
    double logt = log(t);
    double s = log(c / (c + d));

    /* Lower tail, small t: F(y) ~ y^c / (c B(c, d)) is a better start. */
    if (!upper && t < 0.1) {
        double ly = (log(c) + gsl_sf_lnbeta(c, d) + logt) / c;
        if (ly < s) s = ly;
    }
    if (!(s > slo && s < shi)) s = s <= slo ? slo : shi;

    for (int it = 0; it < 200; it++) {
        double y = exp(s);
        double h = upper ? gsl_cdf_beta_Q(y, c, d) : gsl_cdf_beta_P(y, c, d);
        if (h == t || isnan(h)) return y;
        if (upper ? h > t : h < t)
            slo = s; /* y is below the answer */
        else
            shi = s;
        double next = NAN;
        if (h > 0 && isfinite(h)) {
            /* d/ds log H(e^s) = +-y pdf(y) / H(y) */
            double slope = y * gsl_ran_beta_pdf(y, c, d) / h;
            if (upper) slope = -slope;
            if (slope != 0 && isfinite(slope)) next = s - (log(h) - logt) / slope;
        }
        if (!(next > slo && next < shi)) next = 0.5 * (slo + shi);
        if (fabs(next - s) <= 4.0 * DBL_EPSILON * fabs(s) ||
            shi - slo <= 4.0 * DBL_EPSILON * fabs(s))
            return exp(next);
        s = next;
    }
    return exp(s);
}

/*
 * Beta(a, b) inverse CDF at u in (0, 1). An answer above 1/2 is found as
 * 1 - y with y from beta(b, a), and a u above 1/2 is used as the exact
 * 1 - u with the other tail, so that both the answer and the target keep
 * their precision whatever the shapes.
 */
static double beta_quantile(double u, double a, double b)
{
    bool small_u = u <= 0.5;
    if (u <= gsl_cdf_beta_P(0.5, a, b))
        return small_u ? beta_solve(u, a, b, false) : beta_solve(1.0 - u, a, b, true);
    return 1.0 - (small_u ? beta_solve(u, b, a, true) : beta_solve(1.0 - u, b, a, false));
}

/* One draw from the caller's generator r; a constant consumes no random numbers. */
double dist_sample(const hn_dist *d, const gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case HN_DIST_CONST: return p[0];
    case HN_DIST_NORMAL: return p[0] + gsl_ran_gaussian_ziggurat(r, p[1]);
    case HN_DIST_UNIFORM: {
        /* a(1-u) + bu: keep rounding from stepping outside [a, b]. */
        double x = gsl_ran_flat(r, p[0], p[1]);
        return x < p[0] ? p[0] : (x > p[1] ? p[1] : x);
    }
    case HN_DIST_TRIANGULAR: return triangular_quantile(d, gsl_rng_uniform(r));
    case HN_DIST_PERT: {
        double al, be;
        pert_shape(d, &al, &be);
        double x = p[0] + (p[2] - p[0]) * gsl_ran_beta(r, al, be);
        return x > p[2] ? p[2] : x;
    }
    case HN_DIST_BETA: return gsl_ran_beta(r, p[0], p[1]);
    case HN_DIST_LOGNORMAL: {
        double mu, sigma;
        lognormal_log_params(d, &mu, &sigma);
        return gsl_ran_lognormal(r, mu, sigma);
    }
    default: return NAN;
    }
}

/* Inverse CDF at u; u <= 0 gives the lower bound, u >= 1 the upper, NaN gives NaN. */
double dist_quantile(const hn_dist *d, double u)
{
    if (d->kind == HN_DIST_CONST) return d->p[0];
    if (isnan(u)) return NAN;
    if (u <= 0.0) return dist_lower(d);
    if (u >= 1.0) return dist_upper(d);

    const double *p = d->p;
    switch (d->kind) {
    case HN_DIST_NORMAL: return p[0] + p[1] * gsl_cdf_ugaussian_Pinv(u);
    case HN_DIST_UNIFORM: return gsl_cdf_flat_Pinv(u, p[0], p[1]);
    case HN_DIST_TRIANGULAR: return triangular_quantile(d, u);
    case HN_DIST_PERT: {
        double al, be;
        pert_shape(d, &al, &be);
        double x = p[0] + (p[2] - p[0]) * beta_quantile(u, al, be);
        return x > p[2] ? p[2] : x;
    }
    case HN_DIST_BETA: return beta_quantile(u, p[0], p[1]);
    case HN_DIST_LOGNORMAL: {
        double mu, sigma;
        lognormal_log_params(d, &mu, &sigma);
        return gsl_cdf_lognormal_Pinv(u, mu, sigma);
    }
    default: return NAN;
    }
}

/* The probability that a draw of d is <= x, from GSL's CDFs (triangular in closed form). */
double dist_cdf(const hn_dist *d, double x)
{
    const double *p = d->p;
    if (isnan(x)) return NAN;
    if (x < dist_lower(d)) return 0.0;
    if (x >= dist_upper(d)) return 1.0;
    switch (d->kind) {
    case HN_DIST_NORMAL: return gsl_cdf_gaussian_P(x - p[0], p[1]);
    case HN_DIST_UNIFORM: return (x - p[0]) / (p[1] - p[0]);
    case HN_DIST_TRIANGULAR: /* x lies in [min, max): the mode is above min when x < mode */
        if (x < p[1]) return (x - p[0]) * (x - p[0]) / ((p[2] - p[0]) * (p[1] - p[0]));
        return 1.0 - (p[2] - x) * (p[2] - x) / ((p[2] - p[0]) * (p[2] - p[1]));
    case HN_DIST_PERT: {
        double al, be;
        pert_shape(d, &al, &be);
        return gsl_cdf_beta_P((x - p[0]) / (p[2] - p[0]), al, be);
    }
    case HN_DIST_BETA: return gsl_cdf_beta_P(x, p[0], p[1]);
    case HN_DIST_LOGNORMAL: {
        double mu, sigma;
        lognormal_log_params(d, &mu, &sigma);
        return gsl_cdf_lognormal_P(x, mu, sigma);
    }
    default: return NAN; /* a constant is settled by its bounds above */
    }
}

/*
 * Appends one number in "%.15g" to buf at *len. The decimal point is forced
 * to '.' whatever LC_NUMERIC says (a %g number has no other comma).
 */
static void append_number(char *buf, int cap, int *len, double v)
{
    if (*len >= cap - 1) return;
    int start = *len;
    int n = snprintf(buf + start, (size_t)(cap - start), "%.15g", v);
    if (n < 0) return;
    *len = start + n < cap - 1 ? start + n : cap - 1;
    for (int i = start; i < *len; i++)
        if (buf[i] == ',') buf[i] = '.';
}

/* Writes v with the fewest digits (6 to 17) that still read back beyond limit (as v when limit
 * is NAN); returns buf. */
const char *dist_number_past(double v, double limit, char *buf, int cap)
{
    if (!buf || cap <= 0) return buf;
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, (size_t)cap, "%.*g", digits, v);
        for (char *c = buf; *c; c++)
            if (*c == ',') *c = '.'; /* whatever LC_NUMERIC says */
        double back = strtod(buf, NULL);
        if (isnan(limit) ? back == v
                         : v == limit || (v > limit && back > limit) || (v < limit && back < limit))
            break;
    }
    return buf;
}

/* Appends a literal string, truncating at the buffer's end. */
static void append_text(char *buf, int cap, int *len, const char *s)
{
    if (*len >= cap - 1) return;
    int n = snprintf(buf + *len, (size_t)(cap - *len), "%s", s);
    if (n < 0) return;
    *len = *len + n < cap - 1 ? *len + n : cap - 1;
}

/* Writes d as a scenario would into the caller's buf (cap bytes); truncates, always terminated. */
void dist_format(const hn_dist *d, char *buf, int cap)
{
    if (!buf || cap <= 0) return;
    buf[0] = '\0';
    int len = 0;
    if (d->kind == HN_DIST_CONST) {
        append_number(buf, cap, &len, d->p[0]);
        return;
    }
    append_text(buf, cap, &len, dist_name(d->kind));
    append_text(buf, cap, &len, "(");
    int n = dist_param_count(d->kind);
    for (int i = 0; i < n; i++) {
        if (i > 0) append_text(buf, cap, &len, ", ");
        append_number(buf, cap, &len, d->p[i]);
    }
    append_text(buf, cap, &len, ")");
}
