/*
 * csv_writer.c - the tidy CSV of MODEL.md section 7.
 *
 * One row per (figure, year, statistic), in layout order: figures as the
 * layout lists them, years 1..Y then `all`, statistics mean, se, sd, min,
 * p5 ... p95, max; a probability figure has the one statistic `p`. Values
 * are pounds (never thousands) printed with %.17g in the C locale. A column
 * with no valid value (cost per pupil when no pupil was supported) has no
 * rows, and no other non-finite value is ever written, so the file never
 * holds "nan". Fields are quoted (RFC 4180) only if they need it, which
 * validated names never do. The file is written through atomic.h by
 * csv_write, which the comparison CSV (compare_csv.c) shares with the row
 * writers (csv_internal.h).
 *
 * When the run was analysed for sensitivity (report->sens), rows of
 * metric `sensitivity_net_cost`, `sensitivity_exclusions` and
 * `sensitivity_supported` follow (MODEL.md section 7: the output, the
 * total over all years, is in the metric's name): entity = the input's
 * name, year `all`, stat `spearman`, `swing_p10` or `swing_p90`; outputs
 * in that order, inputs in scenario order, undefined values left out
 * (docs/decisions.md). The year column of every row holds 1..Y or `all`.
 *
 * With a history beside the run (report->observed), rows of metric
 * `observed_METRIC` follow, one per observation (csv_history.c).
 *
 * A run's CSV ends with the run's own rows (year `all`): metric `run`
 * with stat `value` for the iterations used, the sampling method
 * (entity sampling_lhs: 1 for a Latin hypercube, 0 for plain Monte
 * Carlo), the correlated pairs and, with a target standard error, the
 * target (% of the mean), the maximum and whether it was reached; then
 * metric `convergence`, one entity per block (block1, block2, ...) with
 * stats `iterations` (up to the block's end), `mean` and `se` of the
 * net cost over all years there (Monte Carlo runs only).
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "csv_internal.h"

/* Writes one CSV field, quoted when it holds a comma, quote or line break; <0 on error. */
static int put_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) return fputs(s, f);
    if (fputc('"', f) == EOF) return -1;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', f) == EOF) return -1;
        if (fputc(*s, f) == EOF) return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

/* Writes one row; <0 on error. */
int csv_put_row(FILE *f, const char *scenario, const char *metric, const char *entity,
                const char *year, const char *stat, double value)
{
    if (!isfinite(value)) return 0; /* a figure without a valid value has no row */
    if (put_field(f, scenario) < 0 || fputc(',', f) == EOF || put_field(f, metric) < 0 ||
        fputc(',', f) == EOF || put_field(f, entity) < 0 || fputc(',', f) == EOF ||
        fputs(year, f) < 0 || fputc(',', f) == EOF || fputs(stat, f) < 0)
        return -1;
    return fprintf(f, ",%.17g\n", value) < 0 ? -1 : 0;
}

/* Writes the sensitivity rows of s; <0 on a write error. */
static int put_sensitivity(FILE *f, const char *scenario, const hn_sensitivity *s)
{
    for (int o = 0; o < HN_SENS__COUNT; o++) {
        char metric[48];
        snprintf(metric, sizeof metric, "sensitivity_%s",
                 sensitivity_output_metric((hn_sens_output)o));
        for (int k = 0; k < s->n_inputs; k++) {
            const hn_sens_input *in = &s->inputs[k];
            const struct {
                const char *stat;
                double v;
            } rows[] = { { "spearman", in->spearman[o] },
                         { "swing_p10", in->swing_p10[o] },
                         { "swing_p90", in->swing_p90[o] } };
            for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
                if (isfinite(rows[r].v) && csv_put_row(f, scenario, metric, in->input.name, "all",
                                                       rows[r].stat, rows[r].v) < 0)
                    return -1;
        }
    }
    return 0;
}

void csv_year(const hn_layout *lay, int y, char *buf, size_t cap)
{
    if (y == lay->years)
        snprintf(buf, cap, "all");
    else
        snprintf(buf, cap, "%d", y + 1);
}

/* Writes every figure row of one run (no header) to f; <0 on a write error. */
int csv_put_figures(FILE *f, const hn_run_report *r)
{
    const hn_stats *st = r->st;
    const hn_layout *lay = r->lay;
    const char *scenario = report_name(r);
    for (int fi = 0; fi < lay->n_figures; fi++) {
        const hn_figure *fg = &lay->figures[fi];
        const char *metric = metric_name(fg->metric);
        bool prob = metric_is_probability(fg->metric);
        char entity[160];
        layout_entity_name(lay, fg->kind, fg->index, entity, sizeof entity);
        for (int y = 0; y <= lay->years; y++) {
            int col = fi * (lay->years + 1) + y;
            if (st->n_valid[col] <= 0) continue;
            char year[16];
            csv_year(lay, y, year, sizeof year);
            if (prob) {
                double v = stats_get(st, col, HN_STAT_MEAN);
                if (isfinite(v) && csv_put_row(f, scenario, metric, entity, year, "p", v) < 0)
                    return -1;
                continue;
            }
            for (int k = 0; k < HN_STAT__COUNT; k++) {
                double v = stats_get(st, col, (hn_stat)k);
                if (!isfinite(v)) continue;
                if (csv_put_row(f, scenario, metric, entity, year, stat_name((hn_stat)k), v) < 0)
                    return -1;
            }
        }
    }
    if (r->sens && put_sensitivity(f, scenario, r->sens) < 0) return -1;
    return 0;
}

