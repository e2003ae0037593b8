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
#include "scenario/history.h"
#include "scenario/s251.h"
#include "report.h"
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

/*
 * A money parameter for the summary, into buf: its constants with thousands
 * separators and a pound sign ("£4,258,000", or "£150,000, £250,000" for a
 * list), so that a figure in pounds reads as one; a distribution, or a
 * number too large or not whole, as written; def when unset.
 */
static const char *money(const hn_param *p, const char *def, char *buf, size_t cap)
{
    if (!p->set) return def;
    for (int i = 0; i < p->n; i++) {
        double v = p->items[i].p[0];
        if (p->items[i].kind != HN_DIST_CONST || v != floor(v) || fabs(v) >= 1e15)
            return shown(p, def);
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->n && used < cap; i++) {
        char k[32];
        double v = p->items[i].p[0];
        report_thousands((long)fabs(v), k, sizeof k);
        used += (size_t)snprintf(buf + used, cap - used, "%s%s£%s", i ? ", " : "", v < 0 ? "-" : "",
                                 k); /* a DSG deficit: "-£5,000,000" */
    }
    return buf;
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

/* Widens *w to the length of s in characters (UTF-8 code points). */
static void widen(int *w, const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) n += (*p & 0xC0) != 0x80;
    if (n > *w) *w = n;
}

/* Prints s padded with blanks to w characters (UTF-8 aware: printf pads by bytes). */
static void pad(const char *s, int w)
{
    int n = 0;
    widen(&n, s);
    printf("%s%*s", s, w > n ? w - n : 0, "");
}

/* Prints "  <indent>note TEXT" when the section has a note. */
static void print_note(const char *note, int indent)
{
    if (note && *note) printf("  %*snote %s\n", indent, "", note);
}

/* Widths of the summary's columns, from the names and values it prints. */
typedef struct {
    int name;   /* segment and provision names, cost.NAME and income.NAME */
    int kind;   /* a provision's kind */
    int places; /* a provision's places */
} check_widths;

/* Measures the columns of sc's summary, so that no long name breaks them. */
static check_widths measure(const hn_scenario *sc)
{
    check_widths w = { 12, 4, 8 };
    for (int i = 0; i < sc->n_segments; i++) widen(&w.name, sc->segments[i].name);
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *p = &sc->provisions[i];
        widen(&w.name, p->name);
        widen(&w.kind, p->kind && *p->kind ? p->kind : "-");
        widen(&w.places, p->capped ? shown(&p->places, "-") : "uncapped");
    }
    char line[64];
    for (int i = 0; i < sc->n_costs; i++) {
        snprintf(line, sizeof line, "cost.%s", sc->costs[i].name);
        widen(&w.name, line);
    }
    for (int i = 0; i < sc->n_incomes; i++) {
        snprintf(line, sizeof line, "income.%s", sc->incomes[i].name);
        widen(&w.name, line);
    }
    return w;
}

/* Prints the cost or income lines ms[0..n) as "  TYPE.NAME  AMOUNT", each with its note. */
static void print_lines(const char *type, const hn_money_line *ms, int n, int width)
{
    char buf[1024], name[64];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s.%s", type, ms[i].name);
        printf("  ");
        pad(name, width);
        printf("  %s\n", money(&ms[i].amount, "0", buf, sizeof buf));
        print_note(ms[i].note, width + 2);
    }
}

/*
 * Prints the [dsg] section, when the scenario has one (MODEL.md section 8):
 * the allocation and the other High Needs spend with their growth, the
 * opening balance, the transfers in, the deficit limit, the targets and the
 * override's end, in pounds with separators as the rest of the summary.
 */
