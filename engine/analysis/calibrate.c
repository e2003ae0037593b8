/*
 * calibrate.c - maximum-likelihood calibration of scenario keys to a
 * history (calibrate.h).
 *
 * One fit: the keys are set (scenario_set.h) to constants derived from a
 * vector theta on the transformed scale; one simulator runs the scenario
 * deterministically for each trial (sim.h: the planned figures, fractional
 * pupils, no random numbers), and the negative log-likelihood of the
 * observations is summed. GSL's error handler is switched off around the
 * GSL calls, and every status is checked; the previous handler is put
 * back before returning.
 */
#include "analysis/calibrate.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/layout.h"
#include "model/params.h"
#include "model/sim.h"
#include "scenario/domain.h"
#include "scenario/scenario_set.h"

/* Convergence: the simplex's size on the transformed scale, and the most iterations per start. */
#define CAL_SIMPLEX_TOL 1e-5
#define CAL_MAX_ITER    4000
/* Restarts from the optimum until it moves less than CAL_SIMPLEX_TOL (at most this many). */
#define CAL_MAX_STARTS 4
/* Central-difference step of the Hessian, transformed scale. */
#define CAL_HESSIAN_STEP 1e-3
/* Largest relative difference of the Hessian's diagonal at steps h and 4h for a smooth optimum. */
#define CAL_SMOOTH_TOL 0.05
/* |theta| beyond which a key is running off to a bound of its domain. */
#define CAL_THETA_BOUND 25.0
/* Significance at which the data demand overdispersion. */
#define CAL_DISPERSION_P 0.05

/* The state of one fit, shared by the objective. */
typedef struct {
    hn_scenario *sc;
    hn_layout lay;
    hn_sim *sim;
    double *pv, *row;
    hn_setter set[HN_CAL_MAX_KEYS];
    hn_fit *fit;
    double weight; /* of the counts' log-likelihood: 1 / dispersion */
    int evaluations;
    bool failed; /* the model could not be run (a count passed the draw limit) */
} cal_ctx;

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Sum over the other keys of k's group of exp(theta). */
static double group_sum(const hn_fit *f, const double *theta, int group)
{
    double s = 0;
    for (int j = 0; j < f->n_keys; j++)
        if (f->keys[j].group == group) s += exp(theta[j]);
    return s;
}

/* The keys' values v (natural scale) of theta. */
static void values_of(const hn_fit *f, const double *theta, double *v)
{
    for (int k = 0; k < f->n_keys; k++) {
        const hn_fit_key *key = &f->keys[k];
        switch (key->scale) {
        case HN_FIT_PROBABILITY:
            v[k] = key->cap * exp(theta[k]) / (1.0 + group_sum(f, theta, key->group));
            break;
        case HN_FIT_POSITIVE: v[k] = exp(theta[k]); break;
        case HN_FIT_RATE: v[k] = tanh(theta[k]); break;
        }
    }
}

/* theta of the values v (the inverse of values_of; v within the domains). */
static void theta_of(const hn_fit *f, const double *v, double *theta)
{
    for (int k = 0; k < f->n_keys; k++) {
        const hn_fit_key *key = &f->keys[k];
        switch (key->scale) {
        case HN_FIT_PROBABILITY: {
            double rest = key->cap;
            for (int j = 0; j < f->n_keys; j++)
                if (f->keys[j].group == key->group) rest -= v[j];
            theta[k] = log(v[k] / rest);
            break;
        }
        case HN_FIT_POSITIVE: theta[k] = log(v[k]); break;
        case HN_FIT_RATE: theta[k] = atanh(v[k]); break;
        }
    }
}

/* Jacobian dv/dtheta at theta into J (n x n, row-major). */
static void jacobian(const hn_fit *f, const double *theta, double *J)
{
    int n = f->n_keys;
    double v[HN_CAL_MAX_KEYS];
    values_of(f, theta, v);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            const hn_fit_key *ki = &f->keys[i];
            double d = 0;
            if (ki->scale == HN_FIT_PROBABILITY) {
                if (f->keys[j].group == ki->group) d = v[i] * ((i == j) - v[j] / ki->cap);
            } else if (i == j) {
                d = ki->scale == HN_FIT_POSITIVE ? v[i] : 1.0 - v[i] * v[i];
            }
            J[i * n + j] = d;
        }
}

/* Runs the deterministic model with the keys at v; the figures land in c->row. False when it fails. */
static bool run_model(cal_ctx *c, const double *v)
{
    for (int k = 0; k < c->fit->n_keys; k++) scenario_set_value(&c->set[k], v[k]);
    params_means(c->sc, c->pv, NULL);
    c->evaluations++;
    return sim_iteration(c->sim, c->pv, 0, 0, true, c->row, NULL) == HN_SIM_OK;
}

/* The sd of a money observation: 2% of it (at least £1, so that a 0 has one). */
static double money_sd(double y)
{
    return HN_CAL_MONEY_SD * fmax(y, 1.0);
}

