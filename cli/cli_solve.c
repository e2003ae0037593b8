/*
 * cli_solve.c - `hnsim solve`: the break-even scale of one key.
 *
 * "How much must exclusions fall (or referrals be diverted, or unit costs
 * drop) for the plan to pay back by year 3 / stay within budget?" The
 * command scales one key of the scenario (engine/scenario_scale.h) until a
 * target on one figure (engine/target.h) holds at its boundary
 * (engine/solve.h), running the scenario with run's options and the same
 * seed at every trial. It prints one line per trial, the figure at the
 * answer and, last, `scale = X (bracket LO-HI)`; with -o it also writes the
 * run at the answer's scale (the key's audit entry says so).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "cli.h"
#include "cli_options.h"
#include "model/engine.h"
#include "report.h"
#include "scenario/dist.h"
#include "scenario/scenario_scale.h"
#include "analysis/solve.h"
#include "analysis/stats.h"
#include "analysis/stats_run.h"
#include "analysis/target.h"

static void solve_help(FILE *f)
{
    fprintf(f,
            "usage: hnsim solve SCENARIO.ini --vary KEY --target 'METRIC:YEAR[:STAT] OP VALUE'\n"
            "                   [--range LO:HI] [-o OUT.xlsx|OUT.csv] [--iterations N] [--seed S]\n"
            "                   [--threads N] [--deterministic] [--quiet]\n"
            "\n"
            "Finds the scale of KEY at which the target holds at its boundary: the\n"
            "break-even. KEY is SECTION.KEY as in the file (demand.primary.exclusion,\n"
            "cost.posts.amount, provision.pru.exit.mainstream); the scale multiplies every\n"
            "value and distribution parameter of it. The target names a figure of the tidy\n"
            "CSV for the total: METRIC (net_cost, exclusions, payback_year, ...), YEAR\n"
            "(1..years or all), STAT (mean by default; p for a probability), OP (<=, <, >=,\n"
            "or >) and VALUE, e.g.\n"
            "  'net_cost:all <= 20000000'   'net_cost:all:p90 <= 21000000'\n"
            "  'payback_year:3 >= 0.8'      'exclusions:5 <= 10'\n"
            "Every trial is a whole run with the same seed (common random numbers). The\n"
            "search starts at scale 1, steps outwards until the verdict changes, then\n"
            "narrows the bracket (Brent's method, or bisection for a probability) to %g.\n"
            "The last line is `scale = X (bracket LO-HI)`, X the end where the target holds;\n"
            "with -o the run at scale X is written too. A target no scale in the range\n"
            "meets (or that every scale meets) is an error.\n"
            "\n"
            "      --vary KEY        the key to scale (required)\n"
            "      --target TARGET   the condition to meet at the boundary (required)\n"
            "      --range LO:HI     scales searched (default %g:%g, within the key's\n"
            "                        admissible range: probabilities stay <= 1, ...)\n",
            HN_SOLVE_TOL, HN_SOLVE_LO, HN_SOLVE_HI);
    cli_options_help(f);
}

/* Parses "LO:HI" (0 <= LO < HI, finite) into lo and hi; false when it is not that. */
static bool parse_range(const char *s, double *lo, double *hi)
{
    char *end = NULL;
    errno = 0;
    *lo = strtod(s, &end);
    if (end == s || *end != ':' || errno) return false;
    const char *h = end + 1;
    *hi = strtod(h, &end);
    if (end == h || *end || errno) return false;
    return isfinite(*lo) && isfinite(*hi) && *lo >= 0 && *lo < *hi;
}

/*
 * A scale for messages: 6 significant digits, or more when they would put v
 * on the other side of `past` (a scale the user asked for), or "no limit"
 * for an unbounded end. buf holds 32 bytes.
 */
static const char *scale_text(double v, double past, char *buf)
{
    if (isinf(v)) return "no limit";
    return dist_number_past(v, past, buf, 32);
}

/* Prints one trial (the trial callback of solve_search). */
static void print_trial(void *user, double scale, double figure, bool holds)
{
    const hn_target *t = user;
    printf("  scale %-10.6g %s = %-16.10g %s\n", scale, t->figure, figure,
           holds ? "holds" : "fails");
    fflush(stdout);
}

/* Writes the run of sc (its key at the answer's scale, noted in the audit trail and in the
 * title with the target as typed) to o->out. */
static hn_status write_solved(const hn_scenario *sc, hn_scale *scale, const char *target,
                              const hn_run_opts *ro, const cli_options *o, hn_error *err)
{
    hn_results *res = NULL;
    hn_stats *st = NULL;
    hn_run_report rep = { 0 };
    hn_status s = scenario_scale_note(scale, err);
    hn_stats_want want = { .col_first = 0, .col_end = 0, .keep_first = false }; /* no analysis */
    if (s == HN_OK) s = stats_run(sc, ro, &want, &res, &st, err);
    if (s == HN_OK) s = cli_run_ended(err); /* a signal came during the run: write nothing */
    cli_origin origin;
    cli_origin_init(&origin, o, o->out);
    if (s == HN_OK) s = report_run_init(&rep, &origin.origin, sc, res, st, NULL, err);
    hn_report_solve solved = { scale->param->name, scale->factor, target };
    if (s == HN_OK) s = report_run_solved(&rep, &solved, err);
    /* Rank 0 alone writes (par.h); every process ends with its status. */
    if (s == HN_OK && par_rank() == 0) s = report_write(&rep, err);
    if (res) s = par_agree(s, err); /* every process that ran reaches this */
    report_run_free(&rep);
    stats_free(st);
    results_free(res);
    return s;
}