static void print_dsg(const hn_scenario *sc, int col)
{
    if (sc->n_dsg < 1) return;
    const hn_dsg *d = &sc->dsg[0];
    char buf[1024];
    printf("\nDSG (High Needs Block)\n");
    printf("  allocation        %s", money(&d->allocation, "-", buf, sizeof buf));
    if (d->allocation_growth.set) printf(", growth %s", shown(&d->allocation_growth, "0"));
    printf("\n  other spend       %s", money(&d->other_spend, "£0", buf, sizeof buf));
    if (d->other_growth.set) printf(", growth %s", shown(&d->other_growth, "0"));
    printf(" (Section 251 line %s)\n", s251_code(d->other_s251));
    printf("  opening balance   %s (negative: a deficit)\n",
           money(&d->opening_balance, "£0", buf, sizeof buf));
    if (d->transfer_in.set)
        printf("  transfers in      %s\n", money(&d->transfer_in, "£0", buf, sizeof buf));
    printf("  deficit limit     %s\n", money(&d->deficit_limit, "none", buf, sizeof buf));
    printf("  targets           %s\n", money(&d->targets, "none", buf, sizeof buf));
    if (d->override_ends > 0) printf("  override ends     31 March %d\n", d->override_ends);
    print_note(d->note, col);
}

/* Prints the one-screen summary of sc (stdout): the scenario, its segments, provisions, lines, DSG section, correlations and notes. */
static void print_summary(const hn_scenario *sc)
{
    char buf[1024], k[32];
    check_widths w = measure(sc);
    int col = w.name + 2; /* where the second column starts, after the two-blank indent */
    printf("scenario    %s: %s\n", sc->name, sc->title);
    if (sc->authority && *sc->authority) printf("authority   %s\n", sc->authority);
    if (sc->note && *sc->note) printf("note        %s\n", sc->note);
    printf("files       ");
    for (int i = 0; i < sc->n_sources; i++) printf("%s%s", i ? " <- " : "", sc->sources[i].path);
    report_thousands(sc->iterations, k, sizeof k);
    printf("\nyears       %d from %d/%02d, %d terms a year; %s iterations, seed %llu\n", sc->years,
           sc->start_year, (sc->start_year + 1) % 100, sc->terms, k, (unsigned long long)sc->seed);
    printf("baseline    %s", money(&sc->baseline_cost, "0", buf, sizeof buf));
    if (sc->has_budget) printf("; budget %s", money(&sc->budget, "-", buf, sizeof buf));
    if (sc->has_inflation) printf("; inflation %s", shown(&sc->inflation, "0"));
    printf("\n\nsegments (%d)\n", sc->n_segments);
    for (int i = 0; i < sc->n_segments; i++) {
        const hn_segment *s = &sc->segments[i];
        printf("  ");
        pad(s->name, w.name);
        printf("  referrals %s", shown(&s->referrals, "0"));
        if (s->growth.set) printf(", growth %s", shown(&s->growth, "0"));
        route_names(sc, s->route, s->n_route, buf, sizeof buf);
        printf("\n  %*sroute %s\n", col, "", buf);
        if (s->n_excluded_route) {
            route_names(sc, s->excluded_route, s->n_excluded_route, buf, sizeof buf);
            printf("  %*sexcluded route %s\n", col, "", buf);
        }
        print_note(s->note, col);
    }
    printf("\nprovisions (%d)\n", sc->n_provisions);
    for (int i = 0; i < sc->n_provisions; i++) {
        const hn_provision *p = &sc->provisions[i];
        printf("  ");
        pad(p->name, w.name);
        printf("  ");
        pad(p->kind && *p->kind ? p->kind : "-", w.kind);
        printf("  places ");
        pad(p->capped ? shown(&p->places, "-") : "uncapped", w.places);
        printf("  cost/pupil %s\n", money(&p->cost_per_pupil, "0", buf, sizeof buf));
        print_note(p->note, col);
    }
    if (sc->n_costs || sc->n_incomes) {
        printf("\nlines\n");
        print_lines("cost", sc->costs, sc->n_costs, w.name);
        print_lines("income", sc->incomes, sc->n_incomes, w.name);
    }
    print_dsg(sc, col);
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
    if (sc->history)
        printf("\nhistory     %s: %d observation%s, %d/%02d to %d/%02d (SHA-256 %s)\n",
               sc->history->path, sc->history->n, sc->history->n == 1 ? "" : "s",
               sc->start_year + sc->history->first_year,
               (sc->start_year + sc->history->first_year + 1) % 100,
               sc->start_year + sc->history->last_year,
               (sc->start_year + sc->history->last_year + 1) % 100, sc->history->sha256);
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
