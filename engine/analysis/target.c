/*
 * target.c - parsing and testing `METRIC:YEAR[:STAT] OP VALUE` (target.h).
 *
 * The text is split at its operator; the left side at its colons. Names are
 * looked up in the layout's own tables (metric_name, stat_name), so a
 * target names exactly what the tidy CSV writes for the total entity.
 */
#include "analysis/target.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"

/* The syntax and examples, appended to every parse error. */
#define TARGET_SYNTAX                                                      \
    "write METRIC:YEAR[:STAT] OP VALUE, e.g. 'net_cost:all <= 20000000', " \
    "'net_cost:all:p90 <= 21000000', 'payback_year:3 >= 0.8', 'exclusions:5 <= 10'"

static const char *const op_texts[] = {
    [HN_OP_LE] = "<=", [HN_OP_LT] = "<", [HN_OP_GE] = ">=", [HN_OP_GT] = ">"
};

const char *target_op_text(hn_target_op op)
{
    return (int)op >= 0 && op <= HN_OP_GT ? op_texts[op] : "?";
}

/* Sets a parse error quoting text; returns HN_ERR_USAGE. */
static hn_status bad(hn_error *err, const char *text, const char *what)
{
    return hn_error_set(err, HN_ERR_USAGE, "--target '%s': %s; " TARGET_SYNTAX, text, what);
}

/* Copies s[0..n) without surrounding blanks into buf (cap bytes); false when it does not fit. */
static bool trimmed(const char *s, size_t n, char *buf, size_t cap)
{
    while (n > 0 && isspace((unsigned char)*s)) s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1])) n--;
    if (n >= cap) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

/* Writes the metrics that have a total into buf, ", "-separated. */
static void total_metrics(const hn_layout *lay, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int m = 0; m < HN_M__COUNT && len < cap; m++)
        if (lay->first[m][HN_ENT_TOTAL] >= 0)
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? ", " : "",
                                    metric_name((hn_metric)m));
}

/* Metrics of earlier versions, and what replaced them (a "did you mean" with the reason). */
static const struct {
    const char *old, *now;
} renamed[] = {
    { "payback_by_year",
      "`payback_year` (P(the payback year is YEAR or earlier): paid back by then and staying so) "
      "or `paid_back` (P(the cumulative payback is 0 or less at the end of YEAR), which can "
      "fall)" },
};

/* Parses METRIC into t->metric. */
static hn_status parse_metric(const char *text, const char *name, const hn_layout *lay,
                              hn_target *t, hn_error *err)
{
    char list[400], msg[800];
    total_metrics(lay, list, sizeof list);
    for (int m = 0; m < HN_M__COUNT; m++) {
        if (strcmp(name, metric_name((hn_metric)m))) continue;
        if (lay->first[m][HN_ENT_TOTAL] < 0) {
            snprintf(msg, sizeof msg,
                     "`%s` has no total (it is recorded per provision); a target names a "
                     "figure of the total: %s",
                     name, list);
            return bad(err, text, msg);
        }
        t->metric = (hn_metric)m;
        t->probability = metric_is_probability(t->metric);
        return HN_OK;
    }
    for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
        if (!strcmp(name, renamed[i].old)) {
            snprintf(msg, sizeof msg, "`%s` is no longer a metric; did you mean %s?", name,
                     renamed[i].now);
            return bad(err, text, msg);
        }
    const char *names[HN_M__COUNT];
    for (int m = 0; m < HN_M__COUNT; m++)
        names[m] = lay->first[m][HN_ENT_TOTAL] >= 0 ? metric_name((hn_metric)m) : NULL;
    const char *near = suggest_best(name, names, HN_M__COUNT);
    if (near)
        snprintf(msg, sizeof msg,
                 "`%s` is not a metric; did you mean `%s`? (metrics with a total: %s)", name, near,
                 list);
    else
        snprintf(msg, sizeof msg, "`%s` is not a metric (metrics with a total: %s)", name, list);
    return bad(err, text, msg);
}

/* Parses YEAR (1..years or all) into t->year. */
static hn_status parse_year(const char *text, const char *year, const hn_layout *lay, hn_target *t,
                            hn_error *err)
{
    char msg[200];
    if (!strcmp(year, "all")) {
        t->year = lay->years;
        return HN_OK;
    }
    char *end = NULL;
    errno = 0;
    long y = isdigit((unsigned char)year[0]) ? strtol(year, &end, 10) : 0;
    if (!end || *end || errno || y < 1 || y > lay->years) {
        snprintf(msg, sizeof msg, "year `%s` is not 1 to %d (the scenario's years) or `all`", year,
                 lay->years);
        return bad(err, text, msg);
    }
    t->year = (int)y - 1;
    return HN_OK;
}