/* Checks -o before the search: a known extension and a writable place that is no input. */
static hn_status check_out(const char *out, const hn_scenario *sc, hn_error *err)
{
    hn_report_format fmt;
    hn_status s = report_output_format(out, &fmt, err);
    if (s != HN_OK) return s;
    const hn_scenario *inputs[1] = { sc };
    return cli_check_output(out, inputs, 1, err);
}

/* Parses the target against sc's figures. */
static hn_status parse_target(const char *text, const hn_scenario *sc, hn_target *t, hn_error *err)
{
    hn_layout lay;
    hn_status s = layout_init(&lay, sc, err);
    if (s != HN_OK) return s;
    s = target_parse(text, &lay, t, err);
    layout_free(&lay);
    return s;
}

/* Prints what is searched, before the trials. */
static void print_header(const hn_scenario *sc, const hn_scale *scale, const hn_target *t,
                         const hn_run_opts *ro, double lo, double hi)
{
    printf("%s: vary %s (%s), target %s %s %.10g\n", sc->name, scale->param->name,
           scale->param->text, t->figure, target_op_text(t->op), t->value);
    printf("searching scales %.6g to %.6g to within %g; each trial ", lo, hi, HN_SOLVE_TOL);
    if (ro->deterministic)
        printf("a deterministic run\n");
    else
        printf("%ld iterations with seed %llu (common random numbers)\n", ro->iterations,
               (unsigned long long)ro->seed);
    char a[32], b[32];
    if (scale->limit[0])
        printf("admissible scales %s to %s: %s\n", scale_text(scale->lo, scale->lo, a),
               scale_text(scale->hi, scale->hi, b), scale->limit);
}

int cli_solve(int argc, char **argv)
{
    cli_options o;
    const char *vary = NULL, *target_text = NULL, *range_text = NULL;
    const cli_extra_option extra[] = { { "vary", &vary },
                                       { "target", &target_text },
                                       { "range", &range_text } };
    int rc = cli_options_parse_with("solve", argc, argv, &o, solve_help, extra, 3);
    if (rc >= 0) return rc;
    double lo = HN_SOLVE_LO, hi = HN_SOLVE_HI;
    if (o.first_arg != argc - 1)
        rc = cli_usage_error("solve",
                             o.first_arg >= argc ? "missing SCENARIO.ini"
                                                 : "expected one SCENARIO.ini, got %d files",
                             argc - o.first_arg);
    else if (!vary)
        rc = cli_usage_error("solve", "missing --vary KEY (e.g. --vary demand.primary.exclusion)");
    else if (!target_text)
        rc =
            cli_usage_error("solve", "missing --target (e.g. --target 'net_cost:all <= 20000000')");
    else if (range_text && !parse_range(range_text, &lo, &hi))
        rc = cli_usage_error("solve", "--range '%s': need LO:HI with 0 <= LO < HI, e.g. 0.5:1.5",
                             range_text);
    else
        rc = cli_options_only_run("solve", &o);
    if (rc >= 0) {
        cli_options_free(&o);
        return rc;
    }

    hn_error err;
    hn_error_clear(&err);
    hn_scenario *sc = NULL;
    hn_scale scale = { 0 };
    hn_target t;
    hn_solve_result res;
    hn_status s = par_agree(scenario_load(argv[o.first_arg], &sc, &err), &err);
    if (s == HN_OK && o.out) s = check_out(o.out, sc, &err);
    if (s == HN_OK) s = parse_target(target_text, sc, &t, &err);
    if (s == HN_OK) s = scenario_scale_begin(sc, vary, &scale, &err);
    char a[32], b[32], searched[64];
    if (range_text) /* the user's range as typed, never rounded (decisions R18) */
        snprintf(searched, sizeof searched, "%.*s", hn_utf8_prefix(range_text, 60), range_text);
    else
        snprintf(searched, sizeof searched, "%g to %g", lo, hi);
    if (s == HN_OK && (fmax(lo, scale.lo) > fmin(hi, scale.hi)))
        s = hn_error_set(&err, HN_ERR_USAGE,
                         "the scales searched, %s, lie outside those admissible for %s "
                         "(%s to %s%s%s)",
                         searched, vary, scale_text(scale.lo, hi, a), scale_text(scale.hi, lo, b),
                         scale.limit[0] ? ": " : "", scale.limit);
    hn_run_opts ro = { 0 };
    if (s == HN_OK) {
        lo = fmax(lo, scale.lo);
        hi = fmin(hi, scale.hi);
        ro = cli_engine_options(&o, sc);
        cli_install_signals();
        if (!o.quiet) print_header(sc, &scale, &t, &ro, lo, hi);
        s = solve_search(sc, &scale, &t, &ro, lo, hi, HN_SOLVE_TOL, o.quiet ? NULL : print_trial,
                         &t, &res, &err);
    }
    if (s == HN_OK && o.out)
        s = write_solved(sc, &scale, target_text, &ro, &o, &err);
    else if (s == HN_OK)
        s = cli_run_ended(&err);
    if (s != HN_OK) {
        rc = cli_fail(&err);
    } else {
        if (!o.quiet) {
            double other = res.scale == res.lo ? res.hi : res.lo;
            double other_fig = res.scale == res.lo ? res.figure_hi : res.figure_lo;
            printf("%s = %.10g at scale %.6g: target %s %.10g holds (%.10g at %.6g); %d trials\n",
                   t.figure, res.figure, res.scale, target_op_text(t.op), t.value, other_fig, other,
                   res.trials);
            if (o.out) printf("wrote %s (the run at scale %.6g)\n", o.out, res.scale);
        }
        printf("scale = %.6g (bracket %.6g-%.6g)\n", res.scale, res.lo, res.hi);
        rc = 0;
    }
    scenario_scale_end(&scale);
    scenario_free(sc);
    cli_options_free(&o);
    return rc;
}
