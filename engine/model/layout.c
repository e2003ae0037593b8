/*
 * layout.c - which figures exist for a scenario, in which order, and how
 * their "all" columns are formed.
 */
#include "model/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row per metric: its CSV name, its "all" rule, whether it is a probability,
 * and which entity kinds it is recorded for. */
static const struct {
    const char *name;
    hn_all_rule all;
    bool probability;
    bool kinds[HN_ENT__COUNT];
} metric_table[HN_M__COUNT] = {
    /*                                   total  prov   cost   income segment s251 */
    [HN_M_GROSS_COST] = { "gross_cost", HN_ALL_SUM, false, { true, true, true, true, false } },
    [HN_M_INCOME] = { "income", HN_ALL_SUM, false, { true, true, true, true, false } },
    [HN_M_NET_COST] = { "net_cost", HN_ALL_SUM, false, { true, true, true, true, false } },
    [HN_M_VS_BASELINE] = { "vs_baseline", HN_ALL_SUM, false, { true, false, false, false, false } },
    [HN_M_CUMULATIVE_PAYBACK] = { "cumulative_payback",
                                  HN_ALL_LAST,
                                  false,
                                  { true, false, false, false, false } },
    [HN_M_COST_PER_SUPPORTED] = { "cost_per_supported",
                                  HN_ALL_SPECIAL,
                                  false,
                                  { true, false, false, false, false } },
    [HN_M_SUPPORTED] = { "supported", HN_ALL_SPECIAL, false, { true, true, false, false, false } },
    [HN_M_OCCUPANCY] = { "occupancy", HN_ALL_MEAN, false, { false, true, false, false, false } },
    [HN_M_STARTS] = { "starts", HN_ALL_SUM, false, { false, true, false, false, false } },
    [HN_M_BLOCKED] = { "blocked", HN_ALL_SUM, false, { false, true, false, false, false } },
    [HN_M_CLOSED_OUT] = { "closed_out", HN_ALL_SUM, false, { false, true, false, false, false } },
    [HN_M_REFERRALS] = { "referrals", HN_ALL_SUM, false, { true, false, false, false, true } },
    [HN_M_EXCLUSIONS] = { "exclusions", HN_ALL_SUM, false, { true, false, false, false, true } },
    [HN_M_EHCNA] = { "ehcna", HN_ALL_SUM, false, { true, false, false, false, true } },
    [HN_M_WAITING] = { "waiting", HN_ALL_LAST, false, { true, false, false, false, true } },
    [HN_M_WITHIN_BUDGET] = { "within_budget",
                             HN_ALL_SPECIAL,
                             true,
                             { true, false, false, false, false } },
    [HN_M_PAID_BACK] = { "paid_back", HN_ALL_SPECIAL, true, { true, false, false, false, false } },
    [HN_M_PAYBACK_YEAR] = { "payback_year",
                            HN_ALL_SPECIAL,
                            true,
                            { true, false, false, false, false } },
    [HN_M_DSG_ALLOCATION] = { "dsg_allocation",
                              HN_ALL_SUM,
                              false,
                              { true, false, false, false, false, false } },
    [HN_M_DSG_SPEND] = { "dsg_spend",
                         HN_ALL_SUM,
                         false,
                         { true, false, false, false, false, true } },
    [HN_M_DSG_IN_YEAR] = { "dsg_in_year",
                           HN_ALL_SUM,
                           false,
                           { true, false, false, false, false, false } },
    [HN_M_DSG_BALANCE] = { "dsg_balance",
                           HN_ALL_LAST,
                           false,
                           { true, false, false, false, false, false } },
    [HN_M_DSG_WITHIN_LIMIT] = { "dsg_within_limit",
                                HN_ALL_SPECIAL,
                                true,
                                { true, false, false, false, false, false } },
    [HN_M_DSG_ON_TARGET] = { "dsg_on_target",
                             HN_ALL_SPECIAL,
                             true,
                             { true, false, false, false, false, false } },
};

/* True when metric m is recorded for sc: the budget and [dsg] figures only when asked for. */
static bool metric_present(const hn_scenario *sc, int m)
{
    bool dsg = sc->n_dsg > 0;
    switch (m) {
    case HN_M_WITHIN_BUDGET: return sc->has_budget;
    case HN_M_DSG_ALLOCATION:
    case HN_M_DSG_SPEND:
    case HN_M_DSG_IN_YEAR:
    case HN_M_DSG_BALANCE: return dsg;
    case HN_M_DSG_WITHIN_LIMIT: return dsg && sc->dsg[0].deficit_limit.set;
    case HN_M_DSG_ON_TARGET: return dsg && sc->dsg[0].targets.set;
    default: return true;
    }
}

