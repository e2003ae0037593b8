/*
 * cli_new.c - `hnsim new NAME [-o FILE.ini]`: write an annotated scenario
 * template (engine/scenario/template.h) to start a new scenario from.
 *
 * The file is NAME.ini in the current folder unless -o names another
 * (`-o -`: standard output). It is written whole or not at all
 * (output/atomic.h) and never over an existing file, not even one created
 * while it is written (docs/decisions.md item I5): a template replacing a
 * scenario someone had worked on would lose their work.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cli.h"
#include "scenario/template.h"

/* Prints `hnsim new --help` to f. */
static void new_help(FILE *f)
{
    fprintf(f, "usage: hnsim new NAME [-o FILE.ini]\n"
               "\n"
               "Writes an annotated scenario template called NAME to NAME.ini in the current\n"
               "folder, or to FILE.ini: every section and key, each with a comment saying what\n"
               "it means, what its value is (units, a number or a distribution) and its\n"
               "default, and a plausible value. It passes `hnsim check` and runs as it is;\n"
               "replace the values with your own, citing each one's source in the comment\n"
               "after it (that comment is its Source on the Assumptions sheet). NAME is\n"
               "lowercase letters, digits and '_'. The years start next September.\n"
               "\n"
               "Never overwrites a file: when FILE.ini exists, nothing is written (exit\n"
               "status 2); choose another name or move the file away.\n"
               "\n"
               "  -o, --output FILE.ini  where to write it (- for standard output)\n"
               "  -h, --help             this help\n");
}

/* The academic year a new plan starts in: the next September (this one until August). */
static int next_start_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !localtime_r(&now, &tm)) return 2025;
    return tm.tm_year + 1900 + (tm.tm_mon >= 8 ? 1 : 0); /* tm_mon 8: September */
}

/* Writes text to path atomically, refusing an existing file; returns the exit status. */
static int write_new(const char *path, const char *text)
{
    hn_error err;
    hn_error_clear(&err);
    hn_atomic a;
    if (atomic_begin(&a, path, &err) != HN_OK) return cli_fail(&err);
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(a.fd, text + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            atomic_abort(&a);
            hn_error_set(&err, HN_ERR_IO, "cannot write %s: %s", path, strerror(e));
            return cli_fail(&err);
        }
        done += (size_t)w;
    }
    if (atomic_commit_new(&a, &err) != HN_OK) return cli_fail(&err);
    return 0;
}

int cli_new(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        if (c == 'h') {
            new_help(stdout);
            return 0;
        }
        if (c == 'o') {
            out = optarg;
            continue;
        }
        if (optopt == 'o') return cli_usage_error("new", "-o needs a file name");
        return cli_usage_error("new", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1)
        return cli_usage_error("new",
                               optind >= argc ? "missing NAME (the new scenario's name)"
                                              : "expected one NAME, got %d",
                               argc - optind);
    const char *name = argv[optind];
    hn_error err;
    hn_error_clear(&err);
    char *text = NULL;
    if (scenario_template(name, next_start_year(), &text, &err) != HN_OK) {
        if (err.status == HN_ERR_USAGE) return cli_usage_error("new", "%s", err.message);
        return cli_fail(&err);
    }
    int rc = 0;
    if (out && !strcmp(out, "-")) {
        fputs(text, stdout);
    } else {
        size_t n = strlen(name) + 5;
        char *def = out ? NULL : malloc(n);
        if (def) snprintf(def, n, "%s.ini", name);
        const char *path = out ? out : def;
        struct stat sb;
        if (!path) {
            hn_error_set(&err, HN_ERR_NOMEM, "out of memory");
            rc = cli_fail(&err);
        } else if (lstat(path, &sb) == 0) {
            rc = cli_usage_error("new",
                                 "%s already exists: `hnsim new` never overwrites a file (choose "
                                 "another name with -o, or move it away)",
                                 path);
        } else {
            rc = write_new(path, text);
        }
        if (rc == 0)
            fprintf(stderr, "hnsim: wrote %s; check it with `hnsim check %s`\n", path, path);
        free(def);
    }
    free(text);
    return rc;
}
