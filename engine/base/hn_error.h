/*
 * hn_error.h - errors as values for the whole of hnsim.
 *
 * Every fallible function returns an hn_status and, when it fails, fills an
 * hn_error that the caller passes in. Only the command-line layer prints an
 * error or turns it into an exit status; library code never exits.
 * Scenario errors carry the file, line, section and key so that tests can
 * assert them and messages read
 *   FILE:LINE: [section] key: what is wrong (what would be valid)
 */
#ifndef HN_ERROR_H
#define HN_ERROR_H

#include <stddef.h>

/* The class of a failure; decides the exit status. Keep hn_status_names in step. */
typedef enum {
    HN_OK = 0,
    HN_ERR_USAGE,       /* bad command line                      -> exit 2 */
    HN_ERR_SCENARIO,    /* bad scenario file                     -> exit 2 */
    HN_ERR_LIMIT,       /* a run too large to attempt            -> exit 2 */
    HN_ERR_IO,          /* a file could not be read or written   -> exit 1 */
    HN_ERR_NOMEM,       /* out of memory                         -> exit 1 */
    HN_ERR_INTERNAL,    /* a library call failed unexpectedly    -> exit 1 */
    HN_ERR_INTERRUPTED, /* stopped by SIGINT or SIGTERM          -> exit 130 */
    HN_ERR__COUNT
} hn_status;

/* A failure: its class, a complete one-line message, and where it points. */
typedef struct {
    hn_status status;
    char message[1024]; /* the whole line as printed, without "hnsim: " */
    char file[512];     /* scenario file, "" when not about a file     */
    int line;           /* 1-based line in file, 0 when none           */
    char section[128];  /* INI section, "" when none                   */
    char key[128];      /* INI key, "" when none                       */
} hn_error;

/* Short stable name of a status ("scenario", "io", ...); out-of-range codes give "unknown". */
const char *hn_status_name(hn_status s);

/* Exit status for a status: 0, 1, 2 or 130. */
int hn_status_exit_code(hn_status s);

/* Resets e to HN_OK with empty fields. e may be NULL. */
void hn_error_clear(hn_error *e);

/* Sets e to status s with a printf-style message; returns s. e may be NULL. */
hn_status hn_error_set(hn_error *e, hn_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Sets e to HN_ERR_SCENARIO with the message
 * "FILE:LINE: [section] key: <fmt...>" (parts that are NULL/0 are left out)
 * and records file, line, section and key; returns HN_ERR_SCENARIO.
 */
hn_status hn_error_at(hn_error *e, const char *file, int line, const char *section, const char *key,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * Length of the longest prefix of s of at most max bytes that does not end
 * inside a UTF-8 sequence: for quoting part of a user's text in a message
 * as "%.*s" without leaving half a character (a broken message).
 */
int hn_utf8_prefix(const char *s, int max);

/*
 * After snprintf into buf (cap bytes): when the text filled buf, and so may
 * have been cut, drops a UTF-8 sequence the cut left incomplete.
 */
void hn_utf8_fit(char *buf, size_t cap);

#endif
