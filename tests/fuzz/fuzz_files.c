/*
 * fuzz_files.c - the fuzz harness's files (fuzz_files.h).
 */
#include "fuzz_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Most file names one process asks for. */
#define FUZZ_MAX_FILES 8

static char folder[256];
static char paths[FUZZ_MAX_FILES][320];
static int n_paths;

/* Removes every file named through fuzz_path, then the folder (at exit). */
static void remove_all(void)
{
    for (int i = 0; i < n_paths; i++) unlink(paths[i]);
    rmdir(folder);
}

const char *fuzz_path(const char *name)
{
    for (int i = 0; i < n_paths; i++) {
        const char *slash = strrchr(paths[i], '/');
        if (slash && !strcmp(slash + 1, name)) return paths[i];
    }
    if (!folder[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(folder, sizeof folder, "%s/hnsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(folder)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_all);
    }
    if (n_paths == FUZZ_MAX_FILES) {
        fprintf(stderr, "fuzz_path: more than %d files\n", FUZZ_MAX_FILES);
        abort();
    }
    snprintf(paths[n_paths], sizeof paths[n_paths], "%s/%s", folder, name);
    return paths[n_paths++];
}

void fuzz_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

unsigned char *fuzz_read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            unsigned char *t = realloc(buf, cap * 2);
            if (!t) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = t;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    fclose(f);
    *n = len;
    return buf;
}
