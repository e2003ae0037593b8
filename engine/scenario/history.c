/*
 * history.c - reading and checking a history file (history.h).
 *
 * The file is read by the scenario reader's file layer (ini_reader.h): a
 * regular text file of at most 2 MiB, valid UTF-8, no NUL bytes, a UTF-8
 * byte order mark skipped (Excel's "CSV UTF-8" writes one), its lines
 * counted exactly and comments removed, so a line starting with `#` (or
 * `;`) can cite where a figure comes from (docs/decisions.md H2). Then each
 * line is one CSV row of four fields; a field may be wrapped in double
 * quotes (as some spreadsheets write them) and blanks around it are
 * ignored. Names and values are checked against the scenario; every error
 * names the file and the line. Duplicates are found by sorting, so a
 * hostile file of 100,000 rows is checked in milliseconds.
 */
#include "scenario/history.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "scenario/ini_reader.h"

/* Metric names and the entity kinds each takes (MODEL.md section 9). */
static const struct {
    const char *name;
    bool money;
    bool kinds[HN_OBS_ENTITY__COUNT]; /* total, segment, provision, cost */
    const char *entities;             /* what would be valid, for messages */
} obs_table[HN_OBS__COUNT] = {
    [HN_OBS_EXCLUSIONS] = { "exclusions",
                            false,
                            { true, true, false, false },
                            "`total` or a segment ([demand.NAME])" },
    [HN_OBS_REFERRALS] = { "referrals",
                           false,
                           { true, true, false, false },
                           "`total` or a segment ([demand.NAME])" },
    [HN_OBS_EHCNA] = { "ehcna",
                       false,
                       { true, true, false, false },
                       "`total` or a segment ([demand.NAME])" },
    [HN_OBS_WAITING] = { "waiting",
                         false,
                         { true, true, false, false },
                         "`total` or a segment ([demand.NAME])" },
    [HN_OBS_SUPPORTED] = { "supported",
                           false,
                           { true, false, true, false },
                           "`total` or a provision ([provision.NAME])" },
    [HN_OBS_STARTS] = { "starts",
                        false,
                        { false, false, true, false },
                        "a provision ([provision.NAME])" },
    [HN_OBS_OCCUPANCY] = { "occupancy",
                           false,
                           { false, false, true, false },
                           "a provision ([provision.NAME])" },
    [HN_OBS_NET_COST] = { "net_cost",
                          true,
                          { true, false, true, true },
                          "`total`, a provision ([provision.NAME]) or `cost.NAME`" },
};

/* The header every history file starts with. */
#define HISTORY_HEADER "year,metric,entity,value"

const char *history_metric_name(hn_obs_metric m)
{
    return (int)m >= 0 && m < HN_OBS__COUNT ? obs_table[m].name : "unknown";
}

bool history_metric_is_money(hn_obs_metric m)
{
    return (int)m >= 0 && m < HN_OBS__COUNT && obs_table[m].money;
}

void history_free(hn_history *h)
{
    if (!h) return;
    free(h->path);
    free(h->obs);
    free(h);
}

/* Error at line of path: "PATH:LINE: <fmt>" (HN_ERR_SCENARIO). */
static hn_status __attribute__((format(printf, 4, 5)))
row_error(hn_error *err, const char *path, int line, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hn_utf8_fit(msg, sizeof msg);
    return hn_error_at(err, path, line, NULL, NULL, "%s", msg);
}

/*
 * Splits line into at most 8 fields at commas, trimming blanks and one pair
 * of surrounding double quotes, in place. Returns the number of fields.
 */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        while (*p == ' ' || *p == '\t') p++;
        char *end = p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t')) *--end = '\0';
        if (end - p >= 2 && *p == '"' && end[-1] == '"') {
            end[-1] = '\0';
            p++;
        }
        if (n < max) fields[n] = p;
        n++;
        if (!comma) break;
        p = comma + 1;
    }
    return n;
}

/* Quotes at most 60 bytes of user text for a message (whole characters only). */
#define QUOTE(s) hn_utf8_prefix((s), 60), (s)

/* Parses `2016` or `2016/17` into *first (the calendar year the academic year starts in). */
static bool parse_year(const char *s, int *first)
{
    if (strlen(s) != 4 && strlen(s) != 7) return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    int y = atoi(s);
    if (s[4] == '\0') {
        *first = y;
        return true;
    }
    if (s[4] != '/' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6])) return false;
    if (atoi(s + 5) != (y + 1) % 100) return false;
    *first = y;
    return true;
}

