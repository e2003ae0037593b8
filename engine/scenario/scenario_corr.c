/*
 * scenario_corr.c - reading and checking the [correlation] section
 * (scenario_corr.h).
 *
 * Names are matched exactly against the sampled inputs (params_inputs).
 * When a name is not one, the message says why where it can - a constant,
 * a per-year list named without its year, a year out of range - and
 * otherwise offers the closest input name. The matrix check runs once
 * every pair is read: unspecified pairs are 0 and the matrix must be
 * positive definite (GSL's Cholesky decides); when it is not, the inputs
 * are taken in order of first mention and the smallest leading block that
 * fails names its last input, and the error points at that input's
 * strongest pair within the block and lists the others.
 */
#include "scenario/scenario_corr.h"

#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/corr_matrix.h"
#include "scenario/inputs.h"
#include "base/suggest.h"
#include "scenario/value_parse.h"

/* How to write a pair, for messages. */
#define PAIR_EXAMPLE "provision.pru.cost_per_pupil, provision.indep.cost_per_pupil = 0.6"

/* One pair as read: its key, the inputs' indices, the value. */
typedef struct {
    const raw_key *k;
    int a, b;
    double rho;
} pair;

/* What the checks share. */
typedef struct {
    hn_scenario *sc;
    const raw_section *s;
    hn_error *err;
    hn_input *in;
    int n_in;
} corr_ctx;

/* Error at key k of [correlation]. */
static hn_status pair_error(corr_ctx *c, const raw_key *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static hn_status pair_error(corr_ctx *c, const raw_key *k, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hn_error_at(c->err, k->file, k->line, c->s->name, k->key, "%s", msg);
}

/* The parameter called name (len bytes), or NULL. */
static const hn_param *find_param(const hn_scenario *sc, const char *name, size_t len)
{
    for (int i = 0; i < sc->n_params; i++)
        if (strlen(sc->params[i]->name) == len && !memcmp(sc->params[i]->name, name, len))
            return sc->params[i];
    return NULL;
}

/* Lists the years (1-based) of p's items that are distributions: "2, 3". */
static void random_years(const hn_param *p, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->n && len < cap; i++)
        if (dist_is_random(&p->items[i]))
            len += (size_t)snprintf(buf + len, cap - len, "%s%d", len ? ", " : "", i + 1);
}

/* Why `name`, which names parameter p (with `[year]` when year > 0), is not a sampled input. */
static hn_status not_input(corr_ctx *c, const raw_key *k, const char *name, const hn_param *p,
                           int year)
{
    char years[64], shown[64];
    random_years(p, years, sizeof years);
    if (year == 0 && p->n > 1 && years[0])
        return pair_error(c, k,
                          "`%s` is a per-year list: name one of its distributions as "
                          "`%s[YEAR]` (years with a distribution: %s)",
                          name, p->name, years);
    if (year > 0 && p->n == 1)
        return pair_error(c, k, "`%s` is one value for every year: write `%s` without [%d]%s", name,
                          p->name, year,
                          dist_is_random(&p->items[0]) ? "" : " (and it is not a distribution)");
    if (year > p->n)
        return pair_error(c, k, "`%s`: the list has %d years, so YEAR runs from 1 to %d", name,
                          p->n, p->n);
    if (year == 0 && p->set && p->text)
        snprintf(shown, sizeof shown, "%s", p->text); /* the whole value as written */
    else if (p->set && p->text) /* the year's item as written (decisions R18) */
        value_item_text(p->text, year - 1, shown, sizeof shown);
    else
        dist_format(&p->items[year > 0 ? year - 1 : 0], shown, sizeof shown);
    return pair_error(c, k,
                      "`%s` is not a distribution (it is %s%s): only sampled inputs, written "
                      "as normal(...), pert(...) and so on, can be correlated",
                      name, p->set ? shown : "the default ", p->set ? "" : shown);
}