/*
 * The Section 251 lines sc has money on (MODEL.md section 8), in the
 * table's order with "unassigned" last: 1.0.2 for any provision with place
 * funding, each provision's, cost line's and income line's own, other_s251
 * for other_spend; a line without s251 is "unassigned". Writes each line's
 * entity index into lay->s251_entity (-1: none) and each entity's line into
 * lay->s251_line; returns how many.
 */
static int s251_lines(hn_layout *lay, const hn_scenario *sc)
{
    bool used[HN_S251_COUNT + 1] = { false };
    int n = 0;
    if (sc->n_dsg > 0) {
#define USE(line) used[(line) == HN_S251_NONE ? HN_S251_COUNT : (line)] = true
        for (int p = 0; p < sc->n_provisions; p++) {
            if (sc->provisions[p].place_funding.set) USE(HN_S251_PLACE);
            USE(sc->provisions[p].s251);
        }
        for (int c = 0; c < sc->n_costs; c++) USE(sc->costs[c].s251);
        for (int c = 0; c < sc->n_incomes; c++) USE(sc->incomes[c].s251);
        if (sc->dsg[0].other_spend.set) USE(sc->dsg[0].other_s251);
#undef USE
    }
    for (int i = 0; i <= HN_S251_COUNT; i++) {
        lay->s251_entity[i] = used[i] ? n : -1;
        if (used[i]) lay->s251_line[n++] = i == HN_S251_COUNT ? HN_S251_NONE : i;
    }
    return n;
}

const char *metric_name(hn_metric m)
{
    if ((int)m < 0 || m >= HN_M__COUNT) return "unknown";
    return metric_table[m].name;
}

bool metric_is_probability(hn_metric m)
{
    return (int)m >= 0 && m < HN_M__COUNT && metric_table[m].probability;
}

/* Copies n names (and labels) into a new array; NULL on OOM. */
static char **dup_names(int n, const char *(*get)(const hn_scenario *, int, bool),
                        const hn_scenario *sc, bool label)
{
    char **out = calloc((size_t)(n > 0 ? n : 1), sizeof *out);
    if (!out) return NULL;
    for (int i = 0; i < n; i++) {
        const char *src = get(sc, i, label);
        out[i] = strdup(src ? src : "");
        if (!out[i]) {
            for (int j = 0; j < i; j++) free(out[j]);
            free(out);
            return NULL;
        }
    }
    return out;
}

static const char *get_total(const hn_scenario *sc, int i, bool label)
{
    (void)sc, (void)i;
    return label ? "Total" : "total";
}
static const char *get_provision(const hn_scenario *sc, int i, bool label)
{
    const hn_provision *p = &sc->provisions[i];
    return label && p->label && *p->label ? p->label : p->name;
}
static const char *get_cost(const hn_scenario *sc, int i, bool label)
{
    const hn_money_line *l = &sc->costs[i];
    return label && l->label && *l->label ? l->label : l->name;
}
static const char *get_income(const hn_scenario *sc, int i, bool label)
{
    const hn_money_line *l = &sc->incomes[i];
    return label && l->label && *l->label ? l->label : l->name;
}
static const char *get_segment(const hn_scenario *sc, int i, bool label)
{
    const hn_segment *s = &sc->segments[i];
    return label && s->label && *s->label ? s->label : s->name;
}

/* Codes (or, with label, descriptions) of lay's Section 251 lines in a new array; NULL on OOM. */
static char **s251_names(const hn_layout *lay, bool label)
{
    int n = lay->count[HN_ENT_S251];
    char **out = calloc((size_t)(n > 0 ? n : 1), sizeof *out);
    if (!out) return NULL;
    for (int i = 0; i < n; i++) {
        int line = lay->s251_line[i];
        out[i] = strdup(label ? s251_line(line) : s251_code(line));
        if (!out[i]) {
            for (int j = 0; j < i; j++) free(out[j]);
            free(out);
            return NULL;
        }
    }
    return out;
}

