/*
 * history.h - a council's own past figures: the history file of MODEL.md
 * section 9.
 *
 * A history file is a CSV with the header `year,metric,entity,value`, one
 * row per observed figure: the academic year (`2016` or `2016/17`), a
 * metric and entity named as in the tidy CSV (MODEL.md section 7) for the
 * figures that are yearly counts or money, and the observed value. It is
 * read with a scenario's care: every bad row is an HN_ERR_SCENARIO error
 * naming the file and line and what would be valid. A scenario names its
 * history with `[scenario] history = FILE.csv` (scenario_load reads it);
 * a command may load another with history_load and put it in its place.
 *
 * The observations keep the scenario's indices (segment, provision, cost
 * line), so a history belongs to the scenario it was checked against.
 * Layers above map them to the figures a run records (analysis/observed.h).
 */
#ifndef HN_HISTORY_H
#define HN_HISTORY_H

#include <stdbool.h>

#include "base/hn_error.h"
#include "scenario/scenario.h"

/* The figures a history may observe (MODEL.md section 9), named as in the tidy CSV. */
typedef enum {
    HN_OBS_EXCLUSIONS = 0,
    HN_OBS_REFERRALS,
    HN_OBS_EHCNA,
    HN_OBS_WAITING,
    HN_OBS_SUPPORTED,
    HN_OBS_STARTS,
    HN_OBS_OCCUPANCY,
    HN_OBS_NET_COST,
    HN_OBS__COUNT
} hn_obs_metric;

/* What an observation is about. */
typedef enum {
    HN_OBS_TOTAL = 0, /* "total" */
    HN_OBS_SEGMENT,   /* a [demand.NAME] segment */
    HN_OBS_PROVISION, /* a [provision.NAME] */
    HN_OBS_COST,      /* a [cost.NAME] line, written "cost.NAME" */
    HN_OBS_ENTITY__COUNT
} hn_obs_entity;

/* One row of a history file. */
typedef struct {
    int year; /* 0-based year of the scenario */
    hn_obs_metric metric;
    hn_obs_entity kind;
    int index;    /* the segment's, provision's or cost line's index; 0 for the total */
    double value; /* finite, >= 0 */
    int line;     /* 1-based line in the file */
} hn_observation;

/* A history file read against a scenario (scenario.h holds one as `struct hn_history`). */
typedef struct hn_history {
    char *path;          /* as opened (owned) */
    char sha256[65];     /* lowercase hex SHA-256 of the file's bytes */
    hn_observation *obs; /* in file order (owned) */
    int n;               /* at least 1 */
    int first_year;      /* earliest and latest year observed, 0-based */
    int last_year;
} hn_history;

/*
 * Reads the history file at path and checks it against sc (years,
 * segments, provisions, cost lines). On success *out is a new history the
 * caller frees with history_free. HN_ERR_SCENARIO naming the file and line
 * for: a missing or wrong header, a row without four fields, an unknown
 * metric or entity (with "did you mean"), a year that is not `2016` or
 * `2016/17` or falls outside the scenario's years, a value that is not a
 * finite number >= 0, a duplicate (year, metric, entity), a file with no
 * rows; a file that cannot be opened or is not text is HN_ERR_SCENARIO at
 * line 0. HN_ERR_IO, HN_ERR_NOMEM. *out is NULL on failure.
 */
hn_status history_load(const char *path, const hn_scenario *sc, hn_history **out, hn_error *err);

/* Frees a history. NULL is fine. */
void history_free(hn_history *h);

/* Metric name as in the CSV ("exclusions"); "unknown" out of range. */
const char *history_metric_name(hn_obs_metric m);

/* True for money (net_cost): normal about the model with sd 2% of the observation; else a count. */
bool history_metric_is_money(hn_obs_metric m);

#endif
