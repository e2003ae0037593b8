/*
 * calibrate.h - setting a scenario's rates from the council's history:
 * maximum likelihood as MODEL.md section 9 says (`hnsim calibrate`).
 *
 * The named keys (SECTION.KEY, each one number or distribution written in
 * the file) are chosen so that the deterministic run of the scenario
 * reproduces the history as closely as possible: each observed count is
 * Poisson about the model's figure for its year and each observed money
 * figure normal about it with a standard deviation of 2% of the
 * observation. The fit is made on a transformed scale, so that every trial
 * is a valid scenario: a probability is cap x logistic(theta), where cap is
 * the room its source's other probabilities leave (1 - their largest sum);
 * several probabilities of one source share a softmax, so their sum stays
 * below the cap too; counts and money are exp(theta); growth and inflation
 * tanh(theta), within (-1, 1). GSL's Nelder-Mead simplex
 * (gsl_multimin_fminimizer_nmsimplex2) finds the optimum, restarted from it
 * until it stays put (the model's figures have kinks where places run out,
 * which a gradient method would trip on).
 *
 * Uncertainty: the inverse of the Hessian of the negative log-likelihood
 * on the transformed scale (central differences; Cholesky), carried to
 * each key's own scale by the delta method. Where places run out the
 * model's figures have kinks, and second differences across a kink are
 * meaningless (they grow as the step shrinks): when the Hessian's diagonal
 * at steps 0.001 and 0.004 differ by more than 5%, or it is not positive
 * definite, the expected Hessian (the expected information, from first
 * differences) is inverted instead, and the fit says so
 * (docs/decisions.md H8). Overdispersion: when the
 * Pearson statistic of the counts is larger than chi-square on its degrees
 * of freedom allows (P < 0.05), the counts' likelihood is divided by the
 * estimated dispersion X2/df (quasi-likelihood), which scales their
 * information; otherwise the dispersion is 1. Each key's 80% interval is
 * the estimate +/- 1.2816 standard errors on the key's own transformed
 * scale (logit of value/cap, log, atanh), mapped back, so it stays inside
 * the key's domain.
 *
 * The fitted value of each key is then written as a distribution with the
 * fitted mean and standard deviation (calibrate_key_dist): beta(a, b) for
 * a probability whose source leaves it the whole of [0, 1], else a PERT
 * within the room its source leaves (a beta reaches 1, which the loader's
 * rule on a source's largest sum refuses: docs/decisions.md H9); lognormal
 * for a count or money value; normal for growth or inflation.
 */
#ifndef HN_CALIBRATE_H
#define HN_CALIBRATE_H

#include <stdbool.h>

#include "analysis/observed.h"
#include "base/hn_error.h"
#include "scenario/history.h"
#include "scenario/scenario.h"

/* Most keys one fit takes. */
#define HN_CAL_MAX_KEYS 16
/* The sd of an observed money figure, as a share of the observation (MODEL.md section 9). */
#define HN_CAL_MONEY_SD 0.02
/* The level of the interval printed and tested. */
#define HN_CAL_LEVEL 0.80
/* Smallest |r| between two fitted keys written into [correlation]. */
#define HN_CAL_MIN_CORRELATION 0.1

/* The scale a key is fitted on. */
typedef enum {
    HN_FIT_PROBABILITY, /* cap x softmax */
    HN_FIT_POSITIVE,    /* exp: counts and money */
    HN_FIT_RATE         /* tanh: growth and inflation */
} hn_fit_scale;

/* One fitted key. */
typedef struct {
    char name[192];    /* SECTION.KEY */
    char written[256]; /* its value as written */
    char file[512];    /* where it is written */
    int line;
    hn_domain domain;
    hn_fit_scale scale;
    double cap;       /* probability: the room its source leaves (the fit keeps within it) */
    double room;      /* probability: the upper bound its written distribution may reach */
    int group;        /* probability: keys of one source share a group; else -1 */
    double start;     /* the value before the fit: the mean as written */
    double estimate;  /* maximum likelihood */
    double se;        /* standard error (delta method, dispersion included) */
    double lo, hi;    /* the 80% interval */
    hn_dist fitted;   /* the distribution written for it (calibrate_key_dist) */
    double fitted_sd; /* its sd: se, or less when the room forced it (said in `note`) */
    char note[160];   /* "" or why the written distribution differs from mean +/- se */
} hn_fit_key;

