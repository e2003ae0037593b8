/*
 * backtest.h - how well would the model have tracked the past? (MODEL.md
 * section 9, `hnsim backtest`).
 *
 * From an origin year, the scenario is calibrated (calibrate.h) on the
 * history's observations before it, the calibrated scenario is run as a
 * Monte Carlo projection (its fitted keys sampled from their fitted
 * distributions, every flow drawn), and each observation from the origin
 * on is scored against the projection of its figure and year: observed,
 * mean, P5, P10, P90, P95, inside the P10-P90 band or not, error (mean -
 * observed) and percentage error. `--holdout N` uses one origin: the
 * history without its last N years. `--holdout all` rolls the origin: for
 * every k with at least as many observations in the history's first k
 * years as keys, calibrate on those years and score the rest. Over all the
 * scored observations: the share inside P10-P90 (about 80% if the model is
 * honest), inside P5-P95, the mean absolute percentage error of the mean
 * and the mean signed percentage error (bias; docs/decisions.md H13).
 */
#ifndef HN_BACKTEST_H
#define HN_BACKTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/calibrate.h"
#include "analysis/observed.h"
#include "base/hn_error.h"
#include "model/engine.h"
#include "scenario/history.h"
#include "scenario/scenario.h"

/* `--holdout all`: every origin. */
#define HN_BACKTEST_ALL (-1)

/* One origin of a back-test. */
typedef struct {
    int origin;         /* the first held-out year, 0-based */
    hn_fit *fit;        /* the calibration on the years before it (owned); NULL when skipped */
    char skipped[1024]; /* "" or why this origin could not be calibrated (rolling only) */
    int first, n;       /* its scored observations: rows[first .. first + n) */
} hn_bt_origin;

/* A back-test. */
typedef struct {
    int holdout; /* N, or HN_BACKTEST_ALL */
    int n_origins;
    hn_bt_origin *origins;
    hn_scored *rows; /* every scored observation, origin by origin (owned) */
    int n;
    /* per origin, the projection of each observed figure in every year: */
    int n_figures;
    int *figure_col0; /* layout column of year 1 of each observed figure */
    double *band;     /* band[((o * n_figures + f) * years + y) * 3 + {0: P10, 1: mean, 2: P90}] */
    int years;
    /* over every scored observation */
    double coverage_p10_p90, coverage_p5_p95;
    double mape;     /* mean |percentage error| of the mean, %, over observations above 0 */
    double bias;     /* mean signed percentage error, %, over the same */
    int n_pct;       /* observations above 0 */
    long iterations; /* per origin */
    uint64_t seed;   /* of every origin's projection */
    double seconds;
} hn_backtest;

/* Called after each origin (for progress lines); o is the origin just done. */
typedef void (*hn_backtest_fn)(void *user, const hn_backtest *bt, const hn_bt_origin *o);

/*
 * Back-tests sc against h: keys as for calibrate_fit, holdout N (years)
 * or HN_BACKTEST_ALL, each projection run with opts (Monte Carlo). sc is
 * restored before returning. On success *out is new (backtest_free).
 * HN_ERR_USAGE when the holdout leaves no year to calibrate on or none to
 * score, when a deterministic run is asked for, when no origin can be
 * calibrated (rolling: the reasons of the skipped ones are in the
 * message), and calibrate_fit's errors for a single origin; the errors of
 * engine_run and stats_compute.
 */
hn_status backtest_run(hn_scenario *sc, const hn_history *h, const char *const *keys, int n_keys,
                       int holdout, const hn_run_opts *opts, hn_backtest_fn fn, void *user,
                       hn_backtest **out, hn_error *err);

/* The band value k (0 P10, 1 mean, 2 P90) of figure f in year y from origin o. */
double backtest_band(const hn_backtest *bt, int o, int f, int y, int k);

/* Index of the observed figure whose year-1 column is col0, or -1. */
int backtest_figure(const hn_backtest *bt, int col0);

/* Frees a back-test. NULL is fine. */
void backtest_free(hn_backtest *bt);

#endif