/* Index of the sampled input called name; on failure the error (with the reason) and -1. */
static int find_input(corr_ctx *c, const raw_key *k, raw_span sp)
{
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(sp.n < 255 ? sp.n : 255), sp.p);
    for (int i = 0; i < c->n_in; i++)
        if (strlen(c->in[i].name) == sp.n && !memcmp(c->in[i].name, sp.p, sp.n)) return i;
    /* A parameter that is not (or not so) a sampled input: say why. */
    const char *open = memchr(sp.p, '[', sp.n);
    size_t base = open ? (size_t)(open - sp.p) : sp.n;
    const hn_param *p = find_param(c->sc, sp.p, base);
    int year = 0;
    if (p && open) {
        char *end;
        long y = strtol(open + 1, &end, 10);
        if (end == sp.p + sp.n - 1 && *end == ']' && y >= 1 && y <= 1000)
            year = (int)y;
        else
            p = NULL;
    }
    if (p) {
        not_input(c, k, name, p, year);
        return -1;
    }
    if (c->n_in == 0) {
        pair_error(c, k,
                   "`%s` is not a sampled input: this scenario has no distributions, so there "
                   "is nothing to correlate",
                   name);
        return -1;
    }
    const char **cands = malloc((size_t)c->n_in * sizeof *cands);
    if (!cands) {
        hn_error_set(c->err, HN_ERR_NOMEM, "out of memory while loading the scenario");
        return -1;
    }
    for (int i = 0; i < c->n_in; i++) cands[i] = c->in[i].name;
    const char *near = suggest_best(name, cands, (size_t)c->n_in);
    char list[400];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; i < c->n_in && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", cands[i]);
    if (len >= sizeof list) snprintf(list + sizeof list - 4, 4, "...");
    if (near)
        pair_error(c, k, "`%s` is not a sampled input; did you mean `%s`? (sampled inputs: %s)",
                   name, near, list);
    else
        pair_error(c, k, "`%s` is not a sampled input (sampled inputs: %s)", name, list);
    free(cands);
    return -1;
}

/* Reads one pair; on failure the error. */
static hn_status read_pair(corr_ctx *c, const raw_key *k, pair *out)
{
    raw_span a, b;
    if (!raw_pair_split(k->key, &a, &b) || a.n == 0 || b.n == 0 || memchr(b.p, ',', b.n))
        return pair_error(c, k,
                          "a [correlation] key names two sampled inputs separated by a comma "
                          "(write `" PAIR_EXAMPLE "`)");
    out->k = k;
    if ((out->a = find_input(c, k, a)) < 0 || (out->b = find_input(c, k, b)) < 0)
        return c->err->status;
    if (out->a == out->b)
        return pair_error(c, k,
                          "`%s` is paired with itself: a correlation is between two different "
                          "sampled inputs",
                          c->in[out->a].name);
    hn_dist *items = NULL;
    int n = 0;
    char msg[200];
    hn_status st = value_parse(k->value, &items, &n, msg, sizeof msg);
    if (st == HN_ERR_NOMEM)
        return hn_error_set(c->err, st, "out of memory while loading the scenario");
    if (st != HN_OK)
        return pair_error(c, k,
                          "`%s` is not a number: a correlation is one number from -1 to 1, "
                          "e.g. 0.6",
                          k->value);
    bool one = n == 1 && !dist_is_random(&items[0]);
    out->rho = items[0].p[0];
    free(items);
    if (!one)
        return pair_error(c, k,
                          "`%s`: a correlation is one number from -1 to 1, not a list or a "
                          "distribution",
                          k->value);
    if (out->rho < -1 || out->rho > 1) /* quoted as written, never rounded (decisions R18) */
        return pair_error(c, k,
                          "%s is not a correlation: a rank correlation lies from -1 to 1 (e.g. "
                          "0.6; negative when one input is high as the other is low)",
                          k->value);
    return HN_OK;
}

/*
 * Checks that the pairs form a positive definite matrix, as rank
 * correlations (scores false) or as the normal scores' correlations
 * (scores true). Inputs are placed in order of first mention (pos).
 */