/* Writes the run's rows (sampling, target, convergence); <0 on a write error. */
static int put_run_rows(FILE *f, const hn_run_report *r)
{
    const char *scenario = report_name(r);
    const hn_results *res = r->res;
    const struct {
        const char *entity;
        double v;
        bool with_target; /* only when the run had a target */
    } rows[] = {
        { "iterations", (double)res->n_iter, false },
        { "sampling_lhs", res->sampling == HN_SAMPLING_LHS ? 1 : 0, false },
        { "correlations", r->n_correlations, false },
        { "target_se_pct", res->target_se_pct, true },
        { "max_iterations", (double)res->max_iterations, true },
        { "converged", res->converged ? 1 : 0, true },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if ((!rows[i].with_target || res->target_se_pct > 0) &&
            csv_put_row(f, scenario, "run", rows[i].entity, "all", "value", rows[i].v) < 0)
            return -1;
    for (int b = 0; b < res->n_blocks && !res->deterministic; b++) {
        char entity[32];
        snprintf(entity, sizeof entity, "block%d", b + 1);
        const hn_block *k = &res->blocks[b];
        if (csv_put_row(f, scenario, "convergence", entity, "all", "iterations", (double)k->total) <
                0 ||
            csv_put_row(f, scenario, "convergence", entity, "all", "mean", k->mean) < 0 ||
            (isfinite(k->se) &&
             csv_put_row(f, scenario, "convergence", entity, "all", "se", k->se) < 0))
            return -1;
    }
    return 0;
}

int csv_put_run(FILE *f, const hn_run_report *r)
{
    if (csv_put_figures(f, r) < 0) return -1;
    if (r->observed && csv_put_observed(f, report_name(r), r->lay, r->observed) < 0) return -1;
    return put_run_rows(f, r);
}

/* The body of a run's CSV (user: the hn_run_report): the header, then csv_put_run. */
static int put_run(FILE *f, const void *user)
{
    const hn_run_report *r = user;
    if (fputs(CSV_HEADER, f) < 0) return -1;
    return csv_put_run(f, r);
}

/*
 * Writes the tidy CSV to the report's output path through a temporary file
 * renamed into place. HN_ERR_IO ("cannot write PATH: reason") on any failed
 * write, flush or close; the temporary file is then removed and the path
 * left untouched.
 */
hn_status report_write_csv(const hn_run_report *r, hn_error *err)
{
    return csv_write(r->origin->out_path, put_run, r, err);
}

hn_status csv_stream_begin(csv_stream *cs, const char *path, hn_error *err)
{
    cs->f = NULL;
    cs->path = path;
    hn_status s = atomic_begin(&cs->a, path, err);
    if (s != HN_OK) return s;
    /* A duplicate descriptor for stdio, so that atomic_commit can fsync and close a.fd. */
    int dupfd = dup(cs->a.fd);
    cs->f = dupfd >= 0 ? fdopen(dupfd, "w") : NULL;
    if (!cs->f) {
        int e = errno;
        if (dupfd >= 0) close(dupfd);
        atomic_abort(&cs->a);
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    return HN_OK;
}

hn_status csv_stream_commit(csv_stream *cs, bool bad, hn_error *err)
{
    /* A failed write of the caller's left its errno; else what the flush says. */
    if (!bad) errno = 0;
    bad = bad || fflush(cs->f) != 0 || ferror(cs->f);
    int e = errno;
    if (fclose(cs->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    cs->f = NULL;
    if (bad) {
        atomic_abort(&cs->a);
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", cs->path,
                            e ? strerror(e) : "write failed");
    }
    return atomic_commit(&cs->a, err);
}

void csv_stream_abort(csv_stream *cs)
{
    if (cs->f) fclose(cs->f);
    cs->f = NULL;
    atomic_abort(&cs->a);
}

hn_status csv_write(const char *path, int (*body)(FILE *f, const void *user), const void *user,
                    hn_error *err)
{
    csv_stream cs;
    hn_status s = csv_stream_begin(&cs, path, err);
    if (s != HN_OK) return s;
    errno = 0;
    bool bad = body(cs.f, user) < 0;
    return csv_stream_commit(&cs, bad, err);
}