/* Negative log-likelihood (without constants) of the fitted observations at theta. */
static double nll(const gsl_vector *x, void *user)
{
    cal_ctx *c = user;
    hn_fit *f = c->fit;
    double theta[HN_CAL_MAX_KEYS] = { 0 }, v[HN_CAL_MAX_KEYS];
    for (int k = 0; k < f->n_keys; k++) theta[k] = gsl_vector_get(x, (size_t)k);
    values_of(f, theta, v);
    for (int k = 0; k < f->n_keys; k++)
        if (!isfinite(v[k])) return 1e300;
    if (!run_model(c, v)) {
        c->failed = true;
        return 1e300;
    }
    double sum = 0;
    for (int i = 0; i < f->n_obs; i++) {
        double y = f->obs[i].observed, mu = c->row[f->obs[i].col];
        if (!isfinite(mu)) return 1e300;
        if (f->obs[i].money) {
            double r = (y - mu) / money_sd(y);
            sum += 0.5 * r * r;
        } else if (mu > 0) {
            sum += c->weight * (mu - y * log(mu));
        } else if (y > 0) {
            return 1e300; /* the model says none can happen, and some did */
        }
    }
    return sum;
}

/* nll at theta given as an array. */
static double nll_at(cal_ctx *c, const double *theta)
{
    gsl_vector_const_view x = gsl_vector_const_view_array(theta, (size_t)c->fit->n_keys);
    return nll(&x.vector, c);
}

/* One Nelder-Mead search from theta (updated in place) with initial step `step`. */
static hn_status simplex(cal_ctx *c, double *theta, double step, int *iters, hn_error *err)
{
    size_t n = (size_t)c->fit->n_keys;
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    gsl_vector *x = gsl_vector_alloc(n), *ss = gsl_vector_alloc(n);
    hn_status st = HN_OK;
    if (!m || !x || !ss) {
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        gsl_vector_set(x, k, theta[k]);
        gsl_vector_set(ss, k, step);
    }
    gsl_multimin_function fn = { .f = nll, .n = n, .params = c };
    int gs = gsl_multimin_fminimizer_set(m, &fn, x, ss);
    if (gs != GSL_SUCCESS) {
        st = hn_error_set(err, HN_ERR_INTERNAL, "the fit could not start: %s", gsl_strerror(gs));
        goto done;
    }
    int status = GSL_CONTINUE, it = 0;
    while (status == GSL_CONTINUE && it < CAL_MAX_ITER) {
        it++;
        gs = gsl_multimin_fminimizer_iterate(m);
        if (gs != GSL_SUCCESS) break; /* no progress possible: judged by the size below */
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), CAL_SIMPLEX_TOL);
    }
    if (status != GSL_SUCCESS)
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), CAL_SIMPLEX_TOL);
    *iters += it;
    for (size_t k = 0; k < n; k++) theta[k] = gsl_vector_get(m->x, k);
    if (status != GSL_SUCCESS)
        st = hn_error_set(err, HN_ERR_USAGE,
                          "the fit did not converge: after %d iterations the simplex is still "
                          "%.3g wide (transformed scale)",
                          it, gsl_multimin_fminimizer_size(m));
done:
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    return st;
}

/* Names the keys running off to a bound of their domain into buf ("" when none). */
static void runaway(const hn_fit *f, const double *theta, char *buf, size_t cap)
{
    buf[0] = '\0';
    size_t len = 0;
    double v[HN_CAL_MAX_KEYS];
    values_of(f, theta, v);
    for (int k = 0; k < f->n_keys && len < cap; k++)
        if (fabs(theta[k]) > CAL_THETA_BOUND)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s heads to %.6g", len ? "; " : "",
                                    f->keys[k].name, v[k]);
}

/* Minimises the negative log-likelihood from theta (updated), restarting until it stays put. */
static hn_status optimise(cal_ctx *c, double *theta, hn_error *err)
{
    hn_fit *f = c->fit;
    double prev = nll_at(c, theta);
    for (int start = 0; start < CAL_MAX_STARTS; start++) {
        double before[HN_CAL_MAX_KEYS];
        memcpy(before, theta, sizeof before);
        hn_status st = simplex(c, theta, start == 0 ? 0.5 : 0.05, &f->iterations, err);
        char run[400];
        runaway(f, theta, run, sizeof run);
        if ((st == HN_OK || st == HN_ERR_USAGE) && run[0])
            st = hn_error_set(err, HN_ERR_USAGE,
                              "the fit did not converge: %s, the edge of its range (the history "
                              "is best explained by a value the key cannot take: set it by hand, "
                              "or fit other keys)",
                              run);
        if (st != HN_OK) return st;
        if (c->failed)
            return hn_error_set(err, HN_ERR_USAGE,
                                "the fit did not converge: trial values made a count pass "
                                "10^9 pupils");
        double now = nll_at(c, theta), moved = 0;
        for (int k = 0; k < f->n_keys; k++) moved = fmax(moved, fabs(theta[k] - before[k]));
        if (start > 0 && moved < 10 * CAL_SIMPLEX_TOL && now >= prev - 1e-10 * fabs(prev))
            return HN_OK;
        prev = now;
    }
    return HN_OK;
}

