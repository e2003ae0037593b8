/*
 * fuzz_workbook.c - the libFuzzer target for the workbook writer.
 *
 * Each input is written as a scenario file and loaded; a scenario the
 * loader accepts is run once deterministically and written as a workbook
 * through the same writer `hnsim run -o X.xlsx` uses, with a command line
 * and an output path that carry the input's own text (so the Run sheet
 * meets it too). The target aborts (a finding) when:
 *  - writing the workbook of an accepted scenario fails;
 *  - any XML part of the package is not well-formed (xml_check.h): a
 *    string the writer let through that Excel would have to "repair".
 * Refusals by the loader are the other target's business
 * (fuzz_scenario.c). Built by `make fuzz FUZZ_TARGET=workbook` with clang's
 * libFuzzer, and by `make test` with gcc's sanitizers and replay.c as
 * main, to replay tests/fuzz/regressions-workbook/ and the scenarios.
 */
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/stats.h"
#include "fuzz_files.h"
#include "model/engine.h"
#include "report.h"
#include "scenario/scenario.h"
#include "xml_check.h"

/* The fuzzed file and the workbook, in the private folder (fuzz_files.h). */
static const char *input_path, *out_path;

/* Aborts with a description: a promise of the writer is broken. */
static void finding(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_workbook: %s: %s\n", what, detail);
    abort();
}

/* Writes the workbook of an accepted scenario and checks its package. */
static void write_and_check(const hn_scenario *sc, const uint8_t *data, size_t size)
{
    hn_run_opts o = { .iterations = 1, .seed = sc->seed, .threads = 1, .deterministic = true };
    hn_results *res = NULL;
    hn_stats *st = NULL;
    hn_error err;
    hn_error_clear(&err);
    hn_status s = engine_run(sc, &o, &res, &err);
    if (s == HN_ERR_LIMIT) { /* too large for memory: not the writer's business */
        results_free(res);
        return;
    }
    if (s == HN_OK) s = stats_compute(res, &st, &err);
    if (s != HN_OK) finding("an accepted scenario fails to run", err.message);
    /* The input's first bytes as part of the command line: the Run sheet writes it. */
    char command[200];
    snprintf(command, sizeof command, "hnsim run %.*s", (int)(size < 150 ? size : 150),
             (const char *)data);
    hn_report_origin origin = { .command_line = command,
                                .run_date = "2026-01-01 00:00",
                                .out_path = out_path };
    hn_run_report rep;
    s = report_run_init(&rep, &origin, sc, res, st, NULL, &err);
    if (s == HN_OK) {
        s = report_write_xlsx(&rep, &err);
        report_run_free(&rep);
    }
    stats_free(st);
    results_free(res);
    if (s != HN_OK) finding("writing the workbook failed", err.message);
    char why[300];
    if (xml_check_package(out_path, why, sizeof why))
        finding("the workbook is not well-formed", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!input_path) {
        /* GSL's failures are statuses, as in the command line (cli/main.c, decisions R19). */
        gsl_set_error_handler_off();
        input_path = fuzz_path("fuzz.ini");
        out_path = fuzz_path("out.xlsx");
    }
    fuzz_write_file(input_path, data, size);
    hn_scenario *sc = NULL;
    hn_error err;
    if (scenario_load(input_path, &sc, &err) == HN_OK) {
        write_and_check(sc, data, size);
        scenario_free(sc);
    }
    return 0;
}
