/*
 * report.c - the description of a run that every writer reads (report.h):
 * built here once from the engine's structures and the command line's
 * origin, with what the writers would otherwise each work out (the
 * baseline's mean, the correlations imposed, the convergence curve, the
 * sensitivity ranking); and what the writers and the command line share
 * to read it: the title, a figure's statistic, counts with thousands
 * separators ("10,000 iterations", as a finance officer reads them) and the
 * output format of a path.
 */
#include "report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

hn_status report_run_init(hn_run_report *r, const hn_report_origin *origin, const hn_scenario *sc,
                          const hn_results *res, const hn_stats *st, const hn_sensitivity *sens,
                          hn_error *err)
{
    *r = (hn_run_report){ .origin = origin,
                          .sc = sc,
                          .res = res,
                          .st = st,
                          .sens = sens,
                          .lay = st->layout,
                          .baseline_cost = dist_mean(&sc->baseline_cost.items[0]),
                          .n_correlations = res->deterministic ? 0 : sc->n_correlations };
    if (!res->deterministic) {
        r->n_curve = convergence_curve(res, REPORT_CURVE_POINTS, &r->curve);
        if (r->n_curve < 0) {
            r->n_curve = 0;
            return hn_error_set(err, HN_ERR_NOMEM, "out of memory describing the run");
        }
    }
    for (int o = 0; sens && sens->n_inputs > 0 && o < HN_SENS__COUNT; o++) {
        r->sens_order[o] = malloc((size_t)sens->n_inputs * sizeof *r->sens_order[o]);
        if (!r->sens_order[o]) {
            report_run_free(r);
            return hn_error_set(err, HN_ERR_NOMEM, "out of memory describing the run");
        }
        sensitivity_rank(sens, (hn_sens_output)o, r->sens_order[o]);
    }
    return HN_OK;
}

void report_scenario_init(hn_run_report *r, const hn_report_origin *origin, const hn_scenario *sc,
                          const hn_layout *lay)
{
    *r = (hn_run_report){ .origin = origin, .sc = sc, .lay = lay };
}

void report_run_free(hn_run_report *r)
{
    free(r->solved_title);
    free(r->solved_note);
    r->solved_title = r->solved_note = NULL;
    free(r->curve);
    r->curve = NULL;
    r->n_curve = 0;
    for (int o = 0; o < HN_SENS__COUNT; o++) {
        free(r->sens_order[o]);
        r->sens_order[o] = NULL;
    }
}

const char *report_scenario_title(const hn_run_report *r)
{
    return r->sc->title && *r->sc->title ? r->sc->title : report_name(r);
}

/* A new string of fmt's output (caller frees); NULL when out of memory. */
static char *new_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *new_text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *t = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!t) return NULL;
    va_start(ap, fmt);
    vsnprintf(t, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return t;
}

hn_status report_run_solved(hn_run_report *r, const hn_report_solve *solve, hn_error *err)
{
    char *note = new_text("at %.6g x %s, solved for %s", solve->scale, solve->key, solve->target);
    char *title = note ? new_text("%s %s", report_scenario_title(r), note) : NULL;
    if (!title) {
        free(note);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory describing the run");
    }
    free(r->solved_note);
    free(r->solved_title);
    r->solved_note = note;
    r->solved_title = title;
    r->solve = *solve;
    return HN_OK;
}

const char *report_title(const hn_run_report *r)
{
    return r->solved_title ? r->solved_title : report_scenario_title(r);
}

const char *report_solved_note(const hn_run_report *r)
{
    return r->solved_note;
}

const char *report_name(const hn_run_report *r)
{
    return r->sc->name ? r->sc->name : "";
}

double report_stat(const hn_run_report *r, hn_metric m, hn_entity_kind k, int index, int y,
                   hn_stat st)
{
    int col = layout_col(r->lay, m, k, index, y);
    if (col < 0 || r->st->n_valid[col] <= 0) return NAN;
    return stats_get(r->st, col, st);
}

void report_thousands(long n, char *buf, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? -n : n);
    size_t o = 0;
    if (n < 0 && o + 1 < cap) buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 1 < cap) buf[o++] = ',';
        if (o + 1 < cap) buf[o++] = digits[i];
    }
    if (cap > 0) buf[o < cap ? o : cap - 1] = '\0';
}

bool report_format_of(const char *path, hn_report_format *fmt)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return false;
    if (!strcasecmp(dot, ".xlsx"))
        *fmt = REPORT_XLSX;
    else if (!strcasecmp(dot, ".csv"))
        *fmt = REPORT_CSV;
    else
        return false;
    return true;
}

hn_status report_output_format(const char *path, hn_report_format *fmt, hn_error *err)
{
    if (report_format_of(path, fmt)) return HN_OK;
    return hn_error_set(err, HN_ERR_USAGE, "-o '%s': the output must end in .xlsx or .csv", path);
}

hn_status report_write(const hn_run_report *r, hn_error *err)
{
    hn_report_format fmt;
    hn_status s = report_output_format(r->origin->out_path, &fmt, err);
    if (s != HN_OK) return s;
    return fmt == REPORT_CSV ? report_write_csv(r, err) : report_write_xlsx(r, err);
}
