/*
 * observed.h - a history's observations beside the projection of the same
 * figures (MODEL.md section 9, "observed beside projected").
 *
 * Each observation of a history (scenario/history.h) names a figure that a
 * run records (model/layout.h): a metric, an entity and a year. Scoring
 * puts the observed value next to the projection's mean, P5, P10, P50, P90
 * and P95 for that figure and year, and says whether it falls inside the
 * P10-P90 band (and the P5-P95 one). The History sheet, the tidy CSV's
 * `observed_METRIC` rows, the Summary's fan chart and the back-test
 * (backtest.h) all read this one table.
 */
#ifndef HN_OBSERVED_H
#define HN_OBSERVED_H

#include <stdbool.h>

#include "analysis/stats.h"
#include "base/hn_error.h"
#include "model/layout.h"
#include "scenario/history.h"

/* One observation beside its projection. */
typedef struct {
    const hn_observation *obs; /* borrowed from the history */
    hn_metric metric;
    hn_entity_kind kind;
    int index;
    int year; /* 0-based */
    int col;  /* the figure-year's column in the layout */
    double observed;
    double mean, p5, p10, p50, p90, p95; /* the projection (deterministic: the planned value) */
    bool inside;                         /* P10 <= observed <= P90 */
    bool inside90;                       /* P5 <= observed <= P95 */
    int origin; /* back-test: the first held-out year (0-based); -1 in a plain run */
} hn_scored;

/* A history scored against one run. */
typedef struct {
    const hn_history *history; /* borrowed */
    bool deterministic;        /* the projection has no band */
    hn_scored *rows;           /* by figure (layout order), then year (owned) */
    int n;
} hn_observed;

/* The run's metric and entity kind of an observation. */
hn_metric observed_metric(hn_obs_metric m);
hn_entity_kind observed_kind(hn_obs_entity k);

/* Layout column of observation o (its figure in its year); -1 when lay has no such figure. */
int observed_column(const hn_layout *lay, const hn_observation *o);

/*
 * Fills row r for observation o from the statistics st (with origin -1).
 * HN_ERR_INTERNAL when the layout has no such figure (a history checked
 * against another scenario).
 */
hn_status observed_fill(const hn_observation *o, const hn_stats *st, hn_scored *r, hn_error *err);

/*
 * Scores every observation of h against the run whose statistics are st.
 * On success *out is new (caller frees with observed_free). HN_ERR_NOMEM,
 * or observed_fill's error.
 */
hn_status observed_score(const hn_history *h, const hn_stats *st, hn_observed **out, hn_error *err);

/* Orders scored rows by figure (layout order), then origin, then year (qsort comparator). */
int observed_order(const void *a, const void *b);

/* Frees a scored history. NULL is fine. */
void observed_free(hn_observed *o);

#endif
