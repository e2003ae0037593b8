/*
 * atomic.h - write a file whole or not at all.
 *
 * An output is written to a temporary file in the destination's folder
 * (so the final rename stays on one file system), flushed to disk, then
 * renamed over the destination. Until the rename any existing file is
 * untouched; on failure the temporary file is removed.
 */
#ifndef HN_ATOMIC_H
#define HN_ATOMIC_H

#include "base/hn_error.h"

typedef struct {
    char *dest; /* final path (owned) */
    char *tmp;  /* temporary path in the same folder (owned) */
    int fd;     /* open descriptor of tmp, or -1 */
} hn_atomic;

/*
 * The file an output named dest replaces: dest, or the file it links to.
 * HN_ERR_IO when dest is a device, pipe or socket, is read-only, or is a
 * link to nothing. On success *real is a new string the caller frees.
 * atomic_begin calls it; callers may call it first to refuse before work.
 */
hn_status atomic_resolve(const char *dest, char **real, hn_error *err);

/* Creates the temporary file for dest (after atomic_resolve: a link is written through); on success a->tmp exists and a->fd is open. HN_ERR_IO on failure. */
hn_status atomic_begin(hn_atomic *a, const char *dest, hn_error *err);

/* fsyncs and closes the temporary file, renames it to dest; on failure removes it. Frees a's strings. */
hn_status atomic_commit(hn_atomic *a, hn_error *err);

/*
 * As atomic_commit, but never replaces a file: when dest exists (even one
 * created while the output was written) it is left as it was, the
 * temporary file is removed, and HN_ERR_IO says "it already exists". For
 * outputs a user edits afterwards (`hnsim new`).
 */
hn_status atomic_commit_new(hn_atomic *a, hn_error *err);

/* Removes the temporary file and frees a's strings; safe to call twice. */
void atomic_abort(hn_atomic *a);

/* Path of the temporary file being written, for cleanup from a signal handler; NULL when none. */
const char *atomic_pending_path(void);

#endif
