/*
 * layout.h - the figures one iteration records (MODEL.md section 5) and
 * where each sits in a row of numbers.
 *
 * A figure is (metric, entity); each has years + 1 columns: years 1..Y at
 * column offsets 0..Y-1 and "all" at offset Y. Column index =
 * figure * (years + 1) + year. The layout also carries the entity names, so
 * writers need nothing else from the scenario to label a figure.
 */
#ifndef HN_LAYOUT_H
#define HN_LAYOUT_H

#include <stdbool.h>

#include "base/hn_error.h"
#include "scenario/scenario.h"
#include "scenario/s251.h"

/* Metrics, named as in the tidy CSV (MODEL.md section 7). Keep layout.c's table in step. */
typedef enum {
    HN_M_GROSS_COST = 0,
    HN_M_INCOME,
    HN_M_NET_COST,
    HN_M_VS_BASELINE,
    HN_M_CUMULATIVE_PAYBACK,
    HN_M_COST_PER_SUPPORTED,
    HN_M_SUPPORTED,
    HN_M_OCCUPANCY,
    HN_M_STARTS,
    HN_M_BLOCKED,
    HN_M_CLOSED_OUT,
    HN_M_REFERRALS,
    HN_M_EXCLUSIONS,
    HN_M_EHCNA,
    HN_M_WAITING,
    HN_M_WITHIN_BUDGET,
    HN_M_PAID_BACK,
    HN_M_PAYBACK_YEAR,
    HN_M_DSG_ALLOCATION, /* [dsg] only (MODEL.md section 8) */
    HN_M_DSG_SPEND,
    HN_M_DSG_IN_YEAR,
    HN_M_DSG_BALANCE,
    HN_M_DSG_WITHIN_LIMIT, /* with deficit_limit */
    HN_M_DSG_ON_TARGET,    /* with targets */
    HN_M__COUNT
} hn_metric;

/* What a figure is about. */
typedef enum {
    HN_ENT_TOTAL = 0,
    HN_ENT_PROVISION,
    HN_ENT_COST,   /* a [cost.NAME] line   */
    HN_ENT_INCOME, /* an [income.NAME] line */
    HN_ENT_SEGMENT,
    HN_ENT_S251, /* a Section 251 line of the DSG view, or "unassigned" (last) */
    HN_ENT__COUNT
} hn_entity_kind;

/* How the "all" column is formed from the yearly ones. */
typedef enum {
    HN_ALL_SUM,    /* flows and money */
    HN_ALL_LAST,   /* stocks: cumulative payback, waiting */
    HN_ALL_MEAN,   /* occupancy */
    HN_ALL_SPECIAL /* computed by the accounts: supported (distinct pupils), cost per supported,
                      within budget, paid back, payback year, within the deficit limit and on
                      target (every year) */
} hn_all_rule;

/* One figure. */
typedef struct {
    hn_metric metric;
    hn_entity_kind kind;
    int index; /* entity index within its kind; 0 for the total */
} hn_figure;

typedef struct {
    int years;
    int start_year;
    int n_figures;
    hn_figure *figures;
    int n_cols;                            /* n_figures * (years + 1) */
    int first[HN_M__COUNT][HN_ENT__COUNT]; /* figure of (metric, kind, 0), -1 if none */
    int count[HN_ENT__COUNT];              /* entities of each kind (total: 1) */
    char **names[HN_ENT__COUNT];           /* names[kind][index]; total: "total" */
    char **labels[HN_ENT__COUNT];          /* human labels, same shape */
    bool has_budget;
    bool has_dsg;                       /* the scenario has [dsg]: the dsg_* figures */
    int s251_entity[HN_S251_COUNT + 1]; /* HN_ENT_S251 index of each line (the last:
                                              unassigned); -1 when the scenario has no money
                                              on it */
    int s251_line[HN_S251_COUNT + 1];   /* [entity]: its line (HN_S251_NONE: unassigned) */
} hn_layout;

/* Builds the layout for sc; on success the caller frees it with layout_free. */
hn_status layout_init(hn_layout *lay, const hn_scenario *sc, hn_error *err);

/* Frees what layout_init allocated. */
void layout_free(hn_layout *lay);

/* Column of (metric, kind, index, year); year 0..years-1, or years for "all". -1 if absent. */
int layout_col(const hn_layout *lay, hn_metric m, hn_entity_kind k, int index, int year);

/* Metric name as in the CSV ("net_cost"). */
const char *metric_name(hn_metric m);

/* True for yes/no figures reported as a probability (stat "p"). */
bool metric_is_probability(hn_metric m);

/*
 * Entity name as in the CSV: "total", a provision or segment name,
 * "cost.NAME" or "income.NAME", a Section 251 line's code or "unassigned".
 * Writes into buf (always terminated).
 */
void layout_entity_name(const hn_layout *lay, hn_entity_kind k, int index, char *buf, int cap);

/* Academic-year label of year y (0-based): start 2020 -> "2020/21". buf >= 8 bytes. */
void layout_year_label(const hn_layout *lay, int y, char *buf, int cap);

/* Fills every HN_ALL_SUM / HN_ALL_LAST / HN_ALL_MEAN "all" column of row from its yearly columns. */
void layout_fill_all(const hn_layout *lay, double *row);

#endif