/* One observation the fit used. */
typedef struct {
    const hn_observation *obs; /* borrowed from the history */
    int col;                   /* its column in the run's layout */
    bool money;
    double observed, fitted;
    double residual; /* Pearson: (observed - fitted) / sqrt(fitted), or / (2% of observed) */
    double deviance; /* its contribution to the deviance */
} hn_fit_obs;

/* A calibration. */
typedef struct {
    int n_keys;
    hn_fit_key *keys;
    int n_obs;
    hn_fit_obs *obs;            /* the observations fitted, in the history's order */
    double *cov;                /* covariance of the estimates, n_keys x n_keys, row-major */
    double deviance;            /* 2 (log L(saturated) - log L(fit)): Poisson and normal parts */
    int df;                     /* observations - keys */
    double pearson;             /* Pearson X2 of the counts */
    int pearson_df;             /* its degrees of freedom (counts - keys), 0 when none */
    double dispersion_estimate; /* X2 / df (NAN without degrees of freedom) */
    double dispersion_p;        /* P(chi2 > X2) */
    double dispersion;          /* used: the estimate when P < 0.05, else 1 */
    bool expected_information;  /* the observed Hessian was not positive definite (a kink at the
                                  optimum): the expected information was inverted instead */
    int last_year;              /* observations up to this 0-based year were fitted */
    int iterations;             /* simplex iterations */
    int evaluations;            /* deterministic runs */
    double seconds;
    const hn_history *history; /* borrowed */
} hn_fit;

/*
 * Fits keys[0..n_keys) of sc to the observations of h in years up to
 * last_year (0-based; sc->years - 1 for all). sc is modified during the
 * fit and restored before returning. On success *out is a new fit the
 * caller frees with calibrate_free. HN_ERR_USAGE, saying which, for: an
 * unknown key, one not written or a per-year list, places / commissioned
 * / a provision's initial occupants (whole numbers bound to each other), a
 * key named twice, more than HN_CAL_MAX_KEYS keys, fewer observations than
 * keys, a key the history cannot inform (no observed figure changes with
 * it), keys the history cannot tell apart (the Hessian is singular), a fit
 * that does not converge; HN_ERR_NOMEM; HN_ERR_INTERNAL when GSL fails.
 */
hn_status calibrate_fit(hn_scenario *sc, const hn_history *h, int last_year,
                        const char *const *keys, int n_keys, hn_fit **out, hn_error *err);

/* Frees a fit. NULL is fine. */
void calibrate_free(hn_fit *f);

/* Correlation of the estimates of keys i and j (natural scale). */
double calibrate_correlation(const hn_fit *f, int i, int j);

/*
 * The rank correlation written into [correlation] for keys i and j:
 * (6/pi) asin(r/2) for their correlation r, so that Iman-Conover imposes r
 * on the normal scores; 0 when |r| <= HN_CAL_MIN_CORRELATION.
 */
double calibrate_rank_correlation(const hn_fit *f, int i, int j);

/* A pair of fitted keys whose correlation goes into [correlation]. */
typedef struct {
    int i, j;   /* keys of the fit */
    double rho; /* calibrate_rank_correlation */
} hn_fit_pair;

/*
 * The pairs of fitted keys (i < j, in key order) written into
 * [correlation]: |r| beyond HN_CAL_MIN_CORRELATION, both distributions,
 * and not a pair sc (the scenario the fit was made on) already correlates.
 * Writes up to cap into out; returns how many there are.
 */
int calibrate_pairs(const hn_scenario *sc, const hn_fit *f, hn_fit_pair *out, int cap);

/*
 * A calibrated scenario in memory: each fitted key set to its fitted
 * distribution and the correlations beyond HN_CAL_MIN_CORRELATION added
 * to sc->correlations (pairs the scenario already has are kept as they
 * are), exactly as the written file has them. calibrate_unapply restores.
 */
typedef struct {
    hn_scenario *sc;
    int n_keys;
    int param[HN_CAL_MAX_KEYS]; /* index in sc->params */
    hn_dist original[HN_CAL_MAX_KEYS];
    int n_correlations; /* sc->n_correlations before */
} hn_fit_applied;

/* Applies fit f (made on sc) to sc. HN_ERR_NOMEM. */
hn_status calibrate_apply(hn_scenario *sc, const hn_fit *f, hn_fit_applied *a, hn_error *err);

/* Undoes calibrate_apply. */
void calibrate_unapply(hn_fit_applied *a);

#endif