/* Parses a plain decimal number (digits, '.', exponent; no sign but '+', no hex); false otherwise. */
static bool parse_value(const char *s, double *out)
{
    if (!*s) return false;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr(".eE+-", *p)) return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE) return false;
    *out = v;
    return true;
}

/* Academic-year label "2016/17" of calendar year y into buf (8 bytes or more). */
static void year_label(int y, char *buf, size_t cap)
{
    snprintf(buf, cap, "%d/%02d", y, (y + 1) % 100);
}

/* The index of name among n names got by name_at, or -1. */
static int find_name(const char *name, int n, const char *(*name_at)(const hn_scenario *, int),
                     const hn_scenario *sc)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(name, name_at(sc, i))) return i;
    return -1;
}

static const char *segment_at(const hn_scenario *sc, int i)
{
    return sc->segments[i].name;
}
static const char *provision_at(const hn_scenario *sc, int i)
{
    return sc->provisions[i].name;
}
static const char *cost_at(const hn_scenario *sc, int i)
{
    return sc->costs[i].name;
}

/*
 * The closest valid entity of metric m to name, for "did you mean", into
 * buf ("" when none is close). Candidates: "total", segments, provisions
 * and "cost.NAME" as the metric takes them.
 */
static void near_entity(const hn_scenario *sc, hn_obs_metric m, const char *name, char *buf,
                        size_t cap)
{
    buf[0] = '\0';
    int n = 1 + sc->n_segments + sc->n_provisions + sc->n_costs;
    const char **cands = calloc((size_t)n, sizeof *cands);
    char(*costs)[48] = calloc((size_t)(sc->n_costs + 1), sizeof *costs);
    if (!cands || !costs) {
        free(cands);
        free(costs);
        return;
    }
    int k = 0;
    if (obs_table[m].kinds[HN_OBS_TOTAL]) cands[k++] = "total";
    for (int i = 0; obs_table[m].kinds[HN_OBS_SEGMENT] && i < sc->n_segments; i++)
        cands[k++] = sc->segments[i].name;
    for (int i = 0; obs_table[m].kinds[HN_OBS_PROVISION] && i < sc->n_provisions; i++)
        cands[k++] = sc->provisions[i].name;
    for (int i = 0; obs_table[m].kinds[HN_OBS_COST] && i < sc->n_costs; i++) {
        snprintf(costs[i], sizeof costs[i], "cost.%s", sc->costs[i].name);
        cands[k++] = costs[i];
    }
    const char *near = suggest_best(name, cands, (size_t)k);
    if (near) snprintf(buf, cap, "; did you mean `%s`?", near);
    free(cands);
    free(costs);
}

/* Resolves the entity of metric m into o->kind and o->index; an error naming line when unknown. */
static hn_status parse_entity(const hn_scenario *sc, const char *path, int line, hn_obs_metric m,
                              const char *name, hn_observation *o, hn_error *err)
{
    const bool *kinds = obs_table[m].kinds;
    o->index = 0;
    if (kinds[HN_OBS_TOTAL] && !strcmp(name, "total")) {
        o->kind = HN_OBS_TOTAL;
        return HN_OK;
    }
    int i;
    if (kinds[HN_OBS_SEGMENT] && (i = find_name(name, sc->n_segments, segment_at, sc)) >= 0) {
        o->kind = HN_OBS_SEGMENT;
        o->index = i;
        return HN_OK;
    }
    if (kinds[HN_OBS_PROVISION] && (i = find_name(name, sc->n_provisions, provision_at, sc)) >= 0) {
        o->kind = HN_OBS_PROVISION;
        o->index = i;
        return HN_OK;
    }
    if (kinds[HN_OBS_COST] && !strncmp(name, "cost.", 5) &&
        (i = find_name(name + 5, sc->n_costs, cost_at, sc)) >= 0) {
        o->kind = HN_OBS_COST;
        o->index = i;
        return HN_OK;
    }
    char near[120];
    near_entity(sc, m, name, near, sizeof near);
    return row_error(err, path, line,
                     "entity `%.*s` is not one that `%s` is recorded for in this scenario%s "
                     "(valid: %s)",
                     QUOTE(name), obs_table[m].name, near, obs_table[m].entities);
}

