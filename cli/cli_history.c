/*
 * cli_history.c - a history file on the command line (cli_history.h).
 */
#include "cli_history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/history.h"

void cli_history_help(FILE *f)
{
    fprintf(f, "      --history FILE.csv  the council's observed figures (year,metric,entity,\n"
               "                        value) to show beside the projection, in place of the\n"
               "                        scenario's `history` (History sheet, observed_* rows)\n");
}

hn_status cli_history_attach(hn_scenario *sc, const char *path, hn_error *err)
{
    if (!path) return HN_OK;
    hn_history *h = NULL;
    hn_status st = history_load(path, sc, &h, err);
    if (st != HN_OK) return st;
    history_free(sc->history);
    sc->history = h;
    return HN_OK;
}

void cli_history_print_summary(const hn_observed *o)
{
    if (o->deterministic) {
        printf("history %s: %d observation%s beside the planned figures\n", o->history->path, o->n,
               o->n == 1 ? "" : "s");
        return;
    }
    int inside = 0;
    for (int i = 0; i < o->n; i++) inside += o->rows[i].inside;
    printf("history %s: %d of %d observation%s inside the projection's P10-P90 band\n",
           o->history->path, inside, o->n, o->n == 1 ? "" : "s");
}

hn_status cli_history_required(const hn_scenario *sc, const char *cmd, hn_error *err)
{
    if (sc->history) return HN_OK;
    return hn_error_set(err, HN_ERR_USAGE,
                        "%s: no history: name one after the scenario (hnsim %s SCENARIO.ini "
                        "HISTORY.csv ...) or write `history = FILE.csv` in its [scenario]",
                        sc->sources[0].path, cmd);
}

void cli_fit_keys_free(char **keys, int n)
{
    for (int i = 0; keys && i < n; i++) free(keys[i]);
    free(keys);
}

hn_status cli_fit_keys(const char *text, char ***keys, int *n, hn_error *err)
{
    *keys = NULL;
    *n = 0;
    int max = 1;
    for (const char *p = text; *p; p++) max += *p == ',';
    char **k = calloc((size_t)max, sizeof *k);
    if (!k) return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    const char *p = text;
    for (int i = 0; i < max; i++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && (*p == ' ' || *p == '\t')) p++, len--;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        if (len == 0) {
            cli_fit_keys_free(k, i);
            return hn_error_set(err, HN_ERR_USAGE,
                                "--fit '%s': an empty key; name keys as SECTION.KEY separated "
                                "by commas, e.g. --fit demand.primary.exclusion,"
                                "demand.secondary.exclusion",
                                text);
        }
        k[i] = strndup(p, len);
        if (!k[i]) {
            cli_fit_keys_free(k, i);
            return hn_error_set(err, HN_ERR_NOMEM, "out of memory");
        }
        p = end ? end + 1 : p + len;
    }
    *keys = k;
    *n = max;
    return HN_OK;
}

/* Academic-year label of 0-based year y of sc into buf. */
static void year_label(const hn_scenario *sc, int y, char *buf, size_t cap)
{
    int first = sc->start_year + y;
    snprintf(buf, cap, "%d/%02d", first, (first + 1) % 100);
}

void cli_fit_years(const hn_scenario *sc, const hn_fit *f, char *first, char *last, size_t cap)
{
    int lo = f->last_year;
    for (int i = 0; i < f->n_obs; i++)
        if (f->obs[i].obs->year < lo) lo = f->obs[i].obs->year;
    year_label(sc, lo, first, cap);
    int hi = 0;
    for (int i = 0; i < f->n_obs; i++)
        if (f->obs[i].obs->year > hi) hi = f->obs[i].obs->year;
    year_label(sc, hi, last, cap);
}

