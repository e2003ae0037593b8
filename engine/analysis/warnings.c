/*
 * warnings.c - the checks of warnings.h, each a function that appends what
 * it finds. The planned (deterministic) year-1 net cost comes from a run of
 * the engine itself, so the baseline is compared with exactly the figure
 * the Summary shows.
 */
#include "analysis/warnings.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/engine.h"
#include "model/params.h"

/* How far the baseline may stand from the planned year-1 net cost before it is questioned. */
#define HN_BASELINE_RATIO 3.0

/*
 * Appends a warning about param p (its file, line, section and key) with a
 * printf-style text. False when memory runs out (w unchanged).
 */
static bool __attribute__((format(printf, 3, 4)))
add(hn_warnings *w, const hn_param *p, const char *fmt, ...)
{
    hn_warning *grown = realloc(w->items, (size_t)(w->n + 1) * sizeof *grown);
    if (!grown) return false;
    w->items = grown;
    hn_warning *x = &w->items[w->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->file, sizeof x->file, "%s", p->file ? p->file : "");
    x->line = p->line;
    /* p->name is "SECTION.KEY"; a section is "scenario" or "KIND.NAME" (keys may hold dots). */
    const char *key = p->name;
    if (!strncmp(key, "scenario.", 9)) {
        key += 9;
    } else {
        const char *dot = strchr(key, '.');
        if (dot) dot = strchr(dot + 1, '.');
        key = dot ? dot + 1 : key;
    }
    snprintf(x->section, sizeof x->section, "%.*s", (int)(key - p->name - (key > p->name)),
             p->name);
    snprintf(x->key, sizeof x->key, "%s", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->text, sizeof x->text, fmt, ap);
    va_end(ap);
    hn_utf8_fit(x->text, sizeof x->text);
    return true;
}

/* True when s (length n) is 1 to max decimal digits, exactly max when exact. */
static bool digits(const char *s, size_t n, size_t max, bool exact)
{
    if (n == 0 || n > max || (exact && n != max)) return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

/*
 * A money list that reads like one number with thousands separators:
 * "1, 250, 000" is a 3-year list (£1, £250, £0), but after its first
 * element (1 to 3 digits) every element is exactly three digits. Money keys
 * only (decisions item F8). Appends to w; false on out of memory.
 */
static bool check_separators(const hn_param *p, hn_warnings *w)
{
    if (p->domain != HN_DOMAIN_MONEY || !p->set || p->n < 2 || !p->text) return true;
    char joined[64];
    size_t used = 0;
    const char *s = p->text;
    for (int i = 0; i < p->n; i++) {
        while (*s == ' ' || *s == '\t') s++;
        size_t len = strcspn(s, ",");
        size_t end = len;
        while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t')) end--;
        if (!digits(s, end, 3, i > 0) || used + end >= sizeof joined) return true;
        memcpy(joined + used, s, end);
        used += end;
        s += len;
        if (*s == ',') s++;
    }
    if (*s) return true; /* more text than the list's items: not a plain list */
    joined[used] = '\0';
    return add(w, p,
               "`%s` is read as a list of %d yearly amounts, but looks like one number "
               "written with thousands separators; if it is £%s, write %s (no commas)",
               p->text, p->n, joined, joined);
}

/*
 * A provision with places in a year whose cost per pupil, cost per start,
 * place funding and fixed cost are all 0 (means): pupils supported for
 * nothing. One warning per provision naming the years. pv: the means.
 */
static bool check_free_places(const hn_scenario *sc, const double *pv, hn_warnings *w)
{
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *p = &sc->provisions[i];
        if (!p->capped) continue;
        char years[256] = "";
        size_t used = 0;
        int n = 0;
        for (int y = 0; y < sc->years; y++) {
            if (!(params_get(pv, &p->places, y) > 0)) continue;
            if (params_get(pv, &p->cost_per_pupil, y) != 0 ||
                params_get(pv, &p->cost_per_start, y) != 0 ||
                params_get(pv, &p->place_funding, y) != 0 || params_get(pv, &p->fixed_cost, y) != 0)
                continue;
            if (used < sizeof years)
                used +=
                    (size_t)snprintf(years + used, sizeof years - used, "%s%d/%02d", n ? ", " : "",
                                     sc->start_year + y, (sc->start_year + y + 1) % 100);
            n++;
        }
        if (n && !add(w, &p->places,
                      "places in %s cost nothing: cost_per_pupil, cost_per_start, "
                      "place_funding and fixed_cost are all 0 there, so its pupils are "
                      "supported for free; give the provision a cost, or 0 places in "
                      "those years",
                      years))
            return false;
    }
    return true;
}