/* Resolves a metric name; an error naming line (with the observable metrics) when unknown. */
static hn_status parse_metric(const char *path, int line, const char *name, hn_obs_metric *m,
                              hn_error *err)
{
    const char *names[HN_OBS__COUNT];
    for (int i = 0; i < HN_OBS__COUNT; i++) {
        names[i] = obs_table[i].name;
        if (!strcmp(name, names[i])) {
            *m = (hn_obs_metric)i;
            return HN_OK;
        }
    }
    const char *near = suggest_best(name, names, HN_OBS__COUNT);
    char hint[80] = "";
    if (near) snprintf(hint, sizeof hint, "did you mean `%s`? ", near);
    return row_error(err, path, line,
                     "metric `%.*s` cannot be observed: %sa history holds the yearly counts "
                     "exclusions, referrals, ehcna, waiting, supported, starts, occupancy, or "
                     "net_cost (money)",
                     QUOTE(name), hint);
}

/* Checks the header line (already split); an error naming line when it is not the header. */
static hn_status check_header(const char *path, int line, const char *raw, char **f, int n,
                              hn_error *err)
{
    static const char *const want[4] = { "year", "metric", "entity", "value" };
    bool ok = n == 4;
    for (int i = 0; ok && i < 4; i++) ok = !strcasecmp(f[i], want[i]);
    if (ok) return HN_OK;
    if (n == 1 && strchr(raw, ';'))
        return row_error(err, path, line,
                         "the fields are separated by `;`: a history file is comma-separated "
                         "with the header `" HISTORY_HEADER "` (save it as \"CSV UTF-8 (comma "
                         "delimited)\")");
    if (n >= 1 && isdigit((unsigned char)f[0][0]))
        return row_error(err, path, line,
                         "missing header: the first line must be `" HISTORY_HEADER "`");
    return row_error(err, path, line,
                     "the first line must be the header `" HISTORY_HEADER "`, got `%.*s`",
                     QUOTE(raw));
}

/* Checks the four fields of a data row against sc into *o; an error naming line. */
static hn_status parse_row(const hn_scenario *sc, const char *path, int line, const char *raw,
                           char **f, int n, hn_observation *o, hn_error *err)
{
    if (n != 4) {
        if (n == 1 && strchr(raw, ';'))
            return row_error(err, path, line,
                             "the fields are separated by `;`: write `year,metric,entity,value` "
                             "with commas");
        if (n > 4)
            return row_error(err, path, line,
                             "%d fields, expected 4 (year,metric,entity,value): a value must "
                             "not have thousands separators (write 4258000, not 4,258,000)",
                             n);
        return row_error(err, path, line, "%d field%s, expected 4: year,metric,entity,value", n,
                         n == 1 ? "" : "s");
    }
    hn_status st = parse_metric(path, line, f[1], &o->metric, err);
    if (st != HN_OK) return st;
    int y;
    if (!parse_year(f[0], &y))
        return row_error(err, path, line,
                         "year `%.*s`: write the academic year's first calendar year, such as "
                         "2016, or the academic year, 2016/17",
                         QUOTE(f[0]));
    if (y < sc->start_year || y >= sc->start_year + sc->years) {
        char a[16], b[16], got[16];
        year_label(y, got, sizeof got);
        year_label(sc->start_year, a, sizeof a);
        year_label(sc->start_year + sc->years - 1, b, sizeof b);
        return row_error(err, path, line,
                         "year %s is outside the scenario's years, %s to %s (start_year %d, "
                         "years %d): start the scenario earlier or make it longer (years may "
                         "be up to %d)",
                         got, a, b, sc->start_year, sc->years, HN_MAX_YEARS);
    }
    o->year = y - sc->start_year;
    st = parse_entity(sc, path, line, o->metric, f[2], o, err);
    if (st != HN_OK) return st;
    double v;
    if (!parse_value(f[3], &v) || !isfinite(v) || v < 0)
        return row_error(err, path, line,
                         "value `%.*s` of %s: need a plain number >= 0, such as 17 or 4258000 "
                         "(no thousands separators, %% signs or currency symbols)",
                         QUOTE(f[3]), obs_table[o->metric].name);
    o->value = v;
    o->line = line;
    return HN_OK;
}

/* Orders observations by (year, metric, kind, index), then line (qsort). */
static int by_figure(const void *a, const void *b)
{
    const hn_observation *x = a, *y = b;
    int d[5] = { x->year - y->year, (int)x->metric - (int)y->metric, (int)x->kind - (int)y->kind,
                 x->index - y->index, x->line - y->line };
    for (int i = 0; i < 5; i++)
        if (d[i]) return d[i] < 0 ? -1 : 1;
    return 0;
}