static hn_status check_matrix(corr_ctx *c, const pair *pairs, int n, const int *pos, int m,
                              bool scores)
{
    gsl_matrix *r = gsl_matrix_alloc((size_t)m, (size_t)m);
    if (!r) return hn_error_set(c->err, HN_ERR_NOMEM, "out of memory while loading the scenario");
    gsl_matrix_set_identity(r);
    for (int q = 0; q < n; q++) {
        double v = scores ? corr_score_pearson(pairs[q].rho) : pairs[q].rho;
        gsl_matrix_set(r, (size_t)pos[pairs[q].a], (size_t)pos[pairs[q].b], v);
        gsl_matrix_set(r, (size_t)pos[pairs[q].b], (size_t)pos[pairs[q].a], v);
    }
    int bad = corr_first_failure(r);
    gsl_matrix_free(r);
    if (bad < 0)
        return hn_error_set(c->err, HN_ERR_NOMEM, "out of memory while loading the scenario");
    if (bad == 0) return HN_OK;
    /* The last input of the failing block, its strongest pair within it, and the others. */
    int last = bad - 1, worst = -1;
    for (int q = 0; q < n; q++) {
        int pa = pos[pairs[q].a], pb = pos[pairs[q].b];
        if ((pa == last && pb < last) || (pb == last && pa < last))
            if (worst < 0 || fabs(pairs[q].rho) > fabs(pairs[worst].rho)) worst = q;
    }
    if (worst < 0) worst = 0; /* cannot happen: a block of unrelated inputs is the identity */
    const raw_key *wk = pairs[worst].k;
    if (fabs(pairs[worst].rho) == 1)
        return pair_error(c, wk,
                          "a correlation of %s would make one input a function of the other: "
                          "the correlation matrix must be positive definite (use a value from "
                          "-0.99 to 0.99)",
                          wk->value);
    char lines[200];
    size_t len = 0;
    lines[0] = '\0';
    for (int q = 0; q < n && len < sizeof lines; q++)
        if (q != worst && pos[pairs[q].a] < bad && pos[pairs[q].b] < bad)
            len += (size_t)snprintf(lines + len, sizeof lines - len, "%s%d", len ? ", " : "",
                                    pairs[q].k->line);
    return pair_error(c, wk,
                      "these correlations cannot all hold: with the pairs not given taken as 0, "
                      "the correlation matrix is not positive definite%s; this pair conflicts "
                      "with the pair%s on line%s %s (weaken one of them)",
                      scores ? " once turned into the normal-score correlations 2 sin(pi r / 6) "
                               "that the Iman-Conover method imposes"
                             : "",
                      strchr(lines, ',') ? "s" : "", strchr(lines, ',') ? "s" : "", lines);
}

/* Keeps the pairs whose value is not 0 in sc->correlations. */
static hn_status keep_pairs(corr_ctx *c, const pair *pairs, int n)
{
    hn_scenario *sc = c->sc;
    sc->correlations = calloc((size_t)n, sizeof *sc->correlations);
    if (!sc->correlations)
        return hn_error_set(c->err, HN_ERR_NOMEM, "out of memory while loading the scenario");
    for (int q = 0; q < n; q++) {
        if (pairs[q].rho == 0) continue;
        hn_correlation *h = &sc->correlations[sc->n_correlations++];
        h->param[0] = c->in[pairs[q].a].param;
        h->item[0] = c->in[pairs[q].a].item;
        h->param[1] = c->in[pairs[q].b].param;
        h->item[1] = c->in[pairs[q].b].item;
        h->rho = pairs[q].rho;
        h->line = pairs[q].k->line;
        h->file = strdup(pairs[q].k->file);
        if (!h->file)
            return hn_error_set(c->err, HN_ERR_NOMEM, "out of memory while loading the scenario");
    }
    return HN_OK;
}

hn_status scenario_correlations(hn_scenario *sc, const raw_section *s, hn_error *err)
{
    if (!s || s->n_keys == 0) return HN_OK;
    corr_ctx c = { sc, s, err, NULL, 0 };
    c.n_in = params_inputs(sc, &c.in);
    pair *pairs = calloc((size_t)s->n_keys, sizeof *pairs);
    int *pos = c.n_in > 0 ? malloc((size_t)c.n_in * sizeof *pos) : NULL;
    hn_status st = HN_OK;
    if (c.n_in < 0 || !pairs || (c.n_in > 0 && !pos)) {
        st = hn_error_set(err, HN_ERR_NOMEM, "out of memory while loading the scenario");
        goto done;
    }
    for (int q = 0; q < s->n_keys && st == HN_OK; q++) st = read_pair(&c, &s->keys[q], &pairs[q]);
    if (st != HN_OK) goto done;
    /* Matrix positions in order of first mention. */
    int m = 0;
    for (int i = 0; i < c.n_in; i++) pos[i] = -1;
    for (int q = 0; q < s->n_keys; q++) {
        if (pos[pairs[q].a] < 0) pos[pairs[q].a] = m++;
        if (pos[pairs[q].b] < 0) pos[pairs[q].b] = m++;
    }
    st = check_matrix(&c, pairs, s->n_keys, pos, m, false);
    if (st == HN_OK) st = check_matrix(&c, pairs, s->n_keys, pos, m, true);
    if (st == HN_OK) st = keep_pairs(&c, pairs, s->n_keys);
done:
    free(pos);
    free(pairs);
    free(c.in);
    return st;
}