/* Writes whole pounds with thousands separators ("£4,712,000", "-£5") into buf. */
static void pounds(double v, char *buf, size_t cap)
{
    char digits_buf[32];
    snprintf(digits_buf, sizeof digits_buf, "%.0f", v < 0 ? -v : v);
    size_t n = strlen(digits_buf), used = 0;
    used += (size_t)snprintf(buf, cap, "%s£", v < 0 ? "-" : "");
    for (size_t i = 0; i < n && used + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[used++] = ',';
        buf[used++] = digits_buf[i];
    }
    buf[used < cap ? used : cap - 1] = '\0';
}

/*
 * The baseline (the spend today) more than HN_BASELINE_RATIO times, or
 * less than 1/HN_BASELINE_RATIO of, the planned year-1 net cost: probably
 * written in £'000 (or the plan in pence). Only a baseline written in the
 * file, and only when the planned cost is positive.
 */
static bool check_baseline(const hn_scenario *sc, double net1, hn_warnings *w)
{
    const hn_param *b = &sc->baseline_cost;
    if (!b->set || !(net1 > 0)) return true;
    double base = dist_mean(&b->items[0]);
    if (base <= HN_BASELINE_RATIO * net1 && base * HN_BASELINE_RATIO >= net1) return true;
    const char *hint = base < net1 ? "is it in £'000? baseline_cost is in pounds"
                                   : "is the plan's money in the same units?";
    char plan[48];
    pounds(net1, plan, sizeof plan);
    return add(w, b,
               "%s is %s the planned year-1 net cost (%s): %s (a baseline within a "
               "factor of %.0f of the plan raises no warning)",
               b->text && *b->text ? b->text : "the baseline",
               base < net1 ? "less than a third of" : "more than 3 times", plan, hint,
               HN_BASELINE_RATIO);
}

hn_status warnings_collect(const hn_scenario *sc, hn_warnings *out, hn_error *err)
{
    out->items = NULL;
    out->n = 0;
    double *pv = calloc((size_t)sc->n_slots, sizeof *pv);
    if (!pv) return hn_error_set(err, HN_ERR_NOMEM, "out of memory checking the scenario");
    params_means(sc, pv, NULL);

    hn_run_opts opts = { .iterations = 1, .seed = sc->seed, .threads = 1, .deterministic = true };
    hn_results *res = NULL;
    hn_status st = engine_run(sc, &opts, &res, err);
    bool ok = st == HN_OK;
    if (ok) {
        double net1 =
            results_get(res, layout_col(&res->layout, HN_M_NET_COST, HN_ENT_TOTAL, 0, 0), 0);
        ok = check_baseline(sc, net1, out);
        for (int k = 0; ok && k < sc->n_params; k++) ok = check_separators(sc->params[k], out);
        ok = ok && check_free_places(sc, pv, out);
        if (!ok) st = hn_error_set(err, HN_ERR_NOMEM, "out of memory checking the scenario");
    }
    results_free(res);
    free(pv);
    if (st != HN_OK) warnings_free(out);
    return st;
}

void warnings_free(hn_warnings *w)
{
    if (!w) return;
    free(w->items);
    w->items = NULL;
    w->n = 0;
}

void warning_format(const hn_warning *w, char *buf, size_t cap)
{
    char where[600] = "";
    if (w->file[0] && w->line > 0)
        snprintf(where, sizeof where, "%s:%d: ", w->file, w->line);
    else if (w->file[0])
        snprintf(where, sizeof where, "%s: ", w->file);
    snprintf(buf, cap, "%swarning: [%s] %s: %s", where, w->section, w->key, w->text);
    hn_utf8_fit(buf, cap);
}