/* Finds a duplicate (the one whose later line comes first); an error naming both lines. */
static hn_status check_duplicates(const hn_history *h, const hn_scenario *sc, hn_error *err)
{
    hn_observation *s = malloc((size_t)h->n * sizeof *s);
    if (!s) return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", h->path);
    memcpy(s, h->obs, (size_t)h->n * sizeof *s);
    qsort(s, (size_t)h->n, sizeof *s, by_figure);
    int best = -1;
    for (int i = 1; i < h->n; i++) {
        if (s[i].year != s[i - 1].year || s[i].metric != s[i - 1].metric ||
            s[i].kind != s[i - 1].kind || s[i].index != s[i - 1].index)
            continue;
        if (best < 0 || s[i].line < s[best].line) best = i;
    }
    hn_status st = HN_OK;
    if (best >= 0) {
        char y[16];
        year_label(sc->start_year + s[best].year, y, sizeof y);
        st = row_error(err, h->path, s[best].line,
                       "duplicate row: %s of this entity in %s is already given on line %d (one "
                       "row per year, metric and entity)",
                       obs_table[s[best].metric].name, y, s[best - 1].line);
    }
    free(s);
    return st;
}

/* Rewrites the file reader's wording about "a scenario" for a history file, in place. */
static void history_wording(hn_error *err)
{
    static const char *const from_to[][2] = {
        { ", not a scenario: a scenario is a plain-text .ini file saved as UTF-8",
          ", not a history file: save it as \"CSV UTF-8 (comma delimited)\"" },
        { "cannot open the scenario:", "cannot be opened:" },
        { "not a scenario file", "not a history file" },
        { "a scenario is a text file", "a history file is text" },
        { "a scenario file is at most", "a history file is at most" },
        { "save the scenario as", "save the history as" },
    };
    for (size_t i = 0; i < sizeof from_to / sizeof from_to[0]; i++) {
        char *at = strstr(err->message, from_to[i][0]);
        if (!at) continue;
        char rest[sizeof err->message];
        snprintf(rest, sizeof rest, "%s", at + strlen(from_to[i][0]));
        snprintf(at, sizeof err->message - (size_t)(at - err->message), "%s%s", from_to[i][1],
                 rest);
    }
}

/* Reads every row of f into h; the header first. */
static hn_status read_rows(const ini_file *f, const hn_scenario *sc, hn_history *h, hn_error *err)
{
    h->obs = calloc((size_t)(f->n_lines > 0 ? f->n_lines : 1), sizeof *h->obs);
    if (!h->obs) return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", f->path);
    bool header = false;
    for (int i = 0; i < f->n_lines; i++) {
        const char *raw = f->lines[i];
        while (*raw == ' ' || *raw == '\t') raw++;
        if (!*raw) continue; /* blank, or a comment */
        char *copy = strdup(raw);
        if (!copy) return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", f->path);
        char *fields[8];
        int n = split_fields(copy, fields, 8);
        hn_status st = header ? parse_row(sc, f->path, i + 1, raw, fields, n, &h->obs[h->n], err)
                              : check_header(f->path, i + 1, raw, fields, n, err);
        free(copy);
        if (st != HN_OK) return st;
        if (header) h->n++;
        header = true;
    }
    if (!header)
        return row_error(err, f->path, 0,
                         "is empty: a history file starts with the header `" HISTORY_HEADER
                         "` and has one row per observed figure");
    if (h->n == 0)
        return row_error(err, f->path, f->n_lines,
                         "has a header but no rows: add one row per observed figure, such as "
                         "`2016,exclusions,total,84`");
    return HN_OK;
}

hn_status history_load(const char *path, const hn_scenario *sc, hn_history **out, hn_error *err)
{
    *out = NULL;
    ini_file f;
    hn_status st = ini_file_read(path, &f, err);
    if (st != HN_OK) {
        history_wording(err);
        return st;
    }
    hn_history *h = calloc(1, sizeof *h);
    if (!h) {
        ini_file_free(&f);
        return hn_error_set(err, HN_ERR_NOMEM, "%s: out of memory", path);
    }
    h->path = strdup(path);
    memcpy(h->sha256, f.sha256, sizeof h->sha256);
    st = h->path ? read_rows(&f, sc, h, err) : hn_error_set(err, HN_ERR_NOMEM, "out of memory");
    ini_file_free(&f);
    if (st == HN_OK) st = check_duplicates(h, sc, err);
    if (st != HN_OK) {
        history_free(h);
        return st;
    }
    h->first_year = h->last_year = h->obs[0].year;
    for (int i = 1; i < h->n; i++) {
        if (h->obs[i].year < h->first_year) h->first_year = h->obs[i].year;
        if (h->obs[i].year > h->last_year) h->last_year = h->obs[i].year;
    }
    *out = h;
    return HN_OK;
}
