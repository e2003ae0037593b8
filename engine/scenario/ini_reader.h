/*
 * ini_reader.h - reading a scenario file line by line and parsing it with inih.
 *
 * Debian's inih r55 has a 200-byte line buffer, no line number in the
 * handler and looser rules than ours (see /work/shared/LIBRARIES.md). So we
 * read the file ourselves: the whole file into memory (any line length),
 * checked for NUL bytes, control characters and invalid UTF-8, its lines
 * counted and their comments stripped (docs/decisions.md item 3) but kept
 * apart, as UTF-8 text, for the key they cite (ini_file_comment). inih then
 * parses it through ini_parse_stream with a reader that hands it one line
 * per call; a line too long for inih's buffer is handed as a short
 * placeholder while its real key and value stay here. Our callbacks get the
 * exact line number, the full section name, key and value. Indented lines
 * are refused before inih can take them for continuations.
 */
#ifndef HN_INI_READER_H
#define HN_INI_READER_H

#include "base/hn_error.h"

/* Largest scenario file read (2 MiB): real ones are a few kilobytes (decisions item R3). */
#define HN_MAX_FILE_BYTES (2 * 1024 * 1024)

/* A scenario file read into memory, comments stripped. */
typedef struct {
    char *path;      /* as opened (owned) */
    char sha256[65]; /* lowercase hex SHA-256 of the file's bytes */
    char **
        lines; /* n_lines lines (line i+1 is lines[i]), comments and trailing blanks removed (owned) */
    /*
     * n_lines comments, one per line (owned): the text after the line's `;`
     * or `#`, trimmed, in UTF-8 (Windows-1252 bytes converted, decisions
     * R11); NULL when the line has no comment.
     */
    char **comments;
    int n_lines;
} ini_file;

/*
 * Reads path into f. HN_OK; HN_ERR_SCENARIO at line 0 when it cannot be
 * opened, is a folder, is not a regular file (a device or pipe) or is
 * larger than HN_MAX_FILE_BYTES (a bad scenario argument: exit status 2);
 * HN_ERR_IO when reading fails; HN_ERR_SCENARIO for a NUL byte, a control
 * character or invalid UTF-8 (with the line); HN_ERR_NOMEM. err->file is
 * path. On failure f is empty.
 * Free f with ini_file_free.
 */
hn_status ini_file_read(const char *path, ini_file *f, hn_error *err);

/*
 * The comment that cites the key at line `line` of f (docs/decisions.md
 * item I3): the comment on that line; when it has none, the comment lines
 * directly above it (no blank or other line between), in order, joined by
 * spaces; NULL when there is neither, or every such comment is empty.
 * Returns a new string in *out (caller frees). HN_OK, or HN_ERR_NOMEM
 * with err filled.
 */
hn_status ini_file_comment(const ini_file *f, int line, char **out, hn_error *err);

/* Frees what ini_file_read allocated and empties f. */
void ini_file_free(ini_file *f);

/* Called at a `[name]` line; returns HN_OK or fills err and returns its status. */
typedef hn_status (*ini_section_fn)(void *user, const char *name, int line, hn_error *err);

/*
 * Called for a `key = value` line; section is "" before the first section.
 * Returns HN_OK or fills err and returns its status.
 */
typedef hn_status (*ini_key_fn)(void *user, const char *section, const char *key, const char *value,
                                int line, hn_error *err);

/*
 * Parses f with inih, calling on_section and on_key in line order. Stops at
 * the first error: a callback's, an indented line, text after `]`, or an
 * inih syntax error (a line that is neither a section nor `key = value`);
 * whichever comes first in the file is returned (HN_ERR_SCENARIO, or a
 * callback's status) with err filled.
 */
hn_status ini_file_parse(const ini_file *f, ini_section_fn on_section, ini_key_fn on_key,
                         void *user, hn_error *err);

#endif
