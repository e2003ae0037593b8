/*
 * csv_history.c - the tidy CSV rows of a history (MODEL.md section 9).
 *
 * A run of a scenario with a history writes, after its figure and
 * sensitivity rows and before its run rows, one row per observation:
 * metric `observed_METRIC` (`observed_exclusions`, `observed_net_cost`),
 * the observation's entity and year (1..Y, as every figure) and stat
 * `value`. The projection of the same figure is in the figure's own rows
 * (metric METRIC, same entity and year), so a script joins the two on
 * (entity, year).
 */
#include <stdio.h>

#include "csv_internal.h"

int csv_put_observed(FILE *f, const char *scenario, const hn_layout *lay, const hn_observed *o)
{
    for (int i = 0; i < o->n; i++) {
        const hn_scored *r = &o->rows[i];
        char metric[64], entity[160], year[16];
        snprintf(metric, sizeof metric, "observed_%s", metric_name(r->metric));
        layout_entity_name(lay, r->kind, r->index, entity, sizeof entity);
        snprintf(year, sizeof year, "%d", r->year + 1);
        if (csv_put_row(f, scenario, metric, entity, year, "value", r->observed) < 0) return -1;
    }
    return 0;
}