void cli_obs_figure(const hn_scenario *sc, const hn_observation *o, char *buf, size_t cap)
{
    const char *entity = "total";
    char cost[64];
    switch (o->kind) {
    case HN_OBS_SEGMENT: entity = sc->segments[o->index].name; break;
    case HN_OBS_PROVISION: entity = sc->provisions[o->index].name; break;
    case HN_OBS_COST:
        snprintf(cost, sizeof cost, "cost.%s", sc->costs[o->index].name);
        entity = cost;
        break;
    default: break;
    }
    snprintf(buf, cap, "%s %s", history_metric_name(o->metric), entity);
}

/* A value for the fit table: 6 significant digits, or whole pounds from 100,000 up. */
static const char *num(double v, char *buf)
{
    snprintf(buf, 32, fabs(v) >= 1e5 ? "%.0f" : "%.6g", v);
    return buf;
}

void cli_print_fit(const hn_scenario *sc, const hn_fit *f, const hn_fit_pair *pairs, int n_pairs)
{
    char first[16], last[16], a[32], b[32], c[32], d[32], fig[200], year[16];
    cli_fit_years(sc, f, first, last, sizeof first);
    printf("%s: %d key%s fitted to %d observation%s of %s (%s to %s), maximum likelihood\n\n",
           sc->name, f->n_keys, f->n_keys == 1 ? "" : "s", f->n_obs, f->n_obs == 1 ? "" : "s",
           f->history->path, first, last);
    printf("%-40s %12s %12s %27s  %s\n", "key", "estimate", "std error", "80% interval",
           "as written");
    for (int k = 0; k < f->n_keys; k++) {
        const hn_fit_key *key = &f->keys[k];
        char interval[80];
        snprintf(interval, sizeof interval, "%s to %s", num(key->lo, c), num(key->hi, d));
        printf("%-40s %12s %12s %27s  %s\n", key->name, num(key->estimate, a), num(key->se, b),
               interval, key->written);
    }
    printf("\n%-40s %8s %12s %12s %10s\n", "observation", "year", "observed", "fitted", "residual");
    for (int i = 0; i < f->n_obs; i++) {
        const hn_fit_obs *o = &f->obs[i];
        cli_obs_figure(sc, o->obs, fig, sizeof fig);
        year_label(sc, o->obs->year, year, sizeof year);
        printf("%-40s %8s %12s %12s %10.3f\n", fig, year, num(o->observed, a), num(o->fitted, b),
               o->residual);
    }
    printf("(residual: Pearson, (observed - fitted) / sqrt(fitted) for a count, / (2%% of the "
           "observation) for money)\n\n");
    printf("deviance %.4g on %d degree%s of freedom\n", f->deviance, f->df, f->df == 1 ? "" : "s");
    printf("standard errors: %s\n",
           f->expected_information
               ? "from the expected information (the likelihood has a kink at the optimum, "
                 "where places run out, so its second differences mean nothing)"
               : "from the inverse Hessian of the negative log-likelihood");
    if (f->pearson_df >= 1)
        printf("overdispersion: Pearson X2 %.4g on %d df, X2/df %.4g, P %.3g: %s; dispersion used "
               "%.4g\n",
               f->pearson, f->pearson_df, f->dispersion_estimate, f->dispersion_p,
               f->dispersion > 1 ? "the counts vary more than Poisson, standard errors scaled"
                                 : "no evidence beyond Poisson",
               f->dispersion);
    else
        printf("overdispersion: not estimated (no more counts than keys); dispersion used 1\n");
    for (int q = 0; q < n_pairs; q++)
        printf("correlation of the estimates: %s, %s r = %.3f (written as rank correlation "
               "%.3f)\n",
               f->keys[pairs[q].i].name, f->keys[pairs[q].j].name,
               calibrate_correlation(f, pairs[q].i, pairs[q].j), pairs[q].rho);
    for (int k = 0; k < f->n_keys; k++) {
        char dist[256];
        dist_format(&f->keys[k].fitted, dist, sizeof dist);
        printf("%s = %s%s%s\n", f->keys[k].name, dist, f->keys[k].note[0] ? "  ; " : "",
               f->keys[k].note);
    }
    printf("%d deterministic runs, %.3f s\n", f->evaluations, f->seconds);
}