/* Central-difference Hessian of nll at theta with step h into H (n x n, row-major). */
static void hessian(cal_ctx *c, const double *theta, double h, double *H)
{
    int n = c->fit->n_keys;
    double t[HN_CAL_MAX_KEYS], f0 = nll_at(c, theta);
    for (int i = 0; i < n; i++) {
        memcpy(t, theta, (size_t)n * sizeof *t);
        t[i] = theta[i] + h;
        double fp = nll_at(c, t);
        t[i] = theta[i] - h;
        double fm = nll_at(c, t);
        H[i * n + i] = (fp - 2 * f0 + fm) / (h * h);
        for (int j = 0; j < i; j++) {
            double s[4];
            for (int q = 0; q < 4; q++) {
                memcpy(t, theta, (size_t)n * sizeof *t);
                t[i] += (q & 1) ? -h : h;
                t[j] += (q & 2) ? -h : h;
                s[q] = nll_at(c, t);
            }
            H[i * n + j] = H[j * n + i] = (s[0] - s[1] - s[2] + s[3]) / (4 * h * h);
        }
    }
}

/* The error for keys a and b that the history cannot tell apart. */
static hn_status not_apart(const hn_fit *f, int a, int b, hn_error *err)
{
    return hn_error_set(err, HN_ERR_USAGE,
                        "--fit %s and %s: the history cannot tell them apart (they trade off "
                        "against each other in every observed figure); fit one of them, or add "
                        "observations that separate them",
                        f->keys[a].name, f->keys[b].name);
}

/* True when the symmetric n x n matrix H is positive definite (GSL's Cholesky succeeds). */
static bool positive_definite(const double *H, int n)
{
    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    if (!m) return false;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) gsl_matrix_set(m, (size_t)i, (size_t)j, H[i * n + j]);
    bool ok = gsl_linalg_cholesky_decomp1(m) == GSL_SUCCESS;
    gsl_matrix_free(m);
    return ok;
}

/*
 * Inverts H into cov by Cholesky. HN_ERR_USAGE naming the key the history
 * cannot inform (no curvature) or the two it cannot tell apart.
 */
static hn_status invert(const hn_fit *f, const double *H, double *cov, hn_error *err)
{
    int n = f->n_keys;
    for (int i = 0; i < n; i++)
        if (!(H[i * n + i] > 1e-12))
            return hn_error_set(err, HN_ERR_USAGE,
                                "--fit %s: the history cannot inform it: at the best fit the "
                                "likelihood does not change with it; fit it without this key, "
                                "or add observations of the figures it drives",
                                f->keys[i].name);
    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    if (!m) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) gsl_matrix_set(m, (size_t)i, (size_t)j, H[i * n + j]);
    int gs = gsl_linalg_cholesky_decomp1(m);
    if (gs == GSL_SUCCESS) gs = gsl_linalg_cholesky_invert(m);
    if (gs != GSL_SUCCESS) {
        gsl_matrix_free(m);
        int a = 0, b = n > 1 ? 1 : 0;
        double best = -1;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) {
                double r = fabs(H[i * n + j]) / sqrt(H[i * n + i] * H[j * n + j]);
                if (r > best) {
                    best = r;
                    a = j;
                    b = i;
                }
            }
        return not_apart(f, a, b, err);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) cov[i * n + j] = gsl_matrix_get(m, (size_t)i, (size_t)j);
    gsl_matrix_free(m);
    return HN_OK;
}

/* True for keys that are whole numbers bound to each other: places, commissioned, a provision's initial. */
static bool is_capacity(const hn_scenario *sc, const hn_param *p)
{
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *pr = &sc->provisions[i];
        if (p == &pr->places || p == &pr->commissioned) return true;
        for (int g = 0; g < sc->n_segments; g++)
            if (p == &pr->initial[g]) return true;
    }
    return false;
}

/*
 * Sets up key k: its setter, domain, scale and, for a probability, its
 * group and cap (1 - the largest sum of its source's probabilities not
 * being fitted, over the years).
 */
static hn_status setup_key(cal_ctx *c, const char *name, int k, hn_error *err)
{
    hn_fit *f = c->fit;
    hn_fit_key *key = &f->keys[k];
    hn_status st = scenario_set_begin(c->sc, "--fit", name, &c->set[k], err);
    if (st != HN_OK) return st;
    const hn_param *p = c->set[k].param;
    for (int j = 0; j < k; j++)
        if (c->set[j].param == p)
            return hn_error_set(err, HN_ERR_USAGE, "--fit %s: the key is named twice", name);
    if (is_capacity(c->sc, p))
        return hn_error_set(err, HN_ERR_USAGE,
                            "--fit %s: places, commissioned places and a provision's initial "
                            "occupants are whole numbers bound to each other and are not "
                            "calibrated; fit rates, referrals or money instead",
                            name);
    snprintf(key->name, sizeof key->name, "%s", p->name);
    snprintf(key->written, sizeof key->written, "%s", p->text ? p->text : "");
    snprintf(key->file, sizeof key->file, "%s", p->file ? p->file : "");
    key->line = p->line;
    key->domain = p->domain;
    key->start = dist_mean(&p->items[0]);
    key->group = -1;
    key->cap = key->room = 1;
    switch (p->domain) {
    case HN_DOMAIN_PROBABILITY: key->scale = HN_FIT_PROBABILITY; break;
    case HN_DOMAIN_COUNT:
    case HN_DOMAIN_MONEY: key->scale = HN_FIT_POSITIVE; break;
    case HN_DOMAIN_RATE: key->scale = HN_FIT_RATE; break;
    case HN_DOMAIN_BALANCE:
        return hn_error_set(err, HN_ERR_USAGE,
                            "--fit %s: a DSG balance or target is not calibrated: no observed "
                            "figure depends on it",
                            name);
    }
    return HN_OK;
}

