/*
 * atomic.c - write a file whole or not at all (see atomic.h).
 *
 * atomic_begin creates `.NAME.hnsim-XXXXXX` beside the destination with
 * mkstemp (so the rename stays on one file system) and gives it the mode a
 * new file would get (0666 less the umask), or the existing destination's
 * mode when it is replaced. The writer writes it, through a->fd or by path
 * (libxlsxwriter) after closing a->fd and setting it to -1. atomic_commit
 * fsyncs the file, renames it over the destination (atomic_commit_new:
 * links it there, refusing an existing file) and fsyncs the folder.
 * On any failure the temporary file is removed and the destination is left
 * as it was. A destination that is a symbolic link is written through (the
 * file it points to is replaced); one that is a device, pipe or socket, or
 * read-only, is refused (atomic_resolve). The path of the file being
 * written is also kept in a static buffer so that a SIGINT handler can
 * unlink it (one write at a time); the signals whose handler reads it are
 * blocked while it is set or cleared, so a handler never sees a temporary
 * file that exists but is not recorded.
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* The temporary file being written, for atomic_pending_path; pending_set guards it. */
static char pending[PATH_MAX];
static volatile sig_atomic_t pending_set;

/*
 * Blocks the signals whose handler reads the pending path (SIGINT, SIGTERM,
 * SIGHUP, SIGALRM), saving the old mask in *old: between creating the
 * temporary file and recording it (and between renaming it and forgetting
 * it) a handler must not run, or it could leave the file behind or see a
 * half-copied path.
 */
