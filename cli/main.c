/*
 * main.c - entry point: `hnsim COMMAND [options]`.
 *
 * Dispatches to the subcommands in cli_*.c and prints the top-level help
 * and version. Nothing below this layer prints or exits.
 */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "base/par.h"
#include "base/version.h"

static void print_help(FILE *f)
{
    fprintf(f,
            "usage: hnsim run SCENARIO.ini [-o OUT.xlsx|OUT.csv] [--iterations N] [--seed S]\n"
            "                 [--threads N] [--deterministic] [--quiet] [--swing-iterations N]\n"
            "                 [--sampling mc|lhs] [--target-se PCT [--max-iterations N]]\n"
            "                 [--history FILE.csv]\n"
            "       hnsim solve SCENARIO.ini --vary KEY --target 'METRIC:YEAR[:STAT] OP VALUE'\n"
            "                   [--range LO:HI] [run's options]\n"
            "       hnsim compare BASE.ini OPTION.ini [OPTION.ini ...] [-o OUT.xlsx|OUT.csv]\n"
            "                     [run's options]\n"
            "       hnsim sweep SCENARIO.ini [SCENARIO.ini ...] [-o OUT.csv|OUT.xlsx]\n"
            "                   [run's options]\n"
            "       hnsim calibrate SCENARIO.ini [HISTORY.csv] --fit KEY[,KEY...] [-o OUT.ini]\n"
            "                       [--quiet]\n"
            "       hnsim backtest SCENARIO.ini [HISTORY.csv] --fit KEY[,KEY...] --holdout N|all\n"
            "                      [-o OUT.xlsx|OUT.csv] [run's options]\n"
            "       hnsim check SCENARIO.ini [--strict]\n"
            "       hnsim new NAME [-o FILE.ini]\n"
            "       hnsim --version | --help\n"
            "\n"
            "Monte Carlo projections of High Needs Block spending (placements, costs,\n"
            "permanent exclusions) from a scenario file; writes an Excel workbook or a\n"
            "tidy CSV; `solve` finds the break-even scale of one key for a target;\n"
            "`sweep` runs many scenarios and writes them together;\n"
            "`calibrate` sets keys from the council's history; `backtest` scores how\n"
            "well the model would have tracked it; `new` writes an annotated scenario\n"
            "to start from.\n"
            "`hnsim COMMAND --help` describes each command.\n"
            "\n"
            "Exit status: 0 success, 2 bad usage or a bad scenario, 1 any other failure\n"
            "(I/O, memory), 130 interrupted.\n");
}

/* Runs the command named by argv[1]; returns its exit status. */
static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        print_help(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("hnsim %s\n", HN_VERSION);
        return 0;
    }
    /* The commands, in the order `--help` lists them; `spreads`: the command spreads its runs'
     * iterations over MPI processes. The others refuse under more than one process: they would
     * run as K copies (and `new` would have K processes write one file). */
    static const struct {
        const char *name;
        int (*fn)(int, char **);
        bool spreads;
    } commands[] = { { "run", cli_run, true },
                     { "compare", cli_compare, true },
                     { "sweep", cli_sweep, true },
                     { "solve", cli_solve, true },
                     { "calibrate", cli_calibrate, false },
                     { "backtest", cli_backtest, false },
                     { "check", cli_check, false },
                     { "new", cli_new, false } };
    size_t n = sizeof commands / sizeof commands[0];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cmd, commands[i].name)) continue;
        if (par_size() > 1 && !commands[i].spreads) {
            fprintf(stderr,
                    "hnsim: '%s' does not spread over MPI processes: run it with one process "
                    "(without mpirun, or mpirun -n 1); run, compare, sweep and solve do\n",
                    cmd);
            return 2;
        }
        return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "hnsim: unknown command '%s' (valid: ", cmd);
    for (size_t i = 0; i < n; i++) fprintf(stderr, "%s%s", i ? ", " : "", commands[i].name);
    fprintf(stderr, "; see hnsim --help)\n");
    return 2;
}

/*
 * Entry point. SIGPIPE is ignored, so that a reader closing a pipe (`hnsim
 * solve ... | head -1`) makes writes to stdout fail rather than kill the
 * process mid-search with an undocumented status; whatever the command
 * printed is then flushed and checked: a failed write to stdout (a closed
 * pipe, a full disk) is an I/O error, exit status 1, unless the command
 * had already failed with its own status. GSL's default error handler,
 * which aborts the process (status 134) when GSL fails - an allocation
 * under a memory limit, say - is turned off before anything else: every
 * GSL call's status and every GSL allocation's NULL is checked and becomes
 * an error with its own status and message (decisions R19).
 */
int main(int argc, char **argv)
{
    /* Numbers are read and written in the C locale whatever the environment says. */
    setlocale(LC_ALL, "C");
    gsl_set_error_handler_off();
    signal(SIGPIPE, SIG_IGN);
    hn_error err;
    hn_error_clear(&err);
    if (par_init(&argc, &argv, &err) != HN_OK) return cli_fail(&err);
    /* Under MPI, rank 0 alone prints: the others' standard output and error go nowhere
     * (every failure is agreed on by all ranks, so rank 0 prints it: engine/base/par.h). */
    if (par_rank() != 0 &&
        (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))) {
        par_finalize();
        return 1;
    }
    int rc = dispatch(argc, argv);
    errno = 0;
    if ((fflush(stdout) == EOF || ferror(stdout)) && rc == 0) {
        fprintf(stderr, "hnsim: cannot write to standard output: %s\n",
                errno ? strerror(errno) : "write error");
        rc = 1;
    }
    par_finalize();
    return rc;
}