/* Groups the probabilities by source and works out each group's cap; HN_ERR_USAGE when none is left. */
static hn_status setup_groups(cal_ctx *c, hn_error *err)
{
    hn_fit *f = c->fit;
    const hn_param *sib[256];
    for (int k = 0; k < f->n_keys; k++) {
        hn_fit_key *key = &f->keys[k];
        if (key->scale != HN_FIT_PROBABILITY) continue;
        int n = scenario_set_siblings(c->sc, c->set[k].param, sib, 256);
        if (n > 256) n = 256;
        key->group = k;
        for (int j = 0; j < k; j++)
            for (int s = 0; s < n; s++)
                if (f->keys[j].scale == HN_FIT_PROBABILITY && c->set[j].param == sib[s])
                    key->group = f->keys[j].group;
        double worst = 0;
        for (int y = 0; y < c->sc->years; y++) {
            double others = 0;
            for (int s = 0; s < n; s++) {
                bool fitted = false;
                for (int j = 0; j < f->n_keys; j++) fitted |= c->set[j].param == sib[s];
                if (!fitted) others += param_upper(sib[s], y);
            }
            worst = fmax(worst, others);
        }
        key->cap = 1.0 - worst;
        if (!(key->cap > 1e-9))
            return hn_error_set(err, HN_ERR_USAGE,
                                "--fit %s: the other probabilities of its source can already "
                                "add up to 1, so it has no room to take any value but 0",
                                key->name);
    }
    return HN_OK;
}

/* Starting values: the means as written, moved inside the open domains. */
static void start_values(const hn_fit *f, double *v)
{
    for (int k = 0; k < f->n_keys; k++) {
        const hn_fit_key *key = &f->keys[k];
        v[k] = key->start;
        if (key->scale == HN_FIT_POSITIVE && !(v[k] > 0)) v[k] = 1.0;
        if (key->scale == HN_FIT_RATE) v[k] = fmin(fmax(v[k], -0.9), 0.9);
        if (key->scale == HN_FIT_PROBABILITY) v[k] = fmin(fmax(v[k], 1e-4 * key->cap), key->cap);
    }
    /* A group's values must leave some room below its cap. */
    for (int k = 0; k < f->n_keys; k++) {
        if (f->keys[k].scale != HN_FIT_PROBABILITY || f->keys[k].group != k) continue;
        double sum = 0;
        for (int j = 0; j < f->n_keys; j++)
            if (f->keys[j].group == k) sum += v[j];
        if (sum > 0.9 * f->keys[k].cap)
            for (int j = 0; j < f->n_keys; j++)
                if (f->keys[j].group == k) v[j] *= 0.9 * f->keys[k].cap / sum;
    }
}

/* Names the observed metrics into buf: "exclusions, net_cost". */
static void observed_metrics(const hn_fit *f, char *buf, size_t cap)
{
    bool seen[HN_OBS__COUNT] = { false };
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < f->n_obs && len < cap; i++) {
        hn_obs_metric m = f->obs[i].obs->metric;
        if (seen[m]) continue;
        seen[m] = true;
        len +=
            (size_t)snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", history_metric_name(m));
    }
}

/* HN_ERR_USAGE when some key moves no observed figure (tried at theta +/- 1). */
static hn_status check_informed(cal_ctx *c, const double *theta, hn_error *err)
{
    hn_fit *f = c->fit;
    double *lo = malloc((size_t)f->n_obs * sizeof *lo);
    if (!lo) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
    for (int k = 0; k < f->n_keys; k++) {
        double t[HN_CAL_MAX_KEYS], v[HN_CAL_MAX_KEYS];
        memcpy(t, theta, sizeof t);
        bool moved = false;
        for (int side = 0; side < 2 && !moved; side++) {
            t[k] = theta[k] + (side ? 1.0 : -1.0);
            values_of(f, t, v);
            if (!run_model(c, v)) continue;
            for (int i = 0; i < f->n_obs; i++) {
                double mu = c->row[f->obs[i].col];
                if (side == 0)
                    lo[i] = mu;
                else if (fabs(mu - lo[i]) > 1e-9 * (1.0 + fabs(mu)))
                    moved = true;
            }
        }
        if (!moved) {
            char metrics[200];
            observed_metrics(f, metrics, sizeof metrics);
            free(lo);
            return hn_error_set(err, HN_ERR_USAGE,
                                "--fit %s: the history cannot inform it: none of the %d "
                                "observed figures (%s) changes with it; fit a key that drives "
                                "them, or add observations of the figures it drives",
                                f->keys[k].name, f->n_obs, metrics);
        }
    }
    free(lo);
    return HN_OK;
}

/*
 * The expected information of the observations at theta (the expected
 * Hessian of the negative log-likelihood, Gauss-Newton): the sum over
 * observations of grad mu grad mu' / variance, the variance being
 * dispersion x mu for a count and (2% of the observation)^2 for money;
 * gradients by central differences. info is n x n, row-major.
 */
