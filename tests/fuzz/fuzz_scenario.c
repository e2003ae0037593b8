/*
 * fuzz_scenario.c - the libFuzzer target for the scenario loader.
 *
 * Each input is written as a scenario file into a private temporary folder
 * and loaded with scenario_load (so the real file reader, `extends` and
 * every rule run exactly as they do for a user: one implementation). The
 * folder also holds base.ini, a valid scenario the input may extend, and
 * child.ini, which extends the input, so mutations reach the merge code.
 *
 * The target checks the loader's promises, and aborts (a finding) when one
 * is broken:
 *  - it never crashes, leaks or hangs (the sanitizers and libFuzzer's
 *    -timeout watch that);
 *  - a refusal is HN_ERR_SCENARIO or HN_ERR_IO, with a message that is one
 *    line of valid UTF-8 and that names the file when it names a line;
 *  - a scenario it accepts also runs: two Monte Carlo iterations and a
 *    deterministic run on one thread succeed (or are refused as too large
 *    for memory), so the engine never meets a value the loader let through
 *    but cannot handle (docs/reliability.md), and every gross cost and
 *    income it books is a finite amount >= 0 (decisions 6 and R16: a rate
 *    draw below -1 used to turn money negative).
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined, and
 * by `make test` with gcc's sanitizers and tests/fuzz/replay.c as main, to
 * replay the regression inputs in tests/fuzz/regressions/.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_files.h"
#include "model/engine.h"
#include "scenario/scenario.h"

/* A small valid scenario the fuzzed file may extend. */
static const char base_ini[] = "[scenario]\n"
                               "name = fuzz_base\n"
                               "start_year = 2021\n"
                               "years = 2\n"
                               "terms = 2\n"
                               "iterations = 5\n"
                               "baseline_cost = 1000\n"
                               "budget = 900, 950\n"
                               "inflation = 0.02\n"
                               "[demand.pupils]\n"
                               "referrals = pert(2, 4, 9)\n"
                               "growth = 0.1\n"
                               "initial = 2\n"
                               "route = unit\n"
                               "exclusion = 0.05\n"
                               "resolve = 0.1\n"
                               "ehcna = 0.02\n"
                               "excluded_route = unit, away\n"
                               "[provision.unit]\n"
                               "serves = pupils\n"
                               "places = 4, 5\n"
                               "initial = 1\n"
                               "place_funding = 100\n"
                               "cost_per_pupil = triangular(10, 20, 40)\n"
                               "exit.mainstream = 0.3\n"
                               "exit.away = 0.1\n"
                               "overflow = away\n"
                               "[provision.away]\n"
                               "cost_per_pupil = lognormal(50, 10)\n"
                               "exit.left = beta(2, 5)\n"
                               "[cost.team]\n"
                               "amount = normal(100, 10)\n"
                               "[income.grant]\n"
                               "amount = 50\n";

/* A file that extends the fuzzed one. */
static const char child_ini[] = "[scenario]\n"
                                "extends = fuzz.ini\n"
                                "seed = 3\n"
                                "[cost.extra]\n"
                                "amount = 10\n";

/* The fuzzed file and the two around it, in the private folder (fuzz_files.h). */
static const char *input_path, *base_path, *child_path;

/* Turns GSL's error handler off and writes the fixed files, once. */
static void setup(void)
{
    /* GSL's failures are statuses, as in the command line (cli/main.c, decisions R19): the
     * target meets what a user would, and checks the errors they become. */
    gsl_set_error_handler_off();
    input_path = fuzz_path("fuzz.ini");
    base_path = fuzz_path("base.ini");
    child_path = fuzz_path("child.ini");
    fuzz_write_file(base_path, base_ini, sizeof base_ini - 1);
    fuzz_write_file(child_path, child_ini, sizeof child_ini - 1);
}

/* True when s is valid UTF-8 without control characters (one printable line). */
static int one_utf8_line(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int len = c < 0x80                   ? 1
                  : (c >= 0xC2 && c <= 0xDF) ? 2
                  : (c >= 0xE0 && c <= 0xEF) ? 3
                  : (c >= 0xF0 && c <= 0xF4) ? 4
                                             : 0;
        if (len == 0 || (c < 0x20 && c != '\t') || c == 0x7F) return 0;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += len;
    }
    return 1;
}

/* Aborts with a description when a promise about a refusal is broken. */
static void check_refusal(hn_status st, const hn_error *err)
{
    const char *why = NULL;
    if (st != HN_ERR_SCENARIO && st != HN_ERR_IO)
        why = "status is neither scenario nor io";
    else if (err->status != st)
        why = "err->status differs from the returned status";
    else if (!err->message[0])
        why = "empty message";
    else if (!one_utf8_line(err->message))
        why = "message is not one line of valid UTF-8";
    else if (err->line > 0 && !err->file[0])
        why = "a line without a file";
    if (why) {
        fprintf(stderr, "fuzz_scenario: %s (status %s): %s\n", why, hn_status_name(st),
                err->message);
        abort();
    }
}

/* Aborts when a gross cost or an income of res, any entity, year or iteration, is not a finite
 * amount >= 0. */
static void check_money(const hn_results *res)
{
    const hn_layout *lay = &res->layout;
    for (int f = 0; f < lay->n_figures; f++) {
        hn_metric m = lay->figures[f].metric;
        if (m != HN_M_GROSS_COST && m != HN_M_INCOME) continue;
        for (int y = 0; y <= lay->years; y++)
            for (long i = 0; i < res->n_iter; i++) {
                double v = results_get(res, f * (lay->years + 1) + y, i);
                if (isfinite(v) && v >= 0) continue;
                fprintf(stderr, "fuzz_scenario: money below 0 or not finite: %g (%s, year %d)\n", v,
                        m == HN_M_GROSS_COST ? "gross cost" : "income", y + 1);
                abort();
            }
    }
}

/* Runs an accepted scenario briefly; aborts when the engine refuses what the loader accepted. */
static void check_runs(const hn_scenario *sc)
{
    for (int det = 0; det <= 1; det++) {
        hn_run_opts o = { .iterations = 2, .seed = sc->seed, .threads = 1, .deterministic = det };
        hn_results *res = NULL;
        hn_error err;
        hn_error_clear(&err);
        hn_status st = engine_run(sc, &o, &res, &err);
        if (st == HN_OK) check_money(res);
        results_free(res);
        if (st != HN_OK && st != HN_ERR_LIMIT) {
            fprintf(stderr, "fuzz_scenario: an accepted scenario fails to run (%s): %s\n",
                    hn_status_name(st), err.message);
            abort();
        }
    }
}

/* Loads one scenario file; checks the promises above. */
static void load_and_check(const char *path)
{
    hn_scenario *sc = NULL;
    hn_error err;
    hn_status st = scenario_load(path, &sc, &err);
    if (st == HN_OK) {
        check_runs(sc);
        scenario_free(sc);
    } else {
        check_refusal(st, &err);
        if (sc) {
            fprintf(stderr, "fuzz_scenario: a refusal returned a scenario\n");
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!input_path) setup();
    fuzz_write_file(input_path, data, size);
    load_and_check(input_path);
    load_and_check(child_path);
    return 0;
}
