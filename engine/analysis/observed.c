/*
 * observed.c - scoring a history against a run's statistics (observed.h).
 */
#include "analysis/observed.h"

#include <math.h>
#include <stdlib.h>

hn_metric observed_metric(hn_obs_metric m)
{
    static const hn_metric map[HN_OBS__COUNT] = {
        [HN_OBS_EXCLUSIONS] = HN_M_EXCLUSIONS, [HN_OBS_REFERRALS] = HN_M_REFERRALS,
        [HN_OBS_EHCNA] = HN_M_EHCNA,           [HN_OBS_WAITING] = HN_M_WAITING,
        [HN_OBS_SUPPORTED] = HN_M_SUPPORTED,   [HN_OBS_STARTS] = HN_M_STARTS,
        [HN_OBS_OCCUPANCY] = HN_M_OCCUPANCY,   [HN_OBS_NET_COST] = HN_M_NET_COST,
    };
    return (int)m >= 0 && m < HN_OBS__COUNT ? map[m] : HN_M__COUNT;
}

hn_entity_kind observed_kind(hn_obs_entity k)
{
    static const hn_entity_kind map[HN_OBS_ENTITY__COUNT] = {
        [HN_OBS_TOTAL] = HN_ENT_TOTAL,
        [HN_OBS_SEGMENT] = HN_ENT_SEGMENT,
        [HN_OBS_PROVISION] = HN_ENT_PROVISION,
        [HN_OBS_COST] = HN_ENT_COST,
    };
    return (int)k >= 0 && k < HN_OBS_ENTITY__COUNT ? map[k] : HN_ENT__COUNT;
}

int observed_column(const hn_layout *lay, const hn_observation *o)
{
    return layout_col(lay, observed_metric(o->metric), observed_kind(o->kind), o->index, o->year);
}

hn_status observed_fill(const hn_observation *o, const hn_stats *st, hn_scored *r, hn_error *err)
{
    int col = observed_column(st->layout, o);
    if (col < 0)
        return hn_error_set(err, HN_ERR_INTERNAL,
                            "history line %d: the run records no %s figure for that entity "
                            "(the history was checked against another scenario)",
                            o->line, history_metric_name(o->metric));
    *r = (hn_scored){
        .obs = o,
        .metric = observed_metric(o->metric),
        .kind = observed_kind(o->kind),
        .index = o->index,
        .year = o->year,
        .col = col,
        .observed = o->value,
        .mean = stats_get(st, col, HN_STAT_MEAN),
        .p5 = stats_get(st, col, HN_STAT_P5),
        .p10 = stats_get(st, col, HN_STAT_P10),
        .p50 = stats_get(st, col, HN_STAT_P50),
        .p90 = stats_get(st, col, HN_STAT_P90),
        .p95 = stats_get(st, col, HN_STAT_P95),
        .origin = -1,
    };
    r->inside = o->value >= r->p10 && o->value <= r->p90;
    r->inside90 = o->value >= r->p5 && o->value <= r->p95;
    return HN_OK;
}

int observed_order(const void *a, const void *b)
{
    const hn_scored *x = a, *y = b;
    /* col - year is the figure's first column: layout order */
    int d[3] = { (x->col - x->year) - (y->col - y->year), x->origin - y->origin,
                 x->year - y->year };
    for (int i = 0; i < 3; i++)
        if (d[i]) return d[i] < 0 ? -1 : 1;
    return 0;
}

hn_status observed_score(const hn_history *h, const hn_stats *st, hn_observed **out, hn_error *err)
{
    *out = NULL;
    hn_observed *o = calloc(1, sizeof *o);
    hn_scored *rows = calloc((size_t)h->n, sizeof *rows);
    if (!o || !rows) {
        free(o);
        free(rows);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory scoring the history");
    }
    o->history = h;
    o->deterministic = st->deterministic;
    o->rows = rows;
    o->n = h->n;
    for (int i = 0; i < h->n; i++) {
        hn_status s = observed_fill(&h->obs[i], st, &rows[i], err);
        if (s != HN_OK) {
            observed_free(o);
            return s;
        }
    }
    qsort(rows, (size_t)h->n, sizeof *rows, observed_order);
    *out = o;
    return HN_OK;
}

void observed_free(hn_observed *o)
{
    if (!o) return;
    free(o->rows);
    free(o);
}