static hn_status expected_information(cal_ctx *c, const double *theta, double *info, hn_error *err)
{
    hn_fit *f = c->fit;
    int n = f->n_keys;
    double *g = calloc((size_t)f->n_obs * (size_t)n, sizeof *g);
    if (!g) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
    double t[HN_CAL_MAX_KEYS], v[HN_CAL_MAX_KEYS], h = CAL_HESSIAN_STEP;
    for (int k = 0; k < n; k++)
        for (int side = 0; side < 2; side++) {
            memcpy(t, theta, sizeof t);
            t[k] += side ? -h : h;
            values_of(f, t, v);
            run_model(c, v);
            for (int i = 0; i < f->n_obs; i++)
                g[i * n + k] += (side ? -1 : 1) * c->row[f->obs[i].col] / (2 * h);
        }
    values_of(f, theta, v);
    run_model(c, v);
    memset(info, 0, (size_t)n * (size_t)n * sizeof *info);
    for (int i = 0; i < f->n_obs; i++) {
        double y = f->obs[i].observed, mu = c->row[f->obs[i].col];
        double var = f->obs[i].money ? money_sd(y) * money_sd(y) : fmax(mu, 1e-9) / c->weight;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) info[a * n + b] += g[i * n + a] * g[i * n + b] / var;
    }
    free(g);
    return HN_OK;
}

/*
 * HN_ERR_USAGE when the keys cannot be told apart at theta: the expected
 * information, scaled to a correlation matrix, is singular. Skipped when
 * some key's information is 0 there (a flat stretch: the Hessian at the
 * optimum decides).
 */
static hn_status check_apart(cal_ctx *c, const double *theta, hn_error *err)
{
    hn_fit *f = c->fit;
    int n = f->n_keys;
    if (n < 2) return HN_OK;
    double info[HN_CAL_MAX_KEYS * HN_CAL_MAX_KEYS];
    hn_status st = expected_information(c, theta, info, err);
    if (st != HN_OK) return st;
    for (int a = 0; a < n; a++)
        if (!(info[a * n + a] > 0)) return HN_OK;
    gsl_matrix *m = gsl_matrix_alloc((size_t)n, (size_t)n);
    if (!m) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
    int pa = 0, pb = 1;
    double worst = -1;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            double r = info[a * n + b] / sqrt(info[a * n + a] * info[b * n + b]);
            gsl_matrix_set(m, (size_t)a, (size_t)b, r);
            if (a < b && fabs(r) > worst) {
                worst = fabs(r);
                pa = a;
                pb = b;
            }
        }
    int gs = gsl_linalg_cholesky_decomp1(m);
    double smallest = INFINITY;
    for (int a = 0; gs == GSL_SUCCESS && a < n; a++)
        smallest = fmin(smallest, gsl_matrix_get(m, (size_t)a, (size_t)a));
    gsl_matrix_free(m);
    if (gs != GSL_SUCCESS || smallest < 1e-5) return not_apart(f, pa, pb, err);
    return HN_OK;
}

/* Fitted values, residuals, deviance and the Pearson statistic at theta. */
static void goodness(cal_ctx *c, const double *theta)
{
    hn_fit *f = c->fit;
    double v[HN_CAL_MAX_KEYS];
    values_of(f, theta, v);
    run_model(c, v);
    f->deviance = f->pearson = 0;
    int counts = 0;
    for (int i = 0; i < f->n_obs; i++) {
        hn_fit_obs *o = &f->obs[i];
        double y = o->observed, mu = c->row[o->col];
        o->fitted = mu;
        if (o->money) {
            o->residual = (y - mu) / money_sd(y);
            o->deviance = o->residual * o->residual;
        } else {
            counts++;
            o->residual = mu > 0 ? (y - mu) / sqrt(mu) : 0;
            o->deviance = 2 * ((y > 0 ? y * log(y / mu) : 0) - (y - mu));
            f->pearson += o->residual * o->residual;
        }
        f->deviance += o->deviance;
    }
    f->df = f->n_obs - f->n_keys;
    f->pearson_df = counts - f->n_keys;
    f->dispersion = 1;
    f->dispersion_estimate = NAN;
    f->dispersion_p = NAN;
    if (f->pearson_df >= 1) {
        f->dispersion_estimate = f->pearson / f->pearson_df;
        f->dispersion_p = gsl_cdf_chisq_Q(f->pearson, f->pearson_df);
        if (f->dispersion_p < CAL_DISPERSION_P && f->dispersion_estimate > 1)
            f->dispersion = f->dispersion_estimate;
    }
}

