/*
 * replay.c - runs the fuzz target over saved inputs, without libFuzzer.
 *
 *   fuzz-replay FILE|FOLDER...
 *
 * Feeds every file named (and every regular file directly inside a folder
 * named) to LLVMFuzzerTestOneInput, in name order, and prints how many it
 * replayed. `make test` builds it with gcc's AddressSanitizer and
 * UndefinedBehaviorSanitizer and replays tests/fuzz/regressions/ (every
 * input the fuzzer ever found a fault with), tests/bad/ and scenarios/:
 * a sanitizer report or a broken promise aborts, so the test fails.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replays one file; returns 1 when replayed, 0 when it could not be read. */
static int replay_file(const char *path)
{
    size_t n = 0;
    uint8_t *data = fuzz_read_file(path, &n);
    if (!data) {
        fprintf(stderr, "fuzz-replay: cannot read %s\n", path);
        return 0;
    }
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 1;
}

/* qsort comparison of two names. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files directly inside folder, in name order; returns how many. */
static int replay_folder(const char *folder, int *failed)
{
    DIR *d = opendir(folder);
    if (!d) {
        fprintf(stderr, "fuzz-replay: cannot open %s\n", folder);
        (*failed)++;
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **t = realloc(names, cap * sizeof *t);
            if (!t) abort();
            names = t;
        }
        size_t len = strlen(folder) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) abort();
        snprintf(names[n], len, "%s/%s", folder, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int done = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (replay_file(names[i]))
                done++;
            else
                (*failed)++;
        }
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    int done = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            done += replay_folder(argv[i], &failed);
        else if (replay_file(argv[i]))
            done++;
        else
            failed++;
    }
    printf("fuzz-replay: %d inputs replayed, %d unreadable\n", done, failed);
    return failed ? 1 : 0;
}