hn_status layout_init(hn_layout *lay, const hn_scenario *sc, hn_error *err)
{
    static const char *(*const getters[HN_ENT__COUNT])(const hn_scenario *, int, bool) = {
        get_total, get_provision, get_cost, get_income, get_segment, NULL
    };

    memset(lay, 0, sizeof *lay);
    lay->years = sc->years;
    lay->start_year = sc->start_year;
    lay->has_budget = sc->has_budget;
    lay->count[HN_ENT_TOTAL] = 1;
    lay->count[HN_ENT_PROVISION] = sc->n_provisions;
    lay->count[HN_ENT_COST] = sc->n_costs;
    lay->count[HN_ENT_INCOME] = sc->n_incomes;
    lay->count[HN_ENT_SEGMENT] = sc->n_segments;
    lay->count[HN_ENT_S251] = s251_lines(lay, sc);
    lay->has_dsg = sc->n_dsg > 0;

    int n = 0;
    for (int m = 0; m < HN_M__COUNT; m++) {
        if (!metric_present(sc, m)) continue;
        for (int k = 0; k < HN_ENT__COUNT; k++)
            if (metric_table[m].kinds[k]) n += lay->count[k];
    }
    lay->figures = calloc((size_t)n, sizeof *lay->figures);
    if (!lay->figures) goto oom;
    for (int k = 0; k < HN_ENT__COUNT; k++) {
        bool lines = k == HN_ENT_S251;
        lay->names[k] =
            lines ? s251_names(lay, false) : dup_names(lay->count[k], getters[k], sc, false);
        lay->labels[k] =
            lines ? s251_names(lay, true) : dup_names(lay->count[k], getters[k], sc, true);
        if (!lay->names[k] || !lay->labels[k]) goto oom;
    }

    int f = 0;
    for (int m = 0; m < HN_M__COUNT; m++) {
        for (int k = 0; k < HN_ENT__COUNT; k++) {
            lay->first[m][k] = -1;
            bool present = metric_table[m].kinds[k] && metric_present(sc, m) && lay->count[k] > 0;
            if (!present) continue;
            lay->first[m][k] = f;
            for (int i = 0; i < lay->count[k]; i++)
                lay->figures[f++] = (hn_figure){ (hn_metric)m, (hn_entity_kind)k, i };
        }
    }
    lay->n_figures = f;
    lay->n_cols = f * (sc->years + 1);
    return HN_OK;

oom:
    layout_free(lay);
    return hn_error_set(err, HN_ERR_NOMEM, "out of memory building the figure layout");
}

void layout_free(hn_layout *lay)
{
    if (!lay) return;
    for (int k = 0; k < HN_ENT__COUNT; k++) {
        for (int which = 0; which < 2; which++) {
            char **v = which ? lay->labels[k] : lay->names[k];
            if (!v) continue;
            for (int i = 0; i < lay->count[k]; i++) free(v[i]);
            free(v);
        }
    }
    free(lay->figures);
    memset(lay, 0, sizeof *lay);
}

int layout_col(const hn_layout *lay, hn_metric m, hn_entity_kind k, int index, int year)
{
    if ((int)m < 0 || m >= HN_M__COUNT || (int)k < 0 || k >= HN_ENT__COUNT) return -1;
    int f = lay->first[m][k];
    if (f < 0 || index < 0 || index >= lay->count[k] || year < 0 || year > lay->years) return -1;
    return (f + index) * (lay->years + 1) + year;
}

void layout_entity_name(const hn_layout *lay, hn_entity_kind k, int index, char *buf, int cap)
{
    const char *name = (k >= 0 && k < HN_ENT__COUNT && index >= 0 && index < lay->count[k])
                           ? lay->names[k][index]
                           : "?";
    if (k == HN_ENT_COST)
        snprintf(buf, (size_t)cap, "cost.%s", name);
    else if (k == HN_ENT_INCOME)
        snprintf(buf, (size_t)cap, "income.%s", name);
    else
        snprintf(buf, (size_t)cap, "%s", name);
}

void layout_year_label(const hn_layout *lay, int y, char *buf, int cap)
{
    int first = lay->start_year + y;
    snprintf(buf, (size_t)cap, "%d/%02d", first, (first + 1) % 100);
}

void layout_fill_all(const hn_layout *lay, double *row)
{
    int Y = lay->years;
    for (int f = 0; f < lay->n_figures; f++) {
        double *v = row + (long)f * (Y + 1);
        hn_all_rule rule = metric_table[lay->figures[f].metric].all;
        if (rule == HN_ALL_SPECIAL) continue;
        if (rule == HN_ALL_LAST) {
            v[Y] = v[Y - 1];
            continue;
        }
        double sum = 0;
        for (int y = 0; y < Y; y++) sum += v[y];
        v[Y] = rule == HN_ALL_MEAN ? sum / Y : sum;
    }
}