/* Standard errors, intervals and covariance on the natural scale from cov_theta. */
static void natural_scale(hn_fit *f, const double *theta, const double *cov_theta)
{
    int n = f->n_keys;
    double J[HN_CAL_MAX_KEYS * HN_CAL_MAX_KEYS], v[HN_CAL_MAX_KEYS];
    jacobian(f, theta, J);
    values_of(f, theta, v);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++) s += J[i * n + a] * cov_theta[a * n + b] * J[j * n + b];
            f->cov[i * n + j] = s;
        }
    double z = gsl_cdf_ugaussian_Pinv(0.5 + HN_CAL_LEVEL / 2);
    for (int k = 0; k < n; k++) {
        hn_fit_key *key = &f->keys[k];
        key->estimate = v[k];
        key->se = sqrt(fmax(f->cov[k * n + k], 0));
        /* The interval on the key's own transformed scale, mapped back. */
        switch (key->scale) {
        case HN_FIT_PROBABILITY: {
            double x = v[k] / key->cap, l = log(x / (1 - x));
            double sl = key->se / (key->cap * x * (1 - x));
            key->lo = key->cap / (1 + exp(-(l - z * sl)));
            key->hi = key->cap / (1 + exp(-(l + z * sl)));
            break;
        }
        case HN_FIT_POSITIVE:
            key->lo = v[k] * exp(-z * key->se / v[k]);
            key->hi = v[k] * exp(z * key->se / v[k]);
            break;
        case HN_FIT_RATE: {
            double a = atanh(v[k]), sa = key->se / (1 - v[k] * v[k]);
            key->lo = tanh(a - z * sa);
            key->hi = tanh(a + z * sa);
            break;
        }
        }
    }
}

/*
 * A PERT with mean mu and sd near sd within [0, room]: symmetric when it
 * fits, else against the bound it meets; the sd is lowered step by step
 * until a valid PERT fits (the caller notes it).
 */
static hn_dist pert_within(double mu, double *sd, double room)
{
    for (int tries = 0; tries < 400; tries++, *sd *= 0.95) {
        double var7 = 7 * *sd * *sd, w = sqrt(var7), a = mu - w, b = mu + w;
        if (a < 0) {
            a = 0;
            b = mu + var7 / mu;
        } else if (b > room) {
            b = room;
            a = mu - var7 / (room - mu);
        }
        double m = (6 * mu - a - b) / 4;
        if (a >= 0 && b <= room * (1 + 1e-12) && m >= a && m <= b && b > a)
            return (hn_dist){ .kind = HN_DIST_PERT, .p = { a, m, fmin(b, room) } };
    }
    *sd = 0;
    return (hn_dist){ .kind = HN_DIST_CONST, .p = { mu, 0, 0 } };
}

/* v to 6 significant digits, rounded down (dir < 0), up (dir > 0) or to the nearest (0). */
static double round6(double v, int dir)
{
    if (v == 0 || !isfinite(v)) return v;
    double scale = pow(10.0, 5 - floor(log10(fabs(v))));
    double x = v * scale;
    x = dir < 0 ? floor(x) : dir > 0 ? ceil(x) : round(x);
    return x / scale;
}

/*
 * Rounds d's parameters to 6 significant digits for a readable file: a
 * PERT's minimum up and maximum down, so it stays within its room.
 */
static void round_dist(hn_dist *d)
{
    int n = dist_param_count(d->kind);
    for (int i = 0; i < n; i++)
        d->p[i] = round6(d->p[i], d->kind == HN_DIST_PERT ? (i == 0 ? 1 : i == 2 ? -1 : 0) : 0);
    if (d->kind == HN_DIST_PERT) d->p[1] = fmin(fmax(d->p[1], d->p[0]), d->p[2]);
}

/* Chooses the distribution written for key k (calibrate.h), with a note when its sd had to shrink. */
static void key_dist(hn_fit *f, int k)
{
    hn_fit_key *key = &f->keys[k];
    double mu = key->estimate, sd = key->se;
    key->note[0] = '\0';
    switch (key->scale) {
    case HN_FIT_PROBABILITY:
        if (key->room >= 1.0) {
            double var = sd * sd, most = mu * (1 - mu);
            if (!(var < 0.99 * most)) var = 0.99 * most, sd = sqrt(var);
            double kk = most / var - 1;
            key->fitted = (hn_dist){ .kind = HN_DIST_BETA, .p = { mu * kk, (1 - mu) * kk, 0 } };
        } else {
            key->fitted = pert_within(mu, &sd, key->room);
        }
        break;
    case HN_FIT_POSITIVE:
        key->fitted = (hn_dist){ .kind = HN_DIST_LOGNORMAL, .p = { mu, sd, 0 } };
        break;
    case HN_FIT_RATE: key->fitted = (hn_dist){ .kind = HN_DIST_NORMAL, .p = { mu, sd, 0 } }; break;
    }
    if (!(sd > 0)) key->fitted = (hn_dist){ .kind = HN_DIST_CONST, .p = { mu, 0, 0 } };
    round_dist(&key->fitted);
    if (sd < key->se * (1 - 1e-9))
        snprintf(key->note, sizeof key->note,
                 "sd %.4g, not the standard error %.4g: the widest that keeps it within [0, "
                 "%.6g]",
                 sd, key->se, key->scale == HN_FIT_PROBABILITY ? key->room : 1.0);
    key->fitted_sd = sd;
}

/*
 * The room each probability's written distribution may reach: the cap,
 * shared within a group in proportion to the estimates (so the largest
 * values of a source still sum to at most 1), or the whole of [0, 1]
 * (a beta) when the source has no other probability above 0.
 */
static void rooms(hn_fit *f)
{
    for (int k = 0; k < f->n_keys; k++) {
        hn_fit_key *key = &f->keys[k];
        if (key->scale != HN_FIT_PROBABILITY) continue;
        double sum = 0;
        int members = 0;
        for (int j = 0; j < f->n_keys; j++)
            if (f->keys[j].group == key->group) {
                sum += f->keys[j].estimate;
                members++;
            }
        bool alone = members == 1 && key->cap >= 1.0;
        key->room = alone ? 1.0 : key->cap * key->estimate / sum;
    }
}