/* Parses STAT (or its default) into t->stat. */
static hn_status parse_stat(const char *text, const char *stat, hn_target *t, hn_error *err)
{
    char msg[300];
    if (t->probability) {
        t->stat = HN_STAT_MEAN;
        if (stat && strcmp(stat, "p")) {
            snprintf(msg, sizeof msg,
                     "`%s` is a probability: its only statistic is `p` (the "
                     "default), not `%s`",
                     metric_name(t->metric), stat);
            return bad(err, text, msg);
        }
        return HN_OK;
    }
    if (!stat) {
        t->stat = HN_STAT_MEAN;
        return HN_OK;
    }
    for (int k = 0; k < HN_STAT__COUNT; k++) {
        if (!strcmp(stat, stat_name((hn_stat)k))) {
            t->stat = (hn_stat)k;
            return HN_OK;
        }
    }
    snprintf(msg, sizeof msg,
             "`%s` is not a statistic (mean, se, sd, min, p5, p10, p25, p50, p75, p90, p95, "
             "max; `p` only for a probability)",
             stat);
    return bad(err, text, msg);
}

/* Parses VALUE: a plain finite number, no thousands separators. */
static hn_status parse_value(const char *text, const char *value, hn_target *t, hn_error *err)
{
    char msg[200];
    if (!*value) return bad(err, text, "VALUE is missing after the operator");
    if (strchr(value, ',')) {
        snprintf(msg, sizeof msg, "`%s`: write the number without thousands separators", value);
        return bad(err, text, msg);
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(value, &end);
    if (end == value || *end || errno == ERANGE || !isfinite(v)) {
        snprintf(msg, sizeof msg, "`%s` is not a number", value);
        return bad(err, text, msg);
    }
    t->value = v;
    return HN_OK;
}

hn_status target_parse(const char *text, const hn_layout *lay, hn_target *t, hn_error *err)
{
    memset(t, 0, sizeof *t);
    const char *op = strpbrk(text, "<>=");
    if (!op) return bad(err, text, "no comparison: use <=, <, >= or >");
    if (*op == '=')
        return bad(err, text,
                   "`=` is not a comparison here: use <=, <, >= or > (the "
                   "search finds where the figure crosses VALUE)");
    bool less = *op == '<';
    size_t op_len = op[1] == '=' ? 2 : 1;
    t->op = less ? (op_len == 2 ? HN_OP_LE : HN_OP_LT) : (op_len == 2 ? HN_OP_GE : HN_OP_GT);
    if (strpbrk(op + op_len, "<>=")) return bad(err, text, "one comparison only (<=, <, >= or >)");

    char left[160], value[64];
    if (!trimmed(text, (size_t)(op - text), left, sizeof left) ||
        !trimmed(op + op_len, strlen(op + op_len), value, sizeof value))
        return bad(err, text, "too long");
    char *parts[4] = { left, NULL, NULL, NULL };
    int n = 1;
    for (char *c = left; *c; c++) {
        if (*c != ':') continue;
        if (n == 4) break;
        *c = '\0';
        parts[n++] = c + 1;
    }
    if (n < 2 || n > 3 || !*parts[0] || !*parts[1] || (n == 3 && !*parts[2]))
        return bad(err, text, "the figure must be METRIC:YEAR or METRIC:YEAR:STAT");
    hn_status st;
    if ((st = parse_metric(text, parts[0], lay, t, err)) != HN_OK ||
        (st = parse_year(text, parts[1], lay, t, err)) != HN_OK ||
        (st = parse_stat(text, n == 3 ? parts[2] : NULL, t, err)) != HN_OK ||
        (st = parse_value(text, value, t, err)) != HN_OK)
        return st;
    char year[16];
    if (t->year == lay->years)
        snprintf(year, sizeof year, "all");
    else
        snprintf(year, sizeof year, "%d", t->year + 1);
    snprintf(t->figure, sizeof t->figure, "%s:%s:%s", metric_name(t->metric), year,
             t->probability ? "p" : stat_name(t->stat));
    t->col = layout_col(lay, t->metric, HN_ENT_TOTAL, 0, t->year); /* parse_metric checked it */
    return HN_OK;
}

double target_figure(const hn_target *t, const hn_stats *st)
{
    if (t->col < 0 || st->n_valid[t->col] <= 0) return NAN;
    return stats_get(st, t->col, t->stat);
}

bool target_holds(const hn_target *t, double v)
{
    switch (t->op) {
    case HN_OP_LE: return v <= t->value;
    case HN_OP_LT: return v < t->value;
    case HN_OP_GE: return v >= t->value;
    case HN_OP_GT: return v > t->value;
    }
    return false;
}
