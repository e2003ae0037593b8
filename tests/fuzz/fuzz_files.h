/*
 * fuzz_files.h - the files the fuzz targets and their replay work with: a
 * private temporary folder that is removed at exit, and whole-file reads
 * and writes. Shared by fuzz_scenario.c, fuzz_workbook.c, xml_check.c and
 * replay.c.
 */
#ifndef HN_FUZZ_FILES_H
#define HN_FUZZ_FILES_H

#include <stddef.h>

/*
 * The path of file `name` in the process's private folder (created under
 * $TMPDIR or /tmp on the first call; the folder and every file named
 * through here are removed at exit). Returns static storage that lives to
 * the end of the process; aborts when the folder cannot be made or more
 * than 8 names are asked for (the harness failed, not the code under test).
 */
const char *fuzz_path(const char *name);

/* Writes n bytes to path, replacing it; aborts on failure (the harness failed). */
void fuzz_write_file(const char *path, const void *data, size_t n);

/* Reads the whole of path into a new buffer (*n bytes; caller frees); NULL when it cannot. */
unsigned char *fuzz_read_file(const char *path, size_t *n);

#endif