/* Collects the observations up to last_year; HN_ERR_USAGE when fewer than the keys. */
static hn_status collect_obs(cal_ctx *c, const hn_history *h, int last_year, hn_error *err)
{
    hn_fit *f = c->fit;
    f->obs = calloc((size_t)h->n, sizeof *f->obs);
    if (!f->obs) return hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
    for (int i = 0; i < h->n; i++) {
        const hn_observation *o = &h->obs[i];
        if (o->year > last_year) continue;
        hn_fit_obs *fo = &f->obs[f->n_obs++];
        fo->obs = o;
        fo->col = observed_column(&c->lay, o);
        fo->money = history_metric_is_money(o->metric);
        fo->observed = o->value;
        if (fo->col < 0)
            return hn_error_set(err, HN_ERR_INTERNAL, "%s:%d: no such figure in the run", h->path,
                                o->line);
    }
    if (f->n_obs < f->n_keys) {
        char last[16];
        layout_year_label(&c->lay, last_year, last, sizeof last);
        return hn_error_set(err, HN_ERR_USAGE,
                            "%d key%s to fit but only %d observation%s (up to %s) in %s: a fit "
                            "needs at least as many observations as keys; fit fewer keys or "
                            "add observations",
                            f->n_keys, f->n_keys == 1 ? "" : "s", f->n_obs,
                            f->n_obs == 1 ? "" : "s", last, h->path);
    }
    return HN_OK;
}

/* The fit proper, once the keys, groups and observations are set up. */
static hn_status fit_keys(cal_ctx *c, hn_error *err)
{
    hn_fit *f = c->fit;
    double v[HN_CAL_MAX_KEYS], theta[HN_CAL_MAX_KEYS] = { 0 };
    double H[HN_CAL_MAX_KEYS * HN_CAL_MAX_KEYS], cov[HN_CAL_MAX_KEYS * HN_CAL_MAX_KEYS];
    start_values(f, v);
    theta_of(f, v, theta);
    hn_status st = check_informed(c, theta, err);
    if (st == HN_OK) st = check_apart(c, theta, err);
    if (st == HN_OK) st = optimise(c, theta, err);
    if (st != HN_OK) return st;
    goodness(c, theta);
    if (f->dispersion != 1) {
        /* Quasi-likelihood: the counts weigh 1/dispersion (moves the fit only beside money). */
        c->weight = 1.0 / f->dispersion;
        double dispersion = f->dispersion, estimate = f->dispersion_estimate;
        double p = f->dispersion_p;
        st = optimise(c, theta, err);
        if (st != HN_OK) return st;
        goodness(c, theta);
        f->dispersion = dispersion;
        f->dispersion_estimate = estimate;
        f->dispersion_p = p;
    }
    /* Second differences at two steps agree where the likelihood is smooth; across a kink
     * (places running out) they grow as the step shrinks and mean nothing. */
    double H4[HN_CAL_MAX_KEYS * HN_CAL_MAX_KEYS];
    hessian(c, theta, CAL_HESSIAN_STEP, H);
    hessian(c, theta, 4 * CAL_HESSIAN_STEP, H4);
    bool smooth = true;
    for (int k = 0; k < f->n_keys; k++) {
        double a = H[k * f->n_keys + k], b = H4[k * f->n_keys + k];
        smooth &= fabs(a - b) <= CAL_SMOOTH_TOL * fmax(fabs(a), fabs(b));
    }
    f->expected_information = !smooth || !positive_definite(H, f->n_keys);
    if (f->expected_information) {
        st = expected_information(c, theta, H, err);
        if (st != HN_OK) return st;
    }
    st = invert(f, H, cov, err);
    if (st != HN_OK) return st;
    natural_scale(f, theta, cov);
    rooms(f);
    for (int k = 0; k < f->n_keys; k++) key_dist(f, k);
    return HN_OK;
}