static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Restores the mask block_signals saved (a signal that came meanwhile is handled now). */
static void restore_signals(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Records (or, with NULL, forgets) the pending temporary path (call with signals blocked). */
static void set_pending(const char *path)
{
    pending_set = 0;
    if (path && strlen(path) < sizeof pending) {
        memcpy(pending, path, strlen(path) + 1);
        pending_set = 1;
    }
}

/* Path of the temporary file being written, for a signal handler; NULL when none (static storage). */
const char *atomic_pending_path(void)
{
    return pending_set ? pending : NULL;
}

/* Folder part of path ("." when none); caller frees. NULL on OOM. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* Characters the temporary name adds to the destination's: "." before, ".hnsim-XXXXXX" after. */
#define HN_TMP_EXTRA 14

/*
 * HN_ERR_IO when the base name of target, with the temporary file's
 * HN_TMP_EXTRA characters, is longer than its folder allows (NAME_MAX, or
 * pathconf's answer for that folder); dest names the output in the message.
 */
static hn_status check_name_length(const char *dest, const char *target, hn_error *err)
{
    const char *slash = strrchr(target, '/');
    size_t len = strlen(slash ? slash + 1 : target);
    char *dir = folder_of(target);
    long max = dir ? pathconf(dir, _PC_NAME_MAX) : -1;
    free(dir);
    if (max <= 0) max = NAME_MAX;
    if (len + HN_TMP_EXTRA <= (size_t)max) return HN_OK;
    return hn_error_set(err, HN_ERR_IO,
                        "cannot write %.*s...: its file name is %zu bytes long, and at most "
                        "%ld fit in its folder with the %d of the temporary file written "
                        "first; choose a shorter name (-o)",
                        hn_utf8_prefix(dest, 60), dest, len, max - HN_TMP_EXTRA, HN_TMP_EXTRA);
}

/* Mode for the new file: the destination's when it exists, else 0666 less the umask. */
static mode_t new_file_mode(const char *dest)
{
    struct stat sb;
    if (stat(dest, &sb) == 0 && S_ISREG(sb.st_mode)) return sb.st_mode & 07777;
    /* Reading the umask means setting it: set it back at once. Not thread-safe, but the
     * writers run after the engine's threads have ended. */
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Frees a's strings and forgets the pending path (call with signals blocked). */
static void release(hn_atomic *a)
{
    if (a->tmp && atomic_pending_path() && strcmp(a->tmp, pending) == 0) set_pending(NULL);
    free(a->dest);
    free(a->tmp);
    a->dest = a->tmp = NULL;
    a->fd = -1;
}

/*
 * The file an output named dest replaces: dest itself, or, when dest is a
 * symbolic link, the file it points to (the link is kept). Refuses a dest
 * that is a device, pipe or socket (renaming over /dev/null would replace
 * the device) and one that is read-only - no write permission bit, or not
 * writable by us - since someone marked it so to keep it - and a folder, or a
 * name that ends in '/'. Refuses a name too long for its folder once the
 * temporary file's 14 characters are added (NAME_MAX, usually 255 bytes),
 * so that every refusal comes before a run rather than after it.
 * *real is a new string (caller frees).
 */
hn_status atomic_resolve(const char *dest, char **real, hn_error *err)
{
    *real = NULL;
    if (!dest || !*dest)
        return hn_error_set(err, HN_ERR_IO, "cannot write output: empty file name");
    const char *last = strrchr(dest, '/');
    if (!*(last ? last + 1 : dest))
        return hn_error_set(err, HN_ERR_IO,
                            "cannot write %s: it names a folder; name a file in it "
                            "(such as %sNAME.xlsx)",
                            dest, dest);
    struct stat lsb, sb;
    char *target = NULL;
    if (lstat(dest, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
        target = realpath(dest, NULL);
        if (!target)
            return hn_error_set(err, HN_ERR_IO,
                                "cannot write %s: it is a symbolic link to a missing file", dest);
    } else {
        target = strdup(dest);
        if (!target) return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing %s", dest);
    }
    bool exists = stat(target, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode)) {
        free(target);
        return hn_error_set(err, HN_ERR_IO,
                            "cannot write %s: it is a folder; name a file in it "
                            "(such as %s/NAME.xlsx)",
                            dest, dest);
    }
    hn_status st = check_name_length(dest, target, err);
    if (st != HN_OK) {
        free(target);
        return st;
    }
    if (exists) {
        const char *why = NULL;
        if (!S_ISREG(sb.st_mode))
            why = "it is not a regular file (a device, pipe or socket): choose a file name";
        else if (!(sb.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
            why = "the file is read-only (make it writable, or choose another name)";
        else if (access(target, W_OK) != 0)
            why = errno == EROFS ? "it is on a read-only file system"
                                 : "you may not write the file (permission denied)";
        if (why) {
            free(target);
            return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", dest, why);
        }
    }
    *real = target;
    return HN_OK;
}

/* Creates the temporary file for dest; on success a->tmp exists and a->fd is open. HN_ERR_IO / HN_ERR_NOMEM on failure. */
hn_status atomic_begin(hn_atomic *a, const char *dest_arg, hn_error *err)
{
    a->dest = a->tmp = NULL;
    a->fd = -1;
    if (!dest_arg || !*dest_arg)
        return hn_error_set(err, HN_ERR_IO, "cannot write output: empty file name");
    char *dest = NULL;
    hn_status st = atomic_resolve(dest_arg, &dest, err);
    if (st != HN_OK) return st;
    const char *slash = strrchr(dest, '/');
    const char *base = slash ? slash + 1 : dest;

    char *dir = folder_of(dest);
    a->dest = dest;
    size_t n = (dir ? strlen(dir) : 0) + strlen(base) + 32;
    a->tmp = malloc(n);
    if (!dir || !a->tmp) {
        free(dir);
        release(a);
        return hn_error_set(err, HN_ERR_NOMEM, "out of memory writing %s", dest_arg);
    }
    snprintf(a->tmp, n, "%s/.%s.hnsim-XXXXXX", dir, base);
    free(dir);

    mode_t mode = new_file_mode(dest);
    sigset_t old;
    block_signals(&old);
    a->fd = mkstemp(a->tmp);
    if (a->fd < 0) {
        int e = errno;
        release(a);
        restore_signals(&old);
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", dest_arg, strerror(e));
    }
    set_pending(a->tmp);
    restore_signals(&old);
    if (fchmod(a->fd, mode) != 0) {
        int e = errno;
        atomic_abort(a);
        return hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", dest_arg, strerror(e));
    }
    return HN_OK;
}

/* fsyncs the folder holding path; errors are ignored (some file systems refuse it). */
static void sync_folder(const char *path)
{
    char *dir = folder_of(path);
    if (!dir) return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/*
 * Puts the finished temporary file at the destination: rename(2) over it,
 * or, when !replace, link(2) and unlink, which fails with EEXIST when the
 * destination exists, so that no file is ever overwritten. A file system
 * without hard links (EPERM, ENOTSUP, EXDEV, EMLINK, ENOSYS) falls back to
 * a check and a rename, which leaves a moment in which another program
 * could create the file. Returns 0 or errno.
 */
static int place(const hn_atomic *a, bool replace)
{
    if (replace) return rename(a->tmp, a->dest) == 0 ? 0 : errno;
    if (link(a->tmp, a->dest) == 0) {
        unlink(a->tmp);
        return 0;
    }
    int e = errno;
    if (e != EPERM && e != ENOTSUP && e != EOPNOTSUPP && e != EXDEV && e != EMLINK && e != ENOSYS)
        return e;
    struct stat sb;
    if (lstat(a->dest, &sb) == 0) return EEXIST;
    return rename(a->tmp, a->dest) == 0 ? 0 : errno;
}

/*
 * fsyncs and closes the temporary file (reopening it when the writer closed
 * a->fd), places it at the destination (place: replacing it or not) and
 * frees a's strings. On failure removes it and returns HN_ERR_IO "cannot
 * write DEST: reason".
 */
static hn_status commit(hn_atomic *a, bool replace, hn_error *err)
{
    if (!a->tmp || !a->dest) {
        atomic_abort(a);
        return hn_error_set(err, HN_ERR_INTERNAL, "atomic_commit without atomic_begin");
    }
    int fd = a->fd;
    a->fd = -1;
    if (fd < 0) fd = open(a->tmp, O_RDONLY | O_CLOEXEC);
    int e = 0;
    if (fd < 0)
        e = errno;
    else {
        if (fsync(fd) != 0) e = errno;
        if (close(fd) != 0 && !e) e = errno;
    }
    sigset_t old;
    block_signals(&old);
    if (!e) e = place(a, replace);
    if (e) {
        restore_signals(&old);
        hn_status st =
            e == EEXIST && !replace
                ? hn_error_set(err, HN_ERR_IO,
                               "cannot write %s: it already exists (it is left "
                               "as it was: choose another name)",
                               a->dest)
                : hn_error_set(err, HN_ERR_IO, "cannot write %s: %s", a->dest, strerror(e));
        atomic_abort(a);
        return st;
    }
    set_pending(NULL);
    restore_signals(&old);
    sync_folder(a->dest);
    release(a); /* the pending path is already forgotten */
    return HN_OK;
}

hn_status atomic_commit(hn_atomic *a, hn_error *err)
{
    return commit(a, true, err);
}

hn_status atomic_commit_new(hn_atomic *a, hn_error *err)
{
    return commit(a, false, err);
}

/* Closes and removes the temporary file, frees a's strings; safe to call twice. */
void atomic_abort(hn_atomic *a)
{
    sigset_t old;
    block_signals(&old);
    if (a->fd >= 0) close(a->fd);
    a->fd = -1;
    if (a->tmp) unlink(a->tmp);
    release(a);
    restore_signals(&old);
}
