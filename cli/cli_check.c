/*
 * cli_check.c - `hnsim check`: load and validate a scenario, then print a
 * one-screen summary of what it describes.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model/params.h"
#include "scenario/scenario.h"

static void check_help(FILE *f)
{
    fprintf(f, "usage: hnsim check SCENARIO.ini [--strict]\n"
               "\n"
               "Loads and validates the scenario (and the files it extends) without running\n"
               "it, and prints a summary: years, segments, provisions, cost and income lines,\n"
               "and how many inputs are sampled. Then prints on stderr a warning for each\n"
               "figure that would mislead although the scenario is valid (a baseline in\n"
               "£'000, a list written like one number with thousands separators, places\n"
               "that cost nothing). Exit status 0 when valid, 2 when not (or, with\n"
               "--strict, when there is a warning).\n"
               "\n"
               "      --strict  treat warnings as errors (exit 2)\n"
               "  -h, --help    this help\n");
}

/* "90" or "90, 85, 80" or "pert(...)" for a parameter, as written, or def when unset. */
static const char *shown(const hn_param *p, const char *def)
{
    return p->set && p->text && *p->text ? p->text : def;
}

/* Names of the provisions in a route, comma-separated, into buf. */
static void route_names(const hn_scenario *sc, const int *route, int n, char *buf, size_t cap)
{
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "",
                                 sc->provisions[route[i]].name);
    if (n == 0) snprintf(buf, cap, "(none: pupils wait)");
}

/* Number of sampled inputs (params.h): each distribution written in the file, a list's elements apart. */
static int sampled_inputs(const hn_scenario *sc)
{
    hn_input *in = NULL;
    int n = params_inputs(sc, &in);
    free(in);
    return n;
}

static void print_summary(const hn_scenario *sc)
{
    char buf[1024];
    printf("scenario    %s: %s\n", sc->name, sc->title);
    if (sc->authority && *sc->authority) printf("authority   %s\n", sc->authority);
    printf("files       ");
    for (int i = 0; i < sc->n_sources; i++) printf("%s%s", i ? " <- " : "", sc->sources[i].path);
    printf("\nyears       %d from %d/%02d, %d terms a year; %ld iterations, seed %llu\n", sc->years,
           sc->start_year, (sc->start_year + 1) % 100, sc->terms, sc->iterations,
           (unsigned long long)sc->seed);
    printf("baseline    %s", shown(&sc->baseline_cost, "0"));
    if (sc->has_budget) printf("; budget %s", shown(&sc->budget, "-"));
    if (sc->has_inflation) printf("; inflation %s", shown(&sc->inflation, "0"));
    printf("\n\nsegments (%d)\n", sc->n_segments);
    for (int i = 0; i < sc->n_segments; i++) {
        const hn_segment *s = &sc->segments[i];
        printf("  %-24s referrals %s", s->name, shown(&s->referrals, "0"));
        if (s->growth.set) printf(", growth %s", shown(&s->growth, "0"));
        route_names(sc, s->route, s->n_route, buf, sizeof buf);
        printf("\n  %-24s route %s\n", "", buf);
        if (s->n_excluded_route) {
            route_names(sc, s->excluded_route, s->n_excluded_route, buf, sizeof buf);
            printf("  %-24s excluded route %s\n", "", buf);
        }
    }
    printf("\nprovisions (%d)\n", sc->n_provisions);
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *p = &sc->provisions[i];
        printf("  %-24s %-12s places %-20s cost/pupil %s\n", p->name,
               p->kind && *p->kind ? p->kind : "-", p->capped ? shown(&p->places, "-") : "uncapped",
               shown(&p->cost_per_pupil, "0"));
    }
    if (sc->n_costs || sc->n_incomes) {
        printf("\nlines\n");
        for (int i = 0; i < sc->n_costs; i++)
            printf("  cost.%-19s %s\n", sc->costs[i].name, shown(&sc->costs[i].amount, "0"));
        for (int i = 0; i < sc->n_incomes; i++)
            printf("  income.%-17s %s\n", sc->incomes[i].name, shown(&sc->incomes[i].amount, "0"));
    }
    if (sc->n_correlations) {
        printf("\ncorrelations (%d, rank)\n", sc->n_correlations);
        for (int i = 0; i < sc->n_correlations; i++) {
            const hn_correlation *c = &sc->correlations[i];
            printf("  %s", sc->params[c->param[0]]->name);
            if (sc->params[c->param[0]]->n > 1) printf("[%d]", c->item[0] + 1);
            printf(", %s", sc->params[c->param[1]]->name);
            if (sc->params[c->param[1]]->n > 1) printf("[%d]", c->item[1] + 1);
            char rho[32]; /* never rounded (decisions R18) */
            printf(" = %s\n", dist_number_past(c->rho, NAN, rho, sizeof rho));
        }
    }
    int n = sampled_inputs(sc);
    printf(
        "\n%d sampled input%s (distributions; a list's elements count apart); scenario is valid\n",
        n, n == 1 ? "" : "s");
}

int cli_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "strict", no_argument, NULL, 'S' },
        { NULL, 0, NULL, 0 },
    };
    int c, strict = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            check_help(stdout);
            return 0;
        }
        if (c == 'S') {
            strict = 1;
            continue;
        }
        return cli_usage_error("check", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("check",
                               optind >= argc ? "missing SCENARIO.ini"
                                              : "expected one SCENARIO.ini, got %d files",
                               argc - optind);
    hn_error err;
    hn_error_clear(&err);
    hn_scenario *sc = NULL;
    if (scenario_load(argv[optind], &sc, &err) != HN_OK) return cli_fail(&err);
    print_summary(sc);
    int rc = cli_warnings(sc, strict, NULL);
    scenario_free(sc);
    return rc >= 0 ? rc : 0;
}