hn_status calibrate_fit(hn_scenario *sc, const hn_history *h, int last_year,
                        const char *const *keys, int n_keys, hn_fit **out, hn_error *err)
{
    *out = NULL;
    double t0 = now_seconds();
    if (n_keys < 1) return hn_error_set(err, HN_ERR_USAGE, "--fit: name at least one key");
    if (n_keys > HN_CAL_MAX_KEYS)
        return hn_error_set(err, HN_ERR_USAGE, "--fit: at most %d keys at once (got %d)",
                            HN_CAL_MAX_KEYS, n_keys);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    cal_ctx c = { .sc = sc, .weight = 1.0 };
    hn_fit *f = calloc(1, sizeof *f);
    hn_status st = HN_OK;
    if (f) {
        f->keys = calloc((size_t)n_keys, sizeof *f->keys);
        f->cov = calloc((size_t)n_keys * (size_t)n_keys, sizeof *f->cov);
    }
    if (!f || !f->keys || !f->cov) {
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
        goto done;
    }
    c.fit = f;
    f->history = h;
    f->last_year = last_year;
    for (int k = 0; k < n_keys && st == HN_OK; k++) {
        st = setup_key(&c, keys[k], k, err);
        if (st == HN_OK) f->n_keys = k + 1;
    }
    if (st == HN_OK) st = setup_groups(&c, err);
    if (st == HN_OK) st = layout_init(&c.lay, sc, err);
    if (st != HN_OK) goto done;
    c.sim = sim_new(sc, &c.lay);
    c.pv = calloc((size_t)(sc->n_slots > 0 ? sc->n_slots : 1), sizeof *c.pv);
    c.row = calloc((size_t)(c.lay.n_cols > 0 ? c.lay.n_cols : 1), sizeof *c.row);
    if (!c.sim || !c.pv || !c.row) {
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory for the fit");
        goto done;
    }
    st = collect_obs(&c, h, last_year, err);
    if (st == HN_OK) st = fit_keys(&c, err);
done:
    for (int k = f ? f->n_keys : 0; k-- > 0;) scenario_set_end(&c.set[k]);
    sim_free(c.sim);
    free(c.pv);
    free(c.row);
    layout_free(&c.lay);
    gsl_set_error_handler(old);
    if (f) {
        f->evaluations = c.evaluations;
        f->seconds = now_seconds() - t0;
    }
    if (st != HN_OK) {
        calibrate_free(f);
        return st;
    }
    *out = f;
    return HN_OK;
}

void calibrate_free(hn_fit *f)
{
    if (!f) return;
    free(f->keys);
    free(f->obs);
    free(f->cov);
    free(f);
}

double calibrate_correlation(const hn_fit *f, int i, int j)
{
    int n = f->n_keys;
    double d = sqrt(f->cov[i * n + i] * f->cov[j * n + j]);
    return d > 0 ? f->cov[i * n + j] / d : 0;
}

double calibrate_rank_correlation(const hn_fit *f, int i, int j)
{
    double r = calibrate_correlation(f, i, j);
    if (!(fabs(r) > HN_CAL_MIN_CORRELATION)) return 0;
    if (!dist_is_random(&f->keys[i].fitted) || !dist_is_random(&f->keys[j].fitted)) return 0;
    return 6.0 / M_PI * asin(r / 2);
}

/* Index of the parameter called name in sc, or -1. */
static int param_index(const hn_scenario *sc, const char *name)
{
    for (int k = 0; k < sc->n_params; k++)
        if (!strcmp(sc->params[k]->name, name)) return k;
    return -1;
}

/* True when sc already correlates parameters a and b (either order). */
static bool has_pair(const hn_scenario *sc, int n, int a, int b)
{
    for (int i = 0; i < n; i++) {
        const hn_correlation *q = &sc->correlations[i];
        if ((q->param[0] == a && q->param[1] == b) || (q->param[0] == b && q->param[1] == a))
            return true;
    }
    return false;
}

int calibrate_pairs(const hn_scenario *sc, const hn_fit *f, hn_fit_pair *out, int cap)
{
    int n = 0;
    for (int i = 0; i < f->n_keys; i++)
        for (int j = i + 1; j < f->n_keys; j++) {
            double rho = calibrate_rank_correlation(f, i, j);
            int a = param_index(sc, f->keys[i].name), b = param_index(sc, f->keys[j].name);
            if (rho == 0 || a < 0 || b < 0 || has_pair(sc, sc->n_correlations, a, b)) continue;
            if (n < cap) out[n] = (hn_fit_pair){ i, j, rho };
            n++;
        }
    return n;
}

hn_status calibrate_apply(hn_scenario *sc, const hn_fit *f, hn_fit_applied *a, hn_error *err)
{
    memset(a, 0, sizeof *a);
    hn_fit_pair pairs[HN_CAL_MAX_KEYS * (HN_CAL_MAX_KEYS - 1) / 2];
    int n_pairs = calibrate_pairs(sc, f, pairs, (int)(sizeof pairs / sizeof pairs[0]));
    a->sc = sc;
    a->n_correlations = sc->n_correlations;
    for (int k = 0; k < f->n_keys; k++) {
        int p = param_index(sc, f->keys[k].name);
        if (p < 0) {
            calibrate_unapply(a);
            return hn_error_set(err, HN_ERR_INTERNAL, "%s is not a key of the scenario",
                                f->keys[k].name);
        }
        a->param[k] = p;
        a->original[k] = sc->params[p]->items[0];
        sc->params[p]->items[0] = f->keys[k].fitted;
        a->n_keys = k + 1;
    }
    hn_correlation *c =
        realloc(sc->correlations, (size_t)(sc->n_correlations + n_pairs + 1) * sizeof *c);
    if (!c) {
        calibrate_unapply(a);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    }
    sc->correlations = c;
    for (int q = 0; q < n_pairs; q++)
        sc->correlations[sc->n_correlations++] =
            (hn_correlation){ .param = { a->param[pairs[q].i], a->param[pairs[q].j] },
                              .rho = pairs[q].rho };
    return HN_OK;
}

void calibrate_unapply(hn_fit_applied *a)
{
    if (!a->sc) return;
    for (int k = 0; k < a->n_keys; k++) a->sc->params[a->param[k]]->items[0] = a->original[k];
    a->sc->n_correlations = a->n_correlations;
    a->sc = NULL;
}
